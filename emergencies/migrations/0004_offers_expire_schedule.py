"""Offers unanswered past their time move on to the next volunteers: a sweep every
minute."""

from django.db import migrations

SCHEDULE = "emergencies: move unanswered offers to the next volunteers"
TASK = "emergencies.tasks.offers_expire_task"


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE, defaults={"task": TASK, "interval": every_minute, "crontab": None}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emergencies", "0003_solidarity_network_and_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
