"""Access matrix entries of the personal emergency plans. A fresh plan is another
member's, shared with the association's operators: members and facilitators get 404,
operators and coordinators open and co-edit it; staff of another association get 404.
A member's own entry points (their plan, activating it) are theirs only."""

from __future__ import annotations

from emergencies.models import EmergencyPlan, ScenarioTemplate
from emergencies.services import scenario_templates_seed_defaults
from tests.factories import MemberFactory
from tests.matrix import Entry

from .factories_plans import PlanFactory, ScenarioFactory


def _plan(association):
    plan = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    return {"pk": plan.pk}


def _section(section):
    def kwargs(association):
        return {**_plan(association), "section": section}

    return kwargs


def _scenario(association):
    scenario = ScenarioFactory(
        plan=PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    )
    return {"pk": scenario.plan_id, "scenario_pk": scenario.pk}


def _member(association):
    return {"member_pk": MemberFactory(association=association).pk}


def _template(association):
    scenario_templates_seed_defaults(association=association)
    return {"pk": ScenarioTemplate.objects.filter(association=association).first().pk}


ENTRIES: dict[str, Entry] = {
    # Staff have no registry entry of their own in the matrix: no plan of theirs.
    "emergencies:plan-me": Entry(200, 404, 404, 404),
    # No plan yet: sent to start one.
    "emergencies:plan-activate": Entry(302, 404, 404, 404),
    "emergencies:plan-list": Entry(403, 403, 200, 200),
    "emergencies:plan-start-for": Entry(403, 403, 200, 200, kwargs=_member),
    "emergencies:scenario-template-list": Entry(403, 403, 403, 200),
    "emergencies:scenario-template-edit": Entry(403, 403, 403, 200, kwargs=_template),
    "emergencies:plan-detail": Entry(404, 404, 200, 200, kwargs=_plan),
    "emergencies:plan-history": Entry(404, 404, 200, 200, kwargs=_plan),
    "emergencies:plan-print": Entry(404, 404, 200, 200, kwargs=_plan),
    "emergencies:plan-card": Entry(404, 404, 200, 200, kwargs=_plan),
    "emergencies:plan-review-done": Entry(404, 404, 302, 302, method="post", kwargs=_plan),
    # Nothing chosen: the form comes back with its message.
    "emergencies:plan-scenario-add": Entry(404, 404, 200, 200, method="post", kwargs=_plan),
    "emergencies:plan-scenario": Entry(404, 404, 200, 200, kwargs=_scenario),
    "emergencies:plan-scenario-remove": Entry(404, 404, 302, 302, method="post", kwargs=_scenario),
    "emergencies:plan-draft": Entry(
        404, 404, 200, 200, method="post", kwargs=_section("about"), data={"household": "x"}
    ),
    "emergencies:plan-draft-discard": Entry(
        404, 404, 302, 302, method="post", kwargs=_section("about")
    ),
    # No service chosen: back to the places with a message.
    "emergencies:plan-place-from-service": Entry(404, 404, 302, 302, method="post", kwargs=_plan),
    "emergencies:plan-row-add": Entry(404, 404, 200, 200, kwargs=_section("contacts")),
    "emergencies:plan-section": Entry(404, 404, 200, 200, kwargs=_section("about")),
}
