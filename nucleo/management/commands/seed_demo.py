"""``manage.py seed_demo``: the demo partnership, its people and their logins.

Idempotent: running it again changes nothing and prints the same logins. Each module's
issue adds its own realistic data through ``DEMO_SEEDERS``.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand
from django.db import transaction

from emergencies.demo import seed_cases
from emergencies.demo_network import seed_network
from emergencies.demo_plans import seed_plans
from evaluation.demo import seed_evaluation
from members.demo import seed_members
from members.models import Association, Language, Member, Role, User
from members.services import membership_grant_role, welcome
from resources.demo import seed_resources
from training.demo import seed_training

DEMO_PASSWORD = "nucleo-demo-2026"

ASSOCIATIONS = [
    {
        "slug": "migr-azioni",
        "name": "Migr-Azioni ETS",
        "fiscal_code": "90012345678",
        "kind": Association.Kind.OTHER,
        "city": "Caserta",
    },
    {
        "slug": "si-teverola",
        "name": "Sì Teverola OdV ETS",
        "fiscal_code": "90023456789",
        "kind": Association.Kind.ODV,
        "city": "Teverola",
    },
    {
        "slug": "contrasto-tv",
        "name": "ContrastoTV APS",
        "fiscal_code": "90034567890",
        "kind": Association.Kind.APS,
        "city": "Teverola",
    },
]

# email, first name, last name, association slug, role
USERS = [
    ("coordinator@nucleo.test", "Carla", "Esposito", "migr-azioni", Role.COORDINATOR),
    ("operator@nucleo.test", "Omar", "Diallo", "migr-azioni", Role.OPERATOR),
    ("facilitator@nucleo.test", "Fatima", "Benali", "migr-azioni", Role.FACILITATOR),
    ("member@nucleo.test", "Mariam", "Okafor", "migr-azioni", Role.MEMBER),
    ("partner-operator@nucleo.test", "Paolo", "Russo", "si-teverola", Role.OPERATOR),
]

# People registered by operators, most without an account.
REGISTRY = [
    ("migr-azioni", "Amadou", "Sow", "Caserta", ["fr", "wo"], 1991, 3, "+39 333 123 4567"),
    ("migr-azioni", "Nadia", "Haddad", "Marcianise", ["ar", "fr"], 1986, 4, "+39 347 765 4321"),
    ("migr-azioni", "Olena", "Kovalenko", "Caserta", ["uk", "ru"], 1979, 2, ""),
    ("migr-azioni", "Rahim", "Uddin", "Aversa", ["bn", "en"], 1995, 1, "+39 320 111 2233"),
    ("si-teverola", "Grace", "Mensah", "Teverola", ["en", "ak"], 1990, 5, "+39 389 555 0101"),
]

# Callables taking (stdout,), run after the people.
DEMO_SEEDERS: list = [
    seed_members,
    seed_resources,
    seed_cases,
    seed_network,
    seed_plans,
    seed_training,
    seed_evaluation,
]


class Command(BaseCommand):
    help = "Create the demo associations, users of every role and their logins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        associations = {}
        for data in ASSOCIATIONS:
            associations[data["slug"]], _ = Association.objects.update_or_create(
                slug=data["slug"], defaults=data
            )

        lines = []
        for email, first, last, slug, role in USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            self._verify_email(user)
            membership_grant_role(user=user, association=associations[slug], role=role)
            welcome(user=user, association=associations[slug])
            if role == Role.MEMBER:
                Member.objects.get_or_create(
                    association=associations[slug],
                    user=user,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": email,
                        "municipality": "Caserta",
                    },
                )
            secret = self._totp_secret(user) if role in (Role.OPERATOR, Role.COORDINATOR) else None
            line = f"{role.value:<12} {email:<30} {DEMO_PASSWORD}"
            if secret:
                line += f"  TOTP secret: {secret}"
            lines.append(line)

        for slug, first, last, town, languages, year, household, phone in REGISTRY:
            member, _ = Member.objects.get_or_create(
                association=associations[slug],
                first_name=first,
                last_name=last,
                defaults={
                    "municipality": town,
                    "year_of_birth": year,
                    "household_size": household,
                    "phone": phone,
                    "preferred_language_id": languages[0],
                },
            )
            member.languages.set(Language.objects.filter(code__in=languages))

        for seeder in DEMO_SEEDERS:
            seeder(self.stdout)

        self.stdout.write("Demo logins (role, email, password, TOTP secret for staff):")
        for line in lines:
            self.stdout.write("  " + line)

    def _verify_email(self, user: User) -> None:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def _totp_secret(self, user: User) -> str:
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is not None:
            return decrypt(authenticator.data["secret"])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret
