from django.db import migrations, models

from members.names import name_key


def fill_name_keys(apps, schema_editor):
    # Without history rows: computing a derived key is not a change anyone made.
    Member = apps.get_model("members", "Member")
    changed = []
    for member in Member.objects.only("pk", "first_name", "last_name").iterator():
        member.name_key = name_key(f"{member.first_name} {member.last_name}")
        changed.append(member)
    Member.objects.bulk_update(changed, ["name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_reminder_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmember",
            name="name_key",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=310, verbose_name="name key"
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="name_key",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=310, verbose_name="name key"
            ),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
