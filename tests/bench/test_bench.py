"""The benchmark harness works end to end on a tiny data set. Only what it creates and
prints is asserted: performance is never asserted by time."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from bench import pages
from bench.seed import BENCH_ROLES, bench_association, bench_email
from members.models import Invitation, Member, Membership, Role, SignInAttempt, User

FACTOR = 0.01  # 10 members, 5 sign-in attempts, 1 invitation


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
    }


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
    timed = {(result.role, result.url_name) for result in results if not result.is_floor}
    assert timed == {(page.role, page.url_name) for page in pages.PAGES}
    assert len(results) == len(pages.PAGES) + len(BENCH_ROLES)  # one floor per role
    assert all(result.ratio > 0 for result in results)


@pytest.mark.django_db
def test_pages_run_asks_for_seed_scale_when_the_bench_users_are_missing():
    with pytest.raises(pages.BenchNotSeeded, match="seed_scale --factor 1"):
        pages.run(repeat=1, warmup=0, out=StringIO())
