"""Importing an association's existing spreadsheet of members: reading CSV and XLSX,
column guesses, the preview's counts and per-row errors, the registry's duplicate rules
(in the registry and inside the file), idempotent re-imports, who may import, and the
background task with its progress."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from members import imports, tabular
from members.models import EmpowermentStep, Member, MemberImportJob, Role
from members.names import name_key
from members.services import imports as services
from members.tasks import member_import_task
from tests.factories import MemberFactory

HEADERS = [
    "Nome",
    "Cognome",
    "Cellulare",
    "E-mail",
    "Comune",
    "Quartiere",
    "Anno di nascita",
    "Lingue",
    "Lingua preferita",
    "Componenti nucleo",
    "Note",
]
# Words that the transliteration-tolerant name key keeps apart: consonants only from
# two sets that never meet as a double letter or a digraph (see members.names).
_ODD, _EVEN = "bdfgjlmnp", "rstvzqxkc"


def _name(n: int) -> str:
    letters = []
    for position in range(5):
        n, digit = divmod(n, 9)
        letters.append((_ODD if position % 2 == 0 else _EVEN)[digit])
    return "a".join(letters).capitalize()


def _row(n: int, **changes) -> dict[str, str]:
    row = {
        "Nome": _name(n),
        "Cognome": "Esposito",
        "Cellulare": f"333 {n:07d}",
        "E-mail": f"persona{n}@example.org",
        "Comune": "Caserta",
        "Quartiere": "Centro storico",
        "Anno di nascita": str(1950 + n % 60),
        "Lingue": "italiano, ar; en",
        "Lingua preferita": "Arabo",
        "Componenti nucleo": str(1 + n % 6),
        "Note": "Conosciuto allo sportello.",
    }
    row.update(changes)
    return row


def _csv(rows: list[dict], headers=HEADERS, delimiter=",", encoding="utf-8") -> bytes:
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


def _upload(client, content: bytes, name: str = "soci.csv"):
    return client.post(
        reverse("members:import-create"), {"file": SimpleUploadedFile(name, content)}
    )


def _map_with_guesses(client, job: MemberImportJob):
    """Post the mapping form as it comes, with its guesses."""
    page = client.get(reverse("members:import-mapping", args=[job.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(reverse("members:import-mapping", args=[job.pk]), data)


def _checked(client, content: bytes, name: str = "soci.csv") -> MemberImportJob:
    """Upload and map with the guesses: the job is ready for its preview."""
    response = _upload(client, content, name)
    assert response.status_code == 302, response.context and response.context["form"].errors
    job = MemberImportJob.objects.for_association(client.association).latest("created_at")
    _map_with_guesses(client, job)
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.CHECKED
    return job


def _import(run, client, content: bytes, name: str = "soci.csv") -> MemberImportJob:
    job = _checked(client, content, name)
    run(client, reverse("members:import-run", args=[job.pk]))
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


LOOKUPS = imports.Lookups(
    {"it": "it", "en": "en", "ar": "ar", "italiano": "it", "arabic": "ar", "arabo": "ar"}
)
MAPPING = {f.key: f.key for f in imports.FIELDS}


# --- The row parser ---------------------------------------------------------------------


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    values=st.dictionaries(st.sampled_from(sorted(MAPPING)), st.text(max_size=400)),
    number=st.integers(min_value=2, max_value=30_000),
)
def test_any_text_in_any_cell_is_a_valid_row_or_row_errors_never_an_exception(values, number):
    member_row, errors = imports.parse_row(tabular.SheetRow(number, values), MAPPING, LOOKUPS)
    if member_row is None:
        assert errors
        for error in errors:
            assert error["row"] == number
            assert error["column"] in MAPPING
            assert isinstance(error["message"], str) and error["message"]
    else:
        assert errors == []
        # What the parser accepts, the registry's model accepts.
        fields = dict(member_row.fields)
        member = Member(preferred_language_id=fields.pop("preferred_language", None), **fields)
        member.clean_fields(exclude=["association", "user", "preferred_language", "name_key"])
        assert member.first_name.strip()
        assert set(member_row.languages) <= set(LOOKUPS.languages.values())


@hypothesis_settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx"]))
def test_any_bytes_are_a_table_or_a_file_error(content, name):
    try:
        headers, rows = imports.read_rows(io.BytesIO(content), name)
    except tabular.TableFileError as error:
        assert str(error)
    else:
        assert headers
        assert all(row.number >= 2 for row in rows)


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("1985", 1985),
        ("1985.0", 1985),
        ("12/03/1985", 1985),
        ("1.3.1985", 1985),
        ("1985-03-12", 1985),
        ("1985-03-12T00:00:00", 1985),  # a date cell of an XLSX
        ("", None),
    ],
)
def test_a_year_or_a_full_date_of_birth_gives_the_year(raw, year):
    row, errors = imports.parse_row(
        tabular.SheetRow(2, {"n": "Amina", "y": raw}),
        {"first_name": "n", "year_of_birth": "y"},
        LOOKUPS,
    )
    assert errors == []
    assert row.fields["year_of_birth"] == year


def test_each_bad_cell_is_named_with_its_row_column_and_a_clear_message():
    row = tabular.SheetRow(
        7,
        {
            "n": "",
            "p": "chiamare in sede",
            "e": "amina@",
            "y": "31/02/1985",
            "h": "tanti",
            "l": "it, klingon",
            "x": '=HYPERLINK("http://x")',
        },
    )
    mapping = {
        "first_name": "n",
        "phone": "p",
        "email": "e",
        "year_of_birth": "y",
        "household_size": "h",
        "languages": "l",
        "operator_notes": "x",
    }
    member_row, errors = imports.parse_row(row, mapping, LOOKUPS)
    assert member_row is None
    assert {(e["row"], e["column"]) for e in errors} == {(7, c) for c in "npeyhlx"}
    messages = {e["column"]: e["message"] for e in errors}
    assert messages["n"] == "this value is required"
    assert messages["p"].startswith("not a phone number")
    assert messages["e"] == "not a valid email address"
    assert messages["y"] == "“31/02/1985” is not a date"
    assert messages["h"] == "write the number of people, from 1 to 30"
    assert messages["l"].startswith("unknown language “klingon”")
    assert "formula" in messages["x"]


def test_the_columns_are_guessed_from_italian_and_english_headers():
    assert imports.guess_mapping(HEADERS) == {
        "first_name": "Nome",
        "last_name": "Cognome",
        "phone": "Cellulare",
        "email": "E-mail",
        "municipality": "Comune",
        "zone": "Quartiere",
        "year_of_birth": "Anno di nascita",
        "languages": "Lingue",
        "preferred_language": "Lingua preferita",
        "household_size": "Componenti nucleo",
        "operator_notes": "Note",
    }
    english = ["First name", "Surname", "Phone", "Email", "City", "Zone", "Date of birth"]
    assert imports.guess_mapping([*english, "Languages", "Household size", "Notes"]) == {
        "first_name": "First name",
        "last_name": "Surname",
        "phone": "Phone",
        "email": "Email",
        "municipality": "City",
        "zone": "Zone",
        "year_of_birth": "Date of birth",
        "languages": "Languages",
        "household_size": "Household size",
        "operator_notes": "Notes",
    }


# --- The acceptance: 5,000 rows, 3 bad ones, then the same file again ----------------------


@pytest.mark.django_db
def test_five_thousand_rows_with_three_bad_ones_then_the_same_file_again_adds_nobody(
    operator_client, run
):
    rows = [_row(n) for n in range(5000)]
    rows[99] = _row(99, Cellulare="non ce l'ha")  # sheet row 101
    rows[2499] = _row(2499, **{"Anno di nascita": "1890"})  # sheet row 2501
    rows[4999] = _row(4999, Nome="")  # sheet row 5001
    content = _csv(rows)

    job = _checked(operator_client, content)
    preview = operator_client.get(reverse("members:import-preview", args=[job.pk]))
    assert preview.context["valid_count"] == 4997
    assert preview.context["invalid_count"] == 3
    assert preview.context["registered_count"] == 0
    assert len(preview.context["sample"]) == imports.PREVIEW_ROWS
    expected = [
        (101, "Cellulare", "not a phone number: write digits only, e.g. +39 333 123 4567"),
        (2501, "Anno di nascita", "the year of birth must be between 1900 and "),
        (5001, "Nome", "this value is required"),
    ]
    errors = [(e["row"], e["column"], e["message"]) for e in preview.context["errors"]]
    assert [(row, column) for row, column, _m in errors] == [(r, c) for r, c, _m in expected]
    for (_r, _c, message), (_row_number, _column, wanted) in zip(errors, expected, strict=True):
        assert message.startswith(wanted)
    assert "Import the 4997 valid rows" in preview.content.decode()
    assert "Row 101, column “Cellulare”: not a phone number" in preview.content.decode()

    run(operator_client, reverse("members:import-run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows) == (5000, 5000)
    assert (job.created_rows, job.skipped_rows) == (4997, 0)
    assert job.progress_percent == 100
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (101, "Cellulare"),
        (2501, "Anno di nascita"),
        (5001, "Nome"),
    ]
    assert Member.objects.for_association(operator_client.association).count() == 4997
    assert not job.file  # the people's data is not kept once imported
    report = operator_client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert "4997 people added to the registry" in report
    assert "3 rows with errors, not imported" in report
    assert "Row 5001, column “Nome”: this value is required" in report

    again = _checked(operator_client, content)
    preview = operator_client.get(reverse("members:import-preview", args=[again.pk]))
    assert (preview.context["valid_count"], preview.context["registered_count"]) == (0, 4997)
    assert "There is nobody to add from this file." in preview.content.decode()
    run(operator_client, reverse("members:import-run", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == MemberImportJob.Status.DONE
    assert (again.created_rows, again.skipped_rows) == (0, 4997)
    assert Member.objects.for_association(operator_client.association).count() == 4997


@pytest.mark.django_db
def test_an_imported_member_has_every_field_history_languages_and_the_registered_stage(
    operator_client, run
):
    job = _import(run, operator_client, _csv([_row(1)]))
    assert job.created_rows == 1
    member = Member.objects.get(association=operator_client.association)
    assert (member.first_name, member.last_name) == (_name(1), "Esposito")
    assert member.phone == "+393330000001"
    assert (member.email, member.municipality, member.zone) == (
        "persona1@example.org",
        "Caserta",
        "Centro storico",
    )
    assert (member.year_of_birth, member.household_size) == (1951, 2)
    assert member.preferred_language_id == "ar"
    assert sorted(member.languages.values_list("code", flat=True)) == ["ar", "en", "it"]
    assert member.operator_notes == "Conosciuto allo sportello."
    assert member.name_key
    record = member.history.get()
    assert record.history_user == operator_client.user
    assert record.history_type == "+"
    assert sorted(record.languages.values_list("language_id", flat=True)) == ["ar", "en", "it"]
    step = EmpowermentStep.objects.get(member=member)
    assert (step.stage, step.association) == ("registered", operator_client.association)


# --- Duplicates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_phone_written_another_way_or_a_transliterated_name_matches_the_registry(
    operator_client, run
):
    association = operator_client.association
    MemberFactory(association=association, first_name="Ada", phone="333 123-4567")
    MemberFactory(
        association=association,
        first_name="Mohamed",
        last_name="Ali",
        year_of_birth=1990,
        name_key=name_key("Mohamed Ali"),  # as the registry's services keep it
    )
    content = _csv(
        [
            _row(1, Cellulare="+39 3331234567"),
            _row(2, Nome="Muhammad", Cognome="Aly", **{"Anno di nascita": "1990"}),
            _row(3),
        ]
    )
    job = _checked(operator_client, content)
    preview = operator_client.get(reverse("members:import-preview", args=[job.pk]))
    assert (preview.context["valid_count"], preview.context["registered_count"]) == (1, 2)
    assert [(e["row"], e["message"]) for e in preview.context["registered"]] == [
        (2, "already in the registry (same phone number)"),
        (3, "already in the registry (same name and year of birth)"),
    ]
    run(operator_client, reverse("members:import-run", args=[job.pk]))
    job.refresh_from_db()
    assert (job.created_rows, job.skipped_rows) == (1, 2)
    assert Member.objects.filter(association=association).count() == 3


@pytest.mark.django_db
def test_a_person_twice_in_the_file_is_registered_once_and_the_repeat_is_reported(
    operator_client, run
):
    content = _csv(
        [
            _row(1),
            _row(2, Cellulare="0039 333-000-0001"),  # row 1's phone, another way
            # row 1's name and year of birth, no phone
            _row(3, Cellulare="", Nome=_name(1), **{"Anno di nascita": "1951"}),
            _row(4),
        ]
    )
    job = _import(run, operator_client, content)
    assert job.created_rows == 2
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (3, "same person as row 2 (same phone number)"),
        (4, "same person as row 2 (same name and year of birth)"),
    ]
    assert Member.objects.filter(association=operator_client.association).count() == 2


@pytest.mark.django_db
def test_people_of_another_association_are_not_duplicates(operator_client, other_association, run):
    MemberFactory(association=other_association, phone="+393330000001")
    job = _import(run, operator_client, _csv([_row(1)]))
    assert (job.created_rows, job.skipped_rows) == (1, 0)


@pytest.mark.django_db
def test_someone_registered_while_the_import_waits_is_not_added_twice(operator_client):
    index = imports.RegistryIndex.for_association(operator_client.association)
    plan = imports.plan_import(
        [tabular.SheetRow(2, _row(1)), tabular.SheetRow(3, _row(2))],
        imports.guess_mapping(HEADERS),
        index=index,
        lookups=imports.Lookups.from_database(),
    )
    assert len(plan.to_create) == 2
    # Between the plan and the batch, an operator registers row 3's person by hand.
    MemberFactory(association=operator_client.association, phone="+393330000002")
    outcome = services.member_import_batch(
        association=operator_client.association,
        by=operator_client.user,
        rows=plan.to_create,
        index=index,
        ours=set(),
    )
    assert [m.phone for m in outcome.created] == ["+393330000001"]
    assert [e["row"] for e in outcome.registered] == [3]


# --- Files ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_xlsx_with_numbers_and_dates_as_cells_is_imported(operator_client, run):
    content = _xlsx(
        [
            ["First name", "Last name", "Phone", "Date of birth", "Household size", "Languages"],
            ["Amina", "Diallo", 3331234567, datetime(1988, 5, 17), 4, "French; wolof"],
            [None, None, None, None, None, None],
            ["Oleksandr", "Kovalenko", "+380 67 123 4567", 1979, None, "uk"],
        ]
    )
    job = _import(run, operator_client, content, "members.xlsx")
    assert (job.status, job.created_rows, job.errors) == (MemberImportJob.Status.DONE, 2, [])
    amina, oleksandr = Member.objects.filter(association=operator_client.association).order_by(
        "first_name"
    )
    assert (amina.phone, amina.year_of_birth, amina.household_size) == ("+393331234567", 1988, 4)
    assert sorted(amina.languages.values_list("code", flat=True)) == ["fr", "wo"]
    assert (oleksandr.phone, oleksandr.year_of_birth) == ("+380671234567", 1979)


@pytest.mark.django_db
def test_a_semicolon_csv_saved_by_excel_in_the_windows_code_page_is_imported(operator_client, run):
    content = "Nome;Cognome;Città;Telefono\nNiccolò;Carità;Sessa Aurunca;+39 333 765 4321\n"
    job = _import(run, operator_client, content.encode("cp1252"))
    assert job.created_rows == 1
    member = Member.objects.get(association=operator_client.association)
    assert (member.first_name, member.last_name, member.municipality, member.phone) == (
        "Niccolò",
        "Carità",
        "Sessa Aurunca",
        "+393337654321",
    )


@pytest.mark.django_db
def test_a_utf8_csv_with_a_byte_order_mark_is_read():
    content = "\ufeffNome,Cognome\nZoë,Ünal\n".encode()
    headers, rows = imports.read_rows(io.BytesIO(content), "soci.csv")
    assert headers == ["Nome", "Cognome"]
    assert rows[0].values == {"Nome": "Zoë", "Cognome": "Ünal"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Nome\nAmina\n", "soci.pdf", "CSV or XLSX"),
        (b"Nome;Cognome\n", "soci.csv", "empty"),
        (b"not a zip at all", "soci.xlsx", "XLSX"),
        (b"\x00\x01\x02", "soci.csv", "CSV"),
    ],
)
def test_a_bad_file_is_a_form_error_and_nothing_is_saved(operator_client, content, name, message):
    response = _upload(operator_client, content, name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not MemberImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damaged", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"]
)
def test_a_damaged_xlsx_is_a_form_error_not_a_crash(operator_client, damaged):
    good = zipfile.ZipFile(io.BytesIO(_xlsx([["Nome"], ["Amina"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in good.infolist():
            archive.writestr(item, b"<x>" if item.filename == damaged else good.read(item))
    response = _upload(operator_client, out.getvalue(), "soci.xlsx")
    assert response.status_code == 200
    assert "open it and save it again" in " ".join(response.context["form"].errors["file"])
    assert not MemberImportJob.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_with_the_limit(operator_client, settings):
    settings.NUCLEO_MEMBER_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    content = _csv([_row(n, Note="x" * 1000) for n in range(2200)])
    assert len(content) > 2 * 1024 * 1024
    response = _upload(operator_client, content)
    assert response.status_code == 200
    assert "larger than 2 MB" in " ".join(response.context["form"].errors["file"])
    assert not MemberImportJob.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_with_the_limit(operator_client, settings):
    settings.NUCLEO_MEMBER_IMPORT_MAX_ROWS = 3
    response = _upload(operator_client, _csv([_row(n) for n in range(4)]))
    assert "more than 3 rows" in " ".join(response.context["form"].errors["file"])
    assert not MemberImportJob.objects.exists()


@pytest.mark.django_db
def test_a_mapping_without_the_first_name_or_with_a_column_twice_is_refused(operator_client):
    response = _upload(operator_client, _csv([_row(1)]))
    job = MemberImportJob.objects.get()
    assert response["Location"] == reverse("members:import-mapping", args=[job.pk])
    url = reverse("members:import-mapping", args=[job.pk])
    response = operator_client.post(url, {"first_name": "", "last_name": "Cognome"})
    assert "Choose the column with the first names" in str(response.context["form"].errors)
    response = operator_client.post(url, {"first_name": "Nome", "last_name": "Nome"})
    assert "already chosen for “First name”" in str(response.context["form"].errors)
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.UPLOADED


# --- The task -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_run_twice_imports_once(operator_client, django_capture_on_commit_callbacks):
    job = _checked(operator_client, _csv([_row(n) for n in range(30)]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = operator_client.post(reverse("members:import-run", args=[job.pk]))
    assert response["Location"] == reverse("members:import-detail", args=[job.pk])
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.QUEUED

    member_import_task.apply(args=[job.pk])
    member_import_task.apply(args=[job.pk])  # a redelivery: claims nothing
    job.refresh_from_db()
    assert (job.status, job.created_rows) == (MemberImportJob.Status.DONE, 30)
    assert Member.objects.filter(association=operator_client.association).count() == 30
    assert member_import_task.name == "members.tasks.member_import_task"

    # Starting a finished import again is refused, and queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = operator_client.post(reverse("members:import-run", args=[job.pk]), follow=True)
    assert callbacks == []
    assert "This import has already started." in response.content.decode()


@pytest.mark.django_db
def test_progress_is_recorded_batch_by_batch(operator_client, run, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 10)
    seen = []
    real = services._progress

    def spy(job, **values):
        seen.append(values.get("processed_rows"))
        real(job, **values)

    monkeypatch.setattr(services, "_progress", spy)
    rows = [_row(n) for n in range(25)]
    rows[3] = _row(3, Cellulare="?")
    job = _import(run, operator_client, _csv(rows))
    assert seen == [1, 11, 21, 25]
    assert (job.processed_rows, job.created_rows) == (25, 24)


@pytest.mark.django_db
def test_an_unreadable_file_fails_the_import_and_the_file_is_deleted(operator_client, run):
    job = _checked(operator_client, _csv([_row(1)]))
    with open(job.file.path, "wb") as file:
        file.write(b"\x00\x00")  # the file damaged after the preview
    storage, name = job.file.storage, job.file.name
    run(operator_client, reverse("members:import-run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.FAILED
    assert job.finished_at is not None
    assert [e["message"] for e in job.errors] == [
        "This does not look like a CSV file: save it again as CSV."
    ]
    assert not storage.exists(name)
    assert not Member.objects.filter(association=operator_client.association).exists()


@pytest.mark.django_db
def test_the_status_page_polls_while_the_import_runs_and_stops_when_done(operator_client):
    job = MemberImportJob.objects.create(
        association=operator_client.association,
        created_by=operator_client.user,
        original_name="soci.csv",
        status=MemberImportJob.Status.RUNNING,
        total_rows=200,
        processed_rows=50,
    )
    page = operator_client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    progress_url = reverse("members:import-progress", args=[job.pk])
    assert f'hx-get="{progress_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "50 of 200 rows (25%)" in page

    MemberImportJob.objects.filter(pk=job.pk).update(
        status=MemberImportJob.Status.DONE, processed_rows=200, created_rows=190, skipped_rows=8
    )
    partial = operator_client.get(progress_url, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert "hx-get" not in content
    assert "190 people added to the registry" in content
    assert "8 rows skipped: already in the registry" in content
    assert "2 rows with errors, not imported" in content


@pytest.mark.django_db
@pytest.mark.parametrize("errors", [1, 300])
def test_the_progress_partial_query_count_is_constant(
    operator_client, django_assert_num_queries, errors
):
    job = MemberImportJob.objects.create(
        association=operator_client.association,
        created_by=operator_client.user,
        original_name="soci.csv",
        status=MemberImportJob.Status.DONE,
        total_rows=1000,
        processed_rows=1000,
        created_rows=1000 - errors,
        errors=[{"row": n + 2, "column": "Nome", "message": "required"} for n in range(errors)],
    )
    url = reverse("members:import-progress", args=[job.pk])
    operator_client.get(url)  # the session's first request warms what is cached
    # session, user, memberships, the job
    with django_assert_num_queries(4):
        response = operator_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("list-group-item") == errors


@pytest.mark.django_db
def test_the_list_shows_the_associations_imports_only(operator_client, outsider_client, run):
    job = _import(run, operator_client, _csv([_row(1)]), "soci-2024.csv")
    MemberImportJob.objects.create(association=outsider_client.association, original_name="x.csv")
    page = operator_client.get(reverse("members:import-list"))
    assert [j.pk for j in page.context["page"].object_list] == [job.pk]
    assert "soci-2024.csv" in page.content.decode()
    assert "1 added, 0 already in the registry" in page.content.decode()


# --- Who may import -------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_associations_import_is_a_404(operator_client, coordinator_client, outsider_client):
    job = _checked(operator_client, _csv([_row(1)]))
    for name in ("import-mapping", "import-preview", "import-detail", "import-progress"):
        response = outsider_client.get(reverse(f"members:{name}", args=[job.pk]))
        assert response.status_code == 404, name
    response = outsider_client.post(reverse("members:import-run", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == MemberImportJob.Status.CHECKED
    # The association's coordinator, allowed by role, sees it.
    preview = coordinator_client.get(reverse("members:import-preview", args=[job.pk]))
    assert preview.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.FACILITATOR])
def test_members_and_facilitators_may_not_import(make_client, association, role):
    client = make_client(association, role)
    assert client.get(reverse("members:import-list")).status_code == 403
    response = client.post(
        reverse("members:import-create"),
        {"file": SimpleUploadedFile("soci.csv", _csv([_row(1)]))},
    )
    assert response.status_code == 403
    assert not MemberImportJob.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_someone_without_a_staff_role(make_client, association):
    member = make_client(association, Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.member_import_create(
            association=association,
            by=member.user,
            file=SimpleUploadedFile("soci.csv", _csv([_row(1)])),
            total_rows=1,
        )


@pytest.mark.django_db
def test_operators_and_coordinators_find_the_import_from_the_registry(coordinator_client):
    page = coordinator_client.get(reverse("members:member-list")).content.decode()
    assert reverse("members:import-list") in page
    assert "Import a spreadsheet" in page
