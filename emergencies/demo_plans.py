"""Demo data of personal emergency plans: the demo member's own plan, nearly complete
and private, with her health notes; and the plans of people of the registry in the
other states a coordinator meets: kept together with an operator (a member with an
account and the operator both writing it), made at the desk for someone without an
account and reviewed with them, one whose review is overdue, one barely started, and
one at the partner association.

Every person and story is made up; the people are those of :mod:`members.demo` and
``seed_demo``'s registry, the services of :mod:`resources.demo`. Every change goes
through :mod:`emergencies.services.plans`, so each plan has its numbered versions with
their authors, its completeness score and its reminders. :func:`seed_plans` is
idempotent: a plan is found by its person, and a person who has one is left alone.

No plan is activated: activating opens a critical case opened by the member, which
alerts the operators on duty at once; the demo's cases are all staff's and
acknowledged (see :mod:`emergencies.demo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TextIO

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from members.demo import MIGR_AZIONI
from members.models import Association, ConsentPurpose, Language, Member, User
from members.services import consent_give
from resources.demo import demo_id
from resources.models import Service

from .models import EmergencyPlan, PlanHealth, PlanScenario, PlanVersion, ScenarioTemplate
from .services.plans import (
    Row,
    plan_about_save,
    plan_create,
    plan_go_bag_save,
    plan_health_save,
    plan_review_done,
    plan_review_settings_save,
    plan_rows_save,
    plan_scenario_add,
    plan_scenario_save,
)

PARTNER = "si-teverola"
MEMBER = "member@nucleo.test"
OPERATOR = "operator@nucleo.test"
COORDINATOR = "coordinator@nucleo.test"
PARTNER_OPERATOR = "partner-operator@nucleo.test"


@dataclass(frozen=True)
class Demo:
    """What every plan's story may use: the staff, the services of the map by their
    :mod:`resources.demo` key (those that exist), today."""

    staff: dict[str, User]
    services: dict[str, Service]
    today: date

    def resources(self, *keys: str) -> list[Service]:
        return [self.services[key] for key in keys if key in self.services]


def _scenario(
    plan: EmergencyPlan,
    *,
    by: User,
    kind: str,
    demo: Demo,
    resources: tuple[str, ...] = (),
    warning_signs: str = "",
    coping: str = "",
    who: dict[int, str] | None = None,
    more: tuple[tuple[str, str], ...] = (),
) -> PlanScenario:
    """A scenario from the association's template, made the person's own: their
    warning signs and what helps them (else the template's), who takes which of the
    first actions, a few actions of theirs after them, and services of the map."""
    template = ScenarioTemplate.objects.get(association=plan.association, kind=kind)
    scenario = plan_scenario_add(plan=plan, by=by, template=template)
    who = who or {}
    actions = [
        Row(id=action.pk, fields={"text": action.text, "who": who.get(index, "")})
        for index, action in enumerate(scenario.actions.order_by("order", "pk"))
    ]
    actions += [Row(id=None, fields={"text": text, "who": person}) for text, person in more]
    return plan_scenario_save(
        scenario=scenario,
        by=by,
        title=scenario.title,
        warning_signs=warning_signs or scenario.warning_signs,
        coping=coping or scenario.coping,
        resources=demo.resources(*resources),
        actions=actions,
    )


def _rows(plan: EmergencyPlan, *, by: User, section: str, rows: list[dict]) -> EmergencyPlan:
    return plan_rows_save(
        plan=plan, by=by, section=section, rows=[Row(id=None, fields=row) for row in rows]
    )


def _rows_add(plan: EmergencyPlan, *, by: User, section: str, rows: list[dict]) -> EmergencyPlan:
    """Add rows after the section's existing ones, as the form sends them back."""
    existing = {"contacts": plan.contacts, "places": plan.places, "documents": plan.documents}
    kept = [
        Row(id=pk) for pk in existing[section].order_by("order", "pk").values_list("pk", flat=True)
    ]
    return plan_rows_save(
        plan=plan,
        by=by,
        section=section,
        rows=kept + [Row(id=None, fields=row) for row in rows],
    )


def _about(plan: EmergencyPlan, *, by: User, languages: list[str], **fields) -> EmergencyPlan:
    values = {
        "household": "",
        "dependants": "",
        "interpreter_needed": False,
        "accessibility_needs": "",
        "sharing": plan.sharing,
        **fields,
    }
    return plan_about_save(
        plan=plan, by=by, languages=Language.objects.filter(code__in=languages), **values
    )


# --- The plans -------------------------------------------------------------------------


def _mariam(member: Member, demo: Demo) -> EmergencyPlan:
    """The demo member's own plan, kept only for herself: her daughter, the eviction she
    fears and her permit expiring in six weeks, three contacts (her friend is texted if
    she activates it), a safe place, her documents, her health notes, a go-bag with six
    essentials, the next review in five months."""
    me = member.user
    plan = plan_create(member=member, by=me, consent=True)
    plan = _about(
        plan,
        by=me,
        languages=["en", "ig", "it"],
        household="Io e mia figlia Adaeze, 4 anni.",
        dependants="Adaeze va all'asilo in Via Unità Italiana. Se non posso andare a "
        "prenderla io, la prende Chioma: la maestra la conosce.",
        sharing=EmergencyPlan.Sharing.PRIVATE,
    )
    plan = _rows(
        plan,
        by=me,
        section="contacts",
        rows=[
            {
                "kind": "trusted",
                "name": "Chioma Nwosu",
                "relationship": "amica, vicina di casa",
                "phone": "+39 331 555 0142",
                "email": "chioma.nwosu@example.org",
                "notes": "Ha le chiavi di casa e conosce Adaeze.",
                "alert_on_activation": True,
            },
            {
                "kind": "out_of_area",
                "name": "Emeka Okafor",
                "relationship": "fratello, a Torino",
                "phone": "+39 347 555 0187",
                "notes": "Chiamarlo la sera, di giorno lavora in fabbrica.",
            },
            {
                "kind": "operator",
                "name": "Omar Diallo",
                "relationship": "operatore di Migr-Azioni",
                "phone": "0823 555 0190",
                "notes": "In sede il martedì e il giovedì mattina.",
            },
        ],
    )
    _scenario(
        plan,
        by=me,
        kind="housing",
        demo=demo,
        resources=("diritti-in-rete", "dormitorio-la-stella"),
        warning_signs="Il padrone di casa vuole vendere l'appartamento e mi ha detto a voce "
        "di cercare un'altra casa. Il contratto scade a marzo.",
        coping="Parlarne con Chioma, non decidere niente da sola la sera. Una cosa alla volta.",
        who={1: "Io", 2: "Io, con Omar", 4: "Chioma, se serve"},
    )
    _scenario(
        plan,
        by=me,
        kind="documents",
        demo=demo,
        resources=("patronato-migranti", "questura-permessi"),
        warning_signs="Il permesso di soggiorno scade tra meno di due mesi.",
        coping="Tenere tutte le ricevute nella cartellina rossa. Chiedere a Omar se non "
        "capisco una lettera.",
        who={1: "Io, con il patronato"},
        more=(("Chiedere al datore di lavoro le ultime tre buste paga", "Io"),),
    )
    cav = demo.resources("caritas-ascolto-caserta")
    plan = _rows(
        plan,
        by=me,
        section="places",
        rows=[
            {
                "kind": "safe_place",
                "name": "Casa di Chioma",
                "address": "Via Tescione 12, Caserta",
                "notes": "Secondo piano, citofono Nwosu. Può ospitarci qualche notte.",
            },
            {
                "kind": "food",
                "name": "Centro d'ascolto della Caritas",
                "address": "Caserta",
                "notes": "Pacco alimentare e aiuto per le bollette.",
                "service": cav[0] if cav else None,
            },
        ],
    )
    plan = _rows(
        plan,
        by=me,
        section="documents",
        rows=[
            {
                "doc_type": "residence_permit",
                "expires_on": demo.today + timedelta(days=45),
                "original_kept_at": "Cassetto della camera, cartellina rossa",
                "copies_kept_at": "Foto sul telefono; una fotocopia da Chioma",
            },
            {
                "doc_type": "passport",
                "expires_on": demo.today + relativedelta(years=3, months=2),
                "original_kept_at": "Cassetto della camera, cartellina rossa",
                "copies_kept_at": "Foto sul telefono",
            },
            {
                "doc_type": "health_card",
                "original_kept_at": "Nel portafoglio",
            },
        ],
    )
    consent_give(member=member, purpose=ConsentPurpose.HEALTH, by=me)
    plan_health_save(
        plan=plan,
        by=me,
        conditions="Asma lieve.",
        allergies="Penicillina.",
        medicines="Salbutamolo spray al bisogno; lo porto sempre in borsa.",
    )
    plan_go_bag_save(
        plan=plan,
        by=me,
        items=["water", "document_copies", "medicines", "phone_charger", "children", "cash"],
        other="Il pupazzo preferito di Adaeze e il suo libro di favole.",
        money_notes="Cinquanta euro nella busta dentro il libro di cucina. Chioma può "
        "prestarmi qualcosa.",
    )
    return plan_review_settings_save(
        plan=plan, by=me, review_every_months=6, next_review_on=demo.today + relativedelta(months=5)
    )


def _karim(member: Member, demo: Demo) -> EmergencyPlan:
    """Started at the desk with the operator and kept together since: he writes his
    part from his account, the operator the documents and the services."""
    operator = demo.staff[OPERATOR]
    me = member.user or operator  # without his account (no network demo) the operator writes
    plan = plan_create(member=member, by=operator, consent=True)
    plan = _about(
        plan,
        by=me,
        languages=["ar", "fr", "it"],
        household="Vivo con due colleghi, in affitto.",
        dependants="Mando ogni mese dei soldi a mia madre in Marocco.",
    )
    plan = _rows(
        plan,
        by=me,
        section="contacts",
        rows=[
            {
                "kind": "trusted",
                "name": "Youssef Alaoui",
                "relationship": "cugino, a Napoli",
                "phone": "+39 389 555 0271",
                "alert_on_activation": True,
            },
            {
                "kind": "legal_aid",
                "name": "Sportello legale Diritti in rete",
                "phone": "0823 555 815",
            },
        ],
    )
    _scenario(
        plan,
        by=operator,
        kind="income",
        demo=demo,
        resources=("patronato-migranti", "cpi-caserta"),
        warning_signs="Le chiamate per fare da interprete sono sempre meno; a luglio e "
        "agosto quasi niente.",
        who={1: "Karim, con il patronato", 2: "Omar"},
    )
    _scenario(plan, by=operator, kind="documents", demo=demo, resources=("diritti-in-rete",))
    plan = _rows(
        plan,
        by=operator,
        section="documents",
        rows=[
            {
                "doc_type": "residence_permit",
                "expires_on": demo.today + relativedelta(months=7),
                "original_kept_at": "A casa, nello zaino",
                "copies_kept_at": "Fotocopia nel fascicolo in sede",
            },
            {"doc_type": "tax_code", "original_kept_at": "Nel portafoglio"},
        ],
    )
    plan_go_bag_save(
        plan=plan,
        by=me,
        items=["document_copies", "phone_charger", "contact_list", "cash"],
        other="",
        money_notes="",
    )
    return plan_review_settings_save(
        plan=plan,
        by=operator,
        review_every_months=6,
        next_review_on=demo.today + relativedelta(months=6),
    )


def _amadou(member: Member, demo: Demo) -> EmergencyPlan:
    """Made at the desk by the operator for someone without an account (his consent on
    paper), reviewed together after the eviction date was set, then a contact added by
    the coordinator: "what changed since the last review" has something to show."""
    operator, coordinator = demo.staff[OPERATOR], demo.staff[COORDINATOR]
    plan = plan_create(member=member, by=operator, consent=True)
    plan = _about(
        plan,
        by=operator,
        languages=["fr", "wo"],
        household="Con la moglie Aïssatou e il figlio Moussa, 2 anni.",
        dependants="Il figlio piccolo; la moglie è incinta di cinque mesi.",
        interpreter_needed=True,
    )
    plan = _rows(
        plan,
        by=operator,
        section="contacts",
        rows=[
            {
                "kind": "trusted",
                "name": "Aïssatou Sow",
                "relationship": "moglie",
                "phone": "+39 333 555 0468",
                "alert_on_activation": True,
            },
            {
                "kind": "operator",
                "name": "Omar Diallo",
                "relationship": "operatore di Migr-Azioni",
                "phone": "0823 555 0190",
            },
        ],
    )
    _scenario(
        plan,
        by=operator,
        kind="housing",
        demo=demo,
        resources=("dormitorio-la-stella", "segretariato-caserta"),
        warning_signs="Sfratto per morosità: l'ufficiale giudiziario torna tra dieci giorni.",
        who={1: "Amadou o Aïssatou", 2: "Amadou, accompagnato da Omar"},
    )
    plan = _rows(
        plan,
        by=operator,
        section="places",
        rows=[
            {
                "kind": "shelter",
                "name": "Accoglienza notturna La Stella",
                "notes": "Solo per lui; per la moglie e il bambino chiedere ai servizi sociali.",
                "service": next(iter(demo.resources("dormitorio-la-stella")), None),
            }
        ],
    )
    plan = _rows(
        plan,
        by=operator,
        section="documents",
        rows=[
            {
                "doc_type": "residence_permit",
                "expires_on": demo.today + relativedelta(months=14),
                "original_kept_at": "Lo tiene lui",
                "copies_kept_at": "Fascicolo in sede",
            },
            {
                "doc_type": "contract",
                "label": "Contratto d'affitto e lettere dell'avvocato",
                "original_kept_at": "Fascicolo in sede",
            },
        ],
    )
    plan_review_done(plan=plan, by=operator)
    return _rows_add(
        plan,
        by=coordinator,
        section="contacts",
        rows=[
            {
                "kind": "legal_aid",
                "name": "Avv. Giulia Marino",
                "relationship": "avvocata del gratuito patrocinio",
                "phone": "0823 555 877",
            }
        ],
    )


def _nadia(member: Member, demo: Demo) -> EmergencyPlan:
    """Made seven months ago with the operator, to be reviewed after six: nobody has
    looked at it since, and the review is three weeks overdue."""
    operator = demo.staff[OPERATOR]
    made = demo.today - relativedelta(months=6, weeks=3)
    plan = plan_create(member=member, by=operator, consent=True)
    plan = _about(
        plan,
        by=operator,
        languages=["ar", "fr"],
        household="Da sola, in una stanza in affitto a Marcianise.",
    )
    plan = _rows(
        plan,
        by=operator,
        section="contacts",
        rows=[
            {
                "kind": "trusted",
                "name": "Samira Haddad",
                "relationship": "sorella, ad Aversa",
                "phone": "+39 347 555 0390",
                "alert_on_activation": True,
            }
        ],
    )
    _scenario(plan, by=operator, kind="income", demo=demo, resources=("patronato-migranti",))
    plan = plan_go_bag_save(
        plan=plan,
        by=operator,
        items=["document_copies", "medicines", "phone_charger", "clothes", "hygiene"],
        other="",
        money_notes="",
    )
    plan = plan_review_settings_save(
        plan=plan,
        by=operator,
        review_every_months=6,
        next_review_on=made + relativedelta(months=6),
    )
    _backdate(plan, made)
    return plan


def _olena(member: Member, demo: Demo) -> EmergencyPlan:
    """Barely started: the operator opened it and wrote one contact without a phone."""
    operator = demo.staff[OPERATOR]
    plan = plan_create(member=member, by=operator, consent=True)
    return _rows(
        plan,
        by=operator,
        section="contacts",
        rows=[{"kind": "trusted", "name": "Tetiana", "relationship": "amica"}],
    )


def _grace(member: Member, demo: Demo) -> EmergencyPlan:
    """At the partner association, by its operator: Migr-Azioni's staff never see it."""
    operator = demo.staff[PARTNER_OPERATOR]
    plan = plan_create(member=member, by=operator, consent=True)
    plan = _about(
        plan,
        by=operator,
        languages=["en", "ak"],
        household="Con il marito e tre figli di 3, 7 e 10 anni.",
        dependants="I tre figli.",
    )
    plan = _rows(
        plan,
        by=operator,
        section="contacts",
        rows=[
            {
                "kind": "trusted",
                "name": "Kofi Mensah",
                "relationship": "marito",
                "phone": "+39 389 555 0102",
                "alert_on_activation": True,
            },
            {
                "kind": "out_of_area",
                "name": "Ama Asante",
                "relationship": "cugina, a Bergamo",
                "phone": "+39 340 555 0133",
            },
        ],
    )
    _scenario(
        plan, by=operator, kind="disaster", demo=demo, who={1: "Grace", 2: "Kofi, con i bambini"}
    )
    plan = _rows(
        plan,
        by=operator,
        section="places",
        rows=[
            {
                "kind": "waiting_area",
                "name": "Area di attesa di Piazza Municipio",
                "address": "Piazza Municipio, Teverola",
            }
        ],
    )
    return plan_go_bag_save(
        plan=plan,
        by=operator,
        items=["water", "food", "torch", "radio", "first_aid", "children", "document_copies"],
        other="",
        money_notes="",
    )


# association slug, person, what their plan is
PLANS: list[tuple[str, tuple[str, str], Callable[[Member, Demo], EmergencyPlan]]] = [
    (MIGR_AZIONI, ("Mariam", "Okafor"), _mariam),
    (MIGR_AZIONI, ("Karim", "Benali"), _karim),
    (MIGR_AZIONI, ("Amadou", "Sow"), _amadou),
    (MIGR_AZIONI, ("Nadia", "Haddad"), _nadia),
    (MIGR_AZIONI, ("Olena", "Kovalenko"), _olena),
    (PARTNER, ("Grace", "Mensah"), _grace),
]
# The services of the map the plans link, by their resources.demo key.
SERVICE_KEYS = (
    "caritas-ascolto-caserta",
    "cpi-caserta",
    "diritti-in-rete",
    "dormitorio-la-stella",
    "patronato-migranti",
    "questura-permessi",
    "segretariato-caserta",
)


def _backdate(plan: EmergencyPlan, day: date) -> None:
    """Date a plan, its versions and its history from ``day`` on, five minutes apart:
    the services stamp now, and this plan's story is seven months old. Demo data only."""
    start = timezone.make_aware(datetime.combine(day, time(10, 0)))
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    for index, version in enumerate(versions):
        version.created_at = start + timedelta(minutes=5 * index)
    PlanVersion.objects.bulk_update(versions, ["created_at"])
    history = list(EmergencyPlan.history.filter(id=plan.pk).order_by("history_id"))
    for index, record in enumerate(history):
        record.history_date = start + timedelta(minutes=5 * index)
    EmergencyPlan.history.bulk_update(history, ["history_date"])
    last = versions[-1].created_at if versions else start
    EmergencyPlan.objects.filter(pk=plan.pk).update(created_at=start, updated_at=last)


@transaction.atomic
def seed_plans(stdout: TextIO) -> None:
    """Create the demo emergency plans. Needs the demo associations, users and people
    (:func:`members.demo.seed_members`); links services when the resource map
    (:func:`resources.demo.seed_resources`) ran, and lets Karim Benali write his own
    part when the network demo gave him an account."""
    associations = {a.slug: a for a in Association.objects.filter(slug__in=[MIGR_AZIONI, PARTNER])}
    emails = [MEMBER, OPERATOR, COORDINATOR, PARTNER_OPERATOR]
    staff = {user.email: user for user in User.objects.filter(email__in=emails)}
    if len(associations) < 2 or len(staff) < len(emails):
        raise RuntimeError("Create the demo associations and users first")
    keys = {demo_id("service", key): key for key in SERVICE_KEYS}
    services = {keys[pk]: service for pk, service in Service.objects.in_bulk(list(keys)).items()}
    demo = Demo(staff=staff, services=services, today=timezone.localdate())

    for slug, (first, last), build in PLANS:
        member = (
            Member.objects.filter(
                association=associations[slug],
                first_name=first,
                last_name=last,
                anonymised_at__isnull=True,
            )
            .select_related("user", "association")
            .first()
        )
        if member is None or EmergencyPlan.objects.filter(member=member, is_active=True).exists():
            continue
        build(member, demo)

    plans = EmergencyPlan.objects.filter(association__in=associations.values(), is_active=True)
    versions = PlanVersion.objects.filter(plan__in=plans)
    authors = versions.values_list("created_by_id", "plan__member__user_id")
    by_staff = sum(author != owner for author, owner in authors)
    mariam = plans.filter(member__user=staff[MEMBER]).first()
    stdout.write(
        f"Emergency plans: {plans.count()} "
        f"({plans.filter(sharing=EmergencyPlan.Sharing.PRIVATE).count()} private, "
        f"{plans.shared_with_staff().count()} shared with operators; "
        f"{PlanHealth.objects.filter(plan__in=plans).count()} with health notes, "
        f"{plans.filter(next_review_on__lt=demo.today).count()} with the review overdue, "
        f"{plans.filter(last_reviewed_at__isnull=False).count()} reviewed), "
        f"{versions.count()} versions ({by_staff} by staff); "
        "the demo member's own plan is "
        f"{mariam.completeness if mariam else 0}% complete. None activated."
    )
