"""allauth adapter: sign-up only through an invitation of the association."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from . import services

INVITATION_SESSION_KEY = "nucleo_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def _invitation(self, request):
        token = request.session.get(INVITATION_SESSION_KEY)
        if not token:
            return None
        try:
            return services.invitation_get_usable(token=token)
        except services.InvitationNotUsable:
            return None

    def is_open_for_signup(self, request) -> bool:
        return self._invitation(request) is not None

    def is_email_verified(self, request, email: str) -> bool:
        # The invitation reached this address: it is verified by having been used.
        invitation = self._invitation(request)
        return invitation is not None and invitation.email.lower() == email.lower()

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        token = request.session.pop(INVITATION_SESSION_KEY, None)
        if commit and token:
            services.invitation_accept(token=token, user=user)
        return user
