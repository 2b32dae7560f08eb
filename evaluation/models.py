"""The tables of continuous evaluation: feedback requested once per event and person
(answered once, through a signed link, optionally anonymously), WHO-5 wellbeing
check-ins, and skill self-assessments before and after a course."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Association, Member, Skill


def _token() -> str:
    return secrets.token_urlsafe(24)


class EventKind(models.TextChoices):
    SESSION = "session", _("A workshop session")
    GROUP_MEETING = "group_meeting", _("A support group meeting")
    CASE = "case", _("Help from the association")
    HELP_REQUEST = "help_request", _("Help from a volunteer")


class FeedbackRequest(models.Model):
    """ "How was it?" for one person about one event: made once (the unique key), by the
    periodic task that finds the events; its token is the answer link's key."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="feedback_requests")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "member"], name="feedback_request_once"
            )
        ]
        indexes = [
            models.Index(fields=["association", "kind", "created_at"]),
            models.Index(fields=["association", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} → {self.member_id}"


def day_of(moment):
    """Midnight of the local day of ``moment``: when an anonymous answer was given."""
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


#: Events that concern one person only: an anonymous answer about one of them does not
#: keep which one it was (the event would name the person).
ONE_PERSON_EVENTS = frozenset({EventKind.CASE, EventKind.HELP_REQUEST})


class FeedbackAnswer(models.Model):
    """A rating and an optional comment. An anonymous answer keeps no link to its request
    nor its person: only the association, the kind of event, the day, and which event
    when it was a group's (a session, a meeting) — see :meth:`anonymous`."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    request = models.OneToOneField(
        FeedbackRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="answer"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["association", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.rating}"

    @classmethod
    def anonymous(cls, *, association_id, kind, object_id, answered_at, **fields):
        """An answer nobody can trace back: no request; the event only when it was a
        group's; the day it was given, not the minute (the minute would match the
        request's)."""
        return cls(
            association_id=association_id,
            request=None,
            kind=kind,
            object_id=None if kind in ONE_PERSON_EVENTS else object_id,
            answered_at=day_of(answered_at),
            **fields,
        )


class WellbeingCheckIn(models.Model):
    """A WHO-5 Well-Being Index answer: five items scored 0-5 over the last two weeks."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="checkins")
    answered_at = models.DateTimeField(default=timezone.now, db_index=True)
    items = models.JSONField()
    raw = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    is_low = models.BooleanField()

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(raw__lte=25), name="checkin_raw_at_most_25"),
            models.CheckConstraint(
                condition=Q(percent=models.F("raw") * 4), name="checkin_percent_is_raw_times_4"
            ),
        ]
        indexes = [models.Index(fields=["association", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.percent}%"


class SkillAssessment(models.Model):
    """How good a person feels at a skill (1-5): when they enrol, after the course, or
    both at the end (the retrospective form for low-literacy groups)."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before the course")
        AFTER = "after", _("After the course")
        RETRO_BEFORE = "retro_before", _("Before the course, remembered at the end")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="skill_assessments")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(
        "training.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase = models.CharField(max_length=12, choices=Phase.choices)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "skill", "course", "phase"], name="skill_assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.skill_id} {self.phase} {self.level}"


class EvaluationSettings(models.Model):
    """Whether the association lets its figures count in the partnership's aggregate
    (decided by its coordinators; off until they say so)."""

    association = models.OneToOneField(
        Association, on_delete=models.CASCADE, related_name="evaluation_settings"
    )
    share_with_partnership = models.BooleanField(
        _("count our figures in the partnership's totals"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.association_id}: {self.share_with_partnership}"
