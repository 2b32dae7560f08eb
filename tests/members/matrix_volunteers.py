"""Access matrix entries of the solidarity network: my volunteering, the volunteers list,
the skills catalogue, the volunteer register and the insurance policies.

The /me/ pages belong to the signed-in person's own registry entry: the matrix's member
has one (``user_with_role`` registers members), the other roles do not, so they get 404.
The matrix's member has not joined the network: pausing, resuming or leaving sends them
back to the page with a message."""

from __future__ import annotations

from tests.factories import InsurancePolicyFactory, SkillFactory, VolunteerRegisterEntryFactory
from tests.matrix import Entry


def _skill(association):
    return {"pk": SkillFactory(association=association).pk}


def _entry(association):
    return {"pk": VolunteerRegisterEntryFactory(association=association).pk}


def _policy(association):
    return {"pk": InsurancePolicyFactory(association=association).pk}


COORDINATOR_ONLY = {"member": 403, "facilitator": 403, "operator": 403}

ENTRIES: dict[str, Entry] = {
    "members:me-volunteer": Entry(200, 404, 404, 404),
    "members:me-volunteer-slot-add": Entry(200, 404, 404, 404),
    "members:me-volunteer-pause": Entry(
        302, 404, 404, 404, method="post", data={"paused_until": "2099-01-01"}
    ),
    "members:me-volunteer-resume": Entry(302, 404, 404, 404, method="post"),
    "members:me-volunteer-leave": Entry(302, 404, 404, 404, method="post"),
    "members:volunteer-list": Entry(403, 403, 200, 200),
    "members:skill-list": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:skill-create": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:skill-seed": Entry(**COORDINATOR_ONLY, coordinator=302, method="post"),
    "members:skill-edit": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_skill),
    "members:skill-toggle": Entry(
        **COORDINATOR_ONLY, coordinator=302, method="post", kwargs=_skill, data={"active": "0"}
    ),
    # Operators read the register; coordinators write and export it.
    "members:register-list": Entry(403, 403, 200, 200),
    "members:register-print": Entry(403, 403, 200, 200),
    "members:register-export": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:register-create": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:register-correct": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_entry),
    "members:register-end": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_entry),
    "members:policy-list": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:policy-create": Entry(**COORDINATOR_ONLY, coordinator=200),
    "members:policy-edit": Entry(**COORDINATOR_ONLY, coordinator=200, kwargs=_policy),
}
