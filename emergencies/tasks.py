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


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    return services.offers_expire()


# --- Community alerts ----------------------------------------------------------------


@shared_task(acks_late=True)
def alert_fan_out_task(alert_id: int) -> int:
    return services.alert_fan_out(alert_id=alert_id)


@shared_task(acks_late=True)
def alert_remind_task(alert_id: int) -> int:
    return services.alert_fan_out(alert_id=alert_id, reminder=True)


# A batch is safe to run again (every message has its key): retried on any failure, as a
# lost batch would leave its people without the alert.
@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def alert_notify_batch_task(alert_id: int, first_pk: int, last_pk: int, reminder: bool) -> int:
    return services.alert_notify_batch(
        alert_id=alert_id, first_pk=first_pk, last_pk=last_pk, reminder=reminder
    )


# --- Personal emergency plans ----------------------------------------------------------


@shared_task(acks_late=True, max_retries=5, default_retry_delay=30)
def plan_contact_alerts_task(activation_id: int) -> int:
    return services.plan_contact_alerts_send(activation_id=activation_id)


@shared_task(acks_late=True)
def plans_health_purge_task() -> int:
    return services.plans_health_purge()
