"""Importing an association's own spreadsheet of resources (CSV or XLSX).

Reading, mapping and validation are pure: they take a file (or rows) and answer
rows, guesses and errors without touching the database beyond reading the lookup
tables (categories, languages). ``import_rows`` writes, in batches, each batch in its
own transaction so progress is visible while a long file is imported.

A row's identity is its reference column when the file has one, else a stable hash of
(name, address, city): it is kept in ``Service.source_ref`` (unique per association),
so importing the same file again updates the services instead of adding them twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import tabular

# The reading of CSV and XLSX files is shared with the registry's import.
ImportFileError = tabular.TableFileError
SheetRow = tabular.SheetRow
normalize_header = tabular.normalize_header

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
BATCH_SIZE = 200
PREVIEW_ROWS = 10
# What a job keeps of the error report: enough to act on, never megabytes of JSON.
MAX_STORED_ERRORS = 1000


@dataclass(frozen=True)
class ImportField:
    key: str
    label: Any  # lazy translation
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None


# Our fields, in the order the mapping form shows them. Aliases are header names in
# Italian and English, normalised (lower case, no accents, words split by spaces).
FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        gettext_lazy("Name of the service"),
        (
            "nome",
            "name",
            "nome servizio",
            "nome del servizio",
            "servizio",
            "service",
            "service name",
            "denominazione",
            "titolo",
            "title",
            "risorsa",
            "resource",
        ),
        required=True,
        max_length=200,
    ),
    ImportField(
        "organization",
        gettext_lazy("Organization"),
        (
            "organizzazione",
            "organization",
            "organisation",
            "ente",
            "associazione",
            "provider",
            "gestore",
            "ente gestore",
            "organization name",
            "nome ente",
        ),
        max_length=200,
    ),
    ImportField(
        "description",
        gettext_lazy("Description"),
        ("descrizione", "description", "dettagli", "details", "cosa offre", "about"),
    ),
    ImportField(
        "address",
        gettext_lazy("Address"),
        ("indirizzo", "address", "via", "street", "address 1", "sede", "street address"),
        max_length=200,
    ),
    ImportField(
        "city",
        gettext_lazy("City"),
        ("citta", "comune", "city", "town", "municipality", "localita", "paese"),
        max_length=120,
    ),
    ImportField(
        "postal_code",
        gettext_lazy("Postal code"),
        ("cap", "codice postale", "postal code", "postcode", "post code", "zip", "zip code"),
        max_length=10,
    ),
    ImportField("latitude", gettext_lazy("Latitude"), ("latitudine", "latitude", "lat")),
    ImportField(
        "longitude",
        gettext_lazy("Longitude"),
        ("longitudine", "longitude", "lng", "lon", "long"),
    ),
    ImportField(
        "phone",
        gettext_lazy("Phone"),
        (
            "telefono",
            "tel",
            "phone",
            "telephone",
            "cellulare",
            "numero di telefono",
            "phone number",
            "recapito telefonico",
            "mobile",
        ),
        max_length=40,
    ),
    ImportField(
        "email",
        gettext_lazy("Email"),
        ("email", "e mail", "mail", "posta elettronica", "indirizzo email", "email address"),
        max_length=254,
    ),
    ImportField(
        "website",
        gettext_lazy("Website"),
        ("sito", "sito web", "sito internet", "website", "web", "url", "web site", "link"),
        max_length=200,
    ),
    ImportField(
        "categories",
        gettext_lazy("Categories"),
        ("categorie", "categoria", "categories", "category", "tipologia", "ambito", "area"),
    ),
    ImportField(
        "languages",
        gettext_lazy("Languages"),
        ("lingue", "lingua", "languages", "language", "lingue parlate", "languages spoken"),
    ),
    ImportField(
        "is_free",
        gettext_lazy("Free of charge"),
        ("gratuito", "gratuita", "gratis", "free", "free of charge", "costo", "cost"),
    ),
    ImportField(
        "is_public",
        gettext_lazy("Public"),
        ("pubblico", "pubblica", "public", "visibile", "visible", "pubblicato", "published"),
    ),
    ImportField(
        "opening_hours",
        gettext_lazy("Opening hours"),
        (
            "orari",
            "orario",
            "orari di apertura",
            "orario di apertura",
            "opening hours",
            "hours",
            "opening times",
            "apertura",
        ),
    ),
    ImportField(
        "source_ref",
        gettext_lazy("Id or reference (to recognise rows on a new import)"),
        (
            "id",
            "codice",
            "riferimento",
            "rif",
            "ref",
            "reference",
            "identificativo",
            "cod",
            "codice risorsa",
            "resource id",
            "service id",
            "id servizio",
        ),
    ),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


@dataclass
class CleanRow:
    """A valid row, normalised: what will be written."""

    number: int
    source_ref: str
    name: str
    organization: str = ""
    description: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    phone: str = ""
    email: str = ""
    website: str = ""
    categories: list[str] = field(default_factory=list)  # TaxonomyTerm ids
    category_labels: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # Language codes
    is_free: bool = False
    is_public: bool = False
    opening_hours: str = ""
    schedules: list[tuple[str, time, time]] = field(default_factory=list)

    @property
    def has_place(self) -> bool:
        return bool(self.address or self.city or self.postal_code or self.latitude is not None)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0


# --- Reading ---------------------------------------------------------------------------


def read_rows(file: IO[bytes], filename: str) -> tuple[list[str], list[SheetRow]]:
    """The header and the data rows of a CSV or XLSX file (``members.tabular``), within
    this module's limits. Raises ImportFileError with a message for the person."""
    return tabular.read_table(file, filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def _read_limited(file: IO[bytes]) -> bytes:
    return tabular.read_limited(file, max_bytes=MAX_BYTES)


def read_hsds_package(file: IO[bytes]) -> list[dict]:
    """The documents of an HSDS tabular data package (a .zip), read by
    ``resources.hsds_tabular``. Raises ImportFileError when it cannot be read."""
    import zipfile

    from . import hsds_tabular

    _read_limited(file)
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise ImportFileError(_("An HSDS data package is a .zip file."))
    file.seek(0)
    package_error = getattr(hsds_tabular, "PackageError", ValueError)
    try:
        documents = hsds_tabular.read_package(file)
    except (package_error, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise ImportFileError(
            _("The data package cannot be read: %(error)s") % {"error": error}
        ) from None
    if not documents:
        raise ImportFileError(_("The data package holds no services."))
    return documents


# --- Mapping ---------------------------------------------------------------------------


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Our field → the column of the file it most likely is, from the header names
    (``members.tabular.guess_mapping``)."""
    return tabular.guess_mapping(headers, FIELDS)


# --- Validation ------------------------------------------------------------------------

TRUE_WORDS = {"si", "sì", "s", "yes", "y", "true", "vero", "1", "x", "ok", "gratuito", "free"}
FALSE_WORDS = {"no", "n", "false", "falso", "0", "a pagamento", "paid"}

DAY_NAMES = {
    "MO": ("lun", "lunedi", "lunedì", "mon", "monday"),
    "TU": ("mar", "martedi", "martedì", "tue", "tues", "tuesday"),
    "WE": ("mer", "mercoledi", "mercoledì", "wed", "wednesday"),
    "TH": ("gio", "giovedi", "giovedì", "thu", "thur", "thurs", "thursday"),
    "FR": ("ven", "venerdi", "venerdì", "fri", "friday"),
    "SA": ("sab", "sabato", "sat", "saturday"),
    "SU": ("dom", "domenica", "sun", "sunday"),
}
DAY_CODES = list(DAY_NAMES)
_DAY_LOOKUP = {name: code for code, names in DAY_NAMES.items() for name in names}
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|alle|to|a)\s*{_TIME}")


def parse_opening_hours(text: str) -> list[tuple[str, time, time]] | None:
    """("MO,TU,WE,TH,FR", 09:00, 13:00) rows from a simple text such as
    "lun-ven 9-13 15-18; sab 9:30-12". None when the text is not that simple."""
    text = text.strip().lower()
    if not text:
        return []
    result: list[tuple[str, time, time]] = []
    for part in re.split(r"[;\n/]+", text):
        part = part.strip().rstrip(".")
        if not part:
            continue
        match = re.match(r"^([^\d]+?)\s*(\d.*)$", part)
        if not match:
            return None
        days = _parse_days(match.group(1))
        ranges = _parse_times(match.group(2))
        if not days or not ranges:
            return None
        result.extend((days, opens, closes) for opens, closes in ranges)
    return result


def _parse_days(text: str) -> str | None:
    text = re.sub(r"\b(dalle|ore|h|from|dal|da)\b", " ", text).strip(" :,")
    codes: list[str] = []
    for piece in re.split(r"\s*(?:,|\be\b|\band\b|&|\s)\s*", text):
        if not piece:
            continue
        bounds = re.split(r"\s*(?:-|–|\bal\b|\bto\b|\ba\b)\s*", piece)
        if len(bounds) == 2 and bounds[0] in _DAY_LOOKUP and bounds[1] in _DAY_LOOKUP:
            start, end = (
                DAY_CODES.index(_DAY_LOOKUP[bounds[0]]),
                DAY_CODES.index(_DAY_LOOKUP[bounds[1]]),
            )
            if start > end:
                return None
            codes.extend(DAY_CODES[start : end + 1])
        elif piece in _DAY_LOOKUP:
            codes.append(_DAY_LOOKUP[piece])
        else:
            return None
    ordered = [code for code in DAY_CODES if code in codes]
    return ",".join(ordered) or None


def _parse_times(text: str) -> list[tuple[time, time]] | None:
    ranges = []
    rest = text
    for match in _RANGE.finditer(text):
        try:
            opens = time(int(match.group(1)), int(match.group(2) or 0))
            closes_hour = int(match.group(3))
            closes = time(0 if closes_hour == 24 else closes_hour, int(match.group(4) or 0))
        except ValueError:
            return None
        ranges.append((opens, closes))
        rest = rest.replace(match.group(0), " ", 1)
    if re.search(r"\d", rest):
        return None  # something we did not understand: better no hours than wrong ones
    return ranges or None


@dataclass(frozen=True)
class Lookups:
    """What validation matches categories and languages against."""

    categories: dict[str, tuple[str, str]]  # normalised code/name → (term id, label)
    languages: set[str]

    @classmethod
    def from_database(cls) -> Lookups:
        from members.models import Language

        from .models import TaxonomyTerm

        categories: dict[str, tuple[str, str]] = {}
        for term in TaxonomyTerm.objects.only("id", "code", "name", "name_en"):
            value = (str(term.id), term.localized_name)
            for key in (term.name, term.name_en, term.code):
                categories[normalize_header(key)] = value
        return cls(categories, set(Language.objects.values_list("code", flat=True)))


def row_key(*, reference: str, name: str, address: str, city: str) -> str:
    """The ``source_ref`` of a row: its reference when it has one, else a hash of what
    makes it that resource (stable across imports, insensitive to case and spaces)."""
    if reference:
        reference = " ".join(reference.split())
        if len(reference) <= 100:
            return f"ref:{reference}"
        return "ref#" + hashlib.sha256(reference.encode()).hexdigest()[:64]
    identity = "|".join(normalize_header(part) for part in (name, address, city))
    return "h:" + hashlib.sha256(identity.encode()).hexdigest()[:64]


def validate_rows(
    rows: list[SheetRow], mapping: dict[str, str], *, lookups: Lookups | None = None
) -> tuple[list[CleanRow], list[dict]]:
    """The valid rows, normalised, and the errors of the others:
    ``{"row": 17, "column": "latitudine", "message": "not a number"}``."""
    lookups = lookups or Lookups.from_database()
    valid: list[CleanRow] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for row in rows:
        clean, row_errors = _validate_row(row, mapping, lookups)
        if not row_errors:
            first = seen.setdefault(clean.source_ref, row.number)
            if first != row.number:
                column = mapping.get("source_ref") or mapping["name"]
                row_errors.append(
                    _error(row, column, _("same resource as row %(row)s") % {"row": first})
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append(clean)
    return valid, errors


def _error(row: SheetRow, column: str, message: str) -> dict:
    return {"row": row.number, "column": column, "message": str(message)}


def _validate_row(
    row: SheetRow, mapping: dict[str, str], lookups: Lookups
) -> tuple[CleanRow, list[dict]]:
    errors: list[dict] = []
    values: dict[str, Any] = {}
    for f in FIELDS:
        column = mapping.get(f.key)
        raw = " ".join((row.values.get(column) or "").split()) if column else ""
        if f.key == "description" and column:
            raw = (row.values.get(column) or "").strip()  # keeps its line breaks
        if f.required and not raw:
            errors.append(_error(row, column or "", _("this value is required")))
            continue
        if f.max_length and len(raw) > f.max_length:
            errors.append(
                _error(
                    row,
                    column,
                    _("too long (at most %(max)s characters)") % {"max": f.max_length},
                )
            )
            continue
        try:
            values[f.key] = _clean_value(f.key, raw, lookups, values)
        except ValidationError as error:
            errors.append(_error(row, column, error.messages[0]))

    if errors:
        return CleanRow(number=row.number, source_ref="", name=""), errors
    if (values["latitude"] is None) != (values["longitude"] is None):
        missing, present = (
            ("latitude", "longitude") if values["latitude"] is None else ("longitude", "latitude")
        )
        column = mapping.get(missing) or mapping.get(present) or ""
        message = _("latitude and longitude go together: write both or neither")
        return CleanRow(number=row.number, source_ref="", name=""), [_error(row, column, message)]
    categories = values.pop("categories")
    schedules = values.pop("schedules", [])
    return (
        CleanRow(
            number=row.number,
            source_ref=row_key(
                reference=values.pop("source_ref"),
                name=values["name"],
                address=values["address"],
                city=values["city"],
            ),
            categories=[term_id for term_id, _label in categories],
            category_labels=[label for _term_id, label in categories],
            schedules=schedules,
            **values,
        ),
        [],
    )


def _clean_value(key: str, raw: str, lookups: Lookups, values: dict) -> Any:
    if key in ("latitude", "longitude"):
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("not a number")) from None
        limit = 90 if key == "latitude" else 180
        if not number.is_finite() or abs(number) > limit:
            raise ValidationError(_("must be between -%(limit)s and %(limit)s") % {"limit": limit})
        return number.quantize(Decimal("0.000001"))
    if key in ("is_free", "is_public"):
        word = raw.lower()
        if not word:
            return False
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("write yes or no"))
    if key == "email":
        if raw:
            try:
                EmailValidator()(raw)
            except ValidationError:
                raise ValidationError(_("not a valid email address")) from None
        return raw
    if key == "website":
        if raw and not re.match(r"^https?://", raw, re.IGNORECASE):
            raw = f"https://{raw}"
        if raw:
            try:
                URLValidator()(raw)
            except ValidationError:
                raise ValidationError(_("not a valid web address")) from None
        return raw
    if key == "categories":
        found = []
        for part in re.split(r"[;,]", raw):
            part = part.strip()
            if not part:
                continue
            match = lookups.categories.get(normalize_header(part))
            if match is None:
                raise ValidationError(_("unknown category “%(value)s”") % {"value": part})
            if match not in found:
                found.append(match)
        return found
    if key == "languages":
        codes = []
        for part in re.split(r"[;,\s]+", raw):
            code = part.strip().lower()
            if not code:
                continue
            if code not in lookups.languages:
                raise ValidationError(
                    _("unknown language code “%(value)s” (use ISO codes: it, en, fr…)")
                    % {"value": part}
                )
            if code not in codes:
                codes.append(code)
        return codes
    if key == "opening_hours":
        # Hours we cannot read are kept as text only: they never block an import.
        values["schedules"] = parse_opening_hours(raw) or []
        return raw
    if key == "phone" and raw and not re.search(r"\d", raw):
        raise ValidationError(_("not a phone number"))
    return raw


# --- Writing ---------------------------------------------------------------------------


def import_rows(
    rows: list[CleanRow],
    *,
    association,
    user=None,
    mapping: dict[str, str] | None = None,
    batch_size: int | None = None,
    on_batch: Callable[[int, ImportCounts], None] | None = None,
) -> ImportCounts:
    """Create or update one service (with its organization, place, phone and hours)
    per row, ``batch_size`` rows per transaction. ``on_batch(done, counts)`` is called
    after each committed batch, for progress.

    ``mapping`` is the job's (our field → the file's column; None: every field). An
    existing service gets only the fields the file has a column for: a file without,
    say, the descriptions leaves them as they are instead of emptying them. Defaults
    (not public, the association as organization) are for new services only."""
    batch_size = batch_size or BATCH_SIZE
    mapped = (
        {f.key for f in FIELDS}
        if mapping is None
        else {key for key, column in mapping.items() if column}
    )
    counts = ImportCounts()
    organizations: dict[str, Any] = {}
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            _import_batch(batch, association, user, organizations, counts, mapped)
        if on_batch is not None:
            on_batch(start + len(batch), counts)
    return counts


def _organization_for(name: str, association, organizations: dict):
    from .models import Organization

    name = name or association.name
    key = name.casefold()
    if key not in organizations:
        organization = (
            Organization.objects.maintained_by(association).filter(name__iexact=name).first()
        )
        if organization is None:
            organization = Organization(name=name, maintained_by=association)
            organization.full_clean(validate_constraints=False)
            organization.save()
        organizations[key] = organization
    return organizations[key]


SERVICE_FIELDS = ("organization_id", "name", "description", "email", "url", "is_free", "is_public")
LOCATION_FIELDS = ("organization_id", "address_1", "city", "postal_code", "latitude", "longitude")
# Foreign keys are set from rows we have just read or made: validating them would cost a
# query each.
NOT_VALIDATED = ["organization", "maintained_by", "last_verified_by"]


def _assign(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


# Our fields of a service, by the spreadsheet field they come from.
SERVICE_COLUMNS = {
    "name": "name",
    "description": "description",
    "email": "email",
    "url": "website",
    "is_free": "is_free",
    "is_public": "is_public",
}
LOCATION_COLUMNS = {
    "address_1": "address",
    "city": "city",
    "postal_code": "postal_code",
    "latitude": "latitude",
    "longitude": "longitude",
}


def _import_batch(
    batch: list[CleanRow], association, user, organizations, counts, mapped: set[str]
) -> None:
    """One batch in a constant number of queries (plus one per new organization and per
    service whose hours changed): rows are compared with what is stored and only what
    differs is written, in bulk, with its history. ``mapped``: the fields the file has
    (see ``import_rows``)."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .models import Location, Phone, Schedule, Service, ServiceAtLocation

    now = timezone.now()
    existing = {
        s.source_ref: s
        for s in Service.objects.maintained_by(association)
        .filter(source_ref__in=[r.source_ref for r in batch])
        .prefetch_related("locations", "phones", "schedules", "categories", "languages")
    }
    new_services, changed_services = [], []
    new_locations, changed_locations, new_links = [], [], []
    new_phones, changed_phones = [], []
    new_schedules, replaced_schedules = [], []
    m2m_rewrites: list[tuple[Service, list[str], list[str]]] = []
    for row in batch:
        service = existing.get(row.source_ref)
        created = service is None
        if created:
            service = Service(maintained_by=association, source_ref=row.source_ref)
            counts.created += 1
        else:
            counts.updated += 1
        values = {
            name: getattr(row, key)
            for name, key in SERVICE_COLUMNS.items()
            if created or key in mapped
        }
        if created or "organization" in mapped:
            organization = _organization_for(row.organization, association, organizations)
            values["organization_id"] = organization.pk
        changed = _assign(service, values)
        if created or changed:
            service.updated_at = now
            service.full_clean(
                exclude=NOT_VALIDATED, validate_unique=False, validate_constraints=False
            )
            (new_services if created else changed_services).append(service)

        current_categories = [] if created else [str(t.pk) for t in service.categories.all()]
        current_languages = [] if created else [lang.pk for lang in service.languages.all()]
        categories = row.categories if created or "categories" in mapped else current_categories
        languages = row.languages if created or "languages" in mapped else current_languages
        if set(current_categories) != set(categories) or set(current_languages) != set(languages):
            m2m_rewrites.append((service, categories, languages))
            if not created and not changed:
                changed_services.append(service)  # its history records the new values

        if row.has_place:
            location = None if created else next(iter(service.locations.all()), None)
            if location is None:
                location = Location(
                    maintained_by=association,
                    organization_id=service.organization_id,
                    **{name: getattr(row, key) for name, key in LOCATION_COLUMNS.items()},
                )
                new_locations.append(location)
                new_links.append(ServiceAtLocation(service=service, location=location))
            elif location.maintained_by_id != association.pk:
                # A place another association keeps: theirs to change, not this file's.
                location = None
            else:
                values = {
                    name: getattr(row, key)
                    for name, key in LOCATION_COLUMNS.items()
                    if key in mapped
                }
                if "organization" in mapped:
                    values["organization_id"] = service.organization_id
                if _assign(location, values):
                    location.updated_at = now
                    changed_locations.append(location)
            if location is not None:
                location.full_clean(
                    exclude=NOT_VALIDATED, validate_unique=False, validate_constraints=False
                )

        if row.phone:
            phone = None if created else next(iter(service.phones.all()), None)
            if phone is None:
                new_phones.append(Phone(service=service, number=row.phone))
            elif phone.number != row.phone:
                phone.number = row.phone
                changed_phones.append(phone)

        if row.schedules:
            # The spreadsheet is where these hours are kept: its weekly hours replace the
            # service's when they differ; exceptions (holidays) stay.
            current = [] if created else [h for h in service.schedules.all() if h.freq]
            wanted = [(byday, opens, closes) for byday, opens, closes in row.schedules]
            if sorted((h.byday, h.opens_at, h.closes_at) for h in current) != sorted(wanted):
                replaced_schedules.extend(h.pk for h in current)
                new_schedules.extend(
                    Schedule(
                        service=service,
                        freq=Schedule.Freq.WEEKLY,
                        byday=byday,
                        opens_at=opens,
                        closes_at=closes,
                        description=row.opening_hours[:300],
                    )
                    for byday, opens, closes in wanted
                )

    Service.objects.bulk_create(new_services)
    Service.objects.bulk_update(changed_services, [*SERVICE_FIELDS, "updated_at"])
    _rewrite_m2m(m2m_rewrites)
    records = [
        *Service.history.bulk_history_create(new_services, default_user=user),
        *Service.history.bulk_history_create(changed_services, update=True, default_user=user),
    ]
    _history_m2m(Service, records)

    bulk_create_with_history(new_locations, Location, default_user=user)
    if changed_locations:
        bulk_update_with_history(
            changed_locations, Location, [*LOCATION_FIELDS, "updated_at"], default_user=user
        )
    ServiceAtLocation.objects.bulk_create(new_links)
    Phone.objects.bulk_create(new_phones)
    Phone.objects.bulk_update(changed_phones, ["number"])
    if replaced_schedules:
        Schedule.objects.filter(pk__in=replaced_schedules).delete()
    bulk_create_with_history(new_schedules, Schedule, default_user=user)


def _rewrite_m2m(rewrites: list) -> None:
    from .models import Service

    if not rewrites:
        return
    categories, languages = Service.categories.through, Service.languages.through
    service_ids = [service.pk for service, _categories, _languages in rewrites]
    categories.objects.filter(service_id__in=service_ids).delete()
    languages.objects.filter(service_id__in=service_ids).delete()
    categories.objects.bulk_create(
        categories(service_id=service.pk, taxonomyterm_id=term)
        for service, terms, _languages in rewrites
        for term in terms
    )
    languages.objects.bulk_create(
        languages(service_id=service.pk, language_id=code)
        for service, _terms, codes in rewrites
        for code in codes
    )


def _history_m2m(model, records: list) -> None:
    """simple_history keeps, with each historical row, the many-to-many values of that
    moment; its bulk helper leaves them out, so they are written here."""
    history_model = model.history.model
    ids = [record.id for record in records] if records else []
    if not ids:
        return
    for m2m_field in history_model._history_m2m_fields:
        through = m2m_field.remote_field.through
        owner = m2m_field.m2m_field_name()
        m2m_history_model = history_model._meta.get_field(
            f"{history_model._meta.model_name}_{m2m_field.name}"
        ).related_model
        by_owner: dict[Any, list] = {}
        for row in through.objects.filter(**{f"{owner}_id__in": ids}):
            by_owner.setdefault(getattr(row, f"{owner}_id"), []).append(row)
        attnames = [f.attname for f in through._meta.fields]
        m2m_history_model.objects.bulk_create(
            m2m_history_model(history=record, **{a: getattr(row, a) for a in attnames})
            for record in records
            for row in by_owner.get(record.id, [])
        )
