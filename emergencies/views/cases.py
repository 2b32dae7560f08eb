"""Case pages: intake, lists, the case file with its timeline, workflow, assignment and
follow-ups, the access log, the figures, and a person's own requests."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.models import STAFF_ROLES, Role, User
from members.selectors import member_list
from members.services import PossibleDuplicate
from members.tabular import spreadsheet_cell

from .. import selectors, services
from ..filters import CaseFilter
from ..forms import AssignForm, EventForm, FollowUpForm, IntakeForm, TransitionForm, TriageForm
from ..forms.attachments import AttachmentForm
from ..models import Case, FollowUp, Urgency
from ..selectors import plans as plan_selectors
from . import is_coordinator

PAGE_SIZE = 25
SCOPES = {
    "mine": _("My cases"),
    "team": _("Team cases"),
    "overdue": _("Overdue"),
    "unassigned": _("Unassigned"),
}
EVENT_KINDS = {kind.value: kind for kind in services.cases.WRITABLE_EVENT_KINDS}


def case_get_for_user(*, request, pk: int) -> Case:
    """The one way views reach a case file: another association's case is a 404, a
    person without a staff role a 403."""
    if request.membership is None or not request.membership.has_role(*STAFF_ROLES):
        raise PermissionDenied
    case = get_object_or_404(selectors.case_detail(association=request.association, pk=pk))
    if not request.user.has_perm("emergencies.view_case", case):
        raise PermissionDenied
    return case


# --- Lists -------------------------------------------------------------------------


def _case_filter(request, queryset):
    return CaseFilter(
        request.GET or None,
        queryset=queryset,
        categories=selectors.categories_of(association=request.association),
        staff=selectors.staff_of(association=request.association),
    )


@role_required(*STAFF_ROLES)
def case_list_view(request):
    scope = request.GET.get("scope", "mine")
    if scope not in SCOPES:
        scope = "mine"
    cases = selectors.case_scoped(
        selectors.case_list(association=request.association), scope=scope, user=request.user
    )
    case_filter = _case_filter(request, cases)
    page = Paginator(case_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "emergencies/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "scope": scope,
            "scopes": SCOPES,
            "querystring": params.urlencode(),
            "filtered": any(request.GET.get(name) for name in case_filter.filters),
        },
    )


CSV_COLUMNS = (
    "number",
    "opened_at",
    "category",
    "urgency",
    "status",
    "outcome",
    "channel",
    "zone",
    "assigned_to",
    "first_contact_at",
    "closed_at",
)


@role_required(Role.COORDINATOR)
def case_export_view(request):
    """The filtered list as CSV for coordinators: no names, no descriptions (the file
    leaves the system; the case number finds the person for who may see them)."""
    case_filter = _case_filter(request, selectors.case_list(association=request.association))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    labels = {
        "number": _("Case"),
        "zone": _("Zone"),
    }
    writer.writerow(
        [
            labels.get(name) or capfirst(Case._meta.get_field(name).verbose_name)
            for name in CSV_COLUMNS
        ]
    )
    for case in case_filter.qs.iterator(chunk_size=2000):
        values = {
            "number": case.number,
            "opened_at": timezone.localtime(case.opened_at).strftime("%Y-%m-%d %H:%M"),
            "category": str(case.category),
            "urgency": case.get_urgency_display(),
            "status": case.get_status_display(),
            "outcome": case.get_outcome_display(),
            "channel": case.get_channel_display(),
            "zone": case.member.zone,
            "assigned_to": case.assigned_to.get_full_name() if case.assigned_to else "",
            "first_contact_at": _stamp(case.first_contact_at),
            "closed_at": _stamp(case.closed_at),
        }
        writer.writerow([spreadsheet_cell(values[name]) for name in CSV_COLUMNS])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="casi-{request.association.slug}-{stamp}.csv"'
    )
    return response


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- Intake ------------------------------------------------------------------------


def _people_found(request, query: str):
    if len(query.strip()) < 2:
        return []
    return list(
        member_list(association=request.association)
        .filter(anonymised_at__isnull=True)
        .search(query)[:8]
    )


@role_required(*STAFF_ROLES)
def case_intake_view(request):
    """Pick or quick-create the person and open the case, on one page. The person search
    works with htmx as you type, and without it through the search button."""
    services.categories_seed_defaults(association=request.association)
    members = member_list(association=request.association).filter(anonymised_at__isnull=True)
    categories = selectors.categories_of(association=request.association)
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    chosen = None
    preset = request.GET.get("member")
    initial = {}
    if preset and preset.isdigit():
        chosen = members.filter(pk=preset).first()
        if chosen:
            initial["member"] = chosen.pk
    searching = request.method == "POST" and "search" in request.POST
    form = IntakeForm(
        request.POST if request.method == "POST" and not searching else None,
        initial=initial,
        members=members,
        categories=categories,
    )
    if request.method == "POST" and not searching and form.is_valid():
        try:
            case = services.case_intake(
                association=request.association,
                by=request.user,
                member=form.cleaned_data["member"],
                new_person=form.new_person(),
                confirmed_different=form.cleaned_data["different_person"],
                assign_to_me=form.cleaned_data["assign_to_me"],
                **form.case_fields(),
            )
        except PossibleDuplicate as duplicate:
            form.offer_duplicates(duplicate.candidates)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if case.urgency == Urgency.CRITICAL:
                messages.warning(
                    request,
                    _("Case %(number)s opened: the on-duty operators are alerted.")
                    % {"number": case.number},
                )
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("emergencies:case-detail", pk=case.pk)
    if searching:
        # Keep what was typed in the rest of the form while searching for the person.
        form = IntakeForm(
            initial={k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)},
            members=members,
            categories=categories,
        )
    found = form.duplicates or _people_found(request, query)
    if chosen and chosen not in found:
        found = [chosen, *found]
    return render(
        request,
        "emergencies/case_intake.html",
        {
            "form": form,
            "found": found,
            "query": query,
            "chosen_pk": str(form["member"].value() or ""),
        },
    )


@role_required(*STAFF_ROLES)
def case_person_search_view(request):
    """The intake's person search, as an htmx fragment."""
    query = request.GET.get("q", "")
    return render(
        request,
        "emergencies/_intake_people.html",
        {"found": _people_found(request, query), "query": query, "chosen_pk": ""},
    )


