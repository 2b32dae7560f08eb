from django import template

from members.models import Role
from members.panels import home_links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context):
    """The menu of the person's roles in the active association (each module once)."""
    membership = context.get("active_membership")
    if membership is None:
        return []
    links, seen = [], set()
    for role in (Role.COORDINATOR, Role.OPERATOR, Role.FACILITATOR, Role.MEMBER):
        if not membership.has_role(role):
            continue
        for link in home_links_for(role):
            if link.in_menu and link.url_name not in seen:
                seen.add(link.url_name)
                links.append(link)
    return links
