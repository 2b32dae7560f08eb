"""People and access: users, associations (the tenants), memberships and roles, the member
registry, invitations and the sign-in log."""

from __future__ import annotations

import re
import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")
    OPERATOR = "operator", _("Operator")
    COORDINATOR = "coordinator", _("Coordinator")


#: Roles that read personal files and so must sign in with a second factor.
STAFF_ROLES = frozenset({Role.OPERATOR, Role.COORDINATOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("The email must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The e-mail address is the login; there is no username."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the person may sign in to the Django admin."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    phone = models.CharField(
        _("mobile phone for text messages"),
        max_length=32,
        blank=True,
        help_text=_("With the country code, e.g. +39 333 123 4567."),
    )
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Association(models.Model):
    """A third-sector association of the partnership: the tenant of every record."""

    class Kind(models.TextChoices):
        ODV = "odv", _("ODV – voluntary organisation")
        APS = "aps", _("APS – social promotion association")
        OTHER = "other", _("Other ETS")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    fiscal_code = models.CharField(
        _("fiscal code"),
        max_length=16,
        unique=True,
        validators=[
            RegexValidator(
                r"^([0-9]{11}|[A-Z0-9]{16})$",
                _("A fiscal code has 11 digits (an entity) or 16 letters and digits."),
            )
        ],
    )
    kind = models.CharField(_("ETS kind"), max_length=8, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet):
    """Base queryset for every record that belongs to an association.

    ``for_association`` is the one door through which views reach tenant rows: a row of
    another association is simply not there, so a guessed URL answers 404.
    """

    def for_association(self, association: Association | None):
        if association is None:
            return self.none()
        return self.filter(association=association)


class MembershipQuerySet(TenantQuerySet):
    def with_role(self, *roles: str):
        condition = Q()
        for role in roles:
            condition |= Q(**{f"is_{role}": True})
        return self.filter(condition)


class Membership(models.Model):
    """A user's place in one association, with one or more roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("association"),
    )
    is_member = models.BooleanField(_("member"), default=False)
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    is_operator = models.BooleanField(_("operator"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association"], name="membership_unique_user_association"
            ),
            models.CheckConstraint(
                condition=Q(is_member=True)
                | Q(is_facilitator=True)
                | Q(is_operator=True)
                | Q(is_coordinator=True),
                name="membership_has_a_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.association}"

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, *roles: str) -> bool:
        return any(getattr(self, f"is_{role}") for role in roles)

    @property
    def is_staff_role(self) -> bool:
        return self.has_role(*STAFF_ROLES)


class Language(models.Model):
    """A language people speak, by ISO 639 code (shared by every module)."""

    code = models.CharField(_("ISO code"), max_length=8, primary_key=True)
    name_en = models.CharField(_("name in English"), max_length=80)
    name_it = models.CharField(_("name in Italian"), max_length=80)
    native_name = models.CharField(_("native name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_en"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_it if (get_language() or "it").startswith("it") else self.name_en


def _current_year() -> int:
    return date.today().year


class MemberQuerySet(TenantQuerySet):
    def search(self, text: str):
        """Each word must match somewhere; a name word also matches by its key, so
        "mohammed" finds "Mohamed" and "Muhammad" (members.names)."""
        from .names import name_key

        text = text.strip()
        if not text:
            return self
        condition = Q()
        for word in text.split():
            matches = (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
            )
            key = name_key(word)
            if " " not in key and len(key) >= 2:
                matches |= Q(name_key__regex=rf"(^| ){re.escape(key)}")
            condition &= matches
        return self.filter(condition)


class Member(models.Model):
    """A person in an association's registry. May have no user account: operators
    register people who have none. Data is kept to the minimum the unit needs."""

    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("association"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_profiles",
        verbose_name=_("user account"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    preferred_language = models.ForeignKey(
        Language,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred language"),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="speakers", verbose_name=_("languages spoken")
    )
    phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()./-]{6,30}$",
                _("Enter a phone number with digits only, optionally starting with +."),
            )
        ],
    )
    email = models.EmailField(_("email"), blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    zone = models.CharField(_("zone"), max_length=120, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(_current_year)],
    )
    household_size = models.PositiveSmallIntegerField(
        _("household size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    operator_notes = models.TextField(
        _("notes for operators"),
        blank=True,
        help_text=_("Seen only by the association's operators and coordinators."),
    )
    # members.names.name_key of the full name, kept by the registry services: finds
    # duplicates and searches across transliterations ("Mohamed" = "Muhammad").
    name_key = models.CharField(
        _("name key"), max_length=310, blank=True, db_index=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the anonymisation: the row stays (evaluation counts it), the person is gone.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # When the coordinators were warned that the retention task will anonymise the entry.
    retention_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[languages])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user"],
                condition=Q(user__isnull=False),
                name="member_one_profile_per_user_and_association",
            )
        ]
        indexes = [models.Index(fields=["association", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + settings.NUCLEO_INVITATION_VALIDITY


class InvitationQuerySet(TenantQuerySet):
    def usable(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """The only way into Nucleo: the association decides who joins, with which role."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("association"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("registry entry"),
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.association}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("pending")


class SignInAttempt(models.Model):
    """Every sign-in attempt, successful or not, for coordinators to read."""

    class Step(models.TextChoices):
        PASSWORD = "password", _("password")
        SECOND_FACTOR = "second_factor", _("authenticator code")

    email = models.CharField(_("email given"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_attempts",
        verbose_name=_("user"),
    )
    succeeded = models.BooleanField(_("succeeded"))
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.PASSWORD)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


# --- Notifications --------------------------------------------------------------------


class Channel(models.TextChoices):
    IN_APP = "in_app", _("in the app")
    EMAIL = "email", _("email")
    SMS = "sms", _("text message")


class KindGroup(models.TextChoices):
    """What people choose channels for. Each notification kind belongs to one group."""

    REMINDERS = "reminders", _("Reminders")
    CASE_ALERTS = "case_alerts", _("Case alerts")
    NETWORK_OFFERS = "network_offers", _("Solidarity network offers")
    COMMUNITY_ALERTS = "community_alerts", _("Community alerts")
    ACCOUNT = "account", _("Your account")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    """What a person is told, in their inbox; its deliveries carry it to other channels.

    Title and body are rendered in the recipient's language when it is created. ``key``
    makes creation idempotent: the same event never notifies the same person twice.
    """

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("normal")
        URGENT = "urgent", _("urgent")

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("association"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT


class DeliveryQuerySet(models.QuerySet):
    def for_association(self, association):
        if association is None:
            return self.none()
        return self.filter(notification__association=association)


class Delivery(models.Model):
    """One notification on one channel: the outbox row a worker claims and sends."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    key = models.CharField(max_length=220, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_outbox_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key


class ChannelPreference(models.Model):
    """A person's choice of a channel for a group of notifications (in-app is always on).
    Without a row, the group's default applies (``notification_kinds.DEFAULT_CHANNELS``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences"
    )
    group = models.CharField(max_length=20, choices=KindGroup.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "channel"], name="channel_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.group} {self.channel}: {self.enabled}"


class Reminder(models.Model):
    """A notification to send later. Other apps schedule it by a key of their own
    (``workshop-session:42:reminder-24h:user:7``) and move or cancel it with its source."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    key = models.CharField(max_length=180, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=64)
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Bumped each time the reminder is moved or restored: part of its message's key, so
    # a new time is a new message and a repeat of the same one stays one.
    version = models.PositiveIntegerField(default=0)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="scheduled"),
                name="reminder_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key


# --- Consent ----------------------------------------------------------------------------


class ConsentPurpose(models.TextChoices):
    """What a person may agree to, one by one (GDPR art. 6 and 9: each purpose apart)."""

    REGISTRY = "registry", _("Keeping my details in the association's registry")
    PLAN = "plan", _("Keeping my personal emergency plan")
    HEALTH = "health", _("Health information in my emergency plan")
    EVALUATION = "evaluation", _("Evaluation surveys and feedback")
    PARTNER_SHARING = "partner_sharing", _("Sharing my details with partner associations")
    PHOTOS = "photos", _("Photos and videos of activities")


class PrivacyNotice(models.Model):
    """A version of an association's privacy notice (informativa). A consent records the
    version the person was shown; a new version is a new row, never an edit."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="privacy_notices",
        verbose_name=_("association"),
    )
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "version"], name="privacy_notice_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.version}"


class ConsentQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A person's consent to one purpose: given (online, or on paper and recorded by an
    operator) and possibly withdrawn later. A new consent after a withdrawal is a new row,
    so the whole story stays readable."""

    class Method(models.TextChoices):
        ONLINE = "online", _("online, by the person")
        PAPER = "paper", _("on paper, recorded by staff")
        VERBAL = "verbal", _("verbally, recorded by staff")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="consents", verbose_name=_("member")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("privacy notice shown"),
    )
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    given_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    history = HistoricalRecords()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["purpose", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- Empowerment path ---------------------------------------------------------------------


class EmpowermentStage(models.TextChoices):
    """The journey the unit hopes for: from being helped to helping others."""

    REGISTERED = "registered", _("Registered")
    TRAINED = "trained", _("Trained")
    VOLUNTEER = "volunteer", _("Volunteer")
    FACILITATOR = "facilitator", _("Facilitator")


class EmpowermentStep(models.Model):
    """The day a person reached a stage of the path: written once per stage by the
    service that causes it (the training app for "trained"), counted by evaluation."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="empowerment_steps")
    stage = models.CharField(_("stage"), max_length=12, choices=EmpowermentStage.choices)
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("empowerment step")
        verbose_name_plural = _("empowerment steps")
        ordering = ["reached_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "stage"], name="empowerment_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.stage}"


# --- Volunteers of the solidarity network --------------------------------------------------


