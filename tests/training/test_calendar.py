"""The calendar and its feeds, and who may change what: the iCal feed parses and holds
the person's sessions in Europe/Rome time (a wrong token is 404), a facilitator cannot
edit another's workshop, and the calendar and attendance pages take the same number of
queries for 1 and 50 sessions or people."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import Role
from tests.factories import MemberFactory
from training import services
from training.models import CalendarToken, Enrolment

from .factories import CourseFactory, EnrolmentFactory, SessionFactory, every, in_days


def _member_of(client):
    return client.user.member_profiles.get()


# --- iCalendar ---------------------------------------------------------------------------


def test_the_feed_parses_and_has_the_persons_sessions_in_rome_time(
    member_client, association, client
):
    mine = SessionFactory(
        course=CourseFactory(association=association, title="Parlare in pubblico")
    )
    other = SessionFactory(course=CourseFactory(association=association, title="Non mia"))
    EnrolmentFactory(session=mine, member=_member_of(member_client))
    token = CalendarToken.objects.create(user=member_client.user)

    response = client.get(reverse("training:calendar-feed", kwargs={"token": token.token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Parlare in pubblico"]
    start = events[0]["dtstart"]
    assert start.params["TZID"] == "Europe/Rome"
    assert start.dt == timezone.localtime(mine.starts_at)
    assert start.dt.hour == 18  # the wall-clock time people were told
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Rome"
    assert other.course.title.encode() not in response.content


def test_a_wrong_feed_token_is_404(client, member_client):
    CalendarToken.objects.create(user=member_client.user)
    response = client.get(reverse("training:calendar-feed", kwargs={"token": "not-the-token"}))
    assert response.status_code == 404


def test_a_new_feed_address_stops_the_old_one(member_client, client):
    member_client.post(reverse("training:calendar-token"))
    old = CalendarToken.objects.get(user=member_client.user).token
    member_client.post(reverse("training:calendar-token"))
    assert client.get(reverse("training:calendar-feed", kwargs={"token": old})).status_code == 404


def test_renewing_the_feed_token_replaces_the_old_one(member_client, client):
    user = member_client.user
    first = services.calendar_token_renew(user=user)
    assert CalendarToken.objects.get(user=user) == first
    second = services.calendar_token_renew(user=user)
    assert second.token != first.token
    assert list(CalendarToken.objects.filter(user=user)) == [second]
    old_feed = reverse("training:calendar-feed", kwargs={"token": first.token})
    new_feed = reverse("training:calendar-feed", kwargs={"token": second.token})
    assert client.get(old_feed).status_code == 404
    assert client.get(new_feed).status_code == 200


def test_one_session_as_an_ics_file(member_client, association):
    session = SessionFactory(course=CourseFactory(association=association))
    response = member_client.get(reverse("training:session-ics", args=[session.pk]))
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event["dtstart"].dt == timezone.localtime(session.starts_at)


# --- Who may change a workshop ---------------------------------------------------------------


def test_a_facilitator_cannot_edit_another_facilitators_workshop(
    make_client, association, coordinator_client
):
    mine = make_client(association, Role.FACILITATOR)
    theirs = CourseFactory(association=association)  # run by another facilitator
    session = SessionFactory(course=theirs)
    assert mine.get(reverse("training:course-edit", args=[theirs.pk])).status_code == 403
    assert mine.get(reverse("training:session-edit", args=[session.pk])).status_code == 403
    assert mine.get(reverse("training:attendance", args=[session.pk])).status_code == 403
    assert mine.post(reverse("training:session-cancel", args=[session.pk])).status_code == 403
    session.refresh_from_db()
    assert not session.is_cancelled
    # Its own facilitator and the coordinators may.
    owner = theirs.facilitators.get()
    from django.test import Client

    owner_client = Client()
    owner_client.force_login(owner)
    assert owner_client.get(reverse("training:course-edit", args=[theirs.pk])).status_code == 200
    assert (
        coordinator_client.get(reverse("training:course-edit", args=[theirs.pk])).status_code == 200
    )


def test_a_facilitator_creates_a_weekly_series_from_the_page(make_client, association):
    facilitator = make_client(association, Role.FACILITATOR)
    course = CourseFactory(association=association, facilitators=[facilitator.user])
    start = in_days(5)
    response = facilitator.post(
        reverse("training:session-create", args=[course.pk]),
        {
            "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
            "capacity": "12",
            "room": "Sala Mandela",
            "weeks": "6",
        },
    )
    assert response.status_code == 302
    starts = list(course.sessions.values_list("starts_at", flat=True))
    assert len(starts) == 6
    assert every(7, starts)


def test_a_session_without_a_place_keeps_what_was_typed(make_client, association):
    facilitator = make_client(association, Role.FACILITATOR)
    course = CourseFactory(association=association, facilitators=[facilitator.user])
    response = facilitator.post(
        reverse("training:session-create", args=[course.pk]),
        {
            "starts_at": timezone.localtime(in_days(5)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "75",
            "capacity": "13",
            "weeks": "4",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="75"' in page and 'value="13"' in page and 'value="4"' in page
    assert not course.sessions.exists()


# --- Enrolling from the calendar ------------------------------------------------------------


def test_a_member_enrols_from_the_calendar_and_comes_back_to_it(member_client, association):
    session = SessionFactory(course=CourseFactory(association=association, title="Italiano A2"))
    day = timezone.localdate(session.starts_at)
    url = f"{reverse('training:calendar')}?view=week&day={day.isoformat()}&scope=open"
    page = member_client.get(url).content.decode()
    assert "Italiano A2" in page and 'data-testid="calendar-enrol"' in page
    response = member_client.post(
        reverse("training:session-enrol", args=[session.pk]), {"next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert Enrolment.objects.get().member == _member_of(member_client)
    mine = member_client.get(url.replace("scope=open", "scope=mine"))
    assert [s.pk for s in mine.context["sessions"]] == [session.pk]


def test_the_calendar_does_not_offer_unpublished_courses(member_client, association):
    course = CourseFactory(association=association, title="Bozza")
    course.is_published = False
    course.save(update_fields=["is_published"])
    session = SessionFactory(course=course)
    day = timezone.localdate(session.starts_at).isoformat()
    response = member_client.get(reverse("training:calendar"), {"day": day})
    assert response.context["sessions"] == []
    assert (
        member_client.get(reverse("training:session-detail", args=[session.pk])).status_code == 404
    )


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 50])
def test_calendar_query_count_is_constant(member_client, association, django_assert_num_queries, n):
    course = CourseFactory(association=association)
    start = in_days(2)
    for i in range(n):
        session = SessionFactory(
            course=course, starts_at=start + timedelta(hours=i % 5, days=i % 5)
        )
        if i % 2:
            EnrolmentFactory(session=session, member=_member_of(member_client))
    day = timezone.localdate(start).isoformat()
    # user, memberships, the person's registry entry, the sessions with course and
    # place, their enrolments of the person, the feed token, the unread notifications
    with django_assert_num_queries(7):
        response = member_client.get(reverse("training:calendar"), {"day": day, "view": "month"})
    assert len(response.context["sessions"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_attendance_page_query_count_is_constant(
    make_client, association, django_assert_num_queries, n
):
    facilitator = make_client(association, Role.FACILITATOR)
    session = SessionFactory(
        course=CourseFactory(association=association, facilitators=[facilitator.user]),
        capacity=60,
    )
    for _ in range(n):
        EnrolmentFactory(session=session)
    # user, memberships, the session with course and place, coordinator check (none:
    # memberships are cached), the course's facilitators, the enrolled with their
    # person, the unread notifications
    with django_assert_num_queries(6):
        response = facilitator.get(reverse("training:attendance", args=[session.pk]))
    assert len(response.context["enrolments"]) == n


def test_attendance_is_saved_from_the_checklist(make_client, association, frozen_now):
    facilitator = make_client(association, Role.FACILITATOR)
    session = SessionFactory(
        course=CourseFactory(association=association, facilitators=[facilitator.user])
    )
    came, absent = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
    frozen_now.now = session.starts_at + timedelta(minutes=10)
    response = facilitator.post(
        reverse("training:attendance", args=[session.pk]), {"present": [str(came.pk)]}
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended, absent.attended) == (True, False)


def test_an_operator_enrols_someone_found_in_the_registry(operator_client, association):
    session = SessionFactory(course=CourseFactory(association=association))
    person = MemberFactory(association=association, first_name="Kwabena", last_name="Asantewaa")
    page = operator_client.get(
        reverse("training:session-detail", args=[session.pk]), {"who": "asantewaa"}
    )
    assert [m.pk for m in page.context["found"]] == [person.pk]
    operator_client.post(
        reverse("training:session-enrol-member", args=[session.pk]), {"member": person.pk}
    )
    enrolment = Enrolment.objects.get()
    assert (enrolment.member, enrolment.enrolled_by) == (person, operator_client.user)
