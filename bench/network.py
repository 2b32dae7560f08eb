"""The solidarity network at scale: matching every volunteer for one help request, next
to the floor page, and a community alert's fan-out to every member through a real Celery
worker, next to a no-op task.

    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python manage.py seed_scale --factor 100
    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/network.py [--repeat 20] [--members N] [--concurrency 2]

1. Matching. ``emergencies.services.network.ranking`` for the bench's first open help
   request (two skills, Arabic, the Centro) over every active volunteer of "Bench ETS"
   (10,000 at factor 100), round-robin with the floor page ``bench-floor`` requested by
   the bench operator, as ``bench/pages.py`` times it. The ranking is also timed in its
   two halves: ``candidates`` (the volunteers as plain data, four queries whatever their
   number; checked) and the pure ``matching.rank``. The ratio to the floor's median is
   what compares across machines: the help-request page pays it on top of the floor.
2. Fan-out. A community alert (texts in Italian, English and Arabic, by e-mail and SMS,
   urgent) to every member of Bench ETS (100,000 at factor 100), written and sent
   through the alert services (``alert_create``, ``alert_send``). Members need an
   account to be notified, and the bench registry has none: for the run, ``--members``
   of them (all by default) get one, ``bench-alert-<i>@nucleo.test``, created once and
   reused after, and lose it again at the end. A worker started in this process on
   Redis (as in ``bench/notifications.py``, whose no-op task, queue routing and checks
   this reuses) runs the fan-out task, its batches (``notify_many`` per language) and
   each e-mail and SMS; the clock runs from ``alert_send`` until every member has a row,
   every account a notification and no delivery of the run is pending → members and
   deliveries per second, against no-op tasks per second through the same worker.

Then exactly-once: one answer row per member, and for each member with an account one
notification, in-app + e-mail + SMS all sent, each claimed once, one e-mail and one SMS
(counted by in-memory backends, so nothing leaves the machine). The exit status is 1
when a phase times out or the check fails. The run's alert, answers and notifications
are deleted at the end unless ``--keep``; the accounts stay, unlinked, for the next run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from emergencies.models import CommunityAlert
    from members.models import Association, User

REPO_ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_EMAIL = "bench-alert-{}@nucleo.test"
ACCOUNT_PREFIX = "bench-alert-"
ALERT_SUBJECT_PREFIX = "Bench fan-out "
BATCH_SIZE = 1000
# What the clock runs through, and the tasks routed to the run's worker with the
# deliveries.
FAN_OUT_PATH = (
    "emergencies.services.alerts.alert_send → alert_fan_out_task → alert_notify_batch_task "
    "→ delivery_send_task, through the worker"
)
FAN_OUT_TASKS = (
    "emergencies.tasks.alert_fan_out_task",
    "emergencies.tasks.alert_notify_batch_task",
)
POLL_SECONDS = 0.5
ANALYZE_SECONDS = 60
# The alert service's notification kinds (urgent, reminder…) all start so.
ALERT_KIND = "emergencies.community_alert"
ALERT_TEXTS = {
    "it": ("Ondata di calore", "Bevi molta acqua e non uscire nelle ore più calde."),
    "en": ("Heat wave", "Drink plenty of water and stay indoors in the hottest hours."),
    "ar": ("موجة حر", "اشرب الكثير من الماء ولا تخرج في ساعات الحر الشديد."),
}


class BenchError(Exception):
    """The bench cannot run here (not seeded, no Redis…) or did not finish in time."""


# --- 1. Matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    ratio: float  # median over the floor page's median


@dataclass(frozen=True)
class RankingResult:
    request_id: int
    volunteers: int  # active volunteers of the association
    ranked: int  # eligible ones, in the ranking
    candidate_queries: int
    ranking_queries: int
    timings: list[Timing]

    def timing(self, label: str) -> Timing:
        return next(t for t in self.timings if t.label == label)


def bench_request():
    """The bench's first open help request: the one the help-request page bench opens."""
    from bench import pages
    from bench.seed import bench_association
    from emergencies.models import HelpRequest

    try:
        ctx = pages.PageContext(association=bench_association(), user=None)
        pk = pages.open_help_request(ctx)["pk"]
    except pages.BenchNotSeeded as error:
        raise BenchError(f"{error} (--factor 100 for 10,000 volunteers)") from None
    return HelpRequest.objects.get(pk=pk)


