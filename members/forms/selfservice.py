"""Forms of a person's own pages, and of the consents staff record for them."""

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Consent, ConsentPurpose, Language, Member, PrivacyNotice
from ..services.registry import OWN_FIELDS
from . import phone_cleaned


class OwnProfileForm(forms.ModelForm):
    """What a person corrects on their own entry."""

    class Meta:
        model = Member
        fields = [*OWN_FIELDS, "languages"]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
            ),
            "household_size": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        labels = {"languages": _("Languages I speak")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = Language.objects.all()
        self.fields["preferred_language"].queryset = languages
        self.fields["languages"].queryset = languages
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("first_name", css_class="col-12 col-md-6"),
                Column("last_name", css_class="col-12 col-md-6"),
            ),
            Row(
                Column("phone", css_class="col-12 col-md-6"),
                Column("household_size", css_class="col-12 col-md-6"),
            ),
            Row(
                Column("municipality", css_class="col-12 col-md-6"),
                Column("zone", css_class="col-12 col-md-6"),
            ),
            "preferred_language",
            InlineCheckboxes("languages"),
            Submit("save", _("Save"), css_class="btn-nucleo"),
        )

    def clean_phone(self) -> str:
        return phone_cleaned(self.cleaned_data["phone"])

    def own_fields(self) -> dict:
        return {
            **{name: self.cleaned_data[name] for name in OWN_FIELDS},
            "languages": list(self.cleaned_data["languages"]),
        }


class ConsentChoiceForm(forms.Form):
    """One button of the consents page: give or withdraw one purpose."""

    GIVE = "give"
    WITHDRAW = "withdraw"

    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    action = forms.ChoiceField(choices=[(GIVE, GIVE), (WITHDRAW, WITHDRAW)])


class StaffConsentForm(ConsentChoiceForm):
    """Staff record a consent given on paper or by voice (or its withdrawal)."""

    method = forms.ChoiceField(
        label=_("How the person answered"),
        choices=[
            (Consent.Method.PAPER.value, Consent.Method.PAPER.label),
            (Consent.Method.VERBAL.value, Consent.Method.VERBAL.label),
        ],
        initial=Consent.Method.PAPER,
        required=False,
    )


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = ["version", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "version": _("A new label for each version, e.g. 2026-11."),
            "text": _("The notice as people will read it before they consent."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", "text", Submit("publish", _("Publish"), css_class="btn-nucleo")
        )

    def validate_unique(self):
        # The association is not a field of the form: the service checks the version.
        pass
