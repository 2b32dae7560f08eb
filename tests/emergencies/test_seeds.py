"""The case data of the demo (``manage.py seed_demo``) and of the benchmark
(``manage.py seed_scale``): every state shows, and a second run adds nothing."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.db.models import Count
from django.utils import timezone

from bench import pages
from bench.seed import bench_association, bench_users
from emergencies.models import (
    Case,
    CaseEvent,
    Category,
    DutyShift,
    FollowUp,
    Referral,
    Urgency,
)
from emergencies.selectors import overdue_follow_ups
from emergencies.services.cases import DEFAULT_CATEGORIES, on_duty_operators
from members.models import Association, Consent, Notification, Reminder, Role, User
from tests.seeding import seed_demo, seed_scale

BENCH_FACTOR = 0.01  # 20 cases


def _seed_scale(factor: float = BENCH_FACTOR) -> str:
    return seed_scale(factor)


def _demo_counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "case history": Case.history.count(),
        "events": CaseEvent.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        "referrals": Referral.objects.count(),
        "categories": Category.objects.count(),
        "consents": Consent.objects.count(),
        "reminders": Reminder.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def demo(seeded_demo, db) -> str:
    """The demo, seeded once for this module (its tests only read it)."""
    return seeded_demo


@pytest.fixture
def home(demo) -> Association:
    return Association.objects.get(slug="migr-azioni")


def test_seed_demo_opens_cases_in_every_state_urgency_and_category(demo, home):
    cases = Case.objects.filter(association=home)
    assert cases.count() >= 70
    assert set(cases.values_list("status", flat=True)) == set(Case.Status.values)
    closed = cases.filter(status=Case.Status.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) == set(Case.Outcome.values)
    assert set(cases.values_list("urgency", flat=True)) == set(Urgency.values)
    assert set(cases.values_list("category__code", flat=True)) == {
        code for code, _it, _en in DEFAULT_CATEGORIES
    }
    assert "Cases: " in demo and "for Migr-Azioni ETS in every state" in demo


def test_seed_demo_gives_every_association_the_default_categories(demo):
    per_association = Category.objects.values("association").annotate(n=Count("pk"))
    assert len(per_association) == Association.objects.count()
    assert {row["n"] for row in per_association} == {len(DEFAULT_CATEGORIES)}


def test_seed_demo_cases_have_consistent_dates_over_the_last_six_months(demo, home):
    now = timezone.now()
    cases = list(Case.objects.filter(association=home).prefetch_related("events"))
    assert min(case.opened_at for case in cases) > now - timedelta(days=190)
    assert max(case.opened_at for case in cases) < now
    assert min(case.opened_at for case in cases) < now - timedelta(days=120)
    for case in cases:
        events = sorted(case.events.all(), key=lambda event: (event.created_at, event.pk))
        assert events, case.description
        assert events[0].kind == CaseEvent.Kind.STATUS and events[0].to_status == "new"
        assert all(case.opened_at <= event.created_at <= now for event in events)
        if case.status == Case.Status.CLOSED:
            assert case.outcome and case.closed_at is not None
            assert case.opened_at < case.closed_at < now
            assert events[-1].kind == CaseEvent.Kind.STATUS
            assert events[-1].to_status == Case.Status.CLOSED
            assert events[-1].created_at == case.closed_at
        else:
            assert not case.outcome and case.closed_at is None
        contacts = [e for e in events if e.kind in ("intervention", "contact")]
        if contacts:
            assert case.first_contact_at == contacts[0].created_at
        else:
            assert case.first_contact_at is None
        # The status entries tell the way the case went, ending where it is.
        moves = [e for e in events if e.kind == CaseEvent.Kind.STATUS]
        for previous, move in pairwise(moves):
            assert move.from_status == previous.to_status
        assert moves[-1].to_status == case.status
        assert case.acknowledged_at is not None  # no escalation of old critical cases


def test_seed_demo_timelines_have_notes_interventions_and_contacts(demo, home):
    events = CaseEvent.objects.filter(case__association=home)
    kinds = set(events.values_list("kind", flat=True))
    assert {"note", "intervention", "contact", "status", "assignment", "follow_up"} <= kinds
    assert {"referral"} <= kinds
    assert 2 <= events.filter(kind="note", confidential=True).count() <= 30
    interventions = events.filter(kind="intervention")
    assert not interventions.filter(minutes__isnull=True).exists()
    assert not interventions.filter(intervention_type="").exists()
    assert not events.filter(kind="contact", contact_channel="").exists()


def test_seed_demo_people_of_the_cases_and_who_follows_them(demo, home):
    operator = User.objects.get(email="operator@nucleo.test")
    coordinator = User.objects.get(email="coordinator@nucleo.test")
    cases = Case.objects.filter(association=home)
    assert set(cases.values_list("opened_by", flat=True)) == {operator.pk, coordinator.pk}
    assigned = set(cases.values_list("assigned_to", flat=True))
    assert assigned == {operator.pk, coordinator.pk, None}
    assert cases.open().for_operator(operator).count() >= 20
    assert cases.open().unassigned().exists()
    # The demo member sees her own requests.
    member = User.objects.get(email="member@nucleo.test")
    assert Case.objects.of_member_user(member).count() == 2


def test_seed_demo_leaves_overdue_follow_ups_on_the_operators_home(demo, home):
    operator = User.objects.get(email="operator@nucleo.test")
    overdue = overdue_follow_ups(user=operator, association=home)
    assert 1 <= overdue.count() <= 6
    pending = FollowUp.objects.filter(case__association=home, done_at__isnull=True)
    assert pending.filter(due_at__gt=timezone.now()).count() >= 10
    assert FollowUp.objects.filter(case__association=home, done_at__isnull=False).exists()
    # Pending follow-ups went through the service: each has its reminder.
    keys = set(Reminder.objects.values_list("key", flat=True))
    for follow_up in pending:
        assert f"case:{follow_up.case_id}:follow-up:{follow_up.pk}" in keys


def test_seed_demo_refers_to_services_and_to_the_partner(demo, home):
    partner = Association.objects.get(slug="si-teverola")
    referrals = Referral.objects.filter(case__association=home)
    to_services = referrals.filter(kind=Referral.Kind.SERVICE)
    assert to_services.count() >= 2
    assert not to_services.filter(service__isnull=True).exists()
    to_partner = referrals.filter(kind=Referral.Kind.PARTNER, partner=partner)
    assert sorted(to_partner.values_list("status", flat=True)) == ["accepted", "pending"]
    for referral in to_partner:
        assert referral.summary
        assert referral.created_at < timezone.now() - timedelta(days=1)
        assert referral.case.status == Case.Status.REFERRED
        assert Consent.objects.filter(
            member=referral.case.member, purpose="partner_sharing", withdrawn_at__isnull=True
        ).exists()
    accepted = to_partner.get(status="accepted")
    assert accepted.answered_by.email == "partner-operator@nucleo.test"
    assert accepted.created_at < accepted.answered_at < timezone.now()
    # The partner's operator was told about the referrals.
    assert (
        Notification.objects.filter(
            recipient__email="partner-operator@nucleo.test", kind="emergencies.referral_received"
        ).count()
        == 2
    )


def test_seed_demo_puts_the_operator_on_duty_for_the_coming_week(demo, home):
    operator = User.objects.get(email="operator@nucleo.test")
    now = timezone.now()
    assert [user.pk for user in on_duty_operators(home.pk)] == [operator.pk]
    shifts = DutyShift.objects.filter(association=home, operator=operator)
    for hours in range(0, 7 * 24 + 1, 6):
        assert shifts.on_duty(now + timedelta(hours=hours)).exists()


def test_seed_demo_cases_twice_adds_nothing(seeded_demo, db):
    first_output = seeded_demo
    first = _demo_counts()
    shifts = DutyShift.objects.count()

    second_output = seed_demo()

    assert _demo_counts() == first
    assert first_output == second_output
    # A day handed over between the two runs adds the next day's shift, nothing else.
    assert shifts <= DutyShift.objects.count() <= shifts + 1


# --- The benchmark's cases ----------------------------------------------------------


def _bench_counts() -> dict[str, int]:
    association = bench_association()
    return {
        "cases": Case.objects.filter(association=association).count(),
        "events": CaseEvent.objects.filter(case__association=association).count(),
        "follow-ups": FollowUp.objects.filter(case__association=association).count(),
        "categories": Category.objects.filter(association=association).count(),
    }


@pytest.mark.django_db
def test_cases_seed_fills_the_bench_association_in_proportion_to_the_factor():
    output = _seed_scale()

    counts = _bench_counts()
    assert counts["cases"] == 20
    assert counts["events"] == 40  # two a case
    assert counts["categories"] == len(DEFAULT_CATEGORIES)
    assert "cases_seed: 20 cases, 40 case events" in output
    cases = Case.objects.filter(association=bench_association())
    assert cases.filter(status=Case.Status.CLOSED).exclude(outcome="").exists()
    assert cases.open().exists()
    # The bench operator has cases of their own, so "my cases" is timed with rows.
    operator = bench_users()[Role.OPERATOR]
    assert cases.filter(assigned_to=operator).exists()
    # No critical case waits to be escalated: the periodic sweep leaves bench rows alone.
    assert not cases.filter(acknowledged_at__isnull=True).exists()


@pytest.mark.django_db
def test_cases_seed_run_twice_tops_up_instead_of_adding_again():
    _seed_scale()
    first = _bench_counts()

    output = _seed_scale()
    assert _bench_counts() == first
    assert "cases_seed: nothing created" in output

    _seed_scale(factor=2 * BENCH_FACTOR)
    assert _bench_counts()["cases"] == 40
    assert _bench_counts()["events"] == 80


def test_the_case_pages_are_registered_for_staff_and_required():
    registered = {(page.role, page.url_name) for page in pages.PAGES if not page.optional}
    assert {
        ("operator", "emergencies:case-list"),
        ("operator", "emergencies:case-detail"),
        ("operator", "emergencies:case-intake"),
        ("coordinator", "emergencies:case-list"),
    } <= registered


@pytest.mark.django_db
def test_some_case_is_a_case_of_the_bench_association_the_operator_follows():
    _seed_scale()
    operator = bench_users()[Role.OPERATOR]
    ctx = pages.PageContext(association=bench_association(), user=operator)

    case = Case.objects.get(pk=pages.some_case(ctx)["pk"])

    assert case.association == bench_association()
    assert case.assigned_to == operator
