"""Pure functions of personal emergency plans: how complete a plan is and what to do
next, and the readable difference between two versions. No queries: the services and
pages hand them plain data (counts, snapshots), so they are tested on their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

#: The plan's sections, in the order a member fills them.
SECTIONS = ("about", "contacts", "scenarios", "places", "documents", "health", "go_bag", "review")
SECTION_LABELS = {
    "about": _("About me"),
    "contacts": _("Contacts"),
    "scenarios": _("Scenarios"),
    "places": _("Places"),
    "documents": _("Documents"),
    "health": _("Health"),
    "go_bag": _("Go-bag and money"),
    "review": _("Review"),
}


@dataclass(frozen=True)
class Facts:
    """What completeness looks at, counted by ``selectors.plan_facts``."""

    has_about: bool
    trusted_contacts_with_phone: int
    scenarios_with_actions: int
    linked_resources: int
    safe_places: int
    documents_with_expiry: int
    go_bag_items: int
    next_review_on: date | None
    today: date


@dataclass(frozen=True)
class Step:
    section: str
    points: int
    done: bool
    advice: str


def completeness_steps(facts: Facts) -> list[Step]:
    """Each part of a good plan, its weight (the weights add up to 100), whether it is
    done and the advice that moves it forward: the most protective first."""
    return [
        Step(
            "contacts",
            20,
            facts.trusted_contacts_with_phone >= 1,
            _("Add someone you trust, with their phone number."),
        ),
        Step(
            "scenarios",
            20,
            facts.scenarios_with_actions >= 1,
            _("Choose a crisis that could happen to you and write the first things to do."),
        ),
        Step(
            "scenarios",
            10,
            facts.linked_resources >= 1,
            _("Link a service of the resource map to one of your scenarios."),
        ),
        Step("places", 10, facts.safe_places >= 1, _("Write down a safe place you can go to.")),
        Step(
            "documents",
            15,
            facts.documents_with_expiry >= 1,
            _("Add your documents and when they expire: we remind you in time."),
        ),
        Step(
            "about", 10, facts.has_about, _("Say who lives with you and the languages you speak.")
        ),
        Step(
            "go_bag",
            10,
            facts.go_bag_items >= 5,
            _("Prepare a bag with at least five essentials."),
        ),
        Step(
            "review",
            5,
            facts.next_review_on is not None and facts.next_review_on > facts.today,
            _("Review your plan and set the date of the next review."),
        ),
    ]


def completeness(facts: Facts) -> tuple[int, Step | None]:
    """The score (0-100) and the first step not yet done (``None`` when complete)."""
    steps = completeness_steps(facts)
    score = sum(step.points for step in steps if step.done)
    return score, next((step for step in steps if not step.done), None)


# --- Differences between versions ----------------------------------------------------


@dataclass(frozen=True)
class Change:
    section: str
    item: str
    field: str
    before: object = None
    after: object = None
    kind: str = "changed"  # "changed", "added" or "removed"


#: The field of a collection's item that names it in a change.
ITEM_NAME = {"contacts": "name", "scenarios": "title", "places": "name", "documents": "doc_type"}


def diff(old: dict, new: dict) -> list[Change]:
    """Every field whose value differs between two snapshots, section by section: a
    plain section (``about``) gives one change per field; a collection (``contacts``,
    keyed by row id) gives one change per field of an item kept, and one "added" or
    "removed" per whole item."""
    changes: list[Change] = []
    for section in SECTIONS:
        before, after = old.get(section) or {}, new.get(section) or {}
        if section in ITEM_NAME:
            changes.extend(_collection_diff(section, before, after))
        else:
            changes.extend(_fields_diff(section, "", before, after))
    return changes


def _fields_diff(section: str, item: str, before: dict, after: dict) -> list[Change]:
    return [
        Change(section, item, field, before.get(field), after.get(field))
        for field in sorted(set(before) | set(after))
        if _blank(before.get(field)) != _blank(after.get(field))
    ]


def _blank(value):
    # A field that appears empty in one version and absent in the other did not change.
    return "" if value in (None, "", [], False) else value


def _collection_diff(section: str, before: dict, after: dict) -> list[Change]:
    name_field = ITEM_NAME[section]
    changes = []
    for key in sorted(set(before) | set(after), key=_numeric):
        old, new = before.get(key), after.get(key)
        if old is None:
            changes.append(Change(section, new.get(name_field, ""), "", kind="added", after=new))
        elif new is None:
            changes.append(Change(section, old.get(name_field, ""), "", kind="removed", before=old))
        else:
            changes.extend(_fields_diff(section, new.get(name_field, ""), old, new))
    return changes


def _numeric(key: str):
    return (0, int(key)) if str(key).isdigit() else (1, str(key))
