"""Home links of campaigns and the materials library: coordinators run campaigns,
facilitators and operators follow them; everyone of the association opens the library,
which coordinators and facilitators keep."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import Role
from members.panels import HomeLink, register_home_link

CAMPAIGNS_ORDER = 42
MATERIALS_ORDER = 43


def register() -> None:
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="training:campaign-list",
            label=_("Campaigns"),
            description=_(
                "Awareness and advocacy campaigns: their actions, whom they reached, "
                "the signatures collected."
            ),
            order=CAMPAIGNS_ORDER,
            in_menu=False,
        )
    )
    for role in (Role.FACILITATOR, Role.OPERATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:campaign-list",
                label=_("Campaigns"),
                description=_("What the association's campaigns do and whom they reach."),
                order=CAMPAIGNS_ORDER,
                in_menu=False,
            )
        )
    for role in (Role.COORDINATOR, Role.FACILITATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:material-list",
                label=_("Materials library"),
                description=_(
                    "Leaflets, handouts and guides in several languages: add them and "
                    "link them to courses, groups and campaigns."
                ),
                order=MATERIALS_ORDER,
                in_menu=False,
            )
        )
    for role in (Role.OPERATOR, Role.MEMBER):
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:material-list",
                label=_("Materials library"),
                description=_(
                    "Leaflets, handouts and guides to read or download, in your language."
                ),
                order=MATERIALS_ORDER,
                in_menu=False,
            )
        )
