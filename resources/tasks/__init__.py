"""Celery tasks of the resource map (Celery autodiscovers this package)."""

from .imports import *  # noqa: F403
from .verification import *  # noqa: F403
