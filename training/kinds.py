"""Notification kinds of the training module: sessions, the waiting list and support
groups. Texts carry the course or group name and the time, nothing more."""

from django.utils.translation import gettext_lazy as _

from members.models import KindGroup
from members.notification_kinds import NotificationKind, register_kind

register_kind(
    NotificationKind(
        code="training.session_reminder",
        group=KindGroup.REMINDERS,
        title=_("Reminder: %(course)s, %(when)s"),
        body=_("See you there. If you cannot come, cancel so someone else can have your place."),
    )
)
register_kind(
    NotificationKind(
        code="training.session_moved",
        group=KindGroup.REMINDERS,
        title=_("New time: %(course)s, %(when)s"),
        body=_("The session you enrolled in has moved."),
    )
)
register_kind(
    NotificationKind(
        code="training.session_cancelled",
        group=KindGroup.REMINDERS,
        title=_("Cancelled: %(course)s, %(when)s"),
        body=_("This session will not take place. We are sorry."),
    )
)
register_kind(
    NotificationKind(
        code="training.waitlist_promoted",
        group=KindGroup.REMINDERS,
        title=_("A place for you: %(course)s, %(when)s"),
        body=_("Someone cancelled and you were first on the waiting list: you are enrolled."),
    )
)
register_kind(
    NotificationKind(
        code="training.group_request",
        group=KindGroup.REMINDERS,
        title=_("Someone asks to join %(group)s"),
        body=_("Open the group to welcome them."),
    )
)
register_kind(
    NotificationKind(
        code="training.group_notice",
        group=KindGroup.REMINDERS,
        title=_("%(group)s"),
        body=_("%(text)s"),
    )
)
register_kind(
    NotificationKind(
        code="training.group_meeting_cancelled",
        group=KindGroup.REMINDERS,
        title=_("%(group)s: no meeting on %(when)s"),
        body=_("This meeting is cancelled. The next ones are as usual."),
    )
)
