"""Who to ask first for a help request: a pure function over plain data, so it is tested
on fixtures and with hypothesis, and benchmarked apart from the database.

Volunteers are ranked by, in order of importance: the needed skills they cover, the
needed languages they speak, whether they help in the request's zone, how much of the
task fits their weekly availability, how much room they have under their maximum load,
and how long since they last helped (so the same few are not always asked). Paused
volunteers and those at their maximum are never offered a task.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

#: Windows longer than this are cut: availability is weekly, two weeks say it all.
MAX_WINDOW = timedelta(days=14)
#: Days without helping after which a volunteer counts as fully rested.
RESTED_AFTER_DAYS = 30


@dataclass(frozen=True)
class Need:
    skill_ids: frozenset[int]
    language_codes: frozenset[str]
    zone: str
    starts_at: datetime  # local (naive or aware, consistently with the slots' clock)
    ends_at: datetime
    duration_minutes: int


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    skill_ids: frozenset[int] = frozenset()
    language_codes: frozenset[str] = frozenset()
    zones: tuple[str, ...] = ()
    # (weekday 0=Monday, from, until), local wall-clock times
    slots: tuple[tuple[int, time, time], ...] = ()
    active_tasks: int = 0
    max_tasks: int = 2
    paused: bool = False
    last_helped_at: datetime | None = None


@dataclass(frozen=True)
class Ranked:
    volunteer_id: int
    score: float  # 0–100, for people to read; the order is ``key``
    key: tuple = field(repr=False)
    reasons: tuple[dict, ...] = ()


def _norm(zone: str) -> str:
    return " ".join(zone.lower().split())


def _overlap_minutes(need: Need, slots: Iterable[tuple[int, time, time]]) -> int:
    start, end = need.starts_at, min(need.ends_at, need.starts_at + MAX_WINDOW)
    total = 0
    day: date = start.date()
    while datetime.combine(day, time.min, start.tzinfo) < end:
        for weekday, opens, closes in slots:
            if weekday != day.weekday():
                continue
            slot_start = datetime.combine(day, opens, start.tzinfo)
            slot_end = datetime.combine(day, closes, start.tzinfo)
            minutes = (min(slot_end, end) - max(slot_start, start)).total_seconds() / 60
            if minutes > 0:
                total += int(minutes)
        day += timedelta(days=1)
    return total


#: Levels of each part in the score people read (tenths; the zone is yes or no).
_LEVELS = (11, 11, 2, 11, 11, 11)
_SCORE_MAX = 1
for _levels in _LEVELS:
    _SCORE_MAX *= _levels
_SCORE_MAX -= 1


def _score(*parts: float) -> float:
    """0 to 100, in the same order as the ranking: each part, cut to tenths, counts more
    than all the lesser ones together (a mixed-radix number), so a volunteer listed
    higher never shows a lower score."""
    value = 0
    for part, levels in zip(parts, _LEVELS, strict=True):
        value = value * levels + round(part * (levels - 1))
    return 100 * value / _SCORE_MAX


def eligible(candidate: Candidate) -> bool:
    return not candidate.paused and candidate.active_tasks < candidate.max_tasks


def rank(need: Need, candidates: Iterable[Candidate], *, now: datetime) -> list[Ranked]:
    """The eligible candidates, best first, each with its score and the reasons for it."""
    zone = _norm(need.zone)
    ranked = []
    for candidate in candidates:
        if not eligible(candidate):
            continue
        skills = len(need.skill_ids & candidate.skill_ids)
        skills_part = skills / len(need.skill_ids) if need.skill_ids else 1.0
        languages = len(need.language_codes & candidate.language_codes)
        languages_part = languages / len(need.language_codes) if need.language_codes else 1.0
        in_zone = not zone or zone in {_norm(z) for z in candidate.zones}
        overlap = _overlap_minutes(need, candidate.slots)
        availability_part = (
            min(1.0, overlap / need.duration_minutes) if need.duration_minutes else 1.0
        )
        room_part = 1.0 - candidate.active_tasks / candidate.max_tasks
        if candidate.last_helped_at is None:
            rest_days = RESTED_AFTER_DAYS
        else:
            rest_days = min(RESTED_AFTER_DAYS, max(0, (now - candidate.last_helped_at).days))
        rest_part = rest_days / RESTED_AFTER_DAYS
        key = (
            round(skills_part, 6),
            round(languages_part, 6),
            int(in_zone),
            round(availability_part, 6),
            round(room_part, 6),
            rest_part,
            -candidate.volunteer_id,  # a stable order between equals
        )
        score = _score(
            skills_part, languages_part, in_zone, availability_part, room_part, rest_part
        )
        reasons = (
            {"code": "skills", "covered": skills, "needed": len(need.skill_ids)},
            {"code": "languages", "covered": languages, "needed": len(need.language_codes)},
            {"code": "zone", "match": in_zone},
            {"code": "availability", "minutes": overlap, "needed": need.duration_minutes},
            {"code": "load", "active": candidate.active_tasks, "max": candidate.max_tasks},
            {"code": "rest", "days": None if candidate.last_helped_at is None else rest_days},
        )
        ranked.append(
            Ranked(
                volunteer_id=candidate.volunteer_id,
                score=round(score, 1),
                key=key,
                reasons=reasons,
            )
        )
    ranked.sort(key=lambda r: r.key, reverse=True)
    return ranked
