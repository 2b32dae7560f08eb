"""An anonymous visitor finds a resource on the public map, on a phone and on a desktop.

The visitor switches the page to English first (the footer's language buttons), so the
test reads the pages' source strings whatever the state of the Italian catalog.

Map tiles are refused (as when the tile server cannot be reached): the markers must still
show on a plain background, with a short note, and the list stays complete.
"""

import datetime

import pytest
from playwright.sync_api import expect

from members.models import Language
from resources.models import TaxonomyTerm
from resources.taxonomy import term_id
from tests.factories import (
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _term(code, name, name_en, parent=None):
    # Transactional tests empty the tables: the seeded rows may be gone.
    term, _ = TaxonomyTerm.objects.get_or_create(
        code=code,
        defaults={"id": term_id(code), "name": name, "name_en": name_en, "parent": parent},
    )
    return term


def _language(code, name_en, name_it, native):
    language, _ = Language.objects.get_or_create(
        code=code, defaults={"name_en": name_en, "name_it": name_it, "native_name": native}
    )
    return language


def _resources():
    health = _term("health", "Salute", "Health")
    womens = _term("womens-health", "Salute delle donne", "Women's health", health)
    hospital = _term("hospital", "Ospedale e pronto soccorso", "Hospital", health)
    food = _term("food", "Cibo e beni di prima necessità", "Food and basic needs")
    canteen = _term("canteen", "Mensa", "Soup kitchen", food)
    arabic = _language("ar", "Arabic", "Arabo", "العربية")
    english = _language("en", "English", "Inglese", "English")
    consultorio = ServiceFactory(
        name="Consultorio familiare",
        organization__name="ASL Caserta",
        description="Visite ginecologiche, gravidanza, contraccezione.",
        categories=[womens],
        languages=[arabic, english],
        eligibility_description="Tutte le donne, anche senza permesso di soggiorno.",
        provider_gender="female",
    )
    ServiceAtLocationFactory(
        service=consultorio,
        location__address_1="Via Roma 12",
        location__latitude="41.074200",
        location__longitude="14.332800",
        location__wheelchair_accessible=True,
    )
    PhoneFactory(service=consultorio, number="+39 0823 445566")
    ScheduleFactory(service=consultorio, byday="MO,TU,WE,TH,FR", opens_at=datetime.time(8, 30))
    for name, terms, languages, lat, lon in [
        ("Pronto soccorso", [hospital], [english], "41.080000", "14.340000"),
        ("Mensa Caritas", [canteen], [arabic], "40.973000", "14.206500"),
        ("Banco alimentare", [food], [english], "41.033000", "14.298500"),
    ]:
        service = ServiceFactory(name=name, categories=terms, languages=languages)
        ServiceAtLocationFactory(service=service, location__latitude=lat, location__longitude=lon)
        PhoneFactory(service=service)
    return consultorio


def _refuse_tiles(page):
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())


def test_visitor_filters_the_map_and_calls_a_resource_on_a_phone(
    live_server, phone_page, screenshot
):
    consultorio = _resources()
    page = phone_page
    _refuse_tiles(page)
    page.goto(f"{live_server.url}/resources/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource map")
    expect(page.get_by_test_id("resource")).to_have_count(4)
    # On a phone the list shows first; the map waits for the toggle.
    list_button = page.get_by_role("button", name="List")
    map_button = page.get_by_role("button", name="Map", exact=True)
    expect(list_button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#resource-map")).to_be_hidden()
    screenshot(page, "resources-phone-01-directory")

    page.get_by_text("More filters").click()
    page.get_by_label("Category").select_option(label="Health")
    page.get_by_label("Language spoken").select_option("ar")
    screenshot(page, "resources-phone-02-filters")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("resource")).to_have_count(1)
    expect(page.get_by_test_id("resource")).to_contain_text("Consultorio familiare")
    expect(page.get_by_text("More filters (2 active)")).to_be_visible()
    screenshot(page, "resources-phone-03-filtered-list")

    map_button.click()
    expect(map_button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#directory-list")).to_be_hidden()
    expect(page.locator("#resource-map")).to_have_attribute("data-markers", "1")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("[data-tile-note]")).to_be_visible()
    screenshot(page, "resources-phone-04-map-without-tiles")
    page.locator(".leaflet-marker-icon").click()
    popup_link = page.locator(".leaflet-popup").get_by_role("link", name="Consultorio familiare")
    expect(popup_link).to_be_visible()
    screenshot(page, "resources-phone-05-map-popup")

    list_button.click()
    expect(page.locator("#directory-list")).to_be_visible()
    page.get_by_role("link", name="Consultorio familiare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultorio familiare")
    phone = page.get_by_test_id("phone-link")
    expect(phone).to_have_attribute("href", "tel:+390823445566")
    expect(phone).to_be_visible()
    expect(phone).to_be_enabled()
    phone.click(trial=True)  # Chromium cannot dial: check the tap would land on it
    expect(page.get_by_test_id("directions")).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?route=%3B41.074200%2C14.332800"
    )
    expect(page.get_by_test_id("languages")).to_contain_text("Arabic")
    screenshot(page, "resources-phone-06-service")
    assert page.url.endswith(f"/resources/{consultorio.pk}/")


def test_visitor_sees_list_and_map_side_by_side_on_a_desktop(live_server, desktop_page, screenshot):
    _resources()
    page = desktop_page
    _refuse_tiles(page)
    page.goto(f"{live_server.url}/resources/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource map")
    expect(page.locator("#directory-list")).to_be_visible()
    expect(page.locator("#resource-map")).to_be_visible()
    expect(page.locator("#resource-map")).to_have_attribute("data-markers", "4")
    # Side by side, the List / Map toggle has nothing to do (checked once the script ran).
    expect(page.locator("[data-view-toggle]")).to_be_hidden()
    expect(page.locator("[data-tile-note]")).to_be_visible()
    list_box = page.locator("#directory-list").bounding_box()
    map_box = page.locator("#resource-map").bounding_box()
    assert list_box["x"] + list_box["width"] <= map_box["x"]  # side by side
    screenshot(page, "resources-desktop-01-directory")

    # "Use my position" asks the browser only when pressed; 10 km around Caserta.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 41.0742, "longitude": 14.3328})
    page.get_by_text("More filters").click()
    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_test_id("using-position")).to_be_visible()
    assert "lat=41.074" in page.url
    expect(page.get_by_test_id("resource")).to_have_count(3)  # not the one in Aversa
    expect(page.get_by_test_id("distance").first).to_have_text("0.0 km")
    page.get_by_role("link", name="Forget my position").click()
    expect(page.get_by_test_id("resource")).to_have_count(4)

    page.get_by_label("Search", exact=True).fill("caritas")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_test_id("resource")).to_have_count(1)
    expect(page.locator("#resource-map")).to_have_attribute("data-markers", "1")
    page.get_by_role("link", name="Mensa Caritas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mensa Caritas")
    screenshot(page, "resources-desktop-02-service")