def run_ranking(*, repeat: int = 20, warmup: int = 2, out: TextIO = sys.stdout) -> RankingResult:
    """Time ``ranking`` for the bench request, its two halves, and the floor page.
    Django must be set up and the test environment installed (for the test client)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench import pages
    from bench.seed import bench_users
    from emergencies import matching
    from emergencies.services.network import candidates, need_of, ranking
    from members.models import Role, VolunteerProfile

    if repeat < 1 or warmup < 0:
        raise ValueError("repeat must be at least 1 and warmup at least 0.")
    help_request = bench_request()
    operator = bench_users().get(Role.OPERATOR)
    if operator is None:
        raise BenchError("The bench operator does not exist: run seed_scale first.")
    volunteers = (
        VolunteerProfile.objects.filter(association_id=help_request.association_id).active().count()
    )
    with CaptureQueriesContext(connection) as queries:
        candidates(help_request)
    candidate_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        ranked = ranking(help_request)
    ranking_queries = len(queries)

    client = Client()
    client.force_login(operator)
    floor_url = reverse(pages.FLOOR)

    def floor() -> None:
        pages._get(client, pages.Page(Role.OPERATOR.value, pages.FLOOR), floor_url)

    def halves() -> tuple[float, float]:
        started = time.perf_counter()
        need = need_of(help_request)
        people = candidates(help_request)
        loaded = time.perf_counter()
        matching.rank(need, people, now=timezone.now())
        return (loaded - started) * 1000, (time.perf_counter() - loaded) * 1000

    def whole() -> None:
        ranking(help_request)

    for _ in range(warmup):
        floor()
        halves()
        whole()
    samples: dict[str, list[float]] = {
        "floor": [],
        "candidates": [],
        "rank": [],
        "ranking": [],
    }
    for _ in range(repeat):
        samples["floor"].append(_ms(floor))
        loading, ranking_ms = halves()
        samples["candidates"].append(loading)
        samples["rank"].append(ranking_ms)
        samples["ranking"].append(_ms(whole))

    floor_median = statistics.median(samples["floor"])
    labels = {
        "floor": f"{pages.FLOOR} (operator)",
        "candidates": f"candidates ({candidate_queries} queries)",
        "rank": "matching.rank (pure)",
        "ranking": f"ranking ({ranking_queries} queries)",
    }
    timings = [
        Timing(
            label=labels[key],
            median_ms=statistics.median(values),
            p95_ms=pages._p95(values),
            ratio=statistics.median(values) / floor_median,
        )
        for key, values in samples.items()
    ]
    result = RankingResult(
        request_id=help_request.pk,
        volunteers=volunteers,
        ranked=len(ranked),
        candidate_queries=candidate_queries,
        ranking_queries=ranking_queries,
        timings=timings,
    )
    out.write(
        f"Matching: help request #{help_request.pk} over {volunteers} active volunteers, "
        f"{len(ranked)} eligible and ranked; {repeat} timed runs after {warmup} warm-up.\n"
    )
    if settings.DEBUG:
        out.write("DEBUG is on: every query is also logged, timings are inflated.\n")
    out.write(f"{'':<30} {'median ms':>10} {'p95 ms':>10} {'ratio':>8}\n")
    for timing in timings:
        out.write(
            f"{timing.label:<30} {timing.median_ms:>10.2f} {timing.p95_ms:>10.2f} "
            f"{timing.ratio:>7.2f}x\n"
        )
    return result


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


# --- 2. Fan-out -------------------------------------------------------------------------


class CountingEmailBackend:
    """E-mail backend that counts messages by recipient and keeps nothing else: a
    hundred thousand rendered messages would take gigabytes in the locmem outbox."""

    sent: Counter = Counter()
    lock = threading.Lock()

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        with self.lock:
            for message in messages:
                self.sent.update(message.to)
        return len(messages)


class CountingSMSBackend:
    """SMS backend that counts messages by number."""

    sent: Counter = Counter()
    lock = threading.Lock()

    def send(self, *, to: str, text: str) -> None:
        with self.lock:
            self.sent[to] += 1


def _counters_reset() -> None:
    for backend in (CountingEmailBackend, CountingSMSBackend):
        with backend.lock:
            backend.sent.clear()


def account_email(index: int) -> str:
    return ACCOUNT_EMAIL.format(index)


def account_phone(index: int) -> str:
    return f"+39350{index:07d}"


@dataclass
class FanOutCheck:
    members: int  # targeted: a row each
    notified: int  # of them, with an account
    answers: int = 0
    notifications: int = 0
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    claimed_not_once: int = 0
    emails: int = 0
    sms: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class FanOutResult:
    path: str  # what the clock ran through
    noop_per_second: float
    noop_count: int
    members: int
    notified: int
    deliveries: int  # e-mail and SMS, each a task of the worker
    fan_out_seconds: float  # alert_send: the answer rows, in one transaction
    seconds: float  # until the last delivery was sent
    check: FanOutCheck

    @property
    def members_per_second(self) -> float:
        return self.members / self.seconds if self.seconds else float("inf")

    @property
    def deliveries_per_second(self) -> float:
        return self.deliveries / self.seconds if self.seconds else float("inf")

    @property
    def ratio(self) -> float:
        return self.deliveries_per_second / self.noop_per_second


def accounts_link(association: Association, limit: int | None) -> int:
    """Give ``limit`` (all by default) of the association's members without an account
    one, ``bench-alert-<i>``: created in bulk where missing, no stored channel choices
    or quiet hours, a mobile number, half of them reading English. Returns how many
    members got one."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from members.models import ChannelPreference, Member, User

    with transaction.atomic():
        free = Member.objects.filter(
            association=association, user__isnull=True, anonymised_at__isnull=True
        ).order_by("pk")
        member_ids = list(free.values_list("pk", flat=True))[:limit]
        emails = [account_email(i) for i in range(len(member_ids))]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    first_name="Bench",
                    last_name=f"Alert {i}",
                    password=make_password(None),  # nobody signs in as them
                    phone=account_phone(i),
                    language="en" if i % 2 else "it",
                )
                for i, email in enumerate(emails)
                if email not in existing
            ],
            batch_size=BATCH_SIZE,
        )
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        ChannelPreference.objects.filter(user_id__in=users.values()).delete()
        User.objects.filter(pk__in=users.values()).update(
            quiet_hours_start=None, quiet_hours_end=None, is_active=True
        )
        # No per-row save: it would write a hundred thousand history rows.
        Member.objects.bulk_update(
            [
                Member(pk=member_id, user_id=users[email])
                for member_id, email in zip(member_ids, emails, strict=True)
            ],
            ["user"],
            batch_size=BATCH_SIZE,
        )
    return len(member_ids)


