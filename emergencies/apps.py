from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "emergencies"
    verbose_name = _("Emergencies")

    def ready(self) -> None:
        from . import kinds, rules  # noqa: F401 - registers notification kinds and perms
        from .registrations import register_all

        register_all()
