"""The resource map in HSDS 3.0 (Open Referral) terms: services and organizations as
JSON documents, and back.

A document keeps our ids, so another directory that imports it and exports it again
hands us the same records. HSDS gives an id to things our model keeps as a field or a
many-to-many row (a service's language, a category attribute, a location's address or
accessibility): those ids are uuid5 of the parent's id and a key, so the same data
always exports to the same document and an import → export round trip is exact.

Imports go through ``import_documents``: every document is checked against the HSDS
schema, then created or updated by id for the importing association. A record another
association maintains is never overwritten: the document is refused with a reason.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from members.models import Association, Language

from .models import (
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
HSDS_VERSION = "3.0"
# Ids of what our model stores without one (see the module docstring).
NAMESPACE = uuid.UUID("3c0d8e43-5a8f-4b7e-9f1e-2a6f5d9c4b21")
WHEELCHAIR = "wheelchair_accessible"
FREE = "free"


def derived_id(parent_id, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{parent_id}:{key}"))


# --- Schemas -------------------------------------------------------------------------


@cache
def _registry() -> Registry:
    """The per-object schemas under their file names: their ``$ref``s are relative
    (``"$ref": "phone.json"``), so each resolves inside this registry, never online."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name == "datapackage.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@cache
def validator(name: str = "service") -> Draft202012Validator:
    """A validator of an HSDS ``service`` or ``organization`` document."""
    registry = _registry()
    schema = registry.contents(f"{name}.json")
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(document, name: str = "service") -> list[str]:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path) or '(document)'}: {e.message}" for e in errors]


# --- Export --------------------------------------------------------------------------


def services_for_export(queryset: QuerySet | None = None) -> QuerySet:
    """``queryset`` (every service by default) with what ``service_document`` reads,
    in a fixed number of queries however many services there are."""
    if queryset is None:
        queryset = Service.objects.all()
    return queryset.select_related("organization").prefetch_related(
        "phones",
        "schedules",
        "languages",
        "required_documents",
        Prefetch("categories", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "schedules", "location__phones", "location__schedules"
            ),
        ),
    )


def organizations_for_export(queryset: QuerySet | None = None, services=None) -> QuerySet:
    """Organizations with their phones, locations and the services of ``services``
    (a Service queryset: all of the organization's by default)."""
    if queryset is None:
        queryset = Organization.objects.all()
    if services is None:
        services = Service.objects.all()
    return queryset.prefetch_related(
        "phones",
        Prefetch("locations", queryset=Location.objects.prefetch_related("phones", "schedules")),
        Prefetch("services", queryset=services_for_export(services)),
    )


def _put(document: dict, key: str, value) -> None:
    """Optional fields are left out when empty: an empty string is not a valid
    ``uri`` or ``email``, and leaving them out keeps documents small."""
    if value not in (None, ""):
        document[key] = value


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def organization_summary(organization: Organization) -> dict:
    """The one-to-one fields of an organization (as nested in a service)."""
    document = {
        "id": str(organization.id),
        "name": organization.name,
        "description": organization.description,
    }
    _put(document, "alternate_name", organization.alternate_name)
    _put(document, "email", organization.email)
    _put(document, "website", organization.website)
    _put(document, "tax_id", organization.tax_id)
    _put(document, "year_incorporated", organization.year_incorporated)
    _put(document, "legal_status", organization.legal_status)
    return document


def phone_document(phone: Phone) -> dict:
    document = {"id": str(phone.id), "number": phone.number}
    for name in ("organization_id", "service_id", "location_id"):
        value = getattr(phone, name)
        _put(document, name, value and str(value))
    # HSDS has a number for the extension: others we keep in the description.
    if phone.extension.isdigit():
        document["extension"] = int(phone.extension)
    _put(document, "type", phone.type)
    _put(document, "description", phone.description)
    return document


