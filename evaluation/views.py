"""Pages of evaluation: the one-tap feedback page (its link is the key, no sign-in),
the member's WHO-5 check-in and their own trend, and the coordinators' dashboard with
its CSV export."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.models import Role
from members.selectors import member_of_user
from members.tabular import spreadsheet_cell

from . import selectors, services
from .forms import CheckInForm, FeedbackForm
from .models import EvaluationSettings, FeedbackRequest, WellbeingCheckIn


@login_not_required
def feedback_answer_view(request, token: str):
    feedback = get_object_or_404(FeedbackRequest, token=token)
    if feedback.answered_at is not None:
        return render(request, "evaluation/feedback_done.html", {"already": True})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(token=token, **form.cleaned_data)
        except services.AlreadyAnswered:
            return render(request, "evaluation/feedback_done.html", {"already": True})
        except PermissionDenied:
            raise Http404 from None
        return render(request, "evaluation/feedback_done.html", {"already": False})
    return render(request, "evaluation/feedback_form.html", {"form": form, "feedback": feedback})


def checkin_view(request):
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_record(member=member, by=request.user, items=form.items)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("evaluation:checkin-result", pk=checkin.pk)
    return render(
        request,
        "evaluation/checkin.html",
        {"form": form, "trend": selectors.checkin_trend(member=member)},
    )


def _own_checkin(request, pk: int) -> WellbeingCheckIn:
    return get_object_or_404(
        WellbeingCheckIn.objects.select_related("member"), pk=pk, member__user=request.user
    )


def checkin_result_view(request, pk: int):
    checkin = _own_checkin(request, pk)
    trend = selectors.checkin_trend(member=checkin.member)
    return render(request, "evaluation/checkin_result.html", {"checkin": checkin, "trend": trend})


@require_POST
def checkin_contact_view(request, pk: int):
    """A low score offers a call; the person chooses it (never automatic)."""
    checkin = _own_checkin(request, pk)
    services.checkin_contact_request(checkin=checkin, by=request.user)
    messages.success(request, _("An operator will call you soon. Thank you for telling us."))
    return redirect("evaluation:checkin-result", pk=checkin.pk)


#: The longest period a dashboard shows (a row per month in its tables).
LONGEST = timedelta(days=5 * 366)


def date_param(request, name: str):
    """The date in the query string ``name``, or None (with a message when it is no date)."""
    try:
        return parse_date(request.GET.get(name) or "")
    except ValueError:  # well formed, but no such day (30 February)
        messages.warning(request, _("That is not a date: the default period is shown."))
        return None


def _period(request):
    """The period asked for (the past year when not said), at most five years, never
    past today."""
    default_start, today = selectors.default_period()
    start = date_param(request, "start") or default_start
    end = date_param(request, "end") or today
    if end < start:
        start, end = end, start
    end = min(end, today)
    return min(max(start, end - LONGEST), end), end


def _shares(association) -> bool:
    settings = EvaluationSettings.objects.filter(association=association).first()
    return bool(settings and settings.share_with_partnership)


def _associations(request) -> tuple[str, list]:
    """The association's own figures, or the partnership's aggregate of the associations
    that agreed to it (an association that did not agree sees only its own)."""
    if request.GET.get("scope") == "partnership" and _shares(request.association):
        return "partnership", selectors.sharing_associations()
    return "mine", [request.association]


def _dashboard_data(request) -> dict:
    start, end = _period(request)
    scope, associations = _associations(request)
    data = selectors.dashboard_data(associations=associations, start=start, end=end)
    return {**data, "start": start, "end": end, "scope": scope, "associations": associations}


@role_required(Role.COORDINATOR)
def dashboard_view(request):
    data = _dashboard_data(request)
    data["chart_data"] = {
        chart.key: {
            "type": chart.kind,
            "labels": chart.labels,
            "series": [{"label": series.label, "data": series.data} for series in chart.series],
        }
        for chart in data["charts"]
    }
    data["query"] = request.GET.urlencode()
    data["shares"] = _shares(request.association)
    return render(request, "evaluation/dashboard.html", data)


@require_POST
@role_required(Role.COORDINATOR)
def sharing_view(request):
    services.sharing_set(
        association=request.association,
        by=request.user,
        share=request.POST.get("share") == "1",
    )
    messages.success(request, _("Saved."))
    return redirect("evaluation:dashboard")


def _tables(data) -> list[tuple[str, list[str], list[list]]]:
    """The dashboard's tables, as the exports write them: title, header, rows."""
    return [
        (
            str(_("Figures")),
            [str(_("Figure")), str(_("Value"))],
            [[str(f.label), f.value] for f in [*data["figures"], *data["network"]]],
        ),
        *(
            (chart.title, [str(_("Month")), *(series.label for series in chart.series)], chart.rows)
            for chart in data["charts"]
        ),
        (
            str(_("Cases by category")),
            [
                str(_("Category")),
                str(_("Cases opened")),
                str(_("Hours to first contact")),
                str(_("Days to close")),
            ],
            [
                [r["category"], r["cases"], r["hours_to_contact"], r["days_to_close"]]
                for r in data["categories"]
            ],
        ),
    ]


