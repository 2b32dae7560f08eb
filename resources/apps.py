from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Resource map")

    def ready(self) -> None:
        from members.models import Role
        from members.panels import HomeLink, register_home_link

        from . import kinds  # noqa: F401 - registers the notification kinds

        for role in Role:
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="resources:directory",
                    label=_("Resource map"),
                    description=_("Services near you: open now, languages, how to reach them."),
                    order=5,
                )
            )
        for role in (Role.MEMBER, Role.FACILITATOR):
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="resources:suggestion-create",
                    label=_("Suggest a resource"),
                    description=_("Tell us about a service that helps, or correct one."),
                    order=60,
                    in_menu=False,
                )
            )
        for role in (Role.OPERATOR, Role.COORDINATOR):
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="resources:suggestion-list",
                    label=_("Resource suggestions"),
                    description=_("Review new resources and corrections people proposed."),
                    order=40,
                    in_menu=False,
                )
            )
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="resources:import-list",
                    label=_("Import resources"),
                    description=_("From your spreadsheet or an HSDS data package."),
                    order=45,
                    in_menu=False,
                )
            )
            register_home_link(
                HomeLink(
                    role=role,
                    url_name="resources:partner-list",
                    label=_("Partners"),
                    description=_("Organizations your association works with."),
                    order=50,
                    in_menu=False,
                )
            )
