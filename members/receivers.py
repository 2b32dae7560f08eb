from django.utils import timezone

from . import services
from .middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from .models import SignInAttempt


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    services.sign_in_attempt_record(email=user.email, user=user, succeeded=True, request=request)
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SESSION_STARTED_KEY] = request.session[SESSION_SEEN_KEY] = now


def on_second_factor_failed(sender, request, user, reauthentication=False, **kwargs) -> None:
    services.sign_in_attempt_record(
        email=user.email,
        user=user,
        succeeded=False,
        request=request,
        step=SignInAttempt.Step.SECOND_FACTOR,
    )


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = credentials.get("email") or credentials.get("username") or ""
    services.sign_in_attempt_record(email=email, user=None, succeeded=False, request=request)
