"""Seed the languages people speak in the associations, and the sign-in log retention
schedule (periodic schedules live in the database: django-celery-beat)."""

from django.db import migrations

# code, English, Italian, native
LANGUAGES = [
    ("it", "Italian", "Italiano", "Italiano"),
    ("en", "English", "Inglese", "English"),
    ("fr", "French", "Francese", "Français"),
    ("es", "Spanish", "Spagnolo", "Español"),
    ("pt", "Portuguese", "Portoghese", "Português"),
    ("de", "German", "Tedesco", "Deutsch"),
    ("ar", "Arabic", "Arabo", "العربية"),
    ("ro", "Romanian", "Rumeno", "Română"),
    ("sq", "Albanian", "Albanese", "Shqip"),
    ("uk", "Ukrainian", "Ucraino", "Українська"),
    ("ru", "Russian", "Russo", "Русский"),
    ("pl", "Polish", "Polacco", "Polski"),
    ("sr", "Serbian", "Serbo", "Српски"),
    ("tr", "Turkish", "Turco", "Türkçe"),
    ("ku", "Kurdish", "Curdo", "Kurdî"),
    ("fa", "Persian", "Persiano", "فارسی"),
    ("ps", "Pashto", "Pashto", "پښتو"),
    ("ur", "Urdu", "Urdu", "اردو"),
    ("pa", "Punjabi", "Punjabi", "ਪੰਜਾਬੀ"),
    ("hi", "Hindi", "Hindi", "हिन्दी"),
    ("bn", "Bengali", "Bengalese", "বাংলা"),
    ("zh", "Chinese", "Cinese", "中文"),
    ("tl", "Tagalog", "Tagalog", "Tagalog"),
    ("ti", "Tigrinya", "Tigrino", "ትግርኛ"),
    ("am", "Amharic", "Amarico", "አማርኛ"),
    ("so", "Somali", "Somalo", "Soomaali"),
    ("wo", "Wolof", "Wolof", "Wolof"),
    ("ff", "Fula", "Fula", "Fulfulde"),
    ("bm", "Bambara", "Bambara", "Bamanankan"),
    ("ha", "Hausa", "Hausa", "Hausa"),
    ("yo", "Yoruba", "Yoruba", "Yorùbá"),
    ("ig", "Igbo", "Igbo", "Igbo"),
    ("ak", "Akan (Twi)", "Akan (Twi)", "Akan"),
    ("mnk", "Mandinka", "Mandinka", "Mandinka"),
    ("pcm", "Nigerian Pidgin", "Pidgin nigeriano", "Naijá"),
]


def add_languages(apps, schema_editor):
    Language = apps.get_model("members", "Language")
    for code, name_en, name_it, native in LANGUAGES:
        Language.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_it": name_it, "native_name": native}
        )


def add_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Rome",
    )
    PeriodicTask.objects.update_or_create(
        name="members: prune the sign-in log",
        defaults={"task": "members.tasks.sign_in_attempts_prune_task", "crontab": nightly},
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name="members: prune the sign-in log").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(add_languages, migrations.RunPython.noop),
        migrations.RunPython(add_schedules, remove_schedules),
    ]
