"""The kinds of notification the modules send, registered by each app in
``AppConfig.ready()``: which group people choose channels for, whether it is urgent,
and the (translatable) title and body, %-formatted with the notification's context."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Channel, KindGroup


@dataclass(frozen=True)
class NotificationKind:
    code: str
    group: KindGroup
    title: str | Promise
    body: str | Promise = ""
    urgent: bool = False
    # The notification's own URL works without signing in (a personal answer link): the
    # e-mail points at it directly instead of through the inbox.
    direct_link: bool = False


#: Channels a person gets for a group until they choose otherwise (in-app is always on).
DEFAULT_CHANNELS: dict[KindGroup, frozenset[Channel]] = {
    KindGroup.REMINDERS: frozenset({Channel.EMAIL}),
    KindGroup.CASE_ALERTS: frozenset({Channel.EMAIL, Channel.SMS}),
    KindGroup.NETWORK_OFFERS: frozenset({Channel.EMAIL}),
    KindGroup.COMMUNITY_ALERTS: frozenset({Channel.EMAIL, Channel.SMS}),
    KindGroup.ACCOUNT: frozenset({Channel.EMAIL}),
}

#: Groups whose channels a person may change (account messages always come by email).
CHOOSABLE_GROUPS = [
    KindGroup.REMINDERS,
    KindGroup.CASE_ALERTS,
    KindGroup.NETWORK_OFFERS,
    KindGroup.COMMUNITY_ALERTS,
]
OPTIONAL_CHANNELS = [Channel.EMAIL, Channel.SMS]

KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> NotificationKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"Unknown notification kind {code!r}: register it first") from None


register_kind(
    NotificationKind(
        code="members.welcome",
        group=KindGroup.ACCOUNT,
        title=_("Welcome to %(association)s on Nucleo"),
        body=_(
            "You can now use Nucleo with %(association)s. Choose how and when we may "
            "contact you in your notification preferences."
        ),
    )
)
register_kind(
    NotificationKind(
        code="members.reminder",
        group=KindGroup.REMINDERS,
        title=_("Reminder: %(subject)s"),
        body=_("%(details)s"),
    )
)
register_kind(
    NotificationKind(
        code="members.insurance_expiring",
        group=KindGroup.REMINDERS,
        title=_("The volunteers' insurance expires on %(ends_on)s"),
        body=_(
            "Policy %(policy_number)s with %(insurer)s covers your volunteers until "
            "%(ends_on)s. Renew it, or record the new policy, before then: volunteers "
            "without insurance cannot take tasks."
        ),
    )
)
# Data-protection rights: never the person's name (it would stay in other inboxes after
# an erasure), only the entry's number and a link.
register_kind(
    NotificationKind(
        code="members.erasure_requested",
        group=KindGroup.REMINDERS,
        title=_("Request to be forgotten: entry #%(entry)s"),
        body=_(
            "A member of your association (entry #%(entry)s) asked to be forgotten. "
            "Decide within 30 days: the request shows what the law makes the "
            "association keep."
        ),
    )
)
register_kind(
    NotificationKind(
        code="members.erasure_refused",
        group=KindGroup.ACCOUNT,
        title=_("Your request to be forgotten was not accepted"),
        body=_(
            "%(association)s keeps your data for the reason given on the page of your "
            "request. You may ask the association about it, or complain to the Garante "
            "per la protezione dei dati personali."
        ),
    )
)
register_kind(
    NotificationKind(
        code="members.retention_warning",
        group=KindGroup.REMINDERS,
        title=_("Inactive members will be anonymised"),
        body=_(
            "Entries of your association inactive for longer than the retention period: "
            "%(count)s. They will be anonymised from %(date)s unless you keep them."
        ),
    )
)
