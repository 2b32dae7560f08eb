"""Factories of the training module: a published course run by a facilitator, its
sessions (tomorrow at 18:00 unless told), enrolments, support groups."""

from datetime import timedelta
from itertools import pairwise

import factory
from django.db.models import F
from django.utils import timezone

from members.models import Language, Role
from tests.factories import AssociationFactory, MemberFactory, UserFactory, user_with_role
from training.models import Course, Enrolment, Session, SupportGroup, Topic


def in_days(days: int = 3, hour: int = 18):
    """A wall-clock time some days ahead: far enough for reminders and the cancellation
    deadline, whatever the hour the test runs."""
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Ascolto attivo {n}")
    topic = Topic.LISTENING

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if not create:
            return
        users = (
            extracted
            if extracted is not None
            else [user_with_role(obj.association, Role.FACILITATOR)]
        )
        obj.facilitators.set(users)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(in_days)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    room = "Sala Mandela, via Roma 12"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    member = factory.SubFactory(
        MemberFactory,
        association=factory.SelfAttribute("..session.course.association"),
        user=factory.SubFactory(UserFactory),
    )
    status = Enrolment.Status.ENROLLED

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """The session's count of places taken, as the enrolment service keeps it."""
        if create and obj.status == Enrolment.Status.ENROLLED:
            Session.objects.filter(pk=obj.session_id).update(enrolled_count=F("enrolled_count") + 1)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportGroup
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Donne in cammino {n}")
    theme = "Vivere lontano da casa"
    language = factory.LazyFunction(lambda: Language.objects.get(code="it"))
    first_meeting_at = factory.LazyFunction(in_days)
    room = "Sala Mandela"

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if not create:
            return
        users = (
            extracted
            if extracted is not None
            else [user_with_role(obj.association, Role.FACILITATOR)]
        )
        obj.facilitators.set(users)


def every(days: int, starts) -> bool:
    """Whether ``starts`` fall every ``days`` days at the same Rome wall-clock time."""
    local = [timezone.localtime(s) for s in starts]
    return all(
        (b.date() - a.date()).days == days and (a.hour, a.minute) == (b.hour, b.minute)
        for a, b in pairwise(local)
    )
