"""Editing the resource map: who may create, change and verify a resource, and what a
save keeps (every value typed, every past version)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from resources.models import Location, Organization, Schedule, Service, TaxonomyTerm
from resources.taxonomy import TERMS, term_id
from tests.factories import OrganizationFactory, service_with_location, user_with_role


def term(code: str) -> TaxonomyTerm:
    """A category of the default taxonomy. Its data migration's rows are gone after a
    test with ``transaction=True`` flushed the database, so they are made again here."""
    name, name_en = next((it, en) for c, it, en, _parent in TERMS if c == code)
    return TaxonomyTerm.objects.get_or_create(
        id=term_id(code), defaults={"code": code, "name": name, "name_en": name_en}
    )[0]


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def create_data(**overrides) -> dict:
    data = {
        "org-name": "Caritas diocesana",
        "org-website": "caritas.example.org",
        "service-name": "Mensa serale",
        "service-description": "Un pasto caldo ogni sera.",
        "service-status": "active",
        "service-is_free": "on",
        "service-categories": [str(term("canteen").pk)],
        "location-address_1": "Via Roma 1",
        "location-city": "Caserta",
        "location-postal_code": "81100",
        "location-latitude": "41.072500",
        "location-longitude": "14.331100",
        **management("phones", 2),
        "phones-0-number": "+39 0823 123456",
        "phones-0-type": "voice",
        "phones-1-type": "voice",  # an untouched blank row
        **management("hours", 2),
        "hours-0-byday": ["MO", "WE"],
        "hours-0-opens_at": "18:00",
        "hours-0-closes_at": "20:00",
        **management("exceptions", 1),
        "exceptions-0-valid_from": "2025-12-25",
    }
    data.update(overrides)
    return data


def edit_data(service: Service, **overrides) -> dict:
    phone = service.phones.get()
    schedule = service.schedules.get()
    location = service.locations.get()
    data = {
        "org-name": service.organization.name,
        "service-name": service.name,
        "service-description": service.description,
        "service-status": service.status,
        "service-is_public": "on",
        "service-is_free": "on",
        "location-address_1": location.address_1,
        "location-city": location.city,
        "location-latitude": str(location.latitude),
        "location-longitude": str(location.longitude),
        **management("phones", 2, 1),
        "phones-0-id": str(phone.pk),
        "phones-0-number": phone.number,
        "phones-0-type": phone.type,
        "phones-1-type": "voice",
        **management("hours", 1, 1),
        "hours-0-id": str(schedule.pk),
        "hours-0-byday": schedule.byday.split(","),
        "hours-0-opens_at": "09:00",
        "hours-0-closes_at": "13:00",
        **management("exceptions", 0),
        "check-mark_verified": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def service(association):
    return service_with_location(organization__maintained_by=association)


# --- Who may do what -----------------------------------------------------------------


def test_maintainers_may_change_others_only_see(association, other_association, service):
    operator = user_with_role(association, Role.OPERATOR)
    coordinator = user_with_role(association, Role.COORDINATOR)
    member = user_with_role(association, Role.MEMBER)
    facilitator = user_with_role(association, Role.FACILITATOR)
    outsider = user_with_role(other_association, Role.OPERATOR, Role.COORDINATOR)
    for allowed in (operator, coordinator):
        assert allowed.has_perm("resources.change_service", service)
        assert allowed.has_perm("resources.verify_service", service)
        assert allowed.has_perm("resources.change_organization", service.organization)
    for refused in (member, facilitator, outsider):
        assert refused.has_perm("resources.view_service", service)
        assert not refused.has_perm("resources.change_service", service)
        assert not refused.has_perm("resources.verify_service", service)
        assert not refused.has_perm("resources.change_organization", service.organization)
    for person in (member, facilitator, operator, outsider):
        assert person.has_perm("resources.add_suggestion")


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("operator_client", 200), ("coordinator_client", 200), ("outsider_client", 403)],
)
def test_only_the_maintaining_association_opens_the_editor(request, service, client_name, status):
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("resources:service-edit", args=[service.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("client_name", ["member_client", "facilitator_client", "outsider_client"])
def test_others_cannot_save_or_verify(request, service, client_name):
    client = request.getfixturevalue(client_name)
    old = service.last_verified_at
    response = client.post(
        reverse("resources:service-edit", args=[service.pk]),
        edit_data(service, **{"service-name": "Hijacked"}),
    )
    assert response.status_code == 403
    response = client.post(reverse("resources:service-verify", args=[service.pk]))
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.name != "Hijacked"
    assert service.last_verified_at == old


def test_member_and_facilitator_cannot_create(member_client, facilitator_client):
    for client in (member_client, facilitator_client):
        response = client.post(reverse("resources:service-create"), create_data())
        assert response.status_code == 403
    assert not Service.objects.exists()


# --- Creating ------------------------------------------------------------------------


def test_operator_creates_a_whole_resource_for_their_association(operator_client):
    response = operator_client.post(reverse("resources:service-create"), create_data())
    assert response.status_code == 302
    service = Service.objects.get()
    association = operator_client.association
    assert str(service.pk) in response["Location"]  # its page (or its editor)
    assert service.name == "Mensa serale"
    assert service.maintained_by == association
    assert service.organization.name == "Caritas diocesana"
    assert service.organization.website == "https://caritas.example.org"
    assert service.organization.maintained_by == association
    assert list(service.categories.values_list("code", flat=True)) == ["canteen"]
    location = service.locations.get()
    assert (location.address_1, location.city, location.maintained_by) == (
        "Via Roma 1",
        "Caserta",
        association,
    )
    assert location.has_coordinates
    assert list(service.phones.values_list("number", flat=True)) == ["+39 0823 123456"]
    weekly = service.schedules.get(freq=Schedule.Freq.WEEKLY)
    assert (weekly.byday, weekly.opens_at) == ("MO,WE", datetime.time(18))
    holiday = service.schedules.get(freq=Schedule.Freq.NONE)
    # One day, closed: the last day defaults to the first.
    assert holiday.valid_from == holiday.valid_to == datetime.date(2025, 12, 25)
    assert holiday.opens_at is None
    assert service.last_verified_by == operator_client.user
    assert not service.is_stale
    assert {record.history_user for record in service.history.all()} == {operator_client.user}


def test_a_resource_may_join_an_organization_the_association_keeps(operator_client):
    organization = OrganizationFactory(maintained_by=operator_client.association)
    data = create_data(**{"org-existing": str(organization.pk), "org-name": ""})
    response = operator_client.post(reverse("resources:service-create"), data)
    assert response.status_code == 302
    assert Service.objects.get().organization == organization
    assert Organization.objects.count() == 1


def test_another_associations_organization_cannot_be_picked(operator_client, other_association):
    organization = OrganizationFactory(maintained_by=other_association)
    data = create_data(**{"org-existing": str(organization.pk), "org-name": ""})
    response = operator_client.post(reverse("resources:service-create"), data)
    assert response.status_code == 200
    assert response.context["organization_form"].errors["existing"]
    assert not Service.objects.exists()


def test_bad_input_shows_errors_and_keeps_every_typed_value(operator_client):
    data = create_data(
        **{
            "service-name": "",
            "location-longitude": "",
            "hours-0-closes_at": "",
            "exceptions-0-valid_to": "2025-12-01",
        }
    )
    response = operator_client.post(reverse("resources:service-create"), data)
    assert response.status_code == 200
    context = response.context
    assert "name" in context["service_form"].errors
    assert context["location_form"].non_field_errors()
    assert "closes_at" in context["weekly_hours"].forms[0].errors
    assert "valid_to" in context["exceptions"].forms[0].errors
    content = response.content.decode()
    for typed in ("Caritas diocesana", "Via Roma 1", "41.072500", "+39 0823 123456", "18:00"):
        assert typed in content
    assert not Service.objects.exists()
    assert not Organization.objects.exists()
    assert not Location.objects.exists()


# --- Editing -------------------------------------------------------------------------


def test_edit_saves_changes_rows_and_history(operator_client, service):
    phone = service.phones.get()
    data = edit_data(
        service,
        **{
            "service-name": "Sportello migranti",
            "location-city": "Aversa",
            "phones-0-DELETE": "on",
            "phones-1-number": "+39 333 1234567",
            "phones-1-type": "messaging",
            **management("exceptions", 1),
            "exceptions-0-valid_from": "2025-08-10",
            "exceptions-0-valid_to": "2025-08-20",
            "exceptions-0-opens_at": "09:00",
            "exceptions-0-closes_at": "11:00",
        },
    )
    response = operator_client.post(reverse("resources:service-edit", args=[service.pk]), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Sportello migranti"
    assert service.locations.get().city == "Aversa"
    assert list(service.phones.values_list("number", "type")) == [("+39 333 1234567", "messaging")]
    assert not type(phone).objects.filter(pk=phone.pk).exists()
    exception = service.schedules.get(freq="")
    assert (exception.valid_to, exception.closes_at) == (
        datetime.date(2025, 8, 20),
        datetime.time(11),
    )
    # Every version kept, with who made it.
    latest, previous = service.history.order_by("-history_date")[:2]
    assert (latest.name, previous.name) == ("Sportello migranti", service.history.earliest().name)
    assert latest.history_user == operator_client.user


def test_editing_without_changes_adds_no_history(operator_client, service):
    before = service.history.count()
    response = operator_client.post(
        reverse("resources:service-edit", args=[service.pk]), edit_data(service)
    )
    assert response.status_code == 302
    assert service.history.count() == before


def test_edit_with_bad_input_keeps_typed_values(operator_client, service):
    data = edit_data(
        service,
        **{"service-name": "Nuovo nome", "service-minimum_age": "30", "service-maximum_age": "18"},
    )
    response = operator_client.post(reverse("resources:service-edit", args=[service.pk]), data)
    assert response.status_code == 200
    assert "maximum_age" in response.context["service_form"].errors
    assert "Nuovo nome" in response.content.decode()
    service.refresh_from_db()
    assert service.name != "Nuovo nome"


def test_a_row_of_another_service_cannot_be_changed_through_this_one(operator_client, service):
    other = service_with_location(organization__maintained_by=operator_client.association)
    other_phone = other.phones.get()
    data = edit_data(service, **{"phones-0-id": str(other_phone.pk), "phones-0-number": "000"})
    response = operator_client.post(reverse("resources:service-edit", args=[service.pk]), data)
    assert response.status_code == 302  # taken as a new phone of this service
    other_phone.refresh_from_db()
    assert other_phone.number != "000"
    assert other.phones.count() == 1


# --- Verifying -----------------------------------------------------------------------


def test_mark_as_verified_stamps_service_organization_and_places(operator_client, service):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Service.objects.filter(pk=service.pk).update(last_verified_at=long_ago)
    service.refresh_from_db()
    assert service.is_stale
    response = operator_client.post(reverse("resources:service-verify", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    location = service.locations.get()
    for record in (service, service.organization, location):
        assert record.last_verified_by == operator_client.user
        assert timezone.now() - record.last_verified_at < datetime.timedelta(minutes=1)
    assert not service.is_stale
    assert service.history.latest().history_user == operator_client.user


def test_saving_with_the_check_ticked_also_verifies(coordinator_client, service):
    Service.objects.filter(pk=service.pk).update(last_verified_at=None)
    response = coordinator_client.post(
        reverse("resources:service-edit", args=[service.pk]),
        edit_data(service, **{"check-mark_verified": "on"}),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.last_verified_by == coordinator_client.user


def test_verify_needs_post(operator_client, service):
    response = operator_client.get(reverse("resources:service-verify", args=[service.pk]))
    assert response.status_code == 405


# --- A place another association keeps -----------------------------------------------


@pytest.fixture
def shared_place(service, other_association):
    """``service``'s place, handed over to another association to maintain."""
    location = service.locations.get()
    location.maintained_by = other_association
    location.save(update_fields=["maintained_by"])
    return location


