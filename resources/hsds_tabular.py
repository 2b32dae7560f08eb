"""HSDS 3.0 tabular data packages: a zip of one CSV per object and ``datapackage.json``.

``export_package`` writes the service documents of ``resources.hsds`` as CSV rows (the
columns of the HSDS data package, empty where we have nothing); ``read_package`` turns a
package back into service documents for ``hsds.import_documents``, so a package round
trip gives the same documents. A malformed package raises ``ValueError`` saying which
file, row and column.
"""

from __future__ import annotations

import csv
import io
import json
import math
import posixpath
import uuid
import zipfile
from collections import defaultdict
from functools import cache

from django.db.models import QuerySet

from . import hsds
from .models import Service

# The objects we write, in the package's order; the file names are HSDS's.
TABLES = (
    "organization",
    "service",
    "location",
    "service_at_location",
    "address",
    "accessibility",
    "phone",
    "schedule",
    "language",
    "required_document",
    "cost_option",
    "taxonomy",
    "taxonomy_term",
    "attribute",
)
# Tables without which there is no service to import.
REQUIRED_TABLES = ("organization", "service")
# A package's CSV files unpacked, at most (a zip bomb is refused before it is read).
MAX_FILE_BYTES = 50 * 1024 * 1024
# Fixed zip timestamps: the same data gives the same bytes.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)


