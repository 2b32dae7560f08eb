"""Suggestions: anyone proposes, the maintaining association reviews, the person who
proposed is told either way."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from members.models import Notification, Role
from resources.models import Service, Suggestion
from resources.services.suggestions import (
    SuggestionAlreadyReviewed,
    suggestion_accept,
    suggestion_create,
)
from tests.factories import UserFactory, service_with_location, user_with_role
from tests.resources.test_manage import term

NEW = {
    "name": "Doposcuola di quartiere",
    "organization_name": "Parrocchia San Paolo",
    "address": "Via Napoli 3",
    "city": "Caserta",
    "phone": "+39 0823 765432",
    "categories": ["education"],  # made a term's id in new_data()
    "description": "Aiuto con i compiti, lunedì e giovedì.",
    "message": "Ci va mia figlia.",
}


def new_data(**overrides) -> dict:
    return {**NEW, "categories": [str(term("education").pk)], **overrides}


def correction_for(service: Service, **changes) -> dict:
    location = service.locations.get()
    data = {
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "phone": service.phones.get().number,
        "address": location.address_1,
        "city": location.city,
        "url": service.url,
        "email": service.email,
        "message": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def service(association):
    return service_with_location(organization__maintained_by=association)


def _suggest_new(client) -> Suggestion:
    response = client.post(reverse("resources:suggestion-create"), new_data())
    assert response.status_code == 302
    return Suggestion.objects.get(suggested_by=client.user)


# --- Suggesting ----------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["member_client", "facilitator_client", "operator_client"])
def test_anyone_with_an_association_suggests_a_new_resource(request, client_name):
    client = request.getfixturevalue(client_name)
    suggestion = _suggest_new(client)
    assert suggestion.association == client.association
    assert suggestion.service is None
    assert suggestion.status == Suggestion.Status.PENDING
    assert suggestion.payload["name"] == "Doposcuola di quartiere"
    assert suggestion.payload["categories"] == ["education"]
    assert suggestion.message == "Ci va mia figlia."
    assert not Service.objects.exists()  # nothing on the map until reviewed


def test_a_correction_goes_to_the_association_maintaining_the_service(
    outsider_client, service, association
):
    url = reverse("resources:suggestion-create") + f"?service={service.pk}"
    page = outsider_client.get(url)
    assert service.name in page.content.decode()  # the form starts from today's values
    response = outsider_client.post(url, correction_for(service, phone="+39 333 0000000"))
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.association == association
    assert suggestion.service == service
    assert suggestion.payload["proposed"] == {"phone": "+39 333 0000000"}
    assert suggestion.payload["before"] == {"phone": service.phones.get().number}


def test_a_correction_without_any_change_or_message_is_refused_keeping_values(
    member_client, service
):
    url = reverse("resources:suggestion-create") + f"?service={service.pk}"
    response = member_client.post(url, correction_for(service))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = member_client.post(url, correction_for(service, email="not-an-address"))
    assert response.status_code == 200
    assert "not-an-address" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_new_suggestion_with_bad_input_keeps_typed_values(member_client):
    response = member_client.post(reverse("resources:suggestion-create"), new_data(name=""))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "Parrocchia San Paolo" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_bad_service_id_is_not_found(member_client):
    response = member_client.get(reverse("resources:suggestion-create") + "?service=nope")
    assert response.status_code == 404


def test_people_see_only_their_own_suggestions(member_client, facilitator_client):
    _suggest_new(member_client)
    mine = facilitator_client.get(reverse("resources:suggestion-mine"))
    assert "Doposcuola" not in mine.content.decode()
    mine = member_client.get(reverse("resources:suggestion-mine"))
    assert "Doposcuola" in mine.content.decode()


# --- Reviewing -----------------------------------------------------------------------


def test_review_is_for_the_associations_operators_and_coordinators(
    member_client, operator_client, coordinator_client, outsider_client
):
    suggestion = _suggest_new(member_client)
    url = reverse("resources:suggestion-review", args=[suggestion.pk])
    assert operator_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    assert member_client.get(url).status_code == 403
    assert member_client.get(reverse("resources:suggestion-list")).status_code == 403
    queue = operator_client.get(reverse("resources:suggestion-list")).content.decode()
    assert "Doposcuola" in queue
    assert (
        "Doposcuola"
        not in outsider_client.get(reverse("resources:suggestion-list")).content.decode()
    )


def test_accepting_a_correction_applies_it_and_tells_the_suggester(
    member_client, operator_client, service
):
    url = reverse("resources:suggestion-create") + f"?service={service.pk}"
    member_client.post(
        url,
        correction_for(service, name="Sportello nuovo", phone="+39 333 1111111", city="Aversa"),
    )
    suggestion = Suggestion.objects.get()
    response = operator_client.post(
        reverse("resources:suggestion-review", args=[suggestion.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("resources:service-edit", args=[service.pk])
    service.refresh_from_db()
    assert service.name == "Sportello nuovo"
    assert service.phones.get().number == "+39 333 1111111"
    assert service.locations.get().city == "Aversa"
    assert service.history.order_by("-history_date").first().history_user == operator_client.user
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reviewed_by) == ("accepted", operator_client.user)
    notification = Notification.objects.get(recipient=member_client.user)
    assert notification.kind == "resources.suggestion_reviewed"
    assert "Sportello" in notification.title


def test_accepting_a_new_resource_creates_it_hidden_from_the_public(member_client, operator_client):
    suggestion = _suggest_new(member_client)
    response = operator_client.post(
        reverse("resources:suggestion-review", args=[suggestion.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert response["Location"] == reverse("resources:service-edit", args=[service.pk])
    assert (service.name, service.is_public) == ("Doposcuola di quartiere", False)
    assert service.maintained_by == operator_client.association
    assert service.organization.name == "Parrocchia San Paolo"
    assert service.locations.get().address_1 == "Via Napoli 3"
    assert service.phones.get().number == "+39 0823 765432"
    assert list(service.categories.values_list("code", flat=True)) == ["education"]
    suggestion.refresh_from_db()
    assert suggestion.service == service


def test_rejecting_needs_a_reason_which_the_suggester_reads(member_client, operator_client):
    suggestion = _suggest_new(member_client)
    url = reverse("resources:suggestion-review", args=[suggestion.pk])
    response = operator_client.post(url, {"decision": "reject", "note": "  "})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING

    response = operator_client.post(url, {"decision": "reject", "note": "Ha chiuso a maggio."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.review_note) == ("rejected", "Ha chiuso a maggio.")
    assert not Service.objects.exists()
    mine = member_client.get(reverse("resources:suggestion-mine")).content.decode()
    assert "Ha chiuso a maggio." in mine
    notification = Notification.objects.get(recipient=member_client.user)
    assert "Ha chiuso a maggio." in notification.body


def test_a_suggestion_is_reviewed_once(member_client, operator_client, coordinator_client):
    suggestion = _suggest_new(member_client)
    url = reverse("resources:suggestion-review", args=[suggestion.pk])
    operator_client.post(url, {"decision": "accept"})
    response = coordinator_client.post(url, {"decision": "reject", "note": "no"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reviewed_by) == ("accepted", operator_client.user)
    assert Service.objects.count() == 1
    assert Notification.objects.filter(recipient=member_client.user).count() == 1
    with pytest.raises(SuggestionAlreadyReviewed):
        suggestion_accept(suggestion=suggestion, by=operator_client.user)


def test_a_person_without_an_association_cannot_suggest(db):
    loner = UserFactory()
    with pytest.raises(PermissionDenied):
        suggestion_create(by=loner, association=None, payload={"name": "x"})


@pytest.mark.parametrize("n", [1, 20])
def test_review_queue_query_count_is_constant(
    operator_client, association, django_assert_num_queries, n
):
    member = user_with_role(association, Role.MEMBER)
    service = service_with_location(organization__maintained_by=association)
    for i in range(n):
        suggestion_create(by=member, association=association, payload={"name": f"Nuovo {i}"})
        suggestion_create(
            by=member,
            association=association,
            service=service,
            payload={"proposed": {"name": f"Nome {i}"}, "before": {"name": service.name}},
        )
    # session, user, memberships, MFA authenticator, count, page of suggestions with
    # their service and suggester
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("resources:suggestion-list"))
    assert response.status_code == 200


def test_accepting_a_correction_leaves_a_place_of_another_association_alone(
    member_client, operator_client, service, other_association
):
    location = service.locations.get()
    location.maintained_by = other_association
    location.save(update_fields=["maintained_by"])
    url = reverse("resources:suggestion-create") + f"?service={service.pk}"
    member_client.post(url, correction_for(service, name="Sportello nuovo", city="Aversa"))
    suggestion = Suggestion.objects.get()

    response = operator_client.post(
        reverse("resources:suggestion-review", args=[suggestion.pk]),
        {"decision": "accept", "note": "Grazie!"},
    )

    assert response.status_code == 302
    service.refresh_from_db()
    location.refresh_from_db()
    assert service.name == "Sportello nuovo"
    assert location.city == "Caserta"
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.review_note.startswith("Grazie!\n")
    assert other_association.name in suggestion.review_note


def test_a_correction_with_a_website_longer_than_a_service_keeps_is_refused(member_client, service):
    url = reverse("resources:suggestion-create") + f"?service={service.pk}"
    too_long = "https://example.org/" + "a" * 181  # 201 characters

    response = member_client.post(url, correction_for(service, url=too_long))

    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not Suggestion.objects.exists()
