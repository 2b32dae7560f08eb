"""Forms of case management. Referral, attachment and roster forms live in their own
modules of this package."""

from __future__ import annotations

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import phone_cleaned
from members.models import Language, Member

from ..models import URGENCY_GUIDANCE, Case, CaseEvent, Category, Urgency
from ..services.cases import TRANSITIONS


class UrgencyRadio(forms.RadioSelect):
    """Urgency choices carrying their triage guidance (templates/emergencies/
    _urgency_field.html shows it under each label)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["guidance"] = URGENCY_GUIDANCE.get(value, "")
        return option


class IntakeForm(forms.Form):
    """One page: the person (found or new), category, urgency, what happened, channel."""

    member = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    year_of_birth = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    preferred_language = forms.ModelChoiceField(
        label=_("Preferred language"), queryset=Language.objects.all(), required=False
    )
    different_person = forms.BooleanField(
        label=_("It is a different person"),
        required=False,
        help_text=_("Tick this only if you checked that nobody above is this person."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=UrgencyRadio, initial=Urgency.MEDIUM
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few lines: what the person needs, and by when."),
    )
    channel = forms.ChoiceField(label=_("How they reached us"), choices=Case.Channel.choices)
    assign_to_me = forms.BooleanField(label=_("I follow this case"), required=False, initial=True)

    def __init__(self, *args, members, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["category"].queryset = categories
        self.duplicates: list[Member] = []

    def clean_phone(self) -> str:
        return phone_cleaned(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("first_name") or "").strip():
            self.add_error(
                "first_name",
                _("Choose the person from the search, or write at least a first name."),
            )
        return data

    def new_person(self) -> dict | None:
        data = self.cleaned_data
        if data.get("member"):
            return None
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "year_of_birth": data["year_of_birth"],
            "phone": data["phone"],
            "preferred_language": data["preferred_language"],
        }

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "urgency": data["urgency"],
            "description": data["description"],
            "channel": data["channel"],
        }

    def offer_duplicates(self, candidates: list[Member]) -> None:
        self.duplicates = candidates
        self.add_error(
            "different_person",
            _("Someone in the registry may be this person: choose them above, or tick this box."),
        )


class TriageForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=UrgencyRadio)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class TransitionForm(forms.Form):
    """Where the case may go from here; the service enforces the workflow again."""

    to_status = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome (to close)"),
        choices=[("", "—"), *Case.Outcome.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(case.status, frozenset())
        self.fields["to_status"].widget.choices = [
            (value, label) for value, label in Case.Status.choices if value in allowed
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned operator"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    coworkers = forms.ModelMultipleChoiceField(
        label=_("Co-workers"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff
        self.fields["coworkers"].queryset = staff
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EventForm(forms.ModelForm):
    """A note, an intervention or a contact: the fields depend on ``kind``."""

    FIELDS = {
        CaseEvent.Kind.NOTE: ["text", "confidential"],
        CaseEvent.Kind.INTERVENTION: ["intervention_type", "minutes", "with_whom", "text"],
        CaseEvent.Kind.CONTACT: ["contact_channel", "with_whom", "text"],
    }

    class Meta:
        model = CaseEvent
        fields = [
            "text",
            "confidential",
            "intervention_type",
            "minutes",
            "with_whom",
            "contact_channel",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]
        if kind == CaseEvent.Kind.NOTE:
            self.fields["text"].required = True
            self.fields["text"].label = _("Note")
        if kind == CaseEvent.Kind.INTERVENTION:
            self.fields["intervention_type"].required = True
            self.fields["minutes"].required = True
        if kind == CaseEvent.Kind.CONTACT:
            self.fields["contact_channel"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    assigned_to = forms.ModelChoiceField(label=_("Who"), queryset=Member.objects.none())

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "title",
            Row(Column("due_at", css_class="col-7"), Column("assigned_to", css_class="col-5")),
        )

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at < timezone.now() - timedelta(minutes=5):
            raise forms.ValidationError(_("Choose a time in the future."))
        return due_at


__all__ = [
    "AssignForm",
    "EventForm",
    "FollowUpForm",
    "IntakeForm",
    "TransitionForm",
    "TriageForm",
]
