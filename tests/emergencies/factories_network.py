"""Factories of the solidarity network (help requests, offers, debriefs) and a
volunteer with an account."""

from datetime import timedelta

import factory
from django.utils import timezone

from emergencies.models import Debrief, HelpRequest, Offer, RequestKind
from members.models import Member, Role
from tests.factories import (
    AssociationFactory,
    MemberFactory,
    VolunteerProfileFactory,
    user_with_role,
)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """An open request for tomorrow morning, in the person's zone."""

    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    member = factory.SubFactory(MemberFactory, association=factory.SelfAttribute("..association"))
    kind = RequestKind.ACCOMPANY
    public_summary = "Accompagnare in ospedale e tradurre dall'arabo, martedì mattina."
    private_details = "Fatima Benali, via Roma 12, 333 111 2222: visita cardiologica."
    zone = "Centro"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=1)).replace(hour=8, minute=0, second=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    duration_minutes = 120


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    request = factory.SubFactory(HelpRequestFactory)
    volunteer = factory.SubFactory(
        VolunteerProfileFactory,
        member__association=factory.SelfAttribute("...request.association"),
    )
    rank = 1
    score = 90.0
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))


class DebriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debrief

    volunteer = factory.SubFactory(VolunteerProfileFactory)
    feeling = Debrief.Feeling.FINE


def volunteer_user(association, **user_kwargs):
    """A member of ``association`` with an account and a volunteer profile (zone
    Centro), returned as the user; ``user.volunteer`` is the profile."""
    user = user_with_role(association, Role.MEMBER, **user_kwargs)
    member = Member.objects.get(user=user, association=association)
    user.volunteer = VolunteerProfileFactory(member=member)
    return user
