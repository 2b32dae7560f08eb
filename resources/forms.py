"""Forms of the resource map: editing a resource, suggesting one, partnerships.

Forms validate and normalise; the views hand ``cleaned_data`` (and, for the rows of
phones and opening hours, ``formset_rows``) to the services.
"""

from __future__ import annotations

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Location, Organization, Partnership, Phone, Schedule, Service, TaxonomyTerm

DAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
DAY_ORDER = [code for code, _label in DAY_CHOICES]

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(*, form_tag: bool = False, submit: str | None = None) -> FormHelper:
    """Most of these forms are parts of one page (one <form>, one CSRF token)."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    if submit:
        helper.add_input(Submit("submit", submit))
    return helper


def _categories_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=TaxonomyTerm.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **kwargs,
    )


# --- Editing a resource ---------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    """Who offers the service. When creating, an organization the association already
    keeps may be picked instead of typing a new one."""

    existing = forms.ModelChoiceField(
        label=_("Organization already on the map"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— a new organization —"),
    )
    website = forms.URLField(
        label=_("website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organization
        fields = ["name", "website", "email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, association=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["existing"].queryset = Organization.objects.maintained_by(association)
            self.fields["name"].required = False
        else:
            del self.fields["existing"]
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if "existing" in self.fields and not cleaned.get("existing") and not cleaned.get("name"):
            self.add_error("name", _("Pick an organization or type the name of a new one."))
        return cleaned


class ServiceForm(forms.ModelForm):
    categories = _categories_field()
    url = forms.URLField(label=_("website"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "categories",
            "languages",
            "status",
            "is_public",
            "is_free",
            "fees_description",
            "eligibility_description",
            "application_process",
            "interpretation_services",
            "minimum_age",
            "maximum_age",
            "provider_gender",
            "url",
            "email",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "languages": forms.CheckboxSelectMultiple,
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "interpretation_services": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            "name",
            "description",
            Field("categories", wrapper_class="resource-checkboxes"),
            Field("languages", wrapper_class="resource-checkboxes"),
            Row(Column("status", css_class="col-12 col-md-6"), Column("provider_gender")),
            "is_public",
            "is_free",
            "fees_description",
            "eligibility_description",
            "application_process",
            "interpretation_services",
            Row(Column("minimum_age", css_class="col-6"), Column("maximum_age", css_class="col-6")),
            "url",
            "email",
        )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age is below the minimum age."))
        return cleaned


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "address_1",
            "address_2",
            "city",
            "postal_code",
            "state_province",
            "latitude",
            "longitude",
            "wheelchair_accessible",
            "accessibility_description",
        ]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "accessibility_description": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "latitude": _("Coordinates put the place on the map: copy them from a map app."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address_1"].required = True
        self.fields["city"].required = True
        self.helper = _helper()
        self.helper.layout = Layout(
            "name",
            "address_1",
            "address_2",
            Row(
                Column("city", css_class="col-12 col-md-6"),
                Column("postal_code", css_class="col-6 col-md-3"),
                Column("state_province", css_class="col-6 col-md-3"),
            ),
            Row(Column("latitude", css_class="col-6"), Column("longitude", css_class="col-6")),
            "wheelchair_accessible",
            "accessibility_description",
        )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return cleaned


class PhoneForm(forms.ModelForm):
    class Meta:
        model = Phone
        fields = ["number", "type", "description"]
        widgets = {"number": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(
                Column("number", css_class="col-12 col-md-5"),
                Column("type", css_class="col-6 col-md-3"),
                Column("description", css_class="col-6 col-md-4"),
            ),
            "DELETE",
        )


class WeeklyHoursForm(forms.ModelForm):
    """A row of weekly opening hours: some days, from … to …"""

    byday = forms.MultipleChoiceField(
        label=_("Days"), choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Schedule
        fields = ["byday", "opens_at", "closes_at", "description"]
        widgets = {"opens_at": TIME_WIDGET, "closes_at": TIME_WIDGET}
        labels = {"description": _("Note (e.g. by appointment)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.byday and not self.is_bound:
            self.initial["byday"] = self.instance.byday.split(",")
        self.fields["opens_at"].required = True
        self.fields["closes_at"].required = True
        self.helper = _helper()
        self.helper.layout = Layout(
            InlineCheckboxes("byday"),
            Row(Column("opens_at", css_class="col-6"), Column("closes_at", css_class="col-6")),
            "description",
            "DELETE",
        )

    def clean_byday(self) -> str:
        days = set(self.cleaned_data["byday"])
        return ",".join(day for day in DAY_ORDER if day in days)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("opens_at") and cleaned.get("opens_at") == cleaned.get("closes_at"):
            self.add_error("closes_at", _("Closing time must differ from opening time."))
        return cleaned


class ExceptionHoursForm(forms.ModelForm):
    """A holiday or special hours: closed on those days unless hours are given."""

    class Meta:
        model = Schedule
        fields = ["valid_from", "valid_to", "opens_at", "closes_at", "description"]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_to": DATE_WIDGET,
            "opens_at": TIME_WIDGET,
            "closes_at": TIME_WIDGET,
        }
        labels = {
            "valid_from": _("From"),
            "valid_to": _("Until (leave empty for one day)"),
            "opens_at": _("Open from (leave empty if closed)"),
            "closes_at": _("Open until"),
            "description": _("Reason (e.g. Christmas)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].required = True
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(Column("valid_from", css_class="col-6"), Column("valid_to", css_class="col-6")),
            Row(Column("opens_at", css_class="col-6"), Column("closes_at", css_class="col-6")),
            "description",
            "DELETE",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The last day comes before the first."))
        elif start and not end:
            cleaned["valid_to"] = start  # one day, not "from then on"
        if (cleaned.get("opens_at") is None) != (cleaned.get("closes_at") is None):
            self.add_error("closes_at", _("Give both times, or neither if it is closed."))
        return cleaned


PhoneFormSet = forms.inlineformset_factory(
    Service, Phone, form=PhoneForm, extra=1, can_delete=True, max_num=10, validate_max=True
)
WeeklyHoursFormSet = forms.inlineformset_factory(
    Service, Schedule, form=WeeklyHoursForm, extra=2, can_delete=True, max_num=14, validate_max=True
)
ExceptionHoursFormSet = forms.inlineformset_factory(
    Service,
    Schedule,
    form=ExceptionHoursForm,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


def formset_rows(formset) -> list[dict]:
    """The rows of a valid formset as plain dicts for a service: ``id`` (None for a new
    row), ``delete``, and the form's fields. Untouched blank rows are left out."""
    fields = formset.form._meta.fields
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        pk = None if form.instance._state.adding else form.instance.pk
        delete = bool(data.get("DELETE"))
        if pk is None and (delete or not form.has_changed() or not data):
            continue
        rows.append({"id": pk, "delete": delete, **{name: data.get(name) for name in fields}})
    return rows


