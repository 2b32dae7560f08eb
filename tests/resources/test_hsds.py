"""HSDS 3.0 exchange: exported documents validate against the compiled HSDS schemas,
and export → import → export (as JSON or as a tabular data package) gives the same
documents."""

import datetime
import gzip
import io
import json
import zipfile
from functools import cache

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from members.models import Language, Role
from resources import hsds, hsds_tabular
from resources.hsds import ImportResult
from resources.models import (
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
from resources.taxonomy import term_id
from tests.factories import (
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    service_with_location,
)


@cache
def compiled(name: str) -> Draft202012Validator:
    """The self-contained HSDS schema (no ``$ref``s: nothing to fetch)."""
    path = hsds.SCHEMA_DIR / "compiled" / f"{name}.json.gz"
    schema = json.loads(gzip.decompress(path.read_bytes()))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(document: dict, name: str) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in compiled(name).iter_errors(document)]
    assert errors == []


def rich_service(association) -> Service:
    """A service using every field we exchange."""
    organization = OrganizationFactory(
        maintained_by=association,
        alternate_name="Caritas",
        email="info@example.org",
        website="https://example.org/",
        tax_id="93012345678",
        legal_status="ODV",
        year_incorporated=1998,
    )
    service = ServiceFactory(
        organization=organization,
        alternate_name="Sportello casa",
        url="https://example.org/casa",
        email="casa@example.org",
        interpretation_services="Mediatori in arabo e francese",
        application_process="Senza appuntamento",
        fees_description="Gratuito",
        eligibility_description="Persone senza dimora",
        minimum_age=18,
        maximum_age=99,
        categories=TaxonomyTerm.objects.filter(code__in=["housing", "shelter"]),
        languages=Language.objects.filter(code__in=["it", "ar", "fr"]),
    )
    sal = ServiceAtLocationFactory(
        service=service,
        description="Al piano terra",
        location__wheelchair_accessible=True,
        location__accessibility_description="Rampa dall'ingresso laterale",
        location__url="https://example.org/sede",
    )
    PhoneFactory(service=service, extension="12", type=Phone.Type.CELL, description="Sportello")
    PhoneFactory(service=service, location=sal.location, extension="int. 3")
    PhoneFactory(service=None, location=sal.location, type=Phone.Type.MESSAGING)
    ScheduleFactory(service=service, description="Mattina", notes="Chiuso ad agosto")
    ScheduleFactory(service=None, service_at_location=sal, byday="SA", opens_at=datetime.time(15))
    ScheduleFactory(service=None, location=sal.location, byday="SU")
    ScheduleFactory(
        service=service,
        freq=Schedule.Freq.NONE,
        byday="",
        opens_at=None,
        closes_at=None,
        valid_from=datetime.date(2024, 12, 24),
        valid_to=datetime.date(2024, 12, 26),
        description="Natale",
    )
    RequiredDocument.objects.create(service=service, document="Documento d'identità")
    RequiredDocument.objects.create(
        service=service, document="Codice fiscale", uri="https://example.org/cf"
    )
    virtual = Location.objects.create(
        maintained_by=association,
        organization=organization,
        location_type=Location.Type.VIRTUAL,
        name="Online",
        url="https://example.org/chat",
    )
    ServiceAtLocation.objects.create(service=service, location=virtual)
    return service


def wipe_resource_map() -> None:
    """Every row of the resource map, categories included."""
    for model in (
        Schedule,
        Phone,
        ServiceAtLocation,
        RequiredDocument,
        Service,
        Location,
        Organization,
        TaxonomyTerm,
        Taxonomy,
    ):
        model.objects.all().delete()


@pytest.fixture
def services(association):
    return [
        rich_service(association),
        service_with_location(organization__maintained_by=association, is_free=False),
        ServiceFactory(organization__maintained_by=association, status="temporarily closed"),
    ]


def test_service_documents_validate_against_the_compiled_hsds_schema(services):
    documents = hsds.export_services(Service.objects.all())
    assert len(documents) == 3
    for document in documents:
        assert_valid(document, "service")
        assert hsds.schema_errors(document) == []
    rich = next(d for d in documents if d["id"] == str(services[0].id))
    assert {a["taxonomy_term"]["code"] for a in rich["attributes"]} == {"housing", "shelter"}
    assert {lang["code"] for lang in rich["languages"]} == {"ar", "fr", "it"}
    place = next(sal for sal in rich["service_at_locations"] if sal["schedules"])
    assert place["location"]["addresses"][0]["city"] == "Caserta"
    assert {a["description"] for a in place["location"]["accessibility"]} == {
        "Wheelchair accessible",
        "Rampa dall'ingresso laterale",
    }
    assert rich["cost_options"][0]["amount"] == 0


