"""The solidarity network's pages: a member's own volunteering, the volunteers list for
staff, and the coordinators' skills catalogue, volunteer register and insurance."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..decorators import role_required
from ..forms.volunteers import (
    SLOT_PREFIX,
    PauseForm,
    PersonSearchForm,
    PolicyForm,
    RegisterEndForm,
    RegisterEntryForm,
    SkillForm,
    VolunteerFilterForm,
    VolunteerForm,
    slot_formset,
)
from ..models import (
    InsurancePolicy,
    Member,
    Role,
    Skill,
    VolunteerProfile,
    VolunteerRegisterEntry,
)
from ..services import volunteers as services
from ..tabular import spreadsheet_cell
from .core import PAGE_SIZE, own_member_or_404


def _own_volunteer(member: Member) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(member=member).first()


# --- My volunteering ----------------------------------------------------------------------


def _me_page(request, *, member, volunteer, form=None, slots=None, pause_form=None):
    joined = volunteer is not None and volunteer.is_active
    editing = joined or request.GET.get("join") or request.method == "POST"
    if editing and form is None:
        form = VolunteerForm(
            association=member.association,
            volunteer=volunteer,
            initial={
                "skills": list(volunteer.skills.all()) if volunteer else [],
                "languages": list(member.languages.all()),
                "zones": volunteer.zones if volunteer else member.zone,
                "max_active_tasks": volunteer.max_active_tasks if volunteer else 2,
            },
        )
    if editing and slots is None:
        slots = slot_formset(volunteer=volunteer)
    if joined and pause_form is None:
        pause_form = PauseForm(initial={"paused_until": volunteer.paused_until})
    return render(
        request,
        "members/volunteer_me.html",
        {
            "member": member,
            "volunteer": volunteer,
            "joined": joined,
            "form": form,
            "slots": slots,
            "pause_form": pause_form,
            "paused": joined and volunteer.is_paused(),
            "has_skills": Skill.objects.for_association(member.association)
            .filter(is_active=True)
            .exists(),
        },
    )


def me_volunteer_view(request):
    member = own_member_or_404(request)
    volunteer = _own_volunteer(member)
    if request.method != "POST":
        return _me_page(request, member=member, volunteer=volunteer)
    form = VolunteerForm(request.POST, association=member.association, volunteer=volunteer)
    adding = "add_slot" in request.POST
    slots = slot_formset(request.POST, volunteer=volunteer, add_rows=1 if adding else 0)
    if adding:
        # Not a save: the same page with one row more and nothing typed lost. Errors
        # wait for the real save.
        for each in [form, *slots.forms]:
            each.helper.form_show_errors = False
        return _me_page(request, member=member, volunteer=volunteer, form=form, slots=slots)
    valid = [form.is_valid(), slots.is_valid()]
    if all(valid):
        was_active = volunteer is not None and volunteer.is_active
        try:
            services.volunteer_save(
                member=member,
                by=request.user,
                skills=form.cleaned_data["skills"],
                languages=form.cleaned_data["languages"],
                zones=form.cleaned_data["zones"],
                max_active_tasks=form.cleaned_data["max_active_tasks"],
                slots=slots.rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if was_active:
                messages.success(request, _("Your volunteering is saved."))
            else:
                messages.success(
                    request,
                    _(
                        "Welcome to the solidarity network! You will be asked when someone "
                        "needs what you offer, at the times you gave."
                    ),
                )
            return redirect("members:me-volunteer")
    return _me_page(request, member=member, volunteer=volunteer, form=form, slots=slots)


def me_volunteer_slot_row_view(request):
    """One more empty availability row (htmx), and the formset's new row count swapped
    out of band. Without JavaScript the "add another slot" button posts the form."""
    own_member_or_404(request)
    try:
        index = int(request.GET.get(f"{SLOT_PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, 20))
    formset = slot_formset(volunteer=None)
    form = formset._construct_form(index, empty_permitted=True, use_required_attribute=False)
    return render(
        request,
        "members/_volunteer_slot_add.html",
        {"form": form, "total": index + 1, "prefix": SLOT_PREFIX},
    )


def _active_volunteer_or_redirect(request, member):
    volunteer = _own_volunteer(member)
    if volunteer is None or not volunteer.is_active:
        messages.info(request, _("You are not in the solidarity network."))
        return None
    return volunteer


@require_POST
def me_volunteer_pause_view(request):
    member = own_member_or_404(request)
    volunteer = _active_volunteer_or_redirect(request, member)
    if volunteer is None:
        return redirect("members:me-volunteer")
    pause_form = PauseForm(request.POST)
    if pause_form.is_valid():
        try:
            services.volunteer_pause(
                volunteer=volunteer, by=request.user, until=pause_form.cleaned_data["paused_until"]
            )
        except ValidationError as error:
            pause_form.add_error("paused_until", error)
        else:
            messages.success(
                request,
                _("You are on a pause until %(date)s included: no requests will reach you.")
                % {
                    "date": date_format(
                        pause_form.cleaned_data["paused_until"], "SHORT_DATE_FORMAT"
                    )
                },
            )
            return redirect("members:me-volunteer")
    return _me_page(request, member=member, volunteer=volunteer, pause_form=pause_form)


@require_POST
def me_volunteer_resume_view(request):
    member = own_member_or_404(request)
    volunteer = _active_volunteer_or_redirect(request, member)
    if volunteer is not None:
        services.volunteer_resume(volunteer=volunteer, by=request.user)
        messages.success(request, _("Welcome back: requests can reach you again."))
    return redirect("members:me-volunteer")


@require_POST
def me_volunteer_leave_view(request):
    member = own_member_or_404(request)
    volunteer = _active_volunteer_or_redirect(request, member)
    if volunteer is not None:
        services.volunteer_opt_out(volunteer=volunteer, by=request.user)
        messages.success(
            request,
            _("You left the solidarity network. Thank you for your help: you can join again."),
        )
    return redirect("members:me-volunteer")


# --- Volunteers for staff -------------------------------------------------------------


@role_required(Role.OPERATOR, Role.COORDINATOR)
def volunteer_list_view(request):
    association = request.association
    filters = VolunteerFilterForm(request.GET or None, association=association)
    volunteers = services.volunteer_list(association=association, **filters.filters())
    page = Paginator(volunteers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "members/volunteer_list.html",
        {
            "filter_form": filters,
            "page": page,
            "today": timezone.localdate(),
            "filtered": bool(filters.is_bound and filters.has_changed()),
            "querystring": params.urlencode(),
            "is_coordinator": request.membership.has_role(Role.COORDINATOR),
        },
    )


# --- Skills catalogue ----------------------------------------------------------------


def _skill_or_404(request, pk: int) -> Skill:
    return get_object_or_404(Skill.objects.for_association(request.association), pk=pk)


@role_required(Role.COORDINATOR)
def skill_list_view(request):
    skills = (
        Skill.objects.for_association(request.association)
        .select_related("language")
        .order_by("-is_active", "kind", "name_it")
    )
    return render(request, "members/skill_list.html", {"skills": skills})


@role_required(Role.COORDINATOR)
def skill_create_view(request):
    form = SkillForm(
        request.POST or None, association=request.association, submit_label=_("Add the skill")
    )
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(
                association=request.association,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.SKILL_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(skill)s is in the catalogue.") % {"skill": skill})
            return redirect("members:skill-list")
    return render(request, "members/skill_form.html", {"form": form, "skill": None})


@role_required(Role.COORDINATOR)
def skill_edit_view(request, pk: int):
    skill = _skill_or_404(request, pk)
    form = SkillForm(
        request.POST or None,
        instance=Skill.objects.get(pk=skill.pk),  # the form works on a copy
        association=request.association,
        submit_label=_("Save changes"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_update(
                skill=skill,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.SKILL_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:skill-list")
    return render(request, "members/skill_form.html", {"form": form, "skill": skill})


@require_POST
@role_required(Role.COORDINATOR)
def skill_toggle_view(request, pk: int):
    skill = _skill_or_404(request, pk)
    active = request.POST.get("active") == "1"
    services.skill_set_active(skill=skill, by=request.user, active=active)
    if active:
        messages.success(request, _("%(skill)s is back in the catalogue.") % {"skill": skill})
    else:
        messages.success(
            request,
            _("%(skill)s is retired: volunteers keep it, nobody new can choose it.")
            % {"skill": skill},
        )
    return redirect("members:skill-list")


@require_POST
@role_required(Role.COORDINATOR)
def skill_seed_view(request):
    created = services.skills_seed_defaults(association=request.association)
    if created:
        messages.success(request, _("The default skills were added to the catalogue."))
    else:
        messages.info(request, _("The catalogue already has every default skill."))
    return redirect("members:skill-list")


# --- Volunteer register ------------------------------------------------------------------


def _entry_or_404(request, pk: int) -> VolunteerRegisterEntry:
    return get_object_or_404(
        VolunteerRegisterEntry.objects.for_association(request.association), pk=pk
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def register_list_view(request):
    entries = services.register_entry_list(association=request.association)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/register_list.html",
        {
            "page": page,
            "ended": services.register_ended_ids(association=request.association),
            "can_write": request.membership.has_role(Role.COORDINATOR),
        },
    )


#: The printable register's own rules: landscape pages numbered "n / total" at the
#: foot, the table head repeated on each page, rows never split across two pages.
PRINT_CSS = (
    "@page { size: A4 landscape; margin: 12mm 10mm 14mm; "
    '@bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } } '
    ".register-table { font-size: 0.8rem; } "
    "@media print { body { font-size: 10pt; } .register-print { padding: 0 !important; } "
    ".register-table thead { display: table-header-group; } "
    ".register-table tr { break-inside: avoid; page-break-inside: avoid; } "
    "a { color: inherit; text-decoration: none; } }"
)
_PRINT_CSS_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()


# The CSP allows this one inline style by its hash, on this page only.
@csp_update({"style-src": [f"'sha256-{_PRINT_CSS_HASH}'"]})
@role_required(Role.OPERATOR, Role.COORDINATOR)
def register_print_view(request):
    return render(
        request,
        "members/register_print.html",
        {
            "print_css": PRINT_CSS,
            "association": request.association,
            "entries": services.register_entry_list(association=request.association),
            "printed_at": timezone.localtime(),
        },
    )


#: The columns of the paper register, headed by the fields' names in the user's language.
CSV_COLUMNS = [
    "number",
    "kind",
    "amends",
    "last_name",
    "first_name",
    "fiscal_code",
    "birth_date",
    "birth_place",
    "residence",
    "start_date",
    "end_date",
    "recorded_at",
    "recorded_by",
]


@role_required(Role.COORDINATOR)
def register_export_view(request):
    """The register as CSV, in the columns of the paper register, UTF-8 with a BOM for
    Excel."""
    entries = services.register_entry_list(association=request.association)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    fields = VolunteerRegisterEntry._meta
    writer.writerow([capfirst(fields.get_field(name).verbose_name) for name in CSV_COLUMNS])
    for entry in entries:
        values = {
            "number": entry.number,
            "kind": entry.get_kind_display(),
            "amends": entry.amends.number if entry.amends_id else None,
            "recorded_by": entry.recorded_by,
        }
        writer.writerow(
            [
                spreadsheet_cell(values[name] if name in values else getattr(entry, name))
                for name in CSV_COLUMNS
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="registro-volontari-{request.association.slug}-{stamp}.csv"'
    )
    return response


@role_required(Role.COORDINATOR)
def register_create_view(request):
    member_pk = request.GET.get("member") or request.POST.get("member")
    if not member_pk:
        search = PersonSearchForm(request.GET or None)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        volunteers, found = services.register_person_choices(
            association=request.association, query=query
        )
        return render(
            request,
            "members/register_pick.html",
            {"search": search, "volunteers": volunteers, "found": found, "query": query},
        )
    try:
        member = get_object_or_404(
            Member.objects.for_association(request.association), pk=int(member_pk)
        )
    except ValueError:
        raise Http404 from None
    volunteer = VolunteerProfile.objects.filter(member=member).first()
    start = timezone.localtime(volunteer.opted_in_at).date() if volunteer else timezone.localdate()
    form = RegisterEntryForm(
        request.POST or None,
        submit_label=_("Enrol in the register"),
        initial={
            "first_name": member.first_name,
            "last_name": member.last_name,
            "residence": member.municipality,
            "start_date": start,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_entry_enrol(
                association=request.association, by=request.user, member=member, **form.person()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is entry no. %(number)s of the register.")
                % {"name": f"{entry.first_name} {entry.last_name}", "number": entry.number},
            )
            return redirect("members:register-list")
    return render(
        request,
        "members/register_form.html",
        {"form": form, "member": member, "entry": None, "mode": "enrol"},
    )


@role_required(Role.COORDINATOR)
def register_correct_view(request, pk: int):
    entry = _entry_or_404(request, pk)
    with_end = entry.kind == VolunteerRegisterEntry.Kind.END or entry.end_date is not None
    initial = {name: getattr(entry, name) for name in services.REGISTER_PERSON_FIELDS}
    initial["end_date"] = entry.end_date
    form = RegisterEntryForm(
        request.POST or None,
        initial=initial,
        with_end_date=with_end,
        submit_label=_("Record the correction"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.register_entry_correct(
                entry=entry,
                by=request.user,
                end_date=form.cleaned_data.get("end_date"),
                **form.person(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Correction recorded as entry no. %(number)s; entry no. %(original)s stays "
                    "as it was written."
                )
                % {"number": correction.number, "original": entry.number},
            )
            return redirect("members:register-list")
    return render(
        request,
        "members/register_form.html",
        {"form": form, "member": entry.member, "entry": entry, "mode": "correct"},
    )


@role_required(Role.COORDINATOR)
def register_end_view(request, pk: int):
    entry = _entry_or_404(request, pk)
    if services.register_entry_has_ended(entry):
        messages.info(
            request,
            _("The end of service is already recorded: correct that entry if it is wrong."),
        )
        return redirect("members:register-list")
    form = RegisterEndForm(
        request.POST or None, entry=entry, initial={"end_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            end = services.register_entry_end(
                entry=entry, by=request.user, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("End of service recorded as entry no. %(number)s.") % {"number": end.number},
            )
            return redirect("members:register-list")
    return render(request, "members/register_end.html", {"form": form, "entry": entry})


# --- Insurance -------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def policy_list_view(request):
    today = timezone.localdate()
    policies = services.policy_list(association=request.association)
    uninsured = (
        services.volunteer_list(association=request.association, on=today)
        .filter(insured=False)
        .count()
    )
    return render(
        request,
        "members/policy_list.html",
        {
            "policies": policies,
            "today": today,
            "soon": today + settings.NUCLEO_INSURANCE_REMINDER_BEFORE,
            "uninsured": uninsured,
        },
    )


def _policy_or_404(request, pk: int) -> InsurancePolicy:
    return get_object_or_404(InsurancePolicy.objects.for_association(request.association), pk=pk)


@role_required(Role.COORDINATOR)
def policy_create_view(request):
    form = PolicyForm(
        request.POST or None,
        association=request.association,
        submit_label=_("Save the policy"),
        # A policy usually covers every volunteer: all of them ticked to start with.
        initial={
            "volunteers": VolunteerProfile.objects.for_association(request.association).active()
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_create(
                association=request.association,
                by=request.user,
                volunteers=form.cleaned_data["volunteers"],
                **form.policy_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Policy saved. Coordinators will be reminded before it expires."),
            )
            return redirect("members:policy-list")
    return render(request, "members/policy_form.html", {"form": form, "policy": None})


@role_required(Role.COORDINATOR)
def policy_edit_view(request, pk: int):
    policy = _policy_or_404(request, pk)
    form = PolicyForm(
        request.POST or None,
        instance=InsurancePolicy.objects.get(pk=policy.pk),  # the form works on a copy
        association=request.association,
        submit_label=_("Save changes"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                policy=policy,
                by=request.user,
                volunteers=form.cleaned_data["volunteers"],
                **form.policy_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:policy-list")
    history = policy.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request, "members/policy_form.html", {"form": form, "policy": policy, "history": history}
    )


urlpatterns = [
    path("me/volunteer/", me_volunteer_view, name="me-volunteer"),
    path("me/volunteer/slots/add/", me_volunteer_slot_row_view, name="me-volunteer-slot-add"),
    path("me/volunteer/pause/", me_volunteer_pause_view, name="me-volunteer-pause"),
    path("me/volunteer/resume/", me_volunteer_resume_view, name="me-volunteer-resume"),
    path("me/volunteer/leave/", me_volunteer_leave_view, name="me-volunteer-leave"),
    path("volunteers/", volunteer_list_view, name="volunteer-list"),
    path("skills/", skill_list_view, name="skill-list"),
    path("skills/new/", skill_create_view, name="skill-create"),
    path("skills/defaults/", skill_seed_view, name="skill-seed"),
    path("skills/<int:pk>/edit/", skill_edit_view, name="skill-edit"),
    path("skills/<int:pk>/active/", skill_toggle_view, name="skill-toggle"),
    path("volunteer-register/", register_list_view, name="register-list"),
    path("volunteer-register/print/", register_print_view, name="register-print"),
    path("volunteer-register/export.csv", register_export_view, name="register-export"),
    path("volunteer-register/new/", register_create_view, name="register-create"),
    path("volunteer-register/<int:pk>/correct/", register_correct_view, name="register-correct"),
    path("volunteer-register/<int:pk>/end/", register_end_view, name="register-end"),
    path("insurance/", policy_list_view, name="policy-list"),
    path("insurance/new/", policy_create_view, name="policy-create"),
    path("insurance/<int:pk>/edit/", policy_edit_view, name="policy-edit"),
]
