"""The coordinator reads how the unit is doing: opens the dashboard, narrows the
period, sees the charts and the tables behind them, and downloads the workbook."""

from datetime import datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from evaluation import who5
from evaluation.models import WellbeingCheckIn
from members.models import EmpowermentStep, Role
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, MemberFactory, user_with_role

from ..training.factories import CourseFactory, EnrolmentFactory, GroupFactory, SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _month(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _months_ago(months: int):
    """18:00 on the 10th, ``months`` months ago (always in the past, in that month)."""
    day = timezone.localdate().replace(day=10) - relativedelta(months=months)
    return timezone.make_aware(datetime.combine(day, time(18)))


def _a_year_of_the_unit(association) -> None:
    """Sessions 3, 2 and 1 months ago (6, 8 and 3 people came), a support group meeting,
    six people trained and six check-ins."""
    now = timezone.now()
    course = CourseFactory(association=association, title="Ascolto attivo")
    for months_ago, people in ((3, 6), (2, 8), (1, 3)):
        session = SessionFactory(course=course, starts_at=_months_ago(months_ago), capacity=20)
        for _ in range(people):
            EnrolmentFactory(session=session, attended=True)
    group = GroupFactory(association=association)
    meeting = group.meetings.create(
        starts_at=now - timedelta(days=45), ends_at=now - timedelta(days=45, hours=-2)
    )
    people = MemberFactory.create_batch(7, association=association)
    meeting.attendees.set(people)
    for index, person in enumerate(people[:6]):
        EmpowermentStep.objects.create(
            association=association,
            member=person,
            stage="trained",
            reached_at=now - timedelta(days=40),
        )
        items = [2 + index % 3] * 5
        score = who5.score(items)
        WellbeingCheckIn.objects.create(
            association=association,
            member=person,
            answered_at=now - timedelta(days=20),
            items=items,
            raw=score.raw,
            percent=score.percent,
            is_low=score.is_low,
        )


def _charts_drawn(page) -> None:
    for chart in ("participation", "wellbeing", "empowerment"):
        page.wait_for_function(f"() => Chart.getChart('chart-{chart}') !== undefined")


def test_the_coordinator_changes_the_period_and_downloads_the_workbook(
    live_server, desktop_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    coordinator = user_with_role(association, Role.COORDINATOR, first_name="Carla")
    _a_year_of_the_unit(association)

    page = desktop_page
    sign_in(page, live_server, coordinator, "Carla")
    page.goto(f"{live_server.url}/evaluation/dashboard/")
    expect(page.get_by_test_id("figure-attendance_rate")).to_contain_text("100")
    # From the first of the month two months ago: that month (8 people), the last one
    # (3 people: hidden as "< 5") and this one (nobody yet).
    start = timezone.localdate().replace(day=1) - relativedelta(months=2)
    page.locator("input[name=start]").fill(start.isoformat())
    page.get_by_role("button", name="Mostra").click()
    expect(page).to_have_url(
        f"{live_server.url}/evaluation/dashboard/"
        f"?start={start.isoformat()}&end={timezone.localdate().isoformat()}"
    )
    months = [_month(_months_ago(n)) for n in (2, 1, 0)]
    table = page.get_by_test_id("trend-participation")
    assert table.locator("tbody tr td:first-child").all_inner_texts() == months
    expect(table.locator("tbody tr").nth(1)).to_contain_text("< 5")
    _charts_drawn(page)
    screenshot(page, "desktop-70-dashboard")

    with page.expect_download() as download:
        page.get_by_test_id("xlsx").click()
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(workbook["Partecipazione mese per mese"].iter_rows(min_row=2, values_only=True))
    assert {row[0]: row[1] for row in rows} == dict(zip(months, [8, "< 5", 0], strict=True))


def test_the_dashboard_charts_read_on_a_phone(live_server, phone_page, screenshot):
    association = AssociationFactory(name="Migr-Azioni ETS")
    coordinator = user_with_role(association, Role.COORDINATOR, first_name="Carla")
    _a_year_of_the_unit(association)

    page = phone_page
    sign_in(page, live_server, coordinator, "Carla")
    page.goto(f"{live_server.url}/evaluation/dashboard/")
    _charts_drawn(page)
    # The charts fit the screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-70-dashboard")
