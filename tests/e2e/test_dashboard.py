"""The coordinator reads how the unit is doing: opens the dashboard, narrows the
period, sees the chart and the table behind it, and downloads the workbook."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Role
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, user_with_role

from ..training.factories import CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_changes_the_period_and_downloads_the_workbook(
    live_server, desktop_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    coordinator = user_with_role(association, Role.COORDINATOR, first_name="Carla")
    course = CourseFactory(association=association, title="Ascolto attivo")
    for months_ago, people in ((3, 6), (2, 8), (1, 3)):
        session = SessionFactory(
            course=course,
            starts_at=timezone.now() - timedelta(days=30 * months_ago),
            capacity=20,
        )
        for _ in range(people):
            EnrolmentFactory(session=session, attended=True)

    page = desktop_page
    sign_in(page, live_server, coordinator, "Carla")
    page.goto(f"{live_server.url}/evaluation/dashboard/")
    expect(page.get_by_test_id("figure-attendance_rate")).to_contain_text("100")
    # The last two months only: the month with 3 people is hidden as "< 5".
    start = (timezone.localdate() - timedelta(days=75)).isoformat()
    page.locator("input[name=start]").fill(start)
    page.get_by_role("button", name="Mostra").click()
    expect(page).to_have_url(
        f"{live_server.url}/evaluation/dashboard/?start={start}&end={timezone.localdate().isoformat()}"
    )
    rows = page.get_by_test_id("trend").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("trend")).to_contain_text("< 5")
    page.wait_for_function("() => Chart.getChart('trend-chart') !== undefined")
    screenshot(page, "desktop-70-dashboard")
    with page.expect_download() as download:
        page.get_by_test_id("xlsx").click()
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    months = list(workbook["Per mese"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in months] == [8, "< 5"]
