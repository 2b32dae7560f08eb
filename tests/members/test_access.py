"""Tenancy, role and object checks on the member registry."""

import pytest
from django.urls import reverse

from members.models import Role
from tests.factories import MemberFactory


@pytest.fixture
def registered(association):
    return MemberFactory(association=association, operator_notes="Needs an Arabic interpreter")


def test_operator_of_the_association_sees_the_member_page(operator_client, registered):
    response = operator_client.get(reverse("members:member-detail", args=[registered.pk]))
    assert response.status_code == 200
    assert registered.first_name in response.content.decode()
    assert "Needs an Arabic interpreter" in response.content.decode()


def test_user_of_another_association_gets_404_on_the_member_page(outsider_client, registered):
    response = outsider_client.get(reverse("members:member-detail", args=[registered.pk]))
    assert response.status_code == 404


def test_member_gets_403_on_the_registry(member_client):
    assert member_client.get(reverse("members:member-list")).status_code == 403


def test_member_gets_403_on_a_member_page_even_their_own_association(member_client, registered):
    response = member_client.get(reverse("members:member-detail", args=[registered.pk]))
    assert response.status_code == 403


def test_facilitator_gets_403_on_the_registry(facilitator_client):
    assert facilitator_client.get(reverse("members:member-list")).status_code == 403


def test_registry_lists_only_the_active_associations_people(
    operator_client, registered, other_association
):
    stranger = MemberFactory(association=other_association, first_name="Zebulon")
    body = operator_client.get(reverse("members:member-list")).content.decode()
    assert registered.last_name in body
    assert stranger.first_name not in body


def test_registry_search_finds_by_name(operator_client, association):
    MemberFactory(association=association, first_name="Amadou", last_name="Sow")
    MemberFactory(association=association, first_name="Olena", last_name="Kovalenko")
    body = operator_client.get(reverse("members:member-list"), {"q": "sow"}).content.decode()
    assert "Amadou" in body
    assert "Olena" not in body


@pytest.mark.parametrize("n", [1, 100])
def test_registry_query_count_is_constant(operator_client, django_assert_num_queries, n):
    MemberFactory.create_batch(n, association=operator_client.association)
    # user, memberships+associations, TOTP authenticator (staff MFA check), count of
    # members, page of members with language+user, their languages (prefetch), the
    # languages of the filter's "speaks" menu, unread notifications count; the session
    # comes from the cache (cached_db sessions)
    with django_assert_num_queries(8):
        response = operator_client.get(reverse("members:member-list"))
    assert response.status_code == 200


def test_person_in_two_associations_switches_and_sees_the_other_registry(
    make_client, association, other_association
):
    client = make_client(association, Role.OPERATOR)
    from tests.factories import MembershipFactory

    MembershipFactory(user=client.user, association=other_association, is_operator=True)
    theirs = MemberFactory(association=other_association, first_name="Grace")
    url = reverse("members:member-detail", args=[theirs.pk])
    # Each association's records are reached only while working in that association.
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("members:association-switch"), {"association": other_association.pk}
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 200


def test_switching_to_an_association_one_does_not_belong_to_is_refused(
    operator_client, other_association
):
    response = operator_client.post(
        reverse("members:association-switch"), {"association": other_association.pk}, follow=True
    )
    assert operator_client.session.get("nucleo_active_association") is None
    assert "You do not belong to that association" in response.content.decode() or (
        "Non fai parte di questa associazione" in response.content.decode()
    )


def test_association_switcher_shows_only_with_several_memberships(
    operator_client, other_association
):
    from tests.factories import MembershipFactory

    body = operator_client.get(reverse("home")).content.decode()
    assert 'id="association-menu"' not in body
    MembershipFactory(user=operator_client.user, association=other_association, is_member=True)
    body = operator_client.get(reverse("home")).content.decode()
    assert 'id="association-menu"' in body
    assert other_association.name in body
