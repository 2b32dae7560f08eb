"""Access matrix entries of the community alert pages: coordinators write, send and
remind; operators follow the board and the phone list; members and facilitators reach
none of them. The answer link is its own key: whoever holds it, signed in or not, opens
that one answer (and nothing else)."""

from __future__ import annotations

from tests.matrix import Entry

from .factories_alerts import AlertAnswerFactory, CommunityAlertFactory, SentAlertFactory


def _sent_alert(association):
    return {"pk": AlertAnswerFactory(alert=SentAlertFactory(association=association)).alert_id}


def _draft_alert(association):
    return {"pk": CommunityAlertFactory(association=association).pk}


def _answer_row(association):
    return {"pk": AlertAnswerFactory(alert=SentAlertFactory(association=association)).pk}


def _answer_link(association):
    return {"token": AlertAnswerFactory(alert=SentAlertFactory(association=association)).token}


ENTRIES: dict[str, Entry] = {
    "emergencies:alert-list": Entry(403, 403, 200, 200),
    "emergencies:alert-create": Entry(403, 403, 403, 200),
    "emergencies:alert-detail": Entry(403, 403, 200, 200, kwargs=_sent_alert),
    "emergencies:alert-send": Entry(403, 403, 403, 302, method="post", kwargs=_draft_alert),
    "emergencies:alert-remind": Entry(403, 403, 403, 302, method="post", kwargs=_sent_alert),
    "emergencies:alert-phone-list": Entry(403, 403, 200, 200, kwargs=_sent_alert),
    "emergencies:alert-answer": Entry(200, 200, 200, 200, anonymous=200, kwargs=_answer_link),
    "emergencies:alert-answer-record": Entry(
        403, 403, 302, 302, method="post", kwargs=_answer_row, data={"answer": "safe"}
    ),
}
