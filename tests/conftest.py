"""Fixtures every app's tests share: associations, a signed-in client per role, and an
outsider from another association."""

import pytest
from django.test import Client

from members.models import Role

from .factories import AssociationFactory, user_with_role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
