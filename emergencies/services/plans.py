"""Writes on personal emergency plans. The member keeps their own plan; an operator of
their association may co-edit it when the member shares it. Every saved section bumps
the plan's version and stores a snapshot with its author, so every change shows who
made it and any two versions can be compared. Documents are reminded 60, 30 and 7 days
before they expire, the plan when its review is due (``members.Reminder``: once each,
moved when the date moves). Activating the plan opens one critical case and alerts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import STAFF_ROLES, ConsentPurpose, Member, Role, User
from members.selectors import has_role_in
from members.services import consent_active, consent_give, reminder_schedule, reminders_cancel
from members.sms import get_sms_backend, normalize_phone
from resources.models import Service

from ..models import (
    Case,
    Category,
    ContactAlert,
    EmergencyPlan,
    PlanAction,
    PlanActivation,
    PlanContact,
    PlanDocument,
    PlanDraft,
    PlanHealth,
    PlanPlace,
    PlanScenario,
    PlanVersion,
    ScenarioKind,
    ScenarioTemplate,
    Urgency,
)
from ..plan_templates import DEFAULT_TEMPLATES
from ..planning import Facts, completeness
from .cases import _case_create, categories_seed_defaults

logger = logging.getLogger(__name__)

#: Reminders go out in the morning, Italian time.
REMINDER_HOUR = time(9, 0)
#: The case category a plan's crisis opens its case in.
CATEGORY_OF_KIND = {
    ScenarioKind.HOUSING: "housing",
    ScenarioKind.INCOME: "income",
    ScenarioKind.HEALTH: "health",
    ScenarioKind.MENTAL_HEALTH: "mental_health",
    ScenarioKind.VIOLENCE: "violence",
    ScenarioKind.DOCUMENTS: "documents",
    ScenarioKind.DISASTER: "other",
    ScenarioKind.OWN: "other",
}


# --- Who may write -------------------------------------------------------------------


def plan_is_owner(plan: EmergencyPlan, user: User) -> bool:
    return plan.member.user_id is not None and plan.member.user_id == user.pk


def plan_may_edit(plan: EmergencyPlan, user: User) -> bool:
    """The member, or an operator or coordinator of the association when the member
    shares the plan with them."""
    if plan.member.anonymised_at is not None or not plan.is_active:
        return False
    if plan_is_owner(plan, user):
        return True
    return plan.is_shared and has_role_in(user, plan.association_id, *STAFF_ROLES)


def _require_edit(plan: EmergencyPlan, user: User) -> None:
    if not plan_may_edit(plan, user):
        raise PermissionDenied


# --- Scenario templates --------------------------------------------------------------


def scenario_templates_seed_defaults(*, association) -> int:
    """Give an association the default scenario templates (idempotent)."""
    existing = set(
        ScenarioTemplate.objects.filter(association=association).values_list("kind", flat=True)
    )
    new = [
        ScenarioTemplate(
            association=association,
            kind=kind,
            title_it=it[0],
            warning_signs_it=it[1],
            first_actions_it=it[2],
            coping_it=it[3],
            title_en=en[0],
            warning_signs_en=en[1],
            first_actions_en=en[2],
            coping_en=en[3],
            order=index * 10,
        )
        for index, (kind, it, en) in enumerate(DEFAULT_TEMPLATES)
        if kind not in existing
    ]
    ScenarioTemplate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def scenario_template_save(*, template: ScenarioTemplate, by: User, **fields) -> ScenarioTemplate:
    if not has_role_in(by, template.association_id, Role.COORDINATOR):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.full_clean()
    template.save(update_fields=list(fields))
    return template


# --- Snapshot, completeness, version -------------------------------------------------


def plan_snapshot(plan: EmergencyPlan) -> dict:
    """The plan as plain data, for its versions. The code word is never in it, and the
    health notes only while the health consent is active."""
    scenarios = plan.scenarios.prefetch_related("actions", "resources")
    snapshot = {
        "about": {
            "household": plan.household,
            "dependants": plan.dependants,
            "languages": ", ".join(sorted(language.name_it for language in plan.languages.all())),
            "interpreter_needed": plan.interpreter_needed,
            "accessibility_needs": plan.accessibility_needs,
            "sharing": plan.sharing,
        },
        "contacts": {
            str(contact.pk): {
                "kind": contact.kind,
                "name": contact.name,
                "relationship": contact.relationship,
                "phone": contact.phone,
                "email": contact.email,
                "notes": contact.notes,
                "alert_on_activation": contact.alert_on_activation,
            }
            for contact in plan.contacts.all()
        },
        "scenarios": {
            str(scenario.pk): {
                "kind": scenario.kind,
                "title": scenario.title,
                "warning_signs": scenario.warning_signs,
                "coping": scenario.coping,
                "actions": "\n".join(
                    f"{index}. {action.text}" + (f" ({action.who})" if action.who else "")
                    for index, action in enumerate(scenario.actions.all(), start=1)
                ),
                "resources": ", ".join(
                    sorted(service.name for service in scenario.resources.all())
                ),
            }
            for scenario in scenarios
        },
        "places": {
            str(place.pk): {
                "kind": place.kind,
                "name": place.name,
                "address": place.address,
                "notes": place.notes,
                "service": place.service.name if place.service_id else "",
            }
            for place in plan.places.select_related("service")
        },
        "documents": {
            str(document.pk): {
                "doc_type": document.doc_type,
                "label": document.label,
                "expires_on": document.expires_on.isoformat() if document.expires_on else "",
                "original_kept_at": document.original_kept_at,
                "copies_kept_at": document.copies_kept_at,
            }
            for document in plan.documents.all()
        },
        "go_bag": {
            "go_bag_items": sorted(plan.go_bag_items),
            "go_bag_other": plan.go_bag_other,
            "money_notes": plan.money_notes,
        },
        "review": {
            "review_every_months": plan.review_every_months,
            "next_review_on": plan.next_review_on.isoformat() if plan.next_review_on else "",
        },
    }
    health = PlanHealth.objects.filter(plan=plan).first()
    if health is not None and consent_active(member=plan.member, purpose=ConsentPurpose.HEALTH):
        snapshot["health"] = {
            "conditions": health.conditions,
            "allergies": health.allergies,
            "medicines": health.medicines,
        }
    return snapshot


def plan_facts(plan: EmergencyPlan, *, today: date | None = None) -> Facts:
    """What completeness looks at, counted in Python from the plan's rows: free when
    the page prefetched them (``selectors.plans.plan_full``), a few queries otherwise."""
    scenarios = list(plan.scenarios.all())
    return Facts(
        has_about=bool(plan.household.strip() or plan.languages.all()),
        trusted_contacts_with_phone=sum(
            1
            for contact in plan.contacts.all()
            if contact.phone
            and contact.kind in (PlanContact.Kind.TRUSTED, PlanContact.Kind.OUT_OF_AREA)
        ),
        scenarios_with_actions=sum(1 for scenario in scenarios if scenario.actions.all()),
        linked_resources=sum(len(scenario.resources.all()) for scenario in scenarios),
        safe_places=sum(
            1 for place in plan.places.all() if place.kind == PlanPlace.Kind.SAFE_PLACE
        ),
        documents_with_expiry=sum(
            1 for document in plan.documents.all() if document.expires_on is not None
        ),
        go_bag_items=len(plan.go_bag_items),
        next_review_on=plan.next_review_on,
        today=today or timezone.localdate(),
    )


def _saved(plan: EmergencyPlan, *, by: User, section: str) -> EmergencyPlan:
    """After a section's rows are written: the next version, its snapshot and author,
    the completeness score, and the section's draft by this person is spent."""
    # Locked: two people saving at once get consecutive numbers.
    plan = (
        EmergencyPlan.objects.select_for_update(of=("self",))
        .prefetch_related(
            "languages",
            "contacts",
            "places",
            "documents",
            "scenarios__actions",
            "scenarios__resources",
        )
        .get(pk=plan.pk)
    )
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.updated_by = by
    plan.completeness = completeness(plan_facts(plan))[0]
    plan._history_user = by
    plan.save(update_fields=["version", "updated_at", "updated_by", "completeness"])
    PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        section=section,
        created_by=by,
        snapshot=plan_snapshot(plan),
    )
    PlanDraft.objects.filter(plan=plan, section=section, author=by).delete()
    return plan