def accounts_unlink(association: Association) -> int:
    from members.models import Member

    return Member.objects.filter(
        association=association, user__email__startswith=ACCOUNT_PREFIX
    ).update(user=None)


def leftovers_remove(association: Association) -> None:
    """What an interrupted run may have left: its alert, the notifications of the
    run's accounts (a batch in flight may commit after the cleanup), linked accounts."""
    from emergencies.models import CommunityAlert

    CommunityAlert.objects.filter(
        association=association, subject__startswith=ALERT_SUBJECT_PREFIX
    ).delete()
    _run_notifications(association).delete()
    accounts_unlink(association)


def alert_draft(association: Association, by: User, run_id: str) -> CommunityAlert:
    """The run's alert, through the alert service: urgent, by e-mail and SMS, with its
    texts in Italian, English and Arabic, to every member (no zone, no language)."""
    from emergencies.models import CommunityAlert
    from emergencies.services.alerts import alert_create
    from members.models import Language

    languages = Language.objects.in_bulk(list(ALERT_TEXTS))
    return alert_create(
        association=association,
        by=by,
        subject=f"{ALERT_SUBJECT_PREFIX}{run_id}",
        texts=[(languages[code], title, body) for code, (title, body) in ALERT_TEXTS.items()],
        urgency=CommunityAlert.Urgency.URGENT,
        by_email=True,
        by_sms=True,
    )


