"""``manage.py check_services``: do PostgreSQL and Redis answer? Used by ``make test``
to fail early with a message a person can act on."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from nucleo import health


class Command(BaseCommand):
    help = "Check that the database, cache and broker the settings name answer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-database",
            action="store_true",
            help="Create the PostgreSQL database of DATABASE_URL if it does not exist.",
        )

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if options["create_database"] and connection.vendor == "postgresql":
            self._ensure_database(db)
        problems = []
        for name, check in health.CHECKS.items():
            try:
                result = check()
            except Exception as exc:  # the message is what the person needs
                problems.append(f"{name}: {exc}")
            else:
                self.stdout.write(f"{name}: {result}")
        if problems:
            hint = (
                "PostgreSQL and Redis must be running for the tests. Start them with:\n"
                "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
                '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" '
                "--appendonly no\n"
                f"(DATABASE_URL host: {db.get('HOST') or 'local socket'}, "
                f"REDIS_URL: {urlparse(settings.REDIS_URL).netloc or 'not set'})"
            )
            raise CommandError(
                "A service is not answering:\n  " + "\n  ".join(problems) + "\n" + hint
            )

    def _ensure_database(self, db) -> None:
        import psycopg
        from psycopg import sql

        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
        }
        try:
            with psycopg.connect(dbname=db["NAME"], connect_timeout=3, **params):
                return
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                return  # not our problem to fix here; the checks below report it
        with psycopg.connect(
            dbname="postgres", autocommit=True, connect_timeout=3, **params
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        self.stdout.write(f"created database {db['NAME']}")
