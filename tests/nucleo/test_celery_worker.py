"""A real task through a real Celery worker on Redis (not eager)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import SignInAttempt
from members.tasks import sign_in_attempts_prune_task
from tests.factories import SignInAttemptFactory

pytestmark = pytest.mark.celery_worker


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sign_in_log_retention_task(celery_worker_on_redis):
    old = SignInAttemptFactory(created_at=timezone.now() - timedelta(days=400))
    recent = SignInAttemptFactory()
    result = sign_in_attempts_prune_task.delay()
    assert result.get(timeout=30) == 1
    assert not SignInAttempt.objects.filter(pk=old.pk).exists()
    assert SignInAttempt.objects.filter(pk=recent.pk).exists()
