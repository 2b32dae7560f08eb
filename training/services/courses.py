"""Writes on courses, sessions, enrolments and attendance. Each function is one
transaction. Capacity holds under concurrency: an enrolment locks its session's row and
the database refuses ``enrolled_count`` above ``capacity``. Reminders 24 h and 2 h before
a session go through ``members.Reminder`` (moved with the session, cancelled with it or
with the enrolment); cancelling a session tells everyone once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import EmpowermentStage, Member, Role, User
from members.selectors import has_role_in
from members.services import (
    empowerment_record,
    membership_grant_role,
    notify,
    notify_many,
    reminder_schedule,
    reminders_cancel,
)

from ..models import CalendarToken, Course, CourseCompletion, Enrolment, Session

E = Enrolment.Status
#: Reminders before a session: key suffix and how long before it starts.
REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
MAX_SERIES = 52


class EnrolmentRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Who may do what -------------------------------------------------------------------


def course_may_edit(course: Course, user: User) -> bool:
    """Coordinators of the association, and the course's own facilitators."""
    if has_role_in(user, course.association_id, Role.COORDINATOR):
        return True
    return (
        has_role_in(user, course.association_id, Role.FACILITATOR)
        and course.facilitators.filter(pk=user.pk).exists()
    )


def _require_edit(course: Course, user: User) -> None:
    if not course_may_edit(course, user):
        raise PermissionDenied


def session_may_manage(session: Session, user: User) -> bool:
    """The course's editors, and the association's operators (who enrol people at the
    desk and cancel for them)."""
    course = session.course
    return course_may_edit(course, user) or has_role_in(user, course.association_id, Role.OPERATOR)


# --- Courses and sessions ---------------------------------------------------------------


@transaction.atomic
def course_save(
    *,
    association,
    by: User,
    course: Course | None = None,
    skills=(),
    languages=(),
    facilitators=(),
    **fields,
) -> Course:
    """Create or change a course. A facilitator who creates one runs it; a coordinator
    names its facilitators."""
    if course is None:
        if not has_role_in(by, association.pk, Role.COORDINATOR, Role.FACILITATOR):
            raise PermissionDenied
        course = Course(association=association, created_by=by)
    else:
        _require_edit(course, by)
    for name, value in fields.items():
        setattr(course, name, value.strip() if isinstance(value, str) else value)
    course.full_clean()
    course._history_user = by
    course.save(update_fields=None if course._state.adding else list(fields))
    course.skills.set(skills)
    course.languages.set(languages)
    chosen = list(facilitators)
    if not has_role_in(by, association.pk, Role.COORDINATOR) or not chosen:
        chosen = list({*chosen, by})
    course.facilitators.set(chosen)
    return course


def _session_url(session: Session) -> str:
    return reverse("training:session-detail", kwargs={"pk": session.pk})


def _when(session: Session) -> str:
    return timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M")


@dataclass
class SessionFields:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    location: object = None
    room: str = ""
    online_url: str = ""


@transaction.atomic
def sessions_create(
    *, course: Course, by: User, fields: SessionFields, weeks: int = 1, facilitators=()
) -> list[Session]:
    """One session, or a weekly series of ``weeks`` sessions at the same time (a series
    shares its ``series`` id)."""
    _require_edit(course, by)
    if not 1 <= weeks <= MAX_SERIES:
        raise ValidationError({"weeks": _("Between 1 and %(max)s weeks.") % {"max": MAX_SERIES}})
    series = uuid.uuid4() if weeks > 1 else None
    sessions = []
    for week in range(weeks):
        shift = timedelta(weeks=week)
        # Europe/Rome time: 18:00 stays 18:00 across the change to summer time.
        starts = _same_local_time(fields.starts_at, shift)
        ends = _same_local_time(fields.ends_at, shift)
        session = Session(
            course=course,
            starts_at=starts,
            ends_at=ends,
            capacity=fields.capacity,
            location=fields.location,
            room=fields.room.strip(),
            online_url=fields.online_url.strip(),
            series=series,
        )
        session.full_clean()
        session._history_user = by
        session.save()
        session.facilitators.set(list(facilitators) or list(course.facilitators.all()))
        sessions.append(session)
    return sessions


def _same_local_time(moment: datetime, shift: timedelta) -> datetime:
    local = timezone.localtime(moment)
    naive = local.replace(tzinfo=None) + shift
    return timezone.make_aware(naive, timezone.get_current_timezone())


