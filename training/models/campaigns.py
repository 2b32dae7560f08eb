"""Awareness and advocacy campaigns with their actions and reach, and the materials
library (files in several languages, with their licence) that courses, groups and
campaigns use."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from members.models import Association, Language, TenantQuerySet


class Material(models.Model):
    class Licence(models.TextChoices):
        CC_BY = "cc-by", _("CC BY 4.0")
        CC_BY_SA = "cc-by-sa", _("CC BY-SA 4.0")
        CC_BY_NC = "cc-by-nc", _("CC BY-NC 4.0")
        OWN = "own", _("Our own, all rights reserved")
        PERMISSION = "permission", _("Used with the author's permission")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices)
    author = models.CharField(_("author"), max_length=200, blank=True)
    courses = models.ManyToManyField(
        "training.Course", blank=True, related_name="materials", verbose_name=_("courses")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


#: What a material's file may be: extension → the MIME type its first bytes must show.
MATERIAL_FILE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_MATERIAL_BYTES = 20 * 1024 * 1024


class MaterialStorage(FileSystemStorage):
    """Material files live outside MEDIA_ROOT, under PRIVATE_MEDIA_ROOT (read when used,
    so a test's override applies): they are for the association's people, so no public
    URL serves them, only the download view that checks who is asking."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("material files have no URL: use the download view")


def material_storage() -> FileSystemStorage:
    return MaterialStorage()


def _material_path(instance, filename: str) -> str:
    return f"materials/{instance.material_id}/{instance.language_id}/{filename}"


class MaterialFile(models.Model):
    """One language version of a material."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=_material_path, storage=material_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["material", "language"], name="material_one_file_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material_id} {self.language_id}"

    @property
    def extension(self) -> str:
        return self.original_name.rsplit(".", 1)[-1].upper()


class Campaign(models.Model):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Awareness")
        ADVOCACY = "advocacy", _("Advocacy towards institutions")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="campaigns")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), max_length=2000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    languages = models.ManyToManyField(Language, blank=True, related_name="+")
    channels = models.CharField(
        _("channels"), max_length=300, blank=True, help_text=_("e.g. leaflets, radio, Facebook.")
    )
    materials = models.ManyToManyField(Material, blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CampaignAction(models.Model):
    class Kind(models.TextChoices):
        EVENT = "event", _("Public event")
        LEAFLETS = "leaflets", _("Leaflet drop")
        SOCIAL = "social", _("Social media post")
        INSTITUTION = "institution", _("Meeting with an institution")
        PETITION = "petition", _("Petition")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("what"), max_length=200)
    happened_on = models.DateField(_("date"))
    session = models.ForeignKey(
        "training.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_actions",
        verbose_name=_("session (for an event)"),
    )
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    signatures = models.PositiveIntegerField(_("signatures"), null=True, blank=True)

    class Meta:
        ordering = ["-happened_on"]

    def __str__(self) -> str:
        return self.title
