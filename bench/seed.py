"""Fill the "Bench ETS" association with realistic volumes for the page benchmarks.

``manage.py seed_scale --factor N`` calls :func:`seed`. Factor 1 is a mid-sized
association (about 1,000 people in the registry); each table's seeder says how many rows
it holds per unit of factor. Seeders *top up* to that target rather than add it again, so
running the command twice changes nothing and a larger factor later adds only the
difference. ``--only`` runs some seeders alone: one table's volumes at a larger factor on
top of a smaller bench (``seed_scale --factor 100 --only evaluation_seed`` after
``--factor 1``).

Rows go in with ``bulk_create``: a per-row ``save()`` would take minutes at factor 100.
That skips ``save()``, signals and django-simple-history, which is fine here: bench rows
exist to be read by pages, and a page reading history tables is benchmarked against the
history the services write, not these rows.

Each module's issue adds its tables with ``@register``; a seeder receives the
:class:`SeedContext` and returns what it created, ``{"cases": 2000, ...}``; what it could
not do (a target out of reach) it tells with ``ctx.note``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import TextIO

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from emergencies.models import (
    AlertAnswer,
    AlertText,
    Case,
    CaseEvent,
    Category,
    CommunityAlert,
    EmergencyPlan,
    FollowUp,
    GoBagItem,
    HelpRequest,
    NetworkSettings,
    Offer,
    PlanAction,
    PlanContact,
    PlanDocument,
    PlanPlace,
    PlanScenario,
    PlanVersion,
    ScenarioKind,
    ScenarioTemplate,
    Urgency,
)
from emergencies.planning import Facts, completeness
from emergencies.services import categories_seed_defaults
from emergencies.services.plans import scenario_templates_seed_defaults
from evaluation import who5
from evaluation.models import EventKind, FeedbackAnswer, FeedbackRequest, WellbeingCheckIn
from members.models import (
    STAFF_ROLES,
    Association,
    AvailabilitySlot,
    Consent,
    ConsentPurpose,
    Invitation,
    Language,
    Member,
    Membership,
    PrivacyNotice,
    Role,
    SignInAttempt,
    Skill,
    User,
    VolunteerProfile,
)
from members.services import membership_grant_role
from resources.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from training.models import (
    Course,
    CourseCompletion,
    Enrolment,
    GroupMeeting,
    GroupMembership,
    Session,
    SupportGroup,
    Topic,
)

BATCH_SIZE = 1000

BENCH_ASSOCIATION = {
    "slug": "bench-ets",
    "name": "Bench ETS",
    "fiscal_code": "90099990001",
    "kind": Association.Kind.OTHER,
    "city": "Caserta",
}
BENCH_ROLES = (Role.MEMBER, Role.FACILITATOR, Role.OPERATOR, Role.COORDINATOR)
# Every address the bench writes starts with this, so its rows are easy to count (and to
# tell from real people's) whatever else is in the database.
BENCH_EMAIL_PREFIX = "bench-"
BENCH_EMAIL_DOMAIN = "nucleo.test"


def bench_email(role: str) -> str:
    return f"{BENCH_EMAIL_PREFIX}{Role(role).value}@{BENCH_EMAIL_DOMAIN}"


def bench_association() -> Association | None:
    return Association.objects.filter(slug=BENCH_ASSOCIATION["slug"]).first()


def bench_users() -> dict[Role, User]:
    """The bench user of each role that exists (all four once ``seed_scale`` ran)."""
    by_email = {
        user.email: user
        for user in User.objects.filter(email__in=[bench_email(role) for role in BENCH_ROLES])
    }
    return {
        role: by_email[bench_email(role)] for role in BENCH_ROLES if bench_email(role) in by_email
    }


@dataclass
class SeedContext:
    factor: float
    association: Association
    users: dict[Role, User]
    # Seeded from the factor: the same command on an empty database gives the same data,
    # so two runs of the benchmark compare like with like.
    rng: random.Random = field(init=False)
    # Printed under the seeder's line, then emptied.
    notes: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"nucleo-bench-{self.factor}")

    def note(self, text: str) -> None:
        self.notes.append(text)

    def rows(self, per_factor: int) -> int:
        """How many rows a table holds at this factor. Never zero, so a tiny test factor
        still runs every seeder's code."""
        return max(1, round(self.factor * per_factor))


Seeder = Callable[[SeedContext], dict[str, int]]
SEEDERS: list[Seeder] = []


def register(seeder: Seeder) -> Seeder:
    if seeder not in SEEDERS:
        SEEDERS.append(seeder)
    return seeder


class UnknownSeeder(ValueError):
    """A name given to ``only`` that no registered seeder has."""


def seeders_named(names: Collection[str]) -> list[Seeder]:
    """The registered seeders of these function names, in registration order (the order
    they depend on each other in)."""
    known = [seeder.__name__ for seeder in SEEDERS]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise UnknownSeeder(
            f"No seeder named {', '.join(unknown)}. The seeders are: {', '.join(known)}."
        )
    return [seeder for seeder in SEEDERS if seeder.__name__ in names]


def chunks(total: int, size: int = BATCH_SIZE) -> Iterator[range]:
    """``range(0, total)`` in slices of ``size``: objects are built and inserted one batch
    at a time so a large factor never holds every row in memory."""
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


@transaction.atomic
def seed(*, factor: float, out: TextIO, only: Collection[str] | None = None) -> dict[str, int]:
    """Create the bench association and users, then run every seeder, or those named in
    ``only``. Returns the rows created per table and prints one line per step with its
    duration."""
    seeders = SEEDERS if only is None else seeders_named(only)
    started = time.perf_counter()
    association, created = Association.objects.get_or_create(
        slug=BENCH_ASSOCIATION["slug"], defaults=BENCH_ASSOCIATION
    )
    users, users_created = _bench_users_ensure(association)
    totals = {"associations": int(created), "users": users_created}
    scope = "" if only is None else f", only {', '.join(seeder.__name__ for seeder in seeders)}"
    out.write(
        f"{association.name} (factor {factor:g}{scope}): "
        f"association {'created' if created else 'found'}, "
        f"{users_created} of {len(users)} bench users created "
        f"({time.perf_counter() - started:.2f} s)\n"
    )

    context = SeedContext(factor=factor, association=association, users=users)
    for seeder in seeders:
        step_started = time.perf_counter()
        created_rows = seeder(context)
        for table, count in created_rows.items():
            totals[table] = totals.get(table, 0) + count
        summary = ", ".join(f"{count} {table}" for table, count in created_rows.items())
        out.write(
            f"  {seeder.__name__}: {summary or 'nothing'} created "
            f"({time.perf_counter() - step_started:.2f} s)\n"
        )
        for note in context.notes:
            out.write(f"    {note}\n")
        context.notes.clear()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather them later: without them the
        # planner takes 200,000 bulk-inserted cases for a few hundred.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out.write(f"Seeded in {time.perf_counter() - started:.2f} s.\n")
    return totals


