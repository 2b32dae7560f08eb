"""Courses and workshops, their sessions, who is enrolled or waiting, who attended,
who completed a course, and each person's secret calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Association, Language, Member, Skill, TenantQuerySet
from resources.models import Location


class Topic(models.TextChoices):
    SELF_MANAGEMENT = "self_management", _("Self-management of emergencies")
    COMMUNICATION = "communication", _("Effective communication")
    LISTENING = "listening", _("Active listening")
    RIGHTS = "rights", _("Rights, documents and services")
    DIGITAL = "digital", _("Digital skills")
    LANGUAGE = "language", _("Italian language")
    FACILITATION = "facilitation", _("Facilitator training")
    OTHER = "other", _("Other")


class CourseQuerySet(TenantQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def run_by(self, user):
        return self.filter(facilitators=user)


class Course(models.Model):
    """A course or a workshop: what it is about, the skills it builds, and its sessions.
    Facilitators edit the courses they run; coordinators all of them."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="courses", verbose_name=_("association")
    )
    title = models.CharField(_("title"), max_length=160)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    audience = models.CharField(
        _("for whom"),
        max_length=200,
        blank=True,
        help_text=_("e.g. women, newcomers, volunteers, everyone."),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="courses", verbose_name=_("skills it builds")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("languages")
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="courses_run", verbose_name=_("facilitators")
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("sessions to attend to complete it (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    cancel_hours = models.PositiveSmallIntegerField(
        _("cancellation allowed until (hours before)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )
    is_published = models.BooleanField(
        _("open for enrolment"),
        default=True,
        help_text=_("Members see it in the calendar and can enrol."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[facilitators])

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_facilitator_training(self) -> bool:
        return self.topic == Topic.FACILITATION


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def scheduled(self):
        return self.filter(status=Session.Status.SCHEDULED)

    def of_association(self, association):
        return self.filter(course__association=association)


class Session(models.Model):
    """One meeting of a course: when, where (a place of the resource map, a room, or
    online), how many places. ``enrolled_count`` is kept by the enrolment service under
    the session's row lock and checked by the database against ``capacity``."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place of the resource map"),
    )
    room = models.CharField(_("room or address"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places available"), default=15, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    enrolled_count = models.PositiveSmallIntegerField(default=0)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_run",
        verbose_name=_("facilitators"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Sessions created together as a weekly series share it.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["enrolled_count"])

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolled_count__lte=F("capacity")), name="session_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.enrolled_count)

    @property
    def where(self) -> str:
        if self.location_id:
            return str(self.location)
        return self.room or (_("Online") if self.online_url else "")


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Enrolment.Status.CANCELLED)

    def enrolled(self):
        return self.filter(status=Enrolment.Status.ENROLLED)

    def waiting(self):
        return self.filter(status=Enrolment.Status.WAITLISTED).order_by("created_at", "pk")


class Enrolment(models.Model):
    """A person in a session: enrolled, on the waitlist (in order of arrival) or
    cancelled; whether they attended, once the facilitator takes attendance."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=~Q(status="cancelled"),
                name="enrolment_once_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.session_id} ({self.status})"


class CourseCompletion(models.Model):
    """A person attended enough of a course's sessions: written once, with the date."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    sessions_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="course_completed_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} completed {self.course_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's calendar feed URL; a new one makes the old URL stop."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user_id)
