"""Importing an association's spreadsheet (CSV, XLSX) or an HSDS package: reading,
column guesses, the preview's error report, all-or-nothing or valid rows only,
idempotent re-imports, who may import, and the background task with its progress."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import time as clock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from resources import imports
from resources.models import ImportJob, Location, Organization, Schedule, Service
from resources.services import imports as services
from tests.factories import ServiceFactory

HEADERS = [
    "ID",
    "Nome del servizio",
    "Ente",
    "Descrizione",
    "Indirizzo",
    "Città",
    "CAP",
    "Latitudine",
    "Longitudine",
    "Telefono",
    "E-mail",
    "Sito web",
    "Categorie",
    "Lingue",
    "Gratuito",
    "Pubblico",
    "Orari",
]


def _row(n: int, **changes) -> dict[str, str]:
    row = {
        "ID": f"R{n:05d}",
        "Nome del servizio": f"Sportello {n}",
        "Ente": f"Associazione {n % 7}",
        "Descrizione": "Orientamento e ascolto.",
        "Indirizzo": f"Via Roma {n}",
        "Città": "Caserta",
        "CAP": "81100",
        "Latitudine": f"41,{70000 + n}",
        "Longitudine": f"14.{30000 + n}",
        "Telefono": f"+39 0823 {100000 + n}",
        "E-mail": f"sportello{n}@example.org",
        "Sito web": "www.example.org",
        "Categorie": "legal; Documenti e immigrazione",
        "Lingue": "it, en, fr",
        "Gratuito": "sì",
        "Pubblico": "no",
        "Orari": "lun-ven 9-13",
    }
    row.update(changes)
    return row


def _csv(rows: list[dict], headers=HEADERS, delimiter=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str = "risorse.csv", kind: str = "spreadsheet"):
    return client.post(
        reverse("resources:import-create"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def _map_with_guesses(client, job: ImportJob):
    """Post the mapping form as it comes, with its guesses."""
    page = client.get(reverse("resources:import-mapping", args=[job.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(reverse("resources:import-mapping", args=[job.pk]), data)


def _import_file(run, client, content: bytes, name="risorse.csv", only_valid=False) -> ImportJob:
    _upload(client, content, name)
    job = ImportJob.objects.for_association(client.association).latest("created_at")
    _map_with_guesses(client, job)
    data = {"only_valid_rows": "1"} if only_valid else {}
    run(client, reverse("resources:import-preview", args=[job.pk]), data)
    job.refresh_from_db()
    return job


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# Messages are asserted in English, the source language, whatever the translations say.
@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _in_english(client):
    client.user.language = "en"
    client.user.save(update_fields=["language"])
    return client


@pytest.fixture
def operator_client(operator_client):
    return _in_english(operator_client)


@pytest.fixture
def coordinator_client(coordinator_client):
    return _in_english(coordinator_client)


@pytest.fixture
def outsider_client(outsider_client):
    return _in_english(outsider_client)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """A test's transaction never commits: ``run(client, url, data)`` posts and then
    runs what the request queued on commit (the import task, eager)."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


# --- Reading ---------------------------------------------------------------------------


def test_csv_with_semicolons_and_windows_encoding_is_read():
    content = "Nome;Città;Note\nCasa della Carità;Caserta;caffè\n\n;;\nMensa;Aversa;\n"
    headers, rows = imports.read_rows(io.BytesIO(content.encode("cp1252")), "lista.csv")
    assert headers == ["Nome", "Città", "Note"]
    assert [r.values["Nome"] for r in rows] == ["Casa della Carità", "Mensa"]
    # Blank rows are left out, and the next rows keep their numbers in the sheet.
    assert [r.number for r in rows] == [2, 5]


def test_csv_with_bom_and_commas_is_read():
    content = '\ufeffname,city,description\n"Food bank, north",Caserta,"one, two"\n'
    headers, rows = imports.read_rows(io.BytesIO(content.encode("utf-8")), "list.CSV")
    assert headers == ["name", "city", "description"]
    assert rows[0].values == {
        "name": "Food bank, north",
        "city": "Caserta",
        "description": "one, two",
    }


