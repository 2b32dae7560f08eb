"""Forms of referrals: to a service of the resource map, to a partner association, and
the partner's answer and outcome. They validate; ``services.referrals`` writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms.helpers import inline_helper
from members.models import Association
from resources.models import Service


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the resource map"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. dormitorio, mensa, questura"),
                "autocomplete": "off",
            }
        ),
    )


class ServiceReferralForm(forms.Form):
    """The service picked among the search results; the page draws the results as radio
    cards, so the field takes any active service the operator may see."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        error_messages={"required": _("Choose one of the services found.")},
    )
    send_to_member = forms.BooleanField(
        label=_("Send the details to the person"),
        required=False,
        help_text=_("They find the address, phone and hours in their Nucleo inbox."),
    )

    def __init__(self, *args, services, can_send: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if not can_send:
            # No account, no inbox: the printed page is how the details reach them.
            del self.fields["send_to_member"]


class PartnerReferralForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner association"), queryset=Association.objects.none()
    )
    summary = forms.CharField(
        label=_("Summary for the partner"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The partner sees only this summary, never the case file: write what they need "
            "to help, and nothing more."
        ),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, prefix="partner", **kwargs)
        self.fields["partner"].queryset = partners
        self.helper = inline_helper()


class ReferralAnswerForm(forms.Form):
    ACCEPT = "accept"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("We accept the referral")), (DECLINE, _("We decline it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the referring association"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: who will follow it, or why you cannot."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("How it went"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The referring association reads this on their case."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