def schedule_document(schedule: Schedule) -> dict:
    document = {"id": str(schedule.id)}
    for name in ("service_id", "location_id", "service_at_location_id"):
        value = getattr(schedule, name)
        _put(document, name, value and str(value))
    _put(document, "freq", schedule.freq)
    _put(document, "byday", schedule.byday)
    _put(document, "opens_at", schedule.opens_at and schedule.opens_at.isoformat())
    _put(document, "closes_at", schedule.closes_at and schedule.closes_at.isoformat())
    _put(document, "valid_from", schedule.valid_from and schedule.valid_from.isoformat())
    _put(document, "valid_to", schedule.valid_to and schedule.valid_to.isoformat())
    _put(document, "description", schedule.description)
    _put(document, "notes", schedule.notes)
    return document


def _by_id(rows):
    # Every list of a document is in id order: the same data, the same document.
    return sorted(rows, key=lambda row: str(row.id))


def location_document(location: Location, service_id: uuid.UUID | None = None) -> dict:
    """A place with its own phones and hours; in the document of the service
    ``service_id``, that service's phones there too. Never another service's phones:
    that service may not be public."""
    document = {"id": str(location.id), "location_type": location.location_type}
    _put(document, "organization_id", location.organization_id and str(location.organization_id))
    _put(document, "name", location.name)
    _put(document, "description", location.description)
    _put(document, "url", location.url)
    if location.latitude is not None:
        document["latitude"] = float(location.latitude)
    if location.longitude is not None:
        document["longitude"] = float(location.longitude)
    if location.location_type != Location.Type.VIRTUAL and (location.address_1 or location.city):
        address = {
            "id": derived_id(location.id, "address"),
            "location_id": str(location.id),
            "address_1": location.address_1,
            "city": location.city,
            "state_province": location.state_province,
            "postal_code": location.postal_code,
            "country": location.country,
            "address_type": location.location_type,
        }
        _put(address, "address_2", location.address_2)
        document["addresses"] = [address]
    accessibility = []
    if location.wheelchair_accessible:
        accessibility.append(
            {
                "id": derived_id(location.id, "accessibility:wheelchair"),
                "location_id": str(location.id),
                "description": "Wheelchair accessible",
                "details": WHEELCHAIR,
            }
        )
    if location.accessibility_description:
        accessibility.append(
            {
                "id": derived_id(location.id, "accessibility"),
                "location_id": str(location.id),
                "description": location.accessibility_description,
            }
        )
    document["accessibility"] = sorted(accessibility, key=lambda item: item["id"])
    document["phones"] = [
        phone_document(p)
        for p in _by_id(location.phones.all())
        if p.service_id is None or p.service_id == service_id
    ]
    document["schedules"] = [
        schedule_document(s)
        for s in _by_id(location.schedules.all())
        if s.service_id is None and s.service_at_location_id is None
    ]
    return document


def taxonomy_term_document(term: TaxonomyTerm) -> dict:
    # One name per term in HSDS: the English one, for directories beyond Italy.
    document = {
        "id": str(term.id),
        "code": term.code,
        "name": term.name_en or term.name,
        "description": term.description,
        "language": "en",
    }
    _put(document, "parent_id", term.parent_id and str(term.parent_id))
    _put(document, "term_uri", term.term_uri)
    if term.taxonomy is not None:
        taxonomy = term.taxonomy
        document["taxonomy"] = taxonomy.name
        document["taxonomy_id"] = str(taxonomy.id)
        detail = {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
        }
        _put(detail, "uri", taxonomy.uri)
        _put(detail, "version", taxonomy.version)
        document["taxonomy_detail"] = detail
    return document


def attribute_document(service: Service, term: TaxonomyTerm) -> dict:
    return {
        "id": derived_id(service.id, f"attribute:{term.id}"),
        "link_id": str(service.id),
        "link_type": "category",
        "link_entity": "service",
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": taxonomy_term_document(term),
    }


def language_document(service: Service, language: Language) -> dict:
    return {
        "id": derived_id(service.id, f"language:{language.code}"),
        "service_id": str(service.id),
        "name": language.name_en,
        "code": language.code,
    }


