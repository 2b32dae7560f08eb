"""Writes (and the few reads their pages share) of the solidarity network's volunteers:
the skills catalogue, a member's opt-in with weekly availability, the register of
non-occasional volunteers (CTS art. 17) and the insurance that covers them (art. 18).

The register is append-only: the database refuses updates and deletes (migration 0008),
so every write here is an INSERT. A correction or the end of service is a new entry that
points at the one it amends; numbers are allocated per association under a lock on the
association's row, so two coordinators saving at once never get the same number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Association,
    AvailabilitySlot,
    EmpowermentStage,
    InsurancePolicy,
    Language,
    Member,
    Membership,
    Reminder,
    Role,
    Skill,
    User,
    VolunteerProfile,
    VolunteerRegisterEntry,
    Weekday,
)
from .access import role_require
from .empowerment import empowerment_record
from .notifications import reminder_schedule, reminders_cancel

INSURANCE_REMINDER_KIND = "members.insurance_expiring"
#: The hour of the day (local time) expiry reminders are due.
REMINDER_HOUR = time(9, 0)


# --- Skills catalogue ----------------------------------------------------------------------

#: The catalogue an association starts with: (kind, Italian, English, language code).
#: Interpreting is one skill per language, added only where the language is known.
DEFAULT_SKILLS: list[tuple[str, str, str, str | None]] = [
    (Skill.Kind.INTERPRETING, "Interpretariato arabo", "Arabic interpreting", "ar"),
    (Skill.Kind.INTERPRETING, "Interpretariato inglese", "English interpreting", "en"),
    (Skill.Kind.INTERPRETING, "Interpretariato francese", "French interpreting", "fr"),
    (Skill.Kind.INTERPRETING, "Interpretariato urdu", "Urdu interpreting", "ur"),
    (Skill.Kind.INTERPRETING, "Interpretariato bengalese", "Bengali interpreting", "bn"),
    (Skill.Kind.ACCOMPANIMENT, "Accompagnamento ai servizi", "Accompaniment to services", None),
    (Skill.Kind.DIGITAL, "Aiuto digitale", "Digital help", None),
    (Skill.Kind.PAPERWORK, "Pratiche e documenti", "Paperwork", None),
    (Skill.Kind.LISTENING, "Ascolto", "Listening", None),
    (Skill.Kind.CHILDCARE, "Cura dei bambini", "Childcare", None),
    (Skill.Kind.TRANSPORT, "Trasporto", "Transport", None),
    (Skill.Kind.COOKING, "Cucina", "Cooking", None),
]


@transaction.atomic
def skills_seed_defaults(*, association: Association) -> int:
    """Create the default catalogue for ``association``; what exists (by Italian name)
    is left as the coordinators made it. Returns how many skills were added."""
    languages = {
        language.pk: language
        for language in Language.objects.filter(
            pk__in=[code for *_rest, code in DEFAULT_SKILLS if code]
        )
    }
    existing = set(Skill.objects.for_association(association).values_list("name_it", flat=True))
    created = 0
    for kind, name_it, name_en, code in DEFAULT_SKILLS:
        if name_it in existing or (code and code not in languages):
            continue
        skill = Skill(
            association=association,
            kind=kind,
            name_it=name_it,
            name_en=name_en,
            language=languages.get(code) if code else None,
        )
        skill.full_clean()
        skill.save()
        created += 1
    return created


SKILL_FIELDS = ("kind", "name_it", "name_en", "language")


@transaction.atomic
def skill_create(
    *,
    association: Association,
    by: User,
    kind: str,
    name_it: str,
    name_en: str,
    language: Language | None = None,
) -> Skill:
    role_require(by, association, Role.COORDINATOR)
    skill = Skill(
        association=association,
        kind=kind,
        name_it=name_it,
        name_en=name_en,
        language=language if kind == Skill.Kind.INTERPRETING else None,
    )
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def skill_update(*, skill: Skill, by: User, **fields) -> Skill:
    unknown = set(fields) - set(SKILL_FIELDS)
    if unknown:
        raise TypeError(f"not skill fields: {sorted(unknown)}")
    role_require(by, skill.association_id, Role.COORDINATOR)
    if fields.get("kind", skill.kind) != Skill.Kind.INTERPRETING:
        fields["language"] = None
    changed = [name for name, value in fields.items() if getattr(skill, name) != value]
    for name in changed:
        setattr(skill, name, fields[name])
    if changed:
        skill.full_clean()
        skill.save(update_fields=changed)
    return skill


@transaction.atomic
def skill_set_active(*, skill: Skill, by: User, active: bool) -> Skill:
    """Retire a skill (volunteers keep it, nobody new picks it) or bring it back."""
    role_require(by, skill.association_id, Role.COORDINATOR)
    if skill.is_active != active:
        skill.is_active = active
        skill.save(update_fields=["is_active"])
    return skill


# --- A member in the solidarity network ------------------------------------------------


@dataclass(frozen=True)
class SlotRow:
    """A row of the availability formset: ``id`` None for a new slot."""

    weekday: int
    starts_at: time
    ends_at: time
    id: int | None = None
    delete: bool = False


def slot_overlaps(
    slots: Iterable[tuple[int, time, time]],
) -> list[tuple[int, time, time, time, time]]:
    """Pairs of slots of the same day that overlap (touching ends do not):
    ``(weekday, start1, end1, start2, end2)``, in day and time order."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, starts_at, ends_at in slots:
        by_day.setdefault(weekday, []).append((starts_at, ends_at))
    found = []
    for weekday in sorted(by_day):
        ordered = sorted(by_day[weekday])
        latest = None
        for starts_at, ends_at in ordered:
            if latest is not None and starts_at < latest[1]:
                found.append((weekday, latest[0], latest[1], starts_at, ends_at))
            if latest is None or ends_at > latest[1]:
                latest = (starts_at, ends_at)
    return found


