"""Fixtures every app's tests share: associations, a signed-in client per role, and an
outsider from another association."""

import importlib
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from members.models import KindGroup, Role
from members.notification_kinds import NotificationKind, register_kind
from nucleo.cache import cache_clear

from .factories import AssociationFactory, user_with_role

# Property tests check what holds, not how fast examples come: on a loaded machine (CI
# runs the worker and the browser beside them) generation may be slow, and that is no
# failure of the code under test.
hypothesis_settings.register_profile(
    "nucleo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("nucleo")

# Notification kinds the engine's tests send: one ordinary, one urgent.
register_kind(
    NotificationKind(
        code="tests.ordinary",
        group=KindGroup.REMINDERS,
        title=_("Reminder: %(subject)s"),
        body=_("%(details)s"),
    )
)
register_kind(
    NotificationKind(
        code="tests.urgent",
        group=KindGroup.COMMUNITY_ALERTS,
        title=_("Reminder: %(subject)s"),
        body=_("%(details)s"),
        urgent=True,
    )
)


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup, django_db_blocker):
    """psycopg's pool keeps connections open, and a request thread of the browser tests'
    live server may still hold one when the server stops: close the pools and end what
    is left of this run's sessions, so the test database can be dropped at the end."""
    yield
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "postgresql":
            continue
        try:
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        except OperationalError:
            # A run whose tests never used the database (the catalog check alone) has no
            # pool to hand out a connection, and no session to end either.
            pass
        connection.close()
        connection.close_pool()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: allauth's sign-in rate limits and cached
    sessions live there, and on Redis they would outlive the test that made them."""
    _clear_cache()
    yield
    _clear_cache()


def _clear_cache() -> None:
    # Only our keys: the broker shares the Redis database, so no FLUSHDB.
    cache_clear()


# Data migrations that create reference data every test may rely on.
REFERENCE_DATA = [
    ("members.migrations.0002_languages_and_schedules", ["add_languages", "add_schedules"]),
    ("members.migrations.0004_notification_schedules", ["add_schedules"]),
    ("resources.migrations.0002_default_taxonomy", ["add_taxonomy"]),
    ("resources.migrations.0004_verification_schedule", ["add_schedule"]),
    ("emergencies.migrations.0002_access_log_append_only_search_schedule", ["add_schedule"]),
    ("emergencies.migrations.0004_offers_expire_schedule", ["add_schedule"]),
    ("emergencies.migrations.0006_plans_health_purge_schedule", ["add_schedule"]),
    ("training.migrations.0002_group_meetings_schedule", ["add_schedule"]),
    ("evaluation.migrations.0002_schedules", ["add_schedules"]),
    ("evaluation.migrations.0005_dashboard_warm_schedule", ["add_schedules"]),
]


#: Real hashing costs ~0.3 s a user; tests create hundreds of users.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _restore_reference_data() -> None:
    from django.apps import apps

    for module, functions in REFERENCE_DATA:
        migration = importlib.import_module(module)
        for function in functions:
            getattr(migration, function)(apps, None)


def pytest_collection_modifyitems(session, config, items):
    """The tests that read the seeded demo run last, one after the other, so that the
    demo is seeded once for all of them (``seeded_demo``, 7 to 20 s a run)."""
    on_demo = [item for item in items if "seeded_demo" in getattr(item, "fixturenames", ())]
    if on_demo:
        chosen = {id(item) for item in on_demo}
        items[:] = [item for item in items if id(item) not in chosen] + on_demo


@pytest.fixture(scope="session")
def seeded_demo(django_db_setup, django_db_blocker):
    """``seed_demo`` once for the tests that read the demo (run last, together: see
    ``pytest_collection_modifyitems``; each test's own writes are rolled back): its
    output. The tables are emptied at the end, reference data put back."""
    from django.core.management import call_command
    from django.test import override_settings

    from tests.seeding import seed_demo

    # The same fast hasher as every test (the autouse fixture is per test, not module).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        _restore_reference_data()  # a transactional test before may have flushed it
        output = seed_demo()
    yield output
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        _restore_reference_data()
        _clear_cache()


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """A transactional test empties every table when it ends, reference data included:
    put it back before each one (the data migrations are idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    _restore_reference_data()
    yield
    # The flush has run (transactional_db is torn down first): the tests after this one
    # (and the demo seeded for the last ones) find the reference data again.
    with django_db_blocker.unblock():
        _restore_reference_data()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests create hundreds of users.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Case attachments a test uploads land in the test's own directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process in tests, as with the embedded defaults; the tests of the
    real worker turn this off (tests/nucleo/test_celery_worker.py)."""
    from nucleo.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def association(db):
    return AssociationFactory(name="Migr-Azioni ETS", slug="migr-azioni-test")


@pytest.fixture
def other_association(db):
    return AssociationFactory(name="Sì Teverola OdV ETS", slug="si-teverola-test")


def _client_for(user, association) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    client.association = association
    return client


@pytest.fixture
def make_client(db):
    """``make_client(association, Role.OPERATOR, ...)`` → a signed-in client with
    ``.user`` and ``.association``."""

    def make(association, *roles, mfa=True, **user_kwargs):
        user = user_with_role(association, *roles, mfa=mfa, **user_kwargs)
        return _client_for(user, association)

    return make


@pytest.fixture
def member_client(make_client, association):
    return make_client(association, Role.MEMBER)


@pytest.fixture
def facilitator_client(make_client, association):
    return make_client(association, Role.FACILITATOR)


@pytest.fixture
def operator_client(make_client, association):
    return make_client(association, Role.OPERATOR)


@pytest.fixture
def coordinator_client(make_client, association):
    return make_client(association, Role.COORDINATOR)


@pytest.fixture
def outsider_client(make_client, other_association):
    """An operator and coordinator of another association: sees none of ours."""
    return make_client(other_association, Role.OPERATOR, Role.COORDINATOR)


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker (in this process, on its own thread) consuming from Redis:
    tasks go through the broker, not the eager shortcut. Use with
    ``@pytest.mark.django_db(transaction=True)`` so the worker sees committed rows."""
    from nucleo.celery import app

    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point at Redis: run the suite with `make test`")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def frozen_now(monkeypatch):
    """Frozen time. Neither freezegun nor time_machine is installed: ``timezone.now``
    (which the services, ``localdate`` and the notification engine all go through)
    returns the clock's time, and the test moves it on by hand."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def advance(self, **kwargs) -> None:
            self.now += timedelta(**kwargs)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock
