"""Data-protection rights pages: a person's own data (readable and as a file), asking to
be forgotten, the coordinators' decisions, and the retention list.

The ``me/`` pages always show the signed-in person's own entry in the active
association (404 without one); staff reach another person's only through
``member_get_for_user``.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from .. import privacy, selectors
from ..decorators import role_required
from ..forms.privacy import ErasureDecisionForm, ErasureRequestForm
from ..models import ErasureRequest, Member, Role
from ..services import privacy as services
from .core import PAGE_SIZE, member_get_for_user, own_member_or_404

# --- The export as a readable page ------------------------------------------------------

#: Labels of the export's keys on the readable page; other keys are shown as written.
LABELS = {
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "language": gettext_lazy("Language"),
    "languages": gettext_lazy("Languages spoken"),
    "phone": gettext_lazy("Phone"),
    "quiet_hours_start": gettext_lazy("Quiet hours from"),
    "quiet_hours_end": gettext_lazy("Quiet hours until"),
    "date_joined": gettext_lazy("Account created"),
    "last_login": gettext_lazy("Last sign-in"),
    "is_active": gettext_lazy("Active"),
    "email_addresses": gettext_lazy("Email addresses"),
    "verified": gettext_lazy("Verified"),
    "primary": gettext_lazy("Primary"),
    "second_factors": gettext_lazy("Second factors"),
    "channel_preferences": gettext_lazy("Channel choices"),
    "roles": gettext_lazy("Roles"),
    "history": gettext_lazy("History"),
    "history_date": gettext_lazy("When"),
    "history_type": pgettext_lazy("history of a record", "Change"),
    "changed_by": gettext_lazy("By"),
    "municipality": gettext_lazy("Municipality"),
    "zone": gettext_lazy("Zone"),
    "year_of_birth": gettext_lazy("Year of birth"),
    "household_size": gettext_lazy("Household size"),
    "operator_notes": gettext_lazy("Notes for operators"),
    "created_at": gettext_lazy("Created"),
    "updated_at": gettext_lazy("Last changed"),
    "purpose": gettext_lazy("Purpose"),
    "method": gettext_lazy("How"),
    "given_at": gettext_lazy("Given"),
    "withdrawn_at": gettext_lazy("Withdrawn"),
    "notice_version": gettext_lazy("Privacy notice version"),
    "stage": gettext_lazy("Stage"),
    "reached_at": gettext_lazy("Reached"),
    "zones": gettext_lazy("Zones"),
    "skills": gettext_lazy("Skills"),
    "slots": gettext_lazy("Availability"),
    "title": gettext_lazy("Title"),
    "read_at": gettext_lazy("Read"),
    "role": gettext_lazy("Role"),
    "expires_at": gettext_lazy("Expires"),
    "accepted_at": gettext_lazy("Accepted"),
    "revoked_at": gettext_lazy("Revoked"),
    "succeeded": gettext_lazy("Succeeded"),
    "ip_address": gettext_lazy("IP address"),
    "user_agent": gettext_lazy("Browser"),
    "requested_at": gettext_lazy("Requested"),
    "reason": gettext_lazy("Reason"),
    "status": gettext_lazy("Status"),
    "decided_at": gettext_lazy("Decided"),
    "decision_note": gettext_lazy("Decision note"),
    "completed_at": gettext_lazy("Carried out"),
}
VALUE_LABELS = {
    ("history_type", "+"): gettext_lazy("created"),
    ("history_type", "~"): gettext_lazy("changed"),
    ("history_type", "-"): gettext_lazy("deleted"),
    ("changed_by", "self"): gettext_lazy("you"),
    ("changed_by", "staff"): gettext_lazy("the association's staff"),
    ("changed_by", "system"): gettext_lazy("Nucleo"),
}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Node:
    """A value of the export as the readable page shows it (see privacy_node.html)."""

    kind: str  # fields, rows, datetime, text, empty
    value: Any = None
    items: list = field(default_factory=list)


def _label(key: str) -> str:
    return str(LABELS.get(key, key.replace("_", " ").capitalize()))


def _node(value: Any, key: str = "") -> Node:
    if value is None or value == "" or value == [] or value == {}:
        return Node("empty")
    if isinstance(value, dict):
        return Node("fields", items=[(_label(k), _node(v, k)) for k, v in value.items()])
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return Node("text", value=", ".join(str(item) for item in value))
        return Node("rows", items=[_node(item, key) for item in value])
    if isinstance(value, bool):
        return Node("text", value=_("yes") if value else _("no"))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return Node("datetime", value=datetime.datetime.fromisoformat(value))
        except ValueError:
            pass
    return Node("text", value=str(VALUE_LABELS.get((key, value), value)))


def _sections(export: dict) -> list[tuple[str, str, Node]]:
    titles = {section.code: section.title for section in privacy.EXPORT_SECTIONS}
    return [
        (code, str(titles.get(code, code)), _node(data))
        for code, data in export["sections"].items()
    ]


def _download(export: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _export_page(request, member: Member, *, own: bool, form=None):
    export = services.member_export(member=member)
    return render(
        request,
        "members/privacy_export.html",
        {
            "member": member,
            "own": own,
            "sections": _sections(export),
            "generated_at": timezone.now(),
            "open_request": services.erasure_request_open(member=member),
            "form": form,
        },
    )


def me_data_view(request):
    member = own_member_or_404(request)
    return _export_page(request, member, own=True)


def me_data_json_view(request):
    member = own_member_or_404(request)
    export = services.member_export(member=member)
    return _download(export, f"nucleo-my-data-{timezone.localdate():%Y-%m-%d}.json")


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_export_view(request, pk: int):
    member = member_get_for_user(user=request.user, association=request.association, pk=pk)
    if request.GET.get("format") == "json":
        export = services.member_export(member=member)
        return _download(
            export, f"nucleo-member-{member.pk}-data-{timezone.localdate():%Y-%m-%d}.json"
        )
    form = ErasureRequestForm(submit_label=_("File the request to be forgotten"))
    return _export_page(request, member, own=False, form=form)


# --- Asking to be forgotten --------------------------------------------------------------


def me_forget_view(request):
    member = own_member_or_404(request)
    open_request = services.erasure_request_open(member=member)
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and open_request is None and form.is_valid():
        try:
            services.erasure_request_create(
                member=member, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ErasureAlreadyOpen:
            messages.info(request, _("You already asked: your request is shown below."))
        else:
            messages.success(
                request,
                _("Your request is with the coordinators, who decide within 30 days."),
            )
        return redirect("members:me-forget")
    last_decided = (
        ErasureRequest.objects.filter(member=member, status=ErasureRequest.Status.REFUSED)
        .order_by("-decided_at")
        .first()
    )
    return render(
        request,
        "members/erasure_request.html",
        {
            "member": member,
            "form": form,
            "open_request": open_request,
            "refused": last_decided,
            "holds": [hold for hold in privacy.holds_for(member) if hold.is_active()],
            "retention_years": int(services.REGISTER_RETENTION_YEARS),
        },
    )


@require_POST
@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_forget_view(request, pk: int):
    """Staff file a request the person made on paper or by voice."""
    member = member_get_for_user(user=request.user, association=request.association, pk=pk)
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm the person's request."))
        return redirect("members:member-export", pk=member.pk)
    try:
        services.erasure_request_create(
            member=member, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.ErasureAlreadyOpen:
        messages.info(request, _("This person already has a request waiting."))
    except PermissionDenied:
        messages.error(request, _("This entry is already anonymised."))
    else:
        messages.success(request, _("Request filed: the coordinators decide within 30 days."))
    return redirect("members:member-export", pk=member.pk)


# --- Coordinators' decisions -------------------------------------------------------------


@role_required(Role.COORDINATOR)
def erasure_list_view(request):
    requests = selectors.erasure_request_list(association=request.association)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/erasure_list.html", {"page": page})


@role_required(Role.COORDINATOR)
def erasure_detail_view(request, pk: int):
    erasure = get_object_or_404(
        selectors.erasure_request_list(association=request.association), pk=pk
    )
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST":
        if erasure.status != ErasureRequest.Status.PENDING:
            messages.info(request, _("This request was already decided."))
            return redirect("members:erasure-detail", pk=erasure.pk)
        if form.is_valid():
            try:
                services.erasure_request_decide(
                    request=erasure,
                    by=request.user,
                    approve=form.approve,
                    note=form.cleaned_data["note"],
                )
            except services.ErasureNotPending:
                messages.info(request, _("This request was already decided."))
            else:
                messages.success(
                    request,
                    _("Approved: the entry is being anonymised.")
                    if form.approve
                    else _("Refused: the person has been told."),
                )
            return redirect("members:erasure-detail", pk=erasure.pk)
    member = erasure.member
    return render(
        request,
        "members/erasure_detail.html",
        {
            "erasure": erasure,
            "member": member,
            "holds": privacy.holds_for(member) if member is not None else [],
            "form": form,
        },
    )


# --- Retention ---------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def retention_list_view(request):
    members = selectors.retention_warned_list(association=request.association)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page.object_list:
        member.anonymise_from = member.retention_warned_at + settings.NUCLEO_RETENTION_WARNING
    return render(request, "members/retention_list.html", {"page": page})


@require_POST
@role_required(Role.COORDINATOR)
def retention_keep_view(request, pk: int):
    member = get_object_or_404(
        selectors.retention_warned_list(association=request.association), pk=pk
    )
    services.member_retention_keep(member=member, by=request.user)
    messages.success(request, _("Entry #%(entry)s is kept.") % {"entry": member.pk})
    return redirect("members:retention-list")


urlpatterns = [
    path("me/data/", me_data_view, name="me-data"),
    path("me/data/download/", me_data_json_view, name="me-data-json"),
    path("me/forget/", me_forget_view, name="me-forget"),
    path("<int:pk>/export/", member_export_view, name="member-export"),
    path("<int:pk>/forget/", member_forget_view, name="member-forget"),
    path("erasure-requests/", erasure_list_view, name="erasure-list"),
    path("erasure-requests/<int:pk>/", erasure_detail_view, name="erasure-detail"),
    path("retention/", retention_list_view, name="retention-list"),
    path("retention/<int:pk>/keep/", retention_keep_view, name="retention-keep"),
]
