"""Notification kinds of case management. Staff messages carry the case number, never
the person's name: messages outlive an erasure."""

from django.utils.translation import gettext_lazy as _

from members.models import KindGroup
from members.notification_kinds import NotificationKind, register_kind

register_kind(
    NotificationKind(
        code="emergencies.case_critical",
        group=KindGroup.CASE_ALERTS,
        urgent=True,
        title=_("Critical case %(case)s: %(category)s"),
        body=_("A critical case was just opened and you are on duty. Open it now."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.case_escalated",
        group=KindGroup.CASE_ALERTS,
        urgent=True,
        title=_("Nobody has opened critical case %(case)s"),
        body=_("No operator opened this critical case within %(minutes)s minutes."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.case_assigned",
        group=KindGroup.CASE_ALERTS,
        title=_("Case %(case)s is assigned to you"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.follow_up_due",
        group=KindGroup.REMINDERS,
        title=_("A follow-up on case %(case)s is due"),
        body=_("Due on %(due)s."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.referral_received",
        group=KindGroup.CASE_ALERTS,
        title=_("A referral from %(association)s"),
        body=_("Read the summary and accept or decline it."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.referral_answered",
        group=KindGroup.CASE_ALERTS,
        title=_("News on the referral of case %(case)s"),
        body=_("%(association)s answered the referral."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.service_referral",
        group=KindGroup.REMINDERS,
        title=_("A service for you: %(service)s"),
        body=_("Your operator suggests this service. Open it for the address, phone and hours."),
    )
)
