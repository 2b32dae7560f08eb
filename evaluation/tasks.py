from celery import shared_task

from . import services


@shared_task(acks_late=True)
def feedback_requests_create_task() -> int:
    return services.feedback_requests_create()


@shared_task(acks_late=True)
def checkins_offer_task() -> int:
    return services.checkins_offer()


@shared_task(acks_late=True, expires=240)
def dashboard_warm_task() -> int:
    return services.dashboard_warm()
