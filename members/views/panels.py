"""The members app's own blocks of a registry entry's staff page (see
``members.panels.MemberPanel``): roles and the empowerment path, consents."""

from .. import selectors, services
from ..models import Membership
from ..panels import MemberPanel, register_member_panel


def _roles_context(request, member) -> dict:
    membership = None
    if member.user_id:
        membership = Membership.objects.filter(
            user_id=member.user_id, association_id=member.association_id
        ).first()
    return {
        "roles": membership.roles if membership else [],
        "path": services.empowerment_path(member=member),
    }


def _consents_context(request, member) -> dict:
    return {
        "consents": selectors.consent_states(member=member),
        "can_record": request.user.has_perm("members.change_member", member),
    }


def register_member_panels() -> None:
    register_member_panel(
        MemberPanel(
            key="members.roles",
            template="members/_member_roles.html",
            order=10,
            context=_roles_context,
        )
    )
    register_member_panel(
        MemberPanel(
            key="members.consents",
            template="members/_member_consents.html",
            order=20,
            context=_consents_context,
        )
    )
    register_member_panel(
        MemberPanel(key="members.volunteer", template="members/_member_volunteer.html", order=30)
    )
    register_member_panel(
        MemberPanel(key="members.privacy", template="members/_member_privacy.html", order=90)
    )
