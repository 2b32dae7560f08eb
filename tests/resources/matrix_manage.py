"""Access matrix entries of the resource map's editing, suggestions and partners."""

from __future__ import annotations

from resources.models import Partnership, Suggestion
from tests.factories import OrganizationFactory, service_with_location
from tests.matrix import Entry


def _service(association):
    return {"pk": service_with_location(organization__maintained_by=association).pk}


def _suggestion(association):
    suggestion = Suggestion.objects.create(
        association=association, payload={"name": "Mensa del quartiere"}
    )
    return {"pk": suggestion.pk}


def _partnership(association):
    partnership = Partnership.objects.create(
        association=association, organization=OrganizationFactory()
    )
    return {"pk": partnership.pk}


ENTRIES: dict[str, Entry] = {
    "resources:service-create": Entry(403, 403, 200, 200),
    # Another association's resource is seen by everyone and changed by its maintainers
    # only: 403 there, not 404 (see test_manage.py).
    "resources:service-edit": Entry(403, 403, 200, 200, kwargs=_service),
    "resources:service-verify": Entry(403, 403, 302, 302, method="post", kwargs=_service),
    "resources:suggestion-create": Entry(200, 200, 200, 200),
    "resources:suggestion-mine": Entry(200, 200, 200, 200),
    "resources:suggestion-list": Entry(403, 403, 200, 200),
    "resources:suggestion-review": Entry(403, 403, 200, 200, kwargs=_suggestion),
    "resources:partner-list": Entry(403, 403, 200, 200),
    "resources:partner-create": Entry(403, 403, 403, 200),
    "resources:partner-edit": Entry(403, 403, 403, 200, kwargs=_partnership),
}

# The shared map: another association's resource answers 403 to our staff, not 404.
# Read by test_another_associations_object_answers_404 once Entry has this field.
for _name in ("resources:service-edit", "resources:service-verify"):
    ENTRIES[_name].other_association = 403