def test_xlsx_made_with_openpyxl_is_read_with_numbers_as_written():
    content = _xlsx([["Nome", "CAP", "Latitudine", None], ["Mensa", 81100, 41.07, None]])
    headers, rows = imports.read_rows(io.BytesIO(content), "risorse.xlsx")
    assert headers == ["Nome", "CAP", "Latitudine", "column 4"]
    assert rows[0].values["CAP"] == "81100"
    assert rows[0].values["Latitudine"] == "41.07"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Nome\nMensa\n", "risorse.pdf", "CSV or XLSX"),
        (b"", "risorse.csv", "empty"),
        (b"Nome;Citta\n", "risorse.csv", "empty"),
        (b"not a zip at all", "risorse.xlsx", "XLSX"),
        (b"\x00\x01\x02", "risorse.csv", "CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(content, name, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_rows(io.BytesIO(content), name)


def test_too_many_rows_or_too_many_bytes_are_refused(monkeypatch):
    content = _csv([_row(n) for n in range(5)])
    monkeypatch.setattr(imports, "MAX_ROWS", 4)
    with pytest.raises(imports.ImportFileError, match="more than 4 rows"):
        imports.read_rows(io.BytesIO(content), "risorse.csv")
    monkeypatch.setattr(imports, "MAX_ROWS", 100)
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    with pytest.raises(imports.ImportFileError, match="larger than"):
        imports.read_rows(io.BytesIO(content), "risorse.csv")


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
).map(str.strip)


@given(
    rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([";", ","]),
)
def test_any_cells_written_as_csv_are_read_back(rows, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Nome", "Città", "Note"], *rows])
    try:
        headers, read = imports.read_rows(io.BytesIO(out.getvalue().encode()), "x.csv")
    except imports.ImportFileError:
        assert not any(any(row) for row in rows)  # only blank rows: an empty file
        return
    assert headers == ["Nome", "Città", "Note"]
    expected = [row for row in rows if any(row)]
    assert [list(r.values.values()) for r in read] == expected


@given(st.text(max_size=60))
def test_opening_hours_parsing_never_fails_on_free_text(text):
    result = imports.parse_opening_hours(text)
    assert result is None or all(byday for byday, _opens, _closes in result)


# --- Mapping guesses -------------------------------------------------------------------


def test_mapping_is_guessed_from_italian_headers():
    assert imports.guess_mapping(HEADERS) == {
        "name": "Nome del servizio",
        "organization": "Ente",
        "description": "Descrizione",
        "address": "Indirizzo",
        "city": "Città",
        "postal_code": "CAP",
        "latitude": "Latitudine",
        "longitude": "Longitudine",
        "phone": "Telefono",
        "email": "E-mail",
        "website": "Sito web",
        "categories": "Categorie",
        "languages": "Lingue",
        "is_free": "Gratuito",
        "is_public": "Pubblico",
        "opening_hours": "Orari",
        "source_ref": "ID",
    }


def test_mapping_is_guessed_from_english_headers_and_ignores_the_unknown():
    headers = [
        *("Service name", "Organization", "Street address", "Town", "Zip code", "Lat", "Lng"),
        *("Phone number", "Email", "Website", "Category", "Languages spoken"),
        *("Free of charge", "Public", "Opening hours", "Reference", "Internal notes"),
    ]
    mapping = imports.guess_mapping(headers)
    assert mapping["name"] == "Service name"
    assert mapping["organization"] == "Organization"
    assert mapping["address"] == "Street address"
    assert mapping["city"] == "Town"
    assert mapping["postal_code"] == "Zip code"
    assert (mapping["latitude"], mapping["longitude"]) == ("Lat", "Lng")
    assert mapping["phone"] == "Phone number"
    assert mapping["opening_hours"] == "Opening hours"
    assert mapping["source_ref"] == "Reference"
    assert "Internal notes" not in mapping.values()


def test_a_column_is_guessed_for_one_field_only():
    mapping = imports.guess_mapping(["Nome", "Nome ente"])
    assert mapping == {"name": "Nome", "organization": "Nome ente"}


# --- Validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lun-ven 9-13", [("MO,TU,WE,TH,FR", clock(9), clock(13))]),
        (
            "Lun-Ven 9:00-13:00 15-18; sab 9.30-12",
            [
                ("MO,TU,WE,TH,FR", clock(9), clock(13)),
                ("MO,TU,WE,TH,FR", clock(15), clock(18)),
                ("SA", clock(9, 30), clock(12)),
            ],
        ),
        ("Mon, Wed and Fri 14-17", [("MO,WE,FR", clock(14), clock(17))]),
        ("martedì e giovedì dalle 10 alle 12", [("TU,TH", clock(10), clock(12))]),
        ("", []),
        ("su appuntamento", None),
        ("lun-ven 9-13 e poi 25", None),
    ],
)
def test_simple_opening_hours_are_understood_and_the_rest_left_out(text, expected):
    assert imports.parse_opening_hours(text) == expected


