"""Writes on cases: opening, workflow, assignment, timeline, follow-ups, the access log,
critical alerts and their escalation. Each function is one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import STAFF_ROLES, Association, Member, Membership, Role, User
from members.services import (
    member_create,
    notify,
    notify_many,
    reminder_schedule,
    reminders_cancel,
    role_require,
)

from ..models import (
    Case,
    CaseAccess,
    CaseEvent,
    CaseSettings,
    Category,
    DutyShift,
    FollowUp,
    Urgency,
)

S = Case.Status

#: The workflow: new → triaged → in progress ↔ waiting → referred → closed; reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGED, S.IN_PROGRESS, S.CLOSED}),
    S.TRIAGED: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.REFERRED, S.CLOSED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
    S.REFERRED: frozenset({S.IN_PROGRESS, S.WAITING, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),  # reopen
}

DEFAULT_CATEGORIES = [
    # code, Italian, English
    ("housing", "Casa / sfratto", "Housing / eviction"),
    ("income", "Reddito / lavoro", "Income / work"),
    ("health", "Salute", "Health"),
    ("mental_health", "Salute mentale", "Mental health"),
    ("documents", "Documenti / permesso di soggiorno", "Documents / residence permit"),
    ("violence", "Violenza / sicurezza", "Violence / safety"),
    ("food", "Cibo / bisogni primari", "Food / basic needs"),
    ("legal", "Questioni legali", "Legal"),
    ("family", "Famiglia / minori", "Family / children"),
    ("education", "Istruzione", "Education"),
    ("other", "Altro", "Other"),
]


#: How far back the escalation sweep looks for unopened critical cases.
SWEEP_HORIZON = timedelta(days=1)


class InvalidTransition(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def categories_seed_defaults(*, association: Association) -> int:
    """Give an association the default catalogue (idempotent). Returns how many were
    added."""
    existing = set(Category.objects.filter(association=association).values_list("code", flat=True))
    new = [
        Category(association=association, code=code, name_it=it, name_en=en, order=index * 10)
        for index, (code, it, en) in enumerate(DEFAULT_CATEGORIES)
        if code not in existing
    ]
    Category.objects.bulk_create(new)
    return len(new)


def case_settings_of(association: Association | int) -> CaseSettings:
    association_id = association if isinstance(association, int) else association.pk
    settings, _created = CaseSettings.objects.get_or_create(association_id=association_id)
    return settings


def _staff_of(association_id: int, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.filter(association_id=association_id, user_id__in=list(user_ids))
        .with_role(*STAFF_ROLES)
        .values_list("user_id", flat=True)
    )


def _event(case: Case, kind: str, by: User | None, **fields) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, author=by, **fields)
    event.full_clean()
    event.save()
    return event


def case_url(case: Case) -> str:
    return reverse("emergencies:case-detail", kwargs={"pk": case.pk})


@transaction.atomic
def case_open(*, association: Association, opened_by: User, **fields) -> Case:
    """Open a case for a person of the association's registry (the fields of
    ``_case_create``). A critical case alerts the on-duty operators at once (after
    commit, through the worker) and escalates to the coordinators if nobody opens it
    within the association's window."""
    role_require(opened_by, association, *STAFF_ROLES)
    return _case_create(association=association, opened_by=opened_by, **fields)


def _case_create(
    *,
    association: Association,
    member: Member,
    category: Category,
    urgency: str,
    channel: str,
    description: str,
    opened_by: User,
    assigned_to: User | None = None,
) -> Case:
    """``case_open`` once the caller's right to open it is checked: by role for staff,
    by ownership for a member activating their own emergency plan."""
    if member.association_id != association.pk or category.association_id != association.pk:
        raise PermissionDenied
    if member.anonymised_at is not None:
        raise ValidationError(_("This registry entry was anonymised: it cannot have new cases."))
    if assigned_to is not None and not _staff_of(association.pk, [assigned_to.pk]):
        raise ValidationError({"assigned_to": _("Only an operator of the association.")})
    case = Case(
        association=association,
        member=member,
        category=category,
        urgency=urgency,
        channel=channel,
        description=description.strip(),
        opened_by=opened_by,
        assigned_to=assigned_to,
    )
    case.full_clean()
    case._history_user = opened_by
    case.save()
    _event(case, CaseEvent.Kind.STATUS, opened_by, to_status=S.NEW)
    if urgency == Urgency.CRITICAL:
        from ..tasks import case_alert_task, case_escalate_task

        window = case_settings_of(association).escalation_minutes * 60
        transaction.on_commit(lambda: case_alert_task.delay(case.pk))
        transaction.on_commit(lambda: case_escalate_task.apply_async((case.pk,), countdown=window))
    return case


