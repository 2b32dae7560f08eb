"""The resource map's directory, its map data and a service's page."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Language
from resources import municipalities
from resources.models import Schedule, Service, TaxonomyTerm
from resources.search import rough_stem
from tests.factories import (
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
    service_with_location,
)

DIRECTORY = reverse("resources:directory")
MAP_DATA = reverse("resources:map-data")

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="typo tolerance needs PostgreSQL's pg_trgm; SQLite falls back to icontains",
)


def names(response) -> set[str]:
    return {service.name for service in response.context["page"].object_list}


def marker_names(response) -> set[str]:
    return {marker["name"] for marker in response.json()["markers"]}


def at_town(slug: str, **kwargs) -> Service:
    """A service with one place in the centre of a municipality of the table."""
    town = municipalities.BY_SLUG[slug]
    service = ServiceFactory(**kwargs)
    ServiceAtLocationFactory(
        service=service,
        location__city=town.name,
        location__latitude=f"{town.latitude:.6f}",
        location__longitude=f"{town.longitude:.6f}",
    )
    return service


def hours_around_now(service: Service, *, open_now: bool) -> None:
    """Every-day hours that include this moment (or start two hours from now)."""
    now = timezone.localtime()
    start = now - datetime.timedelta(hours=1) if open_now else now + datetime.timedelta(hours=2)
    ScheduleFactory(
        service=service,
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=start.time().replace(microsecond=0),
        closes_at=(start + datetime.timedelta(hours=2)).time().replace(microsecond=0),
    )


# --- Visibility -------------------------------------------------------------------------


def test_anonymous_visitors_see_only_public_services(db, client):
    ServiceFactory(name="Mensa pubblica", is_public=True)
    ServiceFactory(name="Sportello riservato", is_public=False)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert names(response) == {"Mensa pubblica"}
    assert "Sportello riservato" not in response.content.decode()


def test_signed_in_people_see_every_service(member_client):
    ServiceFactory(name="Mensa pubblica", is_public=True)
    ServiceFactory(name="Sportello riservato", is_public=False)
    assert names(member_client.get(DIRECTORY)) == {"Mensa pubblica", "Sportello riservato"}


def test_an_account_outside_the_partnership_sees_only_the_public_map(db):
    # Someone whose membership ended keeps a login, not the partnership's map.
    former = Client()
    former.force_login(UserFactory())
    ServiceFactory(name="Mensa pubblica", is_public=True)
    hidden = ServiceFactory(name="Casa rifugio", is_public=False)
    assert names(former.get(DIRECTORY)) == {"Mensa pubblica"}
    assert former.get(reverse("resources:service-detail", args=[hidden.pk])).status_code == 404


def test_map_data_follows_the_same_visibility(db, client, member_client):
    service_with_location(name="Mensa pubblica", is_public=True)
    service_with_location(name="Sportello riservato", is_public=False)
    assert marker_names(client.get(MAP_DATA)) == {"Mensa pubblica"}
    assert marker_names(member_client.get(MAP_DATA)) == {"Mensa pubblica", "Sportello riservato"}


def test_only_active_services_by_default(db, client, operator_client):
    ServiceFactory(name="Aperto", status=Service.Status.ACTIVE)
    ServiceFactory(name="Chiuso per lavori", status=Service.Status.TEMPORARILY_CLOSED)
    assert names(client.get(DIRECTORY)) == {"Aperto"}
    # Anonymous visitors cannot ask for the others: the public map is active services.
    assert names(client.get(DIRECTORY, {"status": "any"})) == {"Aperto"}
    assert names(operator_client.get(DIRECTORY)) == {"Aperto"}
    closed = operator_client.get(DIRECTORY, {"status": "temporarily closed"})
    assert names(closed) == {"Chiuso per lavori"}
    assert names(operator_client.get(DIRECTORY, {"status": "any"})) == {
        "Aperto",
        "Chiuso per lavori",
    }


# --- Filters ----------------------------------------------------------------------------


def test_a_category_includes_its_children(db, client):
    health = TaxonomyTerm.objects.get(code="health")
    hospital = TaxonomyTerm.objects.get(code="hospital")
    canteen = TaxonomyTerm.objects.get(code="canteen")
    ServiceFactory(name="Pronto soccorso", categories=[hospital])
    ServiceFactory(name="Consultorio", categories=[health])
    ServiceFactory(name="Mensa", categories=[canteen])
    assert names(client.get(DIRECTORY, {"category": health.pk})) == {
        "Pronto soccorso",
        "Consultorio",
    }
    assert names(client.get(DIRECTORY, {"category": hospital.pk})) == {"Pronto soccorso"}
    # A service in both a parent and its child is listed once.
    ServiceFactory(name="Ospedale", categories=[health, hospital])
    response = client.get(DIRECTORY, {"category": health.pk})
    assert response.context["total"] == 3


def test_language_filter(db, client):
    arabic, english = Language.objects.get(code="ar"), Language.objects.get(code="en")
    ServiceFactory(name="Sportello arabo", languages=[arabic, english])
    ServiceFactory(name="Sportello inglese", languages=[english])
    assert names(client.get(DIRECTORY, {"language": "ar"})) == {"Sportello arabo"}
    assert names(client.get(DIRECTORY, {"language": "en"})) == {
        "Sportello arabo",
        "Sportello inglese",
    }


def test_free_and_wheelchair_filters(db, client):
    free = service_with_location(name="Gratuito", is_free=True)
    paid = service_with_location(name="A pagamento", is_free=False)
    assert names(client.get(DIRECTORY, {"free": "on"})) == {"Gratuito"}
    assert names(client.get(DIRECTORY)) == {"Gratuito", "A pagamento"}
    paid.locations.update(wheelchair_accessible=True)
    free.locations.update(wheelchair_accessible=False)
    assert names(client.get(DIRECTORY, {"wheelchair": "on"})) == {"A pagamento"}


def test_open_now_filter_uses_the_hours(db, client):
    open_service = ServiceFactory(name="Aperto ora")
    closed_service = ServiceFactory(name="Apre più tardi")
    hours_around_now(open_service, open_now=True)
    hours_around_now(closed_service, open_now=False)
    ServiceFactory(name="Orari sconosciuti")
    assert names(client.get(DIRECTORY, {"open_now": "on"})) == {"Aperto ora"}
    response = client.get(DIRECTORY)
    assert response.context["total"] == 3
    assert response.content.decode().count('data-testid="open-now"') == 1
    assert client.get(MAP_DATA).json()["markers"] == []  # no place, no marker
    ServiceAtLocationFactory(service=open_service)
    ServiceAtLocationFactory(service=closed_service)
    markers = client.get(MAP_DATA).json()["markers"]
    assert {m["name"] for m in markers} == {"Aperto ora", "Apre più tardi"}
    markers = client.get(MAP_DATA, {"open_now": "on"}).json()["markers"]
    assert {m["name"] for m in markers} == {"Aperto ora"}


def test_a_holiday_closes_a_service_open_every_week(db, client):
    service = ServiceFactory(name="Chiuso per festa")
    hours_around_now(service, open_now=True)
    today = timezone.localdate()
    Schedule.objects.create(service=service, freq="", valid_from=today, valid_to=today)
    assert names(client.get(DIRECTORY, {"open_now": "on"})) == set()


def test_distance_from_a_municipality(db, client):
    at_town("teverola", name="Sportello Teverola")
    at_town("aversa", name="Sportello Aversa")  # about 2.5 km from Teverola
    at_town("napoli", name="Sportello Napoli")  # about 16 km away
    near = client.get(DIRECTORY, {"near": "teverola", "radius": 5})
    assert [s.name for s in near.context["page"].object_list] == [
        "Sportello Teverola",
        "Sportello Aversa",
    ]  # nearest first
    assert 'data-testid="distance"' in near.content.decode()
    # Without a radius: 10 km.
    assert names(client.get(DIRECTORY, {"near": "teverola"})) == {
        "Sportello Teverola",
        "Sportello Aversa",
    }
    wide = client.get(DIRECTORY, {"near": "teverola", "radius": 20})
    assert names(wide) == {"Sportello Teverola", "Sportello Aversa", "Sportello Napoli"}
    assert marker_names(client.get(MAP_DATA, {"near": "teverola", "radius": 5})) == {
        "Sportello Teverola",
        "Sportello Aversa",
    }


def test_distance_from_my_position(db, client):
    at_town("caserta", name="Sportello Caserta")
    at_town("mondragone", name="Sportello Mondragone")
    # A position near Caserta, shared with the "use my position" button.
    response = client.get(DIRECTORY, {"lat": "41.070", "lon": "14.330", "radius": 2})
    assert names(response) == {"Sportello Caserta"}
    assert 'data-testid="using-position"' in response.content.decode()
    # A position wins over a municipality chosen before.
    response = client.get(
        DIRECTORY, {"lat": "41.115", "lon": "13.892", "near": "caserta", "radius": 5}
    )
    assert names(response) == {"Sportello Mondragone"}


def test_an_invalid_position_is_ignored(db, client):
    ServiceFactory(name="Sportello")
    response = client.get(DIRECTORY, {"lat": "north", "lon": "999"})
    assert response.status_code == 200
    assert names(response) == {"Sportello"}


# --- Search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("questure", "Questura di Caserta – Ufficio immigrazione"),
        ("caritas", "Caritas diocesana – Centro di ascolto"),
        ("CARITAS ascolto", "Caritas diocesana – Centro di ascolto"),
        ("ospedale", "Ospedale civile"),
    ],
)
def test_search_tolerates_case_and_italian_word_forms(db, client, text, expected):
    ServiceFactory(name="Questura di Caserta – Ufficio immigrazione")
    ServiceFactory(name="Caritas diocesana – Centro di ascolto")
    ServiceFactory(name="Ospedale civile", description="Pronto soccorso aperto giorno e notte.")
    ServiceFactory(name="Mensa dei poveri")
    found = names(client.get(DIRECTORY, {"q": text}))
    assert expected in found
    assert "Mensa dei poveri" not in found


@postgres_only
def test_search_tolerates_a_typo(db, client):
    ServiceFactory(name="Ospedale civile")
    ServiceFactory(name="Mensa dei poveri")
    assert names(client.get(DIRECTORY, {"q": "ospedlae"})) == {"Ospedale civile"}


def test_search_reads_the_organization_and_the_description(db, client):
    ServiceFactory(name="Sportello", organization__name="Caritas Aversa")
    ServiceFactory(name="Sportello lavoro", description="Aiuto a scrivere il curriculum.")
    assert names(client.get(DIRECTORY, {"q": "caritas"})) == {"Sportello"}
    assert names(client.get(DIRECTORY, {"q": "curriculum"})) == {"Sportello lavoro"}


def test_rough_stem_meets_singular_and_plural():
    assert rough_stem("Questure") == rough_stem("questura") == "questur"
    assert rough_stem("asl") == "asl"


# --- A service's page -------------------------------------------------------------------


def test_service_page_shows_what_a_person_needs(db, client):
    arabic = Language.objects.get(code="ar")
    service = ServiceFactory(
        name="Consultorio familiare",
        languages=[arabic],
        categories=[TaxonomyTerm.objects.get(code="womens-health")],
        eligibility_description="Donne di ogni età, anche senza documenti.",
        application_process="Senza appuntamento il martedì.",
        fees_description="",
        is_free=True,
        provider_gender=Service.Gender.FEMALE,
    )
    ServiceAtLocationFactory(
        service=service,
        location__address_1="Via Roma 1",
        location__latitude="41.074200",
        location__longitude="14.332800",
        location__wheelchair_accessible=True,
        location__accessibility_description="Ingresso con rampa.",
    )
    PhoneFactory(service=service, number="+39 0823 123456")
    ScheduleFactory(
        service=service, byday="TU", opens_at=datetime.time(9), closes_at=datetime.time(13)
    )
    holiday = timezone.localdate() + datetime.timedelta(days=3)
    Schedule.objects.create(
        service=service,
        freq="",
        valid_from=holiday,
        valid_to=holiday,
        description="Festa patronale",
    )
    response = client.get(reverse("resources:service-detail", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+390823123456"' in html
    assert "https://www.openstreetmap.org/directions?route=%3B41.074200%2C14.332800" in html
    assert 'href="geo:41.074200,14.332800' in html
    assert "Arabo" in html and "العربية" in html
    assert "Salute delle donne" in html
    assert "Ingresso con rampa." in html
    assert "anche senza documenti" in html
    assert "Senza appuntamento il martedì." in html
    assert "Festa patronale" in html
    assert "09:00–13:00" in html
    with translation.override("it"):
        assert str(Service.Gender.FEMALE.label) in html  # gender of the professional
    assert 'data-testid="stale"' not in html
    # No edit rule grants it to a visitor, and no suggestion page is needed to render.
    assert "Modifica" not in html


def test_service_page_flags_a_stale_resource(db, client):
    service = ServiceFactory(last_verified_at=timezone.now() - datetime.timedelta(days=400))
    response = client.get(reverse("resources:service-detail", args=[service.pk]))
    assert 'data-testid="stale"' in response.content.decode()


def test_a_non_public_service_sends_anonymous_visitors_to_sign_in(db, client, member_client):
    service = ServiceFactory(is_public=False)
    url = reverse("resources:service-detail", args=[service.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    assert member_client.get(url).status_code == 200


def test_edit_link_only_for_those_who_may_edit(association, operator_client, outsider_client):
    service = ServiceFactory(organization__maintained_by=association)
    url = reverse("resources:service-detail", args=[service.pk])
    edit_url = reverse("resources:service-edit", args=[service.pk])
    assert f'href="{edit_url}"' in operator_client.get(url).content.decode()
    assert f'href="{edit_url}"' not in outsider_client.get(url).content.decode()
    assert f'href="{edit_url}"' not in Client().get(url).content.decode()


def test_signed_in_people_may_suggest_a_correction(db, client, member_client):
    service = ServiceFactory()
    url = reverse("resources:service-detail", args=[service.pk])
    suggest = f"{reverse('resources:suggestion-create')}?service={service.pk}"
    assert suggest in member_client.get(url).content.decode()
    assert suggest not in client.get(url).content.decode()


def test_an_unknown_service_is_404(db, client):
    response = client.get(
        reverse("resources:service-detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
    )
    assert response.status_code == 404


def test_english_page(db):
    service = ServiceFactory(name="Mensa", categories=[TaxonomyTerm.objects.get(code="canteen")])
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    html = client.get(reverse("resources:service-detail", args=[service.pk])).content.decode()
    assert "Soup kitchen" in html


# --- Query counts -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 200])
def test_directory_query_count_is_constant(db, client, django_assert_num_queries, n):
    for _ in range(n):
        service_with_location(categories=[TaxonomyTerm.objects.get(code="food")])
    # category choices, language choices; count of services (pagination); the page of
    # services with organization; their categories, languages, phones, schedules, places
    # (with location), places' schedules, the locations' schedules
    with django_assert_num_queries(11):
        response = client.get(DIRECTORY)
    assert response.context["total"] == n


@pytest.mark.parametrize("n", [1, 200])
def test_map_data_query_count_is_constant(db, client, django_assert_num_queries, n):
    for _ in range(n):
        service_with_location()
    # category and language choices (the filter form), then the markers: one query of
    # places joined with their service and organization
    with django_assert_num_queries(3):
        response = client.get(MAP_DATA, {"category": ""})
    assert len(response.json()["markers"]) == n
    # "Open now" loads the candidates' hours: choices, services with organization and
    # their prefetched categories, languages, phones, schedules, places, the places' and
    # locations' schedules; then the markers
    with django_assert_num_queries(10):
        response = client.get(MAP_DATA, {"open_now": "on"})
    assert len(response.json()["markers"]) <= n


def test_the_public_map_is_linked_for_visitors_without_an_account(db, client):
    body = client.get(reverse("account_login")).content.decode()
    assert f'href="{DIRECTORY}"' in body
