"""Registries that pages gathering from several apps read.

Higher apps register their entries in ``AppConfig.ready()``; ``members`` imports none of
them. The role home page is built from ``HOME_LINKS``: a module appears on a person's
home only once its pages work. The staff page of a registry entry is built from
``MEMBER_PANELS`` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from .models import Member, Role


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


@dataclass(frozen=True)
class HomeWidget:
    """A block of a role's section on the home page (the operator's overdue follow-ups,
    a member's next session…): ``template`` rendered with ``context(request)``; a widget
    whose context is ``None`` is not shown."""

    key: str
    role: Role
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 100


HOME_WIDGETS: dict[str, HomeWidget] = {}


def register_home_widget(widget: HomeWidget) -> None:
    HOME_WIDGETS[widget.key] = widget


def home_widgets_for(request: HttpRequest, role: Role) -> list[SafeString]:
    shown = []
    for widget in sorted(HOME_WIDGETS.values(), key=lambda widget: widget.order):
        if widget.role != role:
            continue
        context = widget.context(request)
        if context is None:
            continue
        shown.append(render_to_string(widget.template, context, request=request))
    return shown


@dataclass(frozen=True)
class MemberPanel:
    """A block of the staff page of a registry entry (roles, consents, volunteering, the
    plan's state, enrolments, cases…). ``template`` is included with the page's context
    plus what ``context(request, member)`` returns; ``visible(request, member)`` hides it
    from who may not see it. Apps register theirs in ``AppConfig.ready()``."""

    key: str
    template: str
    order: int = 100
    context: Callable[[HttpRequest, Member], dict] | None = None
    visible: Callable[[HttpRequest, Member], bool] | None = None


MEMBER_PANELS: dict[str, MemberPanel] = {}


def register_member_panel(panel: MemberPanel) -> None:
    MEMBER_PANELS[panel.key] = panel


def member_panels_for(request: HttpRequest, member: Member) -> list[SafeString]:
    """The panels this person may see on ``member``'s page, in order, rendered."""
    shown = []
    for panel in sorted(MEMBER_PANELS.values(), key=lambda panel: panel.order):
        if panel.visible is not None and not panel.visible(request, member):
            continue
        context = {"member": member, "user": request.user}
        if panel.context:
            context.update(panel.context(request, member))
        # A rendered template is already a SafeString, escaped where it had to be.
        shown.append(render_to_string(panel.template, context, request=request))
    return shown
