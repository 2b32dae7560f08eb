"""Writes of the imports: a job is created with its file, mapped (spreadsheets), started
once, and run by a Celery task that records its progress as it goes."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Association, User

from .. import imports
from ..models import ImportJob


class ImportJobError(Exception):
    """The job cannot take this step now: the message says why, for the person."""


def _error_entries(errors: list[dict]) -> list[dict]:
    """The errors a job keeps: the first MAX_STORED_ERRORS, then how many more."""
    if len(errors) <= imports.MAX_STORED_ERRORS:
        return list(errors)
    more = len(errors) - imports.MAX_STORED_ERRORS
    summary = _("… and %(count)s more errors.") % {"count": more}
    return [*errors[: imports.MAX_STORED_ERRORS], {"row": None, "column": "", "message": summary}]


@transaction.atomic
def import_job_create(
    *,
    association: Association,
    created_by: User,
    kind: str,
    file,
    total_rows: int,
) -> ImportJob:
    """A job for a file already read by the upload form. An HSDS package has no mapping
    step: it is checked as soon as it is uploaded."""
    job = ImportJob(
        association=association,
        created_by=created_by,
        kind=kind,
        file=file,
        original_name=(getattr(file, "name", "") or "")[:200],
        total_rows=total_rows,
        status=(
            ImportJob.Status.CHECKED if kind == ImportJob.Kind.HSDS else ImportJob.Status.UPLOADED
        ),
    )
    job.full_clean()
    job.save()
    return job


@transaction.atomic
def import_job_set_mapping(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Which column of the file is which of our fields. The file is validated with it
    and the job remembers the errors: the preview shows them before anything is
    written."""
    if job.kind != ImportJob.Kind.SPREADSHEET:
        raise ImportJobError(_("Only spreadsheets have columns to choose."))
    with job.file.open("rb") as file:
        headers, rows = imports.read_rows(file, job.original_name)
    unknown = set(mapping.values()) - set(headers)
    if unknown:
        raise ImportJobError(_("The file has no column named %(name)s.") % {"name": min(unknown)})
    _valid, errors = imports.validate_rows(rows, mapping)
    updated = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED]
    ).update(
        mapping=mapping,
        total_rows=len(rows),
        errors=_error_entries(errors),
        status=ImportJob.Status.CHECKED,
    )
    if not updated:
        raise ImportJobError(_("This import has already started."))
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_start(*, job: ImportJob, only_valid_rows: bool) -> ImportJob:
    """Queue the import. Nothing is written unless the whole file is valid or the
    person chose to import only the valid rows. Starting twice starts it once."""
    if job.status != ImportJob.Status.CHECKED:
        raise ImportJobError(_("This import cannot start now: check the file first."))
    if job.errors and not only_valid_rows:
        raise ImportJobError(
            _(
                "The file has errors: correct them and upload it again, "
                "or import only the valid rows."
            )
        )
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.RUNNING,
        only_valid_rows=only_valid_rows,
        processed_rows=0,
        created_rows=0,
        updated_rows=0,
    )
    if not claimed:
        raise ImportJobError(_("This import has already started."))
    job.refresh_from_db()

    from ..tasks.imports import resource_import_run_task

    transaction.on_commit(lambda: resource_import_run_task.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a started job. Not one transaction: rows are written in batches, each
    committed with the job's progress, so the page can show it moving. A second run of
    a finished job does nothing; a run that was cut short (a worker lost) and is
    delivered again starts over, which is safe since rows are matched by their
    ``source_ref``."""
    job = (
        ImportJob.objects.select_related("association", "created_by")
        .filter(pk=job_id, status=ImportJob.Status.RUNNING)
        .first()
    )
    if job is None:
        return
    language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            if job.kind == ImportJob.Kind.HSDS:
                _run_hsds(job)
            else:
                _run_spreadsheet(job)
        except imports.ImportFileError as error:
            _finish(job, ImportJob.Status.FAILED, errors=[_file_error(str(error))])
        except Exception:
            _finish(
                job,
                ImportJob.Status.FAILED,
                errors=[
                    *job.errors,
                    _file_error(_("The import stopped because of an unexpected error.")),
                ],
            )
            raise


def _file_error(message: str) -> dict:
    return {"row": None, "column": "", "message": message}


def _progress(job: ImportJob, **values) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _finish(job: ImportJob, status: str, **values) -> None:
    values.setdefault("errors", job.errors)
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **values)
    if job.file:
        # The uploaded file may hold people's data: once imported (or failed), it is
        # not kept.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _run_spreadsheet(job: ImportJob) -> None:
    with job.file.open("rb") as file:
        _headers, rows = imports.read_rows(file, job.original_name)
    valid, errors = imports.validate_rows(rows, job.mapping)
    stored_errors = _error_entries(errors)
    if errors and not job.only_valid_rows:
        # The file changed under us (or the categories did): nothing is written.
        _finish(job, ImportJob.Status.FAILED, errors=stored_errors, total_rows=len(rows))
        return
    skipped = len(rows) - len(valid)
    _progress(job, total_rows=len(rows), processed_rows=skipped, errors=stored_errors)

    def on_batch(done: int, counts: imports.ImportCounts) -> None:
        _progress(
            job,
            processed_rows=skipped + done,
            created_rows=counts.created,
            updated_rows=counts.updated,
        )

    counts = imports.import_rows(
        valid,
        association=job.association,
        user=job.created_by,
        mapping=job.mapping,
        on_batch=on_batch,
    )
    _finish(
        job,
        ImportJob.Status.DONE,
        processed_rows=len(rows),
        created_rows=counts.created,
        updated_rows=counts.updated,
    )


def _run_hsds(job: ImportJob) -> None:
    from .. import hsds

    with job.file.open("rb") as file:
        documents = imports.read_hsds_package(file)
    _progress(job, total_rows=len(documents), processed_rows=0)
    # One call: the documents of a package refer to each other (organizations,
    # locations), so they are imported together.
    result = hsds.import_documents(documents, association=job.association, user=job.created_by)
    errors = [
        error if isinstance(error, dict) else _file_error(str(error))
        for error in (result.errors or [])
    ]
    _finish(
        job,
        ImportJob.Status.DONE,
        total_rows=len(documents),
        processed_rows=len(documents),
        created_rows=result.created,
        updated_rows=result.updated,
        errors=_error_entries(errors),
    )
