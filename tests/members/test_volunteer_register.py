"""The register of non-occasional volunteers (CTS art. 17, DM 6 Oct 2021): append-only in
the database and in the admin, numbered per association, corrected by new entries,
printable and exportable as CSV."""

import csv
import datetime
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from members.models import Role, VolunteerRegisterEntry
from members.services import volunteers as services
from tests.factories import (
    MemberFactory,
    VolunteerProfileFactory,
    VolunteerRegisterEntryFactory,
    user_with_role,
)

VALID_CODE = "RSSMRA80A01H501U"
PERSON = {
    "first_name": "Amina",
    "last_name": "Diallo",
    "fiscal_code": "DLLMNA90A41Z343G",  # check character computed below, in the fixture
    "birth_date": datetime.date(1990, 1, 1),
    "birth_place": "Dakar (Senegal)",
    "residence": "Via Roma 1, Caserta (CE)",
    "start_date": datetime.date(2024, 3, 1),
}


def _person(**overrides):
    person = dict(PERSON)
    code = person["fiscal_code"][:15]
    person["fiscal_code"] = code + services.fiscal_code_check_character(code)
    person.update(overrides)
    return person


def _form(person):
    return {name: str(value) for name, value in person.items()}


@pytest.fixture
def coordinator(association):
    return user_with_role(association, Role.COORDINATOR)


def _enrol(association, by, **overrides):
    return services.register_entry_enrol(
        association=association,
        by=by,
        member=MemberFactory(association=association),
        **_person(**overrides),
    )


# --- Append-only, in the database --------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger under test is PostgreSQL's"
)


