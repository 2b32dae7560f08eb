"""Reads of personal emergency plans: the one access helper every plan page goes through,
the plan with everything its pages show (a fixed number of queries however long it
is), the staff list, and versions turned into readable changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from members.models import STAFF_ROLES, ConsentPurpose, Member
from members.selectors import has_role_in
from resources.selectors import service_directory

from ..models import (
    Case,
    EmergencyPlan,
    GoBagItem,
    PlanAction,
    PlanActivation,
    PlanContact,
    PlanDocument,
    PlanHealth,
    PlanPlace,
    PlanScenario,
    PlanVersion,
)
from ..planning import SECTION_LABELS, Change


@dataclass(frozen=True)
class PlanAccess:
    """What the person asking may do with the plan."""

    is_owner: bool
    can_edit: bool
    # Seen by staff only because the member activated it (the plan stays private).
    via_case: bool = False


def plan_access(*, user, plan: EmergencyPlan) -> PlanAccess | None:
    """``None`` when ``user`` may not see the plan: another member, a facilitator, staff
    of another association, staff of the association when the plan is private (unless
    the member activated it: then its case's operators see it)."""
    if plan.member.anonymised_at is not None:
        return None
    if plan.member.user_id is not None and plan.member.user_id == user.pk:
        return PlanAccess(is_owner=True, can_edit=plan.is_active)
    if not has_role_in(user, plan.association_id, *STAFF_ROLES):
        return None
    if plan.is_shared:
        return PlanAccess(is_owner=False, can_edit=plan.is_active)
    if PlanActivation.objects.filter(plan=plan, case__association_id=plan.association_id).exists():
        return PlanAccess(is_owner=False, can_edit=False, via_case=True)
    return None


def plan_get_for_user(*, user, pk: int) -> tuple[EmergencyPlan, PlanAccess]:
    """The plan ``pk`` with what ``user`` may do, or 404: the only way a page fetches a
    plan."""
    plan = EmergencyPlan.objects.select_related("member", "association").filter(pk=pk).first()
    access = plan_access(user=user, plan=plan) if plan is not None else None
    if access is None:
        raise Http404(_("No such plan."))
    return plan, access


def plan_of_member(*, member: Member) -> EmergencyPlan | None:
    return EmergencyPlan.objects.filter(member=member, is_active=True).first()


def plan_full(*, user, pk: int) -> EmergencyPlan:
    """The plan with every section prefetched, the linked services with what shows them
    live (phones, opening hours)."""
    services = service_directory(user=user)
    return (
        EmergencyPlan.objects.select_related("member", "association", "updated_by")
        .prefetch_related(
            "languages",
            "contacts",
            "documents",
            Prefetch("places", queryset=PlanPlace.objects.select_related("service")),
            Prefetch(
                "scenarios",
                queryset=PlanScenario.objects.prefetch_related(
                    Prefetch("actions", queryset=PlanAction.objects.order_by("order", "pk")),
                    Prefetch("resources", queryset=services),
                ),
            ),
        )
        .get(pk=pk)
    )


def plan_health_of(plan: EmergencyPlan, *, consented: bool | None = None) -> PlanHealth | None:
    """The health notes, only while the person consents to them: from the withdrawal on
    they are hidden, until the purge deletes them. ``consented``: already checked."""
    from members.services import consent_active

    if consented is None:
        consented = consent_active(member=plan.member, purpose=ConsentPurpose.HEALTH)
    if not consented:
        return None
    return PlanHealth.objects.filter(plan=plan).first()


def plan_section_authors(plan: EmergencyPlan) -> dict[str, PlanVersion]:
    """The last change of each section, with its author (two queries)."""
    latest = (
        PlanVersion.objects.filter(plan=plan)
        .order_by("section", "-number")
        .select_related("created_by")
    )
    result: dict[str, PlanVersion] = {}
    for version in latest.only("section", "number", "created_at", "created_by"):
        result.setdefault(version.section, version)
    return result


def go_bag_labels(items: list[str]) -> list[str]:
    return [GoBagItem(item).label for item in items if item in GoBagItem.values]


def staff_plan_list(*, association) -> QuerySet[EmergencyPlan]:
    """Plans operators of the association may open: shared with them, or activated."""
    activated = PlanActivation.objects.filter(plan=OuterRef("pk"), case__association=association)
    return (
        EmergencyPlan.objects.filter(association=association, is_active=True)
        .filter(member__anonymised_at__isnull=True)
        .annotate(activated=Exists(activated))
        .filter(Q(sharing=EmergencyPlan.Sharing.OPERATORS) | Q(activated=True))
        .select_related("member", "updated_by")
        .order_by("next_review_on", "member__last_name", "member__first_name")
    )


def open_activation(plan: EmergencyPlan) -> PlanActivation | None:
    """The activation still being followed: its case is open (a closed case ends it,
    and the member can activate the plan again)."""
    return (
        PlanActivation.objects.filter(plan=plan, is_open=True)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case")
        .first()
    )


def activation_of_case(case: Case) -> PlanActivation | None:
    return PlanActivation.objects.filter(case=case).select_related("plan", "scenario").first()


# --- Versions as readable changes ------------------------------------------------------

SECTION_MODELS = {
    "about": EmergencyPlan,
    "go_bag": EmergencyPlan,
    "review": EmergencyPlan,
    "contacts": PlanContact,
    "places": PlanPlace,
    "documents": PlanDocument,
    "scenarios": PlanScenario,
    "health": PlanHealth,
}
EXTRA_LABELS = {"actions": _("first actions"), "resources": _("resources of the map")}


@dataclass(frozen=True)
class ReadableChange:
    section: str
    item: str
    field: str
    before: str
    after: str
    kind: str


def _display(model, name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if name == "go_bag_items":
        return ", ".join(go_bag_labels(value))
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # actions, resources: not fields of the model
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.get_internal_type() == "DateField":
        parsed = parse_date(str(value))
        return date_format(parsed, "DATE_FORMAT") if parsed else str(value)
    return str(value)


def _label(model, name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def readable_changes(changes: list[Change]) -> list[ReadableChange]:
    """Changes with the fields' labels and values as people read them."""
    result = []
    for change in changes:
        model = SECTION_MODELS[change.section]
        item = change.item
        if change.section == "documents" and item:
            item = _display(PlanDocument, "doc_type", item)
        result.append(
            ReadableChange(
                section=str(SECTION_LABELS[change.section]),
                item=item,
                field=_label(model, change.field) if change.field else "",
                before=_display(model, change.field, change.before) if change.field else "",
                after=_display(model, change.field, change.after) if change.field else "",
                kind=change.kind,
            )
        )
    return result


def plan_versions(plan: EmergencyPlan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("created_by")


def review_due_plans(*, association, today: date | None = None) -> QuerySet[EmergencyPlan]:
    today = today or timezone.localdate()
    return staff_plan_list(association=association).filter(next_review_on__lte=today)


__all__ = [
    "PlanAccess",
    "ReadableChange",
    "activation_of_case",
    "go_bag_labels",
    "open_activation",
    "plan_access",
    "plan_full",
    "plan_get_for_user",
    "plan_health_of",
    "plan_of_member",
    "plan_section_authors",
    "plan_versions",
    "readable_changes",
    "review_due_plans",
    "staff_plan_list",
]
