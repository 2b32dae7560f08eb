"""What personal emergency plans add to the pages and registries of ``members``: the
member's home (their plan and the activate button), staff links, the plan panel on a
person's staff page, and the export, erasure and activity entries of a person's plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import STAFF_ROLES, Role
from members.panels import (
    HomeLink,
    HomeWidget,
    MemberPanel,
    register_home_link,
    register_home_widget,
    register_member_panel,
)
from members.privacy import (
    Activity,
    Anonymiser,
    ExportSection,
    latest_per_member,
    register_activity,
    register_anonymiser,
    register_export_section,
)

from .registrations import staff_sees_panel


def register() -> None:
    _home()
    _member_panel()
    _privacy()


def _home_plan_context(request) -> dict | None:
    from members.selectors import member_of_user

    from .selectors.plans import open_activation, plan_of_member

    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        return None
    plan = plan_of_member(member=member)
    activation = open_activation(plan) if plan is not None else None
    return {"plan": plan, "activation": activation}


def _home() -> None:
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="emergencies:plan-me",
            label=_("My emergency plan"),
            description=_("Who to call, where to go and what to do first in a crisis."),
            order=2,
        )
    )
    for role in STAFF_ROLES:
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:plan-list",
                label=_("Emergency plans"),
                description=_("Plans people share with you, and those activated."),
                order=34,
                in_menu=False,
            )
        )
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="emergencies:scenario-template-list",
            label=_("Scenario templates"),
            description=_("The crises members can add to their plan."),
            order=35,
            in_menu=False,
        )
    )
    register_home_widget(
        HomeWidget(
            key="my_plan",
            role=Role.MEMBER,
            template="emergencies/plans/_home_plan.html",
            context=_home_plan_context,
            order=5,
        )
    )


def _member_panel_context(request, member) -> dict:
    from .selectors.plans import plan_access, plan_of_member

    plan = plan_of_member(member=member)
    visible = plan is not None and plan_access(user=request.user, plan=plan) is not None
    return {"plan": plan, "visible": visible}


def _member_panel() -> None:
    register_member_panel(
        MemberPanel(
            key="plan",
            template="emergencies/plans/_member_plan.html",
            order=14,
            context=_member_panel_context,
            visible=staff_sees_panel,
        )
    )


# --- Data protection -----------------------------------------------------------------


def _export_plans(member) -> list[dict]:
    """The person's plans as they wrote them, every section. The code word is left out
    (only "set"): an export travels, and the word protects them only while secret."""
    from .models import EmergencyPlan
    from .services.plans import plan_snapshot

    result = []
    for plan in EmergencyPlan.objects.filter(member=member).order_by("created_at"):
        snapshot = plan_snapshot(plan)
        snapshot["code_word"] = (
            str(_("set, not exported")) if plan.scenarios.exclude(code_word="").exists() else ""
        )
        result.append(
            {
                "created_at": plan.created_at,
                "active": plan.is_active,
                "version": plan.version,
                **snapshot,
            }
        )
    return result


def _anonymise_plans(member) -> None:
    """A plan is the person's own words about themself: nothing of it is kept. The
    activations' cases stay with the cases' own anonymiser."""
    from .models import EmergencyPlan, PlanActivation

    PlanActivation.objects.filter(member=member).update(scenario=None)
    plans = EmergencyPlan.objects.filter(member=member)
    plan_ids = list(plans.values_list("pk", flat=True))
    PlanActivation.objects.filter(plan_id__in=plan_ids).delete()
    plans.delete()
    EmergencyPlan.history.filter(id__in=plan_ids).delete()


def _latest(members) -> dict:
    from .models import EmergencyPlan

    return latest_per_member(EmergencyPlan.objects.filter(member__in=members), "updated_at")


def _privacy() -> None:
    register_export_section(
        ExportSection(code="plans", title=_("Emergency plans"), collect=_export_plans, order=55)
    )
    register_anonymiser(Anonymiser(code="plans", run=_anonymise_plans, order=55))
    register_activity(Activity(code="plans", latest=_latest, order=55))
