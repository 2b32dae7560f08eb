"""Access matrix entries of the case pages: operators and coordinators of the case's
association; a member reaches only their own request (a fresh case is nobody's of
theirs: 404), a facilitator nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from emergencies.models import FollowUp
from members.models import Role
from tests.factories import user_with_role
from tests.matrix import Entry

from .factories import CaseFactory


def _case(association):
    return {"pk": CaseFactory(association=association).pk}


def _note(association):
    return {"pk": CaseFactory(association=association).pk, "kind": "note"}


def _follow_up(association):
    case = CaseFactory(association=association)
    staff = user_with_role(association, Role.OPERATOR)
    follow_up = FollowUp.objects.create(
        case=case,
        title="Richiamare",
        due_at=timezone.now() + timedelta(days=1),
        assigned_to=staff,
    )
    return {"pk": follow_up.pk}


def _staff_user(association):
    return {"user_id": user_with_role(association, Role.OPERATOR).pk}


ENTRIES: dict[str, Entry] = {
    "emergencies:case-list": Entry(403, 403, 200, 200),
    "emergencies:case-export": Entry(403, 403, 403, 200),
    "emergencies:case-intake": Entry(403, 403, 200, 200),
    "emergencies:case-person-search": Entry(403, 403, 200, 200),
    "emergencies:case-detail": Entry(404, 403, 200, 200, kwargs=_case),
    "emergencies:case-timeline": Entry(403, 403, 200, 200, kwargs=_case),
    "emergencies:case-event-add": Entry(
        403, 403, 302, 302, method="post", kwargs=_note, data={"note-text": "Sentita"}
    ),
    "emergencies:case-transition": Entry(
        403, 403, 302, 302, method="post", kwargs=_case, data={"to_status": "triaged"}
    ),
    # Without a valid category of the association the form answers 422: the role
    # check comes first either way.
    "emergencies:case-triage": Entry(
        403, 403, 422, 422, method="post", kwargs=_case, data={"urgency": "high"}
    ),
    "emergencies:case-assign": Entry(403, 403, 302, 302, method="post", kwargs=_case),
    "emergencies:case-follow-up-add": Entry(
        403, 403, 422, 422, method="post", kwargs=_case, data={"title": "x"}
    ),
    "emergencies:follow-up-done": Entry(403, 403, 302, 302, method="post", kwargs=_follow_up),
    "emergencies:case-access-log": Entry(403, 403, 403, 200, kwargs=_case),
    "emergencies:access-log": Entry(403, 403, 403, 200),
    "emergencies:user-access-log": Entry(403, 403, 403, 200, kwargs=_staff_user),
    "emergencies:case-figures": Entry(403, 403, 403, 200),
    "emergencies:my-cases": Entry(200, 403, 403, 403),
}
