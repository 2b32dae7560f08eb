"""Reads about people and access that views, middleware and tasks share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from .models import (
    STAFF_ROLES,
    Channel,
    ChannelPreference,
    Delivery,
    Invitation,
    Member,
    Membership,
    Notification,
    SignInAttempt,
    User,
)
from .notification_kinds import CHOOSABLE_GROUPS, DEFAULT_CHANNELS, OPTIONAL_CHANNELS

_CACHE_ATTR = "_nucleo_memberships"


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their associations, read once per request and kept on
    the user object, so middleware, rules and templates share one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("association")
            .order_by("association__name")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: User) -> None:
    """Drop the per-request cache after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def membership_in(user: User, association_id: int | None) -> Membership | None:
    for membership in memberships_of(user):
        if membership.association_id == association_id:
            return membership
    return None


def has_role_in(user: User, association_id: int | None, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` in the association (the yes/no twin of
    ``services.role_require``, for rules predicates and reads)."""
    membership = membership_in(user, association_id)
    return bool(membership and membership.has_role(*roles))


def user_has_staff_role(user: User) -> bool:
    """Operators and coordinators of any association, and admin users, read personal
    files: they sign in with a second factor and their sessions are short."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(m.has_role(*STAFF_ROLES) for m in memberships_of(user))


def member_list(*, association) -> QuerySet[Member]:
    return (
        Member.objects.for_association(association)
        .select_related("preferred_language", "user")
        .prefetch_related("languages")
    )


#: Records this close together, by the same person, are one change on the page.
SAME_CHANGE = timedelta(seconds=5)


@dataclass(frozen=True)
class MemberChange:
    """One change of a registry entry: who, when, and the fields it touched."""

    when: datetime
    by: User | None
    created: bool
    fields: list[str]


def member_recent_changes(*, member: Member, limit: int = 5) -> list[MemberChange]:
    """The entry's last changes, newest first, from its history: which fields each
    changed (not the values: the page shows those that are current).

    simple_history writes the languages spoken as a record of their own: records of
    one person a few seconds apart are shown as one change."""
    records = list(
        member.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : 2 * limit + 1
        ]
    )
    changes: list[MemberChange] = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        fields: list[str] = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["updated_at", "name_key"])
            fields = [
                str(Member._meta.get_field(name).verbose_name) for name in delta.changed_fields
            ]
        change = MemberChange(
            when=newer.history_date,
            by=newer.history_user,
            created=newer.history_type == "+",
            fields=fields,
        )
        last = changes[-1] if changes else None
        if last and last.by == change.by and last.when - change.when < SAME_CHANGE:
            changes[-1] = MemberChange(
                when=last.when,
                by=last.by,
                created=last.created or change.created,
                fields=[*change.fields, *(f for f in last.fields if f not in change.fields)],
            )
        elif len(changes) == limit:
            break
        else:
            changes.append(change)
    return changes


def invitation_list(*, association) -> QuerySet[Invitation]:
    return Invitation.objects.for_association(association).select_related("created_by", "member")


def sign_in_attempt_list(*, association) -> QuerySet[SignInAttempt]:
    """Attempts on the accounts of the association's people (failed attempts on unknown
    addresses belong to nobody: only the admin sees them)."""
    # A subquery rather than a join through memberships: no DISTINCT over a log that
    # grows by the thousand (the bench showed the join + distinct version degrade).
    people = Membership.objects.filter(association=association).values("user_id")
    return SignInAttempt.objects.filter(user_id__in=people).select_related("user")


def channel_preferences_of(user_ids: Iterable[int]) -> dict[int, dict[tuple[str, str], bool]]:
    """Each user's stored channel choices: (group, channel) → enabled."""
    found: dict[int, dict[tuple[str, str], bool]] = {}
    for user_id, group, channel, enabled in ChannelPreference.objects.filter(
        user_id__in=list(user_ids)
    ).values_list("user_id", "group", "channel", "enabled"):
        found.setdefault(user_id, {})[(group, channel)] = enabled
    return found


def preferences_of(user: User) -> dict[str, set[str]]:
    """The channels in force for each choosable group, defaults included."""
    stored = channel_preferences_of([user.pk]).get(user.pk, {})
    result = {}
    for group in CHOOSABLE_GROUPS:
        result[group.value] = {
            channel.value
            for channel in OPTIONAL_CHANNELS
            if stored.get((group.value, channel.value), channel in DEFAULT_CHANNELS[group])
        }
    return result


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.for_recipient(user)


def unread_count(*, user: User) -> int:
    return Notification.objects.for_recipient(user).unread().count()


def delivery_list(*, association) -> QuerySet[Delivery]:
    # Coordinators follow what left for other channels; the inbox row is always there.
    return (
        Delivery.objects.for_association(association)
        .exclude(channel=Channel.IN_APP)
        .select_related("notification__recipient")
    )


def member_of_user(*, user: User, association) -> Member | None:
    """The signed-in person's own registry entry in ``association`` (None without one):
    self-service pages show this entry and only this one."""
    if association is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Member.objects.filter(association=association, user=user, anonymised_at__isnull=True)
        .select_related("preferred_language", "association")
        .first()
    )


@dataclass(frozen=True)
class ConsentState:
    """A purpose as a page shows it: the active consent, if any, and the full story."""

    purpose: str
    label: str
    active: object | None
    records: list


def consent_states(*, member: Member) -> list[ConsentState]:
    """Every purpose, in order, with the person's consents to it (one query)."""
    from .models import Consent, ConsentPurpose

    records: dict[str, list] = {purpose.value: [] for purpose in ConsentPurpose}
    consents = (
        Consent.objects.filter(member=member)
        .select_related("notice", "given_recorded_by", "withdrawn_recorded_by")
        .order_by("-given_at", "-pk")
    )
    for consent in consents:
        records.setdefault(consent.purpose, []).append(consent)
    return [
        ConsentState(
            purpose=purpose.value,
            label=purpose.label,
            active=next((c for c in records[purpose.value] if c.withdrawn_at is None), None),
            records=records[purpose.value],
        )
        for purpose in ConsentPurpose
    ]


def erasure_request_list(*, association):
    """The association's requests to be forgotten: those waiting for a decision first,
    then the newest, with the entry and the people involved."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import ErasureRequest

    return (
        ErasureRequest.objects.for_association(association)
        .select_related("member", "requested_by", "decided_by")
        .annotate(
            waiting=Case(
                When(status=ErasureRequest.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-requested_at", "-pk")
    )


def retention_warned_list(*, association) -> QuerySet[Member]:
    """Entries the retention task warned about and will anonymise unless kept."""
    return (
        Member.objects.for_association(association)
        .filter(retention_warned_at__isnull=False, anonymised_at__isnull=True)
        .select_related("user")
        .order_by("retention_warned_at", "pk")
    )