# --- Creating and the simple sections -------------------------------------------------


@transaction.atomic
def plan_create(
    *, member: Member, by: User, sharing: str = EmergencyPlan.Sharing.PRIVATE, consent: bool
) -> EmergencyPlan:
    """Start the member's plan (or return the one they have). Keeping a plan needs the
    person's consent: given here by the member, or recorded by the operator helping
    them (from paper)."""
    is_self = member.user_id == by.pk
    if not is_self and not has_role_in(by, member.association_id, *STAFF_ROLES):
        raise PermissionDenied
    if member.anonymised_at is not None:
        raise PermissionDenied
    existing = EmergencyPlan.objects.filter(member=member, is_active=True).first()
    if existing is not None:
        return existing
    if not consent_active(member=member, purpose=ConsentPurpose.PLAN):
        if not consent:
            raise ValidationError(
                {"consent": _("Your plan is kept only with your consent: tick the box.")}
            )
        consent_give(member=member, purpose=ConsentPurpose.PLAN, by=by)
    if not is_self:
        # Helped by an operator: they keep working on it together.
        sharing = EmergencyPlan.Sharing.OPERATORS
    plan = EmergencyPlan(
        association_id=member.association_id,
        member=member,
        sharing=sharing,
        created_by=by,
        updated_by=by,
    )
    plan.next_review_on = timezone.localdate() + relativedelta(months=plan.review_every_months)
    plan.full_clean()
    plan._history_user = by
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        return EmergencyPlan.objects.get(member=member, is_active=True)
    if member.languages.exists():
        plan.languages.set(member.languages.all())
    scenario_templates_seed_defaults(association=member.association)
    _review_remind(plan)
    return _saved(plan, by=by, section="about")


