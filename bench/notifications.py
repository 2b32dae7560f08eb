"""Deliver notifications through a real Celery worker, next to a no-op task on the same
worker.

    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/notifications.py [--count 10000] [--concurrency 2]

A Celery worker is started inside this process (``celery.contrib.testing.worker``, the
thread pool by default) on Redis; it shares the process with the script, which is fine
for a ratio. It consumes a queue of its own for this run, to which only the two timed
tasks are routed, so a ``make worker`` on the same Redis database neither takes the
bench's tasks nor gives it its own.

1. The floor: ``--count`` no-op tasks (``bench.noop``) are queued and awaited in the
   Redis result backend, end to end → tasks per second.
2. The notifications: ``--count`` bench recipients (``bench-notify-<i>@nucleo.test``,
   members of "Bench ETS"; created once, reused after) are notified with
   ``services.notify_many`` (kind ``members.reminder``). Each notification gets an in-app
   delivery, sent at once, and an e-mail delivery, queued to ``delivery_send_task`` once
   the fan-out commits. The clock runs from the fan-out until no e-mail delivery of the
   run is pending or being sent (the Delivery table is polled every 0.2 s) →
   notifications per second.

The ratio of the two is what compares across machines: how many notifications the
worker delivers for each task that does nothing. Then exactly-once is checked: the
run's deliveries by channel and status, and the messages in the local-memory outbox
(e-mail goes there, no mail server is needed): one per recipient, none twice.

Both clocks include queueing the tasks from this process (the table shows when the last
one was queued): the script, the worker's threads and the result consumer share one
interpreter, so the absolute numbers are below a separate ``make worker``'s; the ratio
is what to read. ``--timeout`` bounds each phase; the exit status is 1 when a phase
times out or the exactly-once check fails.

The run's notifications and deliveries are deleted at the end unless ``--keep``, and
its queue is deleted; the bench recipients and their memberships stay, for the next
run, and the delivery tasks' results expire in Redis like any task's
(``CELERY_RESULT_EXPIRES``). Tables are never created here: run ``manage.py migrate``
first.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from celery import Celery

    from members.models import User

REPO_ROOT = Path(__file__).resolve().parent.parent
NOOP_TASK = "bench.noop"
DELIVERY_TASK = "members.tasks.delivery_send_task"
KIND = "members.reminder"
RECIPIENT_EMAIL = "bench-notify-{}@nucleo.test"
LOCMEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
POLL_SECONDS = 0.2
WARMUP_TASKS = 50
BATCH_SIZE = 1000


class BenchError(Exception):
    """The bench cannot run here (no Redis, no tables…) or did not finish in time."""


@dataclass(frozen=True)
class Measurement:
    label: str
    count: int
    seconds: float  # from the first task queued (the fan-out) to the last one done
    queued_seconds: float  # until the last task was queued

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


@dataclass
class ExactlyOnce:
    """What the run delivered: deliveries by (channel, status), e-mail attempts, and the
    outbox's messages for this run by recipient."""

    expected: int
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    email_attempts_not_one: int = 0
    messages: int = 0
    recipients_messaged: int = 0
    recipients_twice: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Result:
    key_prefix: str
    noop: Measurement
    notifications: Measurement
    exactly_once: ExactlyOnce

    @property
    def ratio(self) -> float:
        return self.notifications.per_second / self.noop.per_second


@functools.cache
def noop_task():
    """The floor: a task that does nothing, registered on the project's Celery app (the
    worker runs in this process, so it knows the task without importing this module)."""
    from nucleo.celery import app

    @app.task(name=NOOP_TASK)
    def noop() -> None:
        return None

    return noop


def recipient_email(index: int) -> str:
    return RECIPIENT_EMAIL.format(index)


