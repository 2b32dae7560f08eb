"""Forms of community alerts: the alert (whom, how, how urgent), its texts (one row per
common language of the association, Italian first and required, plus one row for any
other language) and a person's answer."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Language

from ..models import AlertAnswer, CommunityAlert
from ..selectors.alerts import FALLBACK_LANGUAGE, zones_unique


class AlertForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject (for the coordinators)"),
        max_length=120,
        help_text=_("e.g. Heat wave, 12 July. Members read the texts below."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=CommunityAlert.Urgency.choices,
        initial=CommunityAlert.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    zones = forms.MultipleChoiceField(
        label=_("Zones"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member of the association, wherever they live."),
    )
    other_zones = forms.CharField(
        label=_("Other zones"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, as they are written in the registry."),
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Only people who speak"),
        queryset=Language.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: whatever language they speak."),
    )
    by_email = forms.BooleanField(label=_("Also by e-mail"), required=False, initial=True)
    by_sms = forms.BooleanField(label=_("Also by SMS"), required=False, initial=True)
    ask_check_in = forms.BooleanField(
        label=_("Ask them to answer “I'm safe” or “I need help”"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, known_zones: list[str], languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = [(zone, zone) for zone in known_zones]
        self.fields["languages"].queryset = languages
        if not known_zones:
            # Nobody in the registry has a zone yet: the text field is the only way.
            del self.fields["zones"]
            self.fields["other_zones"].label = _("Zones")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("other_zones") or "").split(",")
        cleaned["zone_list"] = zones_unique([*cleaned.get("zones", []), *typed])
        if len(", ".join(cleaned["zone_list"])) > 300:
            self.add_error("other_zones", _("Too many zones for one alert: at most 300 letters."))
        return cleaned


class AlertTextForm(forms.Form):
    """The alert in one language. A row of a common language has its language fixed;
    the last row lets the coordinator pick any other."""

    language = forms.ModelChoiceField(
        label=_("Language"), queryset=Language.objects.all(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    body = forms.CharField(
        label=_("Message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short and plain: what is happening, what to do, whom to call."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed = bool(self.initial.get("language"))
        self.fixed_language: Language | None = None  # set by alert_text_formset
        if self.fixed:
            self.fields["language"].widget = forms.HiddenInput()
            if self.initial["language"] == FALLBACK_LANGUAGE:
                self.fields["title"].required = True
                self.fields["body"].required = True

    def clean(self):
        cleaned = super().clean()
        title, body = cleaned.get("title"), cleaned.get("body")
        if title and not body:
            self.add_error("body", _("Write the message too, or leave the title empty."))
        if body and not title:
            self.add_error("title", _("Give the message a title too."))
        if (title or body) and not cleaned.get("language"):
            self.add_error("language", _("Choose the language of this text."))
        return cleaned

    @property
    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("language") and data.get("title") and data.get("body"))


class BaseAlertTextFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.is_filled:
                continue
            code = form.cleaned_data["language"].pk
            if code in seen:
                form.add_error("language", _("There is already a text in this language."))
            seen.add(code)
        if FALLBACK_LANGUAGE not in seen:
            raise forms.ValidationError(
                _("Write the alert in Italian: it is the text for everyone else.")
            )

    def texts(self) -> list[tuple[Language, str, str]]:
        return [
            (form.cleaned_data["language"], form.cleaned_data["title"], form.cleaned_data["body"])
            for form in self.forms
            if form.is_filled
        ]


AlertTextFormSet = forms.formset_factory(
    AlertTextForm, formset=BaseAlertTextFormSet, extra=1, max_num=20, validate_max=True
)


def alert_text_formset(*, languages: list[Language], data=None) -> BaseAlertTextFormSet:
    """One row per common language (Italian first), then one free row."""
    formset = AlertTextFormSet(
        data, prefix="text", initial=[{"language": language.pk} for language in languages]
    )
    for form, language in zip(formset.forms, languages, strict=False):
        form.fixed_language = language
        # Browsers pick the right keyboard, spell-checker and direction (Arabic, Persian).
        for name in ("title", "body"):
            form.fields[name].widget.attrs.update({"lang": language.code, "dir": "auto"})
    for form in formset.forms[len(languages) :]:
        for name in ("title", "body"):
            form.fields[name].widget.attrs["dir"] = "auto"
    return formset


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=AlertAnswer.Answer.choices)
    note = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example where you are, or what you need."),
    )
