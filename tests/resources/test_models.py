"""The resource map's data model: factories build a complete, valid resource."""

from django.utils import timezone

from resources.models import Schedule, Service, TaxonomyTerm
from resources.taxonomy import TERMS, term_id
from tests.factories import service_with_location


def test_default_taxonomy_has_stable_ids_in_italian_and_english(db):
    housing = TaxonomyTerm.objects.get(code="housing")
    assert housing.id == term_id("housing")
    assert (housing.name, housing.name_en) == ("Casa e alloggio", "Housing")
    assert TaxonomyTerm.objects.get(code="shelter").parent == housing
    assert TaxonomyTerm.objects.count() == len(TERMS)


def test_a_complete_resource(db):
    service = service_with_location()
    service.full_clean()
    assert service.locations.get().has_coordinates
    assert service.phones.get().tel_uri.startswith("tel:+390823")
    assert service.schedules.get().freq == Schedule.Freq.WEEKLY
    assert Service.objects.public().active().count() == 1
    assert not service.is_stale
    Service.objects.filter(pk=service.pk).update(
        last_verified_at=timezone.now() - timezone.timedelta(days=200)
    )
    service.refresh_from_db()
    assert service.is_stale
