"""Demo data of the solidarity network and community alerts, for Migr-Azioni: help
requests in every state (open, offered to the best-matching volunteers, assigned, done,
confirmed with thanks and confirmed hours, unmatched, cancelled), a few of them linked to
the demo cases, the demo member's own request, debriefs of the volunteers (one asks an
operator to call back), and last week's heat-wave alert with its texts in Italian,
English and Arabic and the answers of the members of the zones it went to.

Every person and story is made up; the people and the fifteen volunteers are those of
:mod:`members.demo`, the cases those of :mod:`emergencies.demo`. The volunteers get a
login here (``name.surname@nucleo.test``, the demo password): matching only asks
volunteers it can tell of an offer, and the demo shows their side too.
:func:`seed_network` is idempotent: an account is found by its address, a request by its
person and summary, the alert by its subject, a debrief by its volunteer and task, so a
second run adds nothing.

Rows are written directly with their historic dates, as the case demo does: the
services stamp "now" and tell people at once, and offering last week's tasks through
them would notify the volunteers today. The offers still come from the real ranking
(:func:`emergencies.services.network.ranking`), with its scores and reasons, so what an
operator reads on a request is what matching says about these volunteers.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import NamedTuple, TextIO

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from members.demo import MIGR_AZIONI, _skill_lookup
from members.models import Association, Language, Member, Role, Skill, User, VolunteerProfile
from members.services import membership_grant_role, welcome

from .models import (
    AlertAnswer,
    AlertText,
    Case,
    CommunityAlert,
    Debrief,
    HelpRequest,
    Offer,
    RequestKind,
)
from .services.network import network_settings_of, ranking

OPERATOR = "operator@nucleo.test"
COORDINATOR = "coordinator@nucleo.test"

R, K = HelpRequest.Status, RequestKind
ALERT_DAYS_AGO = 9  # the heat wave: a member's answer asked for one of the requests


class Ask(NamedTuple):
    """A help request of the demo. ``day`` and ``hour`` say when the task is (days from
    today, local time); ``details`` may name the person (``{name}``) and their phone
    (``{phone}``)."""

    person: tuple[str, str]
    kind: str
    status: str
    summary: str
    details: str
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    day: int
    hour: float
    minutes: int
    # The category of the person's case the request comes from.
    case: str = ""
    volunteer: tuple[str, str] | None = None
    minutes_spent: int | None = None
    thanks: str = ""
    hours_confirmed: bool = False
    # "operator", "coordinator" or "self" (the person asked through their account).
    opened_by: str = "operator"
    # Hours between the request and the task, when not the usual three days.
    lead_hours: float | None = None


# In the order they were asked: the rankings of the later ones see the load of the
# earlier ones.
ASKS = [
    Ask(("Vincenzo", "Iovine"), K.LIFT, R.CONFIRMED,
        "Un passaggio in auto all'ospedale di Caserta per il controllo dopo le dimissioni, "
        "andata e ritorno da Teverola.",
        "{name}, tel. {phone}. Abita in Via Roma 14 a Teverola, secondo piano senza "
        "ascensore: cammina piano, aiutarlo con le scale. Controllo in cardiologia alle "
        "9:30, portare la lettera di dimissione.",
        ("transport",), (), day=-8, hour=8.5, minutes=180,
        volunteer=("Arben", "Hoxha"), minutes_spent=210,
        thanks="Arben è stato puntualissimo e mi ha aspettato fino alla fine. Grazie di "
        "cuore.", hours_confirmed=True),
    Ask(("Sumaiya", "Akter"), K.ACCOMPANY, R.CONFIRMED,
        "Accompagnare una mamma a iscrivere il figlio alla scuola media e fare da "
        "interprete bengalese con la segreteria.",
        "{name}, tel. {phone}. Appuntamento alla segreteria dell'I.C. «Giovanni XXIII» "
        "alle 10:00: portare il passaporto del ragazzo, il codice fiscale e la pagella "
        "tradotta del Bangladesh.",
        ("interpreting:bn", "accompaniment"), ("bn",), day=-7, hour=9.5, minutes=90,
        case="family", volunteer=("Rafiq", "Islam"), minutes_spent=100,
        thanks="Mio figlio comincia lunedì. Grazie Rafiq!", hours_confirmed=True),
    Ask(("Mona", "Saleh"), K.ACCOMPANY, R.CONFIRMED,
        "Accompagnare una signora all'Ufficio immigrazione della Questura di Caserta e "
        "fare da interprete arabo: ritiro del permesso di soggiorno.",
        "{name}, tel. {phone}. Parla solo arabo. Appuntamento alle 8:30, entrata da Via "
        "Ferdinando Palasciano; ha la ricevuta e le fototessere. È molto agitata: l'ultima "
        "volta le hanno detto che mancava un documento.",
        ("interpreting:ar", "accompaniment"), ("ar",), day=-5, hour=8, minutes=180,
        volunteer=("Samira", "El Amrani"), minutes_spent=240,
        thanks="Shukran Samira, senza di te non ce l'avrei fatta.", hours_confirmed=True),
    Ask(("Harjit", "Kaur"), K.LISTENING, R.CONFIRMED,
        "Qualcuno con cui fare due passi e parlare un'oretta: una signora sola in casa "
        "tutto il giorno che vuole anche esercitare l'italiano.",
        "{name}, tel. {phone}. Zona Centro, si può fare un giro alla Villa Comunale. Le "
        "piace parlare di cucina; meglio non chiedere del marito.",
        ("listening",), ("it",), day=-4, hour=16, minutes=60,
        volunteer=("Anna", "Russo"), minutes_spent=75,
        thanks="È stato bello, ci vediamo ancora giovedì."),
    Ask(("Ahmed", "Khalil"), K.OTHER, R.CONFIRMED,
        "Portare un ventilatore e qualche cassa d'acqua a una famiglia con un neonato, "
        "durante l'ondata di calore.",
        "{name}, tel. {phone}. Via San Carlo 40, citofono Khalil, terzo piano. Cinque "
        "persone in due stanze sotto il tetto; il ventilatore è nel magazzino "
        "dell'associazione.",
        ("transport",), (), day=-ALERT_DAYS_AGO, hour=18, minutes=60, case="food",
        volunteer=("Oksana", "Shevchenko"), minutes_spent=50,
        thanks="Grazie, il bambino ora dorme.", hours_confirmed=True, lead_hours=4.5),
    Ask(("Ion", "Rusu"), K.MEAL, R.DONE,
        "Portare un pasto caldo e un po' di spesa a un signore anziano che vive solo a "
        "Marcianise.",
        "{name}, tel. {phone}. Via Grotta 7, piano terra. Parla romeno e poco italiano; "
        "non mangia carne di maiale. Il pacco della spesa è pronto in sede.",
        ("cooking",), (), day=-1, hour=12, minutes=60,
        volunteer=("Giuseppe", "Esposito"), minutes_spent=80),
    Ask(("Andrii", "Melnyk"), K.ACCOMPANY, R.CANCELLED,
        "Accompagnare un ragazzo in banca ad Aversa per aprire un conto di base e aiutarlo "
        "con le domande dell'impiegato.",
        "{name}, tel. {phone}. Appuntamento in filiale alle 11: passaporto, permesso e "
        "codice fiscale. Parla inglese e ucraino.",
        ("accompaniment",), ("en",), day=-2, hour=11, minutes=60),
    Ask(("Li", "Na"), K.ACCOMPANY, R.UNMATCHED,
        "Interprete cinese per un colloquio all'Ispettorato del lavoro di Caserta sugli "
        "stipendi non pagati.",
        "{name}, tel. {phone}. Convocazione alle 10:00; portare le buste paga e i "
        "messaggi del titolare. Parla solo cinese mandarino.",
        ("accompaniment",), ("zh",), day=3, hour=10, minutes=120, case="income"),
    Ask(("Leila", "Haddad"), K.ACCOMPANY, R.ASSIGNED,
        "Accompagnare una signora alla visita pre-operatoria all'ospedale di Caserta e "
        "fare da interprete arabo con il medico.",
        "{name}, tel. {phone}. Azienda ospedaliera Sant'Anna e San Sebastiano, chirurgia, "
        "ore 9:30: impegnativa ed esenzione sono nella cartellina blu. Viene da Santa Maria "
        "Capua Vetere con il treno delle 8:10.",
        ("interpreting:ar", "accompaniment"), ("ar",), day=2, hour=9, minutes=150,
        case="health", volunteer=("Karim", "Benali")),
    Ask(("Mariam", "Okafor"), K.ONLINE_FORM, R.ASSIGNED,
        "Aiuto a compilare la domanda online di iscrizione alla scuola dell'infanzia e a "
        "caricare i documenti.",
        "{name}, tel. {phone}. Serve lo SPID o la CIE della mamma: ha la CIE ma non "
        "ricorda il PIN. Ci si può vedere in sede o in biblioteca.",
        ("digital",), (), day=1, hour=17, minutes=60, case="education",
        volunteer=("Tariq", "Rahimi"), opened_by="self"),
    Ask(("Youssef", "Mansouri"), K.ONLINE_FORM, R.OFFERED,
        "Aiuto con il modulo online per il rinnovo del permesso di soggiorno e la "
        "prenotazione all'ufficio postale.",
        "{name}, tel. {phone}. Ha il contratto scaduto e una promessa di assunzione: "
        "portare anche quella. Disponibile dopo le 17.",
        ("paperwork", "digital"), (), day=2, hour=17.5, minutes=90, case="documents"),
    Ask(("Zahra", "Ahmadi"), K.LISTENING, R.OFFERED,
        "Una visita e due chiacchiere in inglese con una ragazza che ha appena perso il "
        "fratello e non esce di casa.",
        "{name}, tel. {phone}. Scrivere prima un messaggio: non risponde a numeri che non "
        "conosce. Parla dari e inglese.",
        ("listening",), ("en",), day=1, hour=15, minutes=60, case="mental_health",
        opened_by="coordinator"),
    Ask(("Hawa", "Bah"), K.ACCOMPANY, R.OPEN,
        "Accompagnare una donna incinta al consultorio per la prima visita e il codice "
        "STP; serve chi parla francese.",
        "{name}, tel. {phone}. Consultorio di Via Unità Italiana, si entra senza "
        "appuntamento dalle 9 alle 12. Incinta di sette mesi: prendere un taxi se serve, "
        "lo rimborsa l'associazione.",
        ("accompaniment",), ("fr",), day=3, hour=9, minutes=180, case="health"),
    Ask(("Elira", "Krasniqi"), K.OTHER, R.OPEN,
        "Qualcuno che tenga un bambino di tre anni in sede, il martedì sera, durante il "
        "corso per la licenza media della mamma.",
        "{name}, tel. {phone}. Il corso è dalle 18 alle 20 nella sala accanto: il bambino "
        "porta i suoi giochi e la merenda.",
        ("childcare",), (), day=4, hour=18, minutes=120),
]  # fmt: skip

# The volunteer the summary names to sign in as: offers wait for them.
LOGIN_VOLUNTEER = ("Anna", "Russo")
# Of the offers of a request that is no longer open, who had declined before it went.
DECLINED_FIRST = {("Leila", "Haddad"), ("Mona", "Saleh")}

ALERT_SUBJECT = "Ondata di calore"
ALERT_ZONES = "Centro, Puccianiello, Tredici"
ALERT_TEXTS = {
    "it": (
        "Ondata di calore: fino a 40 gradi nei prossimi cinque giorni",
        "Da domani e per cinque giorni a Caserta si arriva a 40 gradi. Bevi molta acqua, "
        "non uscire dalle 11 alle 17 e chiedi ai vicini anziani come stanno. La sede di "
        "Via Roma è aperta e fresca dalle 10 alle 19. Rispondi a questo messaggio: «Sto "
        "bene» oppure «Ho bisogno di aiuto».",
    ),
    "en": (
        "Heat wave: up to 40 degrees over the next five days",
        "From tomorrow and for five days Caserta will reach 40 degrees. Drink plenty of "
        "water, stay indoors from 11 am to 5 pm and check on elderly neighbours. Our "
        "centre in Via Roma is open and cool from 10 am to 7 pm. Please answer: \"I'm "
        'safe" or "I need help".',
    ),
    "ar": (
        "موجة حر: حتى 40 درجة في الأيام الخمسة القادمة",
        "ابتداءً من الغد ولمدة خمسة أيام ستصل درجة الحرارة في كازيرتا إلى 40 درجة. اشرب "
        "الكثير من الماء، ولا تخرج بين الساعة 11 و17، واسأل عن جيرانك المسنّين. مقرّ "
        "الجمعية في شارع روما مفتوح ومكيّف من الساعة 10 حتى 19. أجب على هذه الرسالة: "
        "«أنا بخير» أو «أحتاج إلى مساعدة».",
    ),
}
# Who answered "I need help", with their note. An answer of someone with a request
# above (asked that day) is linked to it; the other was called back by an operator.
NEED_HELP = {
    ("Ahmed", "Khalil"): "Il bambino piccolo non dorme per il caldo e non abbiamo un ventilatore.",
    ("Iryna", "Bondarenko"): "Con questo caldo mi gira la testa e sono sola in casa.",
}

# The volunteers' check-ins after a task: (volunteer, person helped, feeling, note,
# wants a call back).
DEBRIEFS = [
    (("Samira", "El Amrani"), ("Mona", "Saleh"), Debrief.Feeling.SHAKEN,
     "In Questura l'hanno trattata male e lei ha pianto tutto il tempo. Non sapevo cosa "
     "dirle: vorrei parlarne con qualcuno.", True),
    (("Arben", "Hoxha"), ("Vincenzo", "Iovine"), Debrief.Feeling.FINE,
     "Tutto bene, il signore è simpaticissimo: mi ha raccontato di quando faceva il "
     "sarto.", False),
    (("Rafiq", "Islam"), ("Sumaiya", "Akter"), Debrief.Feeling.TIRED,
     "Lunga attesa in segreteria, ma alla fine è andato tutto bene.", False),
]  # fmt: skip


def _at(now: datetime, day: int, hour: float) -> datetime:
    """``hour`` o'clock (9.5 is 9:30), local time, ``day`` days from today."""
    local_day = timezone.localdate(now) + timedelta(days=day)
    clock = time(int(hour), round(hour % 1 * 60))
    return timezone.make_aware(datetime.combine(local_day, clock))


