"""Support groups: led by facilitators, with members who asked to join and were
welcomed, recurring meetings (a recurrence rule and its exceptions), attendance,
notices to the group and the facilitators' own notes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Association, Language, Member, TenantQuerySet
from resources.models import Location


class SupportGroup(models.Model):
    """What is said in a group stays there: its notes are for its facilitators only."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Every week")
        BIWEEKLY = "BIWEEKLY", _("Every two weeks")
        MONTHLY = "MONTHLY", _("Every month")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="support_groups"
    )
    name = models.CharField(_("name"), max_length=160)
    theme = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place of the resource map"),
    )
    room = models.CharField(_("room or address"), max_length=200, blank=True)
    open_to_requests = models.BooleanField(
        _("new people may ask to join"),
        default=True,
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="groups_run", verbose_name=_("facilitators")
    )
    frequency = models.CharField(
        _("meets"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    first_meeting_at = models.DateTimeField(_("first meeting"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    until = models.DateField(_("last meeting by"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    materials = models.ManyToManyField(
        "training.Material", blank=True, related_name="groups", verbose_name=_("materials")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("support group")
        verbose_name_plural = _("support groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def where(self) -> str:
        return str(self.location) if self.location_id else self.room


class GroupMembership(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        MEMBER = "member", _("In the group")
        DECLINED = "declined", _("Not admitted")
        LEFT = "left", _("Left the group")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="group_memberships")
    status = models.CharField(max_length=10, choices=Status.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="group_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.group_id}: {self.status}"


class GroupMeeting(models.Model):
    """One meeting of a group, made from its recurrence; cancelling one is the
    exception (it stays, cancelled, so the rule does not bring it back)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attendees = models.ManyToManyField(Member, blank=True, related_name="group_meetings_attended")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="group_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class GroupNotice(models.Model):
    """A message to everyone in the group (sent through the notifications engine)."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="notices")
    text = models.TextField(_("message"), max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class GroupNote(models.Model):
    """A facilitator's note: read by the facilitators of this group, nobody else."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="notes")
    meeting = models.ForeignKey(
        GroupMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="group_note_not_empty")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.created_at:%Y-%m-%d}"
