"""Stale reminders: the operators of the maintaining association are told about each
service nobody has verified for six months, at most once a month."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from members.models import Notification, Role
from resources.models import Service
from resources.services.manage import services_remind_stale
from resources.tasks import resources_stale_reminder_task
from tests.factories import ServiceFactory, user_with_role

NOW = datetime.datetime(2025, 6, 15, 9, tzinfo=datetime.UTC)


def _stale(association, **kwargs) -> Service:
    return ServiceFactory(
        organization__maintained_by=association,
        last_verified_at=NOW - datetime.timedelta(days=200),
        **kwargs,
    )


@pytest.fixture
def people(association, other_association):
    return {
        "operator": user_with_role(association, Role.OPERATOR),
        "coordinator": user_with_role(association, Role.COORDINATOR),
        "member": user_with_role(association, Role.MEMBER),
        "outsider": user_with_role(other_association, Role.OPERATOR),
    }


def test_operators_of_the_maintaining_association_are_reminded(association, people):
    stale = _stale(association, name="Mensa serale")
    ServiceFactory(organization__maintained_by=association, last_verified_at=NOW)  # fresh
    assert services_remind_stale(now=NOW) == 1
    notification = Notification.objects.get()
    assert notification.recipient == people["operator"]
    assert notification.kind == "resources.stale"
    assert "Mensa serale" in notification.title
    assert notification.key == f"resources-stale:{stale.pk}:2025-06:user:{people['operator'].pk}"
    assert str(stale.pk) in notification.url
    assert notification.association == association


def test_never_verified_counts_as_stale_and_closed_for_good_does_not(association, people):
    ServiceFactory(organization__maintained_by=association, last_verified_at=None)
    _stale(association, status=Service.Status.DEFUNCT)
    assert services_remind_stale(now=NOW) == 1


def test_at_most_once_a_month_per_service(association, people):
    _stale(association)
    assert services_remind_stale(now=NOW) == 1
    assert services_remind_stale(now=NOW + datetime.timedelta(days=10)) == 0
    assert services_remind_stale(now=NOW + datetime.timedelta(days=20)) == 1  # July
    assert Notification.objects.count() == 2


def test_verifying_stops_the_reminders(association, people):
    service = _stale(association)
    Service.objects.filter(pk=service.pk).update(last_verified_at=NOW)
    assert services_remind_stale(now=NOW + datetime.timedelta(days=20)) == 0


def test_the_task_runs_and_is_scheduled_daily(association, people):
    ServiceFactory(
        organization__maintained_by=association,
        last_verified_at=timezone.now() - datetime.timedelta(days=365),
    )
    assert resources_stale_reminder_task.delay().get() == 1
    # Run the data migration's step again: a test with transaction=True may have
    # flushed the schedule it made, and a second run must not add a second one.
    migration = importlib.import_module("resources.migrations.0004_verification_schedule")
    migration.add_schedule(apps, None)
    migration.add_schedule(apps, None)
    schedule = PeriodicTask.objects.get(task=resources_stale_reminder_task.name)
    assert schedule.enabled
    assert (schedule.crontab.hour, schedule.crontab.minute) == ("8", "0")
