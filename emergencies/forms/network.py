"""Forms of the solidarity network: a help request (by an operator, or the member's own
simpler one), marking a task done, confirming it, the volunteer's debrief and the
association's network settings. They validate and normalise; the services in
``emergencies.services.network`` write."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.forms.helpers import inline_helper
from members.models import Language, Member, Skill

from ..models import Case, Debrief, HelpRequest, NetworkSettings, RequestKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

#: Where people most often need someone beside them (and a language).
PLACES = [
    ("", _("Where? (optional)")),
    ("hospital", _("Hospital or doctor")),
    ("questura", _("Questura (residence permit)")),
    ("school", _("School")),
    ("landlord", _("Landlord or agency")),
    ("office", _("Another office")),
]
PLACE_LABELS = dict(PLACES)

#: What volunteers read when the summary is left empty: the task, never the person.
DEFAULT_SUMMARIES = {
    RequestKind.ACCOMPANY: _("Accompany a person to an appointment and interpret"),
    RequestKind.ONLINE_FORM: _("Help a person fill in an online form"),
    RequestKind.LIFT: _("Give a person a lift by car"),
    RequestKind.MEAL: _("Bring a person a hot meal"),
    RequestKind.LISTENING: _("Spend some time listening to a person"),
}

#: The catalogue's skills a kind of request usually needs (interpreting: in the
#: languages asked for).
TYPICAL_SKILLS = {
    RequestKind.ACCOMPANY: {Skill.Kind.ACCOMPANIMENT, Skill.Kind.INTERPRETING},
    RequestKind.ONLINE_FORM: {Skill.Kind.DIGITAL},
    RequestKind.LIFT: {Skill.Kind.TRANSPORT},
    RequestKind.MEAL: {Skill.Kind.COOKING},
    RequestKind.LISTENING: {Skill.Kind.LISTENING},
}

#: How long a task of each kind usually takes, in minutes.
TYPICAL_MINUTES = {RequestKind.ACCOMPANY: 180}
DEFAULT_MINUTES = 60

# A phone number or an e-mail address in a text volunteers read before accepting.
PHONE_OR_EMAIL = re.compile(r"\+?\d[\d .()/-]{5,}\d|[\w.+-]+@[\w-]+\.[\w.]+")


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Say when: day and time."),
            "invalid": _("Write a day and a time, for example 14/05/2026 09:30."),
        },
        **kwargs,
    )


def _tomorrow_at(hour: int) -> str:
    day = timezone.localdate() + timedelta(days=1)
    moment = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return timezone.localtime(moment).strftime(DATETIME_FORMAT)


def _folded(field: str, summary, *, open_: bool) -> list:
    """A long list of checkboxes folded on a phone, open again when the form comes back
    (a mistake may be there, and it shows what was ticked)."""
    return [
        HTML(
            format_html(
                '<details class="mb-3"{}><summary>{}</summary>', " open" if open_ else "", summary
            )
        ),
        InlineCheckboxes(field),
        HTML("</details>"),
    ]


class _RequestForm(forms.Form):
    """What both request forms share: the kind with its usual summary and duration, the
    time window, and the rule that the summary names nobody."""

    kind = forms.ChoiceField(
        label=_("What is needed"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        initial=RequestKind.ACCOMPANY,
        error_messages={"required": _("Choose what is needed.")},
    )
    place = forms.ChoiceField(label=_("For an appointment: where"), choices=PLACES, required=False)
    starts_at = _datetime_field(_("From"))
    ends_at = _datetime_field(_("Until"))

    #: Names whose presence in the summary is refused (the person helped).
    person: Member | None = None

    def clean_public_summary(self) -> str:
        summary = " ".join(self.cleaned_data.get("public_summary", "").split())
        if PHONE_OR_EMAIL.search(summary):
            raise forms.ValidationError(
                _(
                    "Volunteers read the summary before accepting: move phone numbers and "
                    "e-mail addresses to the details."
                )
            )
        if self.person is not None:
            words = {word.lower() for word in re.findall(r"\w+", summary)}
            names = {
                part.lower()
                for part in f"{self.person.first_name} {self.person.last_name}".split()
                if len(part) > 2
            }
            if words & names:
                raise forms.ValidationError(
                    _(
                        "Volunteers read the summary before accepting: leave the person's "
                        "name out of it, and write it in the details."
                    )
                )
        return summary

    def clean(self):
        data = super().clean()
        kind, starts_at, ends_at = data.get("kind"), data.get("starts_at"), data.get("ends_at")
        if kind and not data.get("public_summary") and "public_summary" not in self.errors:
            if kind == RequestKind.OTHER:
                self.add_error("public_summary", _("Say in a few words what is needed."))
            else:
                data["public_summary"] = self._default_summary(kind, data.get("place"))
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", _("The end must come after the start."))
            elif ends_at <= timezone.now():
                self.add_error("ends_at", _("This time is already past: choose a time to come."))
        if kind and not data.get("duration_minutes"):
            data["duration_minutes"] = TYPICAL_MINUTES.get(kind, DEFAULT_MINUTES)
        duration = data.get("duration_minutes")
        if (
            starts_at
            and ends_at
            and duration
            and ends_at > starts_at
            and ends_at - starts_at < timedelta(minutes=duration)
        ):
            self.add_error(
                "ends_at" if "duration_minutes" not in self.fields else "duration_minutes",
                _("The task takes longer than the time between “from” and “until”."),
            )
        return data

    @staticmethod
    def _default_summary(kind: str, place: str) -> str:
        summary = str(DEFAULT_SUMMARIES[kind])
        if kind == RequestKind.ACCOMPANY and place:
            summary = f"{summary}: {PLACE_LABELS[place]}"
        return summary


class HelpRequestForm(_RequestForm):
    """An operator's request for a person of the registry, often from their case."""

    member = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the person to help: search for them above."),
            "invalid_choice": _("Choose the person to help: search for them above."),
        },
    )
    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), widget=forms.HiddenInput, required=False
    )
    public_summary = forms.CharField(
        label=_("Summary for volunteers"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What volunteers read before accepting: the task, not the person. No names, "
            "addresses or phone numbers. Leave it empty to use the usual one."
        ),
    )
    private_details = forms.CharField(
        label=_("Details for the volunteer who accepts"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name, address, phone, what to know: shown only to the volunteer assigned."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills needed"),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave them all empty to use the usual ones for this kind of request."),
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages needed"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    zone = forms.CharField(
        label=_("Zone"),
        max_length=120,
        required=False,
        help_text=_("Neighbourhood or town. Empty: the person's own zone."),
    )
    duration_minutes = forms.IntegerField(
        label=_("About how long (minutes)"),
        min_value=10,
        max_value=12 * 60,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        help_text=_("Empty: the usual time for this kind of request."),
        error_messages={
            "min_value": _("At least 10 minutes."),
            "max_value": _("At most 12 hours (720 minutes)."),
            "invalid": _("Write the minutes as a number, for example 90."),
        },
    )

    def __init__(self, *args, members, cases, skills, person: Member | None = None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("starts_at", _tomorrow_at(9))
        kwargs["initial"].setdefault("ends_at", _tomorrow_at(13))
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["case"].queryset = cases
        self.fields["skills"].queryset = skills
        self.person = person
        if self.is_bound:
            # The person is known before the summary is checked for their name.
            member_id = self.data.get("member")
            if member_id and str(member_id).isdigit():
                self.person = members.filter(pk=member_id).first()
        self.helper = inline_helper(
            Layout(
                "member",
                "case",
                "kind",
                "place",
                "public_summary",
                "private_details",
                Row(
                    Column("starts_at", css_class="col-12 col-sm-6"),
                    Column("ends_at", css_class="col-12 col-sm-6"),
                ),
                Row(
                    Column("duration_minutes", css_class="col-12 col-sm-6"),
                    Column("zone", css_class="col-12 col-sm-6"),
                ),
                *_folded("skills", _("Skills needed"), open_=self.is_bound),
                # Open when the person's languages are already ticked: the operator sees it.
                *_folded(
                    "languages",
                    _("Languages needed"),
                    open_=self.is_bound or bool(self.initial.get("languages")),
                ),
            )
        )

    def clean(self):
        data = super().clean()
        member, case = data.get("member"), data.get("case")
        if member and case and case.member_id != member.pk:
            self.add_error(None, _("This case is about another person."))
        if data.get("kind") and not data.get("skills"):
            data["skills"] = typical_skills(
                self.fields["skills"].queryset, data["kind"], data.get("languages") or []
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "member",
                "case",
                "kind",
                "public_summary",
                "private_details",
                "skills",
                "languages",
                "zone",
                "starts_at",
                "ends_at",
                "duration_minutes",
            )
        }


