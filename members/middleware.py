"""Request-wide access rules: the active association, the staff second factor, staff
session lifetimes and the signed-in person's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .selectors import memberships_of, user_has_staff_role
from .services import ACTIVE_ASSOCIATION_SESSION_KEY

SESSION_STARTED_KEY = "nucleo_session_started"
SESSION_SEEN_KEY = "nucleo_session_seen"
# Writing the session on every request would cost a write per page: the idle clock is
# moved at most once a minute.
SEEN_RESOLUTION_SECONDS = 60

# Pages a staff person without a second factor may still reach: allauth's own account
# and MFA pages (where the factor is set up), the language switch and the health check.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/healthz")


class ActiveAssociationMiddleware:
    """Sets ``request.association`` and ``request.membership``: the association the
    person is working in now (chosen in the navbar when they belong to several)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.association = None
        request.membership = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = memberships_of(request.user)
            chosen = request.session.get(ACTIVE_ASSOCIATION_SESSION_KEY)
            active = next((m for m in memberships if m.association_id == chosen), None)
            if active is None and memberships:
                active = memberships[0]
            request.memberships = memberships
            request.membership = active
            request.association = active.association if active else None
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Operators, coordinators and admin users must use a second factor: until they set
    one up, every page sends them to the authenticator setup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.NUCLEO_REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and user_has_staff_role(request.user)
            and not _has_authenticator(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Operators and coordinators must protect their account with an "
                    "authenticator app before they can continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SessionTimeoutMiddleware:
    """Staff sessions end after 30 minutes idle and 12 hours in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and user_has_staff_role(request.user):
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED_KEY)
            seen = request.session.get(SESSION_SEEN_KEY)
            idle = settings.NUCLEO_STAFF_IDLE_TIMEOUT.total_seconds()
            total = settings.NUCLEO_STAFF_ABSOLUTE_TIMEOUT.total_seconds()
            if started is None or seen is None:
                request.session[SESSION_STARTED_KEY] = request.session[SESSION_SEEN_KEY] = now
            elif now - seen > idle or now - started > total:
                logout(request)
                messages.info(
                    request,
                    _("Your session has ended to protect people's data. Please sign in again."),
                )
                return redirect(settings.LOGIN_URL)
            elif now - seen > SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person sees Nucleo in the language they chose (kept on their account,
    so it follows them to another phone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", None)
        if request.user.is_authenticated and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
