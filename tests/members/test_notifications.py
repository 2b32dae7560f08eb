"""The notification engine: idempotent creation, channels and preferences, quiet hours,
claims, retries, the sweep and reminders (tasks run eagerly here; the real worker is in
test_notifications_worker.py)."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from members import services
from members.models import Channel, ChannelPreference, Delivery, KindGroup, Notification, Reminder
from members.services.notifications import quiet_hours_end
from members.sms import LocmemSMSBackend, normalize_phone
from tests.backends import FlakyEmailBackend, SlowEmailBackend
from tests.factories import UserFactory

ROME = timezone.get_default_timezone()


def _notify(user, key="event:1", kind="tests.ordinary", **extra):
    return services.notify(
        recipient=user,
        kind=kind,
        key=key,
        context={"subject": "Laboratorio", "details": "Domani alle 10"},
        url="/",
        **extra,
    )


def _deliveries(notification) -> dict[str, Delivery]:
    return {d.channel: d for d in notification.deliveries.all()}


@pytest.fixture
def person(db):
    return UserFactory(email="amina@example.org", phone="+39 333 123 4567")


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.NUCLEO_SMS_BACKEND = "members.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


# --- Creating ------------------------------------------------------------------------


def test_notify_writes_inbox_and_one_delivery_per_channel(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person)
    deliveries = _deliveries(notification)
    assert set(deliveries) == {"in_app", "email"}  # reminders: e-mail by default, no SMS
    assert all(d.status == Delivery.Status.SENT for d in deliveries.values())
    assert deliveries["email"].key == "event:1:email"
    assert len(mail.outbox) == 1
    assert notification.title == "Promemoria: Laboratorio"  # the recipient's language


def test_same_key_is_a_no_op_that_returns_the_first_notification(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(person)
        again = _notify(person)
    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 2
    assert len(mail.outbox) == 1


def test_unknown_kind_is_refused(person):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        _notify(person, kind="nobody.knows")
    assert not Notification.objects.exists()


def test_notification_in_a_rolled_back_transaction_is_never_delivered(
    person, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(person)
        raise RuntimeError("the change that caused it failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    services.deliveries_sweep(now=timezone.now() + timedelta(days=1))
    assert mail.outbox == []


def test_channel_preferences_are_respected(person, django_capture_on_commit_callbacks):
    ChannelPreference.objects.create(
        user=person, group=KindGroup.REMINDERS, channel=Channel.EMAIL, enabled=False
    )
    ChannelPreference.objects.create(
        user=person, group=KindGroup.REMINDERS, channel=Channel.SMS, enabled=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person)
    assert set(_deliveries(notification)) == {"in_app", "sms"}
    assert mail.outbox == []
    assert LocmemSMSBackend.outbox == [
        {"to": "+393331234567", "text": "Nucleo: Promemoria: Laboratorio http://127.0.0.1:8000/"}
    ]


def test_email_comes_out_in_the_recipients_language(db, django_capture_on_commit_callbacks):
    italian = UserFactory(email="it@example.org", language="it", first_name="Aisha")
    english = UserFactory(email="en@example.org", language="en", first_name="John")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(italian, key="event:it")
        _notify(english, key="event:en")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    italian_mail, english_mail = by_recipient["it@example.org"], by_recipient["en@example.org"]
    assert italian_mail.subject == "Promemoria: Laboratorio – Nucleo"
    assert "Ciao Aisha" in italian_mail.body
    assert "Apri in Nucleo" in italian_mail.alternatives[0][0]
    assert english_mail.subject == "Reminder: Laboratorio – Nucleo"
    assert "Hello John" in english_mail.body
    assert "Open in Nucleo" in english_mail.alternatives[0][0]


def test_fan_out_notifies_each_person_once(db, django_capture_on_commit_callbacks):
    people = UserFactory.create_batch(30)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_many(
            recipients=people,
            kind="tests.ordinary",
            key_prefix="alert:7",
            context={"subject": "Allerta", "details": "Zona nord"},
        )
        again = services.notify_many(
            recipients=people,
            kind="tests.ordinary",
            key_prefix="alert:7",
            context={"subject": "Allerta", "details": "Zona nord"},
        )
    assert (created, again) == (30, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_fan_out_query_count_does_not_grow_with_recipients(db, django_assert_max_num_queries):
    people = UserFactory.create_batch(40)
    # existing keys, channel preferences, notifications insert, deliveries insert,
    # and the savepoint of the transaction
    with django_assert_max_num_queries(8):
        services.notify_many(
            recipients=people,
            kind="tests.ordinary",
            key_prefix="alert:8",
            context={"subject": "Allerta", "details": "Zona nord"},
        )


# --- Quiet hours ---------------------------------------------------------------------


def _quiet_hours_around_now(user) -> datetime:
    """Quiet hours from an hour ago to an hour from now; returns when they end."""
    local_now = timezone.localtime()
    user.quiet_hours_start = (local_now - timedelta(hours=1)).time().replace(microsecond=0)
    end = (local_now + timedelta(hours=1)).replace(second=0, microsecond=0)
    user.quiet_hours_end = end.time()
    user.save(update_fields=["quiet_hours_start", "quiet_hours_end"])
    return end


def test_reminder_due_in_quiet_hours_is_deferred_to_their_end(
    person, django_capture_on_commit_callbacks
):
    quiet_end = _quiet_hours_around_now(person)
    services.reminder_schedule(
        key="session:1:24h:user:1",
        recipient=person,
        due_at=timezone.now() - timedelta(minutes=1),
        kind="tests.ordinary",
        context={"subject": "Laboratorio", "details": "Domani"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due() == 1
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert email.status == Delivery.Status.PENDING
    assert email.not_before == quiet_end
    assert Delivery.objects.get(channel=Channel.IN_APP).status == Delivery.Status.SENT
    assert mail.outbox == []
    assert services.deliveries_sweep() == 0  # still quiet hours
    # Deferred, not dropped: once its time has come, the sweep sends it.
    Delivery.objects.filter(pk=email.pk).update(not_before=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep() == 1
    assert len(mail.outbox) == 1


def test_urgent_alert_ignores_quiet_hours(person, django_capture_on_commit_callbacks):
    _quiet_hours_around_now(person)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person, kind="tests.urgent")
    deliveries = _deliveries(notification)
    assert deliveries["email"].status == Delivery.Status.SENT
    assert deliveries["sms"].status == Delivery.Status.SENT
    assert notification.is_urgent
    assert mail.outbox[0].subject.startswith("URGENTE: ")


@given(
    now=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(ROME)
    ),
    start=st.times(),
    end=st.times(),
)
def test_quiet_hours_end_is_the_next_end_time_when_inside(now, start, end):
    result = quiet_hours_end(now=now, start=start, end=end, tz=ROME)
    clock = now.astimezone(ROME).time()
    inside = start != end and (
        start <= clock < end if start < end else (clock >= start or clock < end)
    )
    assert (result is not None) == inside
    if result is not None:
        assert result > now
        assert result - now <= timedelta(hours=26)  # a daylight-saving night is longer
        assert result.astimezone(ROME).time().replace(fold=0) == end


# --- Delivering ----------------------------------------------------------------------


def test_transient_failures_are_retried_then_marked_failed_with_the_reason(person, settings):
    settings.EMAIL_BACKEND = "tests.backends.FlakyEmailBackend"
    settings.NUCLEO_DELIVERY_MAX_ATTEMPTS = 3
    FlakyEmailBackend.failures_left = 10
    email = _deliveries(_notify(person))["email"]
    for expected_attempts in (1, 2):
        retry_in = services.delivery_send(delivery_id=email.pk)
        email.refresh_from_db()
        assert retry_in == settings.NUCLEO_DELIVERY_RETRY_BASE_SECONDS * 2 ** (
            expected_attempts - 1
        )
        assert (email.status, email.attempts) == (Delivery.Status.PENDING, expected_attempts)
        assert "refused" in email.last_error
        Delivery.objects.filter(pk=email.pk).update(not_before=timezone.now())
    assert services.delivery_send(delivery_id=email.pk) is None
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.FAILED, 3)
    assert "the mail server refused the connection" in email.last_error
    assert mail.outbox == []


def test_malformed_phone_fails_the_sms_with_the_reason_and_loses_nothing_else(
    db, django_capture_on_commit_callbacks
):
    person = UserFactory(phone="33-abc")
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person, kind="tests.urgent")
    deliveries = _deliveries(notification)
    assert deliveries["sms"].status == Delivery.Status.FAILED
    assert deliveries["sms"].attempts == 1  # not worth retrying
    assert "invalid phone number '33-abc'" in deliveries["sms"].last_error
    assert deliveries["email"].status == Delivery.Status.SENT
    assert deliveries["in_app"].status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_a_delivery_is_not_sent_again_once_sent(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _deliveries(_notify(person))["email"]
    assert services.delivery_send(delivery_id=email.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_sweep(now=timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 1


def _held_back_email(person) -> Delivery:
    """A committed, pending, due e-mail delivery that nobody has queued yet: quiet hours
    hold it back at creation, then its time is made to have come."""
    _quiet_hours_around_now(person)
    email = _deliveries(_notify(person))["email"]
    Delivery.objects.filter(pk=email.pk).update(not_before=timezone.now())
    return email


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_one_delivery_send_once(settings):
    settings.EMAIL_BACKEND = "tests.backends.SlowEmailBackend"
    SlowEmailBackend.delay = 0.5
    email = _held_back_email(UserFactory())

    def run():
        try:
            services.delivery_send(delivery_id=email.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_sweep_while_a_worker_delivers_sends_once(settings):
    settings.EMAIL_BACKEND = "tests.backends.SlowEmailBackend"
    SlowEmailBackend.delay = 1.0
    SlowEmailBackend.started.clear()
    email = _held_back_email(UserFactory())
    worker = threading.Thread(
        target=lambda: (services.delivery_send(delivery_id=email.pk), connections.close_all())
    )
    worker.start()
    assert SlowEmailBackend.started.wait(5)
    # The worker holds the claim (status sending, claimed just now): the sweep leaves it.
    assert services.deliveries_sweep() == 0
    worker.join()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_sweep_resends_what_a_dead_worker_left_claimed(person, django_capture_on_commit_callbacks):
    email = _deliveries(_notify(person))["email"]  # not committed: nothing ran
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=email.pk).update(
        status=Delivery.Status.SENDING, attempts=1, claimed_at=long_ago, queued_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_sweep_requeues_a_pending_delivery_whose_message_was_lost(
    person, django_capture_on_commit_callbacks
):
    email = _deliveries(_notify(person))["email"]  # queued "after commit" that never came
    Delivery.objects.filter(pk=email.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep() == 1
        assert services.deliveries_sweep() == 0  # queued just now: left alone
    assert len(mail.outbox) == 1


# --- Reminders -----------------------------------------------------------------------


def _schedule(person, key="session:42:24h:user:1", due_at=None):
    return services.reminder_schedule(
        key=key,
        recipient=person,
        due_at=due_at or timezone.now() - timedelta(minutes=1),
        kind="tests.ordinary",
        context={"subject": "Laboratorio", "details": "Domani alle 10"},
        url="/",
    )


def test_due_reminder_becomes_one_notification(person, django_capture_on_commit_callbacks):
    reminder = _schedule(person)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due() == 1
        assert services.reminders_send_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.notification.recipient == person
    assert len(mail.outbox) == 1


def test_reminder_not_yet_due_waits(person):
    _schedule(person, due_at=timezone.now() + timedelta(hours=2))
    assert services.reminders_send_due() == 0
    assert not Notification.objects.exists()


def test_reminder_whose_source_is_cancelled_is_never_sent(
    person, django_capture_on_commit_callbacks
):
    _schedule(person, key="session:42:24h:user:1")
    _schedule(person, key="session:42:2h:user:1")
    _schedule(person, key="session:43:24h:user:1")
    assert services.reminders_cancel(key_prefix="session:42:") == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due() == 1  # only session 43's
    assert [m.to[0] for m in mail.outbox] == [person.email]
    assert Reminder.objects.filter(status=Reminder.Status.CANCELLED).count() == 2


def test_cancelling_stops_a_reminder_waiting_for_quiet_hours(
    person, django_capture_on_commit_callbacks
):
    quiet_end = _quiet_hours_around_now(person)
    _schedule(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    services.reminders_cancel(key_prefix="session:42:")
    assert Delivery.objects.get(channel=Channel.EMAIL).status == Delivery.Status.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_sweep(now=quiet_end + timedelta(minutes=1))
    assert mail.outbox == []


def test_moving_a_reminder_sends_it_again_at_the_new_time(
    person, django_capture_on_commit_callbacks
):
    reminder = _schedule(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    # The session moved: the reminder is due again, a minute later than before.
    _schedule(person, due_at=reminder.due_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    # Scheduling it again unchanged does not remind twice.
    _schedule(person, due_at=reminder.due_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_periodic_schedules_live_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "members.tasks.deliveries_sweep_task",
        "members.tasks.reminders_due_task",
        "members.tasks.sign_in_attempts_prune_task",
    } <= tasks


# --- Phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+39 333 123 4567", "+393331234567"),
        ("333 123-4567", "+393331234567"),
        ("0039 (333) 123.4567", "+393331234567"),
        ("+221 77 123 45 67", "+221771234567"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "+0123456789", "12", "+39 333 123 4567 890 12"])
def test_malformed_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)


@given(st.text(max_size=40))
def test_phone_normalisation_never_returns_something_invalid(raw):
    try:
        number = normalize_phone(raw)
    except ValueError:
        return
    assert number.startswith("+")
    assert number[1:].isdigit()
    assert 8 <= len(number) - 1 <= 15


def test_quiet_hours_equal_or_missing_mean_none():
    now = datetime(2026, 11, 25, 23, 0, tzinfo=ROME)
    assert quiet_hours_end(now=now, start=None, end=time(7)) is None
    assert quiet_hours_end(now=now, start=time(7), end=time(7)) is None
    assert quiet_hours_end(now=now, start=time(22), end=time(7)) == datetime(
        2026, 11, 26, 7, 0, tzinfo=ROME
    )


# --- Edge cases found in review ------------------------------------------------------


def test_plain_text_messages_keep_apostrophes(person, django_capture_on_commit_callbacks):
    settings_person = UserFactory(email="l@example.org", phone="+39 333 000 1111")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=settings_person,
            kind="tests.urgent",
            key="apostrophe:1",
            context={"subject": "l'incontro & altro", "details": "Dov'è?"},
        )
    message = mail.outbox[0]
    assert "l'incontro & altro" in message.subject
    assert "Dov'è?" in message.body
    assert "l'incontro & altro" in LocmemSMSBackend.outbox[0]["text"]


def test_moving_a_sent_reminder_cancels_the_old_message_still_waiting(
    person, django_capture_on_commit_callbacks
):
    _quiet_hours_around_now(person)
    reminder = _schedule(person)
    services.reminders_send_due()  # the e-mail waits for quiet hours
    old_email = Delivery.objects.get(channel=Channel.EMAIL)
    _schedule(person, due_at=reminder.due_at + timedelta(minutes=1))
    old_email.refresh_from_db()
    assert old_email.status == Delivery.Status.CANCELLED


def test_a_cancelled_then_restored_reminder_is_sent(person, django_capture_on_commit_callbacks):
    reminder = _schedule(person)
    services.reminders_cancel(key_prefix="session:42")
    _schedule(person, due_at=reminder.due_at)  # restored at the same time
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due() == 1
    assert len(mail.outbox) == 1


def test_cancelling_a_prefix_matches_whole_key_segments(person):
    _schedule(person, key="session:4:24h:user:1")
    _schedule(person, key="session:42:24h:user:1")
    assert services.reminders_cancel(key_prefix="session:4") == 1
    assert Reminder.objects.get(key="session:42:24h:user:1").status == Reminder.Status.SCHEDULED


def test_one_broken_reminder_does_not_hold_back_the_others(
    person, django_capture_on_commit_callbacks
):
    _schedule(person, key="good:1")
    broken = _schedule(person, key="broken:1")
    Reminder.objects.filter(pk=broken.pk).update(context={"unexpected": "shape"})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due() == 1
    assert Reminder.objects.get(key="broken:1").status == Reminder.Status.CANCELLED
    assert len(mail.outbox) == 1


def test_a_reminder_whose_context_the_message_cannot_use_is_refused_at_once(person):
    with pytest.raises(KeyError):
        services.reminder_schedule(
            key="bad:1", recipient=person, due_at=timezone.now(), kind="tests.ordinary",
            context={"wrong": "keys"},
        )  # fmt: skip


def test_a_delivery_that_keeps_killing_its_worker_stops_at_the_attempt_limit(person, settings):
    email = _deliveries(_notify(person))["email"]
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=email.pk).update(
        status=Delivery.Status.SENDING,
        attempts=settings.NUCLEO_DELIVERY_MAX_ATTEMPTS,
        claimed_at=long_ago,
        queued_at=long_ago,
    )
    assert services.deliveries_sweep() == 0
    email.refresh_from_db()
    assert email.status == Delivery.Status.FAILED


def test_a_concurrent_fan_out_of_the_same_event_is_skipped_not_an_error(
    db, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(3)
    # Another run got there first for one person, between our check and our insert.
    services.notify(
        recipient=people[0],
        kind="tests.ordinary",
        key=f"alert:9:user:{people[0].pk}",
        context={"subject": "Allerta", "details": "Zona nord"},
    )
    from members.services import notifications as engine

    real_filter = Notification.objects.filter

    def no_existing_keys(*args, **kwargs):
        if "key__in" in kwargs and not kwargs.get("created_at"):
            return Notification.objects.none()
        return real_filter(*args, **kwargs)

    with django_capture_on_commit_callbacks(execute=True):
        original = engine.Notification.objects.filter
        engine.Notification.objects.filter = no_existing_keys
        try:
            created = services.notify_many(
                recipients=people,
                kind="tests.ordinary",
                key_prefix="alert:9",
                context={"subject": "Allerta", "details": "Zona nord"},
            )
        finally:
            engine.Notification.objects.filter = original
    assert created == 2
    assert Notification.objects.count() == 3
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 3