def _bench_users_ensure(association: Association) -> tuple[dict[Role, User], int]:
    users: dict[Role, User] = {}
    created_count = 0
    for role in BENCH_ROLES:
        user, created = User.objects.get_or_create(
            email=bench_email(role),
            defaults={"first_name": "Bench", "last_name": role.label},
        )
        if created:
            created_count += 1
            # The benchmark signs in with force_login: nobody needs a password for these.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership_grant_role(user=user, association=association, role=role)
        if (
            role in STAFF_ROLES
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            # Without a second factor the staff-MFA middleware would redirect every page
            # to the authenticator setup, and the benchmark would time that instead.
            TOTP.activate(user, generate_totp_secret())
        if role == Role.MEMBER:
            Member.objects.get_or_create(
                association=association,
                user=user,
                defaults={"first_name": user.first_name, "last_name": user.last_name},
            )
        users[role] = user
    return users, created_count


# --- Seeders of people and access -------------------------------------------------------

FIRST_NAMES = [
    "Amadou", "Fatou", "Moussa", "Aminata", "Ibrahima", "Mariam", "Ousmane", "Awa",
    "Nadia", "Youssef", "Khadija", "Omar", "Samira", "Karim", "Olena", "Iryna", "Andriy",
    "Oksana", "Rahim", "Fatema", "Sabbir", "Nasrin", "Grace", "Emmanuel", "Blessing",
    "Chinedu", "Ana", "Ion", "Elena", "Mihai", "Arben", "Elira", "Giulia", "Marco",
    "Francesca", "Luca", "Rosa", "Giuseppe", "Mehmet", "Zeynep", "Ahmad", "Farida",
]  # fmt: skip
LAST_NAMES = [
    "Sow", "Diallo", "Ndiaye", "Traore", "Camara", "Keita", "Haddad", "El Amrani",
    "Benali", "Mansour", "Kovalenko", "Shevchenko", "Bondarenko", "Uddin", "Rahman",
    "Hossain", "Mensah", "Okafor", "Adeyemi", "Boateng", "Popescu", "Ionescu", "Hoxha",
    "Krasniqi", "Esposito", "Russo", "De Luca", "Romano", "Caruso", "Yilmaz", "Karimi",
]  # fmt: skip
MUNICIPALITIES = [
    "Caserta", "Teverola", "Aversa", "Marcianise", "Castel Volturno", "Mondragone",
    "Santa Maria Capua Vetere", "Maddaloni", "Villa Literno", "Trentola Ducenta",
]  # fmt: skip
ZONES = ["Centro", "Stazione", "Nord", "Sud", "Litorale", "Zona industriale", ""]
OPERATOR_NOTES = [
    "Needs help renewing the residence permit.",
    "Prefers to be called in the afternoon.",
    "Household with young children; follow up on school enrolment.",
    "Looking for work; has experience in agriculture.",
]
USER_AGENTS = [
    "Mozilla/5.0 (Linux; Android 13; SM-A145R) AppleWebKit/537.36 Chrome/124.0 Mobile",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
]


@register
def members_seed(ctx: SeedContext) -> dict[str, int]:
    """The association's registry, most people without an account, each speaking one to
    three languages (the member list prefetches them)."""
    missing = ctx.rows(1000) - Member.objects.filter(association=ctx.association).count()
    codes = list(Language.objects.values_list("code", flat=True))
    rng = ctx.rng
    this_year = timezone.now().year
    Spoken = Member.languages.through
    created = spoken = 0
    for batch in chunks(max(0, missing)):
        members, spoken_by = [], []
        for _ in batch:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            languages = rng.sample(codes, k=min(len(codes), rng.randint(1, 3)))
            phone = f"+39 3{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            email = f"{first}.{last}.{rng.randint(1, 99999)}@example.org".lower().replace(" ", "")
            members.append(
                Member(
                    association=ctx.association,
                    first_name=first,
                    last_name=last,
                    preferred_language_id=languages[0] if languages else None,
                    phone=phone if rng.random() < 0.7 else "",
                    email=email if rng.random() < 0.4 else "",
                    municipality=rng.choice(MUNICIPALITIES),
                    zone=rng.choice(ZONES),
                    year_of_birth=rng.randint(this_year - 80, this_year - 16),
                    household_size=rng.randint(1, 8),
                    operator_notes=rng.choice(OPERATOR_NOTES) if rng.random() < 0.2 else "",
                )
            )
            spoken_by.append(languages)
        # PostgreSQL and SQLite both return the new primary keys, which the language rows
        # need.
        Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
        rows = [
            Spoken(member_id=member.pk, language_id=code)
            for member, languages in zip(members, spoken_by, strict=True)
            for code in languages
        ]
        Spoken.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        created += len(members)
        spoken += len(rows)
    return {"members": created, "member languages": spoken}


@register
def consents_and_volunteers_seed(ctx: SeedContext) -> dict[str, int]:
    """Consents for most of the registry (the registry filters by them) and one person in
    ten a volunteer with skills and weekly slots (the volunteer list and matching)."""
    notice, _ = PrivacyNotice.objects.get_or_create(
        association=ctx.association, version="bench", defaults={"text": "Bench notice."}
    )
    skills = list(Skill.objects.for_association(ctx.association))
    if not skills:
        skills = Skill.objects.bulk_create(
            Skill(association=ctx.association, kind=kind, name_it=str(label), name_en=str(label))
            for kind, label in Skill.Kind.choices
            if kind != Skill.Kind.INTERPRETING
        )
    rng = ctx.rng
    members = list(
        Member.objects.filter(association=ctx.association, consents__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    consents = [
        Consent(
            association=ctx.association,
            member_id=pk,
            purpose=purpose,
            notice=notice,
            method=Consent.Method.PAPER,
        )
        for pk in members
        for purpose in ConsentPurpose.values
        if rng.random() < 0.6
    ]
    Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)

    target = ctx.rows(100)
    missing = target - VolunteerProfile.objects.filter(association=ctx.association).count()
    candidates = list(
        Member.objects.filter(association=ctx.association, volunteer__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")[: max(0, missing)]
    )
    profiles = VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            association=ctx.association,
            member_id=pk,
            zones=rng.choice(ZONES),
            max_active_tasks=rng.randint(1, 4),
        )
        for pk in candidates
    )
    Has = VolunteerProfile.skills.through
    Has.objects.bulk_create(
        Has(volunteerprofile_id=profile.pk, skill_id=skill.pk)
        for profile in profiles
        for skill in rng.sample(skills, k=min(len(skills), rng.randint(1, 3)))
    )
    slots = [
        AvailabilitySlot(
            volunteer=profile,
            weekday=weekday,
            starts_at=clock(start, 0),
            ends_at=clock(start + 3, 0),
        )
        for profile in profiles
        for weekday, start in {(rng.randint(0, 6), rng.choice([9, 14, 17])) for _ in range(2)}
    ]
    AvailabilitySlot.objects.bulk_create(slots, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return {
        "consents": len(consents),
        "volunteers": len(profiles),
        "availability slots": len(slots),
    }


@register
def sign_in_attempts_seed(ctx: SeedContext) -> dict[str, int]:
    """A year of the sign-in log: mostly the bench people's own sign-ins (what the
    coordinator's page lists), some failures on addresses nobody owns."""
    bench_attempts = SignInAttempt.objects.filter(
        email__startswith=BENCH_EMAIL_PREFIX, email__endswith=f"@{BENCH_EMAIL_DOMAIN}"
    )
    missing = ctx.rows(500) - bench_attempts.count()
    rng = ctx.rng
    users = list(ctx.users.values())
    now = timezone.now()
    created = 0
    for batch in chunks(max(0, missing)):
        attempts = []
        for n in batch:
            user = rng.choice(users) if rng.random() < 0.85 else None
            attempts.append(
                SignInAttempt(
                    email=user.email
                    if user
                    else f"{BENCH_EMAIL_PREFIX}unknown-{n}@{BENCH_EMAIL_DOMAIN}",
                    user=user,
                    succeeded=user is not None and rng.random() < 0.9,
                    ip_address=f"203.0.113.{rng.randint(1, 254)}",
                    user_agent=rng.choice(USER_AGENTS),
                    created_at=now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600)),
                )
            )
        SignInAttempt.objects.bulk_create(attempts, batch_size=BATCH_SIZE)
        created += len(attempts)
    return {"sign-in attempts": created}


