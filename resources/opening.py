"""Is a resource open at a given moment? Opening hours are wall-clock times in the
unit's time zone (Europe/Rome), so the moment is converted to local time first: that
keeps "9 to 13" right on both sides of a daylight-saving switch.

Exceptions (a holiday, special hours) override the weekly hours of the days they cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _covers(row, day: date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (
        row.valid_to is None or day <= row.valid_to
    )


def _within(opens: time | None, closes: time | None, clock: time) -> bool:
    if opens is None or closes is None:
        return False
    if opens < closes:
        return opens <= clock < closes
    return clock >= opens or clock < closes  # past midnight (a night shelter)


def is_open(schedules: Iterable, at: datetime | None = None, tz: ZoneInfo | None = None) -> bool:
    """``schedules``: rows with freq, byday, opens_at, closes_at, valid_from, valid_to."""
    tz = tz or timezone.get_default_timezone()
    local = (at or timezone.now()).astimezone(tz)
    day, clock = local.date(), local.time()
    rows = list(schedules)
    exceptions = [r for r in rows if not r.freq and _covers(r, day)]
    if exceptions:
        return any(_within(r.opens_at, r.closes_at, clock) for r in exceptions)
    weekday = DAYS[day.weekday()]
    return any(
        r.freq == "WEEKLY"
        and weekday in (r.byday or "").split(",")
        and _covers(r, day)
        and _within(r.opens_at, r.closes_at, clock)
        for r in rows
    )