def test_the_editor_shows_a_place_of_another_association_without_its_form(
    operator_client, service, shared_place
):
    url = reverse("resources:service-edit", args=[service.pk])
    response = operator_client.get(url)
    assert response.status_code == 200
    assert "location_form" not in response.context
    assert "location-city" not in response.content.decode()
    assert shared_place.maintained_by.name in response.content.decode()

    data = edit_data(service, **{"service-name": "Sportello nuovo", "location-city": "Aversa"})
    response = operator_client.post(url, data)
    assert response.status_code == 302
    service.refresh_from_db()
    shared_place.refresh_from_db()
    assert service.name == "Sportello nuovo"
    assert shared_place.city == "Caserta"


def test_a_place_of_another_association_is_not_validated_with_the_edit(
    operator_client, service, shared_place
):
    data = edit_data(service, **{"service-name": "Sportello nuovo", "location-latitude": "north"})
    response = operator_client.post(reverse("resources:service-edit", args=[service.pk]), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Sportello nuovo"


def test_the_service_refuses_to_change_a_place_of_another_association(
    operator_client, service, shared_place
):
    from django.core.exceptions import PermissionDenied

    from resources.services.manage import resource_update

    with pytest.raises(PermissionDenied):
        resource_update(
            service=service,
            by=operator_client.user,
            organization_data=None,
            service_data={},
            location_data={"city": "Aversa"},
            phones=[],
            weekly_hours=[],
            exceptions=[],
        )
    shared_place.refresh_from_db()
    assert shared_place.city == "Caserta"