def typical_skills(skills, kind: str, languages) -> list[Skill]:
    """The catalogue's skills this kind of request usually needs; interpreting only in
    the languages asked for, Italian aside (everyone speaks it here)."""
    kinds = TYPICAL_SKILLS.get(kind, set())
    codes = {language.pk for language in languages} - {"it"}
    return [
        skill
        for skill in skills
        if skill.kind in kinds
        and (skill.kind != Skill.Kind.INTERPRETING or skill.language_id in codes)
    ]


class AskForm(_RequestForm):
    """A member asks the network for a hand, for themself: fewer words, the rest is
    filled in from their registry entry and the kind of request."""

    public_summary = forms.CharField(
        label=_("In a few words, what do you need?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Volunteers read this before saying yes: do not write your name, address or phone here."
        ),
    )
    private_details = forms.CharField(
        label=_("For the volunteer who says yes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Where to meet, your phone, what to bring: only the volunteer who accepts sees it."
        ),
    )
    language = forms.ModelChoiceField(
        label=_("A volunteer who speaks"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("Italian is fine"),
    )

    def __init__(self, *args, person: Member, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("starts_at", _tomorrow_at(9))
        kwargs["initial"].setdefault("ends_at", _tomorrow_at(13))
        if person.preferred_language_id and person.preferred_language_id != "it":
            kwargs["initial"].setdefault("language", person.preferred_language_id)
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = inline_helper(
            Layout(
                "kind",
                "place",
                "public_summary",
                Row(
                    Column("starts_at", css_class="col-12 col-sm-6"),
                    Column("ends_at", css_class="col-12 col-sm-6"),
                ),
                "language",
                "private_details",
            )
        )

    def service_fields(self, *, skills) -> dict:
        data = self.cleaned_data
        languages = [data["language"]] if data.get("language") else []
        return {
            "kind": data["kind"],
            "public_summary": data["public_summary"],
            "private_details": data["private_details"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "duration_minutes": data["duration_minutes"],
            "languages": languages,
            "skills": typical_skills(skills, data["kind"], languages),
        }


class DoneForm(forms.Form):
    minutes_spent = forms.IntegerField(
        label=_("How long did it take, in minutes?"),
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        help_text=_("Travel included. An operator confirms your hours."),
        error_messages={
            "required": _("Write how many minutes it took."),
            "min_value": _("At least 1 minute."),
            "max_value": _("At most one day (1440 minutes)."),
            "invalid": _("Write the minutes as a number, for example 90."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()


class ConfirmForm(forms.Form):
    thanks = forms.CharField(
        label=_("A word of thanks (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The volunteer reads it."),
        error_messages={"max_length": _("Keep it under 500 characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()


class DebriefForm(forms.ModelForm):
    """Only validates: ``services.debrief_create`` writes."""

    class Meta:
        model = Debrief
        fields = ["feeling", "note", "wants_callback"]
        widgets = {
            "feeling": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"feeling": _("How are you after this?")}
        error_messages = {
            "feeling": {"required": _("Choose how you are: there is no wrong answer.")}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feeling"].choices = Debrief.Feeling.choices
        self.helper = inline_helper()


class NetworkSettingsForm(forms.ModelForm):
    class Meta:
        model = NetworkSettings
        fields = ["offer_count", "offer_timeout_minutes", "details_grace_hours"]
        widgets = {
            name: forms.NumberInput(attrs={"inputmode": "numeric"})
            for name in ("offer_count", "offer_timeout_minutes", "details_grace_hours")
        }
        help_texts = {
            "offer_count": _("How many of the best-matching volunteers get each offer."),
            "offer_timeout_minutes": _("Then the offer goes to the next ones."),
            "details_grace_hours": _(
                "After the task is done, the volunteer still sees the person's details "
                "for this long (to send a photo of a receipt, say)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()


STATUS_FILTERS = [
    ("", _("All")),
    ("open", _("Waiting for a volunteer")),
    *HelpRequest.Status.choices,
]


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=STATUS_FILTERS,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def statuses(self) -> list[str] | None:
        """The statuses to list; None for all (an unknown value lists all)."""
        if not self.is_valid() or not self.cleaned_data["status"]:
            return None
        if self.cleaned_data["status"] == "open":
            return [
                HelpRequest.Status.OPEN,
                HelpRequest.Status.OFFERED,
                HelpRequest.Status.UNMATCHED,
            ]
        return [self.cleaned_data["status"]]
