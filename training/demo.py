"""Demo data of the training module, for Migr-Azioni: three courses of the unit's own
curriculum (self-management of emergencies, effective communication, active listening)
and the facilitator training, each a weekly series with sessions in the past weeks
(attendance taken, the first certificates) and in the coming ones (the demo member
enrolled, next Saturday's session full with a waiting list); two support groups, one in
Italian for women and one in French for parents far from their children, with their
members, a request waiting, past meetings with attendance, a notice, a facilitator's
note and one cancelled meeting; and the advocacy campaign «Residenza per tutti», asking
the Comune di Caserta to register homeless people as residents, with its three actions.

Every person and story is made up; the people are those of :mod:`members.demo` and
``seed_demo``'s registry (the volunteers' logins come from
:mod:`emergencies.demo_network`), the places those of :mod:`resources.demo`. Writes go
through :mod:`training.services`; only what the services refuse for the past is written
directly: the enrolments of sessions that already took place (``enrol`` refuses a
session that has started) and the dates a service stamps "now" (when attendance was
taken, a course completed, someone joined a group). :func:`seed_training` is
idempotent: a course is found by its title, a group by its name, the campaign by its
title, and one that exists is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from members.demo import MIGR_AZIONI, _skill_lookup
from members.models import Association, EmpowermentStage, EmpowermentStep, Language, Member, User
from resources.demo import demo_id
from resources.models import Location

from .models import (
    Campaign,
    CampaignAction,
    Course,
    CourseCompletion,
    Enrolment,
    GroupMeeting,
    GroupMembership,
    GroupNote,
    GroupNotice,
    Session,
    SupportGroup,
    Topic,
)
from .services import (
    SessionFields,
    attendance_take,
    course_save,
    enrol,
    enrolment_cancel,
    group_join_decide,
    group_join_request,
    group_meetings_plan,
    group_note_add,
    group_notice_send,
    group_save,
    meeting_attendance_take,
    meeting_cancel,
    sessions_create,
)
from .services.campaigns import campaign_action_save, campaign_save

FACILITATOR = "facilitator@nucleo.test"
COORDINATOR = "coordinator@nucleo.test"
OPERATOR = "operator@nucleo.test"
MEMBER = "member@nucleo.test"
# The association's own rooms, for what is not at a place of the resource map.
SEDE = "Sede di Migr-Azioni, Via Ferrante 21, Caserta"

Name = tuple[str, str]
MARIAM: Name = ("Mariam", "Okafor")


@dataclass(frozen=True)
class CourseDemo:
    """A course and its weekly series. ``first_week`` counts weeks from this one (-5:
    five weeks ago), ``weekday`` 0 is Monday. ``attendance`` gives someone's presence
    session by session ("1" came, "0" did not) where chance would not tell the story;
    the others come with probability ``turnout``."""

    title: str
    topic: str
    run_by: str
    description: str
    audience: str
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    weekday: int
    starts: time
    minutes: int
    first_week: int
    weeks: int
    capacity: int
    participants: tuple[Name, ...]
    place: str = ""
    room: str = ""
    online_url: str = ""
    co_facilitators: tuple[str, ...] = ()
    completion_percent: int = 75
    turnout: float = 0.8
    attendance: dict[Name, str] = field(default_factory=dict)


COURSES = [
    CourseDemo(
        title="Autogestione delle emergenze",
        topic=Topic.SELF_MANAGEMENT,
        run_by=FACILITATOR,
        description="Nove incontri per prepararsi prima che l'emergenza arrivi: lo sfratto, "
        "il permesso che scade, il lavoro che si perde, il caldo e il terremoto. Ognuno "
        "esce con il proprio piano di emergenza scritto, i documenti in ordine e l'elenco "
        "dei servizi a cui rivolgersi. Con mediazione in francese e in inglese.",
        audience="Persone e famiglie del registro, soprattutto chi è arrivato da poco.",
        skills=("paperwork", "digital"),
        languages=("it", "fr", "en"),
        weekday=1,
        starts=time(17, 30),
        minutes=120,
        first_week=-5,
        weeks=9,
        capacity=15,
        room=SEDE + ", sala grande",
        participants=(
            MARIAM,
            ("Amadou", "Sow"),
            ("Nadia", "Haddad"),
            ("Olena", "Kovalenko"),
            ("Rahim", "Uddin"),
            ("Aminata", "Coulibaly"),
            ("Blessing", "Okoro"),
            ("Hodan", "Warsame"),
            ("Zahra", "Ahmadi"),
            ("Iryna", "Bondarenko"),
            ("Sumaiya", "Akter"),
            ("Mona", "Saleh"),
        ),
        attendance={MARIAM: "101111"},
    ),
    CourseDemo(
        title="Comunicazione efficace",
        topic=Topic.COMMUNICATION,
        run_by=COORDINATOR,
        description="Farsi capire allo sportello, al telefono, dal medico e dal padrone di "
        "casa: cosa dire, cosa chiedere, come chiedere di ripetere, come scrivere una "
        "e-mail a un ufficio. Esercitazioni in coppia e simulazioni. L'attestato si "
        "ottiene frequentando almeno cinque incontri su otto.",
        audience="Volontari della rete e persone che accompagnano altri agli sportelli.",
        skills=("accompaniment", "listening"),
        languages=("it",),
        weekday=3,
        starts=time(10, 0),
        minutes=120,
        first_week=-6,
        weeks=8,
        capacity=12,
        place="cpia-caserta",
        completion_percent=60,
        participants=(
            ("Samira", "El Amrani"),
            ("Joy", "Adeyemi"),
            ("Elena", "Popescu"),
            ("Yusuf", "Hassan"),
            ("Meron", "Gebremedhin"),
            ("Tariq", "Rahimi"),
            ("Harjit", "Kaur"),
            ("Carlos", "Mendoza"),
            ("Leila", "Haddad"),
            ("Karim", "Benali"),
        ),
        turnout=0.85,
    ),
    CourseDemo(
        title="Ascolto attivo",
        topic=Topic.LISTENING,
        run_by=FACILITATOR,
        description="Ascoltare senza giudicare e senza dare subito consigli: le domande "
        "aperte, il silenzio, riformulare, riconoscere quando una persona ha bisogno di "
        "uno specialista e come accompagnarla. Il sabato mattina, con una psicologa dello "
        "Spazio Approdi.",
        audience="Volontari della rete di solidarietà e chiunque voglia imparare ad ascoltare.",
        skills=("listening",),
        languages=("it",),
        weekday=5,
        starts=time(10, 0),
        minutes=150,
        first_week=-3,
        weeks=7,
        capacity=10,
        place="spazio-transculturale",
        participants=(
            ("Samira", "El Amrani"),
            ("Anna", "Russo"),
            ("Carlos", "Mendoza"),
            ("Yusuf", "Hassan"),
            ("Fatou", "Ndiaye"),
            ("Oksana", "Shevchenko"),
            ("Hodan", "Warsame"),
            ("Elira", "Krasniqi"),
            ("Maria", "Santos"),
            ("Ayesha", "Malik"),
        ),
    ),
    CourseDemo(
        title="Formazione per facilitatori",
        topic=Topic.FACILITATION,
        run_by=COORDINATOR,
        co_facilitators=(FACILITATOR,),
        description="Quattro incontri per chi vuole condurre un gruppo di sostegno o un "
        "laboratorio: preparare un incontro, tenere il tempo, proteggere ciò che si dice "
        "nel gruppo, gestire i conflitti, chiedere aiuto. Chi la completa può diventare "
        "facilitatore dell'associazione.",
        audience="Volontari con almeno sei mesi di attività nella rete.",
        skills=("listening", "accompaniment"),
        languages=("it", "fr"),
        weekday=0,
        starts=time(17, 0),
        minutes=150,
        first_week=-10,
        weeks=4,
        capacity=8,
        room=SEDE + ", sala piccola",
        online_url="https://meet.jit.si/migr-azioni-facilitatori",
        participants=(
            ("Karim", "Benali"),
            ("Samira", "El Amrani"),
            ("Anna", "Russo"),
            ("Elena", "Popescu"),
        ),
        attendance={
            ("Karim", "Benali"): "1111",
            ("Samira", "El Amrani"): "1010",
            ("Anna", "Russo"): "1100",
            ("Elena", "Popescu"): "0110",
        },
    ),
]
# The course whose next session fills up, and who waits for a place (in this order: the
# demo member asks herself, first).
FULL_COURSE = "Ascolto attivo"
WAITING = (MARIAM, ("Zahra", "Ahmadi"), ("Lucía", "Ramírez"))
# Who cancelled their place in the next session of a course, from the desk.
CANCELLED = ("Autogestione delle emergenze", ("Rahim", "Uddin"))


@dataclass(frozen=True)
class GroupDemo:
    name: str
    theme: str
    description: str
    language: str
    run_by: str
    frequency: str
    weekday: int
    starts: time
    first_week: int
    members: tuple[Name, ...]
    notice: str
    note: str
    place: str = ""
    room: str = ""
    # Joined later (weeks ago), through her own request.
    late: tuple[Name, int] | None = None
    # Asked through their account; the facilitators have not answered yet.
    asking: Name | None = None
    # The coming meeting that does not take place (its index among the coming ones).
    cancel_upcoming: int | None = None


GROUPS = [
    GroupDemo(
        name="Donne in cammino",
        theme="Sostegno tra donne: salute, lavoro, figli, solitudine",
        description="Un pomeriggio alla settimana tra donne, per parlare di ciò che pesa e "
        "di ciò che aiuta. Si parla italiano, ci si aiuta a tradurre. Ciò che si dice nel "
        "gruppo resta nel gruppo. C'è uno spazio gioco per i bambini.",
        language="it",
        run_by=FACILITATOR,
        frequency=SupportGroup.Frequency.WEEKLY,
        weekday=2,
        starts=time(16, 0),
        first_week=-7,
        room=SEDE + ", sala piccola (con spazio gioco)",
        members=(
            ("Aminata", "Coulibaly"),
            ("Fatou", "Ndiaye"),
            ("Blessing", "Okoro"),
            ("Hodan", "Warsame"),
            ("Semhar", "Tesfay"),
            ("Zahra", "Ahmadi"),
            ("Harjit", "Kaur"),
            ("Sumaiya", "Akter"),
            ("Iryna", "Bondarenko"),
            ("Lucía", "Ramírez"),
        ),
        late=(MARIAM, 3),
        asking=("Joy", "Adeyemi"),
        cancel_upcoming=1,
        notice="Mercoledì prossimo non ci incontriamo: la sala serve per la distribuzione "
        "dei pacchi. Ci vediamo la settimana dopo, alla solita ora. Per qualsiasi cosa "
        "scrivetemi o passate in sede.",
        note="Incontro intenso sulla solitudine delle sere d'inverno. H. ha raccontato per "
        "la prima volta del figlio rimasto in Somalia e si è commossa; le altre l'hanno "
        "sostenuta. Le ho proposto un colloquio allo Spazio Approdi: ci pensa, la richiamo "
        "lunedì. La prossima volta partire da un'attività più leggera.",
    ),
    GroupDemo(
        name="Parents loin de chez eux",
        theme="Genitori con i figli rimasti nel paese d'origine",
        description="Groupe de parole en français pour les mamans et les papas dont les "
        "enfants sont restés au pays : la distance, les appels, l'argent envoyé, le "
        "regroupement familial. Gruppo di parola in francese per i genitori lontani dai "
        "figli, ogni due sabati.",
        language="fr",
        run_by=COORDINATOR,
        frequency=SupportGroup.Frequency.BIWEEKLY,
        weekday=5,
        starts=time(15, 30),
        first_week=-8,
        place="caritas-san-paolo",
        members=(
            ("Amadou", "Sow"),
            ("Ibrahim", "Traoré"),
            ("Moussa", "Keita"),
            ("Cheikh", "Diop"),
            ("Mamadou", "Barry"),
            ("Hawa", "Bah"),
            ("Nadia", "Haddad"),
            ("Leila", "Haddad"),
        ),
        notice="Samedi prochain, l'avocate du Sportello Diritti in Rete sera avec nous pour "
        "répondre à vos questions sur le regroupement familial. Sabato prossimo viene "
        "l'avvocata dello sportello per le domande sul ricongiungimento familiare.",
        note="Si è parlato molto del ricongiungimento: quasi tutti hanno dubbi sui requisiti "
        "di reddito e di alloggio. Chiesto all'avvocata di Diritti in Rete di venire al "
        "prossimo incontro. M. B. è preoccupato per la figlia che non risponde più al "
        "telefono da due settimane: risentirlo prima di sabato.",
    ),
]

CAMPAIGN_TITLE = "Residenza per tutti"
CAMPAIGN_GOAL = (
    "Chiedere al Comune di Caserta di iscrivere all'anagrafe le persone senza dimora che "
    "vivono in città, come prevede la legge, istituendo la via fittizia e accettando come "
    "domicilio l'indirizzo delle associazioni. Senza residenza non si rinnova il "
    "permesso di soggiorno, non si sceglie il medico di base, non si chiede un sussidio "
    "né un alloggio popolare."
)


@dataclass(frozen=True)
class Demo:
    home: Association
    staff: dict[str, User]
    people: dict[Name, Member]
    languages: dict[str, Language]
    now: datetime
    today: date  # in Europe/Rome
    started: datetime  # stamps written by this run are at or after it

    def place(self, key: str) -> Location | None:
        return Location.objects.filter(pk=demo_id("location", key)).first() if key else None


def _week_day(today: date, week: int, weekday: int) -> date:
    """The ``weekday`` of the week ``week`` weeks from this one."""
    return today - timedelta(days=today.weekday()) + timedelta(weeks=week, days=weekday)


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


# --- Courses ------------------------------------------------------------------------------


def _course(spec: CourseDemo, demo: Demo, skills: dict) -> Course:
    runner = demo.staff[spec.run_by]
    course = course_save(
        association=demo.home,
        by=runner,
        skills=[skills[kind] for kind in spec.skills if kind in skills],
        languages=[demo.languages[code] for code in spec.languages],
        facilitators=[runner, *(demo.staff[email] for email in spec.co_facilitators)],
        title=spec.title,
        topic=spec.topic,
        description=spec.description,
        audience=spec.audience,
        completion_percent=spec.completion_percent,
        is_published=True,
    )
    first = _at(_week_day(demo.today, spec.first_week, spec.weekday), spec.starts)
    location = demo.place(spec.place)
    sessions = sessions_create(
        course=course,
        by=runner,
        weeks=spec.weeks,
        fields=SessionFields(
            starts_at=first,
            ends_at=first + timedelta(minutes=spec.minutes),
            capacity=spec.capacity,
            location=location,
            # A place of the map, or the room (with the place as a fallback).
            room="" if location else spec.room or SEDE,
            online_url=spec.online_url,
        ),
    )
    people = [demo.people[name] for name in spec.participants if name in demo.people]
    rng = random.Random(f"nucleo-demo-training:{spec.title}")  # noqa: S311 - demo data
    past = [s for s in sessions if s.starts_at <= demo.now]
    for index, session in enumerate(past):
        present = [person for person in people if _came(spec, person, index, rng)]
        _past_session(session, people, present, runner, demo)
    upcoming = [s for s in sessions if s.starts_at > demo.now]
    for index, session in enumerate(upcoming):
        _upcoming_session(spec, session, index, people, runner, demo)
    return course


def _came(spec: CourseDemo, person: Member, index: int, rng: random.Random) -> bool:
    draw = rng.random()  # drawn for everyone, so one pattern does not shift the others
    pattern = spec.attendance.get((person.first_name, person.last_name))
    if pattern is not None:
        return index < len(pattern) and pattern[index] == "1"
    return draw < spec.turnout


def _past_session(
    session: Session, people: list[Member], present: list[Member], runner: User, demo: Demo
) -> None:
    """Everyone was enrolled the week before (``enrol`` refuses a session that took
    place), then the facilitator took attendance through the service, which completes
    the course of whoever reached its threshold; the dates it stamps now are moved to the
    end of the session."""
    Enrolment.objects.bulk_create(
        Enrolment(
            session=session,
            member=person,
            status=Enrolment.Status.ENROLLED,
            enrolled_by=runner,
            created_at=session.starts_at - timedelta(days=7, minutes=index),
        )
        for index, person in enumerate(people)
    )
    Session.objects.filter(pk=session.pk).update(enrolled_count=len(people))
    present_ids = set(session.enrolments.filter(member__in=present).values_list("pk", flat=True))
    attendance_take(session=session, by=runner, present=present_ids)
    done = session.ends_at + timedelta(minutes=10)
    session.enrolments.update(attendance_at=done)
    CourseCompletion.objects.filter(
        course_id=session.course_id, completed_at__gte=demo.started
    ).update(completed_at=done)
    EmpowermentStep.objects.filter(
        stage=EmpowermentStage.TRAINED,
        member__in=present,
        reached_at__gte=demo.started,
    ).update(reached_at=done)


def _upcoming_session(
    spec: CourseDemo,
    session: Session,
    index: int,
    people: list[Member],
    runner: User,
    demo: Demo,
) -> None:
    """The course's people are enrolled from the desk; the demo member enrols herself.
    The next session of ``FULL_COURSE`` fills up and three people wait; in the later ones
    two of its people have not enrolled yet, and the demo member has."""
    mariam = demo.people.get(MARIAM)
    full = spec.title == FULL_COURSE
    enrolled = list(people)
    if full and index > 0:
        enrolled = enrolled[:-2]
    for person in enrolled:
        if person == mariam:
            enrol(session=session, member=person, by=mariam.user)
        else:
            enrol(session=session, member=person, by=runner)
    if full and index == 0:
        for name in WAITING:
            person = demo.people.get(name)
            if person is not None:
                enrol(session=session, member=person, by=person.user or runner)
    elif full and index == 1 and mariam is not None:
        enrol(session=session, member=mariam, by=mariam.user)
    title, name = CANCELLED
    if spec.title == title and index == 0 and name in demo.people:
        enrolment = session.enrolments.active().get(member=demo.people[name])
        enrolment_cancel(enrolment=enrolment, by=demo.staff[OPERATOR])


# --- Support groups ---------------------------------------------------------------------


def _group(spec: GroupDemo, demo: Demo) -> SupportGroup:
    """Made by its facilitator (or by the coordinator, who names Fatima), then the
    meetings since its first one through the same planning the periodic task runs."""
    runner = demo.staff[spec.run_by]
    facilitator = demo.staff[FACILITATOR]
    location = demo.place(spec.place)
    first = _at(_week_day(demo.today, spec.first_week, spec.weekday), spec.starts)
    group = group_save(
        association=demo.home,
        by=runner,
        facilitators=[facilitator],
        name=spec.name,
        theme=spec.theme,
        description=spec.description,
        language=demo.languages[spec.language],
        location=location,
        room="" if location else spec.room,
        open_to_requests=True,
        frequency=spec.frequency,
        first_meeting_at=first,
        duration_minutes=90,
        until=None,
        is_active=True,
    )
    group_meetings_plan(group=group, now=first)

    joined = first - timedelta(days=5)
    for name in spec.members:
        if name in demo.people:
            group_join_request(group=group, member=demo.people[name], by=facilitator)
    group.memberships.update(requested_at=joined, decided_at=joined)
    if spec.late and spec.late[0] in demo.people and demo.people[spec.late[0]].user_id:
        person = demo.people[spec.late[0]]
        membership = group_join_request(group=group, member=person, by=person.user)
        group_join_decide(membership=membership, by=facilitator, admit=True)
        late_at = demo.now - timedelta(weeks=spec.late[1], days=1)
        GroupMembership.objects.filter(pk=membership.pk).update(
            requested_at=late_at - timedelta(days=1), decided_at=late_at
        )
    if spec.asking and spec.asking in demo.people and demo.people[spec.asking].user_id:
        person = demo.people[spec.asking]
        group_join_request(group=group, member=person, by=person.user)

    rng = random.Random(f"nucleo-demo-training:{spec.name}")  # noqa: S311 - demo data
    memberships = list(
        group.memberships.filter(status=GroupMembership.Status.MEMBER).order_by("pk")
    )
    past = list(group.meetings.filter(starts_at__lte=demo.now).order_by("starts_at"))
    for meeting in past:
        present = {
            m.member_id
            for m in memberships
            if m.decided_at <= meeting.starts_at and rng.random() < 0.75
        }
        meeting_attendance_take(meeting=meeting, by=facilitator, present=present)
    if past:
        # The note of the second-to-last meeting, written that evening.
        meeting = past[-2] if len(past) > 1 else past[-1]
        note = group_note_add(group=group, by=facilitator, text=spec.note, meeting=meeting)
        GroupNote.objects.filter(pk=note.pk).update(created_at=meeting.ends_at + timedelta(hours=2))
    group_notice_send(group=group, by=facilitator, text=spec.notice)
    if spec.cancel_upcoming is not None:
        upcoming = list(group.meetings.filter(starts_at__gt=demo.now).order_by("starts_at"))
        if len(upcoming) > spec.cancel_upcoming:
            meeting_cancel(meeting=upcoming[spec.cancel_upcoming], by=facilitator)
    return group


# --- The campaign ------------------------------------------------------------------------


def _campaign(demo: Demo) -> Campaign:
    """Two months in: the public assembly was one of the self-management course's
    sessions, opened to everyone; the petition went to the Comune; last week the
    coordinator met the councillor for social policies."""
    coordinator = demo.staff[COORDINATOR]
    today = demo.today
    campaign = campaign_save(
        association=demo.home,
        by=coordinator,
        languages=[demo.languages[code] for code in ("it", "fr", "en", "ar")],
        kind=Campaign.Kind.ADVOCACY,
        title=CAMPAIGN_TITLE,
        goal=CAMPAIGN_GOAL,
        starts_on=today - timedelta(days=63),
        ends_on=today + timedelta(days=56),
        audience="Amministrazione comunale, consiglieri, cittadinanza, persone senza dimora.",
        channels="Assemblea pubblica, banchetti in piazza, volantini in quattro lingue, "
        "Facebook, Radio Prima Rete.",
    )
    assembly = (
        Session.objects.filter(
            course__association=demo.home,
            course__title="Autogestione delle emergenze",
            starts_at__lte=demo.now,
        )
        .order_by("starts_at")
        .first()
    )
    if assembly is not None:
        held_on = timezone.localdate(assembly.starts_at)
        event_title = "Assemblea pubblica «La residenza è un diritto»"
    else:
        held_on = today - timedelta(days=35)
        event_title = "Assemblea pubblica «La residenza è un diritto» (in sede)"
    campaign_action_save(
        campaign=campaign,
        by=coordinator,
        kind=CampaignAction.Kind.EVENT,
        title=event_title,
        happened_on=held_on,
        session=assembly,
        outcome="L'incontro del corso di autogestione aperto a tutti: un'avvocata di Diritti "
        "in Rete ha spiegato cosa prevede la legge sulla residenza, quattro persone senza "
        "dimora hanno raccontato cosa vuol dire non averla. Nati il comitato promotore e "
        "il testo della petizione.",
        people_reached=74,
    )
    campaign_action_save(
        campaign=campaign,
        by=coordinator,
        kind=CampaignAction.Kind.PETITION,
        title="Petizione al Sindaco: la via fittizia anche a Caserta",
        happened_on=today - timedelta(days=20),
        outcome="Tre settimane di banchetti davanti alla Reggia, al mercato e all'uscita "
        "delle messe, e la raccolta online. Firme consegnate al protocollo del Comune con "
        "la richiesta di un incontro.",
        people_reached=2300,
        signatures=1184,
    )
    campaign_action_save(
        campaign=campaign,
        by=coordinator,
        kind=CampaignAction.Kind.INSTITUTION,
        title="Incontro con l'assessora alle politiche sociali e l'ufficio anagrafe",
        happened_on=today - timedelta(days=6),
        outcome="L'assessora si è impegnata a portare in giunta la delibera sulla via "
        "fittizia entro due mesi; l'anagrafe accetterà da subito le domande con domicilio "
        "presso le associazioni. Nuovo incontro fissato tra un mese per verificare.",
        people_reached=6,
    )
    return campaign


# --- The seeder ---------------------------------------------------------------------------


@transaction.atomic
def seed_training(stdout: TextIO) -> None:
    """Create the demo courses, groups and campaign of Migr-Azioni. Needs the demo
    associations, users and people (:func:`members.demo.seed_members`); holds sessions
    and groups at places of the resource map when :func:`resources.demo.seed_resources`
    ran, in the association's rooms otherwise."""
    home = Association.objects.filter(slug=MIGR_AZIONI).first()
    emails = [FACILITATOR, COORDINATOR, OPERATOR, MEMBER]
    staff = {user.email: user for user in User.objects.filter(email__in=emails)}
    if home is None or len(staff) < len(emails):
        raise RuntimeError("Create the demo associations and users first")
    names = {
        *(name for spec in COURSES for name in spec.participants),
        *(name for spec in GROUPS for name in spec.members),
        *WAITING,
        *(spec.late[0] for spec in GROUPS if spec.late),
        *(spec.asking for spec in GROUPS if spec.asking),
    }
    people: dict[Name, Member] = {}
    for member in (
        Member.objects.filter(association=home, anonymised_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    ):
        key = (member.first_name, member.last_name)
        if key in names:
            people.setdefault(key, member)
    now = timezone.now()
    demo = Demo(
        home=home,
        staff=staff,
        people=people,
        languages={language.code: language for language in Language.objects.all()},
        now=now,
        today=timezone.localdate(now),
        started=now,
    )

    existing = set(Course.objects.filter(association=home).values_list("title", flat=True))
    if any(spec.title not in existing for spec in COURSES):
        skills = _skill_lookup(home)
        for spec in COURSES:
            if spec.title not in existing:
                _course(spec, demo, skills)
    existing = set(SupportGroup.objects.filter(association=home).values_list("name", flat=True))
    for spec in GROUPS:
        if spec.name not in existing:
            _group(spec, demo)
    if not Campaign.objects.filter(association=home, title=CAMPAIGN_TITLE).exists():
        _campaign(demo)

    stdout.write(_summary(home))


def _summary(home: Association) -> str:
    courses = Course.objects.filter(association=home)
    sessions = Session.objects.filter(course__in=courses)
    enrolments = Enrolment.objects.filter(session__in=sessions)
    by_status = dict(enrolments.values_list("status").annotate(n=Count("pk")))
    groups = SupportGroup.objects.filter(association=home)
    memberships = dict(
        GroupMembership.objects.filter(group__in=groups)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    meetings = GroupMeeting.objects.filter(group__in=groups)
    campaign = Campaign.objects.filter(association=home, title=CAMPAIGN_TITLE).first()
    actions = CampaignAction.objects.filter(campaign=campaign)
    reach = actions.aggregate(people=Sum("people_reached"), signatures=Sum("signatures"))
    return (
        f"Training: {courses.count()} courses, {sessions.count()} sessions "
        f"({sessions.filter(enrolled_count__gte=F('capacity')).count()} full, "
        f"{sessions.filter(enrolments__status=Enrolment.Status.WAITLISTED).distinct().count()} "
        "with a waiting list), "
        f"{by_status.get(Enrolment.Status.ENROLLED, 0)} enrolled, "
        f"{by_status.get(Enrolment.Status.WAITLISTED, 0)} on a waiting list, "
        f"{by_status.get(Enrolment.Status.CANCELLED, 0)} cancelled; attendance taken at "
        f"{sessions.filter(enrolments__attended__isnull=False).distinct().count()} sessions, "
        f"{CourseCompletion.objects.filter(course__in=courses).count()} courses completed; "
        f"{groups.count()} support groups with "
        f"{memberships.get(GroupMembership.Status.MEMBER, 0)} members "
        f"({memberships.get(GroupMembership.Status.REQUESTED, 0)} asking to join), "
        f"{meetings.count()} meetings "
        f"({meetings.filter(status=GroupMeeting.Status.CANCELLED).count()} cancelled, "
        f"{meetings.filter(attendees__isnull=False).distinct().count()} with attendance), "
        f"{GroupNotice.objects.filter(group__in=groups).count()} notices, "
        f"{GroupNote.objects.filter(group__in=groups).count()} facilitators' notes; "
        f"campaign «{campaign.title if campaign else CAMPAIGN_TITLE}»: {actions.count()} "
        f"actions, {reach['signatures'] or 0} signatures, {reach['people'] or 0} people "
        "reached."
    )
