"""Periodic schedules of the notification engine (django-celery-beat's database
scheduler): the sweep that re-queues due or lost deliveries, and due reminders."""

from django.db import migrations

TASKS = {
    "members: re-queue due and lost deliveries": "members.tasks.deliveries_sweep_task",
    "members: send due reminders": "members.tasks.reminders_due_task",
}


def add_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task in TASKS.items():
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every_minute}
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=TASKS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
