"""Importing an association's existing spreadsheet of members (CSV or XLSX).

Pure work, in three steps, that the preview and the import task share so they cannot
disagree:

1. ``read_rows`` reads the file (``members.tabular``) within the registry's limits;
2. ``parse_row`` turns one row into the values of a registry entry, or into errors
   for the person ("row 17, column “Telefono”: not a phone number"). It never raises:
   whatever a cell holds, the worst outcome is a row error;
3. ``plan_import`` sorts the parsed rows into those to create, those already in the
   registry and those with errors, with the registry's own duplicate rules
   (``members.services.registry``): the same phone number in any written form, or the
   same name key and year of birth. For thousands of rows the registry is read once
   into sets (``RegistryIndex``), and rows are checked against each other as well, so a
   person written twice in the file is registered once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tabular
from .names import name_key
from .services.registry import _phone_forms
from .sms import normalize_phone

TableFileError = tabular.TableFileError
SheetRow = tabular.SheetRow

PREVIEW_ROWS = 20
BATCH_SIZE = 500
#: What a job keeps of each list of its report: enough to act on, never megabytes.
MAX_STORED_ERRORS = 1000
MAX_LISTED_REGISTERED = 200
MAX_NOTES_LENGTH = 5000


@dataclass(frozen=True)
class ImportField:
    key: str
    label: Any  # lazy translation
    aliases: tuple[str, ...]  # header names in Italian and English, normalised
    required: bool = False
    max_length: int | None = None


# Our fields, in the order the mapping form shows them.
FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "first_name",
        gettext_lazy("First name"),
        (
            "nome",
            "first name",
            "firstname",
            "given name",
            "name",
            # One column with the whole name: it goes into the first name, and the
            # name key (what duplicates are found by) is the same.
            "nome e cognome",
            "nome cognome",
            "nominativo",
            "full name",
        ),
        required=True,
        max_length=150,
    ),
    ImportField(
        "last_name",
        gettext_lazy("Last name"),
        ("cognome", "surname", "last name", "lastname", "family name"),
        max_length=150,
    ),
    ImportField(
        "phone",
        gettext_lazy("Phone"),
        (
            "telefono",
            "cellulare",
            "cell",
            "tel",
            "phone",
            "mobile",
            "telephone",
            "numero di telefono",
            "phone number",
            "recapito telefonico",
            "whatsapp",
        ),
        max_length=32,
    ),
    ImportField(
        "email",
        gettext_lazy("Email"),
        ("email", "e mail", "mail", "posta elettronica", "indirizzo email", "email address"),
        max_length=254,
    ),
    ImportField(
        "municipality",
        gettext_lazy("Municipality"),
        (
            "comune",
            "municipality",
            "citta",
            "city",
            "town",
            "comune di residenza",
            "citta di residenza",
        ),
        max_length=120,
    ),
    ImportField(
        "zone",
        gettext_lazy("Zone"),
        ("zona", "quartiere", "zone", "area", "district", "neighbourhood", "neighborhood"),
        max_length=120,
    ),
    ImportField(
        "year_of_birth",
        gettext_lazy("Year of birth (or date of birth)"),
        (
            "anno di nascita",
            "anno",
            "year of birth",
            "birth year",
            "data di nascita",
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
        ),
    ),
    ImportField(
        "languages",
        gettext_lazy("Languages spoken"),
        ("lingue", "languages", "lingue parlate", "languages spoken", "language", "idiomi"),
    ),
    ImportField(
        "preferred_language",
        gettext_lazy("Preferred language"),
        ("lingua preferita", "preferred language", "lingua", "lingua madre", "mother tongue"),
    ),
    ImportField(
        "household_size",
        gettext_lazy("Household size"),
        (
            "componenti nucleo",
            "componenti nucleo familiare",
            "componenti",
            "nucleo familiare",
            "nucleo",
            "household size",
            "household",
            "family size",
            "persone in famiglia",
        ),
    ),
    ImportField(
        "operator_notes",
        gettext_lazy("Notes for operators"),
        ("note", "notes", "annotazioni", "osservazioni", "comments", "commenti", "note operatore"),
    ),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LANGUAGE_SEPARATORS = re.compile(r"\s*(?:[,;/|+]|\be\b|\band\b)\s*", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]*)?$")
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def read_rows(file: IO[bytes], filename: str) -> tuple[list[str], list[SheetRow]]:
    """The header and the data rows, within ``NUCLEO_MEMBER_IMPORT_MAX_BYTES`` and
    ``NUCLEO_MEMBER_IMPORT_MAX_ROWS``. Raises TableFileError for the person."""
    return tabular.read_table(
        file,
        filename,
        max_bytes=settings.NUCLEO_MEMBER_IMPORT_MAX_BYTES,
        max_rows=settings.NUCLEO_MEMBER_IMPORT_MAX_ROWS,
    )


def guess_mapping(headers: list[str]) -> dict[str, str]:
    return tabular.guess_mapping(headers, FIELDS)


# --- One row ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """What languages are matched against: ISO code, and name in English, Italian or
    the language itself, normalised → code."""

    languages: dict[str, str]

    @classmethod
    def from_database(cls) -> Lookups:
        from .models import Language

        found: dict[str, str] = {}
        for language in Language.objects.all():
            for name in (language.native_name, language.name_it, language.name_en):
                if name:
                    found[tabular.normalize_header(name)] = language.code
                    found.setdefault(name.casefold(), language.code)  # scripts without ASCII
            found[language.code.lower()] = language.code
        return cls(found)

    def language(self, text: str) -> str | None:
        return self.languages.get(text.lower()) or self.languages.get(
            tabular.normalize_header(text) or text.casefold()
        )


@dataclass
class MemberRow:
    """A valid row, normalised: the registry fields of the entry it will become."""

    number: int
    fields: dict[str, Any]  # REGISTRY_FIELDS, preferred_language as its code
    languages: list[str] = field(default_factory=list)  # codes

    @property
    def name_key(self) -> str:
        return name_key(f"{self.fields['first_name']} {self.fields.get('last_name', '')}")

    @property
    def full_name(self) -> str:
        return f"{self.fields['first_name']} {self.fields.get('last_name', '')}".strip()


def row_error(number: int | None, column: str, message: str) -> dict:
    return {"row": number, "column": column, "message": str(message)}


def parse_row(
    row: SheetRow, mapping: dict[str, str], lookups: Lookups
) -> tuple[MemberRow | None, list[dict]]:
    """The entry a row becomes, or the errors that keep it out (one per bad cell)."""
    errors: list[dict] = []
    values: dict[str, Any] = {}
    languages: list[str] = []
    for f in FIELDS:
        column = mapping.get(f.key)
        if not column:
            continue
        raw = _CONTROL.sub("", str(row.values.get(column) or ""))
        # Notes keep their line breaks; everything else is one line of single spaces.
        raw = raw.strip() if f.key == "operator_notes" else " ".join(raw.split())
        try:
            if f.required and not raw:
                raise ValidationError(_("this value is required"))
            if tabular.looks_like_formula(raw):
                raise ValidationError(
                    _("this is a spreadsheet formula, not a value: write the value itself")
                )
            if f.max_length and len(raw) > f.max_length:
                raise ValidationError(
                    _("too long (at most %(max)s characters)") % {"max": f.max_length}
                )
            if f.key == "languages":
                languages = _clean_languages(raw, lookups)
            else:
                values[f.key] = _clean_value(f.key, raw, lookups)
        except ValidationError as error:
            errors.append(row_error(row.number, column, error.messages[0]))
    if "first_name" not in mapping:
        errors.append(row_error(row.number, "", _("no column holds the first name")))
    if errors:
        return None, errors
    return MemberRow(number=row.number, fields=values, languages=languages), []


def _clean_value(key: str, raw: str, lookups: Lookups) -> Any:
    if key == "phone":
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise ValidationError(
                _("not a phone number: write digits only, e.g. +39 333 123 4567")
            ) from None
    if key == "email":
        if raw:
            try:
                EmailValidator()(raw)
            except ValidationError:
                raise ValidationError(_("not a valid email address")) from None
        return raw
    if key == "year_of_birth":
        return _year_of_birth(raw)
    if key == "household_size":
        if not raw:
            return None
        number = _whole_number(raw)
        if number is None or not 1 <= number <= 30:
            raise ValidationError(_("write the number of people, from 1 to 30"))
        return number
    if key == "preferred_language":
        if not raw:
            return None
        code = lookups.language(raw)
        if code is None:
            raise ValidationError(_("unknown language “%(value)s”") % {"value": raw})
        return code
    if key == "operator_notes" and len(raw) > MAX_NOTES_LENGTH:
        raise ValidationError(
            _("too long (at most %(max)s characters)") % {"max": MAX_NOTES_LENGTH}
        )
    return raw


def _whole_number(raw: str) -> int | None:
    # "3" and, from some spreadsheets, "3.0" or "3,0".
    match = re.fullmatch(r"(\d{1,4})(?:[.,]0+)?", raw)
    return int(match.group(1)) if match else None


def _year_of_birth(raw: str) -> int | None:
    """1985, or the year of a full date of birth (1985-03-12, 12/03/1985, 12.3.1985)."""
    if not raw:
        return None
    this_year = date.today().year
    year = _whole_number(raw)
    if year is None:
        iso, day_first = _ISO_DATE.match(raw), _DAY_FIRST_DATE.match(raw)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
        elif day_first:
            day, month, year = (int(part) for part in day_first.groups())
            if year < 100:
                raise ValidationError(_("write the year with four digits, e.g. 12/03/1985"))
        else:
            raise ValidationError(_("not a year or a date of birth, e.g. 1985 or 12/03/1985"))
        try:
            date(year, month, day)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a date") % {"value": raw}) from None
    if not 1900 <= year <= this_year:
        raise ValidationError(
            _("the year of birth must be between 1900 and %(year)s") % {"year": this_year}
        )
    return year


def _clean_languages(raw: str, lookups: Lookups) -> list[str]:
    codes: list[str] = []
    for part in _LANGUAGE_SEPARATORS.split(raw):
        part = part.strip(" .")
        if not part:
            continue
        code = lookups.language(part)
        words = [lookups.language(word) for word in part.split()]
        if code is None and len(words) > 1 and all(words):
            # "it en fr": codes separated by spaces only.
            codes.extend(c for c in words if c not in codes)
            continue
        if code is None:
            raise ValidationError(
                _("unknown language “%(value)s” (write ISO codes such as it, en, ar or names)")
                % {"value": part}
            )
        if code not in codes:
            codes.append(code)
    return codes


# --- The whole file, against the registry -------------------------------------------------


def _without_separators(phone: str) -> str:
    # As members.services.registry compares stored phones: without what people type
    # between the digits.
    return re.sub(r"[ ().\-/]", "", phone or "")


@dataclass
class RegistryIndex:
    """The association's registry as the duplicate rules see it: stored phones without
    separators, and (name key, year of birth) pairs. Rows accepted for creation are
    added, so the file's own repetitions are found too (``first_row`` says where)."""

    phones: dict[str, int | None] = field(default_factory=dict)  # → first row, None: registry
    names: dict[tuple[str, int], int | None] = field(default_factory=dict)
    last_member_pk: int = 0

    @classmethod
    def for_association(cls, association) -> RegistryIndex:
        index = cls()
        index.add_registered(association)
        return index

    def add_registered(self, association, *, skip: Collection[int] = ()) -> None:
        """Add the association's entries registered since the index was last filled,
        but those of ``skip`` (primary keys)."""
        from .models import Member

        entries = (
            Member.objects.for_association(association)
            .filter(pk__gt=self.last_member_pk)
            .values_list("pk", "phone", "name_key", "year_of_birth")
        )
        for pk, phone, key, year in entries.iterator(chunk_size=2000):
            self.last_member_pk = max(self.last_member_pk, pk)
            if pk in skip:
                continue
            if phone:
                self.phones.setdefault(_without_separators(phone), None)
            if key and year:
                self.names.setdefault((key, year), None)

    def match(self, row: MemberRow) -> tuple[bool, int | None] | None:
        """None when nobody matches; else (matched by phone, the first row of the file
        that is this person, or None when it is an entry of the registry)."""
        for form in sorted(_phone_forms(row.fields.get("phone", ""))):
            if form in self.phones:
                return True, self.phones[form]
        year = row.fields.get("year_of_birth")
        key = row.name_key
        if key and year and (key, year) in self.names:
            return False, self.names[(key, year)]
        return None

    def add_row(self, row: MemberRow) -> None:
        phone = row.fields.get("phone")
        if phone:
            self.phones.setdefault(_without_separators(phone), row.number)
        year = row.fields.get("year_of_birth")
        key = row.name_key
        if key and year:
            self.names.setdefault((key, year), row.number)


