"""The benchmark harness works end to end on a tiny data set. Only what it creates and
prints is asserted: performance is never asserted by time."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from bench import pages
from bench.seed import BENCH_ROLES, bench_association, bench_email
from evaluation import selectors
from evaluation.models import FeedbackAnswer
from members.models import Invitation, Member, Membership, Role, SignInAttempt, User
from resources.models import Location, Organization, Phone, Schedule, Service

FACTOR = 0.01  # 10 members, 5 sign-in attempts, 1 invitation, 50 resources


def _seed(factor: float = FACTOR) -> str:
    out = StringIO()
    call_command("seed_scale", factor=factor, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    association = bench_association()
    return {
        "members": Member.objects.filter(association=association).count(),
        "languages": Member.languages.through.objects.filter(
            member__association=association
        ).count(),
        "attempts": SignInAttempt.objects.filter(email__startswith="bench-").count(),
        "invitations": Invitation.objects.filter(association=association).count(),
        "organizations": Organization.objects.filter(maintained_by=association).count(),
        "services": Service.objects.filter(maintained_by=association).count(),
        "locations": Location.objects.filter(maintained_by=association).count(),
        "phones": Phone.objects.filter(service__maintained_by=association).count(),
        "schedules": Schedule.objects.filter(service__maintained_by=association).count(),
        "categories": Service.categories.through.objects.filter(
            service__maintained_by=association
        ).count(),
        "service languages": Service.languages.through.objects.filter(
            service__maintained_by=association
        ).count(),
    }


def _resolves(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.django_db
def test_seed_scale_creates_rows_in_proportion_to_the_factor():
    output = _seed()

    counts = _counts()
    assert counts["members"] == 10
    # Each registry entry speaks one to three languages, except the bench member's own
    # profile which speaks none.
    assert 9 <= counts["languages"] <= 27
    assert counts["attempts"] == 5
    assert counts["invitations"] == 1
    # One organization and one place per service, one or two phones, weekday hours plus
    # at times an afternoon, a Saturday or a Christmas closure, one to three categories,
    # Italian and up to two more languages.
    assert counts["services"] == counts["organizations"] == counts["locations"] == 50
    assert 50 <= counts["phones"] <= 100
    assert 50 <= counts["schedules"] <= 200
    assert 50 <= counts["categories"] <= 150
    assert 50 <= counts["service languages"] <= 150
    services = Service.objects.filter(maintained_by=bench_association())
    assert services.public().active().count() == 50
    assert not Location.objects.filter(
        maintained_by=bench_association(), latitude__isnull=True
    ).exists()
    assert "resources_seed: 50 organizations, 50 services" in output
    assert "Bench ETS" in output
    assert "Seeded in" in output


@pytest.mark.django_db
def test_seed_scale_gives_each_role_a_bench_user_and_staff_a_second_factor():
    _seed()

    association = bench_association()
    for role in BENCH_ROLES:
        user = User.objects.get(email=bench_email(role))
        membership = Membership.objects.get(user=user, association=association)
        assert membership.roles == [role]
        has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert has_totp == (role in (Role.OPERATOR, Role.COORDINATOR))


@pytest.mark.django_db
def test_seed_scale_run_twice_tops_up_instead_of_adding_again():
    _seed()
    first = _counts()

    _seed()
    assert _counts() == first
    assert User.objects.filter(email__startswith="bench-").count() == len(BENCH_ROLES)

    _seed(factor=2 * FACTOR)
    assert _counts()["members"] == 20
    assert _counts()["attempts"] == 10
    assert _counts()["services"] == _counts()["locations"] == 100


def _steps(output: str) -> list[str]:
    """The seeders that ran, from their lines in seed_scale's output."""
    return [line.split(":")[0].strip() for line in output.splitlines() if "_seed: " in line]


@pytest.mark.django_db
def test_seed_scale_only_runs_the_named_seeders_in_their_order():
    _seed()
    before = _counts()
    out = StringIO()

    # Named out of order, as on the command line.
    args = ["--factor", str(2 * FACTOR), "--only", "sign_in_attempts_seed", "members_seed"]
    call_command("seed_scale", *args, stdout=out)

    assert _steps(out.getvalue()) == ["members_seed", "sign_in_attempts_seed"]
    after = _counts()
    assert after["members"] == 20
    assert after["attempts"] == 10
    assert after["invitations"] == before["invitations"]
    assert after["services"] == before["services"]


@pytest.mark.django_db
def test_seed_scale_refuses_an_unknown_seeder_and_lists_the_seeders():
    with pytest.raises(CommandError, match="No seeder named nope") as error:
        call_command("seed_scale", "--only", "members_seed", "nope", stdout=StringIO())

    assert "The seeders are: members_seed, " in str(error.value)
    assert "evaluation_seed" in str(error.value)
    assert bench_association() is None  # refused before seeding anything


