"""Settings read the environment: production passes check --deploy, and the embedded
defaults run with nothing set."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "REDIS"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "nucleo.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://nucleo.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_production_settings():
    # The same check does fail when the environment is not a production one: the test
    # above is not passing by accident.
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_embedded_defaults_use_sqlite_locmem_eager_and_console_email():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "False",
    ]


def test_database_and_redis_urls_switch_to_postgresql_pool_and_redis():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], bool(s.DATABASES['default']['OPTIONS']['pool']),"
        " s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nucleo",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "True",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/0",
        "False",
    ]


def test_security_headers_on_every_page(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    # Scripts, styles and fonts are self-hosted; the only outside origin is the map's
    # tile server, for images.
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