@dataclass
class ImportPlan:
    """What an import will do: ``to_create`` rows, ``registered`` rows already in the
    registry (``{"row", "message"}``), and ``errors`` of the rows that cannot be
    imported (``{"row", "column", "message"}``, several per row possibly)."""

    total_rows: int = 0
    to_create: list[MemberRow] = field(default_factory=list)
    registered: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({error["row"] for error in self.errors})


def plan_import(
    rows: list[SheetRow],
    mapping: dict[str, str],
    *,
    index: RegistryIndex,
    lookups: Lookups,
) -> ImportPlan:
    """Sort ``rows`` (see the module). ``index`` is updated with the rows to create."""
    plan = ImportPlan(total_rows=len(rows))
    for row in rows:
        member_row, errors = parse_row(row, mapping, lookups)
        if member_row is None:
            plan.errors.extend(errors)
            continue
        match = index.match(member_row)
        if match is None:
            index.add_row(member_row)
            plan.to_create.append(member_row)
            continue
        by_phone, first_row = match
        if first_row is None:
            message = (
                _("already in the registry (same phone number)")
                if by_phone
                else _("already in the registry (same name and year of birth)")
            )
            plan.registered.append({"row": row.number, "message": message})
        else:
            column = mapping["phone"] if by_phone else mapping["first_name"]
            message = (
                _("same person as row %(row)s (same phone number)")
                if by_phone
                else _("same person as row %(row)s (same name and year of birth)")
            ) % {"row": first_row}
            plan.errors.append(row_error(row.number, column, message))
    return plan


def capped(entries: list[dict], limit: int) -> list[dict]:
    """The first ``limit`` entries, then one that says how many more there are."""
    if len(entries) <= limit:
        return list(entries)
    more = len(entries) - limit
    summary = _("… and %(count)s more.") % {"count": more}
    return [*entries[:limit], row_error(None, "", summary)]
