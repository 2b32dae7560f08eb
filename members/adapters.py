"""allauth adapter: sign-up only through an invitation of the association."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
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

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        token = request.session.pop(INVITATION_SESSION_KEY, None)
        if commit and token:
            services.invitation_accept(token=token, user=user)
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Staff are sent to set up their authenticator right after signing in, then
        shown their recovery codes: asking for the password again on the way would only
        confuse them. Within allauth's reauthentication window (5 minutes) a fresh
        sign-in counts as a reauthentication for the second-factor pages; after that,
        and for everything else, allauth's rule holds."""
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and (
                time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
