"""The benchmark harness works end to end on a tiny data set. Only what it creates and
prints is asserted: performance is never asserted by time."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from bench import pages
from bench.seed import BENCH_ROLES, bench_association, bench_email
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