def service_summary(service: Service) -> dict:
    """A service's one-to-one fields and its organization's (the API's list items)."""
    document = {
        "id": str(service.id),
        "organization_id": str(service.organization_id),
        "name": service.name,
        "status": service.status,
    }
    for name in (
        "alternate_name",
        "description",
        "url",
        "email",
        "interpretation_services",
        "application_process",
        "fees_description",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
    ):
        _put(document, name, getattr(service, name))
    if service.last_verified_at:
        document["assured_date"] = timezone.localdate(service.last_verified_at).isoformat()
    document["last_modified"] = _timestamp(service.updated_at)
    document["organization"] = organization_summary(service.organization)
    return document


def service_document(service: Service, *, with_organization: bool = True) -> dict:
    """The fully nested HSDS service (what ``GET /services/{id}`` answers). Read it from
    ``services_for_export()`` to keep to a fixed number of queries."""
    document = service_summary(service)
    if not with_organization:
        del document["organization"]
    document["phones"] = [phone_document(p) for p in _by_id(service.phones.all())]
    document["schedules"] = [
        schedule_document(s)
        for s in _by_id(service.schedules.all())
        if s.service_at_location_id is None
    ]
    document["service_at_locations"] = [
        _service_at_location_document(sal) for sal in _by_id(service.service_at_locations.all())
    ]
    document["languages"] = sorted(
        (language_document(service, language) for language in service.languages.all()),
        key=lambda item: item["id"],
    )
    document["required_documents"] = []
    for required in _by_id(service.required_documents.all()):
        item = {
            "id": str(required.id),
            "service_id": str(service.id),
            "document": required.document,
        }
        _put(item, "uri", required.uri)
        document["required_documents"].append(item)
    document["cost_options"] = []
    if service.is_free:
        document["cost_options"].append(
            {
                "id": derived_id(service.id, "cost:free"),
                "service_id": str(service.id),
                "option": FREE,
                "amount": 0,
                "currency": "EUR",
            }
        )
    document["attributes"] = sorted(
        (attribute_document(service, term) for term in service.categories.all()),
        key=lambda item: item["id"],
    )
    return document


def _service_at_location_document(sal: ServiceAtLocation) -> dict:
    document = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
    }
    _put(document, "description", sal.description)
    document["schedules"] = [schedule_document(s) for s in _by_id(sal.schedules.all())]
    document["location"] = location_document(sal.location, sal.service_id)
    return document


def organization_document(organization: Organization) -> dict:
    """The HSDS organization with its phones, locations and services. Read it from
    ``organizations_for_export()`` to keep to a fixed number of queries."""
    document = organization_summary(organization)
    document["phones"] = [phone_document(p) for p in _by_id(organization.phones.all())]
    document["locations"] = [location_document(loc) for loc in _by_id(organization.locations.all())]
    document["services"] = [
        service_document(s, with_organization=False) for s in _by_id(organization.services.all())
    ]
    return document


def export_services(queryset: QuerySet) -> list[dict]:
    return [service_document(s) for s in services_for_export(queryset).order_by("id")]


# --- Import --------------------------------------------------------------------------


@dataclass
class ImportResult:
    """Counts of services created and updated, and why the refused documents were."""

    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


class DocumentError(ValueError):
    pass


@transaction.atomic
def import_documents(documents: list[dict], *, association: Association, user=None) -> ImportResult:
    """Create or update, by id, the services of HSDS ``documents`` (with their
    organization, locations, phones, hours, languages, categories and required
    documents) as maintained by ``association``. Each document is imported whole or not
    at all; the refused ones are listed in ``errors`` and the others still go in. A
    second run of the same documents changes nothing."""
    result = ImportResult()
    importer = _Importer(association=association, user=user)
    for number, document in enumerate(documents, start=1):
        label = _label(number, document)
        if not isinstance(document, dict):
            result.errors.append(f"{label}: not a JSON object")
            continue
        problems = schema_errors(document)
        if problems:
            result.errors.extend(f"{label}: {problem}" for problem in problems)
            continue
        try:
            with transaction.atomic():
                created = importer.service(document)
        except DocumentError as error:
            result.errors.append(f"{label}: {error}")
            continue
        except IntegrityError as error:  # a rule of the database the checks above missed
            result.errors.append(f"{label}: {error}".splitlines()[0])
            continue
        if created:
            result.created += 1
        else:
            result.updated += 1
    importer.link_term_parents()
    return result