@pytest.mark.django_db
def test_evaluation_seed_says_how_far_it_got_when_every_pair_is_asked():
    # Alone on an empty bench: one person (the bench member) and no event but the
    # placeholder, so a single request is possible out of the 50 the factor asks for.
    out = StringIO()
    call_command("seed_scale", factor=FACTOR, only=["evaluation_seed"], stdout=out)

    output = out.getvalue()
    assert _steps(output) == ["evaluation_seed"]
    assert FeedbackAnswer.objects.filter(association=bench_association()).count() == 1
    assert "1 of 50 feedback answers: " in output
    assert "the 1 people have been asked about all of the 1 events" in output


@pytest.mark.django_db
def test_pages_run_times_every_registered_page_next_to_the_floor():
    _seed()
    out = StringIO()

    results = pages.run(repeat=2, warmup=0, out=out)

    output = out.getvalue()
    lines = output.splitlines()
    for role in BENCH_ROLES:
        floor = [line for line in lines if line.split()[:2] == [role.value, pages.FLOOR]]
        home = [line for line in lines if line.split()[:2] == [role.value, "home"]]
        assert len(floor) == 1
        assert len(home) == 1
        assert home[0].endswith("x")  # the ratio to the floor
    # Pages whose URLs are still being written are skipped with a note, the rest timed.
    ready = [page for page in pages.PAGES if not page.optional or _resolves(page.url_name)]
    timed = {(result.role, result.url_name) for result in results if not result.is_floor}
    assert timed == {(page.role, page.url_name) for page in ready}
    assert len(results) == len(ready) + len(BENCH_ROLES)  # one floor per role
    assert all(result.ratio > 0 for result in results)
    for page in pages.PAGES:
        note = f"skipped: {page.role} {page.url_name} (no such URL yet)"
        assert (note in lines) == (page not in ready)


@pytest.mark.django_db
def test_pages_run_skips_an_optional_page_whose_url_does_not_exist_yet(monkeypatch):
    _seed()
    monkeypatch.setattr(
        pages,
        "PAGES",
        [pages.Page("member", "home"), pages.Page("member", "nowhere:yet", optional=True)],
    )
    out = StringIO()

    results = pages.run(repeat=1, warmup=0, out=out)

    assert [(result.role, result.url_name) for result in results] == [
        ("member", pages.FLOOR),
        ("member", "home"),
    ]
    assert "skipped: member nowhere:yet (no such URL yet)" in out.getvalue()

    monkeypatch.setattr(pages, "PAGES", [pages.Page("member", "nowhere:yet")])
    with pytest.raises(NoReverseMatch):
        pages.run(repeat=1, warmup=0, out=StringIO())


def _dashboard_computations(monkeypatch) -> list[None]:
    """One entry each time the dashboard computes its figures instead of reading them
    from its cache."""
    calls: list[None] = []
    compute = selectors.dashboard_figures

    def counted(**kwargs):
        calls.append(None)
        return compute(**kwargs)

    monkeypatch.setattr(selectors, "dashboard_figures", counted)
    return calls


@pytest.mark.django_db
def test_pages_run_empties_the_cache_before_each_request_of_an_uncached_page(monkeypatch):
    _seed()
    computations = _dashboard_computations(monkeypatch)
    monkeypatch.setattr(
        pages, "PAGES", [pages.Page("coordinator", "evaluation:dashboard", uncached=True)]
    )
    out = StringIO()

    results = pages.run(repeat=3, warmup=2, out=out)

    # Every warm-up and timed request computes the figures; the session survived each
    # emptying (a lost login would answer with a redirect and stop the run).
    assert len(computations) == 5
    assert [result.name for result in results] == [pages.FLOOR, "evaluation:dashboard (uncached)"]
    assert "coordinator  evaluation:dashboard (uncached)" in out.getvalue()


@pytest.mark.django_db
def test_pages_run_times_a_cached_page_on_its_cache(monkeypatch):
    _seed()
    computations = _dashboard_computations(monkeypatch)
    monkeypatch.setattr(
        pages, "PAGES", [pages.Page("coordinator", "evaluation:dashboard", label="cached")]
    )

    results = pages.run(repeat=3, warmup=2, out=StringIO())

    assert len(computations) == 1  # the first warm-up; the rest are cache hits
    assert results[1].name == "evaluation:dashboard (cached)"


def test_the_dashboard_is_timed_without_its_cache_and_with_it():
    dashboard = [page for page in pages.PAGES if page.url_name == "evaluation:dashboard"]
    assert {(page.role, page.name, page.uncached) for page in dashboard} == {
        ("coordinator", "evaluation:dashboard (uncached)", True),
        ("coordinator", "evaluation:dashboard (cached)", False),
    }


def test_the_resource_map_pages_are_registered_for_members():
    registered = {(page.role, page.url_name) for page in pages.PAGES if page.optional}
    assert {
        ("member", "resources:directory"),
        ("member", "resources:map-data"),
        ("member", "hsds-api:service-list"),
    } <= registered


@pytest.mark.django_db
def test_pages_run_asks_for_seed_scale_when_the_bench_users_are_missing():
    with pytest.raises(pages.BenchNotSeeded, match="seed_scale --factor 1"):
        pages.run(repeat=1, warmup=0, out=StringIO())
