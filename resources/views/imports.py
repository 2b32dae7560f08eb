"""Resource map pages: imports of an association's spreadsheet or of an HSDS package.

upload → (spreadsheet) choose the columns → preview with the errors → import, in the
background, with a page that shows the progress."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from members.decorators import role_required
from members.models import Association, Role

from .. import imports
from ..import_forms import ImportMappingForm, ImportStartForm, ImportUploadForm
from ..models import ImportJob
from ..services import imports as services

PAGE_SIZE = 25
PREVIEW_ERRORS = 200


def import_job_get(*, association: Association, pk: int) -> ImportJob:
    """The one way views reach an import: another association's is a 404."""
    return get_object_or_404(ImportJob.objects.for_association(association), pk=pk)


def _read(job: ImportJob):
    with job.file.open("rb") as file:
        return imports.read_rows(file, job.original_name)


@role_required(Role.OPERATOR, Role.COORDINATOR)
def import_list_view(request):
    jobs = ImportJob.objects.for_association(request.association).select_related("created_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/import_list.html", {"page": page})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def import_create_view(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            association=request.association,
            created_by=request.user,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            total_rows=form.cleaned_data["total_rows"],
        )
        if job.kind == ImportJob.Kind.SPREADSHEET:
            return redirect("resources:import-mapping", pk=job.pk)
        return redirect("resources:import-preview", pk=job.pk)
    return render(request, "resources/import_create.html", {"form": form})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def import_mapping_view(request, pk: int):
    job = import_job_get(association=request.association, pk=pk)
    if job.kind != ImportJob.Kind.SPREADSHEET:
        return redirect("resources:import-preview", pk=job.pk)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED):
        return redirect("resources:import-detail", pk=job.pk)
    try:
        headers, rows = _read(job)
    except (imports.ImportFileError, OSError):
        messages.error(request, _("The file of this import cannot be read any more."))
        return redirect("resources:import-create")
    form = ImportMappingForm(
        request.POST or None,
        headers=headers,
        sample=rows[0].values,
        initial=job.mapping or imports.guess_mapping(headers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_set_mapping(job=job, mapping=form.cleaned_data["mapping"])
        except (services.ImportJobError, imports.ImportFileError) as error:
            messages.error(request, str(error))
        else:
            return redirect("resources:import-preview", pk=job.pk)
    return render(
        request,
        "resources/import_mapping.html",
        {"job": job, "form": form, "headers": headers, "row_count": len(rows)},
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def import_preview_view(request, pk: int):
    job = import_job_get(association=request.association, pk=pk)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("resources:import-mapping", pk=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        return redirect("resources:import-detail", pk=job.pk)

    if request.method == "POST":
        form = ImportStartForm(request.POST)
        form.is_valid()
        try:
            services.import_job_start(
                job=job, only_valid_rows=form.cleaned_data.get("only_valid_rows", False)
            )
        except services.ImportJobError as error:
            messages.error(request, str(error))
            return redirect("resources:import-preview", pk=job.pk)
        return redirect("resources:import-detail", pk=job.pk)

    context = {"job": job}
    if job.kind == ImportJob.Kind.SPREADSHEET:
        try:
            _headers, rows = _read(job)
        except (imports.ImportFileError, OSError):
            messages.error(request, _("The file of this import cannot be read any more."))
            return redirect("resources:import-create")
        valid, errors = imports.validate_rows(rows, job.mapping)
        columns = [
            (f.key, f.label, job.mapping[f.key])
            for f in imports.FIELDS
            if f.key in job.mapping and f.key != "source_ref"
        ]
        context |= {
            "sample": [
                (row.number, [(column, _display(row, column[0])) for column in columns])
                for row in valid[: imports.PREVIEW_ROWS]
            ],
            "valid_count": len(valid),
            "invalid_count": len(rows) - len(valid),
            "errors": errors[:PREVIEW_ERRORS],
            "more_errors": max(0, len(errors) - PREVIEW_ERRORS),
        }
    else:
        context |= {
            "valid_count": job.total_rows,
            "invalid_count": 0,
            "errors": job.errors,
            "more_errors": 0,
        }
    return render(request, "resources/import_preview.html", context)


def _display(row: imports.CleanRow, key: str) -> str:
    value = getattr(row, key)
    if key == "categories":
        return ", ".join(row.category_labels)
    if key == "languages":
        return ", ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return ""
    if key == "opening_hours" and value and not row.schedules:
        return _("%(hours)s (not understood: kept out)") % {"hours": value}
    return str(value)


@role_required(Role.OPERATOR, Role.COORDINATOR)
def import_detail_view(request, pk: int):
    job = import_job_get(association=request.association, pk=pk)
    context = {"job": job}
    if request.htmx:
        return render(request, "resources/_import_progress.html", context)
    return render(request, "resources/import_detail.html", context)


urlpatterns = [
    path("imports/", import_list_view, name="import-list"),
    path("imports/new/", import_create_view, name="import-create"),
    path("imports/<int:pk>/mapping/", import_mapping_view, name="import-mapping"),
    path("imports/<int:pk>/preview/", import_preview_view, name="import-preview"),
    path("imports/<int:pk>/", import_detail_view, name="import-detail"),
]