def _run_notifications(association: Association):
    """The alert messages of the bench association: only the run's (the seeded alert
    was written without any, and a run starts by deleting what an earlier one left)."""
    from members.models import Notification

    return Notification.objects.filter(association=association, kind__startswith=ALERT_KIND)


def _run_deliveries(association: Association):
    from members.models import Delivery

    return Delivery.objects.filter(
        notification__association=association, notification__kind__startswith=ALERT_KIND
    )


def _analyze_outbox() -> None:
    """Fresh planner statistics for the outbox tables, as autovacuum's autoanalyze would
    gather them (it is off on some bench machines, and wakes up once a minute). A table
    that was empty at its last ANALYZE stays "empty" for the planner while the fan-out
    writes 100,000 rows, and the delivery task's lookup of its row (select_related
    notification and recipient) then walks every notification: minutes a delivery."""
    from django.db import connection

    from members.models import Delivery, Notification

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = (Notification._meta.db_table, Delivery._meta.db_table)
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def _wait(association, alert, expected: tuple[int, int], deadline: float) -> None:
    """Until every member has a row, every account a notification, and no e-mail or
    SMS of the run is pending or being sent."""
    from emergencies.models import AlertAnswer
    from members.models import Channel, Delivery

    members, notified = expected
    moving = (
        _run_deliveries(association)
        .exclude(channel=Channel.IN_APP)
        .filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    )
    notifications = _run_notifications(association)
    analyzed_at, analyzed_rows = time.perf_counter(), 0
    while True:
        answers = AlertAnswer.objects.filter(alert=alert).count()
        written = notifications.count()
        if answers >= members and written >= notified and not moving.exists():
            return
        if time.perf_counter() > deadline:
            raise BenchError(
                f"After the timeout: {answers} of {members} answer rows, {written} of "
                f"{notified} notifications, {moving.count()} deliveries still pending: is "
                "the worker consuming? (raise --timeout)"
            )
        # Each time the run's rows have doubled, and every minute.
        if written > 2 * analyzed_rows or time.perf_counter() - analyzed_at > ANALYZE_SECONDS:
            _analyze_outbox()
            analyzed_at, analyzed_rows = time.perf_counter(), written
        time.sleep(POLL_SECONDS)


def fan_out_check(association, alert, members: int, notified: int) -> FanOutCheck:
    from django.db.models import Count

    from emergencies.models import AlertAnswer
    from members.models import Channel, User
    from members.sms import normalize_phone

    check = FanOutCheck(members=members, notified=notified)
    check.answers = AlertAnswer.objects.filter(alert=alert).count()
    run = _run_deliveries(association)
    check.notifications = _run_notifications(association).count()
    check.deliveries = {
        (row["channel"], row["status"]): row["n"]
        for row in run.values("channel", "status").annotate(n=Count("pk")).order_by()
    }
    check.claimed_not_once = run.exclude(channel=Channel.IN_APP).exclude(attempts=1).count()
    recipients = User.objects.filter(
        pk__in=AlertAnswer.objects.filter(alert=alert, notified=True).values("member__user")
    )
    emails = set(recipients.values_list("email", flat=True))
    phones = {
        normalize_phone(phone)
        for phone in recipients.exclude(phone="").values_list("phone", flat=True)
    }
    check.emails = sum(CountingEmailBackend.sent.values())
    check.sms = sum(CountingSMSBackend.sent.values())

    if check.answers != members:
        check.problems.append(f"{check.answers} answer rows, expected {members}")
    if check.notifications != notified:
        check.problems.append(f"{check.notifications} notifications, expected {notified}")
    # An account without a mobile number (the bench member's) cannot have the SMS.
    expected = {
        (Channel.IN_APP.value, "sent"): notified,
        (Channel.EMAIL.value, "sent"): notified,
        (Channel.SMS.value, "sent"): len(phones),
        (Channel.SMS.value, "failed"): notified - len(phones),
    }
    expected = {key: n for key, n in expected.items() if n}
    if check.deliveries != expected:
        check.problems.append(
            f"deliveries {_statuses(check.deliveries)}, expected {_statuses(expected)}"
        )
    if check.claimed_not_once:
        check.problems.append(f"{check.claimed_not_once} deliveries not claimed exactly once")
    if set(CountingEmailBackend.sent) != emails or check.emails != len(emails):
        check.problems.append(f"{check.emails} e-mails for {len(emails)} accounts")
    if set(CountingSMSBackend.sent) != phones or check.sms != len(phones):
        check.problems.append(f"{check.sms} SMS for {len(phones)} mobile numbers")
    return check


