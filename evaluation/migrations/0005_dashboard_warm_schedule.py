"""The dashboards' default view is computed every four minutes, before its five-minute
cache expires, so that no coordinator waits for the figures."""

from django.db import migrations

from nucleo.beat import interval_schedules

SCHEDULES = {
    "evaluation: compute the dashboards ahead of their readers": (
        "evaluation.tasks.dashboard_warm_task",
        (4, "minutes"),
    ),
}
ADD_SCHEDULES = interval_schedules(SCHEDULES)
add_schedules = ADD_SCHEDULES.code  # run again by the tests after a flush


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0004_anonymous_answers_and_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [ADD_SCHEDULES]
