"""Critical cases through a real Celery worker on Redis: the on-duty operators are
alerted at once on all their channels, and an unopened case escalates exactly once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from emergencies.models import Case, Urgency
from emergencies.tasks import case_escalate_task, cases_escalate_sweep_task
from members.models import Channel, Delivery, Notification, Role
from tests.waiting import wait_until

from .factories import CaseFactory, CategoryFactory, DutyShiftFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_critical_intake_alerts_every_on_duty_operator_urgently_through_the_worker(
    celery_worker_on_redis, make_client, association
):
    on_duty = [make_client(association, Role.OPERATOR) for _ in range(2)]
    off_duty = make_client(association, Role.OPERATOR)
    for client in on_duty:
        DutyShiftFactory(association=association, operator=client.user)
        # Quiet hours do not hold back an urgent alert.
        client.user.quiet_hours_start = (timezone.localtime() - timedelta(hours=1)).time()
        client.user.quiet_hours_end = (timezone.localtime() + timedelta(hours=1)).time()
        client.user.save(update_fields=["quiet_hours_start", "quiet_hours_end"])
    category = CategoryFactory(association=association)
    response = on_duty[0].post(
        reverse("emergencies:case-intake"),
        {
            "first_name": "Senza",
            "last_name": "Tetto",
            "category": category.pk,
            "urgency": Urgency.CRITICAL,
            "description": "Dorme in strada stanotte con un bambino",
            "channel": Case.Channel.PHONE,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    recipients = {client.user for client in on_duty}
    wait_until(
        lambda: (
            Delivery.objects.filter(
                notification__kind="emergencies.case_critical", status=Delivery.Status.SENT
            ).count()
            == 2 * len(recipients)
        )  # e-mail and SMS, the case-alert group's default channels
    )
    alerts = Notification.objects.filter(kind="emergencies.case_critical")
    assert {n.recipient for n in alerts} == recipients
    assert {n.urgency for n in alerts} == {Notification.Urgency.URGENT}
    assert {d.channel for d in Delivery.objects.filter(notification__in=alerts)} == {
        Channel.IN_APP,
        Channel.EMAIL,
        Channel.SMS,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in recipients)
    assert not Notification.objects.filter(recipient=off_duty.user).exists()
    assert case.number in alerts.first().title


def test_an_unopened_critical_case_escalates_once_whatever_runs_again(
    celery_worker_on_redis, make_client, association
):
    coordinators = [make_client(association, Role.COORDINATOR) for _ in range(2)]
    make_client(association, Role.OPERATOR)
    case = CaseFactory(association=association, urgency=Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(minutes=20))
    results = [case_escalate_task.delay(case.pk), cases_escalate_sweep_task.delay()]
    results += [cases_escalate_sweep_task.delay(), case_escalate_task.delay(case.pk)]
    for result in results:
        result.get(timeout=60)
    escalations = Notification.objects.filter(kind="emergencies.case_escalated")
    assert sorted(n.recipient_id for n in escalations) == sorted(c.user.pk for c in coordinators)
    assert Case.objects.get(pk=case.pk).escalated_at is not None
