"""Social emergency cases: intake, workflow, timeline, follow-ups, referrals,
attachments, the on-duty roster and the access log of every case file read."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Association, Member, TenantQuerySet


class PrivateStorage(FileSystemStorage):
    """Case attachments live outside MEDIA_ROOT, under PRIVATE_MEDIA_ROOT (read when
    used, so a test's override applies): no URL serves them, only the
    permission-checked download view."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("private files have no URL: use the download view")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class Category(models.Model):
    """An entry of the association's catalogue of emergency categories."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="case_categories",
        verbose_name=_("association"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_it = models.CharField(_("name in Italian"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["order", "name_it"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="category_unique_code")
        ]

    def __str__(self) -> str:
        return self.name_it if (get_language() or "it").startswith("it") else self.name_en


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


#: Triage guidance shown beside each urgency at intake.
URGENCY_GUIDANCE = {
    Urgency.CRITICAL: _(
        "Immediate danger, or no shelter tonight. On-duty operators are alerted now."
    ),
    Urgency.HIGH: _("Needs an answer within 72 hours."),
    Urgency.MEDIUM: _("Needs follow-up in the coming days."),
    Urgency.LOW: _("Information or support without a deadline."),
}
#: Sort rank: the most urgent first.
URGENCY_RANK = {Urgency.CRITICAL: 0, Urgency.HIGH: 1, Urgency.MEDIUM: 2, Urgency.LOW: 3}


class CaseQuerySet(TenantQuerySet):
    def open(self):
        return self.exclude(status=Case.Status.CLOSED)

    def for_operator(self, user):
        """Cases ``user`` follows: assigned to them or as a co-worker."""
        return self.filter(Q(assigned_to=user) | Q(coworkers=user)).distinct()

    def unassigned(self):
        return self.filter(assigned_to__isnull=True)

    def overdue(self, now=None):
        """Open cases with a follow-up past its due date and not done."""
        now = now or timezone.now()
        return self.open().filter(
            pk__in=FollowUp.objects.filter(done_at__isnull=True, due_at__lt=now).values("case_id")
        )

    def of_member_user(self, user):
        return self.filter(member__user=user, member__anonymised_at__isnull=True)


class Case(models.Model):
    """A social emergency of one person, followed by the association's operators."""

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("case status", "New")
        TRIAGED = "triaged", _("Triaged")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting")
        REFERRED = "referred", _("Referred")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        PARTIALLY = "partially", _("Partially resolved")
        REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        DECLINED = "declined", _("Declined by the person")

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        OUTREACH = "outreach", _("Outreach")
        REFERRAL_IN = "referral_in", _("Referral from another service")
        SELF = "self", _("The person, from Nucleo")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="cases", verbose_name=_("association")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    description = models.TextField(_("short description"), max_length=2000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned operator"),
    )
    coworkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coworked_cases",
        verbose_name=_("co-workers"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    # Kept for evaluation: time to first contact and to close.
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The first time a staff member opened the file: a critical case nobody opened
    # within the association's window escalates to the coordinators, once.
    acknowledged_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[coworkers])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | (~Q(status="closed") & Q(outcome="")),
                name="case_closed_has_outcome",
            )
        ]
        indexes = [
            models.Index(fields=["association", "status", "opened_at"]),
            models.Index(fields=["association", "assigned_to", "status"]),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def urgency_guidance(self) -> str:
        return URGENCY_GUIDANCE[Urgency(self.urgency)]

    @cached_property
    def team_ids(self) -> set[int]:
        """The assigned operator and the co-workers: who sees confidential notes."""
        ids = {user.pk for user in self.coworkers.all()}
        if self.assigned_to_id:
            ids.add(self.assigned_to_id)
        return ids


class CaseEventQuerySet(models.QuerySet):
    def visible_to(self, user, case: Case, *, is_coordinator: bool):
        """Confidential notes only for the case's team and coordinators."""
        if is_coordinator or user.pk in case.team_ids:
            return self
        return self.filter(confidential=False)


class CaseEvent(models.Model):
    """One entry of a case's timeline. Notes, interventions and contacts are written by
    operators; status changes, assignments, referrals and files by the services."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        INTERVENTION = "intervention", _("Intervention")
        CONTACT = "contact", _("Contact")
        STATUS = "status", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        FOLLOW_UP = "follow_up", _("Follow-up")
        REFERRAL = "referral", _("Referral")
        ATTACHMENT = "attachment", _("Document")

    class InterventionType(models.TextChoices):
        LISTENING = "listening", _("Listening and support")
        ACCOMPANIMENT = "accompaniment", _("Accompaniment")
        PAPERWORK = "paperwork", _("Paperwork and applications")
        ORIENTATION = "orientation", _("Orientation to services")
        MEDIATION = "mediation", _("Mediation")
        MATERIAL = "material", _("Material help")
        OTHER = "other", _("Other")

    class ContactChannel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Message")
        EMAIL = "email", _("E-mail")
        HOME_VISIT = "home_visit", _("Home visit")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    text = models.TextField(_("text"), max_length=4000, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the operators assigned to the case and the coordinators see it."),
    )
    intervention_type = models.CharField(
        _("type of intervention"), max_length=16, choices=InterventionType.choices, blank=True
    )
    minutes = models.PositiveIntegerField(
        _("minutes spent"), null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    with_whom = models.CharField(_("with whom"), max_length=200, blank=True)
    contact_channel = models.CharField(
        _("contact channel"), max_length=12, choices=ContactChannel.choices, blank=True
    )
    from_status = models.CharField(max_length=12, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Case.Status.choices, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential=False) | Q(kind="note"),
                name="caseevent_only_notes_are_confidential",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case.number})"


class FollowUp(models.Model):
    """A task on a case with a due date and an assignee, reminded before it is due."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    title = models.CharField(_("what to do"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_follow_ups",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class Referral(models.Model):
    """A case sent to a service of the resource map or to a partner association. A
    partner sees ``summary`` only, never the case file."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service of the resource map")
        PARTNER = "partner", _("Partner association")

    class Status(models.TextChoices):
        GIVEN = "given", _("Details given to the person")
        PENDING = "pending", _("Waiting for the partner")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("referred to"), max_length=8, choices=Kind.choices)
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_referrals",
        verbose_name=_("service"),
    )
    partner = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("partner association"),
    )
    summary = models.TextField(
        _("summary for the partner"),
        max_length=1500,
        blank=True,
        help_text=_("What the partner needs to know. They see this summary, never the case file."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    outcome = models.TextField(_("outcome"), max_length=1500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            # A service referral keeps its row when the service leaves the map later.
            models.CheckConstraint(
                condition=Q(kind="service", partner__isnull=True)
                | Q(kind="partner", partner__isnull=False, service__isnull=True),
                name="referral_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["case", "partner"],
                condition=Q(status="pending"),
                name="referral_one_pending_per_partner",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        target = self.service if self.kind == self.Kind.SERVICE else self.partner
        return _("Referral to %(target)s") % {"target": target}


ALLOWED_ATTACHMENT_TYPES = {
    # extension: (MIME type the file's bytes must show, kind)
    "pdf": ("application/pdf", "document"),
    "jpg": ("image/jpeg", "photo"),
    "jpeg": ("image/jpeg", "photo"),
    "png": ("image/png", "photo"),
    "webp": ("image/webp", "photo"),
    "heic": ("image/heic", "photo"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "document",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", "document"),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name says nothing about the person: the original name is a field.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower()
    return f"cases/{instance.case.association_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class CaseAccess(models.Model):
    """Who read which case file, and when. Append-only in the database (migration 0002):
    the log of reads is itself never edited."""

    class Action(models.TextChoices):
        DETAIL = "detail", _("Opened the case")
        ATTACHMENT = "attachment", _("Downloaded a document")
        PRINT = "print", _("Printed a referral")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_accesses"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("case file access")
        verbose_name_plural = _("case file accesses")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-at"]),
            models.Index(fields=["user", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.case.number} {self.at:%Y-%m-%d %H:%M}"


class DutyShiftQuerySet(TenantQuerySet):
    def on_duty(self, at=None):
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class DutyShift(models.Model):
    """A stretch of time an operator is on duty for the association's urgent cases."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="duty_shifts"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("operator"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="dutyshift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["association", "ends_at", "starts_at"])]

    def __str__(self) -> str:
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.operator} {starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M}"


class CaseSettings(models.Model):
    """Per-association settings of case management."""

    association = models.OneToOneField(
        Association, on_delete=models.CASCADE, related_name="case_settings"
    )
    escalation_minutes = models.PositiveSmallIntegerField(
        _("escalate critical cases after (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "If nobody opens a critical case within this time, the coordinators are alerted."
        ),
    )
    follow_up_reminder_hours = models.PositiveSmallIntegerField(
        _("remind follow-ups (hours before)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "case settings")
        verbose_name_plural = pgettext_lazy("model", "case settings")

    def __str__(self) -> str:
        return str(self.association)
