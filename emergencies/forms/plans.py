"""Forms of personal emergency plans, one per section (one section a screen on a
phone). Rows (contacts, places, documents, a scenario's actions) are formsets that add
a row with htmx or, without JavaScript, by posting the form: what is typed stays."""

from __future__ import annotations

import re

from crispy_forms.layout import Column, Layout
from crispy_forms.layout import Row as LayoutRow
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import phone_cleaned
from members.forms.helpers import inline_helper
from members.models import Language

from ..models import (
    EmergencyPlan,
    GoBagItem,
    PlanAction,
    PlanContact,
    PlanDocument,
    PlanHealth,
    PlanPlace,
    PlanScenario,
    ScenarioKind,
    ScenarioTemplate,
)
from ..services.plans import Row

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ROWS = 30


class PlanStartForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("Who can see my plan"),
        choices=EmergencyPlan.Sharing.choices,
        initial=EmergencyPlan.Sharing.PRIVATE,
        widget=forms.RadioSelect,
        help_text=_(
            "Sharing lets your association's operators help you keep it up to date. You can "
            "change this at any time."
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree that Nucleo keeps my emergency plan"),
        required=False,
        help_text=_("Only you, and the operators if you share it, can read it. You can delete it."),
    )

    def __init__(self, *args, needs_consent: bool, for_self: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        if not needs_consent:
            del self.fields["consent"]
        elif not for_self:
            self.fields["consent"].label = _("The person gave their consent on paper")
        if not for_self:
            del self.fields["sharing"]  # a plan made with an operator is shared with them

    def clean_consent(self):
        if not self.cleaned_data.get("consent"):
            raise forms.ValidationError(
                _("Your plan is kept only with your consent: tick the box.")
            )
        return True


class PlanAboutForm(forms.ModelForm):
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages I speak"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = EmergencyPlan
        fields = [
            "household",
            "dependants",
            "languages",
            "interpreter_needed",
            "accessibility_needs",
            "sharing",
        ]
        widgets = {
            "household": forms.Textarea(attrs={"rows": 3}),
            "dependants": forms.Textarea(attrs={"rows": 2}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "sharing": forms.RadioSelect,
        }

    def __init__(self, *args, is_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        if not is_owner:
            # Only the member decides who sees their plan.
            self.fields["sharing"].disabled = True


class _RowForm(forms.ModelForm):
    """A row of a section: a blank new row is left out, not an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()


class ContactForm(_RowForm):
    class Meta:
        model = PlanContact
        fields = ["kind", "name", "relationship", "phone", "email", "alert_on_activation"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"inputmode": "email"}),
        }

    def clean_phone(self):
        return phone_cleaned(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("alert_on_activation") and not (
            cleaned.get("phone") or cleaned.get("email")
        ):
            self.add_error(
                "alert_on_activation",
                _("To tell them, we need their phone number or e-mail."),
            )
        return cleaned


class PlaceForm(_RowForm):
    class Meta:
        model = PlanPlace
        fields = ["kind", "name", "address", "notes"]


class DocumentForm(_RowForm):
    class Meta:
        model = PlanDocument
        fields = ["doc_type", "label", "expires_on", "original_kept_at", "copies_kept_at"]
        widgets = {"expires_on": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("doc_type") == PlanDocument.Type.OTHER and not cleaned.get("label"):
            self.add_error("label", _("Say which document it is."))
        return cleaned


class ActionForm(_RowForm):
    class Meta:
        model = PlanAction
        fields = ["text", "who"]
        # A step is often a sentence: on a phone it wraps instead of scrolling away.
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class BaseRowFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self):
        super().clean()
        # A row posted with an id that is not this plan's (another person's, or one
        # removed meanwhile) would become a new row: refuse it instead.
        if any(form.instance._state.adding for form in self.initial_forms):
            raise forms.ValidationError(
                _("This part of the plan changed in the meantime: reload the page.")
            )

    def rows(self) -> list[Row]:
        """The valid formset as the service takes it: untouched blank rows left out."""
        rows = []
        fields = self.form._meta.fields
        for form in self.forms:
            data = form.cleaned_data
            pk = None if form.instance._state.adding else form.instance.pk
            if data.get("DELETE"):
                if pk is not None:
                    rows.append(Row(id=pk, delete=True))
                continue
            if pk is None and not form.has_changed():
                continue
            rows.append(Row(id=pk, fields={name: data.get(name) for name in fields}))
        return rows


def _formset_class(form_class):
    return forms.modelformset_factory(
        form_class._meta.model,
        form=form_class,
        formset=BaseRowFormSet,
        extra=0,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
    )


ROW_FORMS = {
    "contacts": ContactForm,
    "places": PlaceForm,
    "documents": DocumentForm,
    "actions": ActionForm,
}
FORMSETS = {section: _formset_class(form) for section, form in ROW_FORMS.items()}


def with_more_rows(data, prefix: str, add_rows: int):
    """The posted data with ``add_rows`` more rows: "add another" without JavaScript
    is the same page with the same typed values and one empty row more."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key) or 0)
    except ValueError:
        total = 0  # a tampered count: the formset then reports the form as broken
    data[key] = str(max(0, min(total, MAX_ROWS - 1)) + add_rows)
    return data


def row_formset(section: str, queryset, data=None, *, add_rows: int = 0):
    """The rows of ``section`` (``queryset`` is the plan's, so a forged id is a form
    error). An empty section starts with one empty row."""
    if data is not None and add_rows:
        data = with_more_rows(data, section, add_rows)
    formset = FORMSETS[section](data, queryset=queryset, prefix=section)
    if data is None and not queryset.exists():
        formset.extra = 1
    return formset


class ScenarioAddForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("A crisis that could happen to me"),
        queryset=ScenarioTemplate.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    title = forms.CharField(
        label=_("Or my own scenario"),
        max_length=120,
        required=False,
        help_text=_('Give it a name, e.g. "My child gets sick at night".'),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.helper = inline_helper()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("template") and not cleaned.get("title", "").strip():
            raise forms.ValidationError(_("Choose a crisis from the list, or name your own."))
        return cleaned


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = PlanScenario
        fields = ["title", "warning_signs", "coping", "code_word", "resources"]
        widgets = {
            "warning_signs": forms.Textarea(attrs={"rows": 3}),
            "coping": forms.Textarea(attrs={"rows": 3}),
            "code_word": forms.TextInput(attrs={"autocomplete": "off"}),
            "resources": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, is_owner: bool, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        self.fields["resources"].queryset = services
        self.fields["resources"].required = False
        if not is_owner or self.instance.kind != ScenarioKind.VIOLENCE:
            # Only the member writes the code word, only for violence or abuse.
            del self.fields["code_word"]


class HealthForm(forms.ModelForm):
    class Meta:
        model = PlanHealth
        fields = ["conditions", "allergies", "medicines"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()


#: Words that give away a PIN or a password: the plan is not where they belong.
ACCESS_CODE = re.compile(
    r"\b(pin|puk|cvv|password|passcode|passw|codice segreto|codice di accesso|"
    r"parola d'ordine)\b",
    re.IGNORECASE,
)


class GoBagForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Ready in my bag"),
        choices=GoBagItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = forms.CharField(
        label=_("Other things in my bag"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    money_notes = forms.CharField(
        label=_("Emergency money"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Where you keep some money, who could lend it. Never write PINs, passwords or "
            "access codes."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()

    def clean_money_notes(self):
        notes = self.cleaned_data["money_notes"]
        if ACCESS_CODE.search(notes):
            raise forms.ValidationError(
                _(
                    "It looks like a PIN or a password: never write access codes in your "
                    "plan. Write only where the money is or who could help."
                )
            )
        return notes


class ReviewForm(forms.ModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ["review_every_months", "next_review_on"]
        widgets = {"next_review_on": DATE_WIDGET}

    def clean_next_review_on(self):
        day = self.cleaned_data["next_review_on"]
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        self.helper.layout = Layout(
            LayoutRow(
                Column("review_every_months", css_class="col-12 col-sm-6"),
                Column("next_review_on", css_class="col-12 col-sm-6"),
            )
        )


class ActivateForm(forms.Form):
    scenario = forms.ModelChoiceField(
        label=_("What is happening?"),
        queryset=PlanScenario.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        blank=True,  # a radio for "something else" too
        empty_label=_("Something else"),
    )

    def __init__(self, *args, plan: EmergencyPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = plan.scenarios.all()
        self.helper = inline_helper()


class ScenarioTemplateForm(forms.ModelForm):
    class Meta:
        model = ScenarioTemplate
        fields = [
            "title_it",
            "title_en",
            "warning_signs_it",
            "warning_signs_en",
            "first_actions_it",
            "first_actions_en",
            "coping_it",
            "coping_en",
            "is_active",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in fields
            if name.startswith(("warning", "first", "coping"))
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
