"""Access matrix entries of the on-duty roster and of the case settings.

Operators and coordinators see the roster; an operator removes only their own shifts
(the matrix's shift is someone else's), a coordinator anyone's. Adding a shift without
its times answers 422 with the form's errors. The settings are the coordinators'."""

from __future__ import annotations

from members.models import Role
from tests.factories import user_with_role
from tests.matrix import Entry

from .factories import DutyShiftFactory


def _someone_elses_shift(association):
    operator = user_with_role(association, Role.OPERATOR, mfa=False)
    return {"pk": DutyShiftFactory(association=association, operator=operator).pk}


STAFF_ONLY = {"member": 403, "facilitator": 403}

ENTRIES: dict[str, Entry] = {
    "emergencies:roster": Entry(**STAFF_ONLY, operator=200, coordinator=200),
    "emergencies:shift-add": Entry(**STAFF_ONLY, operator=422, coordinator=422, method="post"),
    "emergencies:shift-remove": Entry(
        **STAFF_ONLY, operator=403, coordinator=302, method="post", kwargs=_someone_elses_shift
    ),
    "emergencies:case-settings": Entry(403, 403, 403, 200),
}
