"""Continuous evaluation, first part: WHO-5 scoring on known vectors, feedback asked
once per event and only with the evaluation consent, a feedback link that works once,
check-ins with the offer of a call, and the dashboard's small cells hidden on the page
and in the CSV export."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from emergencies.models import Case
from evaluation import services, who5
from evaluation.models import EventKind, FeedbackAnswer, FeedbackRequest, day_of
from evaluation.selectors import HIDDEN, dashboard_figures, shown
from members.models import ConsentPurpose, Notification, Role
from members.services import consent_give, consent_withdraw
from tests.emergencies.factories import CaseFactory
from tests.factories import MemberFactory, PrivacyNoticeFactory, UserFactory, user_with_role
from tests.training.factories import CourseFactory, EnrolmentFactory, SessionFactory

# --- WHO-5 -------------------------------------------------------------------------------


def test_who5_known_vectors():
    assert who5.score([5, 5, 5, 5, 5]) == who5.Score(raw=25, percent=100, is_low=False)
    assert who5.score([0, 0, 0, 0, 0]) == who5.Score(raw=0, percent=0, is_low=True)
    # A high total with one item at 1 is low all the same.
    assert who5.score([5, 5, 5, 5, 1]).is_low
    assert who5.score([3, 3, 3, 2, 2]) == who5.Score(raw=13, percent=52, is_low=False)
    assert who5.score([3, 3, 2, 2, 2]).is_low  # raw 12 < 13
    with pytest.raises(ValueError):
        who5.score([5, 5, 5, 5])
    with pytest.raises(ValueError):
        who5.score([6, 0, 0, 0, 0])


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5))
def test_who5_percent_is_raw_times_four(items):
    result = who5.score(items)
    assert result.percent == 4 * sum(items)
    assert result.is_low == (sum(items) < 13 or min(items) <= 1)


def test_who5_meaningful_change_is_ten_points():
    assert who5.meaningful_change(40, 50) == 1
    assert who5.meaningful_change(50, 40) == -1
    assert who5.meaningful_change(40, 48) == 0


# --- Feedback ------------------------------------------------------------------------------


def _consenting_member(association):
    PrivacyNoticeFactory(association=association)
    member = MemberFactory(association=association, user=UserFactory())
    consent_give(member=member, purpose=ConsentPurpose.EVALUATION, by=member.user)
    return member


def _attended(association, member, frozen_now):
    session = SessionFactory(course=CourseFactory(association=association, title="Ascolto"))
    EnrolmentFactory(session=session, member=member, attended=True)
    frozen_now.now = session.ends_at + timedelta(hours=1)
    return session


def test_feedback_is_asked_once_per_event_and_only_with_consent(association, frozen_now):
    member = _consenting_member(association)
    no_consent = MemberFactory(association=association, user=UserFactory())
    session = _attended(association, member, frozen_now)
    EnrolmentFactory(session=session, member=no_consent, attended=True)
    assert services.feedback_requests_create() == 1
    assert services.feedback_requests_create() == 0
    request = FeedbackRequest.objects.get()
    assert (request.member, request.kind, request.object_id) == (member, "session", session.pk)
    asked = Notification.objects.filter(kind="evaluation.feedback_request")
    assert [n.recipient for n in asked] == [member.user]
    assert asked.get().url == reverse("evaluation:feedback-answer", args=[request.token])


def test_a_withdrawn_consent_stops_the_requests(association, frozen_now):
    member = _consenting_member(association)
    # Withdrawn after it was given: given_at takes the real clock (a field default),
    # so the frozen one moves past it.
    frozen_now.now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    consent_withdraw(member=member, purpose=ConsentPurpose.EVALUATION, by=member.user)
    _attended(association, member, frozen_now)
    assert services.feedback_requests_create() == 0


def test_the_feedback_link_works_once_without_signing_in(association, frozen_now, client):
    member = _consenting_member(association)
    _attended(association, member, frozen_now)
    services.feedback_requests_create()
    request = FeedbackRequest.objects.get()
    url = reverse("evaluation:feedback-answer", args=[request.token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "4", "comment": "Utile", "anonymous": ""})
    assert 'data-testid="feedback-thanks"' in response.content.decode()
    answer = FeedbackAnswer.objects.get()
    assert (answer.rating, answer.request) == (4, request)
    again = client.post(url, {"rating": "1"})
    assert 'data-testid="already-answered"' in again.content.decode()
    assert FeedbackAnswer.objects.count() == 1
    assert client.get(reverse("evaluation:feedback-answer", args=["wrong"])).status_code == 404


def test_an_anonymous_answer_keeps_no_link_to_the_person(association, frozen_now):
    member = _consenting_member(association)
    _attended(association, member, frozen_now)
    services.feedback_requests_create()
    request = FeedbackRequest.objects.get()
    answer = services.feedback_answer(token=request.token, rating=2, anonymous=True)
    assert answer.request is None
    request.refresh_from_db()
    assert request.answered_at is not None  # not asked again, but not linked
    # The minute would match the request's: the answer keeps the day only.
    assert answer.answered_at == day_of(request.answered_at) != request.answered_at
    assert answer.object_id == request.object_id  # a session: a group's event


def test_an_anonymous_answer_about_a_case_does_not_keep_which_case(association, frozen_now):
    member = _consenting_member(association)
    case = CaseFactory(association=association, member=member)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED,
        outcome="resolved",
        opened_at=timezone.now() - timedelta(days=9),
        closed_at=timezone.now() - timedelta(days=1),
    )
    services.feedback_requests_create()
    request = FeedbackRequest.objects.get(kind=EventKind.CASE)
    answer = services.feedback_answer(token=request.token, rating=5, anonymous=True)
    assert (answer.kind, answer.object_id, answer.request) == (EventKind.CASE, None, None)
    named = FeedbackAnswer.objects.exclude(pk=answer.pk)
    assert not named.exists()


def test_a_rating_out_of_range_is_refused_with_a_message(association, frozen_now, client):
    member = _consenting_member(association)
    _attended(association, member, frozen_now)
    services.feedback_requests_create()
    url = reverse("evaluation:feedback-answer", args=[FeedbackRequest.objects.get().token])
    response = client.post(url, {"rating": "9", "comment": "scritto"})
    assert response.status_code == 200
    assert "scritto" in response.content.decode()
    assert not FeedbackAnswer.objects.exists()


# --- Check-ins -----------------------------------------------------------------------------


def test_a_low_check_in_offers_a_call_that_the_person_chooses(member_client, association):
    member = member_client.user.member_profiles.get()
    PrivacyNoticeFactory(association=association)
    consent_give(member=member, purpose=ConsentPurpose.EVALUATION, by=member_client.user)
    operator = user_with_role(association, Role.OPERATOR)
    data = {f"item{i}": "1" for i in range(5)}
    response = member_client.post(reverse("evaluation:checkin"), data, follow=True)
    page = response.content.decode()
    assert 'data-testid="low-offer"' in page
    assert not Notification.objects.filter(kind="evaluation.contact_request").exists()
    checkin = member.checkins.get()
    assert (checkin.raw, checkin.percent, checkin.is_low) == (5, 20, True)
    member_client.post(reverse("evaluation:checkin-contact", args=[checkin.pk]))
    member_client.post(reverse("evaluation:checkin-contact", args=[checkin.pk]))
    told = Notification.objects.filter(kind="evaluation.contact_request")
    assert [n.recipient for n in told] == [operator]
    assert "20" not in told.get().title + told.get().body  # no score in the message


def test_another_persons_check_in_is_404(member_client, association, make_client):
    other = make_client(association, Role.MEMBER)
    other_member = other.user.member_profiles.get()
    PrivacyNoticeFactory(association=association)
    consent_give(member=other_member, purpose=ConsentPurpose.EVALUATION, by=other.user)
    checkin = services.checkin_record(member=other_member, by=other.user, items=[3] * 5)
    assert (
        member_client.get(reverse("evaluation:checkin-result", args=[checkin.pk])).status_code
        == 404
    )


# --- Dashboard -------------------------------------------------------------------------------


def test_small_cells_are_hidden():
    assert shown(3, 3) == HIDDEN
    assert shown(0, 0) == 0
    assert shown(12, 5) == 12


def test_a_figure_about_three_people_shows_less_than_five_on_the_page_and_in_the_csv(
    coordinator_client, association, frozen_now
):
    course = CourseFactory(association=association)
    session = SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=3))
    for _ in range(3):
        EnrolmentFactory(session=session, attended=True)
    figures = {
        f.key: f
        for f in dashboard_figures(
            associations=[association],
            start=timezone.localdate() - timedelta(days=30),
            end=timezone.localdate(),
        )
    }
    assert figures["attendance_rate"].value == HIDDEN
    assert figures["attendance_rate"].people == 3
    page = coordinator_client.get(reverse("evaluation:dashboard")).content.decode()
    assert "&lt; 5" in page
    csv = coordinator_client.get(reverse("evaluation:dashboard-csv")).content.decode()
    assert "< 5" in csv
    charts = coordinator_client.get(reverse("evaluation:dashboard")).context["chart_data"]
    month = timezone.localtime(session.starts_at).strftime("%Y-%m")
    participation = charts["participation"]
    came = participation["series"][0]["data"]
    assert came[participation["labels"].index(month)] == HIDDEN  # 3 people came that month
    assert set(came) == {0, HIDDEN}
    workbook = _workbook(coordinator_client)
    values = dict(workbook["Indicatori"].iter_rows(min_row=2, values_only=True))
    assert values["Tasso di presenza (%)"] == HIDDEN


def test_the_dashboard_counts_equal_the_rows(coordinator_client, association):
    course = CourseFactory(association=association)
    session = SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=3))
    came = [EnrolmentFactory(session=session, attended=True) for _ in range(6)]
    absent = [EnrolmentFactory(session=session, attended=False) for _ in range(2)]
    response = coordinator_client.get(reverse("evaluation:dashboard"))
    figures = {f.key: f.value for f in response.context["figures"]}
    assert figures["attendance_rate"] == round(100 * len(came) / (len(came) + len(absent)))
    assert figures["active_members"] == len(came) + len(absent)
    csv = coordinator_client.get(reverse("evaluation:dashboard-csv")).content.decode()
    assert f",{figures['attendance_rate']}" in csv
    workbook = _workbook(coordinator_client)
    values = dict(workbook["Indicatori"].iter_rows(min_row=2, values_only=True))
    assert values["Tasso di presenza (%)"] == figures["attendance_rate"]
    assert values["Soci attivi"] == figures["active_members"]


def _workbook(client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(reverse("evaluation:dashboard-xlsx"))
    return load_workbook(BytesIO(response.content))


def test_exported_text_cannot_become_a_formula():
    from evaluation.views import _cell

    assert _cell('=HYPERLINK("http://x")').startswith("'")
    assert _cell("@SUM(A1)").startswith("'")
    assert _cell(12) == 12


@pytest.mark.parametrize("n", [1, 30])
def test_dashboard_query_count_is_constant(
    coordinator_client, association, django_assert_num_queries, n
):
    session = SessionFactory(
        course=CourseFactory(association=association),
        starts_at=timezone.now() - timedelta(days=2),
        capacity=40,
    )
    for _ in range(n):
        EnrolmentFactory(session=session, attended=True)
    # user, memberships, MFA check, whether the association shares (scope), one
    # aggregation per group of figures (enrolments, completions, help requests, cases,
    # plans, empowerment steps, feedback answers by event, people who answered,
    # wellbeing, active members),
    # network and alerts (2), cases by category, five for the months (sessions, group
    # meetings, help, wellbeing, empowerment steps), whether it shares (the toggle),
    # unread notifications
    with django_assert_num_queries(23):
        coordinator_client.get(reverse("evaluation:dashboard"))


def test_members_and_facilitators_cannot_open_the_dashboard(member_client, facilitator_client):
    assert member_client.get(reverse("evaluation:dashboard")).status_code == 403
    assert facilitator_client.get(reverse("evaluation:dashboard")).status_code == 403


def _sessions_with(association, people: int):
    session = SessionFactory(
        course=CourseFactory(association=association),
        starts_at=timezone.now() - timedelta(days=3),
        capacity=40,
    )
    for _ in range(people):
        EnrolmentFactory(session=session, attended=True)


def test_the_partnership_aggregate_counts_only_the_associations_that_agreed(
    make_client, association, other_association
):
    from evaluation.models import EvaluationSettings
    from tests.factories import AssociationFactory

    third = AssociationFactory()
    _sessions_with(association, 6)
    _sessions_with(other_association, 7)
    _sessions_with(third, 9)
    ours = make_client(association, Role.COORDINATOR)
    theirs = make_client(third, Role.COORDINATOR)
    url = reverse("evaluation:dashboard")

    # Nobody agreed yet: the partnership view is not offered, the scope is ignored.
    figures = {f.key: f.value for f in ours.get(url, {"scope": "partnership"}).context["figures"]}
    assert figures["active_members"] == 6

    ours.post(reverse("evaluation:sharing"), {"share": "1"})
    EvaluationSettings.objects.create(association=other_association, share_with_partnership=True)
    response = ours.get(url, {"scope": "partnership"})
    assert response.context["scope"] == "partnership"
    figures = {f.key: f.value for f in response.context["figures"]}
    assert figures["active_members"] == 6 + 7  # not the third association's 9
    # The third association did not agree: it sees only its own figures.
    figures = {f.key: f.value for f in theirs.get(url, {"scope": "partnership"}).context["figures"]}
    assert figures["active_members"] == 9


def test_the_annual_report_equals_the_rows(coordinator_client, association):
    _sessions_with(association, 6)
    year = timezone.localdate().year
    response = coordinator_client.get(reverse("evaluation:annual-report"), {"year": year})
    figures = {f.key: f.value for f in response.context["figures"]}
    assert figures["people_served"] == 6
    assert figures["sessions_held"] == 1
    workbook = load_workbook_from(
        coordinator_client.get(reverse("evaluation:annual-report-xlsx"), {"year": year})
    )
    values = dict(workbook[str(year)].iter_rows(min_row=2, values_only=True))
    assert values["Persone servite"] == 6


def load_workbook_from(response):
    from io import BytesIO

    from openpyxl import load_workbook

    return load_workbook(BytesIO(response.content))


def test_only_the_associations_coordinators_decide_to_share(association, other_association):
    from django.core.exceptions import PermissionDenied

    coordinator = user_with_role(association, Role.COORDINATOR)
    operator = user_with_role(association, Role.OPERATOR)
    elsewhere = user_with_role(other_association, Role.COORDINATOR)
    for user in (operator, elsewhere):
        with pytest.raises(PermissionDenied):
            services.sharing_set(association=association, by=user, share=True)
    assert services.sharing_set(
        association=association, by=coordinator, share=True
    ).share_with_partnership
    assert not services.sharing_set(
        association=association, by=coordinator, share=False
    ).share_with_partnership


def test_the_dashboard_is_computed_ahead_of_its_readers(coordinator_client, association):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_celery_beat.models import PeriodicTask

    _sessions_with(association, 6)
    assert PeriodicTask.objects.filter(
        task="evaluation.tasks.dashboard_warm_task", interval__every=4, enabled=True
    ).exists()
    assert services.dashboard_warm() >= 2  # each association, in Italian and English

    url = reverse("evaluation:dashboard")
    for language in ("it", "en"):
        UserFactory._meta.model.objects.filter(pk=coordinator_client.user.pk).update(
            language=language
        )
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(url)
        assert response.context["LANGUAGE_CODE"] == language
        figures = {f.key: f.value for f in response.context["figures"]}
        assert figures["active_members"] == 6
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert "training_enrolment" not in read and "evaluation_feedbackanswer" not in read


def test_a_date_that_does_not_exist_falls_back_with_a_message(coordinator_client):
    url = reverse("evaluation:dashboard")
    response = coordinator_client.get(url, {"start": "2026-02-30"}, follow=True)
    assert response.status_code == 200
    assert "Non è una data" in response.content.decode()
    response = coordinator_client.get(url, {"start": "1900-01-01"})
    assert (response.context["end"] - response.context["start"]).days <= 5 * 366
    assert response.context["end"] <= timezone.localdate()
    # A period in the future ends today.
    response = coordinator_client.get(url, {"start": "2999-01-01"})
    assert response.context["start"] <= response.context["end"] == timezone.localdate()
