"""Community alerts through a real Celery worker on Redis: the send commits, the fan-out
and its batches go through the broker, and every person of the zone gets the alert on
the alert's channels, once, even when the fan-out is queued again."""

import pytest
from django.core import mail
from django.urls import reverse

from emergencies.models import CommunityAlert
from emergencies.services import alerts as alert_services
from emergencies.tasks import alert_fan_out_task
from members.models import Channel, Delivery, Notification, Role
from tests.waiting import wait_until

from .factories_alerts import CommunityAlertFactory, member_of

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_alert_reaches_its_zone_through_the_worker_once_on_its_channels(
    celery_worker_on_redis, make_client, association, monkeypatch
):
    monkeypatch.setattr(alert_services, "FAN_OUT_BATCH", 3)  # several batches
    coordinator = make_client(association, Role.COORDINATOR)
    in_zone = [
        member_of(association, zone="Centro", language=code)
        for code in ("it", "en", "ar", "fr", "en", "it", "ti")
    ]
    member_of(association, zone="Vomero")
    alert = CommunityAlertFactory(
        association=association,
        zones="centro",
        by_email=True,
        by_sms=False,
        texts={"en": ("Flood", "Stay upstairs.")},
    )

    response = coordinator.post(reverse("emergencies:alert-send", args=[alert.pk]))
    assert response.status_code == 302

    def all_sent():
        return Delivery.objects.filter(
            notification__kind="emergencies.community_alert",
            channel=Channel.EMAIL,
            status=Delivery.Status.SENT,
        ).count() == len(in_zone)

    wait_until(all_sent)
    # Queued again (a retry, a duplicate message): nobody is notified twice.
    alert_fan_out_task.delay(alert.pk).get(timeout=60)
    wait_until(lambda: not Delivery.objects.filter(status=Delivery.Status.PENDING).exists())

    alert.refresh_from_db()
    assert alert.status == CommunityAlert.Status.SENT
    notifications = Notification.objects.filter(kind="emergencies.community_alert")
    assert sorted(n.recipient_id for n in notifications) == sorted(m.user_id for m in in_zone)
    assert {d.channel for d in Delivery.objects.filter(notification__in=notifications)} == {
        Channel.IN_APP,
        Channel.EMAIL,
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted(m.user.email for m in in_zone)
    english = notifications.filter(recipient__in=[m.user for m in in_zone[1::3]])
    assert {n.title for n in english} == {"Flood"}
