"""bench/notifications.py works end to end on a tiny run, through a real worker on Redis.
What it delivers and prints is asserted, never how fast."""

from io import StringIO

import pytest
from django.conf import settings
from django.core import mail

from bench import notifications
from members.models import Delivery, Membership, Notification, User
from nucleo.celery import app

COUNT = 20


@pytest.fixture
def not_eager():
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point at Redis: run the suite with `make test`")
    app.conf.task_always_eager = False  # the autouse _eager_celery fixture puts it back


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_bench_delivers_each_notification_once_through_a_real_worker(not_eager):
    out = StringIO()

    result = notifications.run(count=COUNT, concurrency=2, timeout=60, out=out)

    assert result.exactly_once.ok, result.exactly_once.problems
    assert result.exactly_once.deliveries == {("email", "sent"): COUNT, ("in_app", "sent"): COUNT}
    assert result.exactly_once.messages == COUNT
    assert result.noop.count == result.notifications.count == COUNT
    assert result.ratio > 0
    printed = out.getvalue()
    assert "ratio notifications/no-op" in printed
    assert "exactly once: OK" in printed
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        notifications.recipient_email(i) for i in range(COUNT)
    )
    # The recipients stay for the next run, members of the bench association; the run's
    # notifications and deliveries are gone.
    recipients = User.objects.filter(email__startswith="bench-notify-")
    assert recipients.count() == COUNT
    members = Membership.objects.filter(user__in=recipients, association__slug="bench-ets")
    assert members.count() == COUNT
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    # The app routes and consumes as before, and the run's queue is gone.
    assert not app.conf.task_routes
    assert not [name for name in app.amqp.queues if name.startswith("bench.notifications.")]
    assert app.amqp.router.route({}, notifications.NOOP_TASK)["queue"].name == "celery"


def test_bench_refuses_to_run_without_a_worker(settings):
    settings.REDIS_URL = ""

    with pytest.raises(notifications.BenchError, match="REDIS_URL is not set"):
        notifications.run(count=1)
