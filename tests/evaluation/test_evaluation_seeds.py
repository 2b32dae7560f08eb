"""The demo and the scale seeds of continuous evaluation: the demo's dashboards are not
empty, the demo is idempotent, the bench holds what it reports."""

from datetime import timedelta
from numbers import Number

import pytest
from django.utils import timezone

from bench.seed import bench_association
from evaluation import selectors
from evaluation.models import FeedbackAnswer, FeedbackRequest, SkillAssessment, WellbeingCheckIn
from members.models import Association, Consent, ConsentPurpose
from tests.seeding import seed_demo, seed_scale

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Consent.objects.filter(purpose=ConsentPurpose.EVALUATION).count(),
        FeedbackRequest.objects.count(),
        FeedbackRequest.objects.filter(answered_at__isnull=False).count(),
        FeedbackAnswer.objects.count(),
        FeedbackAnswer.objects.filter(request__isnull=True).count(),
        WellbeingCheckIn.objects.count(),
        SkillAssessment.objects.count(),
    )


def _line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Evaluation: "))


def test_seed_demo_twice_gives_the_same_evaluation_rows_and_output(seeded_demo):
    first = seeded_demo
    counts = _counts()

    second = seed_demo()

    assert _counts() == counts
    assert _line(first) == _line(second)
    assert first == second


def test_the_demo_dashboard_shows_feedback_and_wellbeing_over_the_past_year(seeded_demo):
    home = Association.objects.get(name="Migr-Azioni ETS")
    today = timezone.localdate()

    figures = {
        figure.key: figure
        for figure in selectors.dashboard_figures(
            associations=[home], start=today - timedelta(days=365), end=today
        )
    }
    charts = {
        chart.key: {series.key: series.data for series in chart.series}
        for chart in selectors.monthly_trends(
            associations=[home], start=today - timedelta(days=365), end=today
        )
    }

    for key in ("feedback_average", "wellbeing_average"):
        value = figures[key].value
        assert value != selectors.HIDDEN and isinstance(value, Number), (key, value)
    assert 3.5 <= figures["feedback_average"].value <= 5  # mostly 4 and 5
    assert figures["wellbeing_low"].value != 0  # some people start low
    assert any(isinstance(value, Number) for value in charts["wellbeing"]["average"])
    # Every kind of participation shows in some month, and the path has its steps.
    for series in ("workshops", "groups", "helped"):
        assert any(isinstance(v, Number) and v > 0 for v in charts["participation"][series])
    assert any(v != 0 for v in charts["empowerment"]["trained"])


def test_the_demo_feedback_is_about_real_events_some_anonymous_some_in_italian(seeded_demo):
    answers = FeedbackAnswer.objects.all()

    assert answers.filter(request__isnull=True).exists()  # anonymous
    assert answers.filter(request__isnull=False).exists()
    assert answers.exclude(comment="").exists()
    assert not answers.filter(answered_at__gt=timezone.now()).exists()
    # Every linked answer went through its request, answered once, by someone who
    # consents to evaluation and has an account (the request's link).
    for answer in answers.filter(request__isnull=False).select_related("request__member"):
        member = answer.request.member
        assert answer.request.answered_at is not None
        assert member.user_id is not None
        assert member.consents.filter(
            purpose=ConsentPurpose.EVALUATION, withdrawn_at__isnull=True
        ).exists()
    # Requests come after their event's day and answers after their request.
    for request in FeedbackRequest.objects.filter(answered_at__isnull=False):
        assert request.created_at <= request.answered_at
    # Some wait for the demo member to answer them.
    assert FeedbackRequest.objects.filter(
        member__user__email="member@nucleo.test", answered_at__isnull=True
    ).exists()


def test_the_demo_check_ins_are_quarterly_and_skills_have_before_and_after(seeded_demo):

    people = WellbeingCheckIn.objects.values("member").distinct().count()
    assert people >= 10
    assert WellbeingCheckIn.objects.filter(is_low=True).exists()
    year_ago = timezone.now() - timedelta(days=365)
    assert not WellbeingCheckIn.objects.filter(answered_at__lt=year_ago).exists()
    for checkin in WellbeingCheckIn.objects.all():
        assert checkin.percent == 4 * checkin.raw == 4 * sum(checkin.items)
    phases = set(SkillAssessment.objects.values_list("phase", flat=True))
    assert SkillAssessment.Phase.AFTER in phases
    assert phases & {SkillAssessment.Phase.BEFORE, SkillAssessment.Phase.RETRO_BEFORE}


def test_evaluation_seed_creates_what_it_reports_and_tops_up():
    output = seed_scale(0.02)
    association = bench_association()
    answers = FeedbackAnswer.objects.filter(association=association)
    requests = FeedbackRequest.objects.filter(association=association)
    checkins = WellbeingCheckIn.objects.filter(association=association)

    assert answers.count() == 100 and checkins.count() == 20
    assert requests.count() == requests.filter(answered_at__isnull=False).count() == 100
    line = next(line for line in output.splitlines() if "evaluation_seed:" in line)
    assert "100 feedback requests, 100 feedback answers, 20 wellbeing check-ins created" in line
    year_ago = timezone.now() - timedelta(days=366)
    assert not answers.filter(answered_at__lt=year_ago).exists()
    assert not checkins.filter(answered_at__lt=year_ago).exists()
    assert answers.filter(request__isnull=True).count() < answers.count()

    output = seed_scale(0.02)
    assert "evaluation_seed: nothing created" in output
    assert answers.count() == 100 and checkins.count() == 20