def test_organization_documents_validate_against_the_compiled_hsds_schema(services):
    organizations = hsds.organizations_for_export()
    documents = [hsds.organization_document(o) for o in organizations]
    assert len(documents) == 3
    for document in documents:
        assert_valid(document, "organization")
    rich = next(d for d in documents if d["id"] == str(services[0].organization_id))
    assert [s["id"] for s in rich["services"]] == [str(services[0].id)]
    assert len(rich["locations"]) == 2


def test_export_import_export_gives_the_same_documents(services, association):
    before = hsds.export_services(Service.objects.all())
    wipe_resource_map()

    result = hsds.import_documents(before, association=association)

    assert result == ImportResult(created=3, updated=0, errors=[])
    assert hsds.export_services(Service.objects.all()) == before
    shelter = TaxonomyTerm.objects.get(pk=term_id("shelter"))
    assert shelter.parent_id == term_id("housing")
    assert Service.objects.filter(maintained_by=association).count() == 3


def test_importing_twice_changes_nothing(services, association):
    documents = hsds.export_services(Service.objects.all())
    counts = [m.objects.count() for m in (Service, Location, Phone, Schedule, ServiceAtLocation)]

    first = hsds.import_documents(documents, association=association)
    second = hsds.import_documents(documents, association=association)

    assert first == second == ImportResult(created=0, updated=3, errors=[])
    assert hsds.export_services(Service.objects.all()) == documents
    assert counts == [
        m.objects.count() for m in (Service, Location, Phone, Schedule, ServiceAtLocation)
    ]


def test_import_updates_by_id_and_drops_what_the_document_no_longer_has(services, association):
    service = services[0]
    document = hsds.export_services(Service.objects.filter(pk=service.pk))[0]
    document["name"] = "Sportello casa e lavoro"
    document["phones"] = document["phones"][:1]
    document["languages"] = [lang for lang in document["languages"] if lang["code"] == "it"]

    result = hsds.import_documents([document], association=association)

    assert result.errors == []
    service.refresh_from_db()
    assert service.name == "Sportello casa e lavoro"
    assert service.phones.count() == 1
    assert list(service.languages.values_list("code", flat=True)) == ["it"]


def test_import_refuses_another_associations_service(services, other_association):
    document = hsds.export_services(Service.objects.filter(pk=services[0].pk))[0]
    document["name"] = "Taken over"

    result = hsds.import_documents([document], association=other_association)

    assert (result.created, result.updated) == (0, 0)
    assert "maintained by another association" in result.errors[0]
    services[0].refresh_from_db()
    assert services[0].name != "Taken over"


def test_an_invalid_document_is_reported_and_the_others_still_go_in(association):
    good = hsds.export_services(Service.objects.filter(pk=ServiceFactory().pk))
    wipe_resource_map()
    bad = {"id": "not-a-uuid", "name": "Broken", "status": "open"}

    result = hsds.import_documents([bad, *good], association=association)

    assert result.created == 1
    assert any("service 1 (Broken): id" in e and "uuid" in e for e in result.errors)
    assert any("status" in e and "'open' is not one of" in e for e in result.errors)


def test_a_new_category_without_its_parent_comes_in_without_one(association):
    service = ServiceFactory(categories=TaxonomyTerm.objects.filter(code="shelter"))
    documents = hsds.export_services(Service.objects.filter(pk=service.pk))
    wipe_resource_map()

    assert hsds.import_documents(documents, association=association).errors == []
    assert TaxonomyTerm.objects.get(pk=term_id("shelter")).parent is None


@pytest.mark.parametrize("n", [1, 20])
def test_export_query_count_is_constant(db, django_assert_num_queries, n):
    for _ in range(n):
        service = service_with_location(categories=TaxonomyTerm.objects.filter(code="food"))
        RequiredDocument.objects.create(service=service, document="ISEE")
    # services with organization; their phones, schedules, languages, required documents,
    # categories with taxonomy; places with location; the places' schedules; the
    # locations' phones and schedules
    with django_assert_num_queries(10):
        documents = hsds.export_services(Service.objects.all())
    assert len(documents) == n


# --- Tabular data package ------------------------------------------------------------


