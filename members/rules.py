"""Object permissions for people and access, as ``rules`` predicates."""

import rules

from .models import STAFF_ROLES, Role
from .selectors import membership_in


def _has_role_for(user, obj, *roles) -> bool:
    association_id = getattr(obj, "association_id", None)
    membership = membership_in(user, association_id)
    return bool(membership and membership.has_role(*roles))


@rules.predicate
def is_association_staff(user, obj) -> bool:
    """Operator or coordinator of the association the object belongs to."""
    return _has_role_for(user, obj, *STAFF_ROLES)


@rules.predicate
def is_association_coordinator(user, obj) -> bool:
    return _has_role_for(user, obj, Role.COORDINATOR)


@rules.predicate
def is_own_profile(user, member) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


rules.add_perm("members.view_member", is_association_staff | is_own_profile)
rules.add_perm("members.view_member_notes", is_association_staff)
rules.add_perm("members.change_member", is_association_staff)
rules.add_perm("members.manage_invitation", is_association_staff)
