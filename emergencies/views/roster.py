"""The on-duty roster (who is alerted about critical cases, shift by shift) and the
coordinators' settings of case management."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import STAFF_ROLES, Role

from .. import selectors, services
from ..forms.roster import CaseSettingsForm, ShiftForm
from ..models import DutyShift
from . import is_coordinator

#: The roster shows this week and the next.
ROSTER_DAYS = 14


def _shift_form(request, data=None) -> ShiftForm:
    return ShiftForm(
        data,
        operators=selectors.operators_of(association=request.association),
        user=request.user,
        is_coordinator=is_coordinator(request),
    )


def _roster_page(request, *, form: ShiftForm | None = None, status: int = 200):
    now = timezone.now()
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    since = timezone.make_aware(datetime.combine(monday, time.min))
    until = timezone.make_aware(datetime.combine(monday + timedelta(days=ROSTER_DAYS), time.min))
    shifts = list(selectors.roster(association=request.association, since=since, until=until))
    on_duty = [shift for shift in shifts if shift.starts_at <= now < shift.ends_at]
    days = [
        (day, list(day_shifts))
        for day, day_shifts in groupby(shifts, key=lambda s: timezone.localdate(s.starts_at))
    ]
    return render(
        request,
        "emergencies/roster.html",
        {
            "now": now,
            "on_duty": on_duty,
            "days": days,
            "is_coordinator": is_coordinator(request),
            "form": form or _shift_form(request),
        },
        status=status,
    )


@role_required(*STAFF_ROLES)
def roster_view(request):
    return _roster_page(request)


@require_POST
@role_required(*STAFF_ROLES)
def shift_add_view(request):
    form = _shift_form(request, request.POST)
    if form.is_valid():
        try:
            services.shift_add(
                association=request.association, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Shift added to the roster."))
            return redirect("emergencies:roster")
    return _roster_page(request, form=form, status=422)


@require_POST
@role_required(*STAFF_ROLES)
def shift_remove_view(request, pk: int):
    shift = get_object_or_404(DutyShift.objects.for_association(request.association), pk=pk)
    services.shift_remove(shift=shift, by=request.user)  # only one's own, or a coordinator
    messages.success(request, _("Shift removed from the roster."))
    return redirect("emergencies:roster")


@role_required(Role.COORDINATOR)
def case_settings_view(request):
    current = services.case_settings_of(request.association)
    form = CaseSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_settings_save(
                    association=request.association, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("emergencies:case-settings")
        status = 422
    return render(request, "emergencies/case_settings.html", {"form": form}, status=status)


urlpatterns = [
    path("roster/", roster_view, name="roster"),
    path("roster/shifts/", shift_add_view, name="shift-add"),
    path("roster/shifts/<int:pk>/remove/", shift_remove_view, name="shift-remove"),
    path("settings/", case_settings_view, name="case-settings"),
]
