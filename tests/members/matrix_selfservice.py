"""Access matrix entries of a person's own pages and of consents."""

from __future__ import annotations

from tests.factories import MemberFactory
from tests.matrix import Entry


def _member(association):
    return {"pk": MemberFactory(association=association).pk}


ENTRIES: dict[str, Entry] = {
    # Only the member role of the matrix has a registry entry of its own: the others
    # have no "me" to show.
    "members:me": Entry(200, 404, 404, 404),
    "members:me-edit": Entry(200, 404, 404, 404),
    "members:me-consents": Entry(200, 404, 404, 404),
    "members:member-consents": Entry(403, 403, 200, 200, kwargs=_member),
    "members:privacy-notice-list": Entry(403, 403, 403, 200),
}
