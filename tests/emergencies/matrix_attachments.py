"""Access matrix entries of case attachments: operators and coordinators of the case's
association; another association's file answers 404.

The download's file is written to the private storage (the test's own directory, see
tests/conftest.py); adding without a file answers 422 (the case file again, with the
form's error)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from emergencies.models import Attachment
from tests.matrix import Entry

from .factories import CaseFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _case(association):
    return {"pk": CaseFactory(association=association).pk}


def _attachment(association, *, with_file: bool = False):
    attachment = Attachment(
        case=CaseFactory(association=association),
        original_name="permesso di soggiorno.pdf",
        kind=Attachment.Kind.DOCUMENT,
        content_type="application/pdf",
        size=len(PDF),
    )
    if with_file:
        attachment.file.save("permesso.pdf", ContentFile(PDF), save=False)
    else:
        # Removal deletes the file only once the row's removal commits, which a test's
        # transaction never does: no file needed.
        attachment.file.name = "cases/0/missing.pdf"
    attachment.save()
    return {"pk": attachment.pk}


def _attachment_with_file(association):
    return _attachment(association, with_file=True)


STAFF_ONLY = {"member": 403, "facilitator": 403}

ENTRIES: dict[str, Entry] = {
    "emergencies:attachment-add": Entry(
        **STAFF_ONLY, operator=422, coordinator=422, method="post", kwargs=_case
    ),
    "emergencies:attachment-download": Entry(
        **STAFF_ONLY, operator=200, coordinator=200, kwargs=_attachment_with_file
    ),
    "emergencies:attachment-delete": Entry(
        **STAFF_ONLY, operator=302, coordinator=302, method="post", kwargs=_attachment
    ),
}
