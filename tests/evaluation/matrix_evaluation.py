"""Access matrix entries of evaluation: the feedback link is its own key (anyone holding
it, signed in or not); a check-in is its person's only; the dashboard is the
coordinators'."""

from __future__ import annotations

from evaluation.models import FeedbackRequest, WellbeingCheckIn
from tests.factories import MemberFactory
from tests.matrix import Entry


def _token(association):
    request = FeedbackRequest.objects.create(
        association=association,
        member=MemberFactory(association=association),
        kind="session",
        object_id=1,
    )
    return {"token": request.token}


def _checkin(association):
    checkin = WellbeingCheckIn.objects.create(
        association=association,
        member=MemberFactory(association=association),
        items=[3, 3, 3, 3, 3],
        raw=15,
        percent=60,
        is_low=False,
    )
    return {"pk": checkin.pk}


ENTRIES: dict[str, Entry] = {
    "evaluation:feedback-answer": Entry(
        200, 200, 200, 200, anonymous=200, kwargs=_token, other_association=200
    ),
    # Staff of the matrix have no registry entry of their own.
    "evaluation:checkin": Entry(200, 404, 404, 404),
    "evaluation:checkin-result": Entry(404, 404, 404, 404, kwargs=_checkin),
    "evaluation:checkin-contact": Entry(404, 404, 404, 404, method="post", kwargs=_checkin),
    "evaluation:dashboard": Entry(403, 403, 403, 200),
    "evaluation:dashboard-csv": Entry(403, 403, 403, 200),
    "evaluation:dashboard-xlsx": Entry(403, 403, 403, 200),
    "evaluation:sharing": Entry(403, 403, 403, 302, method="post", data={"share": "1"}),
    "evaluation:annual-report": Entry(403, 403, 403, 200),
    "evaluation:annual-report-xlsx": Entry(403, 403, 403, 200),
}
