"""factory-boy factories shared by every app's tests."""

import datetime

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from members.models import (
    Association,
    AvailabilitySlot,
    Consent,
    ConsentPurpose,
    Invitation,
    Member,
    Membership,
    PrivacyNotice,
    Role,
    SignInAttempt,
    Skill,
    User,
    VolunteerProfile,
)
from members.names import name_key

PASSWORD = "a-Strong-test-passw0rd"


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Associazione {n} ETS")
    slug = factory.Sequence(lambda n: f"associazione-{n}")
    fiscal_code = factory.Sequence(lambda n: f"{90000000000 + n}")
    kind = Association.Kind.ODV
    city = "Caserta"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    is_member = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    association = factory.SubFactory(AssociationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    municipality = "Caserta"
    year_of_birth = 1990
    household_size = 2
    # What the registry services keep (duplicate checks and search read it).
    name_key = factory.LazyAttribute(lambda o: name_key(f"{o.first_name} {o.last_name}"))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    association = factory.SubFactory(AssociationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.MEMBER


class SignInAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignInAttempt

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    succeeded = True
    created_at = factory.LazyFunction(timezone.now)


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyNotice

    association = factory.SubFactory(AssociationFactory)
    version = factory.Sequence(lambda n: f"2026.{n}")
    text = "Informativa sul trattamento dei dati personali (art. 13 GDPR)."


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    member = factory.SubFactory(MemberFactory)
    association = factory.SelfAttribute("member.association")
    purpose = ConsentPurpose.REGISTRY
    notice = factory.SubFactory(
        PrivacyNoticeFactory, association=factory.SelfAttribute("..association")
    )
    method = Consent.Method.PAPER


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    association = factory.SubFactory(AssociationFactory)
    kind = Skill.Kind.ACCOMPANIMENT
    name_it = factory.Sequence(lambda n: f"Accompagnamento {n}")
    name_en = factory.Sequence(lambda n: f"Accompaniment {n}")


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerProfile

    member = factory.SubFactory(MemberFactory)
    association = factory.SelfAttribute("member.association")
    zones = "Centro"
    max_active_tasks = 2


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    volunteer = factory.SubFactory(VolunteerProfileFactory)
    weekday = 1
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(12, 0)


def user_with_role(association: Association, *roles: Role, mfa: bool = True, **user_kwargs):
    """A user holding ``roles`` in ``association``; staff get a TOTP authenticator
    (returned as ``user.totp_secret``) unless ``mfa`` is False."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(
        user=user,
        association=association,
        is_member=Role.MEMBER in roles,
        is_facilitator=Role.FACILITATOR in roles,
        is_operator=Role.OPERATOR in roles,
        is_coordinator=Role.COORDINATOR in roles,
    )
    user.totp_secret = None
    if mfa and ({Role.OPERATOR, Role.COORDINATOR} & set(roles)):
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    if Role.MEMBER in roles:
        MemberFactory(
            association=association,
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
        )
    return user


# --- Resource map --------------------------------------------------------------------


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Organization"

    name = factory.Sequence(lambda n: f"Centro di ascolto {n}")
    description = "Ascolto, orientamento e aiuto concreto."
    maintained_by = factory.SubFactory(AssociationFactory)
    last_verified_at = factory.LazyFunction(timezone.now)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Service"
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    maintained_by = factory.SelfAttribute("organization.maintained_by")
    name = factory.Sequence(lambda n: f"Sportello {n}")
    description = "Orientamento ai servizi del territorio."
    status = "active"
    is_public = True
    is_free = True
    last_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.categories.set(extracted)

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Location"

    organization = factory.SubFactory(OrganizationFactory)
    maintained_by = factory.SelfAttribute("organization.maintained_by")
    name = factory.Sequence(lambda n: f"Sede {n}")
    address_1 = factory.Sequence(lambda n: f"Via Roma {n}")
    city = "Caserta"
    postal_code = "81100"
    state_province = "CE"
    latitude = factory.Sequence(lambda n: f"{41.07 + (n % 50) / 1000:.6f}")
    longitude = factory.Sequence(lambda n: f"{14.33 + (n % 50) / 1000:.6f}")
    last_verified_at = factory.LazyFunction(timezone.now)


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.ServiceAtLocation"

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(
        LocationFactory, organization=factory.SelfAttribute("..service.organization")
    )


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Phone"

    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"+39 0823 {100000 + n}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Schedule"

    service = factory.SubFactory(ServiceFactory)
    freq = "WEEKLY"
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(9)
    closes_at = datetime.time(13)


def service_with_location(**kwargs):
    """A public, active service at one geolocated place, with a phone and hours."""
    service = ServiceFactory(**kwargs)
    ServiceAtLocationFactory(service=service)
    PhoneFactory(service=service)
    ScheduleFactory(service=service)
    return service


class VolunteerRegisterEntryFactory(factory.django.DjangoModelFactory):
    """An enrolment written straight to the table (the number by sequence): for tests
    that need an entry to exist, not for the numbering, which the service owns."""

    class Meta:
        model = "members.VolunteerRegisterEntry"

    association = factory.SubFactory(AssociationFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = "enrolment"
    first_name = "Mario"
    last_name = "Rossi"
    fiscal_code = "RSSMRA80A01H501U"
    birth_date = datetime.date(1980, 1, 1)
    birth_place = "Roma"
    residence = "Via Roma 1, Caserta (CE)"
    start_date = datetime.date(2024, 1, 15)
    recorded_by = factory.SubFactory(UserFactory)


class InsurancePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.InsurancePolicy"

    association = factory.SubFactory(AssociationFactory)
    insurer = "Cattolica Assicurazioni"
    policy_number = factory.Sequence(lambda n: f"POL-{n:05d}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
