"""The case access log is append-only in the database itself: a read of a case file,
once logged, is never edited or deleted (whatever writes: the admin, a shell, a bug).
On PostgreSQL, a full-text index on case descriptions for the case list's search. The
escalation sweep of critical cases runs every minute. Existing associations get the
default catalogue of categories."""

from django.db import migrations

TABLE = "emergencies_caseaccess"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION emergencies_access_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the case access log is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER emergencies_access_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION emergencies_access_append_only();
CREATE INDEX IF NOT EXISTS emergencies_case_description_fts
    ON emergencies_case USING gin (to_tsvector('italian', description));
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS emergencies_access_append_only ON {TABLE};
DROP FUNCTION IF EXISTS emergencies_access_append_only();
DROP INDEX IF EXISTS emergencies_case_description_fts;
"""
SQLITE_UP = [
    f"""CREATE TRIGGER emergencies_access_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the case access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER emergencies_access_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the case access log is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS emergencies_access_no_update;",
    "DROP TRIGGER IF EXISTS emergencies_access_no_delete;",
]


def add_database_objects(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def remove_database_objects(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


SCHEDULE = "emergencies: escalate critical cases nobody opened"
TASK = "emergencies.tasks.cases_escalate_sweep_task"


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


def add_categories(apps, schema_editor):
    from emergencies.services.cases import DEFAULT_CATEGORIES

    Association = apps.get_model("members", "Association")
    Category = apps.get_model("emergencies", "Category")
    for association in Association.objects.all():
        for index, (code, name_it, name_en) in enumerate(DEFAULT_CATEGORIES):
            Category.objects.get_or_create(
                association=association,
                code=code,
                defaults={"name_it": name_it, "name_en": name_en, "order": index * 10},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("emergencies", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(add_database_objects, remove_database_objects),
        migrations.RunPython(add_schedule, remove_schedule),
        migrations.RunPython(add_categories, migrations.RunPython.noop),
    ]