@cache
def datapackage() -> dict:
    return json.loads((hsds.SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@cache
def _resources() -> dict[str, dict]:
    return {resource["name"]: resource for resource in datapackage()["resources"]}


def _fields(table: str) -> list[dict]:
    return _resources()[table]["schema"]["fields"]


def _columns(table: str) -> list[str]:
    return [f["name"] for f in _fields(table)]


def _required_columns(table: str) -> list[str]:
    return [f["name"] for f in _fields(table) if f.get("constraints", {}).get("required")]


# --- Export --------------------------------------------------------------------------


def export_package(queryset: QuerySet | None = None) -> bytes:
    """The services of ``queryset`` (every public, active one by default) as a zip."""
    if queryset is None:
        queryset = Service.objects.public().active()
    return package_from_documents(hsds.export_services(queryset))


def package_from_documents(documents: list[dict]) -> bytes:
    rows = _flatten(documents)
    metadata = {key: value for key, value in datapackage().items() if key != "resources"}
    metadata["resources"] = [_resources()[table] for table in TABLES]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("datapackage.json", ZIP_DATE),
            json.dumps(metadata, indent=2, ensure_ascii=False),
            zipfile.ZIP_DEFLATED,
        )
        for table in TABLES:
            archive.writestr(
                zipfile.ZipInfo(_resources()[table]["path"], ZIP_DATE),
                _csv(table, rows[table]),
                zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def _csv(table: str, rows: dict[str, dict]) -> str:
    columns = _columns(table)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row_id in sorted(rows):
        writer.writerow({key: _cell(value) for key, value in rows[row_id].items()})
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value)


def _flatten(documents: list[dict]) -> dict[str, dict[str, dict]]:
    """One row per object id and table (a phone of a service and of its place is one
    row, as in the database)."""
    rows: dict[str, dict[str, dict]] = {table: {} for table in TABLES}

    def scalars(document: dict) -> dict:
        return {k: v for k, v in document.items() if not isinstance(v, dict | list)}

    def add(table: str, document: dict) -> None:
        rows[table][document["id"]] = scalars(document)

    def add_location(location: dict) -> None:
        add("location", location)
        for address in location.get("addresses", []):
            add("address", address)
        for item in location.get("accessibility", []):
            add("accessibility", item)
        for phone in location.get("phones", []):
            add("phone", phone)
        for schedule in location.get("schedules", []):
            add("schedule", schedule)

    for service in documents:
        add("service", service)
        if service.get("organization"):
            add("organization", service["organization"])
        for phone in service.get("phones", []):
            add("phone", phone)
        for schedule in service.get("schedules", []):
            add("schedule", schedule)
        for language in service.get("languages", []):
            add("language", language)
        for required in service.get("required_documents", []):
            add("required_document", required)
        for option in service.get("cost_options", []):
            add("cost_option", option)
        for attribute in service.get("attributes", []):
            add("attribute", attribute)
            term = attribute.get("taxonomy_term")
            if term:
                add("taxonomy_term", term)
                if term.get("taxonomy_detail"):
                    add("taxonomy", term["taxonomy_detail"])
        for sal in service.get("service_at_locations", []):
            add("service_at_location", sal)
            for schedule in sal.get("schedules", []):
                add("schedule", schedule)
            if sal.get("location"):
                add_location(sal["location"])
    return rows


# --- Import --------------------------------------------------------------------------


def read_package(fileobj) -> list[dict]:
    """The service documents of the HSDS data package (a zip) in ``fileobj``, ready for
    ``hsds.import_documents``. Raises ValueError on a malformed package."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"not a zip file: {error}") from None
    with archive:
        tables = _read_tables(archive)
    return _documents(tables)


def _read_tables(archive: zipfile.ZipFile) -> dict[str, list[dict]]:
    names = [name for name in archive.namelist() if not name.endswith("/")]
    # A package zipped with its folder has everything one level down.
    descriptor = min(
        (name for name in names if posixpath.basename(name) == "datapackage.json"),
        key=len,
        default=None,
    )
    base = posixpath.dirname(descriptor) if descriptor else ""
    paths = {table: _resources()[table]["path"] for table in TABLES}
    if descriptor:
        if archive.getinfo(descriptor).file_size > MAX_FILE_BYTES:
            raise ValueError(
                f"datapackage.json is larger than {MAX_FILE_BYTES // 2**20} MB unpacked"
            )
        try:
            declared = json.loads(archive.read(descriptor).decode("utf-8-sig"))
            for resource in declared.get("resources", []):
                if resource.get("name") in paths and isinstance(resource.get("path"), str):
                    paths[resource["name"]] = resource["path"]
        except (ValueError, AttributeError) as error:
            raise ValueError(f"datapackage.json is not valid JSON: {error}") from None
    tables = {}
    for table, path in paths.items():
        full = posixpath.join(base, path) if base else path
        if full not in names:
            if table in REQUIRED_TABLES:
                raise ValueError(f"the package has no {path} ({table} table)")
            tables[table] = []
            continue
        if archive.getinfo(full).file_size > MAX_FILE_BYTES:
            raise ValueError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB unpacked")
        tables[table] = _read_csv(table, path, archive.read(full))
    return tables


def _read_csv(table: str, path: str, data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in _required_columns(table) if c not in header]
    if missing:
        raise ValueError(f"{path} has no column {', '.join(missing)}")
    fields = {f["name"]: f for f in _fields(table)}
    required = set(_required_columns(table))
    rows = []
    try:
        for number, raw in enumerate(reader, start=2):  # the header is line 1
            row = {}
            for column, value in raw.items():
                if column not in fields:
                    continue  # a column of a newer HSDS, or of someone's own
                value = (value or "").strip()
                if value == "":
                    # An empty required text is "" (an organization without a
                    # description); an empty id is no link.
                    if column in required and fields[column].get("format") != "uuid":
                        row[column] = ""
                    continue
                row[column] = _typed(fields[column], value, f"{path} line {number}")
            if "id" not in row:
                raise ValueError(f"{path} line {number}: no id")
            rows.append(row)
    except csv.Error as error:
        raise ValueError(f"{path}: {error}") from None
    return rows


def _typed(field: dict, value: str, where: str):
    name = field["name"]
    if field.get("format") == "uuid":
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError(f"{where}: {name} {value!r} is not a UUID") from None
    if field["type"] == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{where}: {name} {value!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{where}: {name} {value!r} is not a number")
        if number.is_integer() and not any(c in value for c in ".eE"):
            return int(number)
        return number
    return value


def _documents(tables: dict[str, list[dict]]) -> list[dict]:
    def by_id(table: str) -> dict[str, dict]:
        return {row["id"]: row for row in tables[table]}

    def grouped(table: str, key: str) -> dict[str, list[dict]]:
        groups = defaultdict(list)
        for row in sorted(tables[table], key=lambda r: r["id"]):
            if key in row:
                groups[row[key]].append(row)
        return groups

    organizations = by_id("organization")
    locations = by_id("location")
    taxonomies = by_id("taxonomy")
    terms = by_id("taxonomy_term")
    phones_of_service = grouped("phone", "service_id")
    phones_of_location = grouped("phone", "location_id")
    schedules = tables["schedule"]
    schedules_of_service = defaultdict(list)
    schedules_of_sal = defaultdict(list)
    schedules_of_location = defaultdict(list)
    for row in sorted(schedules, key=lambda r: r["id"]):
        if "service_at_location_id" in row:
            schedules_of_sal[row["service_at_location_id"]].append(row)
        elif "service_id" in row:
            schedules_of_service[row["service_id"]].append(row)
        elif "location_id" in row:
            schedules_of_location[row["location_id"]].append(row)
    addresses = grouped("address", "location_id")
    accessibility = grouped("accessibility", "location_id")
    languages = grouped("language", "service_id")
    required_documents = grouped("required_document", "service_id")
    cost_options = grouped("cost_option", "service_id")
    attributes = grouped("attribute", "link_id")
    sals = grouped("service_at_location", "service_id")

    def location_document(location_id: str, service_id: str, where: str) -> dict:
        if location_id not in locations:
            raise ValueError(f"{where}: location_id {location_id} is not in the locations")
        document = dict(locations[location_id])
        document["addresses"] = addresses.get(location_id, [])
        document["accessibility"] = accessibility.get(location_id, [])
        # As hsds.location_document: the place's phones and this service's, no other's.
        document["phones"] = [
            phone
            for phone in phones_of_location.get(location_id, [])
            if phone.get("service_id", service_id) == service_id
        ]
        document["schedules"] = schedules_of_location.get(location_id, [])
        if not document["addresses"]:
            del document["addresses"]
        return document

    def term_document(term_id: str, where: str) -> dict:
        if term_id not in terms:
            raise ValueError(f"{where}: taxonomy_term_id {term_id} is not in the taxonomy terms")
        document = dict(terms[term_id])
        if document.get("taxonomy_id") in taxonomies:
            document["taxonomy_detail"] = taxonomies[document["taxonomy_id"]]
        return document

    documents = []
    for row in sorted(tables["service"], key=lambda r: r["id"]):
        service_id = row["id"]
        where = f"service {service_id}"
        document = dict(row)
        organization_id = row.get("organization_id")
        if organization_id not in organizations:
            raise ValueError(
                f"{where}: organization_id {organization_id} is not in the organizations"
            )
        document["organization"] = organizations[organization_id]
        document["phones"] = phones_of_service.get(service_id, [])
        document["schedules"] = schedules_of_service.get(service_id, [])
        document["service_at_locations"] = [
            {
                **sal,
                "schedules": schedules_of_sal.get(sal["id"], []),
                "location": location_document(sal["location_id"], service_id, where),
            }
            for sal in sals.get(service_id, [])
        ]
        document["languages"] = languages.get(service_id, [])
        document["required_documents"] = required_documents.get(service_id, [])
        document["cost_options"] = cost_options.get(service_id, [])
        document["attributes"] = [
            {**attribute, "taxonomy_term": term_document(attribute["taxonomy_term_id"], where)}
            for attribute in attributes.get(service_id, [])
            if attribute.get("link_entity", "service") == "service"
        ]
        documents.append(document)
    return documents
