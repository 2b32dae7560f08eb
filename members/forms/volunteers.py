"""Forms of the solidarity network: the skills catalogue, a member's volunteering (with
weekly availability as a formset), the volunteer register and the insurance policies.
They validate and normalise; the services in ``members.services.volunteers`` write."""

from __future__ import annotations

from crispy_forms.bootstrap import InlineCheckboxes, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    AvailabilitySlot,
    InsurancePolicy,
    Language,
    Skill,
    VolunteerProfile,
    VolunteerRegisterEntry,
    Weekday,
)
from ..services.volunteers import (
    REGISTER_PERSON_FIELDS,
    SlotRow,
    fiscal_code_is_valid,
    fiscal_code_normalise,
    overlap_message,
    slot_overlaps,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _help(text) -> HTML:
    return HTML(format_html('<p class="form-text mt-0">{}</p>', text))


# --- Skills catalogue ----------------------------------------------------------------------


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["kind", "name_it", "name_en", "language"]

    def __init__(self, *args, association, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        self.fields["language"].queryset = Language.objects.all()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "kind",
            "language",
            Row(
                Column("name_it", css_class="col-12 col-md-6"),
                Column("name_en", css_class="col-12 col-md-6"),
            ),
            Submit("save", submit_label, css_class="btn-nucleo"),
        )

    def clean_name_it(self) -> str:
        name = self.cleaned_data["name_it"].strip()
        others = Skill.objects.for_association(self.association).filter(name_it__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("The catalogue already has a skill with this name."))
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Skill.Kind.INTERPRETING and not cleaned.get("language"):
            self.add_error("language", _("Interpreting needs the language interpreted."))
        elif cleaned.get("kind") and cleaned.get("kind") != Skill.Kind.INTERPRETING:
            cleaned["language"] = None
        return cleaned


# --- My volunteering ----------------------------------------------------------------------


class VolunteerForm(forms.Form):
    """What a member offers the network. The availability slots are a formset beside it
    (``SlotFormSet``), in the same <form>."""

    skills = forms.ModelMultipleChoiceField(
        label=_("What you can do"),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing you can do.")},
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages you speak"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    zones = forms.CharField(
        label=_("Where you can help"),
        max_length=300,
        required=False,
        help_text=_("Neighbourhoods or towns, separated by commas."),
    )
    max_active_tasks = forms.IntegerField(
        label=_("How many tasks at a time, at most"),
        min_value=1,
        max_value=10,
        initial=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, association, volunteer: VolunteerProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        condition = Q(is_active=True)
        if volunteer is not None and volunteer.pk:
            # Retired skills stay listed for those who have them, so saving keeps them.
            condition |= Q(pk__in=volunteer.skills.values("pk"))
        self.fields["skills"].queryset = Skill.objects.for_association(association).filter(
            condition
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "skills",
            # A long list: folded on a phone, open again when the form comes back
            # (a mistake may be there, and it shows what was ticked).
            HTML(
                format_html(
                    '<details class="directory-more mb-3"{}><summary>{}</summary>',
                    " open" if self.is_bound else "",
                    _("Languages you speak"),
                )
            ),
            InlineCheckboxes("languages"),
            HTML("</details>"),
            "zones",
            "max_active_tasks",
        )

    def clean_zones(self) -> str:
        return ", ".join(part.strip() for part in self.cleaned_data["zones"].split(",") if part)


class SlotForm(forms.ModelForm):
    class Meta:
        model = AvailabilitySlot
        fields = ["weekday", "starts_at", "ends_at"]
        widgets = {"starts_at": TIME_WIDGET, "ends_at": TIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [("", _("Choose a day")), *Weekday.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("weekday", css_class="col-12 col-sm-4"),
                Column("starts_at", css_class="col-6 col-sm-3"),
                Column("ends_at", css_class="col-6 col-sm-3"),
                Column("DELETE", css_class="col-12 col-sm-2 d-flex align-items-sm-end"),
                css_class="g-2",
            )
        )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end comes before the start: check the times."))
        return cleaned


class BaseSlotFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this slot")

    def clean(self):
        super().clean()
        # A row posted with an id that is not one of the person's slots (another
        # person's, or one already removed) would become a new slot: refuse it instead.
        if any(form.instance._state.adding for form in self.initial_forms):
            raise forms.ValidationError(
                _("Your availability changed in the meantime: reload the page and try again.")
            )
        if any(self.errors):
            return
        kept = [
            (
                form.cleaned_data["weekday"],
                form.cleaned_data["starts_at"],
                form.cleaned_data["ends_at"],
            )
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("weekday") is not None
        ]
        overlaps = slot_overlaps(kept)
        if overlaps:
            raise forms.ValidationError([overlap_message(overlap) for overlap in overlaps])

    def rows(self) -> list[SlotRow]:
        """The valid formset as the service takes it: untouched blank rows left out."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            pk = None if form.instance._state.adding else form.instance.pk
            if pk is None and (not data or data.get("DELETE")):
                continue
            if data.get("DELETE"):
                # What was typed in a row being removed does not matter.
                rows.append(
                    SlotRow(
                        id=pk,
                        delete=True,
                        weekday=form.instance.weekday,
                        starts_at=form.instance.starts_at,
                        ends_at=form.instance.ends_at,
                    )
                )
                continue
            rows.append(
                SlotRow(
                    id=pk,
                    delete=bool(data.get("DELETE")),
                    weekday=data["weekday"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                )
            )
        return rows


SlotFormSet = forms.modelformset_factory(
    AvailabilitySlot,
    form=SlotForm,
    formset=BaseSlotFormSet,
    extra=0,
    can_delete=True,
    max_num=21,
    validate_max=True,
)
SLOT_PREFIX = "slots"


def slot_formset(data=None, *, volunteer: VolunteerProfile | None, add_rows: int = 0):
    """The member's slots (another person's are never in the queryset, so a forged id is
    a form error). A new volunteer starts with one empty row."""
    queryset = (
        volunteer.slots.all()
        if volunteer is not None and volunteer.pk
        else AvailabilitySlot.objects.none()
    )
    if data is not None and add_rows:
        # "Add another slot" without JavaScript: the same typed values and one row more.
        data = data.copy()
        key = f"{SLOT_PREFIX}-TOTAL_FORMS"
        try:
            total = int(data.get(key) or 0)
        except ValueError:
            total = 0  # a tampered count: the formset then reports the form as broken
        data[key] = str(max(0, min(total, 20)) + add_rows)
    formset = SlotFormSet(data, queryset=queryset, prefix=SLOT_PREFIX)
    if data is None and not queryset.exists():
        formset.extra = 1
    return formset


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label=_("Not available until"),
        widget=DATE_WIDGET,
        help_text=_("Included: offers reach you again the day after."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_paused_until(self):
        until = self.cleaned_data["paused_until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("This date has passed: choose today or a later day."))
        return until


class VolunteerFilterForm(forms.Form):
    """What staff look for among volunteers (GET)."""

    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.none(), required=False, empty_label=_("Any skill")
    )
    language = forms.ModelChoiceField(
        label=_("Speaks"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("Any language"),
    )
    zone = forms.CharField(label=_("Zone"), required=False, max_length=100)
    available = forms.BooleanField(label=_("Available now (not on a pause)"), required=False)

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.for_association(association)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"role": "search"}
        self.helper.layout = Layout(
            Row(
                Column("skill", css_class="col-12 col-md-3"),
                Column("language", css_class="col-6 col-md-3"),
                Column("zone", css_class="col-6 col-md-3"),
                Column("available", css_class="col-12 col-md-3 d-flex align-items-md-end"),
                css_class="g-2",
            ),
            StrictButton(_("Filter"), type="submit", css_class="btn-nucleo mb-3"),
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "skill": self.cleaned_data["skill"],
            "language": self.cleaned_data["language"],
            "zone": self.cleaned_data["zone"],
            "available_only": self.cleaned_data["available"],
        }


# --- Volunteer register ----------------------------------------------------------------


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)


class RegisterEntryForm(forms.Form):
    """A person's details as the register keeps them (DM 6 Oct 2021): an enrolment, or a
    correction (``with_end_date`` when the corrected entry dates the end of service)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    fiscal_code = forms.CharField(
        label=_("Fiscal code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=120)
    residence = forms.CharField(
        label=_("Residence"), max_length=250, help_text=_("Address, town and province.")
    )
    start_date = forms.DateField(label=_("Start of service"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End of service"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, submit_label, with_end_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_end_date:
            del self.fields["end_date"]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's <form> also carries the person chosen
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("first_name", css_class="col-12 col-md-6"),
                Column("last_name", css_class="col-12 col-md-6"),
            ),
            "fiscal_code",
            Row(
                Column("birth_date", css_class="col-12 col-md-4"),
                Column("birth_place", css_class="col-12 col-md-8"),
            ),
            "residence",
            Row(
                Column("start_date", css_class="col-6"),
                Column("end_date", css_class="col-6") if with_end_date else HTML(""),
            ),
            Submit("save", submit_label, css_class="btn-nucleo"),
        )

    def clean_fiscal_code(self) -> str:
        code = fiscal_code_normalise(self.cleaned_data["fiscal_code"])
        if len(code) != 16:
            raise forms.ValidationError(_("A personal fiscal code has 16 letters and digits."))
        if not fiscal_code_is_valid(code):
            raise forms.ValidationError(
                _("This fiscal code is not valid: check each character (e.g. 0 and O).")
            )
        return code

    def clean(self):
        cleaned = super().clean()
        birth, start, end = (
            cleaned.get("birth_date"),
            cleaned.get("start_date"),
            cleaned.get("end_date"),
        )
        today = timezone.localdate()
        if birth and birth >= today:
            self.add_error("birth_date", _("The date of birth must be in the past."))
        elif birth and start and start <= birth:
            self.add_error("start_date", _("The service cannot start before the birth date."))
        if start and end and end < start:
            self.add_error("end_date", _("The service cannot end before it started."))
        return cleaned

    def person(self) -> dict:
        return {name: self.cleaned_data[name] for name in REGISTER_PERSON_FIELDS}


class RegisterEndForm(forms.Form):
    end_date = forms.DateField(label=_("Last day of service"), widget=DATE_WIDGET)

    def __init__(self, *args, entry: VolunteerRegisterEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "end_date", Submit("save", _("Record the end of service"), css_class="btn-nucleo")
        )

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        if end < self.entry.start_date:
            raise forms.ValidationError(_("The service cannot end before it started."))
        return end


# --- Insurance ------------------------------------------------------------------------------


class VolunteerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: VolunteerProfile) -> str:
        return obj.member.full_name


class PolicyForm(forms.ModelForm):
    volunteers = VolunteerChoiceField(
        label=_("Volunteers covered"),
        queryset=VolunteerProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = InsurancePolicy
        fields = ["insurer", "policy_number", "starts_on", "ends_on", "volunteers"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args, association, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        condition = Q(opted_out_at__isnull=True)
        if self.instance.pk:
            # Who is covered stays listed even after leaving the network.
            condition |= Q(pk__in=self.instance.volunteers.values("pk"))
        self.fields["volunteers"].queryset = (
            VolunteerProfile.objects.for_association(association)
            .filter(condition)
            .select_related("member")
            .order_by("member__last_name", "member__first_name")
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("insurer", css_class="col-12 col-md-6"),
                Column("policy_number", css_class="col-12 col-md-6"),
            ),
            Row(Column("starts_on", css_class="col-6"), Column("ends_on", css_class="col-6")),
            Fieldset(
                _("Volunteers covered"),
                _help(_("Tick everyone the policy names.")),
                "volunteers",
            ),
            Submit("save", submit_label, css_class="btn-nucleo"),
        )

    def clean_policy_number(self) -> str:
        number = self.cleaned_data["policy_number"].strip()
        others = InsurancePolicy.objects.for_association(self.association).filter(
            policy_number=number
        )
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Your association already has a policy with this number.")
            )
        return number

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The policy must end after it starts."))
        return cleaned

    def policy_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("insurer", "policy_number", "starts_on", "ends_on")
        }
