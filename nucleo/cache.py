"""Emptying Nucleo's cache without emptying what shares its Redis database."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def cache_clear() -> None:
    """Delete every key of Nucleo's cache. On Redis only the keys under our prefix: the
    Celery broker shares the database, and ``cache.clear()`` there is a FLUSHDB that
    would drop the queued tasks too."""
    if not settings.REDIS_URL:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)
