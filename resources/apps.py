from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Resource map")

    def ready(self) -> None:
        from . import kinds  # noqa: F401 - registers the notification kinds