@transaction.atomic
def session_update(*, session: Session, by: User, fields: SessionFields) -> Session:
    """Change a session. Moving it moves everyone's reminders and tells them."""
    _require_edit(session.course, by)
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if fields.capacity < session.enrolled_count:
        raise ValidationError(
            {
                "capacity": _("%(count)s people are already enrolled: the places cannot be fewer.")
                % {"count": session.enrolled_count}
            }
        )
    moved = session.starts_at != fields.starts_at
    for name, value in vars(fields).items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.full_clean()
    session._history_user = by
    session.save()
    if moved:
        enrolments = list(session.enrolments.enrolled().select_related("member__user"))
        for enrolment in enrolments:
            _remind(enrolment, session)
        notify_many(
            recipients=[e.member.user for e in enrolments if e.member.user_id],
            kind="training.session_moved",
            key_prefix=f"session:{session.pk}:moved:{session.starts_at.isoformat()}",
            context={"course": session.course.title, "when": _when(session)},
            url=_session_url(session),
            association=session.course.association,
        )
    # More places: the waiting list moves up.
    _promote(session)
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User) -> Session:
    """Cancel a session: every reminder of it goes, and everyone enrolled or waiting is
    told once."""
    _require_edit(session.course, by)
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.is_cancelled:
        return session
    session.status = Session.Status.CANCELLED
    session._history_user = by
    session.save(update_fields=["status"])
    reminders_cancel(key_prefix=f"session:{session.pk}")
    people = list(session.enrolments.active().select_related("member__user"))
    notify_many(
        recipients=[e.member.user for e in people if e.member.user_id],
        kind="training.session_cancelled",
        key_prefix=f"session:{session.pk}:cancelled",
        context={"course": session.course.title, "when": _when(session)},
        url=_session_url(session),
        association=session.course.association,
    )
    return session


# --- Enrolment and the waiting list ---------------------------------------------------------


def _reminder_key(enrolment: Enrolment, suffix: str) -> str:
    return f"session:{enrolment.session_id}:enrolment:{enrolment.pk}:{suffix}"


def _remind(enrolment: Enrolment, session: Session) -> None:
    user = enrolment.member.user
    if user is None:
        return
    now = timezone.now()
    for suffix, before in REMINDERS:
        due = session.starts_at - before
        key = _reminder_key(enrolment, suffix)
        if due <= now:
            reminders_cancel(key_prefix=key)
            continue
        reminder_schedule(
            key=key,
            recipient=user,
            due_at=due,
            kind="training.session_reminder",
            context={"course": session.course.title, "when": _when(session)},
            url=_session_url(session),
            association=session.course.association,
        )


@transaction.atomic
def enrol(*, session: Session, member: Member, by: User) -> Enrolment:
    """Enrol ``member`` (themself, or by staff): a place if one is left, else the
    waiting list. Enrolling again returns the active enrolment."""
    is_self = member.user_id == by.pk
    if not is_self and not session_may_manage(session, by):
        raise PermissionDenied
    # The lock queues simultaneous enrolments: each reads the count the last one left.
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if member.association_id != session.course.association_id:
        raise PermissionDenied
    if session.is_cancelled:
        raise EnrolmentRefused(_("This session is cancelled."))
    if session.starts_at <= timezone.now():
        raise EnrolmentRefused(_("This session has already started."))
    if is_self and not session.course.is_published:
        raise EnrolmentRefused(_("This course is not open for enrolment."))
    existing = session.enrolments.active().filter(member=member).first()
    if existing is not None:
        return existing
    has_place = session.enrolled_count < session.capacity
    enrolment = Enrolment.objects.create(
        session=session,
        member=member,
        status=E.ENROLLED if has_place else E.WAITLISTED,
        enrolled_by=by,
    )
    if has_place:
        Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") + 1)
        _remind(enrolment, session)
    return enrolment


