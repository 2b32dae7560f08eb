"""Access matrix entries of the HSDS exchange: coordinators' downloads
(resources/views/exchange.py) and the public HSDS API (resources/api_urls.py)."""

from tests.factories import service_with_location
from tests.matrix import Entry


def _public_service(association):
    return {"pk": service_with_location(organization__maintained_by=association, is_public=True).pk}


ENTRIES: dict[str, Entry] = {
    "resources:export-hsds-json": Entry(403, 403, 403, 200),
    "resources:export-hsds-package": Entry(403, 403, 403, 200),
    "hsds-api:root": Entry(200, 200, 200, 200, anonymous=200),
    "hsds-api:service-list": Entry(200, 200, 200, 200, anonymous=200),
    "hsds-api:service-detail": Entry(200, 200, 200, 200, anonymous=200, kwargs=_public_service),
}