@pytest.mark.django_db
def test_validation_names_the_row_and_the_column_of_each_error():
    rows = [
        imports.SheetRow(2, _row(1)),
        imports.SheetRow(3, _row(2, Latitudine="nord")),
        imports.SheetRow(4, _row(3, **{"Nome del servizio": "", "E-mail": "chiunque"})),
        imports.SheetRow(5, _row(4, Categorie="legal; astrologia", Gratuito="forse")),
        imports.SheetRow(6, _row(5, Lingue="it, klingon", Longitudine="")),
        imports.SheetRow(7, _row(6, ID="R00001")),
    ]
    valid, errors = imports.validate_rows(rows, imports.guess_mapping(HEADERS))
    assert [r.number for r in valid] == [2]
    assert [(e["row"], e["column"]) for e in errors] == [
        (3, "Latitudine"),
        (4, "Nome del servizio"),
        (4, "E-mail"),
        (5, "Categorie"),
        (5, "Gratuito"),
        (6, "Lingue"),
        (7, "ID"),
    ]
    messages = {(e["row"], e["column"]): e["message"] for e in errors}
    assert messages[(3, "Latitudine")] == "not a number"
    assert "astrologia" in messages[(5, "Categorie")]
    assert messages[(7, "ID")] == "same resource as row 2"


@pytest.mark.django_db
def test_valid_rows_are_normalised():
    [row], errors = imports.validate_rows(
        [imports.SheetRow(2, _row(1))], imports.guess_mapping(HEADERS)
    )
    assert errors == []
    assert row.source_ref == "ref:R00001"
    assert str(row.latitude) == "41.700010"
    assert row.website == "https://www.example.org"
    assert row.languages == ["it", "en", "fr"]
    assert len(row.categories) == 2
    assert (row.is_free, row.is_public) == (True, False)
    assert row.schedules == [("MO,TU,WE,TH,FR", clock(9), clock(13))]


def test_without_a_reference_a_row_is_known_by_name_address_and_city():
    a = imports.row_key(reference="", name="Mensa  Caritas", address="Via Roma 1", city="Caserta")
    b = imports.row_key(reference="", name="mensa caritas", address="via roma 1", city="CASERTA")
    c = imports.row_key(reference="", name="Mensa Caritas", address="Via Roma 2", city="Caserta")
    assert a == b != c
    assert a.startswith("h:")
    assert len(imports.row_key(reference="x" * 500, name="", address="", city="")) <= 120


# --- The journey through the pages -----------------------------------------------------