def recipients_ensure(count: int) -> list[User]:
    """The first ``count`` bench recipients, created in bulk where missing, each a member
    of the bench association and receiving exactly in-app + e-mail for reminders (no
    stored channel choices, no quiet hours), whatever an earlier run left."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bench.seed import BENCH_ASSOCIATION
    from members.models import Association, ChannelPreference, Membership, User

    emails = [recipient_email(i) for i in range(count)]
    with transaction.atomic():
        association, _ = Association.objects.get_or_create(
            slug=BENCH_ASSOCIATION["slug"], defaults=BENCH_ASSOCIATION
        )
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    first_name="Bench",
                    last_name=f"Recipient {i}",
                    password=make_password(None),  # nobody signs in as them
                )
                for i, email in enumerate(emails)
                if email not in existing
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        users = list(User.objects.filter(email__in=emails).order_by("pk"))
        Membership.objects.bulk_create(
            [Membership(user=user, association=association, is_member=True) for user in users],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        ChannelPreference.objects.filter(user__in=users).delete()
        User.objects.filter(email__in=emails).exclude(
            quiet_hours_start=None, quiet_hours_end=None
        ).update(quiet_hours_start=None, quiet_hours_end=None)
        for user in users:
            user.quiet_hours_start = user.quiet_hours_end = None
    return users


def _check_environment(concurrency: int, pool: str) -> None:
    from django.conf import settings
    from django.db import OperationalError, connection

    from members.models import Delivery, Membership, Notification
    from nucleo.celery import app

    if not settings.REDIS_URL:
        raise BenchError(
            "REDIS_URL is not set: Celery would run every task eagerly, in this thread, "
            "and the bench would measure no worker. Set REDIS_URL (e.g. "
            "redis://127.0.0.1:6379/2) and DATABASE_URL (PostgreSQL)."
        )
    if app.conf.task_always_eager:
        raise BenchError("Celery is in eager mode (task_always_eager): no worker to measure.")
    if connection.vendor != "postgresql":
        raise BenchError(
            f"DATABASE_URL must point at PostgreSQL (this is {connection.vendor}): the "
            "worker's threads write concurrently with the script."
        )
    try:
        tables = set(connection.introspection.table_names())
    except OperationalError as error:
        raise BenchError(
            f"Cannot reach the database of DATABASE_URL ({error}). Create it with "
            "`.venv/bin/python manage.py check_services --create-database`, then migrate."
        ) from None
    missing = [m._meta.db_table for m in (Notification, Delivery, Membership)]
    missing = [table for table in missing if table not in tables]
    if missing:
        raise BenchError(
            f"Tables {', '.join(missing)} are missing: run "
            "`.venv/bin/python manage.py migrate` with the same DATABASE_URL first."
        )
    pool_options = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    needed = (concurrency if pool == "threads" else 1) + 1  # the worker's threads + the script
    if isinstance(pool_options, dict) and pool_options.get("max_size", needed) < needed:
        raise BenchError(
            f"The database pool holds {pool_options['max_size']} connections and the bench "
            f"needs {needed}: set DATABASE_POOL_MAX={needed} or lower --concurrency."
        )


@contextmanager
def _quiet_worker_logs() -> Iterator[None]:
    """The worker logs two INFO lines a task: thousands of lines, and their cost in the
    timings. Warnings and errors still show."""
    logger = logging.getLogger("celery")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


@contextmanager
def _own_queue(app: Celery, run_id: str) -> Iterator[str]:
    """Route the timed tasks to a queue of this run's own, and on the way out put the
    app's routes and consumed queues back as they were and delete the queue."""
    queue = f"bench.notifications.{run_id}"
    previous_routes = app.conf.task_routes
    queues = app.amqp.queues
    previous_consume_from = queues._consume_from
    # update(), not assignment: only update() makes the app rebuild its router.
    app.conf.update(task_routes={name: {"queue": queue} for name in (NOOP_TASK, DELIVERY_TASK)})
    try:
        yield queue
    finally:
        app.conf.update(task_routes=previous_routes)
        queues._consume_from = previous_consume_from
        declared = queues.pop(queue, None)
        if declared is not None:
            with app.connection_for_write() as conn:
                # Declared again first: a channel deletes only the bindings it knows.
                bound = declared.bind(conn.default_channel)
                bound.declare()
                bound.delete()


def _measure_noop(count: int, timeout: float) -> Measurement:
    from celery.result import ResultSet

    noop = noop_task()
    _join(ResultSet([noop.delay() for _ in range(min(WARMUP_TASKS, count))]), timeout)
    started = time.perf_counter()
    results = ResultSet([noop.delay() for _ in range(count)])
    queued = time.perf_counter() - started
    _join(results, timeout)
    elapsed = time.perf_counter() - started
    results.forget()
    return Measurement("no-op task", count, elapsed, queued)


