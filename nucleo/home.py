"""The role home page: one section per role the person holds in the active association,
listing the modules registered for that role (``members.panels``)."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from members.models import Role
from members.panels import HomeLink, home_links_for, home_widgets_for

ROLE_INTROS = {
    Role.COORDINATOR: _("Read how the unit works, manage people, roles and access."),
    Role.OPERATOR: _("Follow the people in your registry and invite new ones."),
    Role.FACILITATOR: _("Workshops, sessions and support groups you lead."),
    Role.MEMBER: _("Your own space in the association."),
}


@dataclass
class HomeSection:
    role: Role
    intro: str | Promise
    links: list[HomeLink] = field(default_factory=list)
    widgets: list[SafeString] = field(default_factory=list)


def home_sections(request) -> list[HomeSection]:
    membership = request.membership
    if membership is None:
        return []
    # Highest responsibility first: that is what the person came to do.
    order = [Role.COORDINATOR, Role.OPERATOR, Role.FACILITATOR, Role.MEMBER]
    return [
        HomeSection(
            role=role,
            intro=ROLE_INTROS[role],
            links=home_links_for(role),
            widgets=home_widgets_for(request, role),
        )
        for role in order
        if membership.has_role(role)
    ]
