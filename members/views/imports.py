"""The registry's import of an association's spreadsheet of members.

upload → choose the columns → preview (valid rows, rows already in the registry, every
invalid row with its number) → import in the background, with a page that shows the
progress and then the report."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import imports
from ..decorators import role_required
from ..forms.imports import MemberImportMappingForm, MemberImportUploadForm
from ..models import Association, Language, MemberImportJob, Role
from ..services import imports as services

PAGE_SIZE = 25
PREVIEW_ERRORS = 500
PREVIEW_REGISTERED = 100
Status = MemberImportJob.Status


def member_import_get(*, association: Association, pk: int) -> MemberImportJob:
    """The one way views reach an import: another association's is a 404."""
    return get_object_or_404(MemberImportJob.objects.for_association(association), pk=pk)


def _unreadable(request):
    messages.error(request, _("The file of this import cannot be read any more."))
    return redirect("members:import-create")


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_list_view(request):
    jobs = MemberImportJob.objects.for_association(request.association).select_related("created_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/import_list.html", {"page": page})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_create_view(request):
    form = MemberImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.member_import_create(
            association=request.association,
            by=request.user,
            file=form.cleaned_data["file"],
            total_rows=form.cleaned_data["total_rows"],
        )
        return redirect("members:import-mapping", pk=job.pk)
    return render(request, "members/import_create.html", {"form": form})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_mapping_view(request, pk: int):
    job = member_import_get(association=request.association, pk=pk)
    if job.status not in (Status.UPLOADED, Status.CHECKED):
        return redirect("members:import-detail", pk=job.pk)
    try:
        with job.file.open("rb") as file:
            headers, rows = imports.read_rows(file, job.original_name)
    except (imports.TableFileError, OSError, ValueError):
        return _unreadable(request)
    form = MemberImportMappingForm(
        request.POST or None,
        headers=headers,
        sample=rows[0].values,
        initial=job.mapping or imports.guess_mapping(headers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_import_set_mapping(
                job=job, by=request.user, mapping=form.cleaned_data["mapping"]
            )
        except (services.MemberImportError, imports.TableFileError) as error:
            messages.error(request, str(error))
        else:
            return redirect("members:import-preview", pk=job.pk)
    return render(
        request,
        "members/import_mapping.html",
        {"job": job, "form": form, "row_count": len(rows)},
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_preview_view(request, pk: int):
    job = member_import_get(association=request.association, pk=pk)
    if job.status == Status.UPLOADED:
        return redirect("members:import-mapping", pk=job.pk)
    if job.status != Status.CHECKED:
        return redirect("members:import-detail", pk=job.pk)
    try:
        plan = services.member_import_plan(job=job)
    except (imports.TableFileError, OSError, ValueError):
        return _unreadable(request)
    columns = [(f.key, f.label, job.mapping[f.key]) for f in imports.FIELDS if f.key in job.mapping]
    names = {language.code: str(language) for language in Language.objects.all()}
    sample = [
        (row.number, [(label, column, _display(row, key, names)) for key, label, column in columns])
        for row in plan.to_create[: imports.PREVIEW_ROWS]
    ]
    return render(
        request,
        "members/import_preview.html",
        {
            "job": job,
            "sample": sample,
            "total_rows": plan.total_rows,
            "valid_count": len(plan.to_create),
            "registered_count": len(plan.registered),
            "invalid_count": plan.invalid_rows,
            "errors": plan.errors[:PREVIEW_ERRORS],
            "more_errors": max(0, len(plan.errors) - PREVIEW_ERRORS),
            "registered": plan.registered[:PREVIEW_REGISTERED],
            "more_registered": max(0, len(plan.registered) - PREVIEW_REGISTERED),
        },
    )


def _display(row: imports.MemberRow, key: str, names: dict[str, str]) -> str:
    if key == "languages":
        return ", ".join(names.get(code, code) for code in row.languages)
    value = row.fields.get(key)
    if key == "preferred_language" and value:
        return names.get(value, value)
    return "" if value is None else str(value)


@require_POST
@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_run_view(request, pk: int):
    job = member_import_get(association=request.association, pk=pk)
    try:
        services.member_import_start(job=job, by=request.user)
    except services.MemberImportError as error:
        messages.error(request, str(error))
    return redirect("members:import-detail", pk=job.pk)


def _report(job: MemberImportJob) -> dict:
    """What the progress partial shows: the job, and its report split into the invalid
    rows and the rows already in the registry."""
    errors = [e for e in job.errors if e.get("kind") != services.REGISTERED]
    registered = [e for e in job.errors if e.get("kind") == services.REGISTERED]
    invalid_rows = max(0, job.total_rows - job.created_rows - job.skipped_rows)
    return {
        "job": job,
        "errors": errors,
        "registered": registered,
        "invalid_rows": invalid_rows if job.status == Status.DONE else len(errors),
        "polling": job.status in (Status.QUEUED, Status.RUNNING),
    }


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_detail_view(request, pk: int):
    job = member_import_get(association=request.association, pk=pk)
    return render(request, "members/import_detail.html", _report(job))


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_import_progress_view(request, pk: int):
    """The progress partial alone: what the detail page polls with htmx."""
    job = member_import_get(association=request.association, pk=pk)
    return render(request, "members/_import_progress.html", _report(job))


urlpatterns = [
    path("imports/", member_import_list_view, name="import-list"),
    path("imports/new/", member_import_create_view, name="import-create"),
    path("imports/<int:pk>/mapping/", member_import_mapping_view, name="import-mapping"),
    path("imports/<int:pk>/preview/", member_import_preview_view, name="import-preview"),
    path("imports/<int:pk>/run/", member_import_run_view, name="import-run"),
    path("imports/<int:pk>/", member_import_detail_view, name="import-detail"),
    path("imports/<int:pk>/progress/", member_import_progress_view, name="import-progress"),
]