def _join(results, timeout: float) -> None:
    from celery.exceptions import TimeoutError as CeleryTimeout

    try:
        if results.supports_native_join:
            results.join_native(timeout=timeout, propagate=True)
        else:
            results.join(timeout=timeout, propagate=True)
    except CeleryTimeout:
        raise BenchError(
            f"The no-op tasks did not all finish within {timeout:g} s: "
            f"{results.completed_count()} of {len(results)} done."
        ) from None


def _measure_notifications(
    users: list[User], key_prefix: str, timeout: float
) -> tuple[Measurement, int]:
    from django.db.models import Max, Min

    from bench.seed import BENCH_ASSOCIATION
    from members import services
    from members.models import Association, Channel, Delivery, Notification

    association = Association.objects.get(slug=BENCH_ASSOCIATION["slug"])
    started = time.perf_counter()
    created = services.notify_many(
        recipients=users,
        kind=KIND,
        key_prefix=key_prefix,
        context={"subject": "bench", "details": "A reminder sent by bench/notifications.py."},
        association=association,
    )
    queued = time.perf_counter() - started  # notify_many queues its e-mails as it commits
    run = Notification.objects.filter(key__startswith=f"{key_prefix}:")
    bounds = run.aggregate(low=Min("pk"), high=Max("pk"))
    moving = Delivery.objects.filter(
        notification_id__gte=bounds["low"] or 0,
        notification_id__lte=bounds["high"] or 0,
        notification__key__startswith=f"{key_prefix}:",
        channel=Channel.EMAIL,
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
    )
    deadline = started + timeout
    while (left := moving.count()) > 0:
        if time.perf_counter() > deadline:
            raise BenchError(
                f"{left} of {created} e-mail deliveries were still pending after "
                f"{timeout:g} s: is the worker consuming? (raise --timeout for a slow machine)"
            )
        time.sleep(POLL_SECONDS)
    elapsed = time.perf_counter() - started
    return Measurement("notification", len(users), elapsed, queued), created


def exactly_once_check(users: list[User], key_prefix: str) -> ExactlyOnce:
    """Each recipient: one in-app and one e-mail delivery, both sent, the e-mail claimed
    once, and exactly one message in the outbox."""
    from django.core import mail
    from django.db.models import Count

    from members.models import Channel, Delivery

    check = ExactlyOnce(expected=len(users))
    run = Delivery.objects.filter(notification__key__startswith=f"{key_prefix}:")
    check.deliveries = {
        (row["channel"], row["status"]): row["n"]
        for row in run.values("channel", "status").annotate(n=Count("pk")).order_by()
    }
    check.email_attempts_not_one = run.filter(channel=Channel.EMAIL).exclude(attempts=1).count()
    # The Message-ID is the delivery's key with dots: "<{key_prefix}.user.7.email@nucleo>".
    marker = "<" + key_prefix.replace(":", ".") + "."
    to = Counter(
        address
        for message in getattr(mail, "outbox", [])
        if str(message.extra_headers.get("Message-ID", "")).startswith(marker)
        for address in message.to
    )
    check.messages = sum(to.values())
    check.recipients_messaged = len(to)
    check.recipients_twice = sum(1 for n in to.values() if n > 1)

    expected = {
        (Channel.IN_APP.value, "sent"): len(users),
        (Channel.EMAIL.value, "sent"): len(users),
    }
    if check.deliveries != expected:
        check.problems.append(
            f"deliveries {_format_statuses(check.deliveries)}, expected "
            f"{_format_statuses(expected)}"
        )
    if check.email_attempts_not_one:
        check.problems.append(f"{check.email_attempts_not_one} e-mails not claimed exactly once")
    emails = {user.email for user in users}
    if set(to) != emails:
        check.problems.append(
            f"{len(emails - set(to))} recipients without a message, "
            f"{len(set(to) - emails)} messages to someone else"
        )
    if check.recipients_twice:
        check.problems.append(f"{check.recipients_twice} recipients messaged more than once")
    return check


def _format_statuses(deliveries: dict[tuple[str, str], int]) -> str:
    return ", ".join(
        f"{channel} {status} {n}" for (channel, status), n in sorted(deliveries.items())
    )


def cleanup(key_prefix: str) -> int:
    """Delete the run's notifications (their deliveries go with them)."""
    from members.models import Notification

    deleted, _ = Notification.objects.filter(key__startswith=f"{key_prefix}:").delete()
    return deleted


