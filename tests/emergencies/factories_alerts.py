"""Factories of community alerts: an alert with its Italian text (a draft unless told),
its texts in other languages, answer rows, and members of a zone, with or without an
account."""

import factory
from django.utils import timezone

from emergencies.models import AlertAnswer, AlertText, CommunityAlert
from members.models import Language
from tests.factories import AssociationFactory, MemberFactory, UserFactory


class CommunityAlertFactory(factory.django.DjangoModelFactory):
    """A draft heat-wave alert to everyone, with its Italian text; ``texts={"en": (title,
    body)}`` adds texts in other languages."""

    class Meta:
        model = CommunityAlert
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    subject = "Ondata di calore, 12 luglio"
    urgency = CommunityAlert.Urgency.NORMAL
    zones = ""

    @factory.post_generation
    def texts(obj, create, extracted, **kwargs):
        if not create:
            return
        texts = {"it": ("Ondata di calore", "Restate in casa nelle ore calde e bevete acqua.")}
        texts.update(extracted or {})
        for code, (title, body) in texts.items():
            AlertText.objects.create(
                alert=obj, language=Language.objects.get(pk=code), title=title, body=body
            )


class SentAlertFactory(CommunityAlertFactory):
    status = CommunityAlert.Status.SENT
    sent_at = factory.LazyFunction(timezone.now)


class AlertAnswerFactory(factory.django.DjangoModelFactory):
    """A row of a sent alert for a member with an account, not answered yet."""

    class Meta:
        model = AlertAnswer

    alert = factory.SubFactory(SentAlertFactory)
    member = factory.SubFactory(
        MemberFactory,
        association=factory.SelfAttribute("..alert.association"),
        user=factory.SubFactory(UserFactory),
        zone="Centro",
        phone="+39 333 000 1111",
    )
    language_id = "it"
    notified = factory.LazyAttribute(lambda o: o.member.user_id is not None)


def member_of(association, *, zone="Centro", language=None, speaks=(), account=True, **kwargs):
    """A member of ``association`` in ``zone`` (with a user account unless told), whose
    preferred language is ``language`` and who also speaks ``speaks``."""
    member = MemberFactory(
        association=association,
        zone=zone,
        user=UserFactory() if account else None,
        preferred_language_id=language,
        phone="+39 333 123 4567",
        **kwargs,
    )
    if speaks:
        member.languages.set(speaks)
    return member