class Skill(models.Model):
    """An entry of the association's skills catalogue, maintained by coordinators.
    Interpreting is one skill per language."""

    class Kind(models.TextChoices):
        INTERPRETING = "interpreting", _("Interpreting")
        ACCOMPANIMENT = "accompaniment", _("Accompaniment")
        DIGITAL = "digital", _("Digital help")
        PAPERWORK = "paperwork", _("Paperwork")
        LISTENING = "listening", _("Listening")
        CHILDCARE = "childcare", _("Childcare")
        TRANSPORT = "transport", _("Transport")
        COOKING = "cooking", _("Cooking")
        OTHER = "other", _("Other")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="skills", verbose_name=_("association")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_it = models.CharField(_("name in Italian"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
        help_text=_("For interpreting: the language interpreted."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["kind", "name_it"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name_it"], name="skill_unique_name"),
            models.CheckConstraint(
                condition=~Q(kind="interpreting") | Q(language__isnull=False),
                name="skill_interpreting_has_language",
            ),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_it if (get_language() or "it").startswith("it") else self.name_en


class VolunteerQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(opted_out_at__isnull=True)

    def available(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.active().filter(Q(paused_until__isnull=True) | Q(paused_until__lt=on))


class VolunteerProfile(models.Model):
    """A member who opted in to the solidarity network: what they can do, where, when
    and how much. Opting out keeps the row (their contributions stay counted)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="volunteer", verbose_name=_("member")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers")
    zones = models.CharField(
        _("zones"),
        max_length=300,
        blank=True,
        help_text=_("Neighbourhoods or towns where you can help, separated by commas."),
    )
    max_active_tasks = models.PositiveSmallIntegerField(
        _("maximum tasks at a time"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    paused_until = models.DateField(
        _("not available until"),
        null=True,
        blank=True,
        help_text=_("Leave empty when you are available."),
    )
    opted_in_at = models.DateTimeField(_("joined the network"), default=timezone.now)
    opted_out_at = models.DateTimeField(_("left the network"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[skills])

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self) -> str:
        return str(self.member)

    @property
    def zone_list(self) -> list[str]:
        return [zone.strip() for zone in self.zones.split(",") if zone.strip()]

    @property
    def is_active(self) -> bool:
        return self.opted_out_at is None

    def is_paused(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.paused_until is not None and self.paused_until >= on


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilitySlot(models.Model):
    """A weekly window when a volunteer can help (local time)."""

    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability slot")
        verbose_name_plural = _("availability slots")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "weekday", "starts_at"], name="slot_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class VolunteerRegisterEntry(models.Model):
    """A line of the register of non-occasional volunteers (Codice del Terzo Settore
    art. 17, DM 6 Oct 2021). Append-only: PostgreSQL refuses updates and deletes
    (migration 0007's trigger); a correction or the end of service is a new entry
    pointing at the one it amends. Numbered per association, in order of writing."""

    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("enrolment")
        CORRECTION = "correction", _("correction")
        END = "end", _("end of service")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="+", verbose_name=_("association")
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("entry"), max_length=12, choices=Kind.choices)
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends entry"),
    )
    # The register is a legal record in its own right: it keeps its own copy of the
    # person's details and outlives the registry entry (an erasure leaves it, as a
    # legal hold).
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_entries",
        verbose_name=_("member"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    fiscal_code = models.CharField(
        _("fiscal code"),
        max_length=16,
        validators=[
            RegexValidator(
                r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$",
                _("A personal fiscal code has 16 letters and digits, e.g. RSSMRA85M01B963X."),
            )
        ],
    )
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=120)
    residence = models.CharField(_("residence"), max_length=250)
    start_date = models.DateField(_("start of service"))
    end_date = models.DateField(_("end of service"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer register entry")
        verbose_name_plural = _("volunteer register")
        ordering = ["association", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "number"], name="register_entry_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="register_entry_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="enrolment", amends__isnull=True)
                | (~Q(kind="enrolment") & Q(amends__isnull=False)),
                name="register_entry_amends_unless_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.last_name} {self.first_name}"


class InsurancePolicy(models.Model):
    """The insurance that covers volunteers (CTS art. 18): coordinators are reminded
    before it expires."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    insurer = models.CharField(_("insurer"), max_length=150)
    policy_number = models.CharField(_("policy number"), max_length=60)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    volunteers = models.ManyToManyField(
        VolunteerProfile, blank=True, related_name="policies", verbose_name=_("volunteers covered")
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[volunteers])

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="policy_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["association", "policy_number"], name="policy_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


# --- Rights: erasure and import ------------------------------------------------------------


class ErasureRequest(models.Model):
    """A person's request to be forgotten: a coordinator decides (legal holds shown),
    then the anonymisation runs. The request keeps no personal data of its own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved, anonymising")
        REFUSED = "refused", _("refused")
        DONE = "done", _("anonymised")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        related_name="erasure_requests",
        verbose_name=_("member"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    completed_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["pending", "approved"]),
                name="erasure_one_open_request_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status}"


class ImportProgress:
    """What an import job's progress bar reads (``total_rows``, ``processed_rows``): the
    member import here, the resource import in ``resources``."""

    total_rows: int
    processed_rows: int

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class MemberImportJob(ImportProgress, models.Model):
    """An association's spreadsheet of members being imported, with progress."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked")
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="member-imports/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