def overlap_message(overlap: tuple[int, time, time, time, time]) -> str:
    weekday, start1, end1, start2, end2 = overlap
    return _("On %(day)s, %(first)s overlaps %(second)s: join them into one slot.") % {
        "day": Weekday(weekday).label,
        "first": f"{start1:%H:%M}–{end1:%H:%M}",
        "second": f"{start2:%H:%M}–{end2:%H:%M}",
    }


def _require_self(member: Member, by: User) -> None:
    # The network is joined by the person, never on their behalf.
    if member.user_id is None or member.user_id != by.pk:
        raise PermissionDenied


def _apply_slots(profile: VolunteerProfile, rows: Iterable[SlotRow]) -> None:
    existing = {slot.pk: slot for slot in profile.slots.all()}
    to_delete: list[int] = []
    to_save: list[AvailabilitySlot] = []
    for row in rows:
        slot = existing.get(row.id) if row.id is not None else AvailabilitySlot(volunteer=profile)
        if slot is None:
            # Another person's slot, or one already gone: never touched from here.
            raise ValidationError(_("This availability slot is not yours."))
        if row.delete:
            if slot.pk:
                to_delete.append(slot.pk)
            continue
        slot.weekday, slot.starts_at, slot.ends_at = row.weekday, row.starts_at, row.ends_at
        if slot.ends_at <= slot.starts_at:
            raise ValidationError(_("A slot must end after it starts."))
        to_save.append(slot)
    untouched = set(existing) - {row.id for row in rows if row.id is not None}
    kept = [(s.weekday, s.starts_at, s.ends_at) for s in to_save] + [
        (existing[pk].weekday, existing[pk].starts_at, existing[pk].ends_at) for pk in untouched
    ]
    overlaps = slot_overlaps(kept)
    if overlaps:
        raise ValidationError(overlap_message(overlaps[0]))
    AvailabilitySlot.objects.filter(volunteer=profile, pk__in=to_delete).delete()
    # Moved slots first drop their old start, so swapping two starts never trips the
    # one-start-per-day constraint halfway through.
    moved = [slot for slot in to_save if slot.pk]
    if moved:
        AvailabilitySlot.objects.filter(pk__in=[slot.pk for slot in moved]).delete()
        for slot in moved:
            slot.pk = None
            slot._state.adding = True
    for slot in to_save:
        slot.full_clean()
        slot.save()