def test_package_round_trip_gives_the_same_documents(services, association):
    documents = hsds.export_services(Service.objects.all())
    package = hsds_tabular.export_package(Service.objects.all())

    assert hsds_tabular.read_package(io.BytesIO(package)) == documents

    wipe_resource_map()
    result = hsds.import_documents(
        hsds_tabular.read_package(io.BytesIO(package)), association=association
    )
    assert result == ImportResult(created=3, updated=0, errors=[])
    assert hsds.export_services(Service.objects.all()) == documents


def test_package_follows_the_hsds_data_package(services):
    package = zipfile.ZipFile(io.BytesIO(hsds_tabular.export_package(Service.objects.all())))
    descriptor = json.loads(package.read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["version"] == "3.0.0"
    for resource in descriptor["resources"]:
        header = package.read(resource["path"]).decode().splitlines()[0]
        assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]
    services_csv = package.read("services.csv").decode()
    assert len(services_csv.strip().splitlines()) == 1 + 3


def test_default_package_holds_public_active_services_only(db):
    public = ServiceFactory()
    ServiceFactory(is_public=False)
    ServiceFactory(status=Service.Status.INACTIVE)
    documents = hsds_tabular.read_package(io.BytesIO(hsds_tabular.export_package()))
    assert [d["id"] for d in documents] == [str(public.id)]


def _package(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def _package_files() -> dict[str, str]:
    package = zipfile.ZipFile(io.BytesIO(hsds_tabular.export_package(Service.objects.all())))
    return {name: package.read(name).decode() for name in package.namelist()}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("services.csv"), "the package has no services.csv"),
        (lambda f: f.pop("organizations.csv"), "the package has no organizations.csv"),
        (
            lambda f: f.update({"services.csv": f["services.csv"].replace(",status,", ",state,")}),
            "services.csv has no column status",
        ),
        (
            lambda f: f.update({"phones.csv": f["phones.csv"] + "42,,,,,,+39 333,,,\n"}),
            r"phones.csv line \d+: id '42' is not a UUID",
        ),
        (
            lambda f: f.update({"organizations.csv": f["organizations.csv"].splitlines()[0]}),
            "is not in the organizations",
        ),
        (
            lambda f: f.update({"locations.csv": f["locations.csv"].replace(",41.", ",north 41.")}),
            "latitude 'north 41.",
        ),
    ],
)
def test_a_malformed_package_says_what_is_wrong(services, change, message):
    files = _package_files()
    change(files)
    with pytest.raises(ValueError, match=message):
        hsds_tabular.read_package(_package(files))


def test_not_a_zip_is_refused():
    with pytest.raises(ValueError, match="not a zip file"):
        hsds_tabular.read_package(io.BytesIO(b"id,name\n1,Casa\n"))


def test_a_package_zipped_with_its_folder_is_read(services):
    files = _package_files()
    nested = _package({f"export/{name}": text for name, text in files.items()})
    assert len(hsds_tabular.read_package(nested)) == 3


ORG_ID = "0b7e7c7e-8a55-4c0e-9c7a-3d2b1a0f9e8d"
SERVICE_ID = "4f4b7a59-2d7c-4a5b-8f3e-6e1c2b9d0a11"
free_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=40).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    name=free_text.filter(bool),
    description=st.text(max_size=80).map(lambda s: s.replace("\r", "").strip()),
    minimum_age=st.none() | st.integers(0, 120),
    latitude=st.none() | st.decimals(-90, 90, places=6).map(float),
)
def test_any_text_survives_a_package_round_trip(name, description, minimum_age, latitude):
    """Commas, quotes, line breaks and any script in a field come back unchanged."""
    location_id = "9a3c6f1e-7b2d-4e8a-a1c5-0f6d3b2e4c77"
    document = {
        "id": SERVICE_ID,
        "organization_id": ORG_ID,
        "name": name,
        "status": "active",
        "organization": {"id": ORG_ID, "name": name, "description": description},
        "phones": [],
        "schedules": [],
        "service_at_locations": [
            {
                "id": "1d6f0c2a-3b4e-4f5a-9c8d-7e6f5a4b3c2d",
                "service_id": SERVICE_ID,
                "location_id": location_id,
                "schedules": [],
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": name,
                    "accessibility": [],
                    "phones": [],
                    "schedules": [],
                },
            }
        ],
        "languages": [],
        "required_documents": [],
        "cost_options": [],
        "attributes": [],
    }
    if description:
        document["description"] = description
    if minimum_age is not None:
        document["minimum_age"] = minimum_age
    if latitude is not None:
        document["service_at_locations"][0]["location"]["latitude"] = latitude
    package = hsds_tabular.package_from_documents([document])
    assert hsds_tabular.read_package(io.BytesIO(package)) == [document]


