"""What the training module adds to the pages and registries of ``members``."""

from __future__ import annotations


def register_all() -> None:
    from . import registrations_campaigns, registrations_courses

    registrations_courses.register()
    registrations_campaigns.register()
