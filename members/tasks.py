"""Background work of people and access: small, idempotent tasks that call services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import services
from .models import Invitation


@shared_task(bind=True, max_retries=5, acks_late=True, default_retry_delay=60)
def invitation_send_task(self, invitation_id: int) -> bool:
    """E-mail the invitation link, in Italian and English (we do not know the invitee's
    language yet). Skipped when the invitation is no longer usable."""
    invitation = Invitation.objects.select_related("association").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable:
        return False
    link = settings.NUCLEO_BASE_URL + reverse("members:invitation-accept", args=[invitation.token])
    parts, subjects = [], []
    for language in ("it", "en"):
        with translation.override(language):
            context = {"invitation": invitation, "link": link}
            subjects.append(render_to_string("members/email/invitation_subject.txt", context))
            parts.append(render_to_string("members/email/invitation_body.txt", context))
    try:
        send_mail(
            subject=subjects[0].strip(),
            message="\n\n------------------------------\n\n".join(parts),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return True


@shared_task(acks_late=True)
def sign_in_attempts_prune_task() -> int:
    return services.sign_in_attempts_prune()


# No result is stored: the outcome is the Delivery row, and results would pile up in Redis.
@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def delivery_send_task(self, delivery_id: int) -> None:
    """Claims and sends one delivery; a transient failure comes back after a backoff
    (the service decides, and stops at NUCLEO_DELIVERY_MAX_ATTEMPTS)."""
    retry_in = services.delivery_send(delivery_id=delivery_id)
    # Run eagerly (embedded defaults) the task is inside the web request that queued it:
    # no retry there. The delivery stays pending with its backoff and the sweep sends it.
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)


@shared_task(acks_late=True)
def deliveries_sweep_task() -> int:
    return services.deliveries_sweep()


@shared_task(acks_late=True)
def reminders_due_task() -> int:
    return services.reminders_send_due()


# A file of 20,000 rows takes minutes, past the default time limits of a task.
@shared_task(acks_late=True, ignore_result=True, soft_time_limit=30 * 60, time_limit=32 * 60)
def member_import_task(job_id: int) -> None:
    """Import a spreadsheet of members (claimed by the service: a second run does nothing)."""
    from .services.imports import member_import_run

    member_import_run(job_id=job_id)


@shared_task(acks_late=True)
def member_anonymise_task(request_id: int) -> bool:
    """Carry out an approved erasure request (claimed by status: a second run is a no-op)."""
    from .services.privacy import erasure_request_complete

    return erasure_request_complete(request_id=request_id)


@shared_task(acks_late=True)
def member_retention_task() -> dict:
    """The nightly retention pass: warn about, then anonymise, long-inactive members."""
    from dataclasses import asdict

    from .services.privacy import member_retention_run

    return asdict(member_retention_run())