@postgres_only
def test_the_database_refuses_every_change_of_an_entry(association, coordinator):
    entry = _enrol(association, coordinator)
    entry.residence = "Elsewhere"
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerRegisterEntry.objects.filter(pk=entry.pk).update(residence="Elsewhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerRegisterEntry.objects.get(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerRegisterEntry.objects.filter(pk=entry.pk).delete()
    table = VolunteerRegisterEntry._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET residence = %s WHERE id = %s", ["x", entry.pk])  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    stored = VolunteerRegisterEntry.objects.get(pk=entry.pk)
    assert stored.residence == PERSON["residence"]


# --- Append-only, in the admin -------------------------------------------------------------


@pytest.fixture
def superuser_client(association):
    user = user_with_role(association, Role.COORDINATOR, is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_shows_the_register_and_changes_nothing(
    superuser_client, association, coordinator
):
    entry = _enrol(association, coordinator)
    base = "admin:members_volunteerregisterentry"
    assert superuser_client.get(reverse(f"{base}_changelist")).status_code == 200
    change = reverse(f"{base}_change", args=[entry.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    response = superuser_client.post(change, {**_form(_person()), "residence": "Elsewhere"})
    assert response.status_code == 403
    assert superuser_client.get(reverse(f"{base}_delete", args=[entry.pk])).status_code == 403
    assert (
        superuser_client.post(
            reverse(f"{base}_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert superuser_client.get(reverse(f"{base}_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.residence == PERSON["residence"]


# --- Numbering, corrections, end of service ---------------------------------------------


def test_entries_are_numbered_per_association(association, other_association, coordinator):
    theirs = user_with_role(other_association, Role.COORDINATOR)
    first = _enrol(association, coordinator)
    second = _enrol(association, coordinator, first_name="Olena")
    elsewhere = _enrol(other_association, theirs)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


def test_a_correction_is_a_new_entry_and_the_original_stays(coordinator_client):
    association = coordinator_client.association
    original = _enrol(association, coordinator_client.user)
    url = reverse("members:register-correct", args=[original.pk])
    page = coordinator_client.get(url).content.decode()
    assert PERSON["birth_place"] in page  # prefilled with the entry's values

    response = coordinator_client.post(url, _form(_person(residence="Via Napoli 2, Caserta")))

    assert response.status_code == 302
    correction = VolunteerRegisterEntry.objects.get(kind="correction")
    assert correction.number == original.number + 1
    assert correction.amends == original
    assert correction.member == original.member
    assert correction.residence == "Via Napoli 2, Caserta"
    assert correction.recorded_by == coordinator_client.user
    original.refresh_from_db()
    assert original.residence == PERSON["residence"]
    assert VolunteerRegisterEntry.objects.count() == 2


def test_end_of_service_is_a_new_entry_recorded_once(coordinator_client):
    association = coordinator_client.association
    original = _enrol(association, coordinator_client.user)
    url = reverse("members:register-end", args=[original.pk])
    too_early = coordinator_client.post(url, {"end_date": "2020-01-01"})
    assert "non può finire prima" in too_early.content.decode()
    response = coordinator_client.post(url, {"end_date": "2025-06-30"})
    assert response.status_code == 302
    end = VolunteerRegisterEntry.objects.get(kind="end")
    assert (end.number, end.amends, end.end_date) == (2, original, datetime.date(2025, 6, 30))
    assert end.fiscal_code == original.fiscal_code
    # Once ended, ending again (from any entry of the person) is refused.
    with pytest.raises(services.ValidationError):
        services.register_entry_end(
            entry=original, by=coordinator_client.user, end_date=datetime.date(2025, 7, 1)
        )
    assert coordinator_client.get(url).status_code == 302
    # The end itself can be corrected, its date included.
    response = coordinator_client.post(
        reverse("members:register-correct", args=[end.pk]),
        {**_form(_person()), "end_date": "2025-07-31"},
    )
    assert response.status_code == 302
    correction = VolunteerRegisterEntry.objects.get(kind="correction")
    assert (correction.number, correction.end_date) == (3, datetime.date(2025, 7, 31))


def test_coordinator_enrols_a_volunteer_from_the_network(coordinator_client):
    association = coordinator_client.association
    volunteer = VolunteerProfileFactory(member__association=association)
    pick = coordinator_client.get(reverse("members:register-create"))
    assert volunteer.member.full_name in pick.content.decode()
    url = reverse("members:register-create") + f"?member={volunteer.member.pk}"
    form_page = coordinator_client.get(url).content.decode()
    assert volunteer.member.first_name in form_page
    data = _form(_person(fiscal_code="dllmna 90a41 z343" + _person()["fiscal_code"][15].lower()))
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    entry = VolunteerRegisterEntry.objects.get()
    assert entry.member == volunteer.member
    assert entry.fiscal_code == _person()["fiscal_code"]  # upper case, without spaces
    assert (entry.number, entry.kind) == (1, "enrolment")


def test_a_wrong_fiscal_code_is_refused_and_nothing_written(coordinator_client):
    member = MemberFactory(association=coordinator_client.association)
    url = reverse("members:register-create") + f"?member={member.pk}"
    wrong_check = _person()["fiscal_code"][:15] + "A"
    if wrong_check == _person()["fiscal_code"]:
        wrong_check = wrong_check[:15] + "B"
    for code in (wrong_check, "NOT-A-CODE"):
        response = coordinator_client.post(url, _form(_person(fiscal_code=code)))
        assert response.status_code == 200
        assert "codice fiscale" in response.content.decode()
    assert not VolunteerRegisterEntry.objects.exists()


def test_a_member_of_another_association_cannot_be_enrolled(coordinator_client, other_association):
    stranger = MemberFactory(association=other_association)
    url = reverse("members:register-create") + f"?member={stranger.pk}"
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url, _form(_person())).status_code == 404
    assert not VolunteerRegisterEntry.objects.exists()


def test_who_reads_and_who_writes_the_register(
    coordinator_client, operator_client, member_client, outsider_client
):
    association = coordinator_client.association
    entry = _enrol(association, coordinator_client.user)
    for client in (coordinator_client, operator_client):
        page = client.get(reverse("members:register-list"))
        assert page.status_code == 200
        assert list(page.context["page"].object_list) == [entry]
    assert member_client.get(reverse("members:register-list")).status_code == 403
    # Operators read; only coordinators write and export.
    correct = reverse("members:register-correct", args=[entry.pk])
    assert operator_client.post(correct, _form(_person())).status_code == 403
    assert operator_client.get(reverse("members:register-export")).status_code == 403
    # Another association's coordinators neither see nor amend our entries.
    assert list(outsider_client.get(reverse("members:register-list")).context["page"]) == []
    assert outsider_client.post(correct, _form(_person())).status_code == 404
    assert VolunteerRegisterEntry.objects.count() == 1


def test_services_check_the_coordinator_role(association, coordinator):
    operator = user_with_role(association, Role.OPERATOR)
    with pytest.raises(services.PermissionDenied):
        _enrol(association, operator)
    entry = _enrol(association, coordinator)
    with pytest.raises(services.PermissionDenied):
        services.register_entry_end(entry=entry, by=operator, end_date=datetime.date(2025, 1, 1))


# --- Fiscal codes --------------------------------------------------------------------------

letter = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
digit = st.sampled_from("0123456789LMNPQRSTUV")  # digits, or their omocodia letters


@st.composite
def fiscal_codes(draw):
    pattern = [letter] * 6 + [digit] * 2 + [letter] + [digit] * 2 + [letter] + [digit] * 3
    first15 = "".join(draw(part) for part in pattern)
    return first15 + services.fiscal_code_check_character(first15)


@given(fiscal_codes(), letter)
def test_a_fiscal_code_is_valid_only_with_its_check_character(code, other):
    assert services.fiscal_code_is_valid(code)
    assert services.fiscal_code_is_valid(code[:15] + other) == (other == code[15])
    spaced = f" {code[:6].lower()} {code[6:11]} {code[11:]} "
    assert services.fiscal_code_normalise(spaced) == code


def test_known_fiscal_codes():
    assert services.fiscal_code_is_valid(VALID_CODE)
    assert services.fiscal_code_is_valid("MRTMTT25D09F205Z")
    assert not services.fiscal_code_is_valid("RSSMRA80A01H501X")
    assert not services.fiscal_code_is_valid("rssmra80a01h501u")


# --- Export and print -----------------------------------------------------------------------


def test_csv_export_is_excel_friendly_and_neutralises_formulas(coordinator_client):
    association = coordinator_client.association
    _enrol(association, coordinator_client.user, last_name='=HYPERLINK("http://x")')
    _enrol(association, coordinator_client.user, first_name="+39 Ali", birth_place="@home")
    response = coordinator_client.get(reverse("members:register-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Numero"
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert rows[2][4] == "'+39 Ali"
    assert rows[2][7] == "'@home"
    assert rows[1][5] == _person()["fiscal_code"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("-2", "'-2"),
        ("+3", "'+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Rossi", "Rossi"),
        (None, ""),
        (datetime.date(2024, 5, 1), "2024-05-01"),
    ],
)
def test_csv_cells(value, expected):
    from members.tabular import spreadsheet_cell as csv_cell

    assert csv_cell(value) == expected


def test_printable_register_has_the_association_header(coordinator_client):
    association = coordinator_client.association
    _enrol(association, coordinator_client.user)
    response = coordinator_client.get(reverse("members:register-print"))
    assert response.status_code == 200
    body = response.content.decode()
    assert association.name in body
    assert association.fiscal_code in body
    assert "counter(page)" in body and "@media print" in body
    # The inline print rules are allowed by their hash, and nothing else inline.
    from members.views.volunteers import _PRINT_CSS_HASH

    policy = response["Content-Security-Policy"]
    assert f"'sha256-{_PRINT_CSS_HASH}'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("n", [1, 30])
def test_register_list_query_count_is_constant(coordinator_client, django_assert_num_queries, n):
    association = coordinator_client.association
    for number in range(1, n + 1):
        VolunteerRegisterEntryFactory(
            association=association, number=number, recorded_by=coordinator_client.user
        )
    # user, memberships+associations, TOTP authenticator, count, page of entries with
    # the amended entry and the recorder, the amendment chains (one query), unread
    # notifications count
    with django_assert_num_queries(7):
        response = coordinator_client.get(reverse("members:register-list"))
    assert response.status_code == 200