@transaction.atomic
def volunteer_save(
    *,
    member: Member,
    by: User,
    skills: Iterable[Skill],
    languages: Iterable[Language],
    zones: str,
    max_active_tasks: int,
    slots: Iterable[SlotRow] = (),
) -> VolunteerProfile:
    """Join the network, or update what one offers. Joining (again, after leaving) sets
    the date of joining and records the "volunteer" step of the empowerment path."""
    _require_self(member, by)
    skills = list(skills)
    if any(skill.association_id != member.association_id for skill in skills):
        raise ValidationError(_("Choose skills of your association."))
    profile = VolunteerProfile.objects.select_for_update().filter(member=member).first()
    joining = profile is None or profile.opted_out_at is not None
    if profile is None:
        profile = VolunteerProfile(association_id=member.association_id, member=member)
    profile.zones = ", ".join(part.strip() for part in zones.split(",") if part.strip())
    profile.max_active_tasks = max_active_tasks
    if joining:
        profile.opted_in_at = timezone.now()
        profile.opted_out_at = None
        profile.paused_until = None
    profile.full_clean()
    profile._history_user = by
    profile.save()
    held = set(profile.skills.values_list("pk", flat=True))
    if held != {skill.pk for skill in skills}:
        profile.skills.set(skills)
    languages = list(languages)
    if {language.pk for language in languages} != set(
        member.languages.values_list("pk", flat=True)
    ):
        member._history_user = by
        member.languages.set(languages)
    _apply_slots(profile, list(slots))
    if joining:
        empowerment_record(member=member, stage=EmpowermentStage.VOLUNTEER)
    return profile


@transaction.atomic
def volunteer_pause(*, volunteer: VolunteerProfile, by: User, until: date) -> VolunteerProfile:
    """Not available until ``until`` (included): no offers reach the person till then."""
    _require_self(volunteer.member, by)
    if until < timezone.localdate():
        raise ValidationError(_("The pause must end today or later."))
    volunteer.paused_until = until
    volunteer._history_user = by
    volunteer.save(update_fields=["paused_until"])
    return volunteer


@transaction.atomic
def volunteer_resume(*, volunteer: VolunteerProfile, by: User) -> VolunteerProfile:
    _require_self(volunteer.member, by)
    if volunteer.paused_until is not None:
        volunteer.paused_until = None
        volunteer._history_user = by
        volunteer.save(update_fields=["paused_until"])
    return volunteer


@transaction.atomic
def volunteer_opt_out(*, volunteer: VolunteerProfile, by: User) -> VolunteerProfile:
    """Leave the network. The row stays: what the person did stays counted, and their
    skills and slots are there if they come back."""
    _require_self(volunteer.member, by)
    if volunteer.opted_out_at is None:
        volunteer.opted_out_at = timezone.now()
        volunteer._history_user = by
        volunteer.save(update_fields=["opted_out_at"])
    return volunteer


def _valid_policies(on: date) -> QuerySet[InsurancePolicy]:
    return InsurancePolicy.objects.filter(starts_on__lte=on, ends_on__gte=on)


def volunteer_list(
    *,
    association: Association,
    skill: Skill | None = None,
    language: Language | None = None,
    zone: str = "",
    available_only: bool = False,
    on: date | None = None,
) -> QuerySet[VolunteerProfile]:
    """Active volunteers with what the list shows (skills, languages, slots, whether a
    policy covers them ``on`` that day), in a fixed number of queries."""
    on = on or timezone.localdate()
    volunteers = (
        VolunteerProfile.objects.for_association(association)
        .active()
        .select_related("member")
        .prefetch_related(
            "skills",
            "member__languages",
            "slots",
        )
        .annotate(
            insured=Exists(
                _valid_policies(on).filter(
                    volunteers=OuterRef("pk"), association_id=OuterRef("association_id")
                )
            )
        )
        .order_by("member__last_name", "member__first_name", "pk")
    )
    if skill is not None:
        volunteers = volunteers.filter(skills=skill)
    if language is not None:
        volunteers = volunteers.filter(member__languages=language)
    zone = zone.strip()
    if zone:
        volunteers = volunteers.filter(zones__icontains=zone)
    if available_only:
        volunteers = volunteers.filter(Q(paused_until__isnull=True) | Q(paused_until__lt=on))
    return volunteers


