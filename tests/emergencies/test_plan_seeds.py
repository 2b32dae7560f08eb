"""The emergency plans of the demo (``manage.py seed_demo``) and of the benchmark
(``manage.py seed_scale``): each demo plan is in the state its story says, its versions
came from the services, and a second run adds nothing."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.utils import timezone

from bench import pages
from bench.seed import HEAVY_PLAN_ROWS, bench_association, bench_users
from emergencies.models import (
    EmergencyPlan,
    PlanAction,
    PlanActivation,
    PlanContact,
    PlanDocument,
    PlanHealth,
    PlanPlace,
    PlanScenario,
    PlanVersion,
)
from emergencies.planning import completeness
from emergencies.selectors.plans import plan_access, staff_plan_list
from emergencies.services.plans import plan_facts, plan_snapshot
from members.models import Association, Consent, Member, Reminder, Role, User
from tests.seeding import seed_demo, seed_scale

BENCH_FACTOR = 0.01  # 10 members, so 10 plans (the bench member's heavy one among them)


def _seed_scale(factor: float = BENCH_FACTOR) -> str:
    return seed_scale(factor)


def _counts() -> dict[str, int]:
    return {
        "plans": EmergencyPlan.objects.count(),
        "plan history": EmergencyPlan.history.count(),
        "versions": PlanVersion.objects.count(),
        "scenarios": PlanScenario.objects.count(),
        "actions": PlanAction.objects.count(),
        "resources": PlanScenario.resources.through.objects.count(),
        "contacts": PlanContact.objects.count(),
        "places": PlanPlace.objects.count(),
        "documents": PlanDocument.objects.count(),
        "health": PlanHealth.objects.count(),
        "consents": Consent.objects.count(),
        "reminders": Reminder.objects.count(),
    }


def _plan(first: str, last: str) -> EmergencyPlan:
    return EmergencyPlan.objects.select_related("member__user").get(
        member__first_name=first, member__last_name=last, is_active=True
    )


@pytest.fixture
def demo(seeded_demo, db) -> str:
    """The demo, seeded once for this module (its tests only read it)."""
    return seeded_demo


def test_seed_demo_gives_the_member_a_private_nearly_complete_plan(demo):
    mariam = User.objects.get(email="member@nucleo.test")
    plan = EmergencyPlan.objects.get(member__user=mariam, is_active=True)
    today = timezone.localdate()
    assert plan.sharing == EmergencyPlan.Sharing.PRIVATE
    assert plan.completeness >= 90
    assert plan.completeness == completeness(plan_facts(plan))[0]
    assert plan.next_review_on == today + relativedelta(months=5)
    assert len(plan.go_bag_items) == 6
    assert {language.code for language in plan.languages.all()} == {"en", "ig", "it"}
    # Housing and documents from the templates, no violence: nothing a code word guards.
    scenarios = list(plan.scenarios.prefetch_related("resources", "actions"))
    assert [s.kind for s in scenarios] == ["housing", "documents"]
    assert all(s.template_id is not None and s.code_word == "" for s in scenarios)
    assert all(1 <= len(s.resources.all()) <= 2 for s in scenarios)
    assert all(len(s.actions.all()) >= 4 for s in scenarios)
    contacts = plan.contacts.all()
    assert 2 <= contacts.count() <= 3
    assert contacts.filter(alert_on_activation=True).count() == 1
    assert plan.places.filter(kind=PlanPlace.Kind.SAFE_PLACE).count() == 1
    permit = plan.documents.get(doc_type=PlanDocument.Type.RESIDENCE_PERMIT)
    assert permit.expires_on == today + timedelta(days=45)
    assert plan.documents.filter(doc_type=PlanDocument.Type.PASSPORT).exists()
    # The documents' reminders went through the service: 30 and 7 days before, not 60.
    keys = set(Reminder.objects.filter(recipient=mariam).values_list("key", flat=True))
    assert {f"plan-document:{permit.pk}:d30", f"plan-document:{permit.pk}:d7"} <= keys
    assert f"plan-document:{permit.pk}:d60" not in keys
    assert f"plan:{plan.pk}:review" in keys
    # Her health notes, with her consent, are in the latest version.
    assert plan.health.allergies
    assert Consent.objects.filter(
        member=plan.member, purpose="health", withdrawn_at__isnull=True
    ).exists()
    latest = plan.versions.first()
    assert latest.number == plan.version >= 10
    assert "health" in latest.snapshot
    assert latest.snapshot == plan_snapshot(plan)
    assert set(plan.versions.values_list("created_by", flat=True)) == {mariam.pk}
    # Private: the operators do not see it.
    operator = User.objects.get(email="operator@nucleo.test")
    assert plan_access(user=operator, plan=plan) is None


def test_seed_demo_plans_of_the_registry_in_their_states(demo):
    home = Association.objects.get(slug="migr-azioni")
    operator = User.objects.get(email="operator@nucleo.test")
    coordinator = User.objects.get(email="coordinator@nucleo.test")
    today = timezone.localdate()
    plans = EmergencyPlan.objects.exclude(association__slug="bench-ets")
    assert plans.count() == 6
    assert plans.filter(sharing=EmergencyPlan.Sharing.OPERATORS).count() == 5
    assert PlanHealth.objects.filter(plan__in=plans).count() == 1
    assert not PlanActivation.objects.exists()
    # Every plan has several versions, made by the services (numbered, without gaps).
    for plan in plans.annotate(n=Count("versions")):
        assert plan.n == plan.version >= 2
        assert sorted(plan.versions.values_list("number", flat=True)) == list(range(1, plan.n + 1))

    # Kept together: the member from his account and the operator both wrote it.
    karim = _plan("Karim", "Benali")
    assert karim.is_shared and karim.member.user_id is not None
    authors = set(karim.versions.values_list("created_by", flat=True))
    assert authors == {karim.member.user_id, operator.pk}

    # Made at the desk for someone without an account, reviewed, then changed again.
    amadou = _plan("Amadou", "Sow")
    assert amadou.member.user_id is None and amadou.is_shared
    assert amadou.last_reviewed_at is not None
    assert 0 < amadou.reviewed_version < amadou.version
    assert set(amadou.versions.values_list("created_by", flat=True)) == {
        operator.pk,
        coordinator.pk,
    }

    # The one past its review date, made seven months ago.
    overdue = plans.filter(next_review_on__lt=today)
    assert [plan.member.first_name for plan in overdue] == ["Nadia"]
    nadia = overdue.get()
    assert nadia.review_due
    assert nadia.created_at < timezone.now() - timedelta(days=180)
    assert not nadia.versions.filter(created_at__gt=nadia.updated_at).exists()

    olena = _plan("Olena", "Kovalenko")
    assert olena.completeness < 20
    assert not olena.scenarios.exists()

    # At the partner, by its operator: not on Migr-Azioni's list.
    grace = _plan("Grace", "Mensah")
    assert grace.association.slug == "si-teverola" and grace.is_shared
    assert grace.created_by.email == "partner-operator@nucleo.test"
    listed = set(staff_plan_list(association=home).values_list("pk", flat=True))
    assert listed == {karim.pk, amadou.pk, nadia.pk, olena.pk}

    assert "Emergency plans: 6 (1 private, 5 shared with operators; 1 with health notes, " in demo
    assert "1 with the review overdue, 1 reviewed)" in demo


def test_seed_demo_plans_twice_adds_nothing(seeded_demo, db):
    first_output = seeded_demo
    first = _counts()

    second_output = seed_demo()

    assert _counts() == first
    assert first_output == second_output


# --- The benchmark's plans ----------------------------------------------------------


def _bench_counts() -> dict[str, int]:
    association = bench_association()
    plans = EmergencyPlan.objects.filter(association=association)
    return {
        "emergency plans": plans.count(),
        "plan scenarios": PlanScenario.objects.filter(plan__in=plans).count(),
        "plan actions": PlanAction.objects.filter(scenario__plan__in=plans).count(),
        "plan scenario resources": PlanScenario.resources.through.objects.filter(
            planscenario__plan__in=plans
        ).count(),
        "plan contacts": PlanContact.objects.filter(plan__in=plans).count(),
        "plan places": PlanPlace.objects.filter(plan__in=plans).count(),
        "plan documents": PlanDocument.objects.filter(plan__in=plans).count(),
        "plan languages": EmergencyPlan.languages.through.objects.filter(
            emergencyplan__in=plans
        ).count(),
        "plan versions": PlanVersion.objects.filter(plan__in=plans).count(),
    }


@pytest.mark.django_db
def test_plans_seed_creates_the_rows_it_reports():
    output = _seed_scale()

    counts = _bench_counts()
    association = bench_association()
    assert counts["emergency plans"] == 10
    assert Member.objects.filter(association=association).count() == 10  # none added
    line = next(line for line in output.splitlines() if "plans_seed:" in line)
    for table, count in counts.items():
        if count:
            assert f" {count} {table}" in line, table
    assert "7 scenario templates" in line
    # The nine ordinary plans: three scenarios, three contacts, two documents, a version.
    ordinary = EmergencyPlan.objects.filter(association=association).exclude(
        member__user=bench_users()[Role.MEMBER]
    )
    assert counts["plan scenarios"] == 9 * 3 + HEAVY_PLAN_ROWS
    assert counts["plan contacts"] == 9 * 3 + HEAVY_PLAN_ROWS
    assert counts["plan documents"] == 9 * 2 + HEAVY_PLAN_ROWS
    assert PlanVersion.objects.filter(plan__in=ordinary).count() == 9
    # The stored score is the one the services would compute from the rows.
    for plan in EmergencyPlan.objects.filter(association=association):
        assert plan.completeness == completeness(plan_facts(plan))[0], plan.pk
        assert plan.version == plan.versions.count()


@pytest.mark.django_db
def test_plans_seed_gives_the_bench_member_the_heavy_plan_the_page_times():
    _seed_scale()
    member = bench_users()[Role.MEMBER]
    ctx = pages.PageContext(association=bench_association(), user=member)

    plan = EmergencyPlan.objects.get(pk=pages.own_plan(ctx)["pk"])

    assert plan.member.user == member
    assert plan.scenarios.count() == HEAVY_PLAN_ROWS
    assert plan.contacts.count() == HEAVY_PLAN_ROWS
    assert plan.documents.count() == HEAVY_PLAN_ROWS
    assert not plan.scenarios.filter(actions__isnull=True).exists()
    assert plan_access(user=member, plan=plan).is_owner
    # The operator's list has the shared plans to show, the heavy one among them.
    operator = bench_users()[Role.OPERATOR]
    listed = staff_plan_list(association=bench_association())
    assert plan in listed and listed.count() >= 2
    assert plan_access(user=operator, plan=plan).can_edit


@pytest.mark.django_db
def test_plans_seed_run_twice_tops_up_instead_of_adding_again():
    _seed_scale()
    first = _bench_counts()

    output = _seed_scale()
    assert _bench_counts() == first
    assert "plans_seed: nothing created" in output

    _seed_scale(factor=2 * BENCH_FACTOR)
    assert _bench_counts()["emergency plans"] == 20
    assert _bench_counts()["plan scenarios"] == 19 * 3 + HEAVY_PLAN_ROWS


def test_the_plan_pages_are_registered_for_the_member_and_the_operator():
    registered = {(page.role, page.url_name) for page in pages.PAGES if not page.optional}
    assert {
        ("member", "emergencies:plan-detail"),
        ("operator", "emergencies:plan-list"),
    } <= registered
