from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from . import kinds, registrations  # noqa: F401 - notification kinds register themselves

        registrations.register_all()
