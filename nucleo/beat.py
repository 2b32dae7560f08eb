"""Periodic tasks written by data migrations: each app's schedules are rows of
django-celery-beat, added by a migration so that a new installation has them.

Older migrations carry their own copy of these few lines (they are history and stay as
they were); new ones use :func:`interval_schedules`."""

from __future__ import annotations

from django.db import migrations


def interval_schedules(schedules: dict[str, tuple[str, tuple[int, str]]]) -> migrations.RunPython:
    """A migration operation that adds ``{name: (task, (every, period))}`` (and removes
    them when the migration is reversed)."""

    def add(apps, schema_editor):
        interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
        task_model = apps.get_model("django_celery_beat", "PeriodicTask")
        for name, (task, (every, period)) in schedules.items():
            interval, _created = interval_model.objects.get_or_create(every=every, period=period)
            task_model.objects.update_or_create(
                name=name, defaults={"task": task, "interval": interval, "crontab": None}
            )

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
            name__in=schedules
        ).delete()

    return migrations.RunPython(add, remove)
