import json

import pytest
from django.test import Client
from django.urls import reverse

from nucleo import health


def test_healthz_answers_ok_for_every_part_without_signing_in(db, settings):
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["database"] == "ok"
    assert data["cache"] == "ok"
    expected_broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert data["broker"] == expected_broker


def test_healthz_reports_eager_broker_on_the_embedded_defaults(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert json.loads(Client().get(reverse("healthz")).content)["broker"] == "eager"


@pytest.mark.parametrize("part", ["database", "cache", "broker"])
def test_healthz_answers_503_naming_the_failing_part(db, monkeypatch, part):
    def broken():
        raise ConnectionError(f"{part} is down")

    monkeypatch.setitem(health.CHECKS, part, broken)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    data = json.loads(response.content)
    assert data[part] == "error"
    assert all(value in ("ok", "eager") for key, value in data.items() if key != part)
