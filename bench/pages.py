"""Time Nucleo's pages through the whole middleware stack, next to a floor page.

    .venv/bin/python manage.py seed_scale --factor 1
    .venv/bin/python bench/pages.py [--repeat 30] [--warmup 3]

Each registered page is requested by the bench user of its role (signed in with
``force_login``) with django.test.Client, round-robin with the floor page
``bench-floor``: a signed-in page doing one indexed query. Milliseconds depend on the
machine; the ratio of a page's median to the floor's median for the same person is what
compares across machines and runs (the floor carries the same session, middleware and
second-factor checks, so the ratio is what the page itself adds).

A page that caches what it computes (the coordinators' dashboard keeps its figures five
minutes) would be timed on cache hits. Registered with ``uncached=True``, the cache is
emptied before each of its requests, outside the timed interval, so every request
computes everything again; the signed-in session (``cached_db``) is read back into the
cache first, so the page pays for its own misses only. A second registration with a
``label`` times the same page on its cache; the label follows the URL name in the table.

Each module's issue registers its pages in ``PAGES``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from members.models import Association, User

REPO_ROOT = Path(__file__).resolve().parent.parent
FLOOR = "bench-floor"


class BenchNotSeeded(Exception):
    """The bench association or one of its users is missing."""


@dataclass(frozen=True)
class PageContext:
    """What a page's ``kwargs`` function may read to build its URL."""

    association: Association
    user: User


@dataclass(frozen=True)
class Page:
    role: str
    url_name: str
    kwargs: Callable[[PageContext], dict[str, Any]] | None = None
    # A page whose URL is still being written: while its name does not resolve, the run
    # skips it with a note instead of failing. A required page's name must resolve.
    optional: bool = False
    # Requested on an emptied cache each time: what the page costs when its cache has
    # expired, rather than what a cache hit costs. Shown as "(uncached)" without a label.
    uncached: bool = False
    # Shown after the URL name, to tell two registrations of one page apart.
    label: str = ""

    @property
    def shown_label(self) -> str:
        return self.label or ("uncached" if self.uncached else "")

    @property
    def name(self) -> str:
        return _name(self.url_name, self.shown_label)


@dataclass(frozen=True)
class Result:
    role: str
    url_name: str
    median_ms: float
    p95_ms: float
    ratio: float  # median over the floor's median for the same role
    label: str = ""

    @property
    def name(self) -> str:
        return _name(self.url_name, self.label)

    @property
    def is_floor(self) -> bool:
        return self.url_name == FLOOR


def _name(url_name: str, label: str) -> str:
    return f"{url_name} ({label})" if label else url_name


PAGES: list[Page] = []


def register(*pages: Page) -> None:
    for page in pages:
        if page not in PAGES:
            PAGES.append(page)