@transaction.atomic
def plan_about_save(
    *,
    plan: EmergencyPlan,
    by: User,
    household: str,
    dependants: str,
    languages,
    interpreter_needed: bool,
    accessibility_needs: str,
    sharing: str,
) -> EmergencyPlan:
    _require_edit(plan, by)
    if sharing != plan.sharing and not plan_is_owner(plan, by):
        raise PermissionDenied  # only the member decides who sees their plan
    plan.household = household.strip()
    plan.dependants = dependants.strip()
    plan.interpreter_needed = interpreter_needed
    plan.accessibility_needs = accessibility_needs.strip()
    plan.sharing = sharing
    plan.full_clean(exclude=["member", "association"])
    plan._history_user = by
    plan.save(
        update_fields=[
            "household",
            "dependants",
            "interpreter_needed",
            "accessibility_needs",
            "sharing",
        ]
    )
    plan.languages.set(languages)
    return _saved(plan, by=by, section="about")


@transaction.atomic
def plan_go_bag_save(
    *, plan: EmergencyPlan, by: User, items: list[str], other: str, money_notes: str
) -> EmergencyPlan:
    _require_edit(plan, by)
    plan.go_bag_items = sorted(set(items))
    plan.go_bag_other = other.strip()
    plan.money_notes = money_notes.strip()
    plan.full_clean(exclude=["member", "association"])
    plan._history_user = by
    plan.save(update_fields=["go_bag_items", "go_bag_other", "money_notes"])
    return _saved(plan, by=by, section="go_bag")


