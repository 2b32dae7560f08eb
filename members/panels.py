"""Registries that pages gathering from several apps read.

Higher apps register their entries in ``AppConfig.ready()``; ``members`` imports none of
them. The role home page is built from ``HOME_LINKS``: a module appears on a person's
home only once its pages work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from .models import Role


@dataclass(frozen=True)
class HomeLink:
    role: Role
    url_name: str
    label: str | Promise
    description: str | Promise
    order: int = 100
    # The navbar holds the few modules people use every day; the home page lists all.
    in_menu: bool = True


HOME_LINKS: list[HomeLink] = []


def register_home_link(link: HomeLink) -> None:
    if link not in HOME_LINKS:
        HOME_LINKS.append(link)


def home_links_for(role: Role) -> list[HomeLink]:
    return sorted((link for link in HOME_LINKS if link.role == role), key=lambda link: link.order)
