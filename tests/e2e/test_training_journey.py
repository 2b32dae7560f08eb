"""Workshops, end to end. On her desktop a facilitator schedules a weekly series of an
active-listening course; on her phone a member enrols in the first session from the
calendar; at the start of the session the facilitator, on her phone, ticks who came."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Role
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, user_with_role
from training.models import Enrolment, Session

from ..training.factories import CourseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_weekly_series_an_enrolment_from_the_calendar_and_attendance_on_a_phone(
    live_server, desktop_page, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    facilitator = user_with_role(association, Role.FACILITATOR, first_name="Fatima")
    member = user_with_role(association, Role.MEMBER, first_name="Mariam", last_name="Okafor")
    course = CourseFactory(
        association=association, title="Ascolto attivo", facilitators=[facilitator]
    )
    # The first session starts in 40 minutes: attendance opens an hour before.
    first = timezone.localtime(timezone.now() + timedelta(minutes=40)).replace(
        second=0, microsecond=0
    )

    # --- The facilitator schedules six weekly sessions ------------------------------------
    desk = desktop_page
    sign_in(desk, live_server, facilitator, "Fatima")
    desk.goto(f"{live_server.url}/training/courses/{course.pk}/")
    desk.get_by_test_id("session-create").click()
    desk.locator("input[name=starts_at]").fill(first.strftime("%Y-%m-%dT%H:%M"))
    desk.locator("input[name=duration_minutes]").fill("90")
    desk.locator("input[name=capacity]").fill("12")
    desk.locator("input[name=room]").fill("Sala Mandela, via Roma 12")
    desk.locator("input[name=weeks]").fill("6")
    screenshot(desk, "desktop-60-session-series")
    desk.get_by_test_id("save").click()
    expect(desk).to_have_url(re.compile(rf"/training/courses/{course.pk}/$"))
    expect(desk.get_by_test_id("session")).to_have_count(6)
    session = Session.objects.order_by("starts_at").first()

    # --- The member enrols from the calendar, on her phone --------------------------------
    page = phone_page
    sign_in(page, live_server, member, "Mariam")
    page.goto(
        f"{live_server.url}/training/calendar/?view=week&day={first.date().isoformat()}&scope=open"
    )
    listed = page.get_by_test_id("calendar-list").get_by_test_id("calendar-session")
    expect(listed.first).to_contain_text("Ascolto attivo")
    listed.first.get_by_test_id("calendar-enrol").click()
    expect(page).to_have_url(re.compile(r"/training/calendar/\?view=week"))
    expect(listed.first.locator(".badge")).to_be_visible()
    screenshot(page, "phone-60-calendar-enrolled")
    enrolment = Enrolment.objects.get()
    assert (enrolment.session, enrolment.member.user) == (session, member)
    assert enrolment.status == Enrolment.Status.ENROLLED

    # --- The facilitator takes attendance on her phone ------------------------------------
    phone = desk.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="it-IT", is_mobile=True, has_touch=True
    ).new_page()
    sign_in(phone, live_server, facilitator, "Fatima")
    phone.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    phone.get_by_test_id("take-attendance").click()
    phone.get_by_test_id("attendee").filter(has_text="Mariam Okafor").click()
    screenshot(phone, "phone-61-attendance")
    phone.get_by_test_id("save-attendance").click()
    expect(phone.get_by_test_id("enrolment")).to_contain_text("Mariam Okafor")
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    phone.context.close()
