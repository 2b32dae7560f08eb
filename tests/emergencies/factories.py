"""factory-boy factories of case management. They write rows straight to the tables for
tests that need a case, a referral or a shift to exist; what the services decide
(workflow, notifications, the access log) is tested through the services."""

import datetime

import factory
from django.utils import timezone

from emergencies.models import Case, CaseEvent, Category, DutyShift, FollowUp, Referral, Urgency
from tests.factories import AssociationFactory, MemberFactory, ServiceFactory, UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("association", "code")

    association = factory.SubFactory(AssociationFactory)
    code = factory.Sequence(lambda n: f"category-{n}")
    name_it = factory.Sequence(lambda n: f"Categoria {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    member = factory.SubFactory(MemberFactory, association=factory.SelfAttribute("..association"))
    category = factory.SubFactory(
        CategoryFactory, association=factory.SelfAttribute("..association")
    )
    urgency = Urgency.MEDIUM
    status = Case.Status.NEW
    channel = Case.Channel.WALK_IN
    description = "Sfratto esecutivo tra dieci giorni, due figli minori."


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.NOTE
    text = "Sentita la proprietaria: disponibile a una proroga."


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Chiamare il comune ({n})")
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    assigned_to = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A pending referral to a partner association; ``to_service=True`` makes one to a
    service of the resource map, its details given to the person."""

    class Meta:
        model = Referral

    class Params:
        to_service = factory.Trait(
            kind=Referral.Kind.SERVICE,
            partner=None,
            service=factory.SubFactory(ServiceFactory),
            status=Referral.Status.GIVEN,
            summary="",
        )

    case = factory.SubFactory(CaseFactory)
    kind = Referral.Kind.PARTNER
    partner = factory.SubFactory(AssociationFactory)
    service = None
    summary = "Famiglia con due minori, sfratto tra dieci giorni: serve un alloggio temporaneo."
    status = Referral.Status.PENDING


class DutyShiftFactory(factory.django.DjangoModelFactory):
    """A shift on duty now, from an hour ago to seven hours ahead."""

    class Meta:
        model = DutyShift

    association = factory.SubFactory(AssociationFactory)
    operator = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