@transaction.atomic
def case_intake(
    *,
    association: Association,
    by: User,
    member: Member | None = None,
    new_person: dict | None = None,
    confirmed_different: bool = False,
    assign_to_me: bool = True,
    **case_fields,
) -> Case:
    """The intake page in one transaction: register the person if new (the registry's
    duplicate check may raise ``PossibleDuplicate``), then open the case. A case that
    cannot be opened leaves no half-registered person behind."""
    if member is None:
        if not new_person:
            raise ValidationError(_("Choose the person or register a new one."))
        languages = new_person.pop("languages", [])
        member = member_create(
            association=association,
            by=by,
            languages=languages,
            confirmed_different=confirmed_different,
            **new_person,
        )
    return case_open(
        association=association,
        member=member,
        opened_by=by,
        assigned_to=by if assign_to_me and _staff_of(association.pk, [by.pk]) else None,
        **case_fields,
    )


@transaction.atomic
def case_transition(
    *, case: Case, to_status: str, by: User, outcome: str = "", note: str = ""
) -> Case:
    """Move a case along the workflow. A move the workflow does not allow, or a close
    without an outcome, raises ``InvalidTransition`` and changes nothing."""
    role_require(by, case.association_id, *STAFF_ROLES)
    case = Case.objects.select_for_update().get(pk=case.pk)
    from_status = case.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": S(from_status).label,
                "to": S(to_status).label if to_status in S else to_status,
            }
        )
    if to_status == S.CLOSED:
        if outcome not in Case.Outcome.values:
            raise InvalidTransition(_("Choose the outcome to close the case."))
        case.outcome = outcome
        case.closed_at = timezone.now()
    else:
        case.outcome = ""
        case.closed_at = None
    case.status = to_status
    case.full_clean()
    case._history_user = by
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    _event(
        case,
        CaseEvent.Kind.STATUS,
        by,
        from_status=from_status,
        to_status=to_status,
        text=note.strip(),
    )
    if to_status == S.CLOSED:
        reminders_cancel(key_prefix=f"case:{case.pk}:follow-up")
    elif from_status == S.CLOSED:
        # Reopened: the follow-ups still to do are reminded again.
        for follow_up in case.follow_ups.filter(done_at__isnull=True).select_related("assigned_to"):
            _follow_up_remind(follow_up, case)
    return case


@transaction.atomic
def case_triage(*, case: Case, urgency: str, category: Category, by: User) -> Case:
    """Set urgency and category; a case still new becomes triaged."""
    role_require(by, case.association_id, *STAFF_ROLES)
    if category.association_id != case.association_id:
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.urgency = urgency
    case.category = category
    case.full_clean()
    case._history_user = by
    case.save(update_fields=["urgency", "category", "updated_at"])
    if case.status == S.NEW:
        case = case_transition(case=case, to_status=S.TRIAGED, by=by)
    return case


