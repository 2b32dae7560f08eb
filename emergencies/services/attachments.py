"""Documents and photos of a case: checked by their bytes, not their name."""

from __future__ import annotations

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from members.models import STAFF_ROLES, User
from members.services import role_require

from ..models import ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, Attachment, Case, CaseEvent
from .cases import _event


def attachment_check(upload: UploadedFile) -> tuple[str, str]:
    """The MIME type and kind of an upload, or ``ValidationError``: the extension must be
    one we accept and the file's first bytes must be that type (an executable renamed
    .pdf is refused)."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s): at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_ATTACHMENT_BYTES)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    allowed = ", ".join(sorted({ext.upper() for ext in ALLOWED_ATTACHMENT_TYPES}))
    if extension not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError(_("Only these file types: %(types)s.") % {"types": allowed})
    expected, kind = ALLOWED_ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is None or guessed.mime != expected:
        raise ValidationError(
            _("This file is not really a %(type)s: its content does not match its name.")
            % {"type": extension.upper()}
        )
    return expected, kind


@transaction.atomic
def attachment_add(*, case: Case, upload: UploadedFile, description: str, by: User) -> Attachment:
    role_require(by, case.association_id, *STAFF_ROLES)
    content_type, kind = attachment_check(upload)
    attachment = Attachment(
        case=case,
        original_name=upload.name[-200:],
        description=description.strip(),
        kind=kind,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _event(case, CaseEvent.Kind.ATTACHMENT, by, text=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    role_require(by, attachment.case.association_id, *STAFF_ROLES)
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    # The file goes once the row's removal is committed.
    transaction.on_commit(lambda: storage.delete(name))
