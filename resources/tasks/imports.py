"""Resource map tasks: imports."""

from celery import shared_task

from ..services import imports as services

__all__ = ["resource_import_run_task"]


# A file of 20,000 rows takes minutes, far past the default time limits of a task.
@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=32 * 60)
def resource_import_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