@register
def invitations_seed(ctx: SeedContext) -> dict[str, int]:
    """Invitations in every state, so the invitation list is timed with rows to show."""
    missing = ctx.rows(100) - Invitation.objects.filter(association=ctx.association).count()
    rng = ctx.rng
    inviters = [ctx.users[Role.OPERATOR], ctx.users[Role.COORDINATOR]]
    now = timezone.now()
    member_ids = list(
        Member.objects.filter(association=ctx.association, user__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
    created = 0
    for batch in chunks(max(0, missing)):
        invitations = []
        for n in batch:
            # Mostly pending (some for a registry entry), then accepted, revoked, expired.
            state = rng.random()
            invitations.append(
                Invitation(
                    association=ctx.association,
                    email=f"{BENCH_EMAIL_PREFIX}invited-{rng.randint(1, 10**9)}-{n}@example.org",
                    role=Role.MEMBER if rng.random() < 0.8 else rng.choice(list(Role)),
                    member_id=rng.choice(member_ids) if member_ids and state < 0.3 else None,
                    created_by=rng.choice(inviters),
                    expires_at=now + timedelta(days=-1 if state >= 0.85 else 7),
                    accepted_at=now - timedelta(days=1) if 0.6 <= state < 0.75 else None,
                    revoked_at=now if 0.75 <= state < 0.85 else None,
                )
            )
        Invitation.objects.bulk_create(invitations, batch_size=BATCH_SIZE)
        created += len(invitations)
    return {"invitations": created}


# --- Seeder of the resource map ---------------------------------------------------------

# Town, postal code, latitude, longitude of its centre.
RESOURCE_TOWNS = [
    ("Caserta", "81100", 41.0732, 14.3327),
    ("Teverola", "81030", 40.9960, 14.2050),
    ("Aversa", "81031", 40.9720, 14.2070),
    ("Marcianise", "81025", 41.0330, 14.2980),
    ("Santa Maria Capua Vetere", "81055", 41.0840, 14.2540),
    ("Maddaloni", "81024", 41.0370, 14.3820),
    ("Casal di Principe", "81033", 41.0090, 14.1300),
    ("Castel Volturno", "81030", 41.0330, 13.9420),
]
# Category code → what such a service is called.
RESOURCE_KINDS = {
    "emergency": "Pronto intervento sociale",
    "shelter": "Accoglienza notturna",
    "food-bank": "Banco alimentare",
    "canteen": "Mensa solidale",
    "health": "Ambulatorio solidale",
    "hospital": "Pronto soccorso",
    "womens-health": "Consultorio",
    "mental-health": "Sostegno psicologico",
    "legal": "Sportello legale",
    "documents": "Sportello documenti",
    "work": "Sportello lavoro",
    "language-courses": "Corso di italiano",
    "violence": "Centro antiviolenza",
    "family": "Centro per le famiglie",
    "social-services": "Segretariato sociale",
}
RESOURCE_STREETS = [
    "Via Roma", "Corso Umberto I", "Via Garibaldi", "Via Mazzini", "Via Napoli",
    "Via Vittorio Emanuele", "Piazza Municipio", "Via San Giovanni", "Viale Europa",
]  # fmt: skip
ORGANIZATION_KINDS = ["Associazione", "Cooperativa sociale", "Parrocchia", "Fondazione", "ODV"]


@register
def resources_seed(ctx: SeedContext) -> dict[str, int]:
    """The resource map at 5,000 services per factor, all public and active, each of its
    own organization at its own place in a town around Caserta, with one or two phones,
    weekday hours (some with afternoons, Saturdays or a Christmas closure), one to three
    categories and languages. About a third were last verified over six months ago."""
    missing = ctx.rows(5000) - Service.objects.filter(maintained_by=ctx.association).count()
    if missing <= 0:
        return {}
    rng = ctx.rng
    terms = dict(TaxonomyTerm.objects.filter(code__in=RESOURCE_KINDS).values_list("code", "id"))
    kinds = [code for code in RESOURCE_KINDS if code in terms]
    # Italian everywhere, and up to two more.
    others = list(Language.objects.exclude(code="it").values_list("code", flat=True))
    verifier = ctx.users.get(Role.OPERATOR)
    now = timezone.now()
    christmas = date(timezone.localdate().year, 12, 25)
    number = Organization.objects.filter(maintained_by=ctx.association).count()
    Category = Service.categories.through
    Spoken = Service.languages.through
    created = dict.fromkeys(
        (
            "organizations", "services", "locations", "services at locations", "phones",
            "schedules", "service categories", "service languages",
        ),
        0,
    )  # fmt: skip
    for batch in chunks(missing):
        organizations, locations, services, at_locations = [], [], [], []
        phones, schedules, categories, spoken = [], [], [], []
        for _ in batch:
            number += 1
            town, postal_code, latitude, longitude = rng.choice(RESOURCE_TOWNS)
            service_kinds = rng.sample(kinds, k=min(len(kinds), rng.randint(1, 3)))
            verified = {
                "maintained_by": ctx.association,
                "last_verified_at": now - timedelta(days=rng.randint(0, 270)),
                "last_verified_by": verifier,
            }
            organization = Organization(
                name=f"{rng.choice(ORGANIZATION_KINDS)} {rng.choice(LAST_NAMES)} {number}",
                description="Organizzazione del banco di prova.",
                **verified,
            )
            location = Location(
                organization=organization,
                name=f"Sede {number}",
                address_1=f"{rng.choice(RESOURCE_STREETS)} {rng.randint(1, 200)}",
                city=town,
                postal_code=postal_code,
                state_province="CE",
                # Within about 1.5 km of the town centre.
                latitude=Decimal(f"{latitude + rng.uniform(-0.014, 0.014):.6f}"),
                longitude=Decimal(f"{longitude + rng.uniform(-0.018, 0.018):.6f}"),
                wheelchair_accessible=rng.random() < 0.5,
                **verified,
            )
            service = Service(
                organization=organization,
                name=f"{RESOURCE_KINDS[service_kinds[0]] if service_kinds else 'Servizio'} "
                f"{town} {number}",
                description="Ascolto, orientamento e aiuto concreto.",
                status=Service.Status.ACTIVE,
                is_public=True,
                is_free=rng.random() < 0.85,
                **verified,
            )
            organizations.append(organization)
            locations.append(location)
            services.append(service)
            at_locations.append(ServiceAtLocation(service=service, location=location))
            for n in range(rng.randint(1, 2)):
                phones.append(
                    Phone(
                        service=service,
                        number=f"0823 {rng.randint(100, 999)} {rng.randint(100, 999)}"
                        if n == 0
                        else f"+39 3{rng.randint(20, 49)} {rng.randint(100, 999)} "
                        f"{rng.randint(1000, 9999)}",
                        type=Phone.Type.VOICE if n == 0 else Phone.Type.CELL,
                    )
                )
            weekly = [("MO,TU,WE,TH,FR", clock(9), clock(13))]
            if rng.random() < 0.5:
                weekly.append(("TU,TH", clock(15), clock(18)))
            if rng.random() < 0.2:
                weekly.append(("SA", clock(9), clock(12)))
            schedules.extend(
                Schedule(service=service, freq=Schedule.Freq.WEEKLY, byday=byday,
                         opens_at=opens, closes_at=closes)
                for byday, opens, closes in weekly
            )  # fmt: skip
            if rng.random() < 0.3:
                schedules.append(
                    Schedule(
                        service=service,
                        freq=Schedule.Freq.NONE,
                        valid_from=christmas,
                        valid_to=christmas,
                        description="Chiuso: Natale",
                    )
                )
            categories.extend(
                Category(service_id=service.pk, taxonomyterm_id=terms[code])
                for code in service_kinds
            )
            spoken.extend(
                Spoken(service_id=service.pk, language_id=code)
                for code in ["it", *rng.sample(others, k=min(len(others), rng.randint(0, 2)))]
            )
        # UUID keys are made in Python, so the rows can point at each other before saving.
        Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
        Location.objects.bulk_create(locations, batch_size=BATCH_SIZE)
        Service.objects.bulk_create(services, batch_size=BATCH_SIZE)
        ServiceAtLocation.objects.bulk_create(at_locations, batch_size=BATCH_SIZE)
        Phone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
        Schedule.objects.bulk_create(schedules, batch_size=BATCH_SIZE)
        Category.objects.bulk_create(categories, batch_size=BATCH_SIZE)
        Spoken.objects.bulk_create(spoken, batch_size=BATCH_SIZE)
        for table, rows in (
            ("organizations", organizations), ("services", services),
            ("locations", locations), ("services at locations", at_locations),
            ("phones", phones), ("schedules", schedules),
            ("service categories", categories), ("service languages", spoken),
        ):  # fmt: skip
            created[table] += len(rows)
    return created


# --- Seeder of case management ----------------------------------------------------------

CASE_DESCRIPTIONS = [
    "Sfratto per morosità tra due settimane, famiglia con due figli piccoli.",
    "Ha perso il lavoro e non riesce a pagare l'affitto di questo mese.",
    "Permesso di soggiorno in scadenza, nessun appuntamento in Questura.",
    "Senza medico di base, ha bisogno di una visita e dei farmaci.",
    "Dorme in macchina da una settimana dopo aver lasciato l'accoglienza.",
    "Chiede un pacco alimentare: nessuna entrata da un mese.",
    "Lavoro nei campi senza contratto, la paga non arriva.",
    "Minacce dal compagno, ha paura di tornare a casa.",
    "Il figlio non va a scuola da settimane, la scuola ha convocato la famiglia.",
    "Multa e bollette arretrate che non capisce, chiede aiuto per rispondere.",
    "Domanda d'asilo respinta, pochi giorni per il ricorso.",
    "Isolata e senza sonno dopo un lutto, chiede qualcuno con cui parlare.",
]
CASE_ENTRIES = [
    ("note", "Richiamare nel pomeriggio, al mattino lavora."),
    ("note", "Serve la mediatrice linguistica al prossimo colloquio."),
    ("intervention", "Compilata la domanda insieme in sede."),
    ("intervention", "Accompagnamento allo sportello del Comune."),
    ("contact", "Colloquio in sede: ricostruita la situazione."),
    ("contact", "Sentita al telefono per aggiornarla."),
]
# Status and its weight: most cases of two years are closed.
CASE_STATUSES = [
    (Case.Status.CLOSED, 65),
    (Case.Status.IN_PROGRESS, 12),
    (Case.Status.NEW, 6),
    (Case.Status.TRIAGED, 5),
    (Case.Status.WAITING, 7),
    (Case.Status.REFERRED, 5),
]
# Days back a case in each state was opened, at most.
CASE_AGES = {Case.Status.CLOSED: 730, Case.Status.NEW: 3, Case.Status.TRIAGED: 10}
URGENCY_WEIGHTS = [
    (Urgency.CRITICAL, 5),
    (Urgency.HIGH, 25),
    (Urgency.MEDIUM, 45),
    (Urgency.LOW, 25),
]


@register
def cases_seed(ctx: SeedContext) -> dict[str, int]:
    """Cases at 2,000 per factor over the last two years, most of them closed, each with
    two timeline entries (its opening and an operator's note, intervention or contact).
    One case in seven is the bench operator's (their "my cases"), one in twenty the
    coordinator's. A quarter of them have a follow-up: done on closed cases, on open ones
    due within three weeks or up to ten days overdue.
    Every case counts as opened by staff already, so the escalation sweep of critical
    cases leaves the bench alone."""
    added_categories = categories_seed_defaults(association=ctx.association)
    existing = Case.objects.filter(association=ctx.association).count()
    missing = ctx.rows(2000) - existing
    rng = ctx.rng
    category_ids = list(
        Category.objects.filter(association=ctx.association)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    member_ids = list(
        Member.objects.filter(association=ctx.association, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    operator, coordinator = ctx.users[Role.OPERATOR], ctx.users[Role.COORDINATOR]
    statuses, status_weights = zip(*CASE_STATUSES, strict=True)
    urgencies, urgency_weights = zip(*URGENCY_WEIGHTS, strict=True)
    now = timezone.now()
    created = dict.fromkeys(("cases", "case events", "follow-ups"), 0)
    for batch in chunks(max(0, missing)):
        cases = []
        for n in batch:
            status = rng.choices(statuses, status_weights)[0]
            opened_at = now - timedelta(
                days=rng.uniform(0.01, CASE_AGES.get(status, 180)), minutes=rng.randint(1, 60)
            )
            closed = status == Case.Status.CLOSED
            closed_at = min(opened_at + timedelta(days=rng.uniform(0.1, 60)), now)
            share = (existing + n) % 20
            assigned_to = operator if share < 3 else coordinator if share == 3 else None
            contacted = status != Case.Status.NEW or rng.random() < 0.5
            cases.append(
                Case(
                    association=ctx.association,
                    member_id=rng.choice(member_ids),
                    category_id=rng.choice(category_ids),
                    urgency=rng.choices(urgencies, urgency_weights)[0],
                    status=status,
                    outcome=rng.choice(Case.Outcome.values) if closed else "",
                    channel=rng.choice(Case.Channel.values),
                    description=rng.choice(CASE_DESCRIPTIONS),
                    assigned_to=assigned_to,
                    opened_by=operator if rng.random() < 0.7 else coordinator,
                    opened_at=opened_at,
                    first_contact_at=min(
                        opened_at + timedelta(minutes=rng.randint(5, 3 * 24 * 60)),
                        closed_at if closed else now,
                    )
                    if contacted
                    else None,
                    closed_at=closed_at if closed else None,
                    acknowledged_at=opened_at + timedelta(minutes=rng.randint(1, 30)),
                )
            )
        Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)

        events, follow_ups = [], []
        for case in cases:
            worker = case.assigned_to or case.opened_by
            kind, text = rng.choice(CASE_ENTRIES)
            entry = CaseEvent(
                case_id=case.pk,
                kind=kind,
                author=worker,
                created_at=case.first_contact_at or case.opened_at,
                text=text,
                confidential=kind == "note" and rng.random() < 0.1,
            )
            if kind == "intervention":
                entry.intervention_type = rng.choice(CaseEvent.InterventionType.values)
                entry.minutes = rng.choice([15, 30, 45, 60, 90])
            elif kind == "contact":
                entry.contact_channel = rng.choice(CaseEvent.ContactChannel.values)
            events += [
                CaseEvent(
                    case_id=case.pk,
                    kind=CaseEvent.Kind.STATUS,
                    author=case.opened_by,
                    created_at=case.opened_at,
                    to_status=Case.Status.NEW,
                ),
                entry,
            ]
            if case.status != Case.Status.NEW and rng.random() < 0.25:
                done = case.status == Case.Status.CLOSED
                follow_ups.append(
                    FollowUp(
                        case_id=case.pk,
                        title="Richiamare per l'esito",
                        # From ten days overdue to three weeks ahead.
                        due_at=case.closed_at
                        if done
                        else now + timedelta(days=rng.uniform(-10, 21)),
                        assigned_to=worker,
                        created_by=worker,
                        done_at=case.closed_at if done else None,
                        done_by=worker if done else None,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH_SIZE)
        created["cases"] += len(cases)
        created["case events"] += len(events)
        created["follow-ups"] += len(follow_ups)
    created["case categories"] = added_categories
    return {table: count for table, count in created.items() if count}


# --- Seeders of the solidarity network and community alerts ---------------------------

# What members ask the network for: kind, summary, skill kinds it needs.
HELP_ASKS = [
    ("accompany", "Accompagnare in Questura e fare da interprete per il permesso.",
     ["accompaniment"]),
    ("accompany", "Accompagnare a una visita in ospedale e aiutare con il medico.",
     ["accompaniment", "listening"]),
    ("accompany", "Accompagnare a scuola per il colloquio con gli insegnanti.",
     ["accompaniment"]),
    ("online_form", "Aiuto con la domanda online per il rinnovo del permesso.",
     ["digital", "paperwork"]),
    ("online_form", "Compilare insieme la domanda di assegno unico sul sito dell'INPS.",
     ["digital", "paperwork"]),
    ("lift", "Un passaggio in auto al centro per l'impiego e ritorno.", ["transport"]),
    ("meal", "Portare un pasto caldo a una persona sola che non può uscire.",
     ["cooking", "transport"]),
    ("listening", "Qualcuno con cui parlare un'ora, anche al telefono.", ["listening"]),
    ("other", "Tenere i bambini durante il corso di italiano della mamma.", ["childcare"]),
]  # fmt: skip
HELP_DETAILS = "Nome, indirizzo e telefono della persona; cosa portare all'appuntamento."
HELP_THANKS = ["Grazie di cuore!", "Gentilissima, grazie.", "Senza di te non ce l'avrei fatta."]
# The states requests go through, in the order they are made: each state shows in the
# first seven (so a tiny factor has them all) and about half of all requests are done
# and confirmed, as in an association that has used the network for a year.
_H = HelpRequest.Status
HELP_STATE_CYCLE = [
    _H.OPEN, _H.OFFERED, _H.ASSIGNED, _H.DONE, _H.CONFIRMED, _H.UNMATCHED, _H.CANCELLED,
    _H.CONFIRMED, _H.CONFIRMED, _H.OFFERED, _H.CONFIRMED, _H.OPEN, _H.CONFIRMED,
    _H.ASSIGNED, _H.CONFIRMED, _H.CONFIRMED, _H.CANCELLED, _H.CONFIRMED, _H.DONE,
    _H.CONFIRMED,
]  # fmt: skip
OFFERS_PER_ROUND = 3
OFFER_TIMEOUT = timedelta(minutes=120)
BENCH_ALERT_SUBJECT = "Bench: ondata di calore"
BENCH_ALERT_TEXTS = {
    "it": ("Ondata di calore", "Bevi molta acqua e non uscire nelle ore più calde."),
    "en": ("Heat wave", "Drink plenty of water and stay indoors in the hottest hours."),
    "ar": ("موجة حر", "اشرب الكثير من الماء ولا تخرج في ساعات الحر الشديد."),
}


def volunteer_email(member_id: int) -> str:
    # Not "bench-…": those are the four bench users the page benchmark signs in as.
    return f"volunteer-{member_id}@bench.{BENCH_EMAIL_DOMAIN}"


@register
def volunteer_accounts_seed(ctx: SeedContext) -> dict[str, int]:
    """An account for every volunteer without one (``volunteer-<member>@bench.nucleo.test``,
    no password, a mobile number), a member of the association: matching only ranks
    volunteers it can tell of an offer."""
    missing = list(
        VolunteerProfile.objects.filter(association=ctx.association, member__user__isnull=True)
        .order_by("pk")
        .values_list("member_id", flat=True)
    )
    rng = ctx.rng
    created = dict.fromkeys(("volunteer accounts", "memberships"), 0)
    unusable = make_password(None)  # one hash for all: nobody signs in as them
    for start in range(0, len(missing), BATCH_SIZE):
        member_ids = missing[start : start + BATCH_SIZE]
        users = User.objects.bulk_create(
            [
                User(
                    email=volunteer_email(member_id),
                    first_name="Bench",
                    last_name=f"Volunteer {member_id}",
                    password=unusable,
                    phone=f"+393{rng.randint(20, 49)}{rng.randint(1000000, 9999999)}",
                )
                for member_id in member_ids
            ]
        )
        Membership.objects.bulk_create(
            [Membership(user=user, association=ctx.association, is_member=True) for user in users]
        )
        Member.objects.bulk_update(
            [
                Member(pk=member_id, user=user)
                for member_id, user in zip(member_ids, users, strict=True)
            ],
            ["user"],
        )
        created["volunteer accounts"] += len(users)
        created["memberships"] += len(users)
    return {table: count for table, count in created.items() if count}


def _offer_reasons(rng: random.Random, skills: int, languages: int) -> list[dict]:
    """Reasons shaped as ``emergencies.matching.rank`` gives them, for the pages."""
    return [
        {"code": "skills", "covered": rng.randint(0, skills), "needed": skills},
        {"code": "languages", "covered": rng.randint(0, languages), "needed": languages},
        {"code": "zone", "match": rng.random() < 0.5},
        {"code": "availability", "minutes": rng.choice([0, 30, 60, 180]), "needed": 60},
        {"code": "load", "active": rng.randint(0, 1), "max": rng.randint(1, 4)},
        {"code": "rest", "days": rng.choice([None, 3, 12, 30])},
    ]


def _volunteers_pick(
    rng: random.Random, volunteers: list[tuple[int, int, int]], k: int, member_id: int
) -> list[tuple[int, int, int]]:
    """``k`` volunteers at random, none of them the member asking."""
    picked = rng.sample(volunteers, k=min(len(volunteers), k + 1))
    return [v for v in picked if v[1] != member_id][:k]


@register
def help_requests_seed(ctx: SeedContext) -> dict[str, int]:
    """Help requests at 200 per factor over the last year, in every state (see
    ``HELP_STATE_CYCLE``), each needing one or two skills, a language one time in
    three, in a zone, with the offers it went through: three pending for an offered
    request, an accepted one and two taken for an assigned, done or confirmed one, a
    few declined or expired for an unmatched one, withdrawn for a cancelled one.
    Assigned tasks respect each volunteer's maximum while some volunteer has room. The
    first request is open and needs two skills and Arabic in the Centro: the one the
    help-request page and ``bench/network.py`` rank every volunteer for."""
    NetworkSettings.objects.get_or_create(association=ctx.association)
    network = HelpRequest.objects.filter(association=ctx.association, alert_answer__isnull=True)
    existing = network.count()
    missing = ctx.rows(200) - existing
    created = dict.fromkeys(
        ("help requests", "help request skills", "help request languages", "offers"), 0
    )
    if missing <= 0:
        return {}
    rng = ctx.rng
    skills_by_kind: dict[str, list[int]] = {}
    for pk, kind in Skill.objects.for_association(ctx.association).values_list("pk", "kind"):
        skills_by_kind.setdefault(kind, []).append(pk)
    all_skills = [pk for pks in skills_by_kind.values() for pk in pks]
    codes = list(Language.objects.order_by("code").values_list("code", flat=True))
    member_ids = list(
        Member.objects.filter(association=ctx.association, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    volunteers = list(
        VolunteerProfile.objects.filter(association=ctx.association)
        .active()
        .order_by("pk")
        .values_list("pk", "member_id", "max_active_tasks")
    )
    if not member_ids or not volunteers:
        return {}
    room = {pk: most for pk, _member, most in volunteers}
    for row in (
        network.filter(status=_H.ASSIGNED).values("volunteer").annotate(n=Count("pk")).order_by()
    ):
        room[row["volunteer"]] -= row["n"]
    operator = ctx.users[Role.OPERATOR]
    now = timezone.now()
    Needs = HelpRequest.skills.through
    Speaks = HelpRequest.languages.through
    OfferStatus = Offer.Status

    for batch in chunks(missing):
        requests, needs, speaks, plans = [], [], [], []
        for n in batch:
            number = existing + n
            status = HELP_STATE_CYCLE[number % len(HELP_STATE_CYCLE)]
            kind, summary, skill_kinds = rng.choice(HELP_ASKS)
            wanted = [pk for k in skill_kinds for pk in skills_by_kind.get(k, [])[:1]]
            if not wanted and all_skills:
                wanted = [rng.choice(all_skills)]
            language = rng.choice(codes) if codes and rng.random() < 0.33 else None
            zone = rng.choice([z for z in ZONES if z])
            if number == 0:
                wanted = [pk for k in ("accompaniment", "listening") for pk in
                          skills_by_kind.get(k, [])[:1]] or wanted  # fmt: skip
                language = "ar" if "ar" in codes else language
                zone = "Centro"
            if status in (_H.OPEN, _H.OFFERED, _H.ASSIGNED):
                asked_at = now - timedelta(hours=rng.uniform(1, 48))
                starts_at = now + timedelta(days=rng.uniform(0.5, 10))
            else:
                asked_at = now - timedelta(days=rng.uniform(3, 365))
                starts_at = asked_at + timedelta(days=rng.uniform(0.5, 3))
            # In the day, as people book appointments.
            starts_at = timezone.localtime(starts_at).replace(
                hour=rng.randint(8, 18), minute=0, second=0, microsecond=0
            )
            minutes = rng.choice([30, 60, 90, 120, 180])
            member_id = rng.choice(member_ids)
            if len(volunteers) == 1 and volunteers[0][1] == member_id and len(member_ids) > 1:
                # Nobody helps themselves: with a single volunteer, someone else asks.
                member_id = next(pk for pk in member_ids if pk != member_id)
            help_request = HelpRequest(
                association=ctx.association,
                member_id=member_id,
                opened_by=operator,
                kind=kind,
                public_summary=summary,
                private_details=HELP_DETAILS,
                zone=zone,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes + rng.choice([0, 60, 240])),
                duration_minutes=minutes,
                status=status,
                created_at=asked_at,
            )
            # Who got the offers (never the person asking); the first took the task.
            asked = _volunteers_pick(rng, volunteers, OFFERS_PER_ROUND, member_id)
            if status in (_H.ASSIGNED, _H.DONE, _H.CONFIRMED) and asked:
                if status == _H.ASSIGNED:
                    draws = (rng.choice(volunteers) for _ in range(20))
                    free = (v for v in draws if room[v[0]] > 0 and v[1] != member_id)
                    taker = next(free, asked[0])
                    room[taker[0]] -= 1
                    asked = [taker, *(v for v in asked if v != taker)][:OFFERS_PER_ROUND]
                help_request.volunteer_id = asked[0][0]
                help_request.assigned_at = asked_at + timedelta(minutes=rng.randint(10, 240))
                help_request.offer_round = 1
            if status in (_H.DONE, _H.CONFIRMED):
                help_request.done_at = help_request.ends_at + timedelta(hours=rng.uniform(0, 6))
                help_request.minutes_spent = minutes + rng.choice([-15, 0, 0, 15, 30])
            if status == _H.CONFIRMED:
                help_request.confirmed_at = help_request.done_at + timedelta(
                    hours=rng.uniform(2, 72)
                )
                help_request.thanks = rng.choice(HELP_THANKS) if rng.random() < 0.5 else ""
                if rng.random() < 0.7:
                    help_request.hours_confirmed_at = help_request.confirmed_at + timedelta(
                        days=rng.uniform(0, 7)
                    )
                    help_request.hours_confirmed_by = operator
            if status == _H.UNMATCHED:
                asked = _volunteers_pick(rng, volunteers, 2 * OFFERS_PER_ROUND, member_id)
                help_request.offer_round = 2
                help_request.unmatched_alerted_at = asked_at + 2 * OFFER_TIMEOUT
            if status in (_H.OFFERED, _H.CANCELLED):
                help_request.offer_round = 1
            if status == _H.OPEN:
                asked = []
            requests.append(help_request)
            plans.append((help_request, asked, wanted, language))

        HelpRequest.objects.bulk_create(requests, batch_size=BATCH_SIZE)
        offers = []
        for help_request, asked, wanted, language in plans:
            needs += [Needs(helprequest_id=help_request.pk, skill_id=pk) for pk in wanted]
            if language:
                speaks.append(Speaks(helprequest_id=help_request.pk, language_id=language))
            status = help_request.status
            for index, (volunteer_id, _member, _most) in enumerate(asked):
                round_number = index // OFFERS_PER_ROUND + 1
                sent_at = (
                    help_request.created_at
                    + timedelta(minutes=5)
                    + OFFER_TIMEOUT * (round_number - 1)
                )
                if status == _H.OFFERED:
                    sent_at = now - timedelta(minutes=rng.randint(1, 100))
                offer = Offer(
                    request_id=help_request.pk,
                    volunteer_id=volunteer_id,
                    round=round_number,
                    rank=index % OFFERS_PER_ROUND + 1,
                    score=round(95 - 15 * index - rng.uniform(0, 10), 1),
                    reasons=_offer_reasons(rng, len(wanted), int(bool(language))),
                    sent_at=sent_at,
                    expires_at=sent_at + OFFER_TIMEOUT,
                )
                if status in (_H.ASSIGNED, _H.DONE, _H.CONFIRMED):
                    offer.status = OfferStatus.ACCEPTED if index == 0 else OfferStatus.TAKEN
                    offer.answered_at = help_request.assigned_at
                elif status == _H.UNMATCHED:
                    offer.status = rng.choice([OfferStatus.DECLINED, OfferStatus.EXPIRED])
                    offer.answered_at = sent_at + timedelta(minutes=30)
                elif status == _H.CANCELLED:
                    offer.status = OfferStatus.WITHDRAWN
                    offer.answered_at = sent_at + timedelta(hours=1)
                offers.append(offer)
        Needs.objects.bulk_create(needs, batch_size=BATCH_SIZE)
        Speaks.objects.bulk_create(speaks, batch_size=BATCH_SIZE)
        Offer.objects.bulk_create(offers, batch_size=BATCH_SIZE)
        created["help requests"] += len(requests)
        created["help request skills"] += len(needs)
        created["help request languages"] += len(speaks)
        created["offers"] += len(offers)
    return created


@register
def community_alert_seed(ctx: SeedContext) -> dict[str, int]:
    """One heat-wave alert sent three days ago to every member, with its texts in
    Italian, English and Arabic, and a row for each member (topped up as the registry
    grows): about 55% answered "I'm safe", 4% "I need help" (half of them with the
    help request the answer opened, open or already confirmed), the rest not yet.
    Members with an account count as notified, the others are for operators to call."""
    rng = ctx.rng
    now = timezone.now()
    created = dict.fromkeys(("community alerts", "alert texts", "alert answers"), 0)
    alert = CommunityAlert.objects.filter(
        association=ctx.association, subject=BENCH_ALERT_SUBJECT
    ).first()
    if alert is None:
        sent_at = now - timedelta(days=3)
        alert = CommunityAlert.objects.create(
            association=ctx.association,
            subject=BENCH_ALERT_SUBJECT,
            urgency=CommunityAlert.Urgency.URGENT,
            status=CommunityAlert.Status.SENT,
            created_by=ctx.users[Role.COORDINATOR],
            created_at=sent_at - timedelta(minutes=20),
            sent_at=sent_at,
            reminded_at=sent_at + timedelta(hours=6),
        )
        texts = AlertText.objects.bulk_create(
            AlertText(alert=alert, language_id=code, title=title, body=body)
            for code, (title, body) in BENCH_ALERT_TEXTS.items()
            if Language.objects.filter(code=code).exists()
        )
        created["community alerts"], created["alert texts"] = 1, len(texts)
    languages = set(alert.texts.values_list("language_id", flat=True))
    missing = list(
        Member.objects.filter(association=ctx.association, anonymised_at__isnull=True)
        .exclude(alert_answers__alert=alert)
        .order_by("pk")
        .values_list("pk", "user_id", "preferred_language_id")
    )
    volunteer_ids = list(
        VolunteerProfile.objects.filter(association=ctx.association)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    operator = ctx.users[Role.OPERATOR]
    requests_made = 0
    for start in range(0, len(missing), BATCH_SIZE):
        answers, requests = [], []
        for member_id, user_id, language in missing[start : start + BATCH_SIZE]:
            answer = AlertAnswer(
                alert=alert,
                member_id=member_id,
                language_id=language if language in languages else "it",
                notified=user_id is not None,
            )
            draw = rng.random()
            if draw < 0.59:
                answer.answer = (
                    AlertAnswer.Answer.SAFE if draw < 0.55 else AlertAnswer.Answer.NEED_HELP
                )
                answer.answered_at = alert.sent_at + timedelta(minutes=rng.randint(2, 48 * 60))
            if answer.answer == AlertAnswer.Answer.NEED_HELP and rng.random() < 0.5:
                confirmed = bool(volunteer_ids) and rng.random() < 0.5
                starts_at = (answer.answered_at if confirmed else now) + timedelta(
                    hours=rng.randint(2, 24)
                )
                help_request = HelpRequest(
                    association=ctx.association,
                    member_id=member_id,
                    opened_by=operator,
                    kind="other",
                    public_summary="Risposta all'allerta caldo: acqua e un ventilatore.",
                    zone=rng.choice([z for z in ZONES if z]),
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    created_at=answer.answered_at,
                )
                if confirmed:
                    help_request.status = _H.CONFIRMED
                    help_request.volunteer_id = rng.choice(volunteer_ids)
                    help_request.assigned_at = answer.answered_at + timedelta(minutes=30)
                    help_request.done_at = help_request.ends_at
                    help_request.minutes_spent = 60
                    help_request.confirmed_at = help_request.done_at + timedelta(hours=3)
                answer.help_request = help_request
                requests.append(help_request)
            answers.append(answer)
        HelpRequest.objects.bulk_create(requests, batch_size=BATCH_SIZE)
        for answer in answers:
            if answer.help_request is not None:
                answer.help_request_id = answer.help_request.pk
        AlertAnswer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
        created["alert answers"] += len(answers)
        requests_made += len(requests)
    created["help requests from alert answers"] = requests_made
    return {table: count for table, count in created.items() if count}


# --- Seeder of personal emergency plans -----------------------------------------------

# The staff list of plans pages through them; past this a larger factor adds none.
PLANS_CAP = 50_000
# Scenarios, contacts and documents of the bench member's own plan, the page timed.
HEAVY_PLAN_ROWS = 20
PLAN_HOUSEHOLDS = [
    "Da solo.",
    "Con mia moglie e due figli piccoli.",
    "Con mia madre, anziana e malata.",
    "In una stanza in affitto con altri tre lavoratori.",
    "Con il mio compagno e nostra figlia di 5 anni.",
    "",
]
PLAN_ACTIONS = [
    "Chiamare l'operatore dell'associazione",
    "Preparare i documenti e la borsa d'emergenza",
    "Chiamare una persona di fiducia della lista",
    "Chiedere consulenza allo sportello",
    "Sapere dove dormire stanotte",
]
PLAN_WHO = ["", "", "Io", "La persona di fiducia", "L'operatore"]
# kind, name, relationship
PLAN_CONTACTS = [
    (PlanContact.Kind.TRUSTED, "Fatou", "amica"),
    (PlanContact.Kind.OUT_OF_AREA, "Ibrahim", "fratello, a Milano"),
    (PlanContact.Kind.OPERATOR, "Operatore di Bench ETS", "operatore"),
    (PlanContact.Kind.DOCTOR, "Dott.ssa Romano", "medico di famiglia"),
    (PlanContact.Kind.LEGAL_AID, "Sportello legale", ""),
    (PlanContact.Kind.TRUSTED, "Grace", "vicina di casa"),
]
# document type, whether it expires
PLAN_DOCUMENTS = [
    (PlanDocument.Type.RESIDENCE_PERMIT, True),
    (PlanDocument.Type.PASSPORT, True),
    (PlanDocument.Type.HEALTH_CARD, False),
    (PlanDocument.Type.TAX_CODE, False),
    (PlanDocument.Type.IDENTITY_CARD, True),
    (PlanDocument.Type.CONTRACT, False),
]


@dataclass
class _PlanRows:
    """One plan and its rows before they are inserted (the plan's key comes first)."""

    plan: EmergencyPlan
    scenarios: list[tuple[PlanScenario, list[PlanAction], list]] = field(default_factory=list)
    contacts: list[PlanContact] = field(default_factory=list)
    places: list[PlanPlace] = field(default_factory=list)
    documents: list[PlanDocument] = field(default_factory=list)
    language: str | None = None
    versions: list[PlanVersion] = field(default_factory=list)


@register
def plans_seed(ctx: SeedContext) -> dict[str, int]:
    """Emergency plans at 1,000 per factor (at most ``PLANS_CAP``), one per person of the
    registry without one, each with three scenarios from the association's templates
    (three actions each, a service of the map on the first), three contacts, two
    documents, a safe place one time in two, a go-bag, one version and its score. Two in
    three are shared with the operators (the staff list shows them), one in seven is past
    its review date. The bench member's own plan is the heavy one the plan page is timed
    on: ``HEAVY_PLAN_ROWS`` scenarios, contacts and documents, a version per section."""
    templates_added = scenario_templates_seed_defaults(association=ctx.association)
    templates = dict(
        ScenarioTemplate.objects.filter(association=ctx.association).values_list("kind", "pk")
    )
    titles = dict(
        ScenarioTemplate.objects.filter(association=ctx.association).values_list("kind", "title_it")
    )
    service_ids = list(
        Service.objects.filter(maintained_by=ctx.association)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
    plans = EmergencyPlan.objects.filter(association=ctx.association)
    own = Member.objects.get(association=ctx.association, user=ctx.users[Role.MEMBER])
    created = dict.fromkeys(
        (
            "emergency plans", "plan scenarios", "plan actions", "plan scenario resources",
            "plan contacts", "plan places", "plan documents", "plan languages", "plan versions",
        ),
        0,
    )  # fmt: skip
    builder = _PlanBuilder(ctx, templates=templates, titles=titles, service_ids=service_ids)
    if not plans.filter(member=own).exists():
        _plans_insert([builder.heavy(own.pk)], created)
    missing = min(ctx.rows(1000), PLANS_CAP) - plans.count()
    members = list(
        Member.objects.filter(
            association=ctx.association, anonymised_at__isnull=True, plans__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "preferred_language_id")[: max(0, missing)]
    )
    for batch in chunks(len(members)):
        _plans_insert([builder.plan(*members[n]) for n in batch], created)
    created["scenario templates"] = templates_added
    return {table: count for table, count in created.items() if count}


class _PlanBuilder:
    def __init__(
        self,
        ctx: SeedContext,
        *,
        templates: dict[str, int],
        titles: dict[str, str],
        service_ids: list,
    ) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.templates = templates
        self.titles = titles
        self.service_ids = service_ids
        self.kinds = [kind for kind in ScenarioKind.values if kind in templates]
        self.operator = ctx.users[Role.OPERATOR]
        self.now = timezone.now()
        self.today = timezone.localdate()

    def plan(self, member_id: int, language: str | None) -> _PlanRows:
        """An ordinary plan, most of them made at the desk with an operator."""
        rng = self.rng
        shared = rng.random() < 2 / 3
        created_at = self.now - timedelta(days=rng.uniform(1, 365))
        review = rng.random()
        if review < 1 / 7:
            next_review_on = self.today - timedelta(days=rng.randint(1, 90))
        elif review < 0.9:
            next_review_on = self.today + timedelta(days=rng.randint(1, 300))
        else:
            next_review_on = None
        rows = _PlanRows(
            plan=EmergencyPlan(
                association=self.ctx.association,
                member_id=member_id,
                sharing=EmergencyPlan.Sharing.OPERATORS
                if shared
                else EmergencyPlan.Sharing.PRIVATE,
                household=rng.choice(PLAN_HOUSEHOLDS),
                go_bag_items=sorted(rng.sample(GoBagItem.values, k=rng.randint(0, 8))),
                review_every_months=rng.choice([6, 6, 12]),
                next_review_on=next_review_on,
                version=1,
                created_at=created_at,
                created_by=self.operator,
                updated_at=created_at,
                updated_by=self.operator,
            ),
            language=language,
        )
        kinds = rng.sample(self.kinds, k=min(3, len(self.kinds)))
        for order, kind in enumerate(kinds):
            resources = [rng.choice(self.service_ids)] if order == 0 and self.service_ids else []
            self._scenario(rows, kind, order, resources)
        for order in range(3):
            self._contact(rows, order, phone=rng.random() < 0.85)
        for order in range(2):
            self._document(rows, order)
        if rng.random() < 0.5:
            self._place(rows, 0)
        self._version(rows, 1, "about", self.operator, created_at)
        return self._scored(rows)

    def heavy(self, member_id: int) -> _PlanRows:
        """The bench member's own plan, shared, with everything long: the page must take
        a fixed number of queries however many rows it shows."""
        member_user = self.ctx.users[Role.MEMBER]
        created_at = self.now - timedelta(days=200)
        rows = _PlanRows(
            plan=EmergencyPlan(
                association=self.ctx.association,
                member_id=member_id,
                sharing=EmergencyPlan.Sharing.OPERATORS,
                household="Con mia moglie, tre figli e mia madre.",
                dependants="Mia madre, 78 anni, non esce di casa da sola.",
                accessibility_needs="Mia madre usa la sedia a rotelle.",
                go_bag_items=sorted(GoBagItem.values),
                go_bag_other="Il caricabatterie del saturimetro di mia madre.",
                review_every_months=6,
                next_review_on=self.today + timedelta(days=120),
                last_reviewed_at=self.now - timedelta(days=60),
                created_at=created_at,
                created_by=member_user,
                updated_at=self.now - timedelta(days=1),
                updated_by=self.operator,
            ),
            language="it",
        )
        for order in range(HEAVY_PLAN_ROWS):
            kind = self.kinds[order % len(self.kinds)] if self.kinds else ScenarioKind.OWN
            resources = (
                self.rng.sample(self.service_ids, k=min(2, len(self.service_ids)))
                if self.service_ids
                else []
            )
            self._scenario(rows, kind, order, resources, repeat=order // max(1, len(self.kinds)))
            self._contact(rows, order, phone=True)
            self._document(rows, order)
        for order in range(5):
            self._place(rows, order)
        sections = ("about", "contacts", "scenarios", "places", "documents", "go_bag", "review")
        for number, section in enumerate(sections, start=1):
            author = member_user if number % 2 else self.operator
            at = created_at + timedelta(days=number * 25)
            self._version(rows, number, section, author, at)
        rows.plan.version = rows.plan.reviewed_version = len(sections)
        return self._scored(rows)

    def _scenario(
        self, rows: _PlanRows, kind: str, order: int, resources: list, repeat: int = 0
    ) -> None:
        title = self.titles.get(kind, "Il mio scenario")
        scenario = PlanScenario(
            template_id=self.templates.get(kind),
            kind=kind,
            title=f"{title} ({repeat + 1})" if repeat else title,
            warning_signs="Lettere che non capisco, telefonate del padrone di casa.",
            coping="Parlarne con qualcuno di cui mi fido. Una cosa alla volta.",
            order=order,
            created_at=rows.plan.created_at,
        )
        actions = [
            PlanAction(text=text, who=self.rng.choice(PLAN_WHO), order=index)
            for index, text in enumerate(self.rng.sample(PLAN_ACTIONS, k=3))
        ]
        rows.scenarios.append((scenario, actions, resources))

    def _contact(self, rows: _PlanRows, order: int, *, phone: bool) -> None:
        kind, name, relationship = PLAN_CONTACTS[order % len(PLAN_CONTACTS)]
        rng = self.rng
        rows.contacts.append(
            PlanContact(
                kind=kind,
                name=name,
                relationship=relationship,
                phone=f"+39 3{rng.randint(20, 49)} 555 {rng.randint(1000, 9999)}" if phone else "",
                alert_on_activation=order == 0,
                order=order,
            )
        )

    def _document(self, rows: _PlanRows, order: int) -> None:
        doc_type, expires = PLAN_DOCUMENTS[order % len(PLAN_DOCUMENTS)]
        rows.documents.append(
            PlanDocument(
                doc_type=doc_type,
                expires_on=self.today + timedelta(days=self.rng.randint(-30, 900))
                if expires
                else None,
                original_kept_at="A casa, nella cartellina dei documenti",
                copies_kept_at="Foto sul telefono" if self.rng.random() < 0.6 else "",
                order=order,
            )
        )

    def _place(self, rows: _PlanRows, order: int) -> None:
        rows.places.append(
            PlanPlace(
                kind=PlanPlace.Kind.SAFE_PLACE if order == 0 else PlanPlace.Kind.OTHER,
                name="Casa di un'amica" if order == 0 else f"Posto {order + 1}",
                address=f"Via Roma {self.rng.randint(1, 200)}, Caserta",
                order=order,
            )
        )

    def _version(
        self, rows: _PlanRows, number: int, section: str, author: User, at: datetime
    ) -> None:
        rows.versions.append(
            PlanVersion(
                number=number,
                section=section,
                created_by=author,
                created_at=at,
                snapshot={"about": {"household": rows.plan.household}},
            )
        )

    def _scored(self, rows: _PlanRows) -> _PlanRows:
        """The completeness the services would store, from the rows about to go in."""
        trusted = {PlanContact.Kind.TRUSTED, PlanContact.Kind.OUT_OF_AREA}
        facts = Facts(
            has_about=bool(rows.plan.household) or rows.language is not None,
            trusted_contacts_with_phone=sum(
                c.kind in trusted and bool(c.phone) for c in rows.contacts
            ),
            scenarios_with_actions=sum(bool(actions) for _s, actions, _r in rows.scenarios),
            linked_resources=sum(len(resources) for _s, _a, resources in rows.scenarios),
            safe_places=sum(p.kind == PlanPlace.Kind.SAFE_PLACE for p in rows.places),
            documents_with_expiry=sum(d.expires_on is not None for d in rows.documents),
            go_bag_items=len(rows.plan.go_bag_items),
            next_review_on=rows.plan.next_review_on,
            today=self.today,
        )
        rows.plan.completeness = completeness(facts)[0]
        return rows


def _plans_insert(batch: list[_PlanRows], created: dict[str, int]) -> None:
    """Insert a batch of plans, then their rows pointing at the new keys."""
    EmergencyPlan.objects.bulk_create([rows.plan for rows in batch], batch_size=BATCH_SIZE)
    scenarios, actions, linked = [], [], []
    contacts, places, documents, languages, versions = [], [], [], [], []
    Linked = PlanScenario.resources.through
    Speaks = EmergencyPlan.languages.through
    for rows in batch:
        plan_id = rows.plan.pk
        for scenario, _actions, _resources in rows.scenarios:
            scenario.plan_id = plan_id
            scenarios.append(scenario)
        for row in (*rows.contacts, *rows.places, *rows.documents, *rows.versions):
            row.plan_id = plan_id
        contacts += rows.contacts
        places += rows.places
        documents += rows.documents
        versions += rows.versions
        if rows.language:
            languages.append(Speaks(emergencyplan_id=plan_id, language_id=rows.language))
    PlanScenario.objects.bulk_create(scenarios, batch_size=BATCH_SIZE)
    for rows in batch:
        for scenario, scenario_actions, resources in rows.scenarios:
            for action in scenario_actions:
                action.scenario_id = scenario.pk
            actions += scenario_actions
            linked += [Linked(planscenario_id=scenario.pk, service_id=pk) for pk in resources]
    PlanAction.objects.bulk_create(actions, batch_size=BATCH_SIZE)
    Linked.objects.bulk_create(linked, batch_size=BATCH_SIZE)
    PlanContact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
    PlanPlace.objects.bulk_create(places, batch_size=BATCH_SIZE)
    PlanDocument.objects.bulk_create(documents, batch_size=BATCH_SIZE)
    Speaks.objects.bulk_create(languages, batch_size=BATCH_SIZE)
    PlanVersion.objects.bulk_create(versions, batch_size=BATCH_SIZE)
    for table, rows in (
        ("emergency plans", batch), ("plan scenarios", scenarios), ("plan actions", actions),
        ("plan scenario resources", linked), ("plan contacts", contacts),
        ("plan places", places), ("plan documents", documents),
        ("plan languages", languages), ("plan versions", versions),
    ):  # fmt: skip
        created[table] += len(rows)


# --- Seeder of the training module -----------------------------------------------------

# Topic, title, place: what the bench association teaches.
TRAINING_COURSES = [
    (Topic.SELF_MANAGEMENT, "Autogestione delle emergenze", "Sala grande, Via Roma 12"),
    (Topic.COMMUNICATION, "Comunicazione efficace", "Aula 3, CPIA"),
    (Topic.LISTENING, "Ascolto attivo", "Sala Mandela, Via Roma 12"),
    (Topic.RIGHTS, "Diritti, documenti e servizi", "Sportello, Corso Trieste 150"),
    (Topic.DIGITAL, "SPID, PEC e domande online", "Aula informatica, Via Roma 12"),
    (Topic.LANGUAGE, "Italiano per la vita quotidiana", "Aula 1, CPIA"),
    (Topic.FACILITATION, "Formazione per facilitatori", "Sala piccola, Via Roma 12"),
]
TRAINING_GROUPS = [
    ("Donne in cammino", "Sostegno tra donne", "it"),
    ("Parents loin de chez eux", "Genitori lontani dai figli", "fr"),
    ("Padri e figli", "Essere padri in un paese nuovo", "it"),
    ("Giovani in arrivo", "Ragazzi arrivati da soli", "en"),
    ("Caffè delle lingue", "Parlare italiano insieme", "it"),
]
SESSIONS_PER_COURSE = 8
# The bench member's upcoming enrolments (the calendar page) and the bench facilitator's
# big session (the attendance page, one row per person).
MEMBER_UPCOMING_SESSIONS = 50
BIG_SESSION_COURSE = "Bench: plenaria di ascolto attivo"
BIG_SESSION_PEOPLE = 50
MEETINGS_AHEAD = timedelta(weeks=10)  # as training.services.groups.PLAN_AHEAD


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


@register
def training_seed(ctx: SeedContext) -> dict[str, int]:
    """Courses at 50 per factor, each a weekly series of eight sessions started between
    six weeks ago and this week (so about 40% of the 400 sessions are past), each
    session with most of the course's 18 to 26 people enrolled (about 8,000 enrolments),
    the rest on the waiting list when it is full, attendance taken on the past ones and
    the completions it gives. ``enrolled_count`` is the number enrolled, never above the
    places. Support groups at 20 per factor with their people and ten weeks of meetings
    each side of today, attendance on the past ones. The bench member is enrolled in
    ``MEMBER_UPCOMING_SESSIONS`` coming sessions; the bench facilitator runs
    ``BIG_SESSION_COURSE``, one session tomorrow with ``BIG_SESSION_PEOPLE`` people."""
    facilitator, coordinator = ctx.users[Role.FACILITATOR], ctx.users[Role.COORDINATOR]
    own = Member.objects.get(association=ctx.association, user=ctx.users[Role.MEMBER])
    people = list(
        Member.objects.filter(association=ctx.association, anonymised_at__isnull=True)
        .exclude(pk=own.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    skills = list(
        Skill.objects.for_association(ctx.association).order_by("pk").values_list("pk", flat=True)
    )
    codes = set(Language.objects.values_list("code", flat=True))
    now = timezone.now()
    created = dict.fromkeys(
        (
            "courses", "course facilitators", "course skills", "course languages", "sessions",
            "session facilitators", "enrolments", "course completions", "support groups",
            "group facilitators", "group memberships", "group meetings", "meeting attendees",
        ),
        0,
    )  # fmt: skip
    builder = _TrainingBuilder(ctx, people=people, skills=skills, codes=codes, now=now)
    courses = Course.objects.filter(association=ctx.association)
    if not courses.filter(title=BIG_SESSION_COURSE).exists():
        builder.big_course(created)
    missing = ctx.rows(50) - courses.exclude(title=BIG_SESSION_COURSE).count()
    for batch in chunks(max(0, missing), size=50):
        builder.courses(len(batch), created)
    created["enrolments"] += builder.member_upcoming(own.pk)

    groups = SupportGroup.objects.filter(association=ctx.association)
    missing = ctx.rows(20) - groups.count()
    for batch in chunks(max(0, missing), size=50):
        builder.groups(len(batch), created, staff=[facilitator, coordinator])
    return {table: count for table, count in created.items() if count}


class _TrainingBuilder:
    def __init__(
        self, ctx: SeedContext, *, people: list[int], skills: list[int], codes: set, now: datetime
    ) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.people = people
        self.skills = skills
        self.languages = [code for code in ("it", "fr", "en", "ar") if code in codes]
        self.now = now
        self.today = timezone.localdate(now)
        self.monday = self.today - timedelta(days=self.today.weekday())
        self.facilitator = ctx.users[Role.FACILITATOR]
        self.coordinator = ctx.users[Role.COORDINATOR]
        self.number = Course.objects.filter(association=ctx.association).count()

    def _course(self, topic: str, title: str, runners: list[User]) -> Course:
        return Course(
            association=self.ctx.association,
            title=title,
            topic=topic,
            description="Incontri settimanali in piccolo gruppo, con esercitazioni.",
            audience="Persone del registro e volontari.",
            completion_percent=75,
            created_by=runners[0],
            created_at=self.now - timedelta(days=70),
        )

    def _course_rows(self, courses: list[tuple[Course, list[User]]], created: dict) -> None:
        Course.objects.bulk_create([course for course, _runners in courses])
        Runs = Course.facilitators.through
        Builds = Course.skills.through
        Speaks = Course.languages.through
        runs = [Runs(course_id=c.pk, user_id=u.pk) for c, runners in courses for u in runners]
        builds = [
            Builds(course_id=c.pk, skill_id=pk)
            for c, _r in courses
            for pk in self.rng.sample(self.skills, k=min(2, len(self.skills)))
        ]
        speaks = [
            Speaks(course_id=c.pk, language_id=code)
            for c, _r in courses
            for code in self.languages[: self.rng.randint(1, len(self.languages))]
        ]
        Runs.objects.bulk_create(runs)
        Builds.objects.bulk_create(builds)
        Speaks.objects.bulk_create(speaks)
        created["courses"] += len(courses)
        created["course facilitators"] += len(runs)
        created["course skills"] += len(builds)
        created["course languages"] += len(speaks)

    def big_course(self, created: dict) -> None:
        """The bench facilitator's plenary: one session tomorrow evening, 60 places,
        ``BIG_SESSION_PEOPLE`` enrolled (as many as the registry has, at a tiny factor)."""
        course = self._course(Topic.LISTENING, BIG_SESSION_COURSE, [self.facilitator])
        self._course_rows([(course, [self.facilitator])], created)
        starts = _local(self.today + timedelta(days=1), 18)
        enrolled = self.people[:BIG_SESSION_PEOPLE]
        session = Session(
            course=course,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            room="Aula magna, Via Roma 12",
            capacity=60,
            enrolled_count=len(enrolled),
        )
        self._sessions_insert([(session, [self.facilitator], enrolled, [])], created)

    def courses(self, count: int, created: dict) -> None:
        rng = self.rng
        courses = []
        for _ in range(count):
            self.number += 1
            topic, title, _room = TRAINING_COURSES[self.number % len(TRAINING_COURSES)]
            runners = [self.facilitator if self.number % 3 else self.coordinator]
            courses.append((self._course(topic, f"{title} {self.number}", runners), runners))
        self._course_rows(courses, created)

        planned = []
        for course, runners in courses:
            _topic, _title, room = next(c for c in TRAINING_COURSES if c[0] == course.topic)
            participants = rng.sample(self.people, k=min(len(self.people), rng.randint(18, 26)))
            capacity = rng.choice([20, 22, 25, 30])
            first_week = rng.randint(-6, 0)
            weekday, hour = rng.randint(0, 5), rng.choice([10, 15, 17, 18])
            for week in range(first_week, first_week + SESSIONS_PER_COURSE):
                starts = _local(self.monday + timedelta(weeks=week, days=weekday), hour)
                wanted = rng.sample(participants, k=round(len(participants) * rng.uniform(0.75, 1)))
                enrolled, waiting = wanted[:capacity], wanted[capacity:][:5]
                session = Session(
                    course=course,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    room=room,
                    capacity=capacity,
                    enrolled_count=len(enrolled),
                )
                planned.append((session, runners, enrolled, waiting))
        self._sessions_insert(planned, created)
        self._completions(courses, created)

    def _sessions_insert(self, planned: list, created: dict) -> None:
        """Sessions, then their facilitators and enrolments: attendance on those that
        started, four in five came."""
        rng = self.rng
        Session.objects.bulk_create([session for session, *_rest in planned], batch_size=BATCH_SIZE)
        Runs = Session.facilitators.through
        runs = [
            Runs(session_id=s.pk, user_id=u.pk) for s, runners, *_rest in planned for u in runners
        ]
        Runs.objects.bulk_create(runs, batch_size=BATCH_SIZE)
        enrolments = []
        for session, runners, enrolled, waiting in planned:
            past = session.starts_at <= self.now
            asked = session.starts_at - timedelta(days=rng.uniform(2, 20))
            for n, member_id in enumerate(enrolled):
                enrolments.append(
                    Enrolment(
                        session_id=session.pk,
                        member_id=member_id,
                        status=Enrolment.Status.ENROLLED,
                        created_at=asked + timedelta(minutes=n),
                        enrolled_by=runners[0],
                        attended=rng.random() < 0.8 if past else None,
                        attendance_by=runners[0] if past else None,
                        attendance_at=session.ends_at if past else None,
                    )
                )
            enrolments += [
                Enrolment(
                    session_id=session.pk,
                    member_id=member_id,
                    status=Enrolment.Status.WAITLISTED,
                    created_at=asked + timedelta(hours=1, minutes=n),
                    enrolled_by=runners[0],
                )
                for n, member_id in enumerate(waiting)
            ]
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
        created["sessions"] += len(planned)
        created["session facilitators"] += len(runs)
        created["enrolments"] += len(enrolments)

    def _completions(self, courses: list[tuple[Course, list[User]]], created: dict) -> None:
        """Who attended three in four of a course's sessions completed it, as
        ``course_completion_check`` would have written."""
        attended = (
            Enrolment.objects.filter(
                session__course__in=[course for course, _r in courses], attended=True
            )
            .values_list("session__course_id", "member_id")
            .annotate(n=Count("pk"), last=Max("session__ends_at"))
        )
        completions = [
            CourseCompletion(
                course_id=course_id,
                member_id=member_id,
                completed_at=last,
                sessions_attended=n,
                sessions_total=SESSIONS_PER_COURSE,
            )
            for course_id, member_id, n, last in attended
            if n * 100 >= 75 * SESSIONS_PER_COURSE
        ]
        CourseCompletion.objects.bulk_create(completions, batch_size=BATCH_SIZE)
        created["course completions"] += len(completions)

    def member_upcoming(self, member_id: int) -> int:
        """Enrol the bench member in coming sessions with a place left, spread over the
        weeks, up to ``MEMBER_UPCOMING_SESSIONS``."""
        sessions = Session.objects.filter(
            course__association=self.ctx.association, status=Session.Status.SCHEDULED
        )
        have = sessions.filter(
            starts_at__gt=self.now,
            enrolments__member_id=member_id,
            enrolments__status=Enrolment.Status.ENROLLED,
        ).count()
        candidates = list(
            sessions.filter(starts_at__gt=self.now, enrolled_count__lt=F("capacity"))
            .exclude(enrolments__member_id=member_id)
            .exclude(course__title=BIG_SESSION_COURSE)
            .order_by("starts_at", "pk")
            .values_list("pk", flat=True)
        )
        need = min(MEMBER_UPCOMING_SESSIONS - have, len(candidates))
        if need <= 0:
            return 0
        step = len(candidates) / need
        chosen = [candidates[int(n * step)] for n in range(need)]
        Enrolment.objects.bulk_create(
            Enrolment(
                session_id=pk,
                member_id=member_id,
                status=Enrolment.Status.ENROLLED,
                created_at=self.now - timedelta(days=1),
            )
            for pk in chosen
        )
        Session.objects.filter(pk__in=chosen).update(enrolled_count=F("enrolled_count") + 1)
        return len(chosen)

    def groups(self, count: int, created: dict, *, staff: list[User]) -> None:
        """Groups meeting weekly or every two weeks since up to ten weeks ago, with 8 to
        20 people (a few asking to join or gone), meetings ten weeks ahead."""
        rng = self.rng
        number = SupportGroup.objects.filter(association=self.ctx.association).count()
        groups, plans = [], []
        for _ in range(count):
            number += 1
            name, theme, language = TRAINING_GROUPS[number % len(TRAINING_GROUPS)]
            weekly = rng.random() < 0.7
            first_day = (
                self.monday
                - timedelta(weeks=rng.randint(2, 10))
                + timedelta(days=rng.randint(0, 5))
            )
            group = SupportGroup(
                association=self.ctx.association,
                name=f"{name} {number}",
                theme=theme,
                description="Un incontro per parlare di ciò che pesa e di ciò che aiuta.",
                language_id=language if language in self.languages else self.languages[0],
                room="Sala piccola, Via Roma 12",
                frequency=SupportGroup.Frequency.WEEKLY
                if weekly
                else SupportGroup.Frequency.BIWEEKLY,
                first_meeting_at=_local(first_day, rng.choice([10, 16, 18])),
                created_at=self.now - timedelta(weeks=11),
            )
            groups.append(group)
            members = rng.sample(self.people, k=min(len(self.people), rng.randint(8, 20)))
            plans.append((group, [staff[number % len(staff)]], members, 1 if weekly else 2))
        SupportGroup.objects.bulk_create(groups)

        Leads = SupportGroup.facilitators.through
        Came = GroupMeeting.attendees.through
        M = GroupMembership.Status
        leads, memberships, meetings, attendees = [], [], [], []
        for group, runners, members, every in plans:
            leads += [Leads(supportgroup_id=group.pk, user_id=u.pk) for u in runners]
            joined = group.first_meeting_at - timedelta(days=7)
            in_group = []
            for member_id in members:
                status = rng.choices([M.MEMBER, M.REQUESTED, M.LEFT], [85, 10, 5])[0]
                memberships.append(
                    GroupMembership(
                        group_id=group.pk,
                        member_id=member_id,
                        status=status,
                        requested_at=joined,
                        decided_at=None if status == M.REQUESTED else joined,
                        decided_by=None if status == M.REQUESTED else runners[0],
                    )
                )
                if status == M.MEMBER:
                    in_group.append(member_id)
            starts = group.first_meeting_at
            while starts < self.now + MEETINGS_AHEAD:
                meeting = GroupMeeting(
                    group_id=group.pk, starts_at=starts, ends_at=starts + timedelta(minutes=90)
                )
                meetings.append((meeting, in_group if starts <= self.now else []))
                # The same wall-clock time across the change to summer time.
                starts = timezone.make_aware(
                    timezone.localtime(starts).replace(tzinfo=None) + timedelta(weeks=every)
                )
        Leads.objects.bulk_create(leads)
        GroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        GroupMeeting.objects.bulk_create([m for m, _p in meetings], batch_size=BATCH_SIZE)
        for meeting, in_group in meetings:
            attendees += [
                Came(groupmeeting_id=meeting.pk, member_id=member_id)
                for member_id in in_group
                if rng.random() < 0.7
            ]
        Came.objects.bulk_create(attendees, batch_size=BATCH_SIZE)
        created["support groups"] += len(groups)
        created["group facilitators"] += len(leads)
        created["group memberships"] += len(memberships)
        created["group meetings"] += len(meetings)
        created["meeting attendees"] += len(attendees)


# --- Evaluation -------------------------------------------------------------------------------

FEEDBACK_RATINGS = ((5, 50), (4, 33), (3, 10), (2, 5), (1, 2))
FEEDBACK_COMMENTS = [
    "Molto utile, grazie.",
    "L'orario è difficile per chi lavora.",
    "Serviva la traduzione in arabo.",
    "Mi sono sentita ascoltata.",
    "Troppa attesa prima della risposta.",
]
FEEDBACK_ANONYMOUS = 0.2
CHECKINS_PER_PERSON = 4  # one a quarter
# Draws in a row that all repeat an existing request: by then (almost) every person has
# been asked about every event, and drawing on would not reach the target.
FEEDBACK_STALL_DRAWS = BATCH_SIZE


def _feedback_events(association: Association) -> list[tuple[str, list[int]]]:
    """The ids of the association's events feedback is asked about, by kind: sessions
    and group meetings that took place, closed cases, help requests done."""
    now = timezone.now()
    pools = [
        (
            EventKind.SESSION,
            Session.objects.filter(course__association=association, ends_at__lte=now),
        ),
        (
            EventKind.GROUP_MEETING,
            GroupMeeting.objects.filter(group__association=association, ends_at__lte=now),
        ),
        (EventKind.CASE, Case.objects.filter(association=association, status=Case.Status.CLOSED)),
        (
            EventKind.HELP_REQUEST,
            HelpRequest.objects.filter(
                association=association,
                status__in=[HelpRequest.Status.DONE, HelpRequest.Status.CONFIRMED],
            ),
        ),
    ]
    events = [
        (kind, list(queryset.order_by("pk").values_list("pk", flat=True)))
        for kind, queryset in pools
    ]
    return [(kind, ids) for kind, ids in events if ids] or [(EventKind.SESSION, [1])]


@register
def evaluation_seed(ctx: SeedContext) -> dict[str, int]:
    """Feedback answers at 5,000 per factor and WHO-5 check-ins at 1,000 per factor,
    spread over the past year (the dashboard's default period). Each answer has its
    request, asked a day before of someone who consents to evaluation, about one of the
    association's events (session, group meeting, closed case, help request done), each
    event as likely as any other; one answer in five is anonymous: its request is
    answered but the answer keeps no link. Check-ins are quarterly, four per person, from
    the people who consent.

    A request is once per person and event, so the target needs that many pairs: run
    alone at a larger factor on a smaller bench (``--only``), the seeder says how far it
    got when the pairs run out."""
    rng = ctx.rng
    now = timezone.now()
    registry = Member.objects.filter(association=ctx.association, anonymised_at__isnull=True)
    consenting = registry.filter(
        consents__purpose=ConsentPurpose.EVALUATION, consents__withdrawn_at__isnull=True
    )
    # At a tiny factor nobody may have drawn the consent: the whole registry then.
    people = list(consenting.order_by("pk").values_list("pk", flat=True).distinct()) or list(
        registry.order_by("pk").values_list("pk", flat=True)
    )
    created = dict.fromkeys(("feedback requests", "feedback answers", "wellbeing check-ins"), 0)
    ratings, rating_weights = zip(*FEEDBACK_RATINGS, strict=True)

    target = ctx.rows(5000)
    missing = target - FeedbackAnswer.objects.filter(association=ctx.association).count()
    # Every event alike rather than every kind alike: on a small bench seeded at a large
    # factor, the few sessions and meetings could not take a quarter of the requests each.
    events = [(kind, pk) for kind, ids in _feedback_events(ctx.association) for pk in ids]
    # A draw that repeats a request is skipped by the unique key and made up for by the
    # next batch, until the target or a long run of repeats (the pairs have run out).
    repeats = 0
    while missing > 0 and repeats < FEEDBACK_STALL_DRAWS:
        requests = []
        for _ in range(min(missing, BATCH_SIZE)):
            kind, object_id = rng.choice(events)
            answered_at = now - timedelta(seconds=rng.randint(3600, 365 * 86400))
            requests.append(
                FeedbackRequest(
                    association=ctx.association,
                    member_id=rng.choice(people),
                    kind=kind,
                    object_id=object_id,
                    label=str(kind.label)[:200],
                    created_at=answered_at - timedelta(hours=rng.randint(2, 72)),
                    answered_at=answered_at,
                )
            )
        FeedbackRequest.objects.bulk_create(requests, ignore_conflicts=True)
        # With ignore_conflicts the new primary keys are not returned: read them back by
        # token (made here, unique).
        saved = dict(
            FeedbackRequest.objects.filter(
                token__in=[request.token for request in requests]
            ).values_list("token", "pk")
        )
        rows = []
        for request in requests:
            if request.token not in saved:
                repeats += 1
                continue
            repeats = 0
            fields = {
                "association_id": ctx.association.pk,
                "kind": request.kind,
                "object_id": request.object_id,
                "rating": rng.choices(ratings, rating_weights)[0],
                "comment": rng.choice(FEEDBACK_COMMENTS) if rng.random() < 0.15 else "",
                "answered_at": request.answered_at,
            }
            if rng.random() < FEEDBACK_ANONYMOUS:
                rows.append(FeedbackAnswer.anonymous(**fields))
            else:
                rows.append(FeedbackAnswer(request_id=saved[request.token], **fields))
        FeedbackAnswer.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        created["feedback requests"] += len(saved)
        created["feedback answers"] += len(rows)
        missing -= len(rows)
    if missing > 0:
        ctx.note(
            f"{target - missing} of {target} feedback answers: {FEEDBACK_STALL_DRAWS} draws "
            f"in a row repeated a request, so nearly all of the {len(people)} people have "
            f"been asked about all of the {len(events)} events. Seed the other tables at a "
            "larger factor first."
        )

    checkins = WellbeingCheckIn.objects.filter(association=ctx.association)
    existing = checkins.count()
    missing = ctx.rows(1000) - existing
    for batch in chunks(max(0, missing)):
        rows = []
        for n in batch:
            number = existing + n
            person = people[(number // CHECKINS_PER_PERSON) % len(people)]
            quarter = number % CHECKINS_PER_PERSON
            days = 90 * quarter + rng.randint(1, 85)
            items = [rng.choices(range(6), (3, 7, 15, 30, 30, 15))[0] for _ in range(5)]
            score = who5.score(items)
            rows.append(
                WellbeingCheckIn(
                    association=ctx.association,
                    member_id=person,
                    answered_at=now - timedelta(days=days, minutes=rng.randint(0, 600)),
                    items=items,
                    raw=score.raw,
                    percent=score.percent,
                    is_low=score.is_low,
                )
            )
        WellbeingCheckIn.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        created["wellbeing check-ins"] += len(rows)
    return {table: count for table, count in created.items() if count}
