"""Access matrix entries of campaigns and the materials library: coordinators write
campaigns, facilitators and operators read them, members reach none of them;
coordinators and facilitators keep the library, everyone of the association reads it
and downloads its files. Another association's campaign or material answers 404.

Posts without data answer 422 (the form again, with its errors); the download's file
is written to the private storage (the test's own directory, see tests/conftest.py)."""

from __future__ import annotations

from tests.matrix import Entry

from .factories_campaigns import CampaignFactory, MaterialFactory


def _campaign(association):
    return {"pk": CampaignFactory(association=association).pk}


def _material(association):
    return {"pk": MaterialFactory(association=association, languages=[]).pk}


def _material_file(association):
    return {"pk": MaterialFactory(association=association, languages=["it"]).pk, "language": "it"}


COORDINATOR_ONLY = {"member": 403, "facilitator": 403, "operator": 403}
EDITORS = {"member": 403, "operator": 403}

ENTRIES: dict[str, Entry] = {
    "training:campaign-list": Entry(403, 200, 200, 200),
    "training:campaign-create": Entry(**COORDINATOR_ONLY, coordinator=200),
    "training:campaign-detail": Entry(403, 200, 200, 200, kwargs=_campaign),
    "training:campaign-edit": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_campaign),
    "training:campaign-action-add": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_campaign),
    "training:material-list": Entry(200, 200, 200, 200),
    "training:material-create": Entry(**EDITORS, facilitator=200, coordinator=200),
    "training:material-detail": Entry(200, 200, 200, 200, kwargs=_material),
    "training:material-edit": Entry(**EDITORS, facilitator=200, coordinator=200, kwargs=_material),
    "training:material-file-add": Entry(
        **EDITORS, facilitator=422, coordinator=422, method="post", kwargs=_material
    ),
    "training:material-download": Entry(200, 200, 200, 200, kwargs=_material_file),
}
