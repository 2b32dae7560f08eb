"""Feedback is requested every hour about the events just ended; check-ins are offered
once a day to whoever is due (each person once a quarter)."""

from django.db import migrations

SCHEDULES = {
    "evaluation: ask for feedback about recent events": (
        "evaluation.tasks.feedback_requests_create_task",
        (1, "hours"),
    ),
    "evaluation: offer the quarterly wellbeing check-in": (
        "evaluation.tasks.checkins_offer_task",
        (1, "days"),
    ),
}


def add_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, (every, period)) in SCHEDULES.items():
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "crontab": None}
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_feedback_wellbeing_skills"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
