"""Registering people and correcting their entries: who may, what is kept, and the
duplicates the registry offers before a person is entered twice."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from members import services
from members.models import Language, Member, Role
from members.names import name_key
from tests.factories import MemberFactory, MembershipFactory, user_with_role

CREATE = reverse("members:member-create")


def _form(**overrides):
    data = {
        "first_name": "Amina",
        "last_name": "Diallo",
        "preferred_language": "fr",
        "languages": ["fr", "it"],
        "phone": "333 123 4567",
        "email": "",
        "municipality": "Caserta",
        "zone": "Centro",
        "year_of_birth": "1990",
        "household_size": "3",
        "operator_notes": "Prefers mornings",
    }
    data.update(overrides)
    return data


def _register(association, by, **fields):
    fields.setdefault("year_of_birth", 1990)
    return services.member_create(association=association, by=by, **fields)


# --- name_key ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant", ["Mohammed Aly", "Muhammad Ali", "Mohamad Aly", "Ali Mohamed", "MOHAMED ALÌ"]
)
def test_transliterations_of_a_name_share_its_key(variant):
    assert name_key(variant) == name_key("Mohamed Ali")


def test_yusuf_and_youssef_share_a_key():
    assert name_key("Yusuf") == name_key("Youssef")


def test_different_names_have_different_keys():
    assert name_key("Amina Diallo") != name_key("Fatou Diallo")


names = st.text(st.characters(categories=["L", "Zs", "Pd"]), max_size=40)
latin_words = st.lists(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=10),
    min_size=1,
    max_size=4,
)
ACCENTED = str.maketrans("aeiouc", "àéìóüç")


@given(names)
def test_name_key_is_idempotent(text):
    assert name_key(name_key(text)) == name_key(text)


@given(latin_words)
def test_name_key_ignores_case_and_accents(words):
    text = " ".join(words)
    assert name_key(text.translate(ACCENTED).upper()) == name_key(text)


@given(latin_words, st.randoms())
def test_name_key_ignores_word_order(words, random):
    shuffled = list(words)
    random.shuffle(shuffled)
    assert name_key(" ".join(shuffled)) == name_key(" ".join(words))


# --- create and edit -------------------------------------------------------------


def test_operator_registers_a_person_with_a_normalised_phone(operator_client):
    response = operator_client.post(CREATE, _form())
    member = Member.objects.get(first_name="Amina")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member-detail", args=[member.pk])
    assert member.association == operator_client.association
    assert member.phone == "+393331234567"
    assert member.name_key == name_key("Amina Diallo")
    assert set(member.languages.values_list("code", flat=True)) == {"fr", "it"}
    # The entry, then its languages (simple_history records m2m changes apart).
    assert member.history.earliest().history_type == "+"
    assert {h.history_user for h in member.history.all()} == {operator_client.user}


def test_coordinator_registers_a_person(coordinator_client):
    assert coordinator_client.post(CREATE, _form()).status_code == 302
    assert Member.objects.filter(association=coordinator_client.association).count() == 1


def test_bad_input_keeps_every_typed_value(operator_client):
    response = operator_client.post(CREATE, _form(phone="call me maybe", year_of_birth="1850"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number" in body or "Inserisci un numero di telefono" in body
    for typed in ("Amina", "Diallo", "call me maybe", "1850", "Centro", "Prefers mornings"):
        assert typed in body
    assert not Member.objects.exists()


def test_operator_edits_an_entry_and_the_history_says_who_changed_what(operator_client):
    member = _register(
        operator_client.association, operator_client.user, first_name="Olena", last_name="K"
    )
    url = reverse("members:member-edit", args=[member.pk])
    assert "Olena" in operator_client.get(url).content.decode()
    response = operator_client.post(
        url, _form(first_name="Olena", last_name="Kovalenko", phone="+380 67 123 4567")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_name == "Kovalenko"
    assert member.phone == "+380671234567"
    assert member.name_key == name_key("Olena Kovalenko")
    latest = member.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == operator_client.user
    detail = operator_client.get(reverse("members:member-detail", args=[member.pk]))
    changes = detail.context["changes"]
    assert changes[0].by == operator_client.user
    assert {"last name", "phone"} <= {f.lower() for f in changes[0].fields} or {
        "cognome",
        "telefono",
    } <= {f.lower() for f in changes[0].fields}
    assert changes[-1].created


def test_saving_an_unchanged_entry_writes_no_history(operator_client, association):
    member = _register(association, operator_client.user, first_name="Grace", phone="3331112222")
    services.member_update(member=member, by=operator_client.user, first_name="Grace")
    assert member.history.count() == 1


def test_member_gets_403_on_create_and_edit(member_client, association):
    member = MemberFactory(association=association)
    assert member_client.get(CREATE).status_code == 403
    assert member_client.post(CREATE, _form()).status_code == 403
    url = reverse("members:member-edit", args=[member.pk])
    assert member_client.post(url, _form()).status_code == 403
    assert not Member.objects.filter(first_name="Amina").exists()


def test_facilitator_gets_403_on_create(facilitator_client):
    assert facilitator_client.get(CREATE).status_code == 403


def test_outsider_gets_404_on_editing_another_associations_entry(outsider_client, association):
    member = MemberFactory(association=association, first_name="Grace")
    url = reverse("members:member-edit", args=[member.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, _form()).status_code == 404
    member.refresh_from_db()
    assert member.first_name == "Grace"


def test_outsider_registers_in_their_own_association_only(outsider_client, association):
    outsider_client.post(CREATE, _form())
    assert Member.objects.get(first_name="Amina").association == outsider_client.association


def test_list_has_the_register_button_and_the_detail_the_edit_link(operator_client, association):
    member = MemberFactory(association=association)
    body = operator_client.get(reverse("members:member-list")).content.decode()
    assert CREATE in body
    body = operator_client.get(reverse("members:member-detail", args=[member.pk])).content.decode()
    assert reverse("members:member-edit", args=[member.pk]) in body


# --- duplicates ------------------------------------------------------------------


def test_a_transliterated_name_with_the_same_year_offers_the_existing_person(operator_client):
    existing = _register(
        operator_client.association, operator_client.user, first_name="Mohammed", last_name="Aly"
    )
    response = operator_client.post(
        CREATE, _form(first_name="Mohamed", last_name="Ali", phone="", year_of_birth="1990")
    )
    assert response.status_code == 200
    assert response.context["form"].duplicates == [existing]
    body = response.content.decode()
    assert reverse("members:member-detail", args=[existing.pk]) in body
    assert 'name="different_person"' in body
    assert 'value="Mohamed"' in body  # nothing typed is lost
    assert Member.objects.count() == 1


def test_the_same_phone_written_differently_offers_the_existing_person(
    operator_client, association
):
    existing = MemberFactory(
        association=association, first_name="Fatou", phone="+39 333 1234567", year_of_birth=1980
    )
    response = operator_client.post(CREATE, _form(phone="333 123 4567"))
    assert response.context["form"].duplicates == [existing]
    assert "4567" in response.content.decode()
    assert "+39 333 1234567" not in response.content.decode()  # the phone is masked
    assert Member.objects.count() == 1


def test_ticking_it_is_a_different_person_registers_a_second_entry(operator_client):
    _register(
        operator_client.association, operator_client.user, first_name="Mohammed", last_name="Aly"
    )
    response = operator_client.post(
        CREATE, _form(first_name="Mohamed", last_name="Ali", phone="", different_person="on")
    )
    assert response.status_code == 302
    assert Member.objects.count() == 2


def test_another_year_of_birth_or_association_is_not_a_duplicate(
    operator_client, other_association
):
    _register(
        operator_client.association,
        operator_client.user,
        first_name="Mohammed",
        last_name="Aly",
        year_of_birth=1985,
    )
    MemberFactory(association=other_association, first_name="Amina", last_name="Diallo")
    MemberFactory(association=other_association, phone="+393331234567")
    response = operator_client.post(CREATE, _form(first_name="Mohamed", last_name="Ali"))
    assert response.status_code == 302


def test_editing_into_someone_elses_phone_asks_first(operator_client, association):
    by = operator_client.user
    _register(association, by, first_name="Fatou", phone="+393339998888")
    amina = _register(
        association, by, first_name="Amina", phone="+393331234567", year_of_birth=1991
    )
    url = reverse("members:member-edit", args=[amina.pk])
    response = operator_client.post(url, _form(phone="333 999 8888", year_of_birth="1991"))
    assert response.status_code == 200
    assert [m.first_name for m in response.context["form"].duplicates] == ["Fatou"]
    amina.refresh_from_db()
    assert amina.phone == "+393331234567"
    # Editing an entry does not find the entry itself.
    assert operator_client.post(url, _form(year_of_birth="1991")).status_code == 302


# --- search and filters ----------------------------------------------------------


def _names(response):
    return {m.first_name for m in response.context["page"].object_list}


def test_search_finds_a_name_however_it_is_spelt(operator_client, association):
    by = operator_client.user
    _register(association, by, first_name="Mohamed", last_name="Sow")
    _register(association, by, first_name="Olena", last_name="Kovalenko")
    response = operator_client.get(reverse("members:member-list"), {"q": "mohammed"})
    assert _names(response) == {"Mohamed"}


def test_filters_by_zone_municipality_and_language(operator_client, association):
    by = operator_client.user
    french = Language.objects.get(code="fr")
    _register(association, by, first_name="A", zone="Centro", municipality="Caserta")
    _register(
        association, by, first_name="B", zone="Nord", municipality="Aversa", languages=[french]
    )
    url = reverse("members:member-list")
    assert _names(operator_client.get(url, {"zone": "centro"})) == {"A"}
    assert _names(operator_client.get(url, {"municipality": "Aversa"})) == {"B"}
    assert _names(operator_client.get(url, {"language": "fr"})) == {"B"}


@pytest.mark.parametrize(
    ("role", "expected"), [("member", {"Member"}), ("operator", {"Staff"}), ("none", {"Nobody"})]
)
def test_filter_by_role_of_the_account(operator_client, association, role, expected):
    member_user = user_with_role(association, Role.MEMBER)  # comes with its entry
    Member.objects.filter(user=member_user).update(first_name="Member")
    staff_user = user_with_role(association, Role.OPERATOR)
    MemberFactory(association=association, first_name="Staff", user=staff_user)
    MemberFactory(association=association, first_name="Nobody")
    response = operator_client.get(reverse("members:member-list"), {"role": role})
    assert _names(response) == expected


def test_role_in_another_association_does_not_count(
    operator_client, association, other_association
):
    user = user_with_role(association, Role.MEMBER)
    MembershipFactory(user=user, association=other_association, is_coordinator=True)
    response = operator_client.get(reverse("members:member-list"), {"role": "coordinator"})
    assert _names(response) == set()


def test_registry_writes_check_who_writes(association, other_association):
    from django.core.exceptions import PermissionDenied

    from members import services
    from members.models import Role
    from tests.factories import MemberFactory, user_with_role

    member_user = user_with_role(association, Role.MEMBER)
    outsider = user_with_role(other_association, Role.OPERATOR)
    entry = MemberFactory(association=association)
    with pytest.raises(PermissionDenied):
        services.member_create(association=association, by=member_user, first_name="Ada")
    with pytest.raises(PermissionDenied):
        services.member_update(member=entry, by=outsider, first_name="Ada")


@pytest.mark.parametrize("n", [1, 100])
def test_registry_list_query_count_is_constant(
    operator_client, association, django_assert_num_queries, n
):
    MemberFactory.create_batch(n, association=association)
    operator_client.get(reverse("members:member-list"))  # warm the session and caches
    # user (session cached), memberships+associations, staff TOTP check, member count,
    # unread notifications count, the filter's language choices, page of members with
    # language and account, their languages
    with django_assert_num_queries(8):
        response = operator_client.get(reverse("members:member-list"))
    assert len(response.context["page"]) == min(n, 25)
