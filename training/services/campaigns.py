"""Writes of awareness and advocacy campaigns and of the materials library.

Coordinators run campaigns and record what each action reached; coordinators and
facilitators keep the library. Each function checks the role it needs and that every
linked row (course, group, campaign, material, session) belongs to the same
association. A material's file is checked by its bytes, not by its name: a renamed
executable is refused."""

from __future__ import annotations

from collections.abc import Iterable

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from members.models import Association, Language, Role, User
from members.services import role_require

from ..models import (
    Campaign,
    CampaignAction,
    Course,
    Material,
    MaterialFile,
    Session,
    SupportGroup,
)
from ..models.campaigns import MATERIAL_FILE_TYPES, MAX_MATERIAL_BYTES

#: Who reads the campaigns of their association; only coordinators write them.
CAMPAIGN_READERS = (Role.FACILITATOR, Role.OPERATOR, Role.COORDINATOR)
#: Who keeps the materials library; every person of the association reads it.
MATERIAL_EDITORS = (Role.FACILITATOR, Role.COORDINATOR)

_CAMPAIGN_FIELDS = ("kind", "title", "goal", "starts_on", "ends_on", "audience", "channels")
_ACTION_FIELDS = (
    "kind",
    "title",
    "happened_on",
    "session",
    "outcome",
    "people_reached",
    "signatures",
)
_MATERIAL_FIELDS = ("title", "description", "licence", "author")


def _same_association(rows: Iterable, association: Association, field: str) -> list:
    """The rows, refused as a whole when one belongs to another association (a form
    offers only the association's own; this guards every other caller)."""
    rows = list(rows)
    if any(row.association_id != association.pk for row in rows):
        raise ValidationError({field: _("Choose among your association's own.")})
    return rows


def _assign(instance, fields: tuple[str, ...], values: dict) -> list[str]:
    """Set the given fields (strings trimmed); the names of those given, for
    ``update_fields``."""
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return list(values)


# --- Campaigns --------------------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    association: Association,
    by: User,
    campaign: Campaign | None = None,
    languages: Iterable[Language] = (),
    materials: Iterable[Material] = (),
    **fields,
) -> Campaign:
    """Create a campaign (``campaign`` None) or change one: kind, title, goal, dates,
    audience, channels; its languages and the materials it uses are replaced by those
    given."""
    role_require(by, association, Role.COORDINATOR)
    materials = _same_association(materials, association, "materials")
    if campaign is None:
        campaign = Campaign(association=association, created_by=by)
        _assign(campaign, _CAMPAIGN_FIELDS, fields)
        campaign.full_clean()
        campaign.save()
    else:
        if campaign.association_id != association.pk:
            raise ValidationError(_("This campaign belongs to another association."))
        changed = _assign(campaign, _CAMPAIGN_FIELDS, fields)
        campaign.full_clean()
        campaign.save(update_fields=changed or None)
    campaign.languages.set(languages)
    campaign.materials.set(materials)
    return campaign


@transaction.atomic
def campaign_action_save(
    *,
    campaign: Campaign,
    by: User,
    action: CampaignAction | None = None,
    **fields,
) -> CampaignAction:
    """Record what a campaign did (or correct a record): a public event (optionally one
    of the association's sessions), a leaflet drop, a post, a meeting with an
    institution, a petition; its outcome, the people it reached and the signatures."""
    role_require(by, campaign.association_id, Role.COORDINATOR)
    session: Session | None = fields.get("session")
    if session is not None and session.course.association_id != campaign.association_id:
        raise ValidationError({"session": _("Choose one of your association's sessions.")})
    if action is None:
        action = CampaignAction(campaign=campaign)
        _assign(action, _ACTION_FIELDS, fields)
        action.full_clean()
        action.save()
    else:
        if action.campaign_id != campaign.pk:
            raise ValidationError(_("This action belongs to another campaign."))
        changed = _assign(action, _ACTION_FIELDS, fields)
        action.full_clean()
        action.save(update_fields=changed or None)
    return action


# --- Materials library ------------------------------------------------------------------


@transaction.atomic
def material_save(
    *,
    association: Association,
    by: User,
    material: Material | None = None,
    courses: Iterable[Course] = (),
    groups: Iterable[SupportGroup] = (),
    campaigns: Iterable[Campaign] = (),
    first_file: tuple[Language, UploadedFile] | None = None,
    **fields,
) -> Material:
    """Create a material (``material`` None) or change its description, licence,
    author and the courses, groups and campaigns that use it (replaced by those
    given). ``first_file`` (language, upload) is stored in the same transaction, so a
    refused file leaves no empty material behind; later versions come one language at
    a time through ``material_file_add``."""
    role_require(by, association, *MATERIAL_EDITORS)
    courses = _same_association(courses, association, "courses")
    groups = _same_association(groups, association, "groups")
    campaigns = _same_association(campaigns, association, "campaigns")
    if material is None:
        material = Material(association=association, created_by=by)
        _assign(material, _MATERIAL_FIELDS, fields)
        material.full_clean()
        material.save()
    else:
        if material.association_id != association.pk:
            raise ValidationError(_("This material belongs to another association."))
        changed = _assign(material, _MATERIAL_FIELDS, fields)
        material.full_clean()
        material.save(update_fields=changed or None)
    material.courses.set(courses)
    material.groups.set(groups)
    material.campaigns.set(campaigns)
    if first_file is not None:
        language, upload = first_file
        material_file_add(material=material, language=language, upload=upload, by=by)
    return material


def material_file_check(upload: UploadedFile) -> str:
    """The MIME type of an upload, or ``ValidationError``: at most 20 MB, an extension
    we accept, and first bytes that really are that type (an executable renamed .pdf,
    or a zip renamed .docx, is refused)."""
    if upload.size > MAX_MATERIAL_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s): at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_MATERIAL_BYTES)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in MATERIAL_FILE_TYPES:
        allowed = ", ".join(sorted({ext.upper() for ext in MATERIAL_FILE_TYPES}))
        raise ValidationError(_("Only these file types: %(types)s.") % {"types": allowed})
    expected = MATERIAL_FILE_TYPES[extension]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is None or guessed.mime != expected:
        raise ValidationError(
            _("This file is not really a %(type)s: its content does not match its name.")
            % {"type": extension.upper()}
        )
    return expected


@transaction.atomic
def material_file_add(
    *, material: Material, language: Language, upload: UploadedFile, by: User
) -> MaterialFile:
    """Add the version of a material in ``language``; a version already there in that
    language is replaced (its old file is removed once the change is committed)."""
    role_require(by, material.association_id, *MATERIAL_EDITORS)
    content_type = material_file_check(upload)
    # Two uploads of the same language at once: the second waits, then replaces.
    Material.objects.select_for_update().filter(pk=material.pk).first()
    version = MaterialFile.objects.filter(material=material, language=language).first()
    old_name = version.file.name if version is not None else None
    if version is None:
        version = MaterialFile(material=material, language=language)
    version.original_name = upload.name[-255:]
    version.content_type = content_type
    version.size = upload.size
    version.uploaded_at = timezone.now()
    version.file.save(_stored_name(upload.name), upload, save=False)
    storage = version.file.storage
    try:
        version.full_clean()
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    if old_name and old_name != version.file.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return version


def _stored_name(name: str) -> str:
    """A plain ASCII file name with the upload's extension (the original name, shown on
    the page and given back on download, is a field)."""
    stem, _dot, extension = name.rpartition(".")
    return get_valid_filename(f"{slugify(stem)[:80] or 'material'}.{extension.lower()}")