@role_required(Role.COORDINATOR)
def dashboard_csv_view(request):
    """The dashboard's tables as CSV: the same numbers as the page (small cells hidden
    the same way), every cell escaped against formula injection."""
    data = _dashboard_data(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="nucleo-{data["start"]}-{data["end"]}.csv"'
    )
    writer = csv.writer(response)
    for title, header, rows in _tables(data):
        writer.writerow([spreadsheet_cell(title)])
        writer.writerow([spreadsheet_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([spreadsheet_cell(cell) for cell in row])
        writer.writerow([])
    return response


def _workbook_response(tables, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(cell) for cell in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


@role_required(Role.COORDINATOR)
def dashboard_xlsx_view(request):
    """The dashboard's tables as a workbook: the same values as the page; text cells
    that a spreadsheet would read as formulas are neutralised."""
    data = _dashboard_data(request)
    return _workbook_response(_tables(data), f"nucleo-{data['start']}-{data['end']}.xlsx")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), timezone.localdate().year)


@role_required(Role.COORDINATOR)
def annual_report_view(request):
    """The figures of the relazione di missione / bilancio sociale, to print."""
    year = _year(request)
    figures = selectors.annual_report(associations=[request.association], year=year)
    return render(
        request,
        "evaluation/annual_report.html",
        {"figures": figures, "year": year, "association": request.association},
    )


@role_required(Role.COORDINATOR)
def annual_report_xlsx_view(request):
    year = _year(request)
    figures = selectors.annual_report(associations=[request.association], year=year)
    table = (
        str(year),
        [str(_("Figure")), str(_("Value"))],
        [[str(f.label), f.value] for f in figures],
    )
    return _workbook_response([table], f"relazione-{year}.xlsx")


def _cell(value):
    """Numbers stay numbers; text is neutralised against formula injection."""
    if value is None or isinstance(value, int | float):
        return value
    return spreadsheet_cell(value)


urlpatterns = [
    path("feedback/<str:token>/", feedback_answer_view, name="feedback-answer"),
    path("wellbeing/", checkin_view, name="checkin"),
    path("wellbeing/<int:pk>/", checkin_result_view, name="checkin-result"),
    path("wellbeing/<int:pk>/call-me/", checkin_contact_view, name="checkin-contact"),
    path("dashboard/", dashboard_view, name="dashboard"),
    path("dashboard.csv", dashboard_csv_view, name="dashboard-csv"),
    path("dashboard.xlsx", dashboard_xlsx_view, name="dashboard-xlsx"),
    path("dashboard/sharing/", sharing_view, name="sharing"),
    path("annual-report/", annual_report_view, name="annual-report"),
    path("annual-report.xlsx", annual_report_xlsx_view, name="annual-report-xlsx"),
]
