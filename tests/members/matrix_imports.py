"""Access matrix entries of the registry's import: operators and coordinators of the
association."""

from members.models import MemberImportJob
from tests.matrix import Entry


def _finished_import(association):
    # A finished job: its pages answer without reading a file (mapping and preview send
    # back to the result page, starting it again sends there too).
    job = MemberImportJob.objects.create(
        association=association,
        file="",
        original_name="soci.csv",
        status=MemberImportJob.Status.DONE,
        total_rows=1,
        processed_rows=1,
        created_rows=1,
    )
    return {"pk": job.pk}


ENTRIES: dict[str, Entry] = {
    "members:import-list": Entry(403, 403, 200, 200),
    "members:import-create": Entry(403, 403, 200, 200),
    "members:import-mapping": Entry(403, 403, 302, 302, kwargs=_finished_import),
    "members:import-preview": Entry(403, 403, 302, 302, kwargs=_finished_import),
    "members:import-run": Entry(403, 403, 302, 302, method="post", kwargs=_finished_import),
    "members:import-detail": Entry(403, 403, 200, 200, kwargs=_finished_import),
    "members:import-progress": Entry(403, 403, 200, 200, kwargs=_finished_import),
}