@transaction.atomic
def plan_health_save(
    *, plan: EmergencyPlan, by: User, conditions: str, allergies: str, medicines: str
) -> PlanHealth:
    _require_edit(plan, by)
    if not consent_active(member=plan.member, purpose=ConsentPurpose.HEALTH):
        raise ValidationError(_("Health notes need your consent to keep health information."))
    health, _created = PlanHealth.objects.get_or_create(plan=plan)
    health.conditions = conditions.strip()
    health.allergies = allergies.strip()
    health.medicines = medicines.strip()
    health.full_clean()
    health.save(update_fields=["conditions", "allergies", "medicines"])
    _saved(plan, by=by, section="health")
    return health


# --- Rows: contacts, places, documents -----------------------------------------------


@dataclass
class Row:
    """One row of a section as the form hands it: ``id`` None for a new row."""

    id: int | None
    fields: dict = field(default_factory=dict)
    delete: bool = False


ROW_MODELS = {"contacts": PlanContact, "places": PlanPlace, "documents": PlanDocument}


@transaction.atomic
def plan_rows_save(
    *, plan: EmergencyPlan, by: User, section: str, rows: list[Row]
) -> EmergencyPlan:
    """Write a section made of rows (contacts, places, documents) as the form shows it:
    every row of the section, removed, changed or added, in the order given (a row
    left out keeps its values). A row id that is not this plan's is refused (a forged
    or stale form)."""
    _require_edit(plan, by)
    model = ROW_MODELS[section]
    existing = {row.pk: row for row in model.objects.filter(plan=plan)}
    if any(row.id is not None and row.id not in existing for row in rows):
        raise ValidationError(_("This part of the plan changed in the meantime: reload the page."))
    order = 0
    for row in rows:
        if row.delete:
            if row.id is not None:
                if model is PlanDocument:
                    reminders_cancel(key_prefix=_document_key(row.id))
                existing[row.id].delete()
            continue
        instance = existing[row.id] if row.id is not None else model(plan=plan)
        for name, value in row.fields.items():
            setattr(instance, name, value.strip() if isinstance(value, str) else value)
        instance.order = order
        order += 1
        instance.full_clean()
        instance.save()
        if model is PlanDocument:
            _document_remind(plan, instance)
    return _saved(plan, by=by, section=section)


@transaction.atomic
def plan_place_from_service(
    *, plan: EmergencyPlan, by: User, service: Service, kind: str
) -> PlanPlace:
    """A place of the plan that is a service of the resource map (a shelter, a food
    point): its name and first address copied, the link kept for its live details."""
    _require_edit(plan, by)
    location = next(
        (at.location for at in service.service_at_locations.select_related("location")), None
    )
    address = ", ".join(p for p in (location.address_1, location.city) if p) if location else ""
    place = PlanPlace(
        plan=plan,
        kind=kind,
        name=service.name[:120],
        address=address[:200],
        service=service,
        order=plan.places.count(),
    )
    place.full_clean()
    place.save()
    _saved(plan, by=by, section="places")
    return place


def _document_key(document_id: int) -> str:
    return f"plan-document:{document_id}"


def _at_morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, REMINDER_HOUR))


def _document_remind(plan: EmergencyPlan, document: PlanDocument) -> None:
    """Schedule the 60, 30 and 7 days reminders of a document's expiry, moving them when
    the date moves. Those whose day has passed are not sent (the member has just typed
    the date), nor are any for a person without an account."""
    user = plan.member.user
    if document.expires_on is None or user is None:
        reminders_cancel(key_prefix=_document_key(document.pk))
        return
    now = timezone.now()
    for days in PlanDocument.REMINDER_DAYS:
        key = f"{_document_key(document.pk)}:d{days}"
        due = _at_morning(document.expires_on - timedelta(days=days))
        if due <= now:
            reminders_cancel(key_prefix=key)
            continue
        reminder_schedule(
            key=key,
            recipient=user,
            due_at=due,
            kind="emergencies.plan_document_expiring",
            context={"expires_on": document.expires_on.strftime("%d/%m/%Y"), "days": days},
            url=reverse("emergencies:plan-section", kwargs={"pk": plan.pk, "section": "documents"}),
            association=plan.association,
        )