def _statuses(deliveries: dict[tuple[str, str], int]) -> str:
    return ", ".join(
        f"{channel} {status} {n}" for (channel, status), n in sorted(deliveries.items())
    )


def cleanup(association: Association, alert: CommunityAlert | None) -> None:
    """Delete the run's alert (its texts and answers go with it) and notifications."""
    if alert is not None:
        alert.delete()
    _run_notifications(association).delete()


def run_fan_out(
    *,
    members: int | None = None,
    noop_count: int = 10_000,
    concurrency: int = 2,
    pool: str = "threads",
    timeout: float = 1800.0,
    keep: bool = False,
    out: TextIO = sys.stdout,
) -> FanOutResult:
    """Start a worker in this process, time no-op tasks, then the alert's fan-out and
    its deliveries; check exactly-once and print a table. Django must be set up; Celery
    must not be eager."""
    from celery.contrib.testing.worker import start_worker
    from django.test.utils import override_settings
    from django.utils import timezone

    from bench import notifications
    from bench.seed import bench_association, bench_users
    from emergencies.models import AlertAnswer
    from emergencies.services.alerts import alert_send
    from members.models import Member, Role
    from nucleo.celery import app

    if concurrency < 1 or noop_count < 1 or (members is not None and members < 1):
        raise ValueError("members, noop_count and concurrency must be at least 1.")
    if pool == "solo":
        concurrency = 1
    try:
        notifications._check_environment(concurrency, pool)
    except notifications.BenchError as error:
        raise BenchError(str(error)) from None
    association = bench_association()
    coordinator = bench_users().get(Role.COORDINATOR)
    if association is None or coordinator is None:
        raise BenchError(
            "The bench association does not exist: run `.venv/bin/python manage.py "
            "seed_scale --factor 100` first."
        )
    run_id = f"{timezone.now():%Y%m%dT%H%M%S%f}"
    out.write(f"Fan-out: {FAN_OUT_PATH}.\nGiving the members accounts for the run… ")
    out.flush()
    started = time.perf_counter()
    leftovers_remove(association)
    accounts_link(association, members)
    targeted = Member.objects.filter(association=association, anonymised_at__isnull=True)
    expected = (targeted.count(), targeted.filter(user__isnull=False).count())
    out.write(
        f"{time.perf_counter() - started:.1f} s: {expected[0]} members, {expected[1]} with "
        "an account.\n"
    )

    _counters_reset()
    notifications.noop_task()  # registered before the worker starts
    alert = None
    try:
        with (
            override_settings(
                EMAIL_BACKEND="bench.network.CountingEmailBackend",
                NUCLEO_SMS_BACKEND="bench.network.CountingSMSBackend",
            ),
            notifications._quiet_worker_logs(),
            notifications._own_queue(app, run_id) as queue,
            start_worker(
                app,
                pool=pool,
                concurrency=concurrency,
                perform_ping_check=False,
                queues=[queue],
                shutdown_timeout=30,
            ),
        ):
            # The fan-out and its batches are tasks too: to this run's worker as well.
            app.conf.update(
                task_routes={
                    **app.conf.task_routes,
                    **{name: {"queue": queue} for name in FAN_OUT_TASKS},
                }
            )
            out.write(
                f"Worker in this process: pool {pool}, concurrency {concurrency}, queue "
                f"{queue} on {app.connection_for_write().as_uri()}.\n"
            )
            out.flush()
            try:
                noop = notifications._measure_noop(noop_count, timeout)
            except notifications.BenchError as error:
                raise BenchError(str(error)) from None
            alert = alert_draft(association, coordinator, run_id)
            started = time.perf_counter()
            alert_send(alert=alert, by=coordinator)
            fan_out_seconds = time.perf_counter() - started
            _wait(association, alert, expected, started + timeout)
            seconds = time.perf_counter() - started
        check = fan_out_check(association, alert, *expected)
        sent = AlertAnswer.objects.filter(alert=alert, notified=True).count()
    finally:
        if not keep:
            cleanup(association, alert)
            accounts_unlink(association)

    result = FanOutResult(
        path=FAN_OUT_PATH,
        noop_per_second=noop.per_second,
        noop_count=noop.count,
        members=expected[0],
        notified=sent,
        deliveries=sum(n for (channel, _s), n in check.deliveries.items() if channel != "in_app"),
        fan_out_seconds=fan_out_seconds,
        seconds=seconds,
        check=check,
    )
    _print_fan_out(result, keep, out)
    return result


