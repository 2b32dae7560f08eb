"""Demo data of people: the privacy notice, about sixty people in the registry of
Migr-Azioni (a few at the partners), their consents and path, and fifteen volunteers of
the solidarity network with skills, weekly availability, the register and the insurance.

Every name and number is made up. :func:`seed_members` is idempotent: people are found
by name, and each volunteer's rows by their person, so a second run adds nothing.
``manage.py seed_demo`` calls it after creating the demo associations and logins.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from .models import (
    Association,
    AvailabilitySlot,
    Consent,
    ConsentPurpose,
    EmpowermentStage,
    EmpowermentStep,
    InsurancePolicy,
    Language,
    Member,
    PrivacyNotice,
    Skill,
    User,
    VolunteerProfile,
    VolunteerRegisterEntry,
)
from .names import name_key

MIGR_AZIONI = "migr-azioni"
NOTICE_VERSION = "2026-01"
NOTICE_TEXT = (
    "Informativa ai sensi dell'art. 13 del Regolamento (UE) 2016/679.\n\n"
    "Titolare del trattamento è l'associazione. I tuoi dati sono trattati per la tenuta "
    "del registro dei soci e degli utenti, per il tuo piano di emergenza personale, per "
    "le attività della rete di solidarietà e per valutare il lavoro del Nucleo. Ogni "
    "consenso è facoltativo e può essere revocato in qualsiasi momento dalla pagina "
    "«I miei consensi» o chiedendo a un operatore. Puoi scaricare i tuoi dati e chiedere "
    "di essere dimenticato.\n\n"
    "Privacy notice under art. 13 of Regulation (EU) 2016/679: every consent is optional "
    "and can be withdrawn at any time."
)

# first name, last name, year of birth, municipality, zone, languages (first preferred)
PEOPLE = [
    ("Ibrahim", "Traoré", 1994, "Caserta", "Centro", ["bm", "fr"]),
    ("Aminata", "Coulibaly", 1988, "Caserta", "Centro", ["fr", "bm"]),
    ("Moussa", "Keita", 1999, "Marcianise", "", ["mnk", "fr"]),
    ("Fatou", "Ndiaye", 1985, "Caserta", "Falciano", ["wo", "fr"]),
    ("Cheikh", "Diop", 1979, "Aversa", "Centro storico", ["wo", "fr"]),
    ("Blessing", "Okoro", 1992, "Castel Volturno", "Pescopagano", ["pcm", "en"]),
    ("Chinedu", "Eze", 1987, "Castel Volturno", "Destra Volturno", ["ig", "en"]),
    ("Joy", "Adeyemi", 1996, "Caserta", "Centro", ["yo", "en"]),
    ("Kwame", "Boateng", 1983, "Teverola", "", ["ak", "en"]),
    ("Abena", "Owusu", 1990, "Teverola", "", ["ak", "en"]),
    ("Sani", "Abubakar", 1998, "Castel Volturno", "Pescopagano", ["ha", "en"]),
    ("Yusuf", "Hassan", 1993, "Caserta", "Tredici", ["so", "ar"]),
    ("Hodan", "Warsame", 1989, "Caserta", "Tredici", ["so", "it"]),
    ("Semhar", "Tesfay", 1997, "Marcianise", "", ["ti", "am"]),
    ("Meron", "Gebremedhin", 1991, "Caserta", "Centro", ["ti", "en"]),
    ("Dawit", "Alemu", 1986, "Maddaloni", "", ["am", "en"]),
    ("Karim", "Benali", 1984, "Caserta", "Puccianiello", ["ar", "fr"]),
    ("Samira", "El Amrani", 1990, "Caserta", "Puccianiello", ["ar", "fr"]),
    ("Youssef", "Mansouri", 2000, "Aversa", "", ["ar", "it"]),
    ("Leila", "Haddad", 1982, "Santa Maria Capua Vetere", "", ["ar", "fr"]),
    ("Ahmed", "Khalil", 1977, "Caserta", "Centro", ["ar", "en"]),
    ("Mona", "Saleh", 1994, "Marcianise", "", ["ar"]),
    ("Tariq", "Rahimi", 1995, "Caserta", "Centro", ["fa", "ps"]),
    ("Zahra", "Ahmadi", 1999, "Caserta", "Centro", ["fa", "en"]),
    ("Gul", "Wardak", 1988, "Aversa", "", ["ps", "fa"]),
    ("Imran", "Qureshi", 1986, "Caserta", "Tredici", ["ur", "pa"]),
    ("Ayesha", "Malik", 1993, "Caserta", "Tredici", ["ur", "en"]),
    ("Gurpreet", "Singh", 1981, "Latina", "", ["pa", "hi"]),
    ("Harjit", "Kaur", 1985, "Caserta", "Centro", ["pa", "it"]),
    ("Rafiq", "Islam", 1992, "Caserta", "Centro", ["bn", "en"]),
    ("Sumaiya", "Akter", 1997, "Caserta", "Centro", ["bn"]),
    ("Tanvir", "Hossain", 1990, "Aversa", "", ["bn", "it"]),
    ("Maria", "Santos", 1976, "Caserta", "Centro", ["tl", "en"]),
    ("Jericho", "Reyes", 1988, "Caserta", "Falciano", ["tl", "en"]),
    ("Wei", "Chen", 1984, "Marcianise", "", ["zh", "it"]),
    ("Li", "Na", 1991, "Marcianise", "", ["zh"]),
    ("Oksana", "Shevchenko", 1980, "Caserta", "Centro", ["uk", "ru"]),
    ("Iryna", "Bondarenko", 1975, "Caserta", "Puccianiello", ["uk", "ru"]),
    ("Andrii", "Melnyk", 2001, "Aversa", "", ["uk", "en"]),
    ("Elena", "Popescu", 1983, "Caserta", "Centro", ["ro", "it"]),
    ("Ion", "Rusu", 1978, "Marcianise", "", ["ro"]),
    ("Mihaela", "Dumitru", 1987, "Caserta", "Tredici", ["ro", "it"]),
    ("Arben", "Hoxha", 1982, "Caserta", "Centro", ["sq", "it"]),
    ("Elira", "Krasniqi", 1995, "Caserta", "Centro", ["sq", "en"]),
    ("Mehmet", "Yilmaz", 1989, "Aversa", "", ["tr", "ku"]),
    ("Rojda", "Aydin", 1994, "Aversa", "", ["ku", "tr"]),
    ("Carlos", "Mendoza", 1986, "Caserta", "Centro", ["es", "it"]),
    ("Lucía", "Ramírez", 1992, "Caserta", "Falciano", ["es"]),
    ("Ana", "Pereira", 1981, "Santa Maria Capua Vetere", "", ["pt", "es"]),
    ("Mamadou", "Barry", 1997, "Caserta", "Centro", ["ff", "fr"]),
    ("Hawa", "Bah", 1999, "Caserta", "Centro", ["ff", "fr"]),
    ("Lamin", "Jallow", 1996, "Castel Volturno", "Destra Volturno", ["mnk", "en"]),
    ("Isatou", "Ceesay", 1993, "Castel Volturno", "Destra Volturno", ["wo", "en"]),
    ("Giuseppe", "Esposito", 1968, "Caserta", "Centro", ["it"]),
    ("Anna", "Russo", 1972, "Caserta", "Puccianiello", ["it", "en"]),
    ("Salvatore", "De Luca", 1959, "Maddaloni", "", ["it"]),
    ("Rosaria", "Ferraro", 1965, "Marcianise", "", ["it"]),
    ("Vincenzo", "Iovine", 1970, "Teverola", "", ["it"]),
]
# Of the people above, these join the solidarity network (with their skills' kinds).
VOLUNTEERS = {
    ("Karim", "Benali"): ["interpreting:ar", "paperwork", "accompaniment"],
    ("Samira", "El Amrani"): ["interpreting:ar", "interpreting:fr", "listening"],
    ("Fatou", "Ndiaye"): ["interpreting:fr", "cooking", "childcare"],
    ("Cheikh", "Diop"): ["accompaniment", "transport"],
    ("Joy", "Adeyemi"): ["interpreting:en", "digital"],
    ("Yusuf", "Hassan"): ["accompaniment", "listening"],
    ("Tariq", "Rahimi"): ["digital", "paperwork"],
    ("Imran", "Qureshi"): ["interpreting:ur", "transport"],
    ("Rafiq", "Islam"): ["interpreting:bn", "digital"],
    ("Oksana", "Shevchenko"): ["childcare", "cooking"],
    ("Elena", "Popescu"): ["paperwork", "accompaniment"],
    ("Arben", "Hoxha"): ["transport", "accompaniment"],
    ("Carlos", "Mendoza"): ["digital", "listening"],
    ("Anna", "Russo"): ["paperwork", "listening", "accompaniment"],
    ("Giuseppe", "Esposito"): ["transport", "cooking"],
}
# The non-occasional volunteers, entered in the register with made-up fiscal codes.
REGISTERED = {
    ("Karim", "Benali"): ("BNLKRM84A01Z330X", date(1984, 1, 1), "Casablanca (Marocco)"),
    ("Anna", "Russo"): ("RSSNNA72C41B963Y", date(1972, 3, 1), "Caserta"),
    ("Elena", "Popescu"): ("PPSLNE83M41Z129Z", date(1983, 8, 1), "Iași (Romania)"),
    ("Giuseppe", "Esposito"): ("SPSGPP68H01B963W", date(1968, 6, 1), "Caserta"),
}
PARTNER_PEOPLE = [
    ("si-teverola", "Precious", "Obi", 1994, "Teverola", "", ["pcm", "en"]),
    ("si-teverola", "Ousmane", "Cissé", 1990, "Teverola", "", ["fr", "wo"]),
    ("contrasto-tv", "Nour", "Aziz", 1998, "Teverola", "", ["ar"]),
]


def _skill_lookup(association: Association) -> dict[str, Skill]:
    from .services.volunteers import skills_seed_defaults

    skills_seed_defaults(association=association)
    lookup: dict[str, Skill] = {}
    for skill in Skill.objects.for_association(association):
        key = f"{skill.kind}:{skill.language_id}" if skill.language_id else skill.kind
        lookup.setdefault(key, skill)
    return lookup


def _person(association, first, last, year, town, zone, languages, rng, by) -> Member:
    member = Member.objects.filter(
        association=association, first_name=first, last_name=last
    ).first()
    if member is not None:
        return member
    phone = f"+39 3{rng.randint(20, 49)} 555 {rng.randint(1000, 9999)}"
    member = Member(
        association=association,
        first_name=first,
        last_name=last,
        year_of_birth=year,
        municipality=town,
        zone=zone,
        household_size=rng.randint(1, 6),
        phone=phone.replace(" ", ""),
        preferred_language_id=languages[0],
        name_key=name_key(f"{first} {last}"),
    )
    member._history_user = by
    member.full_clean()
    member.save()
    member.languages.set(Language.objects.filter(code__in=languages))
    return member


@transaction.atomic
def seed_members(stdout: TextIO) -> None:
    associations = {a.slug: a for a in Association.objects.all()}
    if MIGR_AZIONI not in associations:
        raise RuntimeError("Create the demo associations first")
    rng = random.Random("nucleo-demo-members")  # noqa: S311 - made-up demo data
    operator = User.objects.filter(email="operator@nucleo.test").first()
    coordinator = User.objects.filter(email="coordinator@nucleo.test").first()
    now = timezone.now()

    notices = {}
    for slug, association in associations.items():
        if slug == "bench-ets":
            continue
        notices[slug], _ = PrivacyNotice.objects.get_or_create(
            association=association,
            version=NOTICE_VERSION,
            defaults={"text": NOTICE_TEXT, "published_at": now - timedelta(days=300)},
        )

    home = associations[MIGR_AZIONI]
    for person in PEOPLE:
        _person(home, *person, rng=rng, by=operator)
    for slug, *rest in PARTNER_PEOPLE:
        if slug in associations:
            _person(associations[slug], *rest, rng=rng, by=None)
    # Everyone of the demo associations, with an account or without, as registered above
    # or by seed_demo itself.
    people = list(
        Member.objects.filter(association__slug__in=notices)
        .select_related("association")
        .order_by("pk")
    )

    for index, member in enumerate(people):
        registered_at = now - timedelta(days=30 + (index * 37) % 700)
        EmpowermentStep.objects.get_or_create(
            member=member,
            stage=EmpowermentStage.REGISTERED,
            defaults={"association_id": member.association_id, "reached_at": registered_at},
        )
        purposes = [ConsentPurpose.REGISTRY, ConsentPurpose.PLAN]
        if index % 3 != 0:
            purposes.append(ConsentPurpose.EVALUATION)
        if index % 4 == 0:
            purposes.append(ConsentPurpose.PARTNER_SHARING)
        if index % 5 == 0:
            purposes.append(ConsentPurpose.HEALTH)
        if member.association.slug not in notices or member.consents.exists():
            continue
        Consent.objects.bulk_create(
            Consent(
                association_id=member.association_id,
                member=member,
                purpose=purpose,
                notice=notices[member.association.slug],
                method=Consent.Method.PAPER,
                given_at=registered_at,
                given_recorded_by=operator,
            )
            for purpose in purposes
        )

    skills = _skill_lookup(home)
    profiles = []
    for (first, last), kinds in VOLUNTEERS.items():
        member = Member.objects.get(association=home, first_name=first, last_name=last)
        profile, created = VolunteerProfile.objects.get_or_create(
            member=member,
            defaults={
                "association": home,
                "zones": member.zone or member.municipality,
                "max_active_tasks": rng.choice([1, 2, 2, 3]),
                "opted_in_at": now - timedelta(days=rng.randint(20, 300)),
            },
        )
        profiles.append(profile)
        if not created:
            continue
        profile.skills.set([skills[kind] for kind in kinds if kind in skills])
        for weekday in rng.sample(range(7), k=rng.randint(1, 3)):
            start = rng.choice([9, 10, 14, 16])
            AvailabilitySlot.objects.create(
                volunteer=profile,
                weekday=weekday,
                starts_at=time(start, 0),
                ends_at=time(start + rng.choice([2, 3, 4]), 0),
            )
        EmpowermentStep.objects.get_or_create(
            member=member,
            stage=EmpowermentStage.VOLUNTEER,
            defaults={"association": home, "reached_at": profile.opted_in_at},
        )
    # One volunteer is away for a while: matching skips them until then.
    VolunteerProfile.objects.filter(member__first_name="Cheikh", member__last_name="Diop").update(
        paused_until=timezone.localdate() + timedelta(days=12)
    )

    if (
        coordinator is not None
        and not VolunteerRegisterEntry.objects.filter(association=home).exists()
    ):
        for number, ((first, last), (fiscal_code, born, place)) in enumerate(
            REGISTERED.items(), start=1
        ):
            member = Member.objects.get(association=home, first_name=first, last_name=last)
            VolunteerRegisterEntry.objects.create(
                association=home,
                number=number,
                kind=VolunteerRegisterEntry.Kind.ENROLMENT,
                member=member,
                first_name=first,
                last_name=last,
                fiscal_code=fiscal_code,
                birth_date=born,
                birth_place=place,
                residence=f"Via Roma {10 + number}, {member.municipality or 'Caserta'}",
                start_date=date(2025, 3, number),
                recorded_by=coordinator,
            )
    today = timezone.localdate()
    policy, created = InsurancePolicy.objects.get_or_create(
        association=home,
        policy_number="RC-VOL-2026-0042",
        defaults={
            "insurer": "Cattolica Assicurazioni (demo)",
            "starts_on": date(today.year, 1, 1),
            "ends_on": date(today.year, 12, 31),
        },
    )
    if created:
        policy.volunteers.set(
            [p for p in profiles if (p.member.first_name, p.member.last_name) in REGISTERED]
        )
    stdout.write(
        f"People: {Member.objects.filter(association=home).count()} in the registry of "
        f"{home.name}, {len(profiles)} volunteers."
    )