def _label(number: int, document) -> str:
    if isinstance(document, dict) and document.get("name"):
        return f"service {number} ({document['name']})"
    return f"service {number}"


def _uuid(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise DocumentError(f"{what}: {value!r} is not a UUID") from None


def _text(document: dict, key: str, max_length: int | None = None) -> str:
    value = document.get(key)
    if value is None:
        return ""
    value = str(value)
    if max_length is not None and len(value) > max_length:
        raise DocumentError(f"{key}: longer than {max_length} characters")
    return value


def _integer(document: dict, key: str) -> int | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or not math.isfinite(value) or int(value) != value:
        raise DocumentError(f"{key}: {value!r} is not a whole number")
    return int(value)


def _parsed(parse, document: dict, key: str):
    raw = document.get(key)
    if raw in (None, ""):
        return None
    value = parse(str(raw))
    if value is None:
        raise DocumentError(f"{key}: {raw!r} is not valid")
    return value


class _Importer:
    def __init__(self, *, association: Association, user) -> None:
        self.association = association
        self.user = user
        self.pending_parents: dict[uuid.UUID, uuid.UUID] = {}

    def _upsert(self, model, pk: uuid.UUID, fields: dict, *, maintained: bool = True):
        instance = model.objects.filter(pk=pk).first()
        created = instance is None
        if created:
            instance = model(pk=pk)
            if maintained:
                instance.maintained_by = self.association
        elif maintained and instance.maintained_by_id != self.association.pk:
            what = model._meta.verbose_name
            raise DocumentError(f"{what} {pk} is maintained by another association")
        for name, value in fields.items():
            setattr(instance, name, value)
        if self.user is not None:
            instance._history_user = self.user
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise DocumentError(f"{model._meta.model_name} {pk}: {error}") from None
        instance.save()
        return instance, created

    def _keep_modified(self, model, pk, document: dict, key: str = "last_modified") -> None:
        # auto_now stamps every save: keep the exchanged moment instead, so an
        # export → import → export round trip gives the same documents.
        modified = _parsed(parse_datetime, document, key)
        if modified is not None:
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified, datetime.UTC)
            model.objects.filter(pk=pk).update(updated_at=modified)

    def organization(self, document: dict) -> Organization:
        pk = _uuid(document.get("id"), "organization id")
        organization, _created = self._upsert(
            Organization,
            pk,
            {
                "name": _text(document, "name", 200),
                "alternate_name": _text(document, "alternate_name", 200),
                "description": _text(document, "description"),
                "email": _text(document, "email"),
                "website": _text(document, "website"),
                "tax_id": _text(document, "tax_id", 16),
                "legal_status": _text(document, "legal_status", 100),
                "year_incorporated": _integer(document, "year_incorporated"),
            },
        )
        return organization

    def service(self, document: dict) -> bool:
        pk = _uuid(document["id"], "service id")
        if document.get("organization"):
            organization = self.organization(document["organization"])
        else:
            org_id = _uuid(document.get("organization_id"), "organization_id")
            organization = self._maintained(Organization, org_id)
        verified = _parsed(parse_date, document, "assured_date")
        fields = {
            "organization": organization,
            "name": _text(document, "name", 200),
            "alternate_name": _text(document, "alternate_name", 200),
            "description": _text(document, "description"),
            "url": _text(document, "url"),
            "email": _text(document, "email"),
            "status": document["status"],
            "interpretation_services": _text(document, "interpretation_services"),
            "application_process": _text(document, "application_process"),
            "fees_description": _text(document, "fees_description"),
            "eligibility_description": _text(document, "eligibility_description"),
            "minimum_age": _integer(document, "minimum_age"),
            "maximum_age": _integer(document, "maximum_age"),
            "is_free": any(
                option.get("option") == FREE or option.get("amount") == 0
                for option in document.get("cost_options", [])
            ),
        }
        if verified is not None:
            fields["last_verified_at"] = timezone.make_aware(
                datetime.datetime.combine(verified, datetime.time(12))
            )
        service, created = self._upsert(Service, pk, fields)
        if (
            service.minimum_age is not None
            and service.maximum_age is not None
            and service.minimum_age > service.maximum_age
        ):
            raise DocumentError("minimum_age is above maximum_age")

        service.categories.set(self._terms(document.get("attributes", [])))
        service.languages.set(self._languages(document.get("languages", [])))
        self._required_documents(service, document.get("required_documents", []))
        # Places first: a phone or an opening time of the service may name one.
        self._service_at_locations(service, document.get("service_at_locations", []))
        self._phones(
            document.get("phones", []), Phone.objects.filter(service=service), service=service
        )
        self._schedules(
            document.get("schedules", []),
            Schedule.objects.filter(service=service, service_at_location=None),
            service=service,
        )
        self._keep_modified(Service, pk, document)
        return created

    def _terms(self, attributes: list[dict]) -> list[TaxonomyTerm]:
        terms = []
        for attribute in attributes:
            if attribute.get("link_entity", "service") != "service":
                continue
            term_doc = attribute.get("taxonomy_term") or {}
            pk = _uuid(attribute.get("taxonomy_term_id") or term_doc.get("id"), "taxonomy_term_id")
            term = TaxonomyTerm.objects.filter(pk=pk).first()
            if term is None:
                term = self._new_term(pk, term_doc)
            terms.append(term)
        return terms

    def _new_term(self, pk: uuid.UUID, document: dict) -> TaxonomyTerm:
        """A category the partnership has not got yet. Existing categories are shared by
        every association, so an import only adds, never renames."""
        if not document.get("name"):
            raise DocumentError(f"category {pk} is unknown and its document has no name")
        taxonomy = None
        if document.get("taxonomy_id"):
            taxonomy_pk = _uuid(document["taxonomy_id"], "taxonomy_id")
            detail = document.get("taxonomy_detail") or {}
            taxonomy, _created = Taxonomy.objects.get_or_create(
                pk=taxonomy_pk,
                defaults={
                    "name": _text(detail, "name", 200) or _text(document, "taxonomy", 200),
                    "description": _text(detail, "description"),
                    "uri": _text(detail, "uri"),
                    "version": _text(detail, "version", 40),
                },
            )
        code = (_text(document, "code") or str(pk))[:80]
        if TaxonomyTerm.objects.filter(code=code).exists():
            code = f"{code[:70]}-{str(pk)[:8]}"
        name = _text(document, "name")[:200]
        term = TaxonomyTerm.objects.create(
            pk=pk,
            taxonomy=taxonomy,
            code=code,
            name=name,
            name_en=name,
            description=_text(document, "description"),
            term_uri=_text(document, "term_uri"),
        )
        if document.get("parent_id"):
            self.pending_parents[pk] = _uuid(document["parent_id"], "parent_id")
        return term

    def link_term_parents(self) -> None:
        """Parents of new categories, once every document is in (a parent may come in a
        later document); a parent found nowhere is left out."""
        existing = set(
            TaxonomyTerm.objects.filter(pk__in=self.pending_parents.values()).values_list(
                "pk", flat=True
            )
        )
        for pk, parent in self.pending_parents.items():
            if parent in existing:
                TaxonomyTerm.objects.filter(pk=pk).update(parent_id=parent)

    def _languages(self, documents: list[dict]) -> list[Language]:
        languages = []
        for document in documents:
            code = _text(document, "code").lower()
            if not code:
                raise DocumentError(f"language {document.get('name')!r} has no code")
            if len(code) > 8:
                raise DocumentError(f"language code {code!r} is too long")
            name = _text(document, "name")[:80] or code
            language, _created = Language.objects.get_or_create(
                code=code, defaults={"name_en": name, "name_it": name}
            )
            languages.append(language)
        return languages

    def _required_documents(self, service: Service, documents: list[dict]) -> None:
        keep = []
        for document in documents:
            pk = _uuid(document.get("id"), "required document id")
            other = RequiredDocument.objects.filter(pk=pk).exclude(service=service).exists()
            if other:
                raise DocumentError(f"required document {pk} belongs to another service")
            self._upsert(
                RequiredDocument,
                pk,
                {
                    "service": service,
                    "document": _text(document, "document", 300),
                    "uri": _text(document, "uri"),
                },
                maintained=False,
            )
            keep.append(pk)
        service.required_documents.exclude(pk__in=keep).delete()

    def _maintained(self, model, pk: uuid.UUID):
        """The organization or place ``pk`` that a document names by id only: one the
        importing association maintains, never another's."""
        instance = model.objects.maintained_by(self.association).filter(pk=pk).first()
        if instance is not None:
            return instance
        what = model._meta.model_name
        if model.objects.filter(pk=pk).exists():
            raise DocumentError(f"{what} {pk} belongs to another record")
        raise DocumentError(f"{what} {pk} is neither here nor in the document")

    def _is_ours(self, record) -> bool:
        """Whether ``record`` (an organization, service, place or service at a place)
        is maintained by the importing association."""
        if isinstance(record, ServiceAtLocation):
            record = record.service
        return record.maintained_by_id == self.association.pk

    def _owned_elsewhere(self, model, pk: uuid.UUID, **owner) -> None:
        """A phone or an opening time is one record of one parent: a document may only
        change the one it already has. A row without this parent is taken only when
        every parent it has is the importing association's (a place's phone moved to
        the service); anything else could be another association's."""
        instance = model.objects.filter(pk=pk).first()
        if instance is None:
            return
        parents = [
            getattr(instance, name)
            for name in ("organization", "service", "location", "service_at_location")
            if getattr(instance, f"{name}_id", None) is not None
        ]
        ours = bool(parents) and all(self._is_ours(parent) for parent in parents)
        for name, value in owner.items():
            current = getattr(instance, f"{name}_id")
            if current != value.pk and not (current is None and ours):
                raise DocumentError(f"{model._meta.model_name} {pk} belongs to another record")

    def _other_links(self, document: dict, links: dict, owner: dict) -> dict:
        """The record's links beside its parent's (a service's phone may also name the
        place it answers at), where that record is here. A link to another
        association's record is refused: it would show there."""
        found = {}
        for name, model in links.items():
            if name in owner or not document.get(f"{name}_id"):
                continue
            pk = _uuid(document[f"{name}_id"], f"{name}_id")
            instance = model.objects.filter(pk=pk).first()
            if instance is None:
                continue
            if not self._is_ours(instance):
                raise DocumentError(f"{name} {pk} belongs to another record")
            found[name] = instance
        return found

    def _phones(self, documents: list[dict], current: QuerySet, **owner) -> None:
        keep = []
        links = {"organization": Organization, "service": Service, "location": Location}
        for document in documents:
            pk = _uuid(document.get("id"), "phone id")
            self._owned_elsewhere(Phone, pk, **owner)
            kind = _text(document, "type")
            extension = document.get("extension")
            self._upsert(
                Phone,
                pk,
                {
                    **self._other_links(document, links, owner),
                    **owner,
                    "number": _text(document, "number", 40),
                    "extension": "" if extension is None else str(_integer(document, "extension")),
                    "type": kind if kind in Phone.Type.values else Phone.Type.VOICE,
                    "description": _text(document, "description", 200),
                },
                maintained=False,
            )
            keep.append(pk)
        current.exclude(pk__in=keep).delete()

    def _schedules(self, documents: list[dict], current: QuerySet, **owner) -> None:
        keep = []
        links = {"service": Service, "location": Location, "service_at_location": ServiceAtLocation}
        for document in documents:
            pk = _uuid(document.get("id"), "schedule id")
            self._owned_elsewhere(Schedule, pk, **owner)
            freq = document.get("freq")
            if freq not in (None, "", Schedule.Freq.WEEKLY):
                raise DocumentError(f"schedule {pk}: only weekly hours are supported, not {freq}")
            valid_from = _parsed(parse_date, document, "valid_from")
            if not freq:
                # Without a rule: dated exceptions (holidays), else plain weekly hours.
                freq = Schedule.Freq.NONE if valid_from else Schedule.Freq.WEEKLY
            self._upsert(
                Schedule,
                pk,
                {
                    **self._other_links(document, links, owner),
                    **owner,
                    "freq": freq,
                    "byday": _text(document, "byday", 40),
                    "opens_at": _parsed(parse_time, document, "opens_at"),
                    "closes_at": _parsed(parse_time, document, "closes_at"),
                    "valid_from": valid_from,
                    "valid_to": _parsed(parse_date, document, "valid_to"),
                    "description": _text(document, "description", 300),
                    "notes": _text(document, "notes"),
                },
                maintained=False,
            )
            keep.append(pk)
        current.exclude(pk__in=keep).delete()

    def _service_at_locations(self, service: Service, documents: list[dict]) -> None:
        keep = []
        for document in documents:
            pk = _uuid(document.get("id"), "service_at_location id")
            location_doc = document.get("location")
            if location_doc:
                location = self.location(location_doc)
            else:
                location_pk = _uuid(document.get("location_id"), "location_id")
                location = self._maintained(Location, location_pk)
            existing = ServiceAtLocation.objects.filter(pk=pk).first()
            if existing is not None and existing.service_id != service.pk:
                raise DocumentError(f"service_at_location {pk} belongs to another service")
            # One row per service and place: another id for the same pair is replaced.
            ServiceAtLocation.objects.filter(service=service, location=location).exclude(
                pk=pk
            ).delete()
            sal, _created = self._upsert(
                ServiceAtLocation,
                pk,
                {
                    "service": service,
                    "location": location,
                    "description": _text(document, "description"),
                },
                maintained=False,
            )
            self._schedules(
                document.get("schedules", []),
                Schedule.objects.filter(service_at_location=sal),
                service_at_location=sal,
            )
            keep.append(pk)
        service.service_at_locations.exclude(pk__in=keep).delete()

    def location(self, document: dict) -> Location:
        pk = _uuid(document.get("id"), "location id")
        addresses = document.get("addresses") or []
        address = next(
            (a for a in addresses if a.get("address_type") != "postal"),
            addresses[0] if addresses else {},
        )
        accessibility = document.get("accessibility") or []
        organization = None
        if document.get("organization_id"):
            organization_pk = _uuid(document["organization_id"], "organization_id")
            organization = (
                Organization.objects.maintained_by(self.association)
                .filter(pk=organization_pk)
                .first()
            )
            if organization is None and Organization.objects.filter(pk=organization_pk).exists():
                raise DocumentError(f"organization {organization_pk} belongs to another record")
        fields = {
            "organization": organization,
            "location_type": document["location_type"],
            "name": _text(document, "name", 200),
            "description": _text(document, "description"),
            "url": _text(document, "url"),
            "address_1": _text(address, "address_1", 200),
            "address_2": _text(address, "address_2", 200),
            "city": _text(address, "city", 120),
            "postal_code": _text(address, "postal_code", 10),
            "state_province": _text(address, "state_province", 60),
            "country": (_text(address, "country") or "IT")[:2].upper(),
            "latitude": _coordinate(document, "latitude"),
            "longitude": _coordinate(document, "longitude"),
            "wheelchair_accessible": any(a.get("details") == WHEELCHAIR for a in accessibility),
            "accessibility_description": "\n".join(
                _text(a, "description") for a in accessibility if a.get("details") != WHEELCHAIR
            ),
        }
        location, _created = self._upsert(Location, pk, fields)
        self._phones(
            document.get("phones", []), Phone.objects.filter(location=location), location=location
        )
        self._schedules(
            document.get("schedules", []),
            Schedule.objects.filter(location=location, service=None, service_at_location=None),
            location=location,
        )
        return location


def _coordinate(document: dict, key: str) -> Decimal | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DocumentError(f"{key}: {value!r} is not a number")
    return round(Decimal(str(value)), 6)
