from allauth.account.forms import SignupForm
from allauth.core import context
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .adapters import INVITATION_SESSION_KEY
from .models import Invitation, Member, Role
from .services import InvitationNotUsable, invitation_get_usable


class InvitationSignupForm(SignupForm):
    """allauth's sign-up, tied to the invitation in the session: the address is the one
    the association invited, and we ask for the name the registry needs."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = None
        request = context.request
        token = request.session.get(INVITATION_SESSION_KEY) if request else None
        if token:
            try:
                self.invitation = invitation_get_usable(token=token)
            except InvitationNotUsable:
                self.invitation = None
        if self.invitation is not None:
            self.initial.setdefault("email", self.invitation.email)
            self.fields["email"].widget.attrs["readonly"] = True

    def clean_email(self):
        email = super().clean_email()
        if self.invitation is not None and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                _("Use the address the invitation was sent to: %(email)s."),
                params={"email": self.invitation.email},
            )
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    member = forms.ModelChoiceField(
        label=_("Person in the registry"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Optional: link the new account to someone already registered."),
    )

    def __init__(self, *args, association, allowed_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        self.fields["role"].choices = [(r.value, r.label) for r in allowed_roles]
        self.fields["member"].queryset = Member.objects.for_association(association).filter(
            user__isnull=True
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send invitation")))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            Invitation.objects.for_association(self.association)
            .usable()
            .filter(email=email)
            .exists()
        ):
            raise forms.ValidationError(
                _("This address already has a pending invitation to your association.")
            )
        return email
