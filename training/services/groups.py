"""Writes on support groups: facilitators lead them; members ask to join and are
welcomed (or not); meetings come from the group's recurrence, and cancelling one is the
exception; notices go to everyone in the group; notes stay with the facilitators."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Role, User
from members.selectors import has_role_in
from members.services import notify_many

from ..models import GroupMeeting, GroupMembership, GroupNote, GroupNotice, SupportGroup

M = GroupMembership.Status
#: How far ahead meetings exist as rows (for the calendar and attendance).
PLAN_AHEAD = timedelta(weeks=10)


def group_is_facilitator(group: SupportGroup, user: User) -> bool:
    return group.facilitators.filter(pk=user.pk).exists()


def group_may_manage(group: SupportGroup, user: User) -> bool:
    """The group's facilitators, and coordinators (who never read its notes)."""
    return group_is_facilitator(group, user) or has_role_in(
        user, group.association_id, Role.COORDINATOR
    )


def _require_manage(group: SupportGroup, user: User) -> None:
    if not group_may_manage(group, user):
        raise PermissionDenied


@transaction.atomic
def group_save(
    *, association, by: User, group: SupportGroup | None = None, facilitators=(), **fields
) -> SupportGroup:
    if group is None:
        if not has_role_in(by, association.pk, Role.COORDINATOR, Role.FACILITATOR):
            raise PermissionDenied
        group = SupportGroup(association=association)
    else:
        _require_manage(group, by)
    for name, value in fields.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    group.full_clean()
    group.save(update_fields=None if group._state.adding else list(fields))
    chosen = list(facilitators)
    if not has_role_in(by, association.pk, Role.COORDINATOR) or not chosen:
        chosen = list({*chosen, by})
    group.facilitators.set(chosen)
    group_meetings_plan(group=group)
    return group


def _occurrences(group: SupportGroup, until: datetime) -> list[datetime]:
    """The group's meeting times up to ``until``, in Europe/Rome wall-clock time."""
    start = timezone.localtime(group.first_meeting_at).replace(tzinfo=None)
    frequency, interval = {
        SupportGroup.Frequency.WEEKLY: (WEEKLY, 1),
        SupportGroup.Frequency.BIWEEKLY: (WEEKLY, 2),
        SupportGroup.Frequency.MONTHLY: (MONTHLY, 1),
    }[group.frequency]
    end = timezone.localtime(until).replace(tzinfo=None)
    if group.until is not None:
        end = min(end, datetime.combine(group.until, datetime.max.time()))
    rule = rrule(frequency, interval=interval, dtstart=start, until=end)
    zone = timezone.get_current_timezone()
    return [timezone.make_aware(moment, zone) for moment in rule]


def group_meetings_plan(*, group: SupportGroup, now: datetime | None = None) -> int:
    """Create the meetings of the coming weeks from the recurrence (idempotent: a
    meeting that exists, even cancelled, is left as it is)."""
    now = now or timezone.now()
    if not group.is_active:
        return 0
    length = timedelta(minutes=group.duration_minutes)
    existing = set(group.meetings.values_list("starts_at", flat=True))
    new = [
        GroupMeeting(group=group, starts_at=moment, ends_at=moment + length)
        for moment in _occurrences(group, now + PLAN_AHEAD)
        if moment >= now - timedelta(days=1) and moment not in existing
    ]
    # A concurrent run may have made some: theirs stay, not an error.
    GroupMeeting.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def groups_meetings_plan() -> int:
    """The periodic task: every active group's coming meetings."""
    return sum(
        group_meetings_plan(group=group) for group in SupportGroup.objects.filter(is_active=True)
    )


@transaction.atomic
def meeting_cancel(*, meeting: GroupMeeting, by: User) -> GroupMeeting:
    """An exception to the recurrence: this meeting does not take place; the group is
    told once."""
    _require_manage(meeting.group, by)
    if meeting.is_cancelled:
        return meeting
    meeting.status = GroupMeeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    notify_many(
        recipients=_members_users(meeting.group),
        kind="training.group_meeting_cancelled",
        key_prefix=f"group-meeting:{meeting.pk}:cancelled",
        context={
            "group": meeting.group.name,
            "when": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y %H:%M"),
        },
        url=reverse("training:group-detail", kwargs={"pk": meeting.group_id}),
        association=meeting.group.association,
    )
    return meeting


