from celery import shared_task

from . import services


@shared_task(acks_late=True, max_retries=5, default_retry_delay=30)
def case_alert_task(case_id: int) -> int:
    return services.case_alert(case_id=case_id)


@shared_task(acks_late=True)
def case_escalate_task(case_id: int) -> bool:
    return services.case_escalate_if_unopened(case_id=case_id)


@shared_task(acks_late=True)
def cases_escalate_sweep_task() -> int:
    return services.cases_escalate_sweep()