# --- Volunteer register (CTS art. 17) -------------------------------------------------------

REGISTER_PERSON_FIELDS = (
    "first_name",
    "last_name",
    "fiscal_code",
    "birth_date",
    "birth_place",
    "residence",
    "start_date",
)

# Odd positions (1st, 3rd, …) of a fiscal code weigh these values, even ones their
# place in the alphabet or their digit (DM 23 Dec 1976, check character).
_ODD_DIGITS = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]  # 0-9, and A-J alike
_ODD_WEIGHTS = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [*_ODD_DIGITS, *_ODD_DIGITS, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
        strict=True,
    )
)


def fiscal_code_check_character(first15: str) -> str:
    """The 16th character of an Italian personal fiscal code, from the first 15."""
    total = 0
    for index, char in enumerate(first15):
        if index % 2 == 0:
            total += _ODD_WEIGHTS[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26)


def fiscal_code_normalise(value: str) -> str:
    """Upper case, without the spaces people type between its groups."""
    return "".join(value.split()).upper()


def fiscal_code_is_valid(value: str) -> bool:
    """The format the register's field checks, and the check character."""
    field = VolunteerRegisterEntry._meta.get_field("fiscal_code")
    try:
        field.run_validators(value)
    except ValidationError:
        return False
    return fiscal_code_check_character(value[:15]) == value[15]


def _next_number(association_id: int) -> int:
    # The association's row is the lock: numbers are handed out one at a time.
    Association.objects.select_for_update().filter(pk=association_id).get()
    last = VolunteerRegisterEntry.objects.filter(association_id=association_id).aggregate(
        last=Max("number")
    )["last"]
    return (last or 0) + 1


def _register_write(entry: VolunteerRegisterEntry) -> VolunteerRegisterEntry:
    entry.fiscal_code = fiscal_code_normalise(entry.fiscal_code)
    if not fiscal_code_is_valid(entry.fiscal_code):
        raise ValidationError(
            {"fiscal_code": _("This fiscal code is not valid: check each character.")}
        )
    entry.number = _next_number(entry.association_id)
    entry.recorded_at = timezone.now()
    entry.full_clean()
    entry.save(force_insert=True)
    return entry


@transaction.atomic
def register_entry_enrol(
    *, association: Association, by: User, member: Member | None, **person
) -> VolunteerRegisterEntry:
    """Enrol a non-occasional volunteer in the register."""
    role_require(by, association, Role.COORDINATOR)
    if member is not None and member.association_id != association.pk:
        raise ValidationError(_("This person is not in your association's registry."))
    if set(person) != set(REGISTER_PERSON_FIELDS):
        raise TypeError(f"register fields expected: {sorted(REGISTER_PERSON_FIELDS)}")
    entry = VolunteerRegisterEntry(
        association=association,
        kind=VolunteerRegisterEntry.Kind.ENROLMENT,
        member=member,
        recorded_by=by,
        **person,
    )
    return _register_write(entry)


def _register_rows(association_id: int):
    """The association's register as ``(pk, amends_id, kind)`` rows, and a function that
    finds the enrolment an entry amends at any depth (registers are small: one query)."""
    rows = list(
        VolunteerRegisterEntry.objects.filter(association_id=association_id).values_list(
            "pk", "amends_id", "kind"
        )
    )
    parent = {pk: amends for pk, amends, _kind in rows}

    def root_of(pk: int) -> int:
        while parent.get(pk):
            pk = parent[pk]
        return pk

    return rows, root_of


def _chain(entry: VolunteerRegisterEntry) -> list[tuple[int, int | None, str]]:
    """The entries of ``entry``'s person: its enrolment and everything amending it."""
    rows, root_of = _register_rows(entry.association_id)
    root = root_of(entry.pk)
    return [row for row in rows if root_of(row[0]) == root]