# --- The case file -----------------------------------------------------------------


def case_detail_view(request, pk: int):
    """Staff see the case file (each open is logged); a person sees their own request in
    plain words; anyone else is refused."""
    membership = request.membership
    if membership is not None and membership.has_role(*STAFF_ROLES):
        return _staff_case_detail(request, pk)
    if membership is not None and membership.is_member:
        return _own_case_detail(request, pk)
    raise PermissionDenied


def _timeline_context(request, case: Case) -> dict:
    return {
        "case": case,
        "events": selectors.case_timeline(
            case=case, user=request.user, is_coordinator=is_coordinator(request)
        ),
        "can_see_confidential": request.user.has_perm("emergencies.view_confidential", case),
    }


def _staff_case_detail(request, pk: int, *, forms: dict | None = None, status: int = 200):
    case = case_get_for_user(request=request, pk=pk)
    services.case_access_record(case=case, user=request.user)
    staff = selectors.staff_of(association=request.association)
    categories = selectors.categories_of(association=request.association)
    forms = forms or {}
    context = {
        **_timeline_context(request, case),
        "member": case.member,
        "follow_ups": selectors.case_follow_ups(case=case),
        "plan_activation": plan_selectors.activation_of_case(case),
        "referrals": selectors.case_referrals(case=case),
        "attachments": case.attachments.select_related("uploaded_by"),
        "attachment_form": forms.get("attachment") or AttachmentForm(),
        "event_forms": {
            kind: forms.get(kind) or EventForm(kind=kind, prefix=kind) for kind in EVENT_KINDS
        },
        "transition_form": forms.get("transition") or TransitionForm(case=case),
        "triage_form": forms.get("triage")
        or TriageForm(
            initial={"urgency": case.urgency, "category": case.category_id}, categories=categories
        ),
        "assign_form": forms.get("assign")
        or AssignForm(
            initial={"assigned_to": case.assigned_to_id, "coworkers": list(case.coworkers.all())},
            staff=staff,
        ),
        "follow_up_form": forms.get("follow_up")
        or FollowUpForm(initial={"assigned_to": request.user.pk}, staff=staff),
        "can_read_log": request.user.has_perm("emergencies.view_access_log", case),
        "now": timezone.now(),
    }
    return render(request, "emergencies/case_detail.html", context, status=status)