@transaction.atomic
def case_assign(
    *, case: Case, assigned_to: User | None, coworkers: Iterable[User], by: User
) -> Case:
    role_require(by, case.association_id, *STAFF_ROLES)
    coworkers = [user for user in coworkers if assigned_to is None or user.pk != assigned_to.pk]
    wanted = {user.pk for user in coworkers} | ({assigned_to.pk} if assigned_to else set())
    if wanted - _staff_of(case.association_id, wanted):
        raise ValidationError(_("Only operators and coordinators of the association."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.assigned_to_id
    case.assigned_to = assigned_to
    case._history_user = by
    case.save(update_fields=["assigned_to", "updated_at"])
    case.coworkers.set(coworkers)
    names = ", ".join(
        user.get_full_name() or user.email for user in [assigned_to, *coworkers] if user
    )
    _event(case, CaseEvent.Kind.ASSIGNMENT, by, text=names)
    if assigned_to is not None and assigned_to.pk not in (previous, by.pk):
        notify(
            recipient=assigned_to,
            kind="emergencies.case_assigned",
            key=f"case:{case.pk}:assigned:{assigned_to.pk}:{timezone.now().timestamp():.0f}",
            context={"case": case.number},
            url=case_url(case),
            association=case.association,
        )
    return case


WRITABLE_EVENT_KINDS = (CaseEvent.Kind.NOTE, CaseEvent.Kind.INTERVENTION, CaseEvent.Kind.CONTACT)


@transaction.atomic
def case_event_add(*, case: Case, by: User, kind: str, **fields) -> CaseEvent:
    """A note, an intervention or a contact written by an operator. The first
    intervention or contact is the case's first contact."""
    role_require(by, case.association_id, *STAFF_ROLES)
    if kind not in WRITABLE_EVENT_KINDS:
        raise ValueError(f"not a kind operators write: {kind}")
    allowed = {
        CaseEvent.Kind.NOTE: {"text", "confidential"},
        CaseEvent.Kind.INTERVENTION: {"text", "intervention_type", "minutes", "with_whom"},
        CaseEvent.Kind.CONTACT: {"text", "contact_channel", "with_whom"},
    }[kind]
    values = {name: value for name, value in fields.items() if name in allowed}
    event = _event(case, kind, by, **values)
    if kind != CaseEvent.Kind.NOTE:
        Case.objects.filter(pk=case.pk, first_contact_at__isnull=True).update(
            first_contact_at=event.created_at
        )
    return event


@transaction.atomic
def case_access_record(*, case: Case, user: User, action: str = CaseAccess.Action.DETAIL) -> None:
    """Log a read of the case file; the first staff read acknowledges the case."""
    now = timezone.now()
    CaseAccess.objects.create(case=case, user=user, action=action, at=now)
    if action == CaseAccess.Action.DETAIL and case.acknowledged_at is None:
        Case.objects.filter(pk=case.pk, acknowledged_at__isnull=True).update(acknowledged_at=now)


# --- Follow-ups ------------------------------------------------------------------------


def _follow_up_reminder_key(follow_up: FollowUp) -> str:
    return f"case:{follow_up.case_id}:follow-up:{follow_up.pk}"


@transaction.atomic
def follow_up_create(
    *, case: Case, title: str, due_at: datetime, assigned_to: User, by: User
) -> FollowUp:
    role_require(by, case.association_id, *STAFF_ROLES)
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it first."))
    if not _staff_of(case.association_id, [assigned_to.pk]):
        raise ValidationError(
            {"assigned_to": _("Only operators and coordinators of the association.")}
        )
    follow_up = FollowUp(
        case=case, title=title.strip(), due_at=due_at, assigned_to=assigned_to, created_by=by
    )
    follow_up.full_clean()
    follow_up.save()
    _event(case, CaseEvent.Kind.FOLLOW_UP, by, text=follow_up.title)
    _follow_up_remind(follow_up, case)
    return follow_up


def _follow_up_remind(follow_up: FollowUp, case: Case) -> None:
    if follow_up.assigned_to_id is None:
        return
    hours = case_settings_of(case.association_id).follow_up_reminder_hours
    due_at = follow_up.due_at
    # No title in the message: it may name the person, and messages outlive erasure.
    reminder_schedule(
        key=_follow_up_reminder_key(follow_up),
        recipient=follow_up.assigned_to,
        due_at=max(due_at - timedelta(hours=hours), timezone.now()),
        kind="emergencies.follow_up_due",
        context={"case": case.number, "due": timezone.localtime(due_at).strftime("%d/%m/%Y %H:%M")},
        url=case_url(case),
        association=case.association,
    )


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User) -> FollowUp:
    role_require(by, follow_up.case.association_id, *STAFF_ROLES)
    updated = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by
    )
    if updated:
        reminders_cancel(key_prefix=_follow_up_reminder_key(follow_up))
        follow_up.refresh_from_db(fields=["done_at", "done_by"])
    return follow_up


# --- Critical cases: alert and escalation ----------------------------------------------