def register_ended_ids(*, association: Association) -> set[int]:
    """Entries of people whose end of service is recorded."""
    rows, root_of = _register_rows(association.pk)
    ended = {root_of(pk) for pk, _amends, kind in rows if kind == VolunteerRegisterEntry.Kind.END}
    return {pk for pk, _amends, _kind in rows if root_of(pk) in ended}


def register_entry_has_ended(entry: VolunteerRegisterEntry) -> bool:
    return any(kind == VolunteerRegisterEntry.Kind.END for _pk, _amends, kind in _chain(entry))


@transaction.atomic
def register_entry_correct(
    *, entry: VolunteerRegisterEntry, by: User, end_date: date | None = None, **person
) -> VolunteerRegisterEntry:
    """Correct ``entry``: a new entry with the right values, amending it. The original
    stays as it was written (the database would refuse anything else)."""
    role_require(by, entry.association_id, Role.COORDINATOR)
    if set(person) != set(REGISTER_PERSON_FIELDS):
        raise TypeError(f"register fields expected: {sorted(REGISTER_PERSON_FIELDS)}")
    if entry.kind != VolunteerRegisterEntry.Kind.END and entry.end_date is None:
        # Only an entry that dates the end of service may have its end corrected.
        end_date = None
    correction = VolunteerRegisterEntry(
        association_id=entry.association_id,
        kind=VolunteerRegisterEntry.Kind.CORRECTION,
        amends=entry,
        member_id=entry.member_id,
        recorded_by=by,
        end_date=end_date,
        **person,
    )
    return _register_write(correction)


@transaction.atomic
def register_entry_end(
    *, entry: VolunteerRegisterEntry, by: User, end_date: date
) -> VolunteerRegisterEntry:
    """Record the end of service of ``entry``'s volunteer, with their details as
    ``entry`` has them."""
    role_require(by, entry.association_id, Role.COORDINATOR)
    if entry.kind == VolunteerRegisterEntry.Kind.END or register_entry_has_ended(entry):
        raise ValidationError(
            _("The end of service is already recorded: correct that entry instead.")
        )
    end = VolunteerRegisterEntry(
        association_id=entry.association_id,
        kind=VolunteerRegisterEntry.Kind.END,
        amends=entry,
        member_id=entry.member_id,
        recorded_by=by,
        end_date=end_date,
        **{name: getattr(entry, name) for name in REGISTER_PERSON_FIELDS},
    )
    if end_date < entry.start_date:
        raise ValidationError({"end_date": _("The service cannot end before it started.")})
    return _register_write(end)


def register_person_choices(*, association: Association, query: str):
    """Whom the coordinator may enrol: active volunteers not yet in the register first,
    then whoever the search finds in the registry."""
    in_register = VolunteerRegisterEntry.objects.filter(member=OuterRef("pk"))
    volunteers = (
        Member.objects.for_association(association)
        .filter(volunteer__opted_out_at__isnull=True, volunteer__isnull=False)
        .annotate(registered=Exists(in_register))
        .filter(registered=False)
        .order_by("last_name", "first_name")[:50]
    )
    found = (
        Member.objects.for_association(association)
        .filter(anonymised_at__isnull=True)
        .search(query)
        .annotate(registered=Exists(in_register))
        .order_by("last_name", "first_name")[:20]
        if query
        else []
    )
    return volunteers, found


def register_entry_list(*, association: Association) -> QuerySet[VolunteerRegisterEntry]:
    return (
        VolunteerRegisterEntry.objects.for_association(association)
        .select_related("amends", "recorded_by")
        .order_by("number")
    )


# --- Insurance (CTS art. 18) --------------------------------------------------------------

POLICY_FIELDS = ("insurer", "policy_number", "starts_on", "ends_on")


def _policy_reminder_prefix(policy: InsurancePolicy) -> str:
    return f"members:insurance-policy:{policy.pk}:expiry"


def _policy_reminder_key(policy: InsurancePolicy, user_id: int) -> str:
    return f"{_policy_reminder_prefix(policy)}:coordinator:{user_id}"