def _own_case_detail(request, pk: int):
    case = (
        selectors.own_cases(user=request.user, association=request.association)
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404(_("No such request of yours."))
    return render(request, "emergencies/my_case_detail.html", {"case": case})


@role_required(*STAFF_ROLES)
def case_timeline_view(request, pk: int):
    """The timeline fragment (htmx refresh); confidential notes only for who may."""
    case = case_get_for_user(request=request, pk=pk)
    return render(request, "emergencies/_timeline.html", _timeline_context(request, case))


@require_POST
@role_required(*STAFF_ROLES)
def case_event_add_view(request, pk: int, kind: str):
    if kind not in EVENT_KINDS:
        raise Http404
    case = case_get_for_user(request=request, pk=pk)
    form = EventForm(request.POST, kind=kind, prefix=kind)
    if form.is_valid():
        services.case_event_add(case=case, by=request.user, kind=kind, **form.cleaned_data)
        if request.htmx:
            context = _timeline_context(request, case)
            context["event_form"] = EventForm(kind=kind, prefix=kind)
            context["kind"] = kind
            return render(request, "emergencies/_event_added.html", context)
        messages.success(request, _("Added to the timeline."))
        return redirect("emergencies:case-detail", pk=case.pk)
    if request.htmx:
        return render(
            request,
            "emergencies/_event_form.html",
            {"case": case, "event_form": form, "kind": kind},
            status=422,
        )
    return _staff_case_detail(request, pk, forms={kind: form}, status=422)


@require_POST
@role_required(*STAFF_ROLES)
def case_transition_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    form = TransitionForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                to_status=form.cleaned_data["to_status"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.InvalidTransition as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Status updated."))
    else:
        # The only way to fail here is a status the workflow does not offer from here.
        messages.error(
            request,
            _("A case that is “%(status)s” cannot go there.")
            % {"status": case.get_status_display()},
        )
    return redirect("emergencies:case-detail", pk=case.pk)


@require_POST
@role_required(*STAFF_ROLES)
def case_triage_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    form = TriageForm(
        request.POST, categories=selectors.categories_of(association=request.association)
    )
    if not form.is_valid():
        return _staff_case_detail(request, pk, forms={"triage": form}, status=422)
    services.case_triage(case=case, by=request.user, **form.cleaned_data)
    messages.success(request, _("Triage saved."))
    return redirect("emergencies:case-detail", pk=case.pk)


@require_POST
@role_required(*STAFF_ROLES)
def case_assign_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    form = AssignForm(request.POST, staff=selectors.staff_of(association=request.association))
    if not form.is_valid():
        return _staff_case_detail(request, pk, forms={"assign": form}, status=422)
    services.case_assign(case=case, by=request.user, **form.cleaned_data)
    messages.success(request, _("Assignment saved."))
    return redirect("emergencies:case-detail", pk=case.pk)


@require_POST
@role_required(*STAFF_ROLES)
def case_follow_up_add_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    form = FollowUpForm(request.POST, staff=selectors.staff_of(association=request.association))
    if form.is_valid():
        try:
            services.follow_up_create(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _staff_case_detail(request, pk, forms={"follow_up": form}, status=422)
    messages.success(request, _("Follow-up added: a reminder comes before it is due."))
    return redirect("emergencies:case-detail", pk=case.pk)


@require_POST
@role_required(*STAFF_ROLES)
def follow_up_done_view(request, pk: int):
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("case"), pk=pk, case__association=request.association
    )
    services.follow_up_done(follow_up=follow_up, by=request.user)
    messages.success(request, _("Follow-up done."))
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("emergencies:case-detail", pk=follow_up.case_id)


# --- Access log and figures ----------------------------------------------------------


@role_required(Role.COORDINATOR)
def case_access_log_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    accesses = selectors.access_log(association=request.association).filter(case=case)
    page = Paginator(accesses, 50).get_page(request.GET.get("page"))
    return render(request, "emergencies/access_log.html", {"case": case, "page": page})


@role_required(Role.COORDINATOR)
def user_access_log_view(request, user_id: int):
    """What one person of the association read. Only people of this association."""
    staff = selectors.staff_of(association=request.association)
    person = get_object_or_404(staff, pk=user_id)
    accesses = selectors.access_log(association=request.association).filter(user=person)
    page = Paginator(accesses, 50).get_page(request.GET.get("page"))
    return render(request, "emergencies/access_log.html", {"person": person, "page": page})


@role_required(Role.COORDINATOR)
def access_log_index_view(request):
    """Who read case files in the last 30 days, per person."""
    since = timezone.now() - timedelta(days=30)
    readers = (
        selectors.access_log(association=request.association)
        .filter(at__gte=since)
        .values("user_id")
        .annotate(reads=Count("pk"), cases=Count("case_id", distinct=True))
        .order_by("-reads")
    )
    people = {user.pk: user for user in User.objects.filter(pk__in=[r["user_id"] for r in readers])}
    rows = [{**row, "person": people.get(row["user_id"])} for row in readers]
    return render(request, "emergencies/access_log_index.html", {"rows": rows})


@role_required(Role.COORDINATOR)
def case_figures_view(request):
    return render(
        request,
        "emergencies/case_figures.html",
        {"rows": selectors.case_figures(association=request.association)},
    )


# --- A person's own requests -------------------------------------------------------


@role_required(Role.MEMBER)
def my_cases_view(request):
    cases = selectors.own_cases(user=request.user, association=request.association)
    return render(
        request,
        "emergencies/my_cases.html",
        {
            "open_cases": [c for c in cases if c.is_open],
            "closed_cases": [c for c in cases if not c.is_open][:10],
        },
    )


urlpatterns = [
    path("cases/", case_list_view, name="case-list"),
    path("cases/export.csv", case_export_view, name="case-export"),
    path("cases/new/", case_intake_view, name="case-intake"),
    path("cases/new/people/", case_person_search_view, name="case-person-search"),
    path("cases/<int:pk>/", case_detail_view, name="case-detail"),
    path("cases/<int:pk>/timeline/", case_timeline_view, name="case-timeline"),
    path("cases/<int:pk>/timeline/<slug:kind>/", case_event_add_view, name="case-event-add"),
    path("cases/<int:pk>/status/", case_transition_view, name="case-transition"),
    path("cases/<int:pk>/triage/", case_triage_view, name="case-triage"),
    path("cases/<int:pk>/assign/", case_assign_view, name="case-assign"),
    path("cases/<int:pk>/follow-ups/", case_follow_up_add_view, name="case-follow-up-add"),
    path("follow-ups/<int:pk>/done/", follow_up_done_view, name="follow-up-done"),
    path("cases/<int:pk>/access-log/", case_access_log_view, name="case-access-log"),
    path("access-log/", access_log_index_view, name="access-log"),
    path("access-log/<int:user_id>/", user_access_log_view, name="user-access-log"),
    path("figures/", case_figures_view, name="case-figures"),
    path("me/", my_cases_view, name="my-cases"),
]
