"""Notification kinds of evaluation. The feedback link works without signing in (it is
the person's own key), so the e-mail points at it directly."""

from django.utils.translation import gettext_lazy as _

from members.models import KindGroup
from members.notification_kinds import NotificationKind, register_kind

register_kind(
    NotificationKind(
        code="evaluation.feedback_request",
        group=KindGroup.REMINDERS,
        direct_link=True,
        title=_("How was it? %(label)s"),
        body=_("One tap to tell us, from 1 to 5. It helps us do better."),
    )
)
register_kind(
    NotificationKind(
        code="evaluation.checkin_offer",
        group=KindGroup.REMINDERS,
        title=_("How have you been lately?"),
        body=_("Five short questions about the last two weeks, only if you wish."),
    )
)
register_kind(
    NotificationKind(
        code="evaluation.contact_request",
        group=KindGroup.CASE_ALERTS,
        title=_("A person would like to talk to an operator"),
        body=_("They asked for a call after a wellbeing check-in. Open their page."),
    )
)
