"""Factories of personal emergency plans: a plan (with the plan consent recorded) for
a member with an account, and its rows. ``plan_with_rows(n)`` fills every section."""

import factory

from emergencies.models import (
    EmergencyPlan,
    PlanAction,
    PlanContact,
    PlanDocument,
    PlanPlace,
    PlanScenario,
    ScenarioKind,
)
from members.models import ConsentPurpose
from tests.factories import ConsentFactory, MemberFactory, UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A private plan of a member with an account, who consented to keeping it."""

    class Meta:
        model = EmergencyPlan
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory, user=factory.SubFactory(UserFactory))
    association = factory.SelfAttribute("member.association")
    sharing = EmergencyPlan.Sharing.PRIVATE
    household = "Io e mia figlia Aisha (7 anni)"

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ConsentFactory(member=obj.member, purpose=ConsentPurpose.PLAN)


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanScenario

    plan = factory.SubFactory(PlanFactory)
    kind = ScenarioKind.HOUSING
    title = factory.Sequence(lambda n: f"Sfratto {n}")
    warning_signs = "Lettere del proprietario"
    coping = "Parlarne con Fatou"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    scenario = factory.SubFactory(ScenarioFactory)
    text = factory.Sequence(lambda n: f"Chiamare l'operatore ({n})")
    order = factory.Sequence(lambda n: n)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanContact

    plan = factory.SubFactory(PlanFactory)
    kind = PlanContact.Kind.TRUSTED
    name = factory.Sequence(lambda n: f"Fatou {n}")
    relationship = "amica"
    phone = factory.Sequence(lambda n: f"+39333{n:07d}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPlace

    plan = factory.SubFactory(PlanFactory)
    kind = PlanPlace.Kind.SAFE_PLACE
    name = factory.Sequence(lambda n: f"Casa di Fatou {n}")
    address = "Via Roma 1, Caserta"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanDocument

    plan = factory.SubFactory(PlanFactory)
    doc_type = PlanDocument.Type.RESIDENCE_PERMIT
    original_kept_at = "cassetto della cucina"


def plan_with_rows(n: int, **kwargs) -> EmergencyPlan:
    """A plan with ``n`` scenarios (two actions and a linked service each), contacts,
    places and documents."""
    from tests.factories import ServiceFactory

    plan = PlanFactory(**kwargs)
    service = ServiceFactory()
    for _ in range(n):
        scenario = ScenarioFactory(plan=plan)
        ActionFactory.create_batch(2, scenario=scenario)
        scenario.resources.add(service)
        ContactFactory(plan=plan)
        PlaceFactory(plan=plan)
        DocumentFactory(plan=plan)
    return plan