def on_duty_operators(association_id: int, at: datetime | None = None) -> list[User]:
    """Who is on duty now; with nobody on the roster, every operator of the association
    (an urgent case must reach someone)."""
    on_duty = set(
        DutyShift.objects.filter(association_id=association_id)
        .on_duty(at)
        .values_list("operator_id", flat=True)
    )
    operators = Membership.objects.filter(association_id=association_id).with_role(Role.OPERATOR)
    if on_duty:
        operators = operators.filter(user_id__in=on_duty)
    return [m.user for m in operators.select_related("user")]


def case_alert(*, case_id: int) -> int:
    """Tell the on-duty operators about a critical case (once each)."""
    case = Case.objects.select_related("association", "category").get(pk=case_id)
    return notify_many(
        recipients=on_duty_operators(case.association_id),
        kind="emergencies.case_critical",
        key_prefix=f"case:{case.pk}:critical",
        context={"case": case.number, "category": case.category.name_it},
        url=case_url(case),
        association=case.association,
    )


@transaction.atomic
def case_escalate_if_unopened(*, case_id: int, now: datetime | None = None) -> bool:
    """Alert the coordinators about a critical case nobody opened within the window.
    The conditional update makes it once, whoever runs it (the countdown task, the
    sweep, a retry)."""
    now = now or timezone.now()
    case = Case.objects.select_related("association").filter(pk=case_id).first()
    if case is None:
        return False
    window = timedelta(minutes=case_settings_of(case.association_id).escalation_minutes)
    claimed = (
        Case.objects.filter(
            pk=case_id,
            urgency=Urgency.CRITICAL,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            opened_at__lte=now - window,
        )
        .exclude(status=S.CLOSED)
        .update(escalated_at=now)
    )
    if not claimed:
        return False
    coordinators = Membership.objects.filter(association_id=case.association_id).with_role(
        Role.COORDINATOR
    )
    notify_many(
        recipients=[m.user for m in coordinators.select_related("user")],
        kind="emergencies.case_escalated",
        key_prefix=f"case:{case.pk}:escalated",
        context={"case": case.number, "minutes": int(window.total_seconds() // 60)},
        url=case_url(case),
        association=case.association,
    )
    return True


def cases_escalate_sweep(*, now: datetime | None = None) -> int:
    """The periodic safety net behind the countdown task (a lost task, a restarted
    worker): every critical case still unopened past its window."""
    now = now or timezone.now()
    # Recent cases only: rows that never went through intake (an import, a restore)
    # must not page every coordinator at once.
    candidates = Case.objects.filter(
        urgency=Urgency.CRITICAL,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        opened_at__lte=now - timedelta(minutes=1),
        opened_at__gte=now - SWEEP_HORIZON,
    ).exclude(status=S.CLOSED)
    return sum(
        case_escalate_if_unopened(case_id=pk, now=now)
        for pk in candidates.values_list("pk", flat=True)[:500]
    )


# --- Roster -------------------------------------------------------------------------


@transaction.atomic
def shift_add(
    *, association: Association, operator: User, starts_at: datetime, ends_at: datetime, by: User
) -> DutyShift:
    membership = role_require(by, association, *STAFF_ROLES)
    if operator.pk != by.pk and not membership.is_coordinator:
        raise PermissionDenied  # operators put themselves on duty; coordinators anyone
    if not Membership.objects.filter(
        association=association, user=operator, is_operator=True
    ).exists():
        raise ValidationError({"operator": _("Only an operator of the association.")})
    shift = DutyShift(
        association=association,
        operator=operator,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
    )
    shift.full_clean()
    overlapping = DutyShift.objects.filter(
        association=association, operator=operator, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise ValidationError(_("This operator is already on duty in part of that time."))
    shift.save()
    return shift


@transaction.atomic
def shift_remove(*, shift: DutyShift, by: User) -> None:
    membership = role_require(by, shift.association_id, *STAFF_ROLES)
    if shift.operator_id != by.pk and not membership.is_coordinator:
        raise PermissionDenied
    shift.delete()


@transaction.atomic
def case_settings_save(*, association: Association, by: User, **fields) -> CaseSettings:
    role_require(by, association, Role.COORDINATOR)
    settings = case_settings_of(association)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings
