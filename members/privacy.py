"""Registries of the data-protection rights (GDPR art. 15, 17 and 5(1)(e)).

A person's data is spread over every app, but ``members`` may import none of them. So
the rights are built from four registries that each app fills in its
``AppConfig.ready()``, as the home panels are (``members.panels``):

``EXPORT_SECTIONS``
    what an app holds on a person, for the export (art. 15 and 20). ``collect(member)``
    returns JSON-serialisable data (dicts, lists, strings, numbers, ``None``): use
    ``serialise`` and ``history_rows`` below, which turn dates into ISO strings. The
    section's ``code`` is its key in the JSON file; its ``title`` heads the readable page.

``ANONYMISERS``
    what an app removes when a person is anonymised (art. 17, and the retention task).
    ``run(member)`` is called inside the anonymisation's transaction, after the registry
    entry itself was anonymised: it must blank or replace every personal field of the
    app's rows about ``member`` **and of their history rows** (``history.update(...)``),
    keeping the rows themselves wherever evaluation counts them.

``LEGAL_HOLDS``
    what the law makes the association keep despite an erasure request (the volunteer
    register, a case file a court asked for). ``find(member)`` returns ``Hold`` rows for
    the coordinator who decides; ``held_member_ids(members)`` answers the same in bulk for
    the retention task (which skips a person with an active hold). An anonymiser must
    leave held records alone.

``ACTIVITY``
    when a person last used the association (an enrolment, a help request, a check-in
    answer): ``latest(members)`` maps member ids of the queryset to their latest activity.
    The retention task anonymises nobody whose latest activity is recent.

Registering twice under the same ``code`` replaces the entry (``ready()`` may run more
than once in tests); ``unregister`` is for tests.

    # emergencies/apps.py
    def ready(self):
        from members.privacy import ExportSection, register_export_section

        from .privacy import plans_of

        register_export_section(
            ExportSection(code="emergencies.plans", title=_("Emergency plans"),
                          collect=plans_of, order=200)
        )
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.db import models
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from .models import Member

#: Fields of a history row the export shows next to the tracked fields.
HISTORY_FIELDS = ("history_date", "history_type")


class _Coded(Protocol):
    code: str
    order: int


Entry = TypeVar("Entry", bound=_Coded)


class Registry(Generic[Entry]):
    """Entries by code, iterated in ``order`` (then code)."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def register(self, entry: Entry) -> Entry:
        self._entries[entry.code] = entry
        return entry

    def unregister(self, code: str) -> None:
        self._entries.pop(code, None)

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.order, entry.code)))

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def __len__(self) -> int:
        return len(self._entries)


# --- Export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSection:
    code: str
    title: str | Promise
    collect: Callable[[Member], Any]
    order: int = 100


# --- Anonymisation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Anonymiser:
    code: str
    run: Callable[[Member], None]
    order: int = 100


# --- Legal holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    """A record the association must keep: what it is, which law, and until when
    (``None``: for as long as the record is in force)."""

    label: str | Promise
    reason: str | Promise
    until: datetime.date | None = None

    def is_active(self, on: datetime.date | None = None) -> bool:
        return self.until is None or self.until >= (on or timezone.localdate())


@dataclass(frozen=True)
class LegalHold:
    code: str
    find: Callable[[Member], list[Hold]]
    # Bulk form for the retention task: ids of the queryset's members with an active
    # hold. Without it the task calls ``find`` once per person.
    held_member_ids: Callable[[QuerySet[Member]], set[int]] | None = None
    order: int = 100


# --- Activity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    code: str
    latest: Callable[[QuerySet[Member]], dict[int, datetime.datetime]]
    order: int = 100


EXPORT_SECTIONS: Registry[ExportSection] = Registry()
ANONYMISERS: Registry[Anonymiser] = Registry()
LEGAL_HOLDS: Registry[LegalHold] = Registry()
ACTIVITY: Registry[Activity] = Registry()


def register_export_section(section: ExportSection) -> ExportSection:
    return EXPORT_SECTIONS.register(section)


def register_anonymiser(anonymiser: Anonymiser) -> Anonymiser:
    return ANONYMISERS.register(anonymiser)


def register_legal_hold(hold: LegalHold) -> LegalHold:
    return LEGAL_HOLDS.register(hold)


def register_activity(activity: Activity) -> Activity:
    return ACTIVITY.register(activity)


def holds_for(member: Member) -> list[Hold]:
    """Every hold the registered apps find on ``member``, active or not."""
    return [hold for entry in LEGAL_HOLDS for hold in entry.find(member)]


def held_member_ids(members: QuerySet[Member]) -> set[int]:
    """Ids of ``members`` with at least one active hold."""
    held: set[int] = set()
    for entry in LEGAL_HOLDS:
        if entry.held_member_ids is not None:
            held |= entry.held_member_ids(members)
        else:
            held |= {
                member.pk
                for member in members
                if any(hold.is_active() for hold in entry.find(member))
            }
    return held


def latest_activity(members: QuerySet[Member]) -> dict[int, datetime.datetime]:
    """The latest activity any registered app knows of, per member id."""
    latest: dict[int, datetime.datetime] = {}
    for entry in ACTIVITY:
        for member_id, when in entry.latest(members).items():
            if when is not None and (member_id not in latest or when > latest[member_id]):
                latest[member_id] = when
    return latest


# --- Helpers for sections ---------------------------------------------------------------


def latest_per_member(rows: QuerySet, field: str) -> dict[int, datetime.datetime]:
    """Each person's latest ``field`` among ``rows`` (already narrowed to the people
    asked about), for an ``Activity``: one grouped query."""
    return dict(
        rows.values("member_id").annotate(latest=Max(field)).values_list("member_id", "latest")
    )


def plain(value: Any) -> Any:
    """A value as JSON can carry it: dates and times in ISO 8601, decimals and UUIDs as
    strings, lazy translations as text."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    return value


def serialise(
    instance: models.Model, *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """A row's concrete fields (foreign keys as ``<name>_id``), JSON-ready."""
    excluded = set(exclude)
    wanted = set(fields) if fields is not None else None
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded or field.attname in excluded:
            continue
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        data[field.attname] = plain(getattr(instance, field.attname))
    return data


def changed_by(record: Any, member: Member) -> str:
    """Who made a history record, without naming staff: the person, staff, or the
    system."""
    if record.history_user_id is None:
        return "system"
    if member.user_id is not None and record.history_user_id == member.user_id:
        return "self"
    return "staff"


def history_rows(
    history: QuerySet, *, member: Member, exclude: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """A history queryset (``obj.history.all()``) as export rows, oldest first: each
    row's values, when, the kind of change (+ created, ~ changed, - deleted) and who."""
    excluded = {"history_id", "history_user", "history_change_reason", *exclude}
    rows = []
    for record in history.order_by("history_date", "history_id"):
        row = serialise(record, exclude=excluded)
        row["changed_by"] = changed_by(record, member)
        rows.append(row)
    return rows
