"""Writes of the member registry: registering people and correcting their entries.

Both writes look for the person first: the same phone number, or a name that sounds
the same (``members.names.name_key``) with the same year of birth. A registry with the
same person twice splits their story across two files, so a possible duplicate stops
the write until the operator says it is a different person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from ..models import STAFF_ROLES, Association, EmpowermentStage, Language, Member, User
from ..names import name_key
from ..sms import normalize_phone
from .access import role_require
from .empowerment import empowerment_record

#: The fields an operator writes; the rest (association, account, key) are the system's.
REGISTRY_FIELDS = (
    "first_name",
    "last_name",
    "preferred_language",
    "phone",
    "email",
    "municipality",
    "zone",
    "year_of_birth",
    "household_size",
    "operator_notes",
)


class PossibleDuplicate(Exception):
    """Someone in the registry may be this person: ``candidates`` lists them."""

    def __init__(self, candidates: list[Member]):
        super().__init__("possible duplicate")
        self.candidates = candidates


def mask_phone(phone: str) -> str:
    """ "+393331234567" → "••• 4567": enough to recognise a number, not to call it."""
    digits = "".join(char for char in phone or "" if char.isdigit())
    return f"••• {digits[-4:]}" if len(digits) > 4 else ""


def _phone_forms(phone: str) -> set[str]:
    # Entries written before phones were normalised keep their own spelling: compare
    # their digits against each way the same number is written.
    try:
        e164 = normalize_phone(phone)
    except ValueError:
        return set()
    forms = {e164, e164[1:], "00" + e164[1:]}
    if e164.startswith("+39"):
        forms.add(e164[3:])
    return forms


def _without_separators(expression):
    """The phone as stored, without the separators people type (portable: SQLite runs
    the embedded defaults, PostgreSQL production)."""
    for separator in (" ", "(", ")", ".", "-", "/"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def member_find_duplicates(
    *,
    association: Association,
    first_name: str,
    last_name: str = "",
    year_of_birth: int | None = None,
    phone: str = "",
    exclude: Member | None = None,
) -> list[Member]:
    """Entries of ``association`` that may be the same person (see the module)."""
    condition = Q(pk__in=[])
    phones = _phone_forms(phone)
    if phones:
        condition |= Q(phone_digits__in=phones)
    key = name_key(f"{first_name} {last_name}")
    if key and year_of_birth:
        condition |= Q(name_key=key, year_of_birth=year_of_birth)
    candidates: QuerySet[Member] = (
        Member.objects.for_association(association)
        .annotate(phone_digits=_without_separators(F("phone")))
        .filter(condition)
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = list(candidates.order_by("last_name", "first_name")[:10])
    for member in found:
        member.masked_phone = mask_phone(member.phone)
    return found


def _check_duplicates(*, member: Member, confirmed_different: bool) -> None:
    if confirmed_different:
        return
    candidates = member_find_duplicates(
        association=member.association,
        first_name=member.first_name,
        last_name=member.last_name,
        year_of_birth=member.year_of_birth,
        phone=member.phone,
        exclude=member if member.pk else None,
    )
    if candidates:
        raise PossibleDuplicate(candidates)


def _normalised_phone(phone: str) -> str:
    # The form rejects what does not parse; anything else stays as written and meets
    # the model's validator.
    try:
        return normalize_phone(phone) if phone else ""
    except ValueError:
        return phone


@transaction.atomic
def member_create(
    *,
    association: Association,
    by: User,
    languages: Iterable[Language] = (),
    confirmed_different: bool = False,
    **fields,
) -> Member:
    """Register a person. Raises ``PossibleDuplicate`` unless ``confirmed_different``."""
    unknown = set(fields) - set(REGISTRY_FIELDS)
    if unknown:
        raise TypeError(f"not registry fields: {sorted(unknown)}")
    role_require(by, association, *STAFF_ROLES)
    member = Member(association=association, **fields)
    member.phone = _normalised_phone(member.phone)
    member.name_key = name_key(f"{member.first_name} {member.last_name}")
    member.full_clean()
    _check_duplicates(member=member, confirmed_different=confirmed_different)
    member._history_user = by
    member.save()
    member.languages.set(languages)
    empowerment_record(member=member, stage=EmpowermentStage.REGISTERED)
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    by: User,
    languages: Iterable[Language] | None = None,
    confirmed_different: bool = False,
    **fields,
) -> Member:
    """Correct an entry. Only the fields that changed are written (and so recorded in
    its history). Raises ``PossibleDuplicate`` unless ``confirmed_different``."""
    unknown = set(fields) - set(REGISTRY_FIELDS)
    if unknown:
        raise TypeError(f"not registry fields: {sorted(unknown)}")
    if not by.has_perm("members.change_member", member):
        raise PermissionDenied
    if "phone" in fields:
        fields["phone"] = _normalised_phone(fields["phone"])
    changed = [name for name, value in fields.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, fields[name])
    key = name_key(f"{member.first_name} {member.last_name}")
    if key != member.name_key:
        member.name_key = key
        changed.append("name_key")
    if changed:
        member.full_clean()
        _check_duplicates(member=member, confirmed_different=confirmed_different)
        member._history_user = by
        member.save(update_fields=[*changed, "updated_at"])
    if languages is not None:
        languages = list(languages)
        if {lang.pk for lang in languages} != set(member.languages.values_list("pk", flat=True)):
            member.languages.set(languages)
    return member


#: What a person may correct on their own entry (the rest is the association's record).
OWN_FIELDS = (
    "first_name",
    "last_name",
    "preferred_language",
    "phone",
    "municipality",
    "zone",
    "household_size",
)


@transaction.atomic
def member_update_own(
    *, member: Member, by: User, languages: Iterable[Language] | None = None, **fields
) -> Member:
    """A person corrects their own entry. No duplicate check: they are who they are, and
    a clash with someone else's entry is for the operators to see, not for them."""
    unknown = set(fields) - set(OWN_FIELDS)
    if unknown:
        raise TypeError(f"not fields a person edits: {sorted(unknown)}")
    if member.user_id is None or member.user_id != by.pk:
        raise PermissionDenied
    if "phone" in fields:
        fields["phone"] = _normalised_phone(fields["phone"])
    changed = [name for name, value in fields.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, fields[name])
    key = name_key(f"{member.first_name} {member.last_name}")
    if key != member.name_key:
        member.name_key = key
        changed.append("name_key")
    if changed:
        member.full_clean()
        member._history_user = by
        member.save(update_fields=[*changed, "updated_at"])
    if languages is not None:
        languages = list(languages)
        if {lang.pk for lang in languages} != set(member.languages.values_list("pk", flat=True)):
            member.languages.set(languages)
    return member