def _members_users(group: SupportGroup) -> list[User]:
    return [
        membership.member.user
        for membership in group.memberships.filter(
            status=M.MEMBER, member__user__isnull=False
        ).select_related("member__user")
    ]


@transaction.atomic
def group_join_request(*, group: SupportGroup, member: Member, by: User) -> GroupMembership:
    """A member asks to join (the facilitators are told); staff may add someone
    directly."""
    is_self = member.user_id == by.pk
    if member.association_id != group.association_id:
        raise PermissionDenied
    if is_self and not group.open_to_requests:
        raise ValidationError(_("This group is not taking new people at the moment."))
    if not is_self:
        _require_manage(group, by)
    membership = GroupMembership.objects.filter(group=group, member=member).first()
    if membership is not None and membership.status in (M.REQUESTED, M.MEMBER):
        return membership
    status = M.REQUESTED if is_self else M.MEMBER
    if membership is None:
        membership = GroupMembership(group=group, member=member)
    membership.status = status
    membership.requested_at = timezone.now()
    membership.decided_by = None if is_self else by
    membership.decided_at = None if is_self else timezone.now()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        return GroupMembership.objects.get(group=group, member=member)
    if is_self:
        notify_many(
            recipients=list(group.facilitators.all()),
            kind="training.group_request",
            key_prefix=f"group:{group.pk}:request:{membership.pk}:{int(membership.requested_at.timestamp())}",
            context={"group": group.name},
            url=reverse("training:group-detail", kwargs={"pk": group.pk}),
            association=group.association,
        )
    return membership


@transaction.atomic
def group_join_decide(*, membership: GroupMembership, by: User, admit: bool) -> GroupMembership:
    _require_manage(membership.group, by)
    if membership.status != M.REQUESTED:
        return membership
    membership.status = M.MEMBER if admit else M.DECLINED
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    return membership


@transaction.atomic
def group_leave(*, membership: GroupMembership, by: User) -> GroupMembership:
    if membership.member.user_id != by.pk:
        _require_manage(membership.group, by)
    membership.status = M.LEFT
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    return membership


@transaction.atomic
def meeting_attendance_take(*, meeting: GroupMeeting, by: User, present: set[int]) -> int:
    """Who came to a meeting (``present``: member ids of the group's people)."""
    _require_manage(meeting.group, by)
    if meeting.is_cancelled or meeting.starts_at - timedelta(hours=1) > timezone.now():
        raise ValidationError(_("Attendance is taken for meetings that took place."))
    allowed = set(
        meeting.group.memberships.filter(status=M.MEMBER).values_list("member_id", flat=True)
    )
    meeting.attendees.set(present & allowed)
    return len(present & allowed)


@transaction.atomic
def group_notice_send(*, group: SupportGroup, by: User, text: str) -> GroupNotice:
    _require_manage(group, by)
    notice = GroupNotice(group=group, author=by, text=text.strip())
    notice.full_clean()
    notice.save()
    notify_many(
        recipients=_members_users(group),
        kind="training.group_notice",
        key_prefix=f"group-notice:{notice.pk}",
        context={"group": group.name, "text": notice.text[:300]},
        url=reverse("training:group-detail", kwargs={"pk": group.pk}),
        association=group.association,
    )
    return notice


@transaction.atomic
def group_note_add(*, group: SupportGroup, by: User, text: str, meeting=None) -> GroupNote:
    """Only the group's own facilitators write and read its notes."""
    if not group_is_facilitator(group, by):
        raise PermissionDenied
    if meeting is not None and meeting.group_id != group.pk:
        raise PermissionDenied
    note = GroupNote(group=group, author=by, text=text.strip(), meeting=meeting)
    note.full_clean()
    note.save()
    return note


def meetings_between(group: SupportGroup, start: date, end: date):
    return group.meetings.filter(starts_at__date__gte=start, starts_at__date__lt=end)
