"""Deliveries through a real Celery worker on Redis: retries and fan-out, exactly once."""

import time

import pytest
from django.core import mail
from django.db.models import Count

from members import services
from members.models import Channel, Delivery, User
from tests.backends import FlakyEmailBackend
from tests.factories import UserFactory
from tests.waiting import wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_email_failing_twice_then_succeeding_is_delivered_once_with_three_attempts(
    celery_worker_on_redis, settings
):
    settings.EMAIL_BACKEND = "tests.backends.FlakyEmailBackend"
    settings.NUCLEO_DELIVERY_RETRY_BASE_SECONDS = 0.2
    FlakyEmailBackend.failures_left = 2
    FlakyEmailBackend.calls = 0
    person = UserFactory()
    notification = services.notify(
        recipient=person,
        kind="tests.ordinary",
        key="workshop-session:42:reminder-24h:user:1",
        context={"subject": "Laboratorio", "details": "Domani"},
    )
    email = notification.deliveries.get(channel=Channel.EMAIL)
    wait_until(lambda: Delivery.objects.get(pk=email.pk).status == Delivery.Status.SENT)
    email.refresh_from_db()
    assert email.attempts == 3
    assert FlakyEmailBackend.calls == 3
    assert [m.to for m in mail.outbox] == [[person.email]]
    # Nothing is left to send, whatever runs again.
    services.deliveries_sweep()
    time.sleep(0.5)
    assert len(mail.outbox) == 1


def test_a_thousand_notifications_fanned_out_are_each_delivered_exactly_once(
    celery_worker_on_redis,
):
    User.objects.bulk_create(
        User(email=f"fanout{i}@example.org", first_name=f"P{i}") for i in range(1000)
    )
    people = list(User.objects.filter(email__startswith="fanout"))
    created = services.notify_many(
        recipients=people,
        kind="tests.ordinary",
        key_prefix="community-alert:1",
        context={"subject": "Allerta", "details": "Zona nord"},
    )
    assert created == 1000
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    wait_until(lambda: not emails.exclude(status=Delivery.Status.SENT).exists(), timeout=120)
    # The sweep and a second fan-out of the same alert change nothing.
    services.deliveries_sweep()
    services.notify_many(
        recipients=people,
        kind="tests.ordinary",
        key_prefix="community-alert:1",
        context={"subject": "Allerta", "details": "Zona nord"},
    )
    time.sleep(1)
    by_channel = dict(
        Delivery.objects.filter(status=Delivery.Status.SENT)
        .values_list("channel")
        .annotate(n=Count("pk"))
    )
    assert by_channel == {"in_app": 1000, "email": 1000}
    assert set(Delivery.objects.values_list("attempts", flat=True)) <= {0, 1}
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 1000
    assert len(set(recipients)) == 1000
