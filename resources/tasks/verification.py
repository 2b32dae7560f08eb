"""Resource map tasks: verification (reminding maintainers of stale resources)."""

from celery import shared_task

from ..services.manage import services_remind_stale

__all__ = ["resources_stale_reminder_task"]


@shared_task(acks_late=True)
def resources_stale_reminder_task() -> int:
    """Daily: a second run the same month notifies nobody again (keys per month)."""
    return services_remind_stale()
