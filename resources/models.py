"""The local resource map, shaped after the Open Referral Human Services Data
Specification (HSDS) 3.0: organizations, their services and locations, phones,
schedules, languages and a taxonomy of categories.

HSDS entities keep UUID primary keys: they are the ids exchanged with other directories
(export → import preserves them). Each record is maintained by one association of the
partnership and keeps its history and when, and by whom, it was last verified.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Association, ImportProgress, Language, TenantQuerySet


class Verified(models.Model):
    """Who keeps a record true, and when they last checked it."""

    maintained_by = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maintained by"),
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        if self.last_verified_at is None:
            return True
        return timezone.now() - self.last_verified_at > settings.NUCLEO_RESOURCE_STALE_AFTER


class MaintainedQuerySet(models.QuerySet):
    def maintained_by(self, association: Association | None):
        if association is None:
            return self.none()
        return self.filter(maintained_by=association)


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A category of the directory (housing, food, legal aid…), possibly under a parent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.CASCADE, related_name="terms", null=True, blank=True
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name in Italian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    term_uri = models.URLField(_("term URI"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return self.name_en if (get_language() or "it").startswith("en") else self.name


class Organization(Verified):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    tax_id = models.CharField(_("fiscal code"), max_length=16, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MaintainedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(MaintainedQuerySet):
    def public(self):
        return self.filter(is_public=True)

    def active(self):
        return self.filter(status=Service.Status.ACTIVE)

    def visible_to(self, user):
        """Public resources for everyone; the whole map for the partnership's people
        (a signed-in account without a membership sees only the public map)."""
        from members.selectors import memberships_of

        if user is not None and user.is_authenticated and memberships_of(user):
            return self
        return self.public()


class Service(Verified):
    """What an organization or a professional offers people."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("closed for good")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    class Gender(models.TextChoices):
        UNSPECIFIED = "", _("not stated")
        FEMALE = "female", _("woman")
        MALE = "male", _("man")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to get it"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=False)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    categories = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="services", verbose_name=_("categories")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="services", verbose_name=_("languages spoken")
    )
    provider_gender = models.CharField(
        _("gender of the professional"),
        max_length=8,
        choices=Gender.choices,
        blank=True,
        help_text=_("Only where it matters to people, e.g. a gynaecologist or a counsellor."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the community map without signing in.")
    )
    # The row's identity in the association's own spreadsheet: re-importing the same
    # file updates these services instead of adding them again.
    source_ref = models.CharField(max_length=120, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[categories, languages])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range",
            ),
            models.UniqueConstraint(
                fields=["maintained_by", "source_ref"],
                condition=~Q(source_ref=""),
                name="service_unique_source_ref",
            ),
        ]
        indexes = [models.Index(fields=["is_public", "status"], name="service_public_idx")]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.CharField(_("document"), max_length=300)
    uri = models.URLField(blank=True)

    def __str__(self) -> str:
        return self.document


class Location(Verified):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("a place")
        VIRTUAL = "virtual", _("online")
        POSTAL = "postal", _("postal address")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations", null=True, blank=True
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=Type.choices, default=Type.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    address_1 = models.CharField(_("address"), max_length=200, blank=True)
    address_2 = models.CharField(_("address, continued"), max_length=200, blank=True)
    city = models.CharField(_("municipality"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    state_province = models.CharField(_("province"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=2, default="IT")
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    accessibility_description = models.TextField(_("accessibility"), blank=True)
    services = models.ManyToManyField(
        Service, through="ServiceAtLocation", related_name="locations", blank=True
    )
    history = HistoricalRecords()

    objects = MaintainedQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name or ", ".join(p for p in (self.address_1, self.city) if p)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Phone(models.Model):
    class Type(models.TextChoices):
        VOICE = "voice", _("phone")
        CELL = "cell", _("mobile")
        TEXT = "text", _("text messages")
        FAX = "fax", _("fax")
        VIDEO = "video", _("video call")
        TEXTPHONE = "textphone", _("textphone")
        MESSAGING = "messaging", _("WhatsApp / messaging")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    number = models.CharField(_("number"), max_length=40)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number

    @property
    def tel_uri(self) -> str:
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        return f"tel:{digits}"


class Schedule(models.Model):
    """Opening hours in HSDS's iCalendar terms, as wall-clock times in Europe/Rome.

    A weekly row has ``freq`` WEEKLY and ``byday`` (``MO,TU``). A row without ``freq``
    is an exception for the days from ``valid_from`` to ``valid_to`` (a holiday): closed
    all day when it has no hours, else open only at its hours.
    """

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("every week")
        NONE = "", _("exception (holiday, special hours)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    freq = models.CharField(
        _("repeats"), max_length=10, choices=Freq.choices, default=Freq.WEEKLY, blank=True
    )
    byday = models.CharField(_("days"), max_length=40, blank=True, help_text="MO,TU,WE,TH,FR,SA,SU")
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="schedule_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(freq="") | Q(valid_from__isnull=False),
                name="schedule_exception_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}-{self.closes_at}"

    @property
    def is_exception(self) -> bool:
        return not self.freq


class Partnership(models.Model):
    """An organization that is a partner of an association: it appears in referral
    pickers, with what it accepts."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("association"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("organization"),
    )
    agreement_start = models.DateField(_("agreement from"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement until"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    accepts_referrals = models.TextField(_("referrals it accepts"), blank=True)
    categories = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="+", verbose_name=_("for these categories")
    )
    history = HistoricalRecords()

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "organization"], name="partnership_unique"
            ),
            models.CheckConstraint(
                condition=Q(agreement_start__isnull=True)
                | Q(agreement_end__isnull=True)
                | Q(agreement_start__lte=models.F("agreement_end")),
                name="partnership_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.association}"


class Suggestion(models.Model):
    """A new resource or a correction proposed by a member or facilitator, for the
    maintaining association's operators to accept (merging it) or reject (saying why)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="resource_suggestions"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    payload = models.JSONField(_("proposed values"), default=dict)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.payload.get('name', self.service)}"


class ImportJob(ImportProgress, models.Model):
    """A file being imported (HSDS tabular package or a spreadsheet), with progress."""

    class Kind(models.TextChoices):
        HSDS = "hsds", _("HSDS data package")
        SPREADSHEET = "spreadsheet", _("spreadsheet")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    only_valid_rows = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
