"""Access matrix entries of the imports: operators and coordinators of the association."""

from resources.models import ImportJob
from tests.matrix import Entry


def _finished_import(association):
    # A finished job: its pages answer without reading a file (mapping and preview send
    # back to the result page).
    job = ImportJob.objects.create(
        association=association,
        kind=ImportJob.Kind.SPREADSHEET,
        file="imports/matrix.csv",
        original_name="matrix.csv",
        status=ImportJob.Status.DONE,
        total_rows=1,
        processed_rows=1,
        created_rows=1,
    )
    return {"pk": job.pk}


ENTRIES: dict[str, Entry] = {
    "resources:import-list": Entry(403, 403, 200, 200),
    "resources:import-create": Entry(403, 403, 200, 200),
    "resources:import-mapping": Entry(403, 403, 302, 302, kwargs=_finished_import),
    "resources:import-preview": Entry(403, 403, 302, 302, kwargs=_finished_import),
    "resources:import-detail": Entry(403, 403, 200, 200, kwargs=_finished_import),
}
