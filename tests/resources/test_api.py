"""The HSDS 3.0 API subset: open to anyone, public and active services only, paginated,
filtered, with a JSON 400 for bad parameters and a constant number of queries."""

import datetime
import gzip
import json
import uuid
from functools import cache

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from members.models import Role
from resources import hsds
from resources.models import Service, TaxonomyTerm
from resources.taxonomy import TAXONOMY_ID, term_id
from tests.factories import OrganizationFactory, ServiceFactory, service_with_location

LIST = reverse("hsds-api:service-list")


@cache
def compiled_service_schema() -> Draft202012Validator:
    path = hsds.SCHEMA_DIR / "compiled" / "service.json.gz"
    schema = json.loads(gzip.decompress(path.read_bytes()))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def get(url, **params):
    return Client().get(url, params)


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["contents"]]


def test_root_says_which_hsds(db):
    response = get(reverse("hsds-api:root"))
    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert response.json()["openapi_url"].startswith("https://")


def test_list_pages_through_public_active_services_only(db):
    shown = sorted(ServiceFactory.create_batch(3), key=lambda s: s.name)
    ServiceFactory(is_public=False)
    ServiceFactory(status=Service.Status.INACTIVE)

    first = get(LIST, per_page=2)
    second = get(LIST, per_page=2, page=2)

    assert first.status_code == 200
    assert first.json() | {"contents": None} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
        "contents": None,
    }
    assert second.json()["size"] == 1
    assert second.json()["last_page"] is True
    assert ids(first) + ids(second) == [str(s.id) for s in shown]
    item = first.json()["contents"][0]
    assert item["organization"]["id"] == str(shown[0].organization_id)
    assert "service_at_locations" not in item  # list items are one-to-one fields only


def test_an_empty_list_says_so(db):
    body = get(LIST).json()
    assert (body["total_items"], body["empty"], body["contents"]) == (0, True, [])
    assert body["first_page"] and body["last_page"]


def test_full_list_items_are_fully_nested_services(db):
    service_with_location()
    item = get(LIST, full="true").json()["contents"][0]
    assert len(item["service_at_locations"]) == 1
    assert list(compiled_service_schema().iter_errors(item)) == []


def test_filters_by_category_organization_and_modification(db):
    organization = OrganizationFactory()
    housing = ServiceFactory(categories=TaxonomyTerm.objects.filter(code="housing"))
    own = ServiceFactory(organization=organization)
    old = ServiceFactory()
    Service.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    week_ago = (timezone.now() - datetime.timedelta(days=7)).isoformat()

    assert ids(get(LIST, taxonomy_term_id=str(term_id("housing")))) == [str(housing.id)]
    assert ids(get(LIST, taxonomy_term_id=str(term_id("food")))) == []
    assert ids(get(LIST, taxonomy_id=str(TAXONOMY_ID))) == [str(housing.id)]
    assert ids(get(LIST, organization_id=str(organization.id))) == [str(own.id)]
    assert str(old.id) not in ids(get(LIST, modified_after=week_ago))
    assert len(ids(get(LIST, modified_after="2000-01-01"))) == 3


def test_search_finds_services_by_name(db):
    wanted = ServiceFactory(name="Mensa solidale")
    ServiceFactory(name="Sportello legale")
    assert ids(get(LIST, search="mensa")) == [str(wanted.id)]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "2024-13-45T25:00"}, "modified_after"),
        ({"taxonomy_term_id": "housing"}, "taxonomy_term_id"),
        ({"organization_id": "42"}, "organization_id"),
        ({"full": "perhaps"}, "full"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(db, params, parameter):
    response = get(LIST, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == parameter
    assert parameter in response.json()["error"]


def test_detail_is_the_fully_nested_service(db):
    service = service_with_location()
    response = get(reverse("hsds-api:service-detail", kwargs={"pk": service.pk}))
    assert response.status_code == 200
    assert response.json()["id"] == str(service.id)
    assert list(compiled_service_schema().iter_errors(response.json())) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: ServiceFactory(is_public=False).pk,
        lambda: ServiceFactory(status=Service.Status.DEFUNCT).pk,
        lambda: uuid.uuid4(),
    ],
    ids=["not public", "not active", "unknown"],
)
def test_detail_of_a_service_not_published_is_a_json_404(db, make):
    response = get(reverse("hsds-api:service-detail", kwargs={"pk": make()}))
    assert response.status_code == 404
    assert response.json()["error"]


def test_signed_in_staff_see_only_published_services_too(make_client, association):
    hidden = ServiceFactory(organization__maintained_by=association, is_public=False)
    client = make_client(association, Role.COORDINATOR)
    assert client.get(LIST).json()["total_items"] == 0
    url = reverse("hsds-api:service-detail", kwargs={"pk": hidden.pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("n", [1, 200])
def test_list_query_count_is_constant(db, django_assert_num_queries, n):
    organization = OrganizationFactory()
    ServiceFactory.create_batch(n, organization=organization)
    # count of the matching services, the page of services with their organization
    with django_assert_num_queries(2):
        response = get(LIST, per_page=100)
    assert response.json()["size"] == min(n, 100)


@pytest.mark.parametrize("n", [1, 200])
def test_full_list_query_count_is_constant(db, django_assert_num_queries, n):
    for _ in range(min(n, 5)):
        service_with_location()
    ServiceFactory.create_batch(n - min(n, 5))
    # count; the page of services with organization; their phones, schedules, languages,
    # required documents, categories with taxonomy; places with location; the places'
    # schedules; the locations' phones and schedules
    with django_assert_num_queries(11):
        response = get(LIST, per_page=100, full="true")
    assert response.json()["size"] == min(n, 100)
