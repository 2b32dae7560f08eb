"""The demo resource map that ``manage.py seed_demo`` creates: about forty plausible
services around Caserta, idempotent, with what the map and the directory show."""

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from members.models import Association
from resources import demo
from resources.models import (
    Location,
    Organization,
    Partnership,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from resources.opening import is_open

ROME = ZoneInfo("Europe/Rome")
# The towns of the demo lie within this box (Castel Volturno to Maddaloni).
LATITUDES = (Decimal("40.95"), Decimal("41.10"))
LONGITUDES = (Decimal("13.90"), Decimal("14.40"))


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = (Organization, Service, Location, ServiceAtLocation, Phone, Schedule, Partnership)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["categories"] = Service.categories.through.objects.count()
    counts["languages"] = Service.languages.through.objects.count()
    for model in (Organization, Service, Location, Schedule):
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def _service(key: str) -> Service:
    return Service.objects.get(pk=demo.demo_id("service", key))


@pytest.fixture
def seeded(seeded_demo, db):
    """The demo, seeded once for this module (its tests read it; one re-seeds inside
    its own transaction)."""
    return seeded_demo


def test_seeding_twice_changes_nothing(seeded_demo, db):
    first_output = seeded_demo
    first = _counts()
    second_output = _seed()
    assert _counts() == first  # no duplicates, and no history rows for unchanged records
    assert first_output == second_output
    assert "Resource map: " in first_output


def test_about_forty_services_kept_by_the_three_demo_associations(seeded):
    assert Service.objects.count() == len(demo.RESOURCES)
    assert 35 <= Service.objects.count() <= 50
    keepers = set(Service.objects.values_list("maintained_by__slug", flat=True))
    assert keepers == {"migr-azioni", "si-teverola", "contrasto-tv"}
    towns = set(Location.objects.exclude(city="").values_list("city", flat=True))
    assert {
        "Caserta",
        "Teverola",
        "Aversa",
        "Marcianise",
        "Santa Maria Capua Vetere",
        "Maddaloni",
        "Casal di Principe",
        "Castel Volturno",
    } <= towns
    assert Service.objects.filter(is_free=False).count() >= 3
    assert Service.objects.filter(is_public=False).count() >= 1
    assert Location.objects.filter(wheelchair_accessible=True).exists()
    assert Location.objects.filter(wheelchair_accessible=False).exists()


def test_every_public_service_has_coordinates_a_phone_and_hours(seeded):
    public = Service.objects.public().prefetch_related("locations", "phones", "schedules")
    assert public.count() >= 35
    for service in public:
        locations = list(service.locations.all())
        assert locations, service
        for location in locations:
            assert location.has_coordinates, service
            assert location.address_1 and location.city and location.postal_code, service
            assert LATITUDES[0] <= location.latitude <= LATITUDES[1], service
            assert LONGITUDES[0] <= location.longitude <= LONGITUDES[1], service
        assert service.phones.exists(), service
        assert any(row.freq == Schedule.Freq.WEEKLY for row in service.schedules.all()), service
        assert service.categories.exists(), service
        assert service.languages.exists(), service
        assert service.last_verified_at is not None


def test_the_safe_house_is_not_public_and_has_no_address(seeded):
    safe_house = _service("casa-rifugio")
    assert not safe_house.is_public
    assert safe_house not in Service.objects.public()
    location = safe_house.locations.get()
    assert location.address_1 == ""
    assert not location.has_coordinates
    assert safe_house.provider_gender == Service.Gender.FEMALE


def test_some_services_are_stale_most_are_not(seeded):
    stale = [service for service in Service.objects.all() if service.is_stale]
    assert 1 <= len(stale) < Service.objects.count() / 2
    assert _service("segretariato-caserta") in stale


def test_anti_violence_centre_has_women_who_speak_its_languages(seeded):
    centre = _service("cav-ester")
    assert centre.is_public
    assert centre.provider_gender == Service.Gender.FEMALE
    assert set(centre.languages.values_list("code", flat=True)) == {"it", "en", "fr", "ar"}
    assert set(centre.categories.values_list("code", flat=True)) >= {"violence"}
    gynaecologist = _service("ginecologa-caserta")
    assert gynaecologist.provider_gender == Service.Gender.FEMALE
    assert "womens-health" in gynaecologist.categories.values_list("code", flat=True)


def test_hours_night_shelter_and_holiday_closures(seeded):
    shelter = _service("dormitorio-la-stella")
    assert "shelter" in shelter.categories.values_list("code", flat=True)
    rows = list(shelter.schedules.all())
    weekly = [row for row in rows if row.freq == Schedule.Freq.WEEKLY]
    assert [(row.opens_at.hour, row.closes_at.hour) for row in weekly] == [(20, 8)]
    # Open through the night, every night, holidays included.
    assert is_open(rows, datetime(2026, 3, 11, 23, 0, tzinfo=ROME))
    assert is_open(rows, datetime(2026, 3, 12, 7, 0, tzinfo=ROME))
    assert not is_open(rows, datetime(2026, 3, 12, 12, 0, tzinfo=ROME))

    offices = Schedule.objects.filter(service=_service("segretariato-caserta"), freq="")
    assert {(row.valid_from.month, row.valid_from.day) for row in offices} == {
        (12, 8),
        (12, 25),
        (1, 1),
    }
    assert all(row.opens_at is None and row.closes_at is None for row in offices)

    christmas = Schedule.objects.get(
        service=_service("mensa-don-tonino"), freq="", valid_from__month=12, valid_from__day=25
    )
    assert (christmas.opens_at.hour, christmas.closes_at.hour) == (12, 16)
    assert not Schedule.objects.filter(service=_service("pronto-soccorso-caserta"), freq="")


def test_migr_azioni_partners_with_legal_aid_and_the_anti_violence_centre(seeded):
    migr_azioni = Association.objects.get(slug="migr-azioni")
    partners = set(
        Partnership.objects.filter(association=migr_azioni).values_list(
            "organization__name", flat=True
        )
    )
    assert partners == {
        demo.ORGANIZATIONS["diritti-in-rete"].name,
        demo.ORGANIZATIONS["cav-ester"].name,
    }


def test_seeding_restores_a_record_edited_in_the_demo(seeded):
    service = _service("cpia-caserta")
    service.name = "Changed by someone trying the demo"
    service.save()

    _seed()

    service.refresh_from_db()
    assert service.name == demo.RESOURCES["cpia-caserta"].name
    assert Service.objects.count() == len(demo.RESOURCES)
