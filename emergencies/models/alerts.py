"""Community alerts: a message to the members of a zone and language, in several
languages, answered with one tap ("I'm safe" / "I need help")."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Association, Language, Member, TenantQuerySet

from .network import HelpRequest


class CommunityAlert(models.Model):
    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent: sent at once, also at night")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", pgettext_lazy("alert", "Sent")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="community_alerts"
    )
    subject = models.CharField(
        _("subject (for the coordinators)"),
        max_length=120,
        help_text=_("e.g. Heat wave, 12 July. Members read the texts below."),
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    zones = models.CharField(
        _("zones"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas. Empty: every member of the association."),
    )
    languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="+",
        verbose_name=_("only speakers of"),
        help_text=_("Empty: whatever language they speak."),
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=True)
    ask_check_in = models.BooleanField(
        _("ask them to answer “I'm safe” or “I need help”"), default=True
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="draft")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("community alert")
        verbose_name_plural = _("community alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def zone_list(self) -> list[str]:
        return [zone.strip() for zone in self.zones.split(",") if zone.strip()]


class AlertText(models.Model):
    """The alert in one language; Italian is the fallback for everyone else."""

    alert = models.ForeignKey(CommunityAlert, on_delete=models.CASCADE, related_name="texts")
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), max_length=1000)

    class Meta:
        verbose_name = _("alert text")
        verbose_name_plural = _("alert texts")
        constraints = [
            models.UniqueConstraint(fields=["alert", "language"], name="alerttext_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.alert} ({self.language_id})"


def _answer_token() -> str:
    return secrets.token_urlsafe(24)


class AlertAnswer(models.Model):
    """One member's row of an alert: notified, reminded, and their answer."""

    class Answer(models.TextChoices):
        SAFE = "safe", _("I'm safe")
        NEED_HELP = "need_help", _("I need help")

    alert = models.ForeignKey(CommunityAlert, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="alert_answers")
    token = models.CharField(max_length=40, unique=True, default=_answer_token, editable=False)
    language = models.ForeignKey(
        Language, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified = models.BooleanField(default=False)  # False: no account, operators call
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    help_request = models.OneToOneField(
        HelpRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alert_answer",
    )

    class Meta:
        verbose_name = _("alert answer")
        verbose_name_plural = _("alert answers")
        constraints = [
            models.UniqueConstraint(fields=["alert", "member"], name="alertanswer_once_per_member")
        ]
        indexes = [models.Index(fields=["alert", "answer"])]

    def __str__(self) -> str:
        return f"{self.alert} · {self.member}"