# --- Scenarios -----------------------------------------------------------------------


@transaction.atomic
def plan_scenario_add(
    *, plan: EmergencyPlan, by: User, template: ScenarioTemplate | None = None, title: str = ""
) -> PlanScenario:
    """Add a scenario from a template (its texts copied in the member's language, to
    make their own) or one of the member's own with just a title."""
    _require_edit(plan, by)
    if template is not None:
        if template.association_id != plan.association_id:
            raise PermissionDenied
        language = plan.member.user.language if plan.member.user_id else "it"
        with translation.override(language):
            scenario = PlanScenario(
                plan=plan,
                template=template,
                kind=template.kind,
                title=template.title,
                warning_signs=template.warning_signs,
                coping=template.coping,
                order=plan.scenarios.count(),
            )
            actions = template.first_actions
    else:
        if not title.strip():
            raise ValidationError({"title": _("Give your scenario a name.")})
        scenario = PlanScenario(
            plan=plan, kind=ScenarioKind.OWN, title=title.strip(), order=plan.scenarios.count()
        )
        actions = []
    scenario.full_clean()
    scenario.save()
    PlanAction.objects.bulk_create(
        PlanAction(scenario=scenario, text=text[:300], order=index)
        for index, text in enumerate(actions)
    )
    _saved(plan, by=by, section="scenarios")
    return scenario


@transaction.atomic
def plan_scenario_save(
    *,
    scenario: PlanScenario,
    by: User,
    title: str,
    warning_signs: str,
    coping: str,
    code_word: str = "",
    resources=(),
    actions: list[Row],
) -> PlanScenario:
    """Save one scenario: its texts, its resources of the map and its ordered actions.
    Only the member may write the code word, and only for violence or abuse."""
    plan = scenario.plan
    _require_edit(plan, by)
    if code_word and (scenario.kind != ScenarioKind.VIOLENCE or not plan_is_owner(plan, by)):
        raise PermissionDenied
    scenario.title = title.strip()
    scenario.warning_signs = warning_signs.strip()
    scenario.coping = coping.strip()
    fields = ["title", "warning_signs", "coping"]
    if plan_is_owner(plan, by):
        # An operator's form has no code word: saving it keeps the member's.
        scenario.code_word = code_word.strip()
        fields.append("code_word")
    scenario.full_clean()
    scenario.save(update_fields=fields)
    scenario.resources.set(resources)
    existing = {action.pk: action for action in scenario.actions.all()}
    if any(row.id is not None and row.id not in existing for row in actions):
        raise ValidationError(_("This part of the plan changed in the meantime: reload the page."))
    order = 0
    for row in actions:
        if row.delete:
            if row.id is not None:
                existing[row.id].delete()
            continue
        action = existing[row.id] if row.id is not None else PlanAction(scenario=scenario)
        action.text = row.fields["text"].strip()
        action.who = row.fields.get("who", "").strip()
        action.order = order
        order += 1
        action.full_clean()
        action.save()
    _saved(plan, by=by, section="scenarios")
    return scenario


@transaction.atomic
def plan_scenario_remove(*, scenario: PlanScenario, by: User) -> None:
    plan = scenario.plan
    _require_edit(plan, by)
    scenario.delete()
    _saved(plan, by=by, section="scenarios")


# --- Review --------------------------------------------------------------------------


def _review_key(plan: EmergencyPlan) -> str:
    return f"plan:{plan.pk}:review"


def _review_remind(plan: EmergencyPlan) -> None:
    user = plan.member.user
    if plan.next_review_on is None or user is None:
        reminders_cancel(key_prefix=_review_key(plan))
        return
    reminder_schedule(
        key=_review_key(plan),
        recipient=user,
        due_at=_at_morning(plan.next_review_on),
        kind="emergencies.plan_review_due",
        url=reverse("emergencies:plan-section", kwargs={"pk": plan.pk, "section": "review"}),
        association=plan.association,
    )