def cancel_deadline(session: Session) -> datetime:
    return session.starts_at - timedelta(hours=session.course.cancel_hours)


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Leave a session (or the waiting list). A person may until the course's deadline;
    staff at any time. A freed place goes to the first on the waiting list, who is
    told."""
    session = (
        Session.objects.select_for_update().select_related("course").get(pk=enrolment.session_id)
    )
    enrolment = Enrolment.objects.select_related("member").get(pk=enrolment.pk)
    is_self = enrolment.member.user_id == by.pk
    if not is_self and not session_may_manage(session, by):
        raise PermissionDenied
    if enrolment.status == E.CANCELLED:
        return enrolment
    if (
        is_self
        and not session_may_manage(session, by)
        and timezone.now() > cancel_deadline(session)
    ):
        raise EnrolmentRefused(
            _("It is too late to cancel online: please tell the facilitator or the association.")
        )
    was_enrolled = enrolment.status == E.ENROLLED
    enrolment.status = E.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at"])
    reminders_cancel(key_prefix=f"session:{session.pk}:enrolment:{enrolment.pk}")
    if was_enrolled:
        Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") - 1)
        session.refresh_from_db(fields=["enrolled_count"])
        _promote(session)
    return enrolment


def _promote(session: Session) -> list[Enrolment]:
    """Give the free places to the waiting list, first come first served, and tell
    each person once. Called with the session's row locked."""
    promoted = []
    free = session.capacity - session.enrolled_count
    if free <= 0 or session.is_cancelled or session.starts_at <= timezone.now():
        return promoted
    for enrolment in session.enrolments.waiting().select_related("member__user")[:free]:
        enrolment.status = E.ENROLLED
        enrolment.promoted_at = timezone.now()
        enrolment.save(update_fields=["status", "promoted_at"])
        Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") + 1)
        _remind(enrolment, session)
        if enrolment.member.user_id:
            notify(
                recipient=enrolment.member.user,
                kind="training.waitlist_promoted",
                key=f"enrolment:{enrolment.pk}:promoted",
                context={"course": session.course.title, "when": _when(session)},
                url=_session_url(session),
                association=session.course.association,
            )
        promoted.append(enrolment)
    session.refresh_from_db(fields=["enrolled_count"])
    return promoted


# --- Attendance and completion -----------------------------------------------------------


@transaction.atomic
def attendance_take(*, session: Session, by: User, present: set[int]) -> int:
    """Record who came (``present``: enrolment ids; the other enrolled did not), then
    the course completion of everyone marked. Returns how many came."""
    _require_edit(session.course, by)
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if session.starts_at - timedelta(hours=1) > timezone.now():
        raise ValidationError(_("Attendance is taken from one hour before the session."))
    now = timezone.now()
    enrolments = list(session.enrolments.enrolled().select_related("member"))
    for enrolment in enrolments:
        enrolment.attended = enrolment.pk in present
        enrolment.attendance_by = by
        enrolment.attendance_at = now
    Enrolment.objects.bulk_update(enrolments, ["attended", "attendance_by", "attendance_at"])
    for enrolment in enrolments:
        if enrolment.attended:
            course_completion_check(course=session.course, member=enrolment.member)
    return sum(1 for e in enrolments if e.attended)


def course_completion_check(*, course: Course, member: Member) -> CourseCompletion | None:
    """Complete the course for ``member`` once they attended its threshold of sessions
    (of those not cancelled); "trained" on their empowerment path."""
    total = course.sessions.scheduled().count()
    attended = Enrolment.objects.filter(
        session__course=course, member=member, attended=True, session__status="scheduled"
    ).count()
    if not total or attended * 100 < course.completion_percent * total:
        return None
    completion, created = CourseCompletion.objects.get_or_create(
        course=course,
        member=member,
        defaults={"sessions_attended": attended, "sessions_total": total},
    )
    if created:
        empowerment_record(member=member, stage=EmpowermentStage.TRAINED)
    return completion


@transaction.atomic
def facilitator_role_grant(*, member: Member, by: User):
    """The empowerment path's last step: a coordinator makes a person who completed the
    facilitator training a facilitator."""
    if not has_role_in(by, member.association_id, Role.COORDINATOR):
        raise PermissionDenied
    if member.user_id is None:
        raise ValidationError(_("The person needs an account to become a facilitator."))
    if not CourseCompletion.objects.filter(
        member=member, course__topic="facilitation", course__association=member.association
    ).exists():
        raise ValidationError(_("The person has not completed the facilitator training."))
    return membership_grant_role(
        user=member.user, association=member.association, role=Role.FACILITATOR
    )


# --- Calendar feed ----------------------------------------------------------------------


@transaction.atomic
def calendar_token_renew(*, user: User) -> CalendarToken:
    """Give the person a new secret calendar feed address, creating it the first time.

    The old token row is deleted and a fresh one made, so the old address stops working
    at once (its feed answers 404) and calendar apps must be given the new one. The
    person's row is locked first so that two renewals at once (a double click) run one
    after the other instead of colliding on the one-token-per-person constraint."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    CalendarToken.objects.filter(user=user).delete()
    token = CalendarToken(user=user)
    token.full_clean()
    token.save()
    return token