def some_member(ctx: PageContext) -> dict[str, Any]:
    """A registry entry without an account, like most people operators look up."""
    from members.models import Member

    pk = (
        Member.objects.filter(association=ctx.association, user__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench association has no members: run seed_scale.")
    return {"pk": pk}


def some_case(ctx: PageContext) -> dict[str, Any]:
    """A case the signed-in operator follows, with its timeline and follow-ups; any case
    of the association for someone who follows none."""
    from emergencies.models import Case

    cases = Case.objects.filter(association=ctx.association).order_by("pk")
    pk = (
        cases.filter(assigned_to=ctx.user).values_list("pk", flat=True).first()
        or cases.values_list("pk", flat=True).first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench association has no cases: run seed_scale.")
    return {"pk": pk}


register(
    *(Page(role, "home") for role in ("member", "facilitator", "operator", "coordinator")),
    *(
        Page(role, url_name, kwargs)
        for role in ("operator", "coordinator")
        for url_name, kwargs in (
            ("members:member-list", None),
            ("members:invitation-list", None),
            ("members:member-detail", some_member),
        )
    ),
    Page("coordinator", "members:signin-list"),
)

# The resource map. Everyone may read it without signing in; the bench times it for a
# signed-in member, who sees the same public resources.
register(
    Page("member", "resources:directory", optional=True),
    Page("member", "resources:map-data", optional=True),
    Page("member", "hsds-api:service-list", optional=True),
)

# Case management: the list as its two readers see it, a case file, and the intake form.
register(
    Page("operator", "emergencies:case-list"),
    Page("operator", "emergencies:case-detail", some_case),
    Page("operator", "emergencies:case-intake"),
    Page("coordinator", "emergencies:case-list"),
)


def open_help_request(ctx: PageContext) -> dict[str, Any]:
    """The bench's first open help request (two skills, Arabic, the Centro): its page
    ranks every volunteer of the association for it."""
    from emergencies.models import HelpRequest

    pk = (
        HelpRequest.objects.filter(association=ctx.association, status=HelpRequest.Status.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench association has no open help request: run seed_scale.")
    return {"pk": pk}


def bench_alert(ctx: PageContext) -> dict[str, Any]:
    """The community alert of the bench, with a row for every member."""
    from bench.seed import BENCH_ALERT_SUBJECT
    from emergencies.models import CommunityAlert

    pk = (
        CommunityAlert.objects.filter(association=ctx.association, subject=BENCH_ALERT_SUBJECT)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench association has no community alert: run seed_scale.")
    return {"pk": pk}


# The solidarity network: matching 10,000 volunteers for one request (its page shows the
# ranking with the reasons), the operator's list of requests, and the coordinator's live
# board of an alert to every member. Required: their views are written.
register(
    Page("operator", "emergencies:help-request-detail", open_help_request),
    Page("operator", "emergencies:help-request-list"),
    Page("coordinator", "emergencies:alert-detail", bench_alert),
)


def own_plan(ctx: PageContext) -> dict[str, Any]:
    """The signed-in member's own emergency plan: for the bench member, the heavy one
    (20 scenarios with their actions and services, 20 contacts, 20 documents)."""
    from emergencies.models import EmergencyPlan

    pk = (
        EmergencyPlan.objects.filter(
            association=ctx.association, member__user=ctx.user, is_active=True
        )
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench member has no emergency plan: run seed_scale.")
    return {"pk": pk}


# Personal emergency plans: the member's own plan at its longest, and the operators'
# list of the plans shared with them (two in three of the association's).
register(
    Page("member", "emergencies:plan-detail", own_plan),
    Page("operator", "emergencies:plan-list"),
)


def big_session(ctx: PageContext) -> dict[str, Any]:
    """The plenary session the bench facilitator runs, with 50 people enrolled: the
    attendance checklist lists them all."""
    from bench.seed import BIG_SESSION_COURSE
    from training.models import Session

    pk = (
        Session.objects.filter(
            course__association=ctx.association,
            course__title=BIG_SESSION_COURSE,
            facilitators=ctx.user,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise BenchNotSeeded("The bench facilitator runs no session: run seed_scale.")
    return {"pk": pk}


# Training: the member's calendar (this month, the default; the bench member is enrolled
# in 50 sessions of the coming weeks) and the facilitator's attendance checklist of a
# session with 50 people.
register(
    Page("member", "training:calendar"),
    Page("facilitator", "training:attendance", big_session),
)


# Evaluation: the coordinators' dashboard over its default period (the past year), on
# 5,000 feedback answers and 1,000 check-ins per factor besides the other modules' rows.
# It caches its figures for five minutes: timed without the cache (what the first reader
# after an expiry waits for, the figure that matters), and with it.
register(
    Page("coordinator", "evaluation:dashboard", uncached=True),
    Page("coordinator", "evaluation:dashboard", label="cached"),
)


def run(repeat: int, warmup: int, out: TextIO = sys.stdout) -> list[Result]:
    """Time every page of ``PAGES`` and print a table. Django must be set up and the
    test environment installed (the test client's host is ``testserver``)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.seed import BENCH_ROLES, bench_association, bench_users

    if repeat < 1 or warmup < 0:
        raise ValueError("repeat must be at least 1 and warmup at least 0.")
    association = bench_association()
    users = bench_users()
    if association is None or len(users) < len(BENCH_ROLES):
        raise BenchNotSeeded(
            "The bench users do not exist: run `.venv/bin/python manage.py seed_scale "
            "--factor 1` first."
        )

    out.write(f"{len(PAGES)} pages, {repeat} timed requests each after {warmup} warm-up.\n")
    if settings.DEBUG:
        out.write("DEBUG is on: every query is also logged, timings are inflated.\n")
    if any(page.uncached for page in PAGES):
        out.write("Pages marked (uncached) are requested on an emptied cache each time.\n")
    width = max([32, *(len(page.name) for page in PAGES)])
    out.write(f"{'role':<12} {'url name':<{width}} {'median ms':>10} {'p95 ms':>10} {'ratio':>8}\n")

    results: list[Result] = []
    for role in BENCH_ROLES:
        pages = [page for page in PAGES if page.role == role.value]
        if not pages:
            continue
        user = users[role]
        client = Client()
        client.force_login(user)
        ctx = PageContext(association=association, user=user)
        # A list, not a dict by URL name: a page may be registered twice with other kwargs
        # or caching.
        targets = [(Page(role.value, FLOOR), reverse(FLOOR))]
        for page in pages:
            try:
                url = reverse(page.url_name, kwargs=page.kwargs(ctx) if page.kwargs else None)
            except NoReverseMatch:
                if not page.optional:
                    raise
                out.write(f"skipped: {role.value} {page.url_name} (no such URL yet)\n")
                continue
            targets.append((page, url))

        for _ in range(warmup):
            for page, url in targets:
                _get(client, page, url)
        samples: list[list[float]] = [[] for _ in targets]
        # Round-robin rather than page after page: a slow spell of the machine then
        # lands on every page alike instead of on one page's numbers.
        for _ in range(repeat):
            for timings, (page, url) in zip(samples, targets, strict=True):
                timings.append(_get(client, page, url))

        floor_median = statistics.median(samples[0])
        for (page, _url), timings in zip(targets, samples, strict=True):
            median = statistics.median(timings)
            result = Result(
                role=role.value,
                url_name=page.url_name,
                label=page.shown_label,
                median_ms=median,
                p95_ms=_p95(timings),
                ratio=median / floor_median,
            )
            results.append(result)
            out.write(
                f"{result.role:<12} {result.name:<{width}} {result.median_ms:>10.2f} "
                f"{result.p95_ms:>10.2f} {result.ratio:>7.2f}x\n"
            )
    return results


def _get(client, page: Page, url: str) -> float:
    """One request, in milliseconds. Anything but 200 stops the run: a redirect to the
    login or MFA page is fast and would pass for a fast page."""
    if page.uncached:
        _cache_empty(client)
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        raise RuntimeError(
            f"{page.role} GET {url} ({page.name}) answered {response.status_code}"
            + (f" → {location}" if location else "")
        )
    return elapsed


def _cache_empty(client) -> None:
    """Empty the cache but for the client's session: the session survives in the
    database (``cached_db``) and loading it puts it back in the cache, as it is for anyone
    signed in, so the timed request misses only the page's own keys."""
    from nucleo.cache import cache_clear

    cache_clear()
    client.session.load()


def _p95(timings: list[float]) -> float:
    if len(timings) < 2:
        return timings[0]
    return statistics.quantiles(timings, n=20, method="inclusive")[18]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")

    import django
    from django.test.utils import setup_test_environment

    # WhiteNoise warns once that collectstatic has not run: true on a developer's checkout
    # and irrelevant here, since the timed pages serve no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    setup_test_environment()
    try:
        run(repeat=args.repeat, warmup=args.warmup)
    except BenchNotSeeded as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Run as a script, this file is ``__main__``; pages registered by other modules land
    # in ``bench.pages``, so hand over to that module rather than use this one's PAGES.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nucleo.settings")
    from bench.pages import main as bench_main

    sys.exit(bench_main())
