"""Object permissions of cases, as ``rules`` predicates.

A case belongs to its association: its operators and coordinators see it. Confidential
notes are for the case's team (assigned operator and co-workers) and the coordinators.
A partner association sees the referral it received, never the case."""

import rules

from members.models import STAFF_ROLES, Role
from members.selectors import has_role_in


@rules.predicate
def is_staff_of_case(user, case) -> bool:
    return case is not None and has_role_in(user, case.association_id, *STAFF_ROLES)


@rules.predicate
def is_coordinator_of_case(user, case) -> bool:
    return case is not None and has_role_in(user, case.association_id, Role.COORDINATOR)


@rules.predicate
def is_on_case_team(user, case) -> bool:
    return case is not None and user.pk in case.team_ids


@rules.predicate
def is_case_person(user, case) -> bool:
    return case is not None and case.member.user_id == user.pk


@rules.predicate
def is_staff_of_partner(user, referral) -> bool:
    return (
        referral is not None
        and referral.partner_id is not None
        and has_role_in(user, referral.partner_id, *STAFF_ROLES)
    )


rules.add_perm("emergencies.view_case", is_staff_of_case)
rules.add_perm("emergencies.change_case", is_staff_of_case)
rules.add_perm(
    "emergencies.view_confidential", is_staff_of_case & (is_coordinator_of_case | is_on_case_team)
)
rules.add_perm("emergencies.view_access_log", is_coordinator_of_case)
rules.add_perm("emergencies.view_own_case", is_case_person)
rules.add_perm("emergencies.answer_referral", is_staff_of_partner)