@transaction.atomic
def seed_network(stdout: TextIO) -> None:
    """Create the demo help requests, offers, debriefs and the past community alert of
    Migr-Azioni. Needs the demo associations, users and people
    (:func:`members.demo.seed_members`); links requests to the demo cases when
    :func:`emergencies.demo.seed_cases` ran before."""
    home = Association.objects.filter(slug=MIGR_AZIONI).first()
    emails = [OPERATOR, COORDINATOR]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    if home is None or OPERATOR not in users or COORDINATOR not in users:
        raise RuntimeError("Create the demo associations and users first")
    rng = random.Random("nucleo-demo-network")  # noqa: S311 - made-up demo data
    now = timezone.now().replace(microsecond=0)
    settings = network_settings_of(home.pk)
    volunteers = {
        (v.member.first_name, v.member.last_name): v
        for v in VolunteerProfile.objects.filter(association=home).select_related("member")
    }
    for volunteer in volunteers.values():
        _account_ensure(volunteer.member)
    members = {
        (m.first_name, m.last_name): m
        for m in Member.objects.filter(association=home, anonymised_at__isnull=True)
    }
    skills = _skill_lookup(home)
    languages = Language.objects.in_bulk()
    existing = set(
        HelpRequest.objects.filter(association=home).values_list("member_id", "public_summary")
    )
    staff = {"operator": users[OPERATOR], "coordinator": users[COORDINATOR]}

    requests: dict[tuple[str, str], HelpRequest] = {}
    for ask in ASKS:
        member = members.get(ask.person)
        volunteer = volunteers.get(ask.volunteer) if ask.volunteer else None
        if member is None or (ask.volunteer and volunteer is None):
            continue
        if (member.pk, ask.summary) in existing:
            requests[ask.person] = HelpRequest.objects.get(
                association=home, member=member, public_summary=ask.summary
            )
            continue
        if ask.opened_by == "self":
            opener = member.user or staff["operator"]
        else:
            opener = staff[ask.opened_by]
        requests[ask.person] = _create(
            ask,
            member=member,
            volunteer=volunteer,
            opener=opener,
            operator=staff["operator"],
            skills=[skills[key] for key in ask.skills if key in skills],
            languages=[languages[code] for code in ask.languages if code in languages],
            offer_count=settings.offer_count,
            timeout=timedelta(minutes=settings.offer_timeout_minutes),
            now=now,
        )

    for who, helped, feeling, note, callback in DEBRIEFS:
        help_request = requests.get(helped)
        volunteer = volunteers.get(who)
        if help_request is None or volunteer is None or help_request.done_at is None:
            continue
        Debrief.objects.get_or_create(
            volunteer=volunteer,
            request=help_request,
            defaults={
                "feeling": feeling,
                "note": note,
                "wants_callback": callback,
                "created_at": help_request.done_at + timedelta(hours=3),
            },
        )

    alert = _alert(home, members, requests, by=staff["coordinator"], rng=rng, now=now)

    by_status = dict(
        HelpRequest.objects.filter(association=home)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    states = ", ".join(f"{by_status.get(status, 0)} {status}" for status in R.values)
    all_debriefs = Debrief.objects.filter(volunteer__association=home)
    answers = AlertAnswer.objects.filter(alert=alert)
    answered = dict(answers.values_list("answer").annotate(n=Count("pk")).order_by())
    login = volunteer_email(volunteers[LOGIN_VOLUNTEER].member) if volunteers else ""
    stdout.write(
        f"Solidarity network: {sum(by_status.values())} help requests for {home.name} "
        f"({states}), {Offer.objects.filter(request__association=home).count()} offers, "
        f"{all_debriefs.count()} debriefs ({all_debriefs.filter(wants_callback=True).count()} "
        f"asking for a call back); alert «{alert.subject}» to {answers.count()} members: "
        f"{answered.get(AlertAnswer.Answer.SAFE, 0)} safe, "
        f"{answered.get(AlertAnswer.Answer.NEED_HELP, 0)} need help, "
        f"{answered.get('', 0)} not answered. Volunteers sign in as name.surname@nucleo.test "
        f"with the demo password (with pending offers: {login})."
    )


def volunteer_email(member: Member) -> str:
    """``samira.elamrani@nucleo.test``: the login of a demo volunteer."""
    first, last = (slugify(name).replace("-", "") for name in (member.first_name, member.last_name))
    return f"{first}.{last}@nucleo.test"


def _account_ensure(member: Member) -> None:
    """Give a volunteer a login (the demo password, e-mail verified), as a member of the
    association: matching only asks volunteers it can tell of an offer."""
    from allauth.account.models import EmailAddress

    from nucleo.management.commands.seed_demo import DEMO_PASSWORD

    if member.user_id is not None:
        return
    email = volunteer_email(member)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=member.first_name,
            last_name=member.last_name,
            phone=member.phone,
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    membership_grant_role(user=user, association=member.association, role=Role.MEMBER)
    welcome(user=user, association=member.association)
    Member.objects.filter(pk=member.pk, user__isnull=True).update(user=user)
    member.user = user


def _create(
    ask: Ask,
    *,
    member: Member,
    volunteer: VolunteerProfile | None,
    opener: User,
    operator: User,
    skills: list[Skill],
    languages: list[Language],
    offer_count: int,
    timeout: timedelta,
    now: datetime,
) -> HelpRequest:
    starts_at = _at(now, ask.day, ask.hour)
    ends_at = starts_at + timedelta(minutes=ask.minutes)
    if ask.lead_hours is not None:
        asked_at = starts_at - timedelta(hours=ask.lead_hours)
    elif ask.day > 0:
        asked_at = now - timedelta(hours=3 if ask.status in (R.OPEN, R.OFFERED) else 26)
    else:
        asked_at = starts_at - timedelta(days=3, hours=2)
    case = (
        Case.objects.filter(member=member, category__code=ask.case).order_by("opened_at").first()
        if ask.case
        else None
    )
    values = {"name": f"{member.first_name} {member.last_name}", "phone": member.phone or "—"}
    help_request = HelpRequest(
        association=member.association,
        member=member,
        case=case,
        opened_by=opener,
        kind=ask.kind,
        public_summary=ask.summary,
        private_details=ask.details.format(**values),
        zone=member.zone or member.municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        duration_minutes=ask.minutes,
        created_at=asked_at,
    )
    help_request.full_clean()
    help_request._history_user = opener
    help_request._history_date = asked_at
    help_request.save()
    help_request.skills.set(skills)
    help_request.languages.set(languages)
    if ask.status == R.OPEN:
        return help_request

    # Who matching puts first, before this request changes anybody's load.
    ranked = ranking(help_request)
    sent_at = (
        now - timedelta(minutes=40) if ask.status == R.OFFERED else asked_at + timedelta(minutes=15)
    )
    offers = _offers(ask, help_request, ranked, volunteer, offer_count, sent_at, timeout)
    Offer.objects.bulk_create(offers)

    fields = ["status", "offer_round"]
    help_request.status = ask.status
    help_request.offer_round = max((offer.round for offer in offers), default=0)
    last = sent_at
    if ask.status in (R.ASSIGNED, R.DONE, R.CONFIRMED):
        help_request.volunteer = volunteer
        help_request.assigned_at = last = sent_at + timedelta(minutes=25)
        fields += ["volunteer", "assigned_at"]
    if ask.status in (R.DONE, R.CONFIRMED):
        help_request.done_at = last = ends_at + timedelta(minutes=30)
        help_request.minutes_spent = ask.minutes_spent
        fields += ["done_at", "minutes_spent"]
    if ask.status == R.CONFIRMED:
        help_request.confirmed_at = last = help_request.done_at + timedelta(hours=22)
        help_request.thanks = ask.thanks
        fields += ["confirmed_at", "thanks"]
        if ask.hours_confirmed:
            help_request.hours_confirmed_at = last = help_request.confirmed_at + timedelta(days=1)
            help_request.hours_confirmed_by = operator
            fields += ["hours_confirmed_at", "hours_confirmed_by"]
    if ask.status == R.UNMATCHED:
        help_request.unmatched_alerted_at = last = max(
            (o.expires_at for o in offers), default=sent_at
        )
        fields.append("unmatched_alerted_at")
    if ask.status == R.CANCELLED:
        last = max((o.answered_at for o in offers), default=sent_at)
    help_request.full_clean()
    help_request._history_user = opener if ask.status == R.CANCELLED else operator
    help_request._history_date = min(last, now)
    help_request.save(update_fields=fields)
    return help_request


def _offers(
    ask: Ask,
    help_request: HelpRequest,
    ranked: list,
    volunteer: VolunteerProfile | None,
    offer_count: int,
    sent_at: datetime,
    timeout: timedelta,
) -> list[Offer]:
    """The offers the request went through to reach its state: all the ranked
    volunteers, round after round, for the unmatched one; one round otherwise, with
    the chosen volunteer in it."""
    OfferStatus = Offer.Status
    if ask.status == R.UNMATCHED:
        chosen = ranked
    else:
        chosen = ranked[:offer_count]
        if volunteer is not None and volunteer.pk not in {r.volunteer_id for r in chosen}:
            mine = [r for r in ranked if r.volunteer_id == volunteer.pk]
            chosen = chosen[: offer_count - 1] + mine
    offers = []
    declined_first = ask.person in DECLINED_FIRST
    for index, entry in enumerate(chosen):
        round_number = index // offer_count + 1
        sent = sent_at + (timeout + timedelta(minutes=5)) * (round_number - 1)
        offer = Offer(
            request=help_request,
            volunteer_id=entry.volunteer_id,
            round=round_number,
            rank=index % offer_count + 1,
            score=entry.score,
            reasons=list(entry.reasons),
            sent_at=sent,
            expires_at=sent + timeout,
        )
        if ask.status == R.UNMATCHED:
            # Half say they cannot, the others never answer in time.
            offer.status = OfferStatus.DECLINED if index % 2 == 0 else OfferStatus.EXPIRED
            offer.answered_at = sent + timedelta(minutes=20) if index % 2 == 0 else None
        elif ask.status == R.CANCELLED:
            offer.status = OfferStatus.WITHDRAWN
            offer.answered_at = sent + timedelta(hours=20)
        elif ask.status != R.OFFERED:
            if volunteer is not None and entry.volunteer_id == volunteer.pk:
                offer.status, offer.answered_at = OfferStatus.ACCEPTED, sent + timedelta(minutes=25)
            elif declined_first and index == 0:
                offer.status, offer.answered_at = OfferStatus.DECLINED, sent + timedelta(minutes=10)
            else:
                offer.status, offer.answered_at = OfferStatus.TAKEN, sent + timedelta(minutes=25)
        offers.append(offer)
    return offers


def _alert(
    home: Association,
    members: dict[tuple[str, str], Member],
    requests: dict[tuple[str, str], HelpRequest],
    *,
    by: User,
    rng: random.Random,
    now: datetime,
) -> CommunityAlert:
    """Last week's heat-wave alert to three zones of Caserta: most answered "I'm safe"
    (by the link, or to an operator who called), two "I need help", a few never did."""
    alert = CommunityAlert.objects.filter(association=home, subject=ALERT_SUBJECT).first()
    if alert is not None:
        return alert
    sent_at = _at(now, -ALERT_DAYS_AGO, 10)
    alert = CommunityAlert.objects.create(
        association=home,
        subject=ALERT_SUBJECT,
        urgency=CommunityAlert.Urgency.URGENT,
        zones=ALERT_ZONES,
        status=CommunityAlert.Status.SENT,
        created_by=by,
        created_at=sent_at - timedelta(minutes=35),
        sent_at=sent_at,
        reminded_at=sent_at + timedelta(hours=4),
    )
    AlertText.objects.bulk_create(
        AlertText(alert=alert, language_id=code, title=title, body=body)
        for code, (title, body) in ALERT_TEXTS.items()
    )
    zones = set(alert.zone_list)
    targeted = sorted(
        (person for person, member in members.items() if member.zone in zones),
        key=lambda person: (person[1], person[0]),
    )
    answers = []
    for person in targeted:
        member = members[person]
        answer = AlertAnswer(
            alert=alert,
            member=member,
            language_id=member.preferred_language_id
            if member.preferred_language_id in ALERT_TEXTS
            else "it",
            notified=member.user_id is not None,
        )
        if person in NEED_HELP:
            answer.answer, answer.note = AlertAnswer.Answer.NEED_HELP, NEED_HELP[person]
            answer.answered_at = sent_at + timedelta(hours=rng.randint(1, 3))
            help_request = requests.get(person)
            if help_request is not None and help_request.created_at.date() == sent_at.date():
                answer.help_request = help_request
                answer.answered_at = help_request.created_at - timedelta(minutes=12)
        elif rng.random() < 0.7:
            answer.answer = AlertAnswer.Answer.SAFE
            # With an account, by the link within hours; without, when an operator
            # called through the list the next day.
            delay = timedelta(minutes=rng.randint(5, 240)) if answer.notified else None
            answer.answered_at = sent_at + (delay or timedelta(days=1, hours=rng.randint(0, 6)))
        answers.append(answer)
    AlertAnswer.objects.bulk_create(answers)
    return alert
