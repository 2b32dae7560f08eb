"""Enrolment, the waiting list and reminders: capacity holds when twenty people enrol
at the same moment, a cancellation promotes the first waiting and tells them once,
reminders 24 h and 2 h before are sent once each and move with the session, and
cancelling a session tells everyone once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.utils import timezone

from members.models import Notification, Reminder, Role
from members.services import reminders_send_due
from tests.concurrency import at_once
from tests.factories import MemberFactory, UserFactory, user_with_role
from training import services
from training.models import CourseCompletion, Enrolment, Session

from .factories import CourseFactory, SessionFactory

E = Enrolment.Status


def _people(association, n):
    return [MemberFactory(association=association, user=UserFactory()) for _ in range(n)]


@pytest.fixture
def session(association):
    return SessionFactory(course=CourseFactory(association=association), capacity=10)


# --- Capacity and the waiting list ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_people_enrolling_at_once_into_ten_places(association):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    session = SessionFactory(course=CourseFactory(association=association), capacity=10)
    people = _people(association, 20)
    calls = [
        (lambda m=m: services.enrol(session=session, member=m, by=m.user).status) for m in people
    ]
    statuses, errors = at_once(*calls)
    assert errors == []
    assert sorted(statuses) == [E.ENROLLED] * 10 + [E.WAITLISTED] * 10
    session.refresh_from_db()
    assert session.enrolled_count == 10
    assert session.enrolments.enrolled().count() == 10
    assert session.enrolments.waiting().count() == 10

    # A cancellation promotes the first who waited, and tells them once.
    first_waiting = session.enrolments.waiting().first()
    leaving = session.enrolments.enrolled().first()
    services.enrolment_cancel(enrolment=leaving, by=leaving.member.user)
    first_waiting.refresh_from_db()
    assert first_waiting.status == E.ENROLLED
    session.refresh_from_db()
    assert session.enrolled_count == 10
    promoted = Notification.objects.filter(kind="training.waitlist_promoted")
    assert [n.recipient for n in promoted] == [first_waiting.member.user]
    services.enrolment_cancel(enrolment=leaving, by=leaving.member.user)  # again: nothing
    assert Notification.objects.filter(kind="training.waitlist_promoted").count() == 1


def test_the_database_refuses_more_enrolled_than_places(session):
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(enrolled_count=11)


def test_enrolling_twice_keeps_one_enrolment(session, association):
    (person,) = _people(association, 1)
    first = services.enrol(session=session, member=person, by=person.user)
    again = services.enrol(session=session, member=person, by=person.user)
    assert first.pk == again.pk
    session.refresh_from_db()
    assert session.enrolled_count == 1


def test_a_member_cannot_enrol_someone_else(session, association):
    person, other = _people(association, 2)
    with pytest.raises(PermissionDenied):
        services.enrol(session=session, member=other, by=person.user)


def test_cancelling_after_the_deadline_is_refused_to_the_member(session, association, frozen_now):
    (person,) = _people(association, 1)
    enrolment = services.enrol(session=session, member=person, by=person.user)
    frozen_now.now = session.starts_at - timedelta(hours=3)  # the deadline was 24 h before
    with pytest.raises(services.EnrolmentRefused):
        services.enrolment_cancel(enrolment=enrolment, by=person.user)
    facilitator = session.course.facilitators.get()
    services.enrolment_cancel(enrolment=enrolment, by=facilitator)  # staff may
    enrolment.refresh_from_db()
    assert enrolment.status == E.CANCELLED


def test_more_places_move_the_waiting_list_up(session, association):
    session.capacity = 1
    session.save(update_fields=["capacity"])
    first, second, third = _people(association, 3)
    for person in (first, second, third):
        services.enrol(session=session, member=person, by=person.user)
    facilitator = session.course.facilitators.get()
    services.session_update(
        session=session,
        by=facilitator,
        fields=services.SessionFields(
            starts_at=session.starts_at, ends_at=session.ends_at, capacity=2, room=session.room
        ),
    )
    statuses = dict(session.enrolments.values_list("member_id", "status"))
    assert statuses == {first.pk: E.ENROLLED, second.pk: E.ENROLLED, third.pk: E.WAITLISTED}


# --- Reminders -------------------------------------------------------------------------------


def _reminders_of(user):
    return list(
        Notification.objects.filter(recipient=user, kind="training.session_reminder").order_by(
            "created_at"
        )
    )


def test_reminders_24h_and_2h_before_are_sent_once_each(session, association, frozen_now):
    (person,) = _people(association, 1)
    services.enrol(session=session, member=person, by=person.user)
    sent_at = []
    while frozen_now.now < session.starts_at + timedelta(hours=1):
        frozen_now.advance(minutes=15)
        reminders_send_due()
        reminders_send_due()
        if len(_reminders_of(person.user)) > len(sent_at):
            sent_at.append(frozen_now.now)
    assert len(_reminders_of(person.user)) == 2
    assert session.starts_at - sent_at[0] <= timedelta(hours=24)
    assert session.starts_at - sent_at[0] > timedelta(hours=23, minutes=30)
    assert timedelta(hours=1, minutes=30) < session.starts_at - sent_at[1] <= timedelta(hours=2)


def test_moving_a_session_moves_the_reminders_and_tells_people(session, association, frozen_now):
    (person,) = _people(association, 1)
    enrolment = services.enrol(session=session, member=person, by=person.user)
    later = session.starts_at + timedelta(days=7)
    facilitator = session.course.facilitators.get()
    services.session_update(
        session=session,
        by=facilitator,
        fields=services.SessionFields(
            starts_at=later, ends_at=later + timedelta(hours=2), capacity=10, room=session.room
        ),
    )
    reminder = Reminder.objects.get(key=f"session:{session.pk}:enrolment:{enrolment.pk}:24h")
    assert reminder.due_at == later - timedelta(hours=24)
    moved = Notification.objects.filter(kind="training.session_moved")
    assert [n.recipient for n in moved] == [person.user]
    frozen_now.now = later - timedelta(hours=23)
    reminders_send_due()
    assert len(_reminders_of(person.user)) == 1


def test_cancelling_a_session_tells_everyone_once_and_stops_the_reminders(
    session, association, frozen_now
):
    session.capacity = 1
    session.save(update_fields=["capacity"])
    enrolled, waiting = _people(association, 2)
    services.enrol(session=session, member=enrolled, by=enrolled.user)
    services.enrol(session=session, member=waiting, by=waiting.user)
    facilitator = session.course.facilitators.get()
    services.session_cancel(session=session, by=facilitator)
    services.session_cancel(session=session, by=facilitator)
    told = Notification.objects.filter(kind="training.session_cancelled")
    assert sorted(n.recipient_id for n in told) == sorted([enrolled.user_id, waiting.user_id])
    frozen_now.now = session.starts_at
    reminders_send_due()
    assert _reminders_of(enrolled.user) == []


# --- Attendance and completion ----------------------------------------------------------------


def test_attendance_completes_the_course_at_its_threshold(association, frozen_now):
    course = CourseFactory(association=association, topic="facilitation")
    course.completion_percent = 50
    course.save(update_fields=["completion_percent"])
    facilitator = course.facilitators.get()
    sessions = services.sessions_create(
        course=course,
        by=facilitator,
        fields=services.SessionFields(
            starts_at=timezone.now() + timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=1, hours=2),
            capacity=5,
            room="Sala",
        ),
        weeks=4,
    )
    assert len({s.series for s in sessions}) == 1 and len(sessions) == 4
    (person,) = _people(association, 1)
    enrolments = [services.enrol(session=s, member=person, by=person.user) for s in sessions]
    for number, (session, enrolment) in enumerate(zip(sessions, enrolments, strict=True), 1):
        frozen_now.now = session.starts_at
        services.attendance_take(session=session, by=facilitator, present={enrolment.pk})
        completed = CourseCompletion.objects.filter(course=course, member=person).exists()
        assert completed == (number >= 2)
    assert person.empowerment_steps.filter(stage="trained").exists()
    coordinator = user_with_role(association, Role.COORDINATOR)
    services.facilitator_role_grant(member=person, by=coordinator)
    assert person.user.memberships.get(association=association).is_facilitator


def test_a_weekly_series_keeps_the_local_time_across_summer_time(association):
    course = CourseFactory(association=association)
    facilitator = course.facilitators.get()
    # 20 March 2031, 18:00 in Rome; summer time starts on 30 March.
    start = timezone.make_aware(timezone.datetime(2031, 3, 20, 18, 0))
    sessions = services.sessions_create(
        course=course,
        by=facilitator,
        fields=services.SessionFields(
            starts_at=start, ends_at=start + timedelta(hours=2), capacity=5, room="Sala"
        ),
        weeks=3,
    )
    assert [timezone.localtime(s.starts_at).hour for s in sessions] == [18, 18, 18]
