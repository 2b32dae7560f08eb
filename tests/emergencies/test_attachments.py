"""Documents and photos of a case: checked by what their bytes are, not by their name;
stored outside the public media path; downloaded only through the permission-checked
view, each download logged."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from emergencies import services
from emergencies.models import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    CaseAccess,
    CaseEvent,
)
from members.models import Member, Role
from tests.factories import user_with_role

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

# A small but real PDF: a catalog, one empty A4 page, the cross-reference table.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def _png() -> bytes:
    """A one-pixel PNG, built by the book: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    """Files of these tests go to a temporary folder (the storage reads the setting
    when used)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def case(association):
    return CaseFactory(association=association)


def _add_url(case) -> str:
    return reverse("emergencies:attachment-add", kwargs={"pk": case.pk})


def _post(client, case, name: str, content: bytes, content_type="application/octet-stream"):
    return client.post(
        _add_url(case),
        {
            "attachment-file": SimpleUploadedFile(name, content, content_type=content_type),
            "attachment-description": "Avviso di sfratto",
        },
    )


def _stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _it(text: str, **params) -> str:
    with translation.override("it"):
        return gettext(text) % params


# --- Adding --------------------------------------------------------------------------


def test_a_real_pdf_and_a_real_png_are_accepted(operator_client, case, private_media, settings):
    assert _post(operator_client, case, "sfratto.pdf", PDF).status_code == 302
    assert _post(operator_client, case, "foto porta.PNG", _png()).status_code == 302
    pdf, png = case.attachments.order_by("pk")
    assert (pdf.original_name, pdf.kind, pdf.content_type) == (
        "sfratto.pdf",
        Attachment.Kind.DOCUMENT,
        "application/pdf",
    )
    assert (png.kind, png.content_type, png.size) == ("photo", "image/png", len(_png()))
    assert pdf.description == "Avviso di sfratto"
    assert pdf.uploaded_by == operator_client.user
    # Stored under the private root with a name that says nothing about the person.
    assert len(_stored(private_media)) == 2
    assert "sfratto" not in pdf.file.name
    assert _stored(Path(settings.MEDIA_ROOT)) == []
    assert case.events.filter(kind=CaseEvent.Kind.ATTACHMENT).count() == 2


@pytest.mark.parametrize("executable", [ELF, PE], ids=["elf", "pe"])
def test_an_executable_renamed_pdf_is_refused_with_the_message(
    operator_client, case, private_media, executable
):
    response = _post(operator_client, case, "documento.pdf", executable, "application/pdf")
    assert response.status_code == 422
    expected = _it(
        "This file is not really a %(type)s: its content does not match its name.", type="PDF"
    )
    assert response.context["attachment_form"].errors["file"] == [expected]
    assert expected in response.content.decode()
    assert not Attachment.objects.exists()
    assert _stored(private_media) == []


def test_a_file_over_10_mb_is_refused(operator_client, case, private_media):
    too_big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    response = _post(operator_client, case, "scansione.pdf", too_big)
    assert response.status_code == 422
    assert response.context["attachment_form"].errors["file"]
    assert not Attachment.objects.exists()
    assert _stored(private_media) == []


def test_a_type_we_do_not_take_is_refused(operator_client, case):
    response = _post(operator_client, case, "script.sh", b"#!/bin/sh\necho hi\n")
    assert response.status_code == 422
    assert response.context["attachment_form"].errors["file"]
    assert not Attachment.objects.exists()


def test_adding_is_for_the_case_associations_staff(
    coordinator_client, facilitator_client, outsider_client, case
):
    assert _post(coordinator_client, case, "a.pdf", PDF).status_code == 302
    assert _post(facilitator_client, case, "b.pdf", PDF).status_code == 403
    assert _post(outsider_client, case, "c.pdf", PDF).status_code == 404
    assert list(case.attachments.values_list("original_name", flat=True)) == ["a.pdf"]


# --- Downloading ---------------------------------------------------------------------


@pytest.fixture
def attachment(case, operator_client):
    return services.attachment_add(
        case=case,
        upload=SimpleUploadedFile("permesso di soggiorno.pdf", PDF),
        description="",
        by=operator_client.user,
    )


def _download_url(attachment) -> str:
    return reverse("emergencies:attachment-download", kwargs={"pk": attachment.pk})


def test_download_gives_the_file_with_its_name_and_type_and_is_logged(operator_client, attachment):
    response = operator_client.get(_download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "permesso" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert (
        CaseAccess.objects.filter(
            case=attachment.case, user=operator_client.user, action=CaseAccess.Action.ATTACHMENT
        ).count()
        == 1
    )


def test_download_is_404_to_another_association_403_to_a_facilitator_and_a_member(
    coordinator_client, outsider_client, facilitator_client, member_client, attachment
):
    assert coordinator_client.get(_download_url(attachment)).status_code == 200
    assert outsider_client.get(_download_url(attachment)).status_code == 404
    assert facilitator_client.get(_download_url(attachment)).status_code == 403
    assert member_client.get(_download_url(attachment)).status_code == 403
    assert CaseAccess.objects.filter(action=CaseAccess.Action.ATTACHMENT).count() == 1


def test_the_person_of_the_case_cannot_download_it_either(member_client, association):
    own = Member.objects.get(user=member_client.user)
    case = CaseFactory(association=association, member=own)
    staff = user_with_role(association, Role.OPERATOR)
    attachment = services.attachment_add(
        case=case, upload=SimpleUploadedFile("ricevuta.pdf", PDF), description="", by=staff
    )
    assert member_client.get(_download_url(attachment)).status_code == 403


def test_no_file_is_reachable_under_media_url(operator_client, attachment, settings):
    name = attachment.file.name
    assert operator_client.get(settings.MEDIA_URL + name).status_code == 404
    assert operator_client.get("/private/" + name).status_code == 404
    stored = Path(attachment.file.path).resolve()
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_a_missing_file_answers_404(operator_client, attachment):
    attachment.file.storage.delete(attachment.file.name)
    assert operator_client.get(_download_url(attachment)).status_code == 404


# --- Removing ------------------------------------------------------------------------


def test_removing_deletes_the_row_and_then_the_file(
    operator_client, attachment, private_media, django_capture_on_commit_callbacks
):
    url = reverse("emergencies:attachment-delete", kwargs={"pk": attachment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(url)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert _stored(private_media) == []


def test_removing_is_for_the_case_associations_staff(
    outsider_client, facilitator_client, attachment
):
    url = reverse("emergencies:attachment-delete", kwargs={"pk": attachment.pk})
    assert outsider_client.post(url).status_code == 404
    assert facilitator_client.post(url).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
