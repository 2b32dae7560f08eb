"""The volunteer register is append-only in the database itself (CTS art. 17: an entry is
never edited or deleted, a correction is a new entry), whatever writes to it: the admin,
a shell, a bug. TRUNCATE stays possible for test databases and restores from backup.

Also the daily schedule of the retention task."""

from django.db import migrations

TABLE = "members_volunteerregisterentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION members_register_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the volunteer register is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_register_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION members_register_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS members_register_append_only ON {TABLE};
DROP FUNCTION IF EXISTS members_register_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER members_register_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the volunteer register is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER members_register_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the volunteer register is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS members_register_no_update;",
    "DROP TRIGGER IF EXISTS members_register_no_delete;",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


SCHEDULE = "members: anonymise members inactive past the retention period"
TASK = "members.tasks.member_retention_task"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Rome",
    )
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE, defaults={"task": TASK, "crontab": nightly, "interval": None}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_consent_volunteers_rights"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(add_triggers, remove_triggers),
        migrations.RunPython(add_schedule, remove_schedule),
    ]