def _policy_reminders(policy: InsurancePolicy) -> None:
    """One reminder per coordinator, ``NUCLEO_INSURANCE_REMINDER_BEFORE`` before the
    policy ends. The key is per policy and coordinator: a new end date moves it, a
    coordinator no longer in the role stops being reminded."""
    coordinators = [
        membership.user
        for membership in Membership.objects.for_association(policy.association)
        .with_role(Role.COORDINATOR)
        .filter(user__is_active=True)
        .select_related("user")
    ]
    keys = {_policy_reminder_key(policy, user.pk) for user in coordinators}
    for key in (
        Reminder.objects.filter(key__startswith=f"{_policy_reminder_prefix(policy)}:")
        .exclude(key__in=keys)
        .exclude(status=Reminder.Status.CANCELLED)
        .values_list("key", flat=True)
    ):
        reminders_cancel(key_prefix=key)
    if policy.ends_on < timezone.localdate():
        reminders_cancel(key_prefix=_policy_reminder_prefix(policy))
        return
    remind_on = policy.ends_on - settings.NUCLEO_INSURANCE_REMINDER_BEFORE
    due_at = timezone.make_aware(datetime.combine(remind_on, REMINDER_HOUR))
    # A policy saved with less notice than that is reminded at once (the next sweep).
    due_at = max(due_at, timezone.now())
    url = reverse("members:policy-edit", args=[policy.pk])
    context = {
        "insurer": policy.insurer,
        "policy_number": policy.policy_number,
        "ends_on": policy.ends_on.strftime("%d/%m/%Y"),
    }
    for user in coordinators:
        key = _policy_reminder_key(policy, user.pk)
        existing = Reminder.objects.filter(key=key).first()
        due = due_at
        if (
            existing is not None
            and existing.status != Reminder.Status.CANCELLED
            and existing.context.get("ends_on") == context["ends_on"]
        ):
            # The same end date: an edit never reminds twice; a reminder still to come
            # keeps its time and takes the new wording (insurer, number).
            if existing.status == Reminder.Status.SENT or existing.context == context:
                continue
            due = existing.due_at
        reminder_schedule(
            key=key,
            recipient=user,
            due_at=due,
            kind=INSURANCE_REMINDER_KIND,
            context=context,
            url=url,
            association=policy.association,
        )


def _check_covered(association_id: int, volunteers: list[VolunteerProfile]) -> None:
    if any(volunteer.association_id != association_id for volunteer in volunteers):
        raise ValidationError(_("Choose volunteers of your association."))


@transaction.atomic
def policy_create(
    *,
    association: Association,
    by: User,
    insurer: str,
    policy_number: str,
    starts_on: date,
    ends_on: date,
    volunteers: Iterable[VolunteerProfile] = (),
) -> InsurancePolicy:
    role_require(by, association, Role.COORDINATOR)
    volunteers = list(volunteers)
    _check_covered(association.pk, volunteers)
    policy = InsurancePolicy(
        association=association,
        insurer=insurer,
        policy_number=policy_number,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    policy.full_clean()
    policy._history_user = by
    policy.save()
    policy.volunteers.set(volunteers)
    _policy_reminders(policy)
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: InsurancePolicy,
    by: User,
    volunteers: Iterable[VolunteerProfile] | None = None,
    **fields,
) -> InsurancePolicy:
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    role_require(by, policy.association_id, Role.COORDINATOR)
    changed = [name for name, value in fields.items() if getattr(policy, name) != value]
    for name in changed:
        setattr(policy, name, fields[name])
    if changed:
        policy.full_clean()
        policy._history_user = by
        policy.save(update_fields=changed)
    if volunteers is not None:
        volunteers = list(volunteers)
        _check_covered(policy.association_id, volunteers)
        if {v.pk for v in volunteers} != set(policy.volunteers.values_list("pk", flat=True)):
            policy._history_user = by
            policy.volunteers.set(volunteers)
    _policy_reminders(policy)
    return policy


def policy_list(*, association: Association) -> QuerySet[InsurancePolicy]:
    return (
        InsurancePolicy.objects.for_association(association)
        .annotate(covered=Count("volunteers"))
        .order_by("-ends_on", "insurer")
    )
