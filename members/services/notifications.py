"""The notification engine every module uses: inbox, outbox, reminders.

``notify`` writes a Notification and one Delivery per channel in the caller's
transaction and queues the deliveries only once it commits: a rolled-back change never
notifies anyone. A delivery is sent by ``delivery_send``, which first claims the row
with a conditional update, so two workers (a retry, a duplicate message, the sweep) can
never send it twice; ``deliveries_sweep`` re-queues what a crash left behind, so nothing
is lost either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from .. import channels
from ..models import (
    Association,
    Channel,
    ChannelPreference,
    Delivery,
    KindGroup,
    Notification,
    Reminder,
    User,
)
from ..notification_kinds import (
    CHOOSABLE_GROUPS,
    DEFAULT_CHANNELS,
    OPTIONAL_CHANNELS,
    NotificationKind,
    get_kind,
)
from ..selectors import channel_preferences_of, membership_in
from ..sms import DeliveryError

logger = logging.getLogger(__name__)


# --- Quiet hours --------------------------------------------------------------------


def quiet_hours_end(
    *, now: datetime, start: time | None, end: time | None, tz: ZoneInfo | None = None
) -> datetime | None:
    """When the quiet hours that ``now`` falls in end, or None if ``now`` is outside them.

    Quiet hours are wall-clock times in the unit's time zone and may span midnight
    (22:00 to 07:00). Equal start and end mean no quiet hours.
    """
    if start is None or end is None or start == end:
        return None
    tz = tz or timezone.get_default_timezone()
    local = now.astimezone(tz)
    clock = local.time()
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=tz)


# --- Creating notifications ------------------------------------------------------------


def _channels_for(
    user: User,
    kind: NotificationKind,
    preferences: dict[tuple[str, str], bool],
    only: frozenset[Channel] | None = None,
) -> list[Channel]:
    chosen = [Channel.IN_APP]
    defaults = DEFAULT_CHANNELS[kind.group]
    for channel in OPTIONAL_CHANNELS:
        if only is not None and channel not in only:
            continue  # the sender limited this message to some channels
        enabled = preferences.get((kind.group.value, channel.value), channel in defaults)
        if kind.group == KindGroup.ACCOUNT:
            enabled = channel in defaults  # account messages are not optional
        if enabled:
            chosen.append(channel)
    return chosen


def _render(kind: NotificationKind, user: User, context: dict) -> tuple[str, str]:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title = str(kind.title) % context if context else str(kind.title)
        body = str(kind.body) % context if (context and kind.body) else str(kind.body)
    return title[:200], body


def _build(
    *,
    recipient: User,
    kind: NotificationKind,
    key: str,
    context: dict,
    url: str,
    association: Association | None,
    preferences: dict[tuple[str, str], bool],
    now: datetime,
    channels: frozenset[Channel] | None = None,
) -> tuple[Notification, list[Delivery]]:
    title, body = _render(kind, recipient, context)
    notification = Notification(
        key=key,
        recipient=recipient,
        association=association,
        kind=kind.code,
        title=title,
        body=body,
        url=url,
        context=context,
        urgency=Notification.Urgency.URGENT if kind.urgent else Notification.Urgency.NORMAL,
        created_at=now,
    )
    # Urgent alerts ignore quiet hours; the rest wait for them to end (deferred, never
    # dropped). The inbox is silent, so it always shows at once.
    deferred_until = None
    if not kind.urgent:
        deferred_until = quiet_hours_end(
            now=now, start=recipient.quiet_hours_start, end=recipient.quiet_hours_end
        )
    deliveries = []
    for channel in _channels_for(recipient, kind, preferences, channels):
        in_app = channel == Channel.IN_APP
        not_before = now if in_app or deferred_until is None else deferred_until
        deliveries.append(
            Delivery(
                notification=notification,
                channel=channel,
                key=f"{key}:{channel.value}",
                status=Delivery.Status.SENT if in_app else Delivery.Status.PENDING,
                sent_at=now if in_app else None,
                not_before=not_before,
                queued_at=now if (not in_app and not_before <= now) else None,
                created_at=now,
            )
        )
    return notification, deliveries


def _queue_after_commit(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return
    from ..tasks import delivery_send_task

    def queue() -> None:
        for delivery_id in delivery_ids:
            delivery_send_task.delay(delivery_id)

    # robust: the change is committed; a broker outage must not turn it into an error
    # page. What could not be queued is picked up by the sweep.
    transaction.on_commit(queue, robust=True)


def _due_ids(deliveries: Iterable[Delivery]) -> list[int]:
    return [d.pk for d in deliveries if d.queued_at is not None]


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    context: dict | None = None,
    url: str = "",
    association: Association | None = None,
) -> Notification:
    """Tell ``recipient`` about something, once per ``key``: a second call with the same
    key returns the first notification and sends nothing."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    kind_def = get_kind(kind)
    now = timezone.now()
    notification, deliveries = _build(
        recipient=recipient,
        kind=kind_def,
        key=key,
        context=context or {},
        url=url,
        association=association,
        preferences=channel_preferences_of([recipient.pk]).get(recipient.pk, {}),
        now=now,
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # Another transaction created the same key between our check and our insert.
        return Notification.objects.get(key=key)
    Delivery.objects.bulk_create(deliveries)
    _queue_after_commit(_due_ids(deliveries))
    return notification


@transaction.atomic
def notify_many(
    *,
    recipients: Iterable[User],
    kind: str,
    key_prefix: str,
    context: dict | None = None,
    url: str | Callable[[User], str] = "",
    association: Association | None = None,
    channels: Iterable[Channel] | None = None,
) -> int:
    """Fan one event out to many people (a community alert, a session moved) in a few
    queries. Each person's key is ``{key_prefix}:user:{id}``; people already notified
    under their key are skipped. ``channels`` limits the message to those channels
    (besides the inbox), within what each person accepts; ``url`` may be a function of
    the person (a link of their own). Returns how many were notified now."""
    only = frozenset(channels) if channels is not None else None
    kind_def = get_kind(kind)
    recipients = list(recipients)
    keys = {user.pk: f"{key_prefix}:user:{user.pk}" for user in recipients}
    already = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    preferences = channel_preferences_of(keys)
    now = timezone.now()
    notifications, deliveries = [], []
    for user in recipients:
        if keys[user.pk] in already:
            continue
        notification, user_deliveries = _build(
            recipient=user,
            kind=kind_def,
            key=keys[user.pk],
            context=context or {},
            url=url(user) if callable(url) else url,
            association=association,
            preferences=preferences.get(user.pk, {}),
            now=now,
            channels=only,
        )
        notifications.append(notification)
        deliveries.extend(user_deliveries)
    # A concurrent fan-out of the same event (a double click, a repeated task) may
    # insert some keys first: those are skipped, not an error.
    Notification.objects.bulk_create(notifications, batch_size=500, ignore_conflicts=True)
    mine = dict(
        Notification.objects.filter(
            key__in=[n.key for n in notifications], created_at=now
        ).values_list("key", "pk")
    )
    deliveries = [d for d in deliveries if d.notification.key in mine]
    for delivery in deliveries:
        delivery.notification_id = mine[delivery.notification.key]
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    queued = Delivery.objects.filter(
        key__in=[d.key for d in deliveries if d.queued_at is not None]
    ).values_list("pk", flat=True)
    _queue_after_commit(list(queued))
    return len(mine)


# --- Delivering ----------------------------------------------------------------------


def _backoff_seconds(attempts: int) -> float:
    base = settings.NUCLEO_DELIVERY_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.NUCLEO_DELIVERY_RETRY_CAP_SECONDS)


def delivery_send(*, delivery_id: int) -> float | None:
    """Send one delivery if it is still pending and due; return the delay before a retry
    (None when there is nothing more to do).

    Not one transaction, on purpose: the claim must be committed before the message
    leaves, so that no other worker can claim it while it is being sent.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, not_before__lte=now
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None  # sent, being sent, cancelled, or not due yet
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    # The outcome is written only over this run's own claim.
    mine = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, claimed_at=now)
    language = delivery.notification.recipient.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            channels.send(delivery)
    except Exception as exc:
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        reason = str(exc) or exc.__class__.__name__
        if not isinstance(exc, DeliveryError):
            logger.exception("Delivery %s failed unexpectedly", delivery.key)
        if permanent or delivery.attempts >= settings.NUCLEO_DELIVERY_MAX_ATTEMPTS:
            mine.update(status=Delivery.Status.FAILED, last_error=reason[:2000])
            return None
        delay = _backoff_seconds(delivery.attempts)
        mine.update(
            status=Delivery.Status.PENDING,
            last_error=reason[:2000],
            not_before=now + timedelta(seconds=delay),
            queued_at=timezone.now(),
        )
        return delay
    mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
    return None


@transaction.atomic
def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Re-queue what is due and not moving: deferred deliveries whose time has come,
    and deliveries whose message or worker was lost (queued or claimed longer ago than
    ``NUCLEO_DELIVERY_STUCK_AFTER``). Safe to run at any time, on any number of beats:
    a delivery queued twice is still claimed, and sent, once."""
    now = now or timezone.now()
    stuck = now - settings.NUCLEO_DELIVERY_STUCK_AFTER
    lost = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=stuck)
    # A message that kills its worker every time stops at the attempt limit.
    lost.filter(attempts__gte=settings.NUCLEO_DELIVERY_MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED, last_error="the worker never finished sending it"
    )
    lost.update(
        status=Delivery.Status.PENDING, last_error="the worker did not finish: sending again"
    )
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stuck))
        .order_by("not_before")
        .values_list("pk", flat=True)[: settings.NUCLEO_SWEEP_BATCH]
    )
    ids = list(due)
    Delivery.objects.filter(pk__in=ids).update(queued_at=now)
    _queue_after_commit(ids)
    return len(ids)