@pytest.mark.django_db
def test_two_thousand_rows_with_three_bad_ones_the_report_then_valid_rows_then_no_duplicates(
    operator_client, run
):
    """The acceptance test of the issue."""
    rows = [_row(n) for n in range(2000)]
    rows[15] = _row(15, Latitudine="nord")  # row 17 of the sheet
    rows[500] = _row(500, **{"Nome del servizio": ""})  # row 502
    rows[1998] = _row(1998, Lingue="it; xx")  # row 2000
    content = _csv(rows)

    response = _upload(operator_client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resources:import-mapping", args=[job.pk])
    response = _map_with_guesses(operator_client, job)
    assert response["Location"] == reverse("resources:import-preview", args=[job.pk])

    preview = operator_client.get(reverse("resources:import-preview", args=[job.pk]))
    html = preview.content.decode()
    assert preview.context["valid_count"] == 1997
    assert preview.context["invalid_count"] == 3
    assert "row 17, column “Latitudine”: not a number" in html
    assert "row 502, column “Nome del servizio”: this value is required" in html
    assert "row 2000, column “Lingue”:" in html
    assert len(preview.context["sample"]) == imports.PREVIEW_ROWS

    # All or nothing: the file has errors, so a plain "import" writes nothing.
    run(operator_client, reverse("resources:import-preview", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert not Service.objects.exists()

    response = run(
        operator_client,
        reverse("resources:import-preview", args=[job.pk]),
        {"only_valid_rows": "1"},
    )
    assert response["Location"] == reverse("resources:import-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_rows, job.updated_rows) == (1997, 0)
    assert (job.processed_rows, job.total_rows, job.progress_percent) == (2000, 2000, 100)
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (17, "Latitudine"),
        (502, "Nome del servizio"),
        (2000, "Lingue"),
    }
    assert not job.file  # the uploaded file, with people's data, is not kept
    services_of_association = Service.objects.maintained_by(operator_client.association)
    assert services_of_association.count() == 1997
    assert Organization.objects.maintained_by(operator_client.association).count() == 7

    # The same file again: every row is recognised, nothing is added.
    again = _import_file(run, operator_client, content, only_valid=True)
    assert again.status == ImportJob.Status.DONE
    assert (again.created_rows, again.updated_rows) == (0, 1997)
    assert Service.objects.count() == 1997
    assert Location.objects.count() == 1997
    assert Organization.objects.count() == 7
    assert Schedule.objects.count() == 1997

    detail = operator_client.get(reverse("resources:import-detail", args=[again.pk]))
    assert "1997 resources updated" in detail.content.decode()


@pytest.mark.django_db
def test_an_imported_row_becomes_a_service_with_its_place_phone_hours_and_categories(
    operator_client, run
):
    job = _import_file(run, operator_client, _csv([_row(1), _row(2, Pubblico="sì")]))
    assert job.status == ImportJob.Status.DONE
    service = Service.objects.get(name="Sportello 1")
    assert service.maintained_by == operator_client.association
    assert service.source_ref == "ref:R00001"
    assert service.is_public is False  # not public unless the file says so
    assert Service.objects.get(name="Sportello 2").is_public is True
    assert service.is_free is True
    assert service.organization.name == "Associazione 1"
    assert service.email == "sportello1@example.org"
    assert sorted(service.categories.values_list("code", flat=True)) == ["documents", "legal"]
    assert sorted(service.languages.values_list("code", flat=True)) == ["en", "fr", "it"]
    [place] = service.locations.all()
    assert (place.address_1, place.city, place.postal_code) == ("Via Roma 1", "Caserta", "81100")
    assert str(place.latitude) == "41.700010"
    assert place.maintained_by == operator_client.association
    assert [p.number for p in service.phones.all()] == ["+39 0823 100001"]
    [hours] = service.schedules.all()
    assert (hours.byday, hours.opens_at, hours.closes_at) == ("MO,TU,WE,TH,FR", clock(9), clock(13))


@pytest.mark.django_db
def test_a_valid_file_is_imported_whole_and_a_changed_row_updates_its_service(
    coordinator_client, run
):
    job = _import_file(run, coordinator_client, _csv([_row(n) for n in range(5)]))
    assert (job.status, job.created_rows, job.errors) == (ImportJob.Status.DONE, 5, [])

    changed = [_row(n) for n in range(5)]
    changed[2] = _row(2, **{"Nome del servizio": "Sportello legale", "Orari": "sab 9-12"})
    job = _import_file(run, coordinator_client, _csv(changed))
    assert (job.created_rows, job.updated_rows) == (0, 5)
    service = Service.objects.get(source_ref="ref:R00002")
    assert service.name == "Sportello legale"
    assert [s.byday for s in service.schedules.all()] == ["SA"]
    assert Service.objects.count() == 5


@pytest.mark.django_db
def test_without_a_reference_column_re_importing_matches_name_address_and_city(
    operator_client, run
):
    headers = [h for h in HEADERS if h != "ID"]
    rows = [{k: v for k, v in _row(n).items() if k != "ID"} for n in range(3)]
    content = _csv(rows, headers=headers, delimiter=",")
    _import_file(run, operator_client, content)
    job = _import_file(run, operator_client, content)
    assert (job.created_rows, job.updated_rows) == (0, 3)
    assert Service.objects.count() == 3
    assert all(s.startswith("h:") for s in Service.objects.values_list("source_ref", flat=True))


@pytest.mark.django_db
def test_the_same_file_in_another_association_makes_its_own_services(
    operator_client, outsider_client, run
):
    content = _csv([_row(n) for n in range(3)])
    _import_file(run, operator_client, content)
    job = _import_file(run, outsider_client, content)
    assert job.created_rows == 3
    assert Service.objects.count() == 6
    # And the other association's services stay as they were.
    assert Service.objects.maintained_by(operator_client.association).count() == 3


@pytest.mark.django_db
def test_a_small_xlsx_goes_through_the_pages(operator_client, run):
    content = _xlsx(
        [
            ["Codice", "Nome", "Comune", "Latitudine", "Longitudine", "Lingue", "Pubblico"],
            ["A1", "Mensa San Vincenzo", "Caserta", 41.0723, 14.3311, "it;ar", "yes"],
            ["A2", "Banco alimentare", "Aversa", None, None, "", "no"],
        ]
    )
    job = _import_file(run, operator_client, content, name="risorse.xlsx")
    assert (job.status, job.created_rows) == (ImportJob.Status.DONE, 2)
    mensa = Service.objects.get(source_ref="ref:A1")
    assert mensa.is_public is True
    # Without an organization column, the association's own organization holds them.
    assert mensa.organization.name == operator_client.association.name
    assert str(mensa.locations.get().latitude) == "41.072300"


@pytest.mark.django_db
def test_the_mapping_page_shows_the_guesses_and_requires_the_name(operator_client):
    _upload(operator_client, _csv([_row(1)]))
    job = ImportJob.objects.get()
    page = operator_client.get(reverse("resources:import-mapping", args=[job.pk]))
    assert page.status_code == 200
    assert page.context["form"]["latitude"].value() == "Latitudine"
    response = operator_client.post(
        reverse("resources:import-mapping", args=[job.pk]), {"city": "Città"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (b"%PDF-1.4", "risorse.pdf", "spreadsheet", "CSV or XLSX"),
        (b"", "risorse.csv", "spreadsheet", "empty"),  # Django's own message
        (b"Nome;Citta\n", "risorse.csv", "spreadsheet", "empty"),
        (b"Nome\nMensa\n", "risorse.csv", "hsds", ".zip"),
    ],
)
def test_a_bad_file_is_refused_on_upload_and_nothing_is_saved(
    operator_client, content, name, kind, message
):
    response = _upload(operator_client, content, name, kind)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_file_over_five_megabytes_is_refused(operator_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    response = _upload(operator_client, _csv([_row(n) for n in range(50)]))
    assert "larger than 5 MB" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


# --- HSDS data packages ---------------------------------------------------------------


def _hsds_package(association, n: int = 3) -> tuple[bytes, list[str]]:
    """A package of ``n`` services of ``association``, which are then deleted: importing
    it brings them back."""
    from resources import hsds_tabular
    from tests.factories import service_with_location

    services_made = [
        service_with_location(organization__maintained_by=association) for _ in range(n)
    ]
    content = hsds_tabular.export_package(
        Service.objects.filter(pk__in=[s.pk for s in services_made])
    )
    names = sorted(s.name for s in services_made)
    Organization.objects.filter(maintained_by=association).delete()
    return content, names


@pytest.mark.django_db
def test_an_hsds_package_is_checked_on_upload_then_imported_without_a_mapping(operator_client, run):
    content, names = _hsds_package(operator_client.association)
    response = _upload(operator_client, content, "directory.zip", kind="hsds")
    job = ImportJob.objects.get()
    assert (job.kind, job.status, job.total_rows) == ("hsds", ImportJob.Status.CHECKED, 3)
    assert response["Location"] == reverse("resources:import-preview", args=[job.pk])
    # No columns to choose: the mapping page sends on to the preview.
    mapping = operator_client.get(reverse("resources:import-mapping", args=[job.pk]))
    assert mapping["Location"] == reverse("resources:import-preview", args=[job.pk])
    preview = operator_client.get(reverse("resources:import-preview", args=[job.pk]))
    assert preview.context["valid_count"] == 3

    run(operator_client, reverse("resources:import-preview", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_rows, job.updated_rows) == (ImportJob.Status.DONE, 3, 0)
    assert job.progress_percent == 100
    assert sorted(Service.objects.values_list("name", flat=True)) == names

    _upload(operator_client, content, "directory.zip", kind="hsds")
    again = ImportJob.objects.latest("created_at")
    run(operator_client, reverse("resources:import-preview", args=[again.pk]))
    again.refresh_from_db()
    assert (again.created_rows, again.updated_rows) == (0, 3)
    assert Service.objects.count() == 3


@pytest.mark.django_db
def test_a_malformed_hsds_package_is_refused_on_upload(operator_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("services.csv", "id,name\n1,Mensa\n")
    response = _upload(operator_client, buffer.getvalue(), "directory.zip", kind="hsds")
    assert "cannot be read" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


# --- Who may import --------------------------------------------------------------------


@pytest.mark.django_db
def test_operator_and_coordinator_of_the_association_see_the_job_an_outsider_gets_404(
    operator_client, coordinator_client, member_client, outsider_client
):
    _upload(operator_client, _csv([_row(1)]))
    job = ImportJob.objects.get()
    assert job.created_by == operator_client.user
    for name in ("import-mapping", "import-detail"):
        url = reverse(f"resources:{name}", args=[job.pk])
        assert operator_client.get(url).status_code in (200, 302)
        assert coordinator_client.get(url).status_code in (200, 302)
        assert member_client.get(url).status_code == 403
        assert outsider_client.get(url).status_code == 404
    assert member_client.get(reverse("resources:import-create")).status_code == 403
    response = outsider_client.post(
        reverse("resources:import-preview", args=[job.pk]), {"only_valid_rows": "1"}
    )
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    # The list shows only the association's own imports.
    listing = outsider_client.get(reverse("resources:import-list"))
    assert list(listing.context["page"].object_list) == []


@pytest.mark.django_db
def test_a_member_cannot_upload(member_client):
    response = _upload(member_client, _csv([_row(1)]))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


# --- The task and its progress ---------------------------------------------------------


@pytest.mark.django_db
def test_start_queues_the_task_after_commit_and_a_second_start_is_refused(
    operator_client, django_capture_on_commit_callbacks
):
    _upload(operator_client, _csv([_row(n) for n in range(3)]))
    job = ImportJob.objects.get()
    _map_with_guesses(operator_client, job)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        services.import_job_start(job=job, only_valid_rows=False)
    assert len(callbacks) == 1
    assert not Service.objects.exists()  # nothing happens before the commit
    with pytest.raises(services.ImportJobError):
        services.import_job_start(job=job, only_valid_rows=False)
    callbacks[0]()  # the eager task runs
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_rows) == (ImportJob.Status.DONE, 3, 3)
    # A second run of the finished job is a no-op.
    from resources.tasks import resource_import_run_task

    resource_import_run_task.delay(job.pk)
    job.refresh_from_db()
    assert job.created_rows == 3
    assert Service.objects.count() == 3


@pytest.mark.django_db
def test_progress_is_recorded_batch_by_batch(operator_client, run, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 10)
    seen = []
    original = services._progress

    def spy(job, **values):
        original(job, **values)
        seen.append(ImportJob.objects.get(pk=job.pk).processed_rows)

    monkeypatch.setattr(services, "_progress", spy)
    job = _import_file(run, operator_client, _csv([_row(n) for n in range(35)]))
    assert seen == [0, 10, 20, 30, 35]
    assert job.progress_percent == 100


@pytest.mark.django_db
def test_the_detail_page_polls_while_running_and_stops_when_done(operator_client):
    job = ImportJob.objects.create(
        association=operator_client.association,
        created_by=operator_client.user,
        kind=ImportJob.Kind.SPREADSHEET,
        file="imports/x.csv",
        original_name="x.csv",
        status=ImportJob.Status.RUNNING,
        total_rows=200,
        processed_rows=50,
    )
    url = reverse("resources:import-detail", args=[job.pk])
    page = operator_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{url}"' in page
    assert 'value="25"' in page
    assert f'href="{url}"' in page  # without JavaScript: a plain reload link
    partial = operator_client.get(url, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "resources/_import_progress.html"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, processed_rows=200, created_rows=199, updated_rows=1
    )
    done = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "199 resources added" in done


@pytest.mark.django_db
def test_a_file_changed_after_the_check_imports_nothing(
    operator_client, django_capture_on_commit_callbacks
):
    _upload(operator_client, _csv([_row(1), _row(2)]))
    job = ImportJob.objects.get()
    _map_with_guesses(operator_client, job)
    job.refresh_from_db()
    with job.file.open("wb") as file:
        file.write(_csv([_row(1), _row(2, Latitudine="nord")]))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_start(job=job, only_valid_rows=False)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_an_existing_service_of_the_association_is_left_alone(operator_client, run):
    own = ServiceFactory(
        name="Sportello 1", organization__maintained_by=operator_client.association
    )
    _import_file(run, operator_client, _csv([_row(1)]))
    own.refresh_from_db()
    assert own.source_ref == ""
    assert Service.objects.count() == 2


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_file_and_progress_reaches_100(
    operator_client, celery_worker_on_redis, monkeypatch
):
    monkeypatch.setattr(imports, "BATCH_SIZE", 25)
    _upload(operator_client, _csv([_row(n) for n in range(120)]))
    job = ImportJob.objects.get()
    _map_with_guesses(operator_client, job)
    operator_client.post(reverse("resources:import-preview", args=[job.pk]))

    url = reverse("resources:import-detail", args=[job.pk])
    seen = set()
    deadline = time.monotonic() + 60
    while True:
        job.refresh_from_db()
        seen.add(job.progress_percent)
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            break
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish the import in time")
        time.sleep(0.05)
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.progress_percent, job.created_rows) == (120, 100, 120)
    assert Service.objects.count() == 120
    page = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "120 resources added" in page
    assert 'value="100"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 25])
def test_import_list_query_count_is_constant(operator_client, django_assert_num_queries, n):
    for i in range(n):
        ImportJob.objects.create(
            association=operator_client.association,
            created_by=operator_client.user,
            kind=ImportJob.Kind.SPREADSHEET,
            file=f"imports/{i}.csv",
            original_name=f"{i}.csv",
        )
    # user, memberships, second factor, count of jobs, unread notifications,
    # page of jobs with who created them
    with django_assert_num_queries(6):
        operator_client.get(reverse("resources:import-list"))


@pytest.mark.django_db
def test_a_failed_import_does_not_keep_the_file(
    operator_client, django_capture_on_commit_callbacks
):
    _upload(operator_client, _csv([_row(1), _row(2)]))
    job = ImportJob.objects.get()
    _map_with_guesses(operator_client, job)
    job.refresh_from_db()
    with job.file.open("wb") as file:
        file.write(_csv([_row(1), _row(2, Latitudine="nord")]))
    stored = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_start(job=job, only_valid_rows=False)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not job.file  # the uploaded file, with people's data, is not kept
    assert not job.file.storage.exists(stored)


@pytest.mark.django_db
def test_re_importing_fewer_columns_leaves_the_others_as_they_are(operator_client, run):
    _import_file(run, operator_client, _csv([_row(n, Pubblico="sì") for n in range(3)]))
    service = Service.objects.get(source_ref="ref:R00001")
    before = {
        "fields": Service.objects.filter(pk=service.pk).values(
            "description", "email", "url", "is_free", "is_public", "organization_id"
        )[0],
        "categories": sorted(service.categories.values_list("code", flat=True)),
        "languages": sorted(service.languages.values_list("code", flat=True)),
        "postal_code": service.locations.get().postal_code,
    }
    headers = ["ID", "Nome del servizio", "Indirizzo", "Città"]
    rows = [
        {"ID": f"R{n:05d}", "Nome del servizio": f"Sportello {n}", "Indirizzo": f"Via Po {n}",
         "Città": "Aversa"}
        for n in range(3)
    ]  # fmt: skip
    organizations = Organization.objects.count()

    job = _import_file(run, operator_client, _csv(rows, headers=headers))

    assert (job.status, job.created_rows, job.updated_rows) == (ImportJob.Status.DONE, 0, 3)
    service.refresh_from_db()
    assert {
        "fields": Service.objects.filter(pk=service.pk).values(
            "description", "email", "url", "is_free", "is_public", "organization_id"
        )[0],
        "categories": sorted(service.categories.values_list("code", flat=True)),
        "languages": sorted(service.languages.values_list("code", flat=True)),
        "postal_code": service.locations.get().postal_code,
    } == before
    assert before["fields"]["is_public"] is True
    place = service.locations.get()
    assert (place.address_1, place.city) == ("Via Po 1", "Aversa")
    assert Organization.objects.count() == organizations


@pytest.mark.django_db
def test_an_import_leaves_a_place_of_another_association_alone(
    operator_client, other_association, run
):
    _import_file(run, operator_client, _csv([_row(1)]))
    service = Service.objects.get()
    theirs = Location.objects.create(
        maintained_by=other_association, address_1="Via Loro 1", city="Capua"
    )
    service.locations.set([theirs])

    job = _import_file(run, operator_client, _csv([_row(1, Indirizzo="Via Nostra 2")]))

    assert job.status == ImportJob.Status.DONE
    theirs.refresh_from_db()
    assert (theirs.address_1, theirs.city) == ("Via Loro 1", "Capua")
    assert list(service.locations.all()) == [theirs]