def run(
    *,
    count: int = 10_000,
    concurrency: int = 2,
    pool: str = "threads",
    timeout: float = 300.0,
    keep: bool = False,
    out: TextIO = sys.stdout,
) -> Result:
    """Start a worker in this process, time the no-op tasks and the notifications, check
    exactly-once and print a table. Django must be set up; Celery must not be eager."""
    from celery.contrib.testing.worker import start_worker
    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from nucleo.celery import app

    if count < 1 or concurrency < 1:
        raise ValueError("count and concurrency must be at least 1.")
    if pool == "solo":
        concurrency = 1
    _check_environment(concurrency, pool)

    run_id = f"{timezone.now():%Y%m%dT%H%M%S%f}"
    key_prefix = f"bench-notify:{run_id}"
    out.write(f"Preparing {count} recipients… ")
    out.flush()
    started = time.perf_counter()
    users = recipients_ensure(count)
    out.write(f"{time.perf_counter() - started:.1f} s.\n")

    if not hasattr(mail, "outbox"):
        mail.outbox = []
    noop_task()  # registered before the worker starts
    try:
        with (
            override_settings(EMAIL_BACKEND=LOCMEM_EMAIL_BACKEND),
            _quiet_worker_logs(),
            _own_queue(app, run_id) as queue,
            start_worker(
                app,
                pool=pool,
                concurrency=concurrency,
                perform_ping_check=False,
                queues=[queue],
                shutdown_timeout=30,
            ),
        ):
            out.write(
                f"Worker in this process: pool {pool}, concurrency {concurrency}, queue "
                f"{queue} on {app.connection_for_write().as_uri()}.\n"
            )
            out.flush()
            noop = _measure_noop(count, timeout)
            notifications, created = _measure_notifications(users, key_prefix, timeout)
        exactly_once = exactly_once_check(users, key_prefix)
        if created != count:
            exactly_once.problems.insert(0, f"{created} notifications created, expected {count}")
    finally:
        if not keep:
            cleanup(key_prefix)

    result = Result(key_prefix, noop, notifications, exactly_once)
    _print(result, keep, out)
    return result


def _print(result: Result, keep: bool, out: TextIO) -> None:
    out.write(
        f"\n{'':<14} {'count':>8} {'seconds':>9} {'per second':>11} {'all queued after':>17}\n"
    )
    for m in (result.noop, result.notifications):
        out.write(
            f"{m.label:<14} {m.count:>8} {m.seconds:>9.2f} {m.per_second:>11.1f} "
            f"{m.queued_seconds:>15.2f} s\n"
        )
    out.write(f"ratio notifications/no-op: {result.ratio:.3f}\n")
    check = result.exactly_once
    summary = (
        f"deliveries {_format_statuses(check.deliveries)}; {check.messages} e-mails to "
        f"{check.recipients_messaged} recipients, {check.recipients_twice} twice"
    )
    if check.ok:
        out.write(f"exactly once: OK ({summary})\n")
    else:
        out.write(f"exactly once: FAILED: {'; '.join(check.problems)} ({summary})\n")
    if keep:
        out.write(f"Kept the run's notifications: key prefix {result.key_prefix}:\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="tasks and notifications")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's threads")
    parser.add_argument(
        "--pool", choices=["threads", "solo"], default="threads", help="the worker's pool"
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for each phase"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's notifications and deliveries"
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.concurrency < 1:
        parser.error("--count and --concurrency must be at least 1")
    if not os.environ.get("REDIS_URL"):
        print(
            "REDIS_URL is not set: Celery would run the tasks eagerly in this thread and "
            "there would be no worker to measure. Run with REDIS_URL=redis://127.0.0.1:6379/2 "
            "and DATABASE_URL=postgres://… (after `manage.py migrate`).",
            file=sys.stderr,
        )
        return 2

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    try:
        result = run(
            count=args.count,
            concurrency=args.concurrency,
            pool=args.pool,
            timeout=args.timeout,
            keep=args.keep,
        )
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    return 0 if result.exactly_once.ok else 1


if __name__ == "__main__":
    # Run as a script, this file is ``__main__``: hand over to ``bench.notifications`` so
    # the no-op task and everything else live in one module.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nucleo.settings")
    from bench.notifications import main as bench_main

    sys.exit(bench_main())