# --- Coordinators' downloads ---------------------------------------------------------


def test_coordinator_downloads_the_associations_services_as_json(make_client, association):
    own = ServiceFactory(organization__maintained_by=association, is_public=False)
    ServiceFactory()  # another association's public service
    client = make_client(association, Role.COORDINATOR)

    response = client.get(reverse("resources:export-hsds-json"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    documents = json.loads(response.content)
    assert [d["id"] for d in documents] == [str(own.id)]
    assert hsds.import_documents(documents, association=association).errors == []


def test_coordinator_downloads_the_associations_services_as_a_package(
    make_client, association, other_association
):
    own = service_with_location(organization__maintained_by=association)
    service_with_location(organization__maintained_by=other_association)

    response = make_client(association, Role.COORDINATOR).get(
        reverse("resources:export-hsds-package")
    )
    outsider = make_client(other_association, Role.COORDINATOR).get(
        reverse("resources:export-hsds-package")
    )

    assert response["Content-Type"] == "application/zip"
    documents = hsds_tabular.read_package(io.BytesIO(response.content))
    assert [d["id"] for d in documents] == [str(own.id)]
    assert str(own.id) not in {
        d["id"] for d in hsds_tabular.read_package(io.BytesIO(outsider.content))
    }


@pytest.mark.parametrize("name", ["resources:export-hsds-json", "resources:export-hsds-package"])
def test_operators_may_not_download_the_exports(make_client, association, name):
    client = make_client(association, Role.OPERATOR)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("key", "value"),
    [("minimum_age", 18.5), ("minimum_age", float("nan")), ("latitude", float("inf"))],
)
def test_a_number_that_is_not_one_is_reported(services, association, key, value):
    document = hsds.export_services(Service.objects.filter(pk=services[0].pk))[0]
    if key == "latitude":
        document["service_at_locations"][0]["location"][key] = value
    else:
        document[key] = value

    result = hsds.import_documents([document], association=association)

    assert result.updated == 0
    assert key in result.errors[0]


def test_demo_data_exports_valid_documents_and_survives_a_round_trip(seeded_demo, db):
    from members.models import Association

    documents = hsds.export_services(Service.objects.all())
    assert len(documents) >= 40
    for document in documents:
        assert_valid(document, "service")
    for organization in hsds.organizations_for_export():
        assert_valid(hsds.organization_document(organization), "organization")

    wipe_resource_map()
    association = Association.objects.get(slug="migr-azioni")
    result = hsds.import_documents(documents, association=association)
    assert (result.created, result.errors) == (len(documents), [])
    assert hsds.export_services(Service.objects.all()) == documents


# --- Records of another association --------------------------------------------------


@pytest.fixture
def b_place(other_association):
    """Another association's service at its place, with a phone and hours of the place."""
    service = service_with_location(organization__maintained_by=other_association)
    location = service.locations.get()
    phone = PhoneFactory(service=None, location=location, number="+39 0823 999999")
    schedule = ScheduleFactory(service=None, location=location, byday="SU")
    return service, location, phone, schedule


def _own_document(association) -> dict:
    service = service_with_location(organization__maintained_by=association)
    return hsds.export_services(Service.objects.filter(pk=service.pk))[0]


def _b_snapshot(service, location) -> tuple:
    return (
        hsds.export_services(Service.objects.filter(pk=service.pk)),
        sorted(Phone.objects.filter(location=location).values_list("pk", "number", "service_id")),
        sorted(Schedule.objects.filter(location=location).values_list("pk", "byday", "service_id")),
    )


def test_import_may_not_take_over_another_associations_phone(association, b_place):
    b_service, b_location, b_phone, _schedule = b_place
    public = hsds.export_services(Service.objects.filter(pk=b_service.pk))[0]
    taken = next(
        p for p in public["service_at_locations"][0]["location"]["phones"] if "service_id" not in p
    )
    document = _own_document(association)
    document["phones"].append({**taken, "number": "+39 333 0000000"})
    before = _b_snapshot(b_service, b_location)

    result = hsds.import_documents([document], association=association)

    assert (result.created, result.updated) == (0, 0)
    assert result.errors == [
        f"service 1 ({document['name']}): phone {b_phone.pk} belongs to another record"
    ]
    assert _b_snapshot(b_service, b_location) == before


def test_import_may_not_take_over_another_associations_hours(association, b_place):
    b_service, b_location, _phone, b_schedule = b_place
    document = _own_document(association)
    document["schedules"].append({"id": str(b_schedule.pk), "freq": "WEEKLY", "byday": "MO"})
    before = _b_snapshot(b_service, b_location)

    result = hsds.import_documents([document], association=association)

    assert result.updated == 0
    assert "belongs to another record" in result.errors[0]
    assert _b_snapshot(b_service, b_location) == before


def test_import_may_not_link_to_another_associations_place(association, b_place):
    b_service, b_location, _phone, _schedule = b_place
    document = _own_document(association)
    document["phones"][0]["location_id"] = str(b_location.pk)
    before = _b_snapshot(b_service, b_location)

    result = hsds.import_documents([document], association=association)

    assert result.updated == 0
    assert f"location {b_location.pk} belongs to another record" in result.errors[0]
    assert _b_snapshot(b_service, b_location) == before


def test_import_may_not_name_another_associations_organization_or_place(association, b_place):
    b_service, b_location, _phone, _schedule = b_place
    by_organization = _own_document(association)
    del by_organization["organization"]
    by_organization["organization_id"] = str(b_service.organization_id)
    by_place = _own_document(association)
    del by_place["service_at_locations"][0]["location"]
    by_place["service_at_locations"][0]["location_id"] = str(b_location.pk)

    result = hsds.import_documents([by_organization, by_place], association=association)

    assert result.updated == 0
    assert f"organization {b_service.organization_id} belongs to another record" in result.errors[0]
    assert f"location {b_location.pk} belongs to another record" in result.errors[1]
    assert (
        not Service.objects.filter(organization=b_service.organization)
        .exclude(pk=b_service.pk)
        .exists()
    )
    assert list(b_location.services.all()) == [b_service]


def test_a_place_document_may_not_name_another_associations_organization(association, b_place):
    b_service, _location, _phone, _schedule = b_place
    document = _own_document(association)
    document["service_at_locations"][0]["location"]["organization_id"] = str(
        b_service.organization_id
    )

    result = hsds.import_documents([document], association=association)

    assert (
        f"organization {b_service.organization_id} belongs to another record" in (result.errors[0])
    )
    assert not b_service.organization.locations.exclude(services=b_service).exists()


def test_a_place_phone_of_the_association_may_move_to_its_service(association):
    service = service_with_location(organization__maintained_by=association)
    phone = PhoneFactory(service=None, location=service.locations.get())
    document = hsds.export_services(Service.objects.filter(pk=service.pk))[0]
    document["phones"].append(hsds.phone_document(phone))

    result = hsds.import_documents([document], association=association)

    assert result.errors == []
    phone.refresh_from_db()
    assert phone.service_id == service.pk


def test_a_place_document_lists_only_its_own_and_the_places_phones(db):
    shown = service_with_location()
    location = shown.locations.get()
    hidden = ServiceFactory(organization=shown.organization, is_public=False)
    ServiceAtLocationFactory(service=hidden, location=location)
    hidden_phone = PhoneFactory(service=hidden, location=location)
    place_phone = PhoneFactory(service=None, location=location)
    own_phone = PhoneFactory(service=shown, location=location)

    document = hsds.export_services(Service.objects.filter(pk=shown.pk))[0]

    phones = {p["id"] for p in document["service_at_locations"][0]["location"]["phones"]}
    assert phones == {str(place_phone.pk), str(own_phone.pk)}
    assert str(hidden_phone.pk) not in json.dumps(document)


def test_a_package_lists_at_a_place_only_each_services_own_phones(db):
    first = service_with_location()
    location = first.locations.get()
    second = ServiceFactory(organization=first.organization)
    ServiceAtLocationFactory(service=second, location=location)
    PhoneFactory(service=first, location=location)
    PhoneFactory(service=second, location=location)
    PhoneFactory(service=None, location=location)
    documents = hsds.export_services(Service.objects.all())

    package = hsds_tabular.export_package(Service.objects.all())

    assert hsds_tabular.read_package(io.BytesIO(package)) == documents


def test_an_oversized_datapackage_descriptor_is_refused(services, monkeypatch):
    files = _package_files()
    monkeypatch.setattr(hsds_tabular, "MAX_FILE_BYTES", len(files["datapackage.json"]) - 1)
    monkeypatch.setattr(
        zipfile.ZipFile,
        "read",
        lambda *args, **kwargs: pytest.fail("an oversized file was unpacked"),
    )

    with pytest.raises(ValueError, match=r"datapackage\.json is larger than"):
        hsds_tabular.read_package(_package(files))
