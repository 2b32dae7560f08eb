"""The solidarity network: help requests, the offers made to volunteers, and the
volunteers' debriefs after a task."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.models import Association, Language, Member, Skill, TenantQuerySet, VolunteerProfile

from .cases import Case


class RequestKind(models.TextChoices):
    """What people most often ask the network for: the form offers these first."""

    ACCOMPANY = "accompany", _("Accompany and interpret at an appointment")
    ONLINE_FORM = "online_form", _("Help with an online form")
    LIFT = "lift", _("A lift")
    MEAL = "meal", _("A meal")
    LISTENING = "listening", _("Someone to listen")
    OTHER = "other", _("Something else")


class HelpRequestQuerySet(TenantQuerySet):
    def assigned(self):
        """Tasks a volunteer holds now: they count against their maximum."""
        return self.filter(status=HelpRequest.Status.ASSIGNED)


class HelpRequest(models.Model):
    """A hand a member needs from another member. Volunteers see ``public_summary``
    before accepting; ``private_details`` only once assigned, and no longer after the
    task is done plus the association's grace period."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("help request", "Open")
        OFFERED = "offered", _("Offered to volunteers")
        ASSIGNED = "assigned", _("A volunteer is on it")
        DONE = "done", _("Done, to be confirmed")
        CONFIRMED = "confirmed", _("Done and confirmed")
        UNMATCHED = "unmatched", _("Nobody available")
        CANCELLED = "cancelled", pgettext_lazy("help request", "Cancelled")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="help_requests"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name=_("person to help"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name=_("case"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    kind = models.CharField(_("what is needed"), max_length=12, choices=RequestKind.choices)
    public_summary = models.CharField(
        _("summary for volunteers"),
        max_length=300,
        help_text=_(
            "What volunteers read before accepting: the task, not the person. "
            "No names, addresses or phone numbers here."
        ),
    )
    private_details = models.TextField(
        _("details for the volunteer who accepts"),
        max_length=2000,
        blank=True,
        help_text=_("Name, address, phone, what to know: shown only to the volunteer assigned."),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="help_requests", verbose_name=_("skills needed")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("languages needed")
    )
    zone = models.CharField(_("zone"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("about how long (minutes)"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(12 * 60)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("volunteer"),
    )
    offer_round = models.PositiveSmallIntegerField(default=0, editable=False)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    minutes_spent = models.PositiveSmallIntegerField(
        _("time spent (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    thanks = models.CharField(_("a word of thanks"), max_length=500, blank=True)
    # Hours are logged by the volunteer and confirmed by an operator (the register's
    # and the annual report's figures).
    hours_confirmed_at = models.DateTimeField(_("hours confirmed"), null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the operator was told nobody accepted (once).
    unmatched_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["private_details"])

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="helprequest_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "done", "confirmed"])
                | Q(volunteer__isnull=False, assigned_at__isnull=False),
                name="helprequest_assigned_has_volunteer",
            ),
        ]
        indexes = [models.Index(fields=["association", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.OFFERED, self.Status.UNMATCHED)

    def details_visible_until(self, grace: timedelta):
        """Until when the assigned volunteer may read the private details."""
        if self.done_at is None:
            return None  # as long as the task is theirs
        return self.done_at + grace


class Offer(models.Model):
    """A help request offered to one volunteer: the first to accept gets it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("offer", "Declined")
        EXPIRED = "expired", _("No answer in time")
        TAKEN = "taken", _("Taken by someone else")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="offers")
    round = models.PositiveSmallIntegerField(default=1)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["round", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="offer_once_per_volunteer"
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.request} → {self.volunteer}"


class NetworkSettings(models.Model):
    association = models.OneToOneField(
        Association, on_delete=models.CASCADE, related_name="network_settings"
    )
    offer_count = models.PositiveSmallIntegerField(
        _("volunteers asked at a time"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    offer_timeout_minutes = models.PositiveSmallIntegerField(
        _("minutes to answer an offer"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )
    details_grace_hours = models.PositiveSmallIntegerField(
        _("hours the details stay visible after a task"),
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 14)],
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "network settings")
        verbose_name_plural = pgettext_lazy("model", "network settings")

    def __str__(self) -> str:
        return str(self.association)


class Debrief(models.Model):
    """ "How are you after this?": a volunteer's check-in after a task."""

    class Feeling(models.TextChoices):
        FINE = "fine", _("I am fine")
        TIRED = "tired", _("Tired, but all right")
        SHAKEN = "shaken", _("It was hard for me")

    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="debriefs"
    )
    request = models.ForeignKey(
        HelpRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="debriefs"
    )
    feeling = models.CharField(_("how are you"), max_length=8, choices=Feeling.choices)
    note = models.CharField(_("anything to add"), max_length=500, blank=True)
    wants_callback = models.BooleanField(_("I would like an operator to call me"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "request"],
                condition=Q(request__isnull=False),
                name="debrief_once_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.get_feeling_display()}"
