"""Access matrix entries of the resource map's public pages (resources/views/directory.py)."""

from tests.factories import service_with_location
from tests.matrix import Entry


def _public_service(association):
    return {"pk": service_with_location(organization__maintained_by=association, is_public=True).pk}


ENTRIES: dict[str, Entry] = {
    "resources:directory": Entry(200, 200, 200, 200, anonymous=200),
    "resources:map-data": Entry(200, 200, 200, 200, anonymous=200),
    "resources:service-detail": Entry(200, 200, 200, 200, anonymous=200, kwargs=_public_service),
}
