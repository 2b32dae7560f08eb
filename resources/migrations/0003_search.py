"""Text search of the directory on PostgreSQL: the pg_trgm extension (trigram
similarity, so a typo still finds its service) and trigram indexes on the names.

On SQLite (the embedded default) search falls back to ``icontains``: nothing to do.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS resources_service_name_trgm "
    "ON resources_service USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS resources_organization_name_trgm "
    "ON resources_organization USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS resources_organization_name_trgm",
    "DROP INDEX IF EXISTS resources_service_name_trgm",
    # The extension stays: other schemas may use it.
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_default_taxonomy")]
    # 0004 was written beside this one from 0002: keep a single line of migrations.
    run_before = [("resources", "0004_verification_schedule")]

    operations = [migrations.RunPython(forward, backward)]
