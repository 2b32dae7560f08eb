"""Notification kinds of the resource map (registered when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from members.models import KindGroup
from members.notification_kinds import NotificationKind, register_kind

register_kind(
    NotificationKind(
        code="resources.stale",
        group=KindGroup.REMINDERS,
        title=_("Is “%(service)s” still right?"),
        body=_(
            "Nobody has verified %(service)s (%(organization)s) in the last %(months)s "
            "months. Check it, correct what changed and mark it as verified."
        ),
    )
)
register_kind(
    NotificationKind(
        code="resources.suggestion_reviewed",
        group=KindGroup.ACCOUNT,
        title=_("Your suggestion “%(subject)s” was %(outcome)s"),
        body=_("%(details)s"),
    )
)