@transaction.atomic
def delivery_retry(*, delivery: Delivery, by: User) -> Delivery:
    """A coordinator sends a failed delivery again (after fixing a phone number, say)."""
    membership = membership_in(by, delivery.notification.association_id)
    if membership is None or not membership.is_coordinator:
        raise PermissionDenied
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, not_before=now, queued_at=now, attempts=0
    )
    if updated:
        _queue_after_commit([delivery.pk])
    delivery.refresh_from_db()
    return delivery


# --- Inbox ---------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user: User) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.for_recipient(user).unread().update(read_at=timezone.now())


# --- Preferences ---------------------------------------------------------------------


@transaction.atomic
def preferences_save(
    *,
    user: User,
    channels_by_group: dict[str, set[str]],
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
    language: str,
    phone: str,
) -> User:
    """Store the channels chosen for each group, quiet hours, language and phone."""
    for group in CHOOSABLE_GROUPS:
        for channel in OPTIONAL_CHANNELS:
            ChannelPreference.objects.update_or_create(
                user=user,
                group=group,
                channel=channel,
                defaults={"enabled": channel.value in channels_by_group.get(group.value, set())},
            )
    user.quiet_hours_start = quiet_hours_start
    user.quiet_hours_end = quiet_hours_end
    user.language = language
    user.phone = phone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["quiet_hours_start", "quiet_hours_end", "language", "phone"])
    return user


# --- Reminders -----------------------------------------------------------------------


def _reminder_notification_key(reminder: Reminder) -> str:
    # A reminder moved (or cancelled and restored) is a new message; the same reminder
    # processed twice stays one.
    return f"reminder:{reminder.key}:v{reminder.version}"


def _cancel_pending(notification_ids) -> None:
    Delivery.objects.filter(
        notification_id__in=notification_ids, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.CANCELLED)


@transaction.atomic
def reminder_schedule(
    *,
    key: str,
    recipient: User,
    due_at: datetime,
    kind: str,
    context: dict | None = None,
    url: str = "",
    association: Association | None = None,
) -> Reminder:
    """Schedule (or move) the reminder ``key``. Calling it again with a new time moves
    it, even after it was sent: a session moved to next week is reminded again."""
    kind_def = get_kind(kind)
    _render(kind_def, recipient, context or {})  # a context the message cannot use fails now
    reminder = Reminder.objects.select_for_update().filter(key=key).first()
    if reminder is None:
        reminder = Reminder(key=key)
    elif reminder.status == Reminder.Status.SENT and reminder.due_at == due_at:
        return reminder  # nothing changed: already reminded
    else:
        reminder.version += 1
        if reminder.notification_id:
            # The old message may still wait for quiet hours: it must not go out.
            _cancel_pending([reminder.notification_id])
    reminder.recipient = recipient
    reminder.due_at = due_at
    reminder.kind = kind
    reminder.context = context or {}
    reminder.url = url
    reminder.association = association
    reminder.status = Reminder.Status.SCHEDULED
    reminder.notification = None
    reminder.full_clean()
    reminder.save()
    return reminder


@transaction.atomic
def reminders_cancel(*, key_prefix: str) -> int:
    """Cancel every reminder whose key starts with ``key_prefix`` (a session cancelled
    cancels its 24 h and 2 h reminders for everyone), including messages already
    created but still waiting for someone's quiet hours to end."""
    # Whole key segments only: "session:4" must not cancel session 42's reminders.
    stem = key_prefix.rstrip(":")
    reminders = Reminder.objects.filter(Q(key=stem) | Q(key__startswith=f"{stem}:")).exclude(
        status=Reminder.Status.CANCELLED
    )
    notification_ids = list(
        reminders.filter(notification__isnull=False).values_list("notification_id", flat=True)
    )
    cancelled = reminders.update(status=Reminder.Status.CANCELLED)
    _cancel_pending(notification_ids)
    return cancelled


def reminders_send_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Turn due reminders into notifications, each once (rows are locked and skipped by
    concurrent runs; the notification key makes a repeat a no-op)."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Reminder.Status.SCHEDULED, due_at__lte=now)
            .select_related("recipient", "association")
            .order_by("due_at")[:batch]
        )
        for reminder in due:
            try:
                with transaction.atomic():
                    notification = notify(
                        recipient=reminder.recipient,
                        kind=reminder.kind,
                        key=_reminder_notification_key(reminder),
                        context=reminder.context,
                        url=reminder.url,
                        association=reminder.association,
                    )
            except (ValueError, KeyError, TypeError):
                # One broken reminder (a kind no longer registered, a context its text
                # cannot use) must not hold back everyone else's: set it aside, loudly.
                logger.exception("Reminder %s cannot be sent: cancelled", reminder.key)
                reminder.status = Reminder.Status.CANCELLED
                reminder.save(update_fields=["status"])
                continue
            reminder.status = Reminder.Status.SENT
            reminder.notification = notification
            reminder.save(update_fields=["status", "notification"])
            sent += 1
    return sent
