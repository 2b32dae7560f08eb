"""Access matrix entries of referrals: the referring association's pages (refer, print,
revoke) and the partner's (inbox, a referral received, its answer and outcome).

A referral "of" the matrix's association is one of its cases for the referring pages,
and one it received from a third association for the partner's pages: another
association's referral answers 404 on both sides."""

from __future__ import annotations

from emergencies.models import Referral
from tests.emergencies.factories import CaseFactory, ReferralFactory
from tests.factories import AssociationFactory
from tests.matrix import Entry


def _case(association):
    return {"pk": CaseFactory(association=association).pk}


def _service_referral(association):
    referral = ReferralFactory(case=CaseFactory(association=association), to_service=True)
    return {"pk": referral.pk}


def _pending_referral_sent(association):
    return {"pk": ReferralFactory(case=CaseFactory(association=association)).pk}


def _received(association, status=Referral.Status.PENDING):
    referral = ReferralFactory(
        case=CaseFactory(association=AssociationFactory()), partner=association, status=status
    )
    return {"pk": referral.pk}


def _accepted_received(association):
    return _received(association, status=Referral.Status.ACCEPTED)


STAFF_ONLY = {"member": 403, "facilitator": 403}

ENTRIES: dict[str, Entry] = {
    "emergencies:case-refer": Entry(**STAFF_ONLY, operator=200, coordinator=200, kwargs=_case),
    "emergencies:referral-print": Entry(
        **STAFF_ONLY, operator=200, coordinator=200, kwargs=_service_referral
    ),
    "emergencies:referral-revoke": Entry(
        **STAFF_ONLY, operator=302, coordinator=302, method="post", kwargs=_pending_referral_sent
    ),
    "emergencies:referral-inbox": Entry(**STAFF_ONLY, operator=200, coordinator=200),
    "emergencies:referral-detail": Entry(
        **STAFF_ONLY, operator=200, coordinator=200, kwargs=_received
    ),
    "emergencies:referral-answer": Entry(
        **STAFF_ONLY,
        operator=302,
        coordinator=302,
        method="post",
        kwargs=_received,
        data={"decision": "accept", "note": ""},
    ),
    "emergencies:referral-complete": Entry(
        **STAFF_ONLY,
        operator=302,
        coordinator=302,
        method="post",
        kwargs=_accepted_received,
        data={"outcome": "Accolto in struttura per due settimane."},
    ),
}