@transaction.atomic
def plan_review_settings_save(
    *, plan: EmergencyPlan, by: User, review_every_months: int, next_review_on: date | None
) -> EmergencyPlan:
    _require_edit(plan, by)
    plan.review_every_months = review_every_months
    plan.next_review_on = next_review_on
    plan.full_clean(exclude=["member", "association"])
    plan._history_user = by
    plan.save(update_fields=["review_every_months", "next_review_on"])
    _review_remind(plan)
    return _saved(plan, by=by, section="review")


@transaction.atomic
def plan_review_done(*, plan: EmergencyPlan, by: User) -> EmergencyPlan:
    """ "I have reviewed my plan": the next review comes after the plan's interval, and
    "what changed since the last review" starts again from this version."""
    _require_edit(plan, by)
    plan.last_reviewed_at = timezone.now()
    plan.next_review_on = timezone.localdate() + relativedelta(months=plan.review_every_months)
    plan._history_user = by
    plan.save(update_fields=["last_reviewed_at", "next_review_on"])
    _review_remind(plan)
    plan = _saved(plan, by=by, section="review")
    EmergencyPlan.objects.filter(pk=plan.pk).update(reviewed_version=plan.version)
    plan.reviewed_version = plan.version
    return plan


# --- Drafts --------------------------------------------------------------------------


def plan_draft_save(*, plan: EmergencyPlan, by: User, section: str, data: dict) -> PlanDraft:
    """Keep what someone is typing in a section (autosave): not a version, only theirs."""
    _require_edit(plan, by)
    # The code word is never autosaved: a draft is not where the member chose to keep it.
    data = {key: value for key, value in data.items() if key != "code_word"}
    draft, _created = PlanDraft.objects.update_or_create(
        plan=plan, section=section, author=by, defaults={"data": data, "saved_at": timezone.now()}
    )
    return draft


def plan_draft_discard(*, plan: EmergencyPlan, by: User, section: str) -> None:
    PlanDraft.objects.filter(plan=plan, section=section, author=by).delete()


# --- Activation ----------------------------------------------------------------------


@transaction.atomic
def plan_activate(
    *, plan: EmergencyPlan, by: User, scenario: PlanScenario | None
) -> tuple[PlanActivation, bool]:
    """ "I am in this crisis now". Opens one critical case with the plan attached (the
    on-duty operators are alerted at once, the coordinators if nobody opens it in time:
    the case's own alert and escalation) and texts the contacts the member chose. A
    second tap while the first activation's case is open returns it: ``(activation,
    False)``."""
    if not plan_is_owner(plan, by) or not plan.is_active:
        raise PermissionDenied
    if scenario is not None and scenario.plan_id != plan.pk:
        raise PermissionDenied
    # Two taps at once queue here; the second then finds the first's activation.
    plan = EmergencyPlan.objects.select_for_update().select_related("member").get(pk=plan.pk)
    current = PlanActivation.objects.filter(plan=plan, is_open=True).select_related("case").first()
    if current is not None:
        if current.case is not None and current.case.is_open:
            return current, False
        current.is_open = False
        current.save(update_fields=["is_open"])
    kind = scenario.kind if scenario is not None else ScenarioKind.OWN
    categories_seed_defaults(association=plan.association)
    category = Category.objects.get(association=plan.association, code=CATEGORY_OF_KIND[kind])
    with translation.override("it"):
        # Staff read the case; the description is in the association's language.
        description = _("Emergency plan activated by the person: %(scenario)s") % {
            "scenario": scenario.title if scenario is not None else _("no scenario chosen")
        }
    case = _case_create(
        association=plan.association,
        member=plan.member,
        category=category,
        urgency=Urgency.CRITICAL,
        channel=Case.Channel.SELF,
        description=description,
        opened_by=by,
    )
    activation = PlanActivation.objects.create(
        association=plan.association,
        member=plan.member,
        plan=plan,
        scenario=scenario,
        kind=kind,
        case=case,
        created_by=by,
    )
    alerts = [
        ContactAlert(
            activation=activation, contact=contact, name=contact.name, channel=channel, to=to
        )
        for contact in plan.contacts.filter(alert_on_activation=True)
        for channel, to in (
            (ContactAlert.Channel.SMS, contact.phone),
            (ContactAlert.Channel.EMAIL, contact.email),
        )
        if to
    ]
    ContactAlert.objects.bulk_create(alerts)
    if alerts:
        from ..tasks import plan_contact_alerts_task

        transaction.on_commit(lambda: plan_contact_alerts_task.delay(activation.pk))
    return activation, True


