"""How a delivery reaches its channel. Called by ``services.delivery_send`` in a worker,
with the recipient's language active; never inside a web request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template
from django.urls import reverse

from .models import Channel, Delivery, Notification
from .notification_kinds import KINDS
from .sms import PermanentDeliveryError, get_sms_backend, normalize_phone


def absolute_url(url: str) -> str:
    if not url:
        return settings.NUCLEO_BASE_URL + "/"
    if url.startswith(("http://", "https://")):
        return url
    return settings.NUCLEO_BASE_URL + url


def _kind_templates(notification: Notification, suffix: str) -> list[str]:
    # A kind may have its own e-mail templates; the default fits every kind.
    kind = notification.kind.replace(".", "_")
    return [
        f"members/email/notifications/{kind}{suffix}",
        f"members/email/notifications/default{suffix}",
    ]


def render_email(notification: Notification) -> tuple[str, str, str]:
    kind = KINDS.get(notification.kind)
    if kind is not None and kind.direct_link and notification.url:
        link = absolute_url(notification.url)
    else:
        link = absolute_url(reverse("members:notification-open", args=[notification.pk]))
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "context": notification.context,
        "link": link,
        "inbox_link": absolute_url("/members/notifications/"),
        "preferences_link": absolute_url("/members/notifications/preferences/"),
    }
    subject = select_template(_kind_templates(notification, "_subject.txt")).render(context)
    text = select_template(_kind_templates(notification, ".txt")).render(context)
    html = select_template(_kind_templates(notification, ".html")).render(context)
    return " ".join(subject.split()), text, html


def send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    if not notification.recipient.email:
        raise PermanentDeliveryError("the recipient has no e-mail address")
    subject, text, html = render_email(notification)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.recipient.email],
        # A stable Message-ID: should a crash ever make us send twice, mail clients
        # show the message once.
        headers={"Message-ID": f"<{delivery.key.replace(':', '.')}@nucleo>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_sms(delivery: Delivery) -> None:
    notification = delivery.notification
    try:
        to = normalize_phone(notification.recipient.phone)
    except ValueError as exc:
        raise PermanentDeliveryError(
            f"invalid phone number {notification.recipient.phone!r}"
        ) from exc
    text = render_to_string(
        "members/sms/notification.txt",
        {"notification": notification, "link": absolute_url(notification.url)},
    )
    get_sms_backend().send(to=to, text=" ".join(text.split())[:480])


SENDERS = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
}


def send(delivery: Delivery) -> None:
    SENDERS[Channel(delivery.channel)](delivery)
