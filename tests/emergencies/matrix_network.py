"""Access matrix entries of the solidarity network's pages. Operators and coordinators
of the request's association see and act on it; a member asks for themself and has their
own space; an offer, a task or a request is only its volunteer's or its person's, so a
fresh one is nobody's of the matrix's people: 404 whatever their role."""

from __future__ import annotations

from tests.matrix import Entry

from .factories_network import DebriefFactory, HelpRequestFactory, OfferFactory


def _request(association):
    return {"pk": HelpRequestFactory(association=association).pk}


def _offer(association):
    return {"pk": OfferFactory(request__association=association).pk}


def _debrief(association):
    return {"pk": DebriefFactory(volunteer__member__association=association).pk}


ENTRIES: dict[str, Entry] = {
    "emergencies:help-request-list": Entry(403, 403, 200, 200),
    "emergencies:help-request-create": Entry(403, 403, 200, 200),
    "emergencies:help-request-ask": Entry(200, 403, 403, 403),
    "emergencies:help-request-detail": Entry(404, 404, 200, 200, kwargs=_request),
    # Nobody is available in a fresh association: the request becomes unmatched.
    "emergencies:help-request-offer": Entry(403, 403, 302, 302, method="post", kwargs=_request),
    "emergencies:help-request-done": Entry(
        404, 404, 404, 404, method="post", kwargs=_request, data={"minutes_spent": "30"}
    ),
    # Staff may confirm for the person; an open request answers with a message.
    "emergencies:help-request-confirm": Entry(404, 404, 302, 302, method="post", kwargs=_request),
    "emergencies:help-request-hours": Entry(403, 403, 302, 302, method="post", kwargs=_request),
    "emergencies:help-request-cancel": Entry(404, 404, 302, 302, method="post", kwargs=_request),
    "emergencies:offer-detail": Entry(404, 404, 404, 404, kwargs=_offer),
    "emergencies:offer-accept": Entry(404, 404, 404, 404, method="post", kwargs=_offer),
    "emergencies:offer-decline": Entry(404, 404, 404, 404, method="post", kwargs=_offer),
    # The matrix's member has no volunteer profile: the space invites them to join, the
    # debrief is not theirs to give.
    "emergencies:my-contributions": Entry(200, 403, 403, 403),
    "emergencies:debrief-create": Entry(404, 403, 403, 403),
    "emergencies:debrief-list": Entry(403, 403, 200, 200),
    "emergencies:debrief-handle": Entry(403, 403, 302, 302, method="post", kwargs=_debrief),
    "emergencies:network-settings": Entry(403, 403, 403, 200),
}