def _contact_text(activation: PlanActivation) -> str:
    member = activation.member
    # Contacts outside Nucleo read Italian: the plan's wallet card is in Italian too.
    with translation.override("it"):
        return _(
            "%(name)s has activated their emergency plan and may need you now. "
            "Please call them%(phone)s. The association %(association)s has been told."
        ) % {
            "name": member.full_name,
            "phone": f" ({member.phone})" if member.phone else "",
            "association": activation.association.name,
        }


def plan_contact_alerts_send(*, activation_id: int) -> int:
    """Send an activation's messages to the member's contacts, each once: a row is
    claimed (pending → sending) before it goes, so a retry or a second worker skips it."""
    activation = PlanActivation.objects.select_related("member", "association").get(
        pk=activation_id
    )
    text = _contact_text(activation)
    sent = 0
    for alert in ContactAlert.objects.filter(
        activation=activation, status=ContactAlert.Status.PENDING
    ):
        claimed = ContactAlert.objects.filter(
            pk=alert.pk, status=ContactAlert.Status.PENDING
        ).update(status=ContactAlert.Status.SENDING, attempts=F("attempts") + 1)
        if not claimed:
            continue
        try:
            if alert.channel == ContactAlert.Channel.SMS:
                get_sms_backend().send(to=normalize_phone(alert.to), text=text)
            else:
                EmailMessage(subject=text[:120], body=text, to=[alert.to]).send()
        except Exception as error:
            logger.warning("Plan contact alert %s failed: %s", alert.pk, error)
            ContactAlert.objects.filter(pk=alert.pk).update(
                status=ContactAlert.Status.FAILED, error=str(error)[:300]
            )
            continue
        ContactAlert.objects.filter(pk=alert.pk).update(
            status=ContactAlert.Status.SENT, sent_at=timezone.now()
        )
        sent += 1
    return sent


# --- Health consent withdrawn ---------------------------------------------------------


def plans_health_purge() -> int:
    """Delete the health notes of every plan whose person no longer consents to keeping
    health information, and their copies in the plan's versions and drafts. The pages
    hide them from the moment of the withdrawal; this makes it final."""
    from members.models import Consent

    consenting = Consent.objects.filter(
        purpose=ConsentPurpose.HEALTH, withdrawn_at__isnull=True
    ).values("member_id")
    plans = list(
        EmergencyPlan.objects.exclude(member_id__in=consenting).filter(
            Q(pk__in=PlanVersion.objects.filter(snapshot__has_key="health").values("plan_id"))
            | Q(pk__in=PlanHealth.objects.values("plan_id"))
            | Q(pk__in=PlanDraft.objects.filter(section="health").values("plan_id"))
        )
    )
    for plan in plans:
        with transaction.atomic():
            PlanHealth.objects.filter(plan=plan).delete()
            PlanDraft.objects.filter(plan=plan, section="health").delete()
            for version in PlanVersion.objects.filter(plan=plan, snapshot__has_key="health"):
                version.snapshot.pop("health", None)
                version.save(update_fields=["snapshot"])
    return len(plans)
