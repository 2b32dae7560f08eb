from celery import shared_task

from . import services


@shared_task(acks_late=True)
def groups_meetings_plan_task() -> int:
    return services.groups_meetings_plan()
