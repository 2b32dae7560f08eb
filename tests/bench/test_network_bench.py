"""bench/network.py works end to end on a tiny bench: the ranking is timed next to the
floor page, and an alert's fan-out goes through a real worker on Redis, each member
notified once. What it creates and prints is asserted, never how fast."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from bench import network
from bench.seed import BENCH_ALERT_SUBJECT, bench_association
from emergencies.models import AlertAnswer, CommunityAlert
from members.models import Delivery, Member, Notification, User
from nucleo.celery import app

FACTOR = 0.01  # 10 members, 1 volunteer, 2 help requests (the first open)


def _seed(factor: float = FACTOR) -> None:
    call_command("seed_scale", factor=factor, stdout=StringIO())


@pytest.fixture
def not_eager():
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point at Redis: run the suite with `make test`")
    app.conf.task_always_eager = False  # the autouse _eager_celery fixture puts it back


@pytest.mark.django_db
def test_ranking_is_timed_next_to_the_floor_page_in_four_queries_of_candidates():
    _seed(factor=0.05)
    out = StringIO()

    result = network.run_ranking(repeat=2, warmup=0, out=out)

    assert result.request_id == network.bench_request().pk
    assert result.volunteers == 5
    assert 1 <= result.ranked <= 5
    # Whatever the number of volunteers: four for them, two for the request's needs.
    assert result.candidate_queries == 4
    assert result.ranking_queries == 6
    printed = out.getvalue()
    for label in ("bench-floor (operator)", "candidates (4 queries)", "matching.rank (pure)"):
        line = next(line for line in printed.splitlines() if line.startswith(label))
        assert line.endswith("x")  # the ratio to the floor
    assert result.timing("bench-floor (operator)").ratio == 1
    assert all(timing.median_ms > 0 for timing in result.timings)


@pytest.mark.django_db
def test_ranking_asks_for_seed_scale_without_an_open_request():
    with pytest.raises(network.BenchError, match="seed_scale"):
        network.run_ranking(repeat=1, warmup=0, out=StringIO())


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_fan_out_notifies_every_member_once_through_a_real_worker(not_eager):
    _seed()
    association = bench_association()
    members = Member.objects.filter(association=association)
    out = StringIO()

    result = network.run_fan_out(noop_count=20, concurrency=2, timeout=60, out=out)

    check = result.check
    assert check.ok, check.problems
    assert result.members == result.notified == members.count() == 10
    # In-app, e-mail and SMS for everyone; the bench member's account has no mobile
    # number, so their SMS fails (permanently, once).
    assert check.deliveries == {
        ("in_app", "sent"): 10,
        ("email", "sent"): 10,
        ("sms", "sent"): 9,
        ("sms", "failed"): 1,
    }
    assert check.emails == 10 and check.sms == 9
    assert result.deliveries == 20
    assert result.ratio > 0
    printed = out.getvalue()
    assert "alert_send" in printed
    assert "ratio deliveries/no-op" in printed
    assert "exactly once: OK" in printed
    # The run's alert and notifications are gone; the accounts stay, unlinked, and the
    # seeded alert is untouched.
    assert list(CommunityAlert.objects.values_list("subject", flat=True)) == [BENCH_ALERT_SUBJECT]
    assert AlertAnswer.objects.count() == 10
    assert not Notification.objects.exclude(kind="members.welcome").exists()
    assert not Delivery.objects.filter(notification__kind__startswith="emergencies.").exists()
    assert User.objects.filter(email__startswith=network.ACCOUNT_PREFIX).count() == 9
    assert not members.filter(user__email__startswith=network.ACCOUNT_PREFIX).exists()
    # The app routes as before, and the run's queue is gone.
    assert not app.conf.task_routes
    assert not [name for name in app.amqp.queues if name.startswith("bench.")]

    # A second run reuses the accounts.
    again = network.run_fan_out(noop_count=5, concurrency=1, timeout=60, out=StringIO())
    assert again.check.ok, again.check.problems
    assert User.objects.filter(email__startswith=network.ACCOUNT_PREFIX).count() == 9


def test_fan_out_refuses_to_run_without_a_worker(settings):
    settings.REDIS_URL = ""

    with pytest.raises(network.BenchError, match="REDIS_URL is not set"):
        network.run_fan_out(noop_count=1)
