"""Object permissions of the resource map, as ``rules`` predicates.

The map is shared by the whole partnership: everyone with a place in one of its
associations sees every resource; anyone else, the public ones.
Each resource is kept true by the association that maintains it, so only that
association's operators and coordinators change or verify it; everyone else with a
place in an association suggests changes for them to review.
"""

import rules

from members.models import STAFF_ROLES, Role
from members.selectors import has_role_in, memberships_of


@rules.predicate
def is_maintainer(user, obj) -> bool:
    """Operator or coordinator of the association that maintains the resource."""
    return obj is not None and has_role_in(user, obj.maintained_by_id, *STAFF_ROLES)


@rules.predicate
def belongs_to_an_association(user) -> bool:
    return bool(memberships_of(user))


@rules.predicate
def is_staff_of_owner(user, obj) -> bool:
    """Operator or coordinator of the association a suggestion or partnership is for."""
    return obj is not None and has_role_in(user, obj.association_id, *STAFF_ROLES)


@rules.predicate
def is_coordinator_of_owner(user, obj) -> bool:
    return obj is not None and has_role_in(user, obj.association_id, Role.COORDINATOR)


@rules.predicate
def is_suggester(user, suggestion) -> bool:
    return suggestion is not None and suggestion.suggested_by_id == user.pk


@rules.predicate
def is_public_resource(user, service) -> bool:
    return service is not None and service.is_public


rules.add_perm(
    "resources.view_service",
    is_public_resource | (rules.is_authenticated & belongs_to_an_association),
)
rules.add_perm("resources.change_service", is_maintainer)
rules.add_perm("resources.verify_service", is_maintainer)
rules.add_perm("resources.change_organization", is_maintainer)
rules.add_perm("resources.change_location", is_maintainer)

rules.add_perm("resources.add_suggestion", rules.is_authenticated & belongs_to_an_association)
rules.add_perm("resources.view_suggestion", is_staff_of_owner | is_suggester)
rules.add_perm("resources.review_suggestion", is_staff_of_owner)

rules.add_perm("resources.view_partnership", is_staff_of_owner)
rules.add_perm("resources.change_partnership", is_coordinator_of_owner)