class VerifiedCheckForm(forms.Form):
    mark_verified = forms.BooleanField(
        label=_("I checked everything: mark this resource as verified"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- Suggestions ----------------------------------------------------------------------


class NewResourceSuggestionForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=200)
    organization_name = forms.CharField(label=_("Who offers it"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    categories = _categories_field()
    description = forms.CharField(
        label=_("What it offers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    message = forms.CharField(
        label=_("Anything else the operators should know"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=True, submit=_("Send the suggestion"))
        self.helper.layout = Layout(
            "name",
            "organization_name",
            "address",
            "city",
            "phone",
            Field("categories", wrapper_class="resource-checkboxes"),
            "description",
            "message",
        )

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organization_name": data["organization_name"],
            "address": data["address"],
            "city": data["city"],
            "phone": data["phone"],
            "categories": [term.code for term in data["categories"]],
            "description": data["description"],
        }


#: What a correction may propose, with where it is read from on the service.
CORRECTABLE_FIELDS = ["name", "description", "status", "phone", "address", "city", "url", "email"]


def correctable_values(service: Service) -> dict[str, str]:
    """The current values of the correctable fields (the service's first phone and
    location stand for "the" phone and address)."""
    location = next(iter(service.locations.all()), None)
    phone = next(iter(service.phones.all()), None)
    return {
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "phone": phone.number if phone else "",
        "address": location.address_1 if location else "",
        "city": location.city if location else "",
        "url": service.url,
        "email": service.email,
    }


class CorrectionSuggestionForm(forms.Form):
    """The service's values, to change where they are wrong, and free text."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What it offers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    # As long as Service.url may be: a longer one could not be applied.
    url = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Email"), required=False)
    message = forms.CharField(
        label=_("What is wrong, or what changed (e.g. new opening hours)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, service: Service, **kwargs):
        self.current = correctable_values(service)
        kwargs.setdefault("initial", {}).update(self.current)
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=True, submit=_("Send the correction"))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        proposed = {
            name: cleaned[name]
            for name in CORRECTABLE_FIELDS
            if (cleaned.get(name) or "") != (self.current[name] or "")
        }
        if not proposed and not cleaned.get("message"):
            raise forms.ValidationError(
                _("Change at least one value, or tell us in the message what is wrong.")
            )
        cleaned["proposed"] = proposed
        cleaned["before"] = {name: self.current[name] for name in proposed}
        return cleaned


class SuggestionReviewForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept and apply it")), (REJECT, _("Reject it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed to reject: the person who suggested it will read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=True, submit=_("Save the decision"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why it is rejected: the person will read it."))
        return cleaned


# --- Partnerships ---------------------------------------------------------------------


class PartnershipForm(forms.ModelForm):
    categories = _categories_field()

    class Meta:
        model = Partnership
        fields = [
            "organization",
            "agreement_start",
            "agreement_end",
            "contact_name",
            "contact_email",
            "contact_phone",
            "accepts_referrals",
            "categories",
        ]
        widgets = {
            "agreement_start": DATE_WIDGET,
            "agreement_end": DATE_WIDGET,
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "accepts_referrals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.helper = _helper(form_tag=True, submit=_("Save"))
        self.helper.layout = Layout(
            "organization",
            Row(
                Column("agreement_start", css_class="col-6"),
                Column("agreement_end", css_class="col-6"),
            ),
            Fieldset(_("Contact"), "contact_name", "contact_email", "contact_phone"),
            "accepts_referrals",
            Field("categories", wrapper_class="resource-checkboxes"),
        )

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        taken = Partnership.objects.for_association(self.association).filter(
            organization=organization
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This organization is already a partner."))
        return organization

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("agreement_start"), cleaned.get("agreement_end")
        if start and end and end < start:
            self.add_error("agreement_end", _("The agreement ends before it starts."))
        return cleaned
