"""Access matrix entries of the data-protection rights pages.

Only the matrix's member has a registry entry (``user_with_role`` makes one for the
member role): the ``me/`` pages answer 404 to the other roles, who have no data there
to show."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import ErasureRequest, Member
from tests.factories import MemberFactory
from tests.matrix import Entry


def _member(association):
    return {"pk": MemberFactory(association=association).pk}


def _erasure_request(association):
    member = MemberFactory(association=association)
    request = ErasureRequest.objects.create(association=association, member=member)
    return {"pk": request.pk}


def _warned_member(association):
    member = MemberFactory(association=association)
    Member.objects.filter(pk=member.pk).update(
        retention_warned_at=timezone.now() - datetime.timedelta(days=1)
    )
    return {"pk": member.pk}


ENTRIES: dict[str, Entry] = {
    "members:me-data": Entry(200, 404, 404, 404),
    "members:me-data-json": Entry(200, 404, 404, 404),
    "members:me-forget": Entry(200, 404, 404, 404),
    "members:member-export": Entry(403, 403, 200, 200, kwargs=_member),
    "members:member-forget": Entry(
        403, 403, 302, 302, method="post", kwargs=_member, data={"confirm": "on"}
    ),
    "members:erasure-list": Entry(403, 403, 403, 200),
    "members:erasure-detail": Entry(403, 403, 403, 200, kwargs=_erasure_request),
    "members:retention-list": Entry(403, 403, 403, 200),
    "members:retention-keep": Entry(403, 403, 403, 302, method="post", kwargs=_warned_member),
}