def _print_fan_out(result: FanOutResult, keep: bool, out: TextIO) -> None:
    out.write(
        f"\n{'':<22} {'count':>8} {'seconds':>9} {'per second':>11}\n"
        f"{'no-op task':<22} {result.noop_count:>8} "
        f"{result.noop_count / result.noop_per_second:>9.2f} {result.noop_per_second:>11.1f}\n"
        f"{'members notified':<22} {result.members:>8} {result.seconds:>9.2f} "
        f"{result.members_per_second:>11.1f}\n"
        f"{'deliveries (e-mail+SMS)':<22} {result.deliveries:>8} {result.seconds:>9.2f} "
        f"{result.deliveries_per_second:>11.1f}\n"
        f"alert_send wrote the answer rows in {result.fan_out_seconds:.2f} s; "
        f"{result.notified} members notified.\n"
        f"ratio deliveries/no-op: {result.ratio:.3f}\n"
    )
    check = result.check
    summary = (
        f"{check.answers} answer rows, {check.notifications} notifications, deliveries "
        f"{_statuses(check.deliveries)}; {check.emails} e-mails, {check.sms} SMS"
    )
    if check.ok:
        out.write(f"exactly once: OK ({summary})\n")
    else:
        out.write(f"exactly once: FAILED: {'; '.join(check.problems)} ({summary})\n")
    if keep:
        out.write("Kept the run's alert, answers, notifications and accounts.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed rankings")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rankings first")
    parser.add_argument(
        "--members", type=int, default=None, help="members given an account (default: all)"
    )
    parser.add_argument("--noop", type=int, default=10_000, help="no-op tasks for the floor")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's threads")
    parser.add_argument(
        "--pool", choices=["threads", "solo"], default="threads", help="the worker's pool"
    )
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds to wait for each phase"
    )
    parser.add_argument("--skip-fan-out", action="store_true", help="only time the matching")
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's alert, notifications and accounts"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.noop < 1 or args.concurrency < 1:
        parser.error("--repeat, --noop and --concurrency must be at least 1, --warmup 0")
    if not args.skip_fan_out and not os.environ.get("REDIS_URL"):
        print(
            "REDIS_URL is not set: Celery would run the tasks eagerly in this thread and "
            "there would be no worker to measure. Run with REDIS_URL=redis://127.0.0.1:6379/2 "
            "and DATABASE_URL=postgres://… (or --skip-fan-out for the matching alone).",
            file=sys.stderr,
        )
        return 2

    import django
    from django.test.utils import setup_test_environment

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    setup_test_environment()
    try:
        run_ranking(repeat=args.repeat, warmup=args.warmup)
        if args.skip_fan_out:
            return 0
        print()
        result = run_fan_out(
            members=args.members,
            noop_count=args.noop,
            concurrency=args.concurrency,
            pool=args.pool,
            timeout=args.timeout,
            keep=args.keep,
        )
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    return 0 if result.check.ok else 1


if __name__ == "__main__":
    # Run as a script, this file is ``__main__``: hand over to ``bench.network`` so the
    # counting backends the settings name are the ones the run reads.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nucleo.settings")
    from bench.network import main as bench_main

    sys.exit(bench_main())
