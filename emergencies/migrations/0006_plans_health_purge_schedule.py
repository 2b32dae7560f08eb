"""Health notes of plans whose person withdrew the health-data consent are hidden at
once and deleted by this hourly purge."""

from django.db import migrations

SCHEDULE = "emergencies: delete plan health notes without consent"
TASK = "emergencies.tasks.plans_health_purge_task"


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE, defaults={"task": TASK, "interval": every_hour, "crontab": None}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emergencies", "0005_emergency_plans"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
