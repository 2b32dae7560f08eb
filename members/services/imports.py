"""Writes of the registry's import: a job is created with its file, mapped, started once,
and run by a Celery task that records its progress batch by batch.

The rows are sorted by ``members.imports.plan_import`` (the same sorting the preview
shows); the run writes the rows to create in batches, each in its own transaction,
with the history of each entry (the person who started the import is its author), the
languages spoken and the "registered" stage of the empowerment path. Importing the same
file again adds nobody: every row is then already in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import imports
from ..models import (
    STAFF_ROLES,
    Association,
    EmpowermentStage,
    EmpowermentStep,
    Member,
    MemberImportJob,
    User,
)
from .access import role_require

Status = MemberImportJob.Status
#: The entries of a job's ``errors`` that list rows already in the registry (the others
#: are the invalid rows).
REGISTERED = "registered"


class MemberImportError(Exception):
    """The import cannot take this step now: the message says why, for the person."""


@transaction.atomic
def member_import_create(
    *, association: Association, by: User, file, total_rows: int
) -> MemberImportJob:
    """A job for a file the upload form has already read."""
    role_require(by, association, *STAFF_ROLES)
    job = MemberImportJob(
        association=association,
        created_by=by,
        file=file,
        original_name=(getattr(file, "name", "") or "")[:200],
        total_rows=total_rows,
        status=Status.UPLOADED,
    )
    job.full_clean()
    job.save()
    return job


def _read(job: MemberImportJob):
    with job.file.open("rb") as file:
        return imports.read_rows(file, job.original_name)


@transaction.atomic
def member_import_set_mapping(
    *, job: MemberImportJob, by: User, mapping: dict[str, str]
) -> MemberImportJob:
    """Which column of the file is which field of the registry (first name required)."""
    role_require(by, job.association, *STAFF_ROLES)
    if not mapping.get("first_name"):
        raise MemberImportError(_("Choose the column with the first names."))
    unknown_fields = set(mapping) - set(imports.FIELDS_BY_KEY)
    if unknown_fields:
        raise MemberImportError(_("Unknown fields: %(names)s") % {"names": sorted(unknown_fields)})
    headers, rows = _read(job)
    unknown = set(mapping.values()) - set(headers)
    if unknown:
        raise MemberImportError(
            _("The file has no column named %(name)s.") % {"name": min(unknown)}
        )
    updated = MemberImportJob.objects.filter(
        pk=job.pk, status__in=[Status.UPLOADED, Status.CHECKED]
    ).update(mapping=mapping, total_rows=len(rows), status=Status.CHECKED)
    if not updated:
        raise MemberImportError(_("This import has already started."))
    job.refresh_from_db()
    return job


def member_import_plan(*, job: MemberImportJob) -> imports.ImportPlan:
    """What the import of ``job`` would do now (it writes nothing): the preview."""
    _headers, rows = _read(job)
    return imports.plan_import(
        rows,
        job.mapping,
        index=imports.RegistryIndex.for_association(job.association),
        lookups=imports.Lookups.from_database(),
    )


@transaction.atomic
def member_import_start(*, job: MemberImportJob, by: User) -> MemberImportJob:
    """Queue the import of the valid rows. Starting twice starts it once."""
    role_require(by, job.association, *STAFF_ROLES)
    claimed = MemberImportJob.objects.filter(pk=job.pk, status=Status.CHECKED).update(
        status=Status.QUEUED, processed_rows=0, created_rows=0, skipped_rows=0, errors=[]
    )
    if not claimed:
        raise MemberImportError(_("This import has already started."))
    job.refresh_from_db()

    from ..tasks import member_import_task

    transaction.on_commit(lambda: member_import_task.delay(job.pk))
    return job


def member_import_run(*, job_id: int) -> None:
    """Run a queued job (the task). Not one transaction: rows are written in batches,
    each committed with the job's progress, so the page can show it moving. The job is
    claimed first (queued → running): a second run, or a run of a job already done,
    does nothing. Whatever the outcome, the uploaded file (people's data) is deleted."""
    claimed = MemberImportJob.objects.filter(
        pk=job_id, status__in=[Status.CHECKED, Status.QUEUED]
    ).update(status=Status.RUNNING)
    if not claimed:
        return
    job = MemberImportJob.objects.select_related("association", "created_by").get(pk=job_id)
    language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            role_require(job.created_by, job.association, *STAFF_ROLES)
            _run(job)
        except PermissionDenied:
            _finish(
                job,
                Status.FAILED,
                errors=[_file_error(_("The person who started this import may no longer import."))],
            )
        except imports.TableFileError as error:
            _finish(job, Status.FAILED, errors=[_file_error(str(error))])
        except OSError:
            _finish(
                job,
                Status.FAILED,
                errors=[_file_error(_("The file of this import cannot be read any more."))],
            )
        except Exception:
            _finish(
                job,
                Status.FAILED,
                errors=[
                    _file_error(
                        _(
                            "The import stopped because of an unexpected error. The people "
                            "already added stay in the registry: upload the file again to "
                            "add the others."
                        )
                    )
                ],
            )
            raise


def _file_error(message: str) -> dict:
    return imports.row_error(None, "", message)


def _progress(job: MemberImportJob, **values) -> None:
    MemberImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _finish(job: MemberImportJob, status: str, **values) -> None:
    MemberImportJob.objects.filter(pk=job.pk).update(
        status=status, finished_at=timezone.now(), **values
    )
    if job.file:
        # The uploaded file holds people's data: once imported (or failed), it is not kept.
        job.file.delete(save=False)
        MemberImportJob.objects.filter(pk=job.pk).update(file="")


def _run(job: MemberImportJob) -> None:
    _headers, rows = _read(job)
    index = imports.RegistryIndex.for_association(job.association)
    plan = imports.plan_import(
        rows, job.mapping, index=index, lookups=imports.Lookups.from_database()
    )
    processed = len(rows) - len(plan.to_create)
    _progress(job, total_rows=len(rows), processed_rows=processed)
    reason = _("Imported from %(file)s") % {"file": job.original_name}
    created, registered, errors = 0, list(plan.registered), list(plan.errors)
    created_pks: set[int] = set()
    for start in range(0, len(plan.to_create), imports.BATCH_SIZE):
        batch = plan.to_create[start : start + imports.BATCH_SIZE]
        outcome = member_import_batch(
            association=job.association,
            by=job.created_by,
            rows=batch,
            index=index,
            ours=created_pks,
            change_reason=reason,
        )
        created += len(outcome.created)
        registered.extend(outcome.registered)
        errors.extend(outcome.errors)
        processed += len(batch)
        _progress(job, processed_rows=processed, created_rows=created)
    _finish(
        job,
        Status.DONE,
        processed_rows=len(rows),
        created_rows=created,
        skipped_rows=len(registered),
        errors=[
            *imports.capped(sorted(errors, key=_row_number), imports.MAX_STORED_ERRORS),
            *(
                {**entry, "kind": REGISTERED}
                for entry in imports.capped(
                    sorted(registered, key=_row_number), imports.MAX_LISTED_REGISTERED
                )
            ),
        ],
    )


def _row_number(entry: dict) -> int:
    return entry["row"] or 0


@dataclass
class BatchOutcome:
    created: list[Member] = field(default_factory=list)
    registered: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


# Foreign keys and the key are set by the import itself: validating them would cost a
# query per row.
NOT_VALIDATED = ["association", "user", "preferred_language", "name_key"]


@transaction.atomic
def member_import_batch(
    *,
    association: Association,
    by: User,
    rows: list[imports.MemberRow],
    index: imports.RegistryIndex,
    ours: set[int],
    change_reason: str = "",
) -> BatchOutcome:
    """Register ``rows`` in a constant number of queries. The association's row is
    locked for the batch, so two imports of one association write one after the other,
    and the rows are checked once more against entries registered since the plan was
    made (by another import, or by hand): nobody is registered twice. ``ours``: the
    entries this import created so far (filled in here)."""
    from simple_history.utils import bulk_create_with_history

    role_require(by, association, *STAFF_ROLES)
    Association.objects.select_for_update().filter(pk=association.pk).first()
    newcomers = imports.RegistryIndex(last_member_pk=index.last_member_pk)
    newcomers.add_registered(association, skip=ours)
    index.last_member_pk = newcomers.last_member_pk

    outcome = BatchOutcome()
    members: list[Member] = []
    languages: dict[int, list[str]] = {}
    for row in rows:
        if newcomers.match(row) is not None:
            outcome.registered.append(
                {"row": row.number, "message": _("already in the registry (registered meanwhile)")}
            )
            continue
        fields = dict(row.fields)
        member = Member(
            association=association,
            preferred_language_id=fields.pop("preferred_language", None),
            name_key=row.name_key,
            **fields,
        )
        try:
            member.clean_fields(exclude=NOT_VALIDATED)
        except ValidationError as error:
            # members.imports validates what the model does: a safety net, not a path.
            for name, messages in error.message_dict.items():
                outcome.errors.append(imports.row_error(row.number, name, messages[0]))
            continue
        languages[len(members)] = row.languages
        members.append(member)

    created = bulk_create_with_history(
        members, Member, default_user=by, default_change_reason=change_reason
    )
    ours.update(member.pk for member in created)
    through = Member.languages.through
    spoken = [
        through(member_id=member.pk, language_id=code)
        for position, member in enumerate(created)
        for code in languages.get(position, [])
    ]
    through.objects.bulk_create(spoken)
    _history_languages(sorted({row.member_id for row in spoken}))
    EmpowermentStep.objects.bulk_create(
        [
            EmpowermentStep(
                association=association, member=member, stage=EmpowermentStage.REGISTERED
            )
            for member in created
        ],
        ignore_conflicts=True,
    )
    outcome.created = created
    return outcome


def _history_languages(member_ids: list[int]) -> None:
    """simple_history keeps, with each historical row, the languages of that moment; its
    bulk helper leaves them out, so they are written here (for new entries: their only
    historical row)."""
    if not member_ids:
        return
    through = Member.languages.through
    history_model = Member.history.model
    m2m_history = history_model._meta.get_field(
        f"{history_model._meta.model_name}_languages"
    ).related_model
    records = dict(
        history_model.objects.filter(id__in=member_ids, history_type="+").values_list(
            "id", "history_id"
        )
    )
    m2m_history.objects.bulk_create(
        m2m_history(
            history_id=records[row.member_id],
            id=row.id,
            member_id=row.member_id,
            language_id=row.language_id,
        )
        for row in through.objects.filter(member_id__in=member_ids)
        if row.member_id in records
    )
