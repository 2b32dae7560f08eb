"""Personal emergency plans that members keep themselves (alone or with an operator):
scenarios from the coordinators' templates, contacts, places, documents with their
expiry, optional health notes, the go-bag; every saved change is a numbered version
(a snapshot), and activating the plan opens a critical case."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Association, Language, Member, TenantQuerySet
from resources.models import Service

from .cases import Case


def _localized(obj, field: str) -> str:
    """The Italian text, or the English one for people reading in another language."""
    italian = getattr(obj, f"{field}_it")
    if (get_language() or "it").startswith("it"):
        return italian
    return getattr(obj, f"{field}_en") or italian


class ScenarioKind(models.TextChoices):
    HOUSING = "housing", _("Eviction or loss of housing")
    INCOME = "income", _("Loss of income")
    HEALTH = "health", _("Health crisis")
    MENTAL_HEALTH = "mental_health", _("Mental-health crisis")
    VIOLENCE = "violence", _("Violence or abuse")
    DOCUMENTS = "documents", _("Documents or residence permit expiring")
    DISASTER = "disaster", _("Natural disaster")
    OWN = "own", _("My own scenario")


class ScenarioTemplate(models.Model):
    """A crisis the association's coordinators describe for everyone's plans: what to
    watch for, the first actions, what tends to help. A member's scenario starts as a
    copy they then make their own."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="scenario_templates",
        verbose_name=_("association"),
    )
    kind = models.CharField(_("crisis"), max_length=16, choices=ScenarioKind.choices)
    title_it = models.CharField(_("title in Italian"), max_length=120)
    title_en = models.CharField(_("title in English"), max_length=120)
    warning_signs_it = models.TextField(_("warning signs in Italian"), max_length=2000, blank=True)
    warning_signs_en = models.TextField(_("warning signs in English"), max_length=2000, blank=True)
    first_actions_it = models.TextField(
        _("first actions in Italian"),
        max_length=3000,
        blank=True,
        help_text=_("One action per line, in the order to take them."),
    )
    first_actions_en = models.TextField(
        _("first actions in English"),
        max_length=3000,
        blank=True,
        help_text=_("One action per line, in the order to take them."),
    )
    coping_it = models.TextField(_("what helps, in Italian"), max_length=2000, blank=True)
    coping_en = models.TextField(_("what helps, in English"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("offered to members"), default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("scenario template")
        verbose_name_plural = _("scenario templates")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "kind"], name="scenario_template_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localized(self, "title")

    @property
    def warning_signs(self) -> str:
        return _localized(self, "warning_signs")

    @property
    def coping(self) -> str:
        return _localized(self, "coping")

    @property
    def first_actions(self) -> list[str]:
        return [
            line.strip() for line in _localized(self, "first_actions").splitlines() if line.strip()
        ]


class GoBagItem(models.TextChoices):
    """The Protezione Civile's and Red Cross's go-bag list, as ticks."""

    WATER = "water", _("Water (two litres a person)")
    FOOD = "food", _("Food that keeps (tins, biscuits)")
    MEDICINES = "medicines", _("My medicines and prescriptions")
    DOCUMENT_COPIES = "document_copies", _("Copies of my documents")
    PHONE_CHARGER = "phone_charger", _("Phone charger and power bank")
    TORCH = "torch", _("Torch and batteries")
    RADIO = "radio", _("Battery radio")
    FIRST_AID = "first_aid", _("First-aid kit")
    CLOTHES = "clothes", _("Warm clothes and a blanket")
    HYGIENE = "hygiene", _("Hygiene items")
    CASH = "cash", _("Some cash")
    CHILDREN = "children", _("What the children need")
    KEYS = "keys", _("Spare keys")
    CONTACT_LIST = "contact_list", _("A paper list of my contacts")


class PlanQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def shared_with_staff(self):
        return self.filter(sharing=EmergencyPlan.Sharing.OPERATORS)


class EmergencyPlan(models.Model):
    """A member's personal emergency plan. One is active per member; every saved change
    is a numbered ``PlanVersion``. Writes go through ``services.plans``."""

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("Only me")
        OPERATORS = "operators", _("Me and my association's operators")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="plans", verbose_name=_("association")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="plans", verbose_name=_("person")
    )
    is_active = models.BooleanField(default=True)
    household = models.TextField(
        _("who lives with me"),
        max_length=1000,
        blank=True,
        help_text=_("Names and ages of the people in your home."),
    )
    dependants = models.TextField(
        _("people who depend on me"),
        max_length=1000,
        blank=True,
        help_text=_("Children, elderly or sick people, pets: who looks after them if you cannot."),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("languages I speak")
    )
    interpreter_needed = models.BooleanField(_("I need an interpreter"), default=False)
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        max_length=1000,
        blank=True,
        help_text=_("Wheelchair, hearing, sight, reading: what others must know to help you."),
    )
    sharing = models.CharField(
        _("who can see my plan"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE
    )
    go_bag_items = models.JSONField(_("ready in my bag"), default=list, blank=True)
    go_bag_other = models.TextField(_("other things in my bag"), max_length=1000, blank=True)
    money_notes = models.TextField(
        _("emergency money"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Where you keep some money, who could lend it. Never write PINs, passwords or "
            "access codes."
        ),
    )
    review_every_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    # The version the last review ended on: "what changed since" compares to it.
    reviewed_version = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    completeness = models.PositiveSmallIntegerField(
        _("completeness"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(is_active=True), name="plan_one_active_per_member"
            )
        ]
        indexes = [models.Index(fields=["association", "sharing", "is_active"])]

    def __str__(self) -> str:
        return _("Emergency plan of %(person)s") % {"person": self.member.full_name}

    @property
    def is_shared(self) -> bool:
        return self.sharing == self.Sharing.OPERATORS

    @property
    def review_due(self) -> bool:
        return self.next_review_on is not None and self.next_review_on <= timezone.localdate()


class PlanScenario(models.Model):
    """A crisis in the member's own words: warning signs, what helps, the ordered first
    actions (``PlanAction``) and the resources of the map to turn to."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="scenarios")
    template = models.ForeignKey(
        ScenarioTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("crisis"), max_length=16, choices=ScenarioKind.choices)
    title = models.CharField(_("title"), max_length=120)
    warning_signs = models.TextField(
        _("warning signs"),
        max_length=2000,
        blank=True,
        help_text=_("What tells you this crisis is coming."),
    )
    coping = models.TextField(
        _("what helps me"),
        max_length=2000,
        blank=True,
        help_text=_("Things you can do, people and places that calm you."),
    )
    # Only for violence or abuse, only if the member writes it: shown on their own plan
    # page and nowhere else (not in lists, prints, versions or messages).
    code_word = models.CharField(
        _("code word"),
        max_length=60,
        blank=True,
        help_text=_(
            "A word you agreed with someone you trust: when you say or write it, they know "
            "you are in danger. Only you see it here; leave it empty to keep it only in "
            "your head."
        ),
    )
    resources = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name=_("resources of the map")
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code_word="") | Q(kind="violence"),
                name="plan_scenario_code_word_only_for_violence",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    """One step of a scenario's checklist, and who does it."""

    scenario = models.ForeignKey(PlanScenario, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("what to do"), max_length=300)
    who = models.CharField(_("who does it"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanContact(models.Model):
    class Kind(models.TextChoices):
        TRUSTED = "trusted", _("Someone I trust")
        OUT_OF_AREA = "out_of_area", _("Contact outside my area")
        OPERATOR = "operator", _("My operator")
        DOCTOR = "doctor", _("Family doctor")
        LEGAL_AID = "legal_aid", _("Legal aid")
        CRISIS_LINE = "crisis_line", _("Crisis line")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("who"), max_length=12, choices=Kind.choices, default=Kind.TRUSTED)
    name = models.CharField(_("name"), max_length=120)
    relationship = models.CharField(_("relationship"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    alert_on_activation = models.BooleanField(
        _("tell them when I activate my plan"),
        default=False,
        help_text=_("They get a text message (and an e-mail if you give one)."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanPlace(models.Model):
    class Kind(models.TextChoices):
        SAFE_PLACE = "safe_place", _("A safe place for me")
        WAITING_AREA = "waiting_area", _("Municipal waiting area")
        SHELTER = "shelter", _("Shelter")
        FOOD = "food", _("Food point")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(
        _("place"), max_length=14, choices=Kind.choices, default=Kind.SAFE_PLACE
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on the resource map"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanDocument(models.Model):
    class Type(models.TextChoices):
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit (permesso di soggiorno)")
        PASSPORT = "passport", _("Passport")
        HEALTH_CARD = "health_card", _("Health card (tessera sanitaria)")
        TAX_CODE = "tax_code", _("Tax code (codice fiscale)")
        IDENTITY_CARD = "identity_card", _("Identity card")
        CONTRACT = "contract", _("Work or rental contract")
        OTHER = "other", _("Other document")

    #: Days before the expiry date when the member is reminded, each once.
    REMINDER_DAYS = (60, 30, 7)

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document"), max_length=20, choices=Type.choices)
    label = models.CharField(
        _("description"), max_length=120, blank=True, help_text=_("For another document.")
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    original_kept_at = models.CharField(_("where the original is"), max_length=200, blank=True)
    copies_kept_at = models.CharField(_("where the copies are"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label or self.get_doc_type_display()


class PlanHealth(models.Model):
    """Optional, only with the health-data consent: hidden as soon as it is withdrawn,
    deleted (with its copies in the versions) by the next purge."""

    plan = models.OneToOneField(EmergencyPlan, on_delete=models.CASCADE, related_name="health")
    conditions = models.TextField(_("health conditions"), max_length=1000, blank=True)
    allergies = models.TextField(_("allergies"), max_length=1000, blank=True)
    medicines = models.TextField(_("medicines I take"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("health notes")
        verbose_name_plural = _("health notes")

    def __str__(self) -> str:
        return str(self.plan_id)


class PlanVersion(models.Model):
    """The whole plan as it was after one saved change, and who made it."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    section = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanDraft(models.Model):
    """What someone typed in a plan section and has not saved yet (autosaved), offered
    back when they open the section again."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="drafts")
    section = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "section", "author"], name="plan_draft_one_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.section}"


class PlanActivation(models.Model):
    """ "I am in this crisis now": the case it opened, and the contacts it alerted. One
    open activation per plan (a second tap finds the first)."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="plan_activations")
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="activations")
    scenario = models.ForeignKey(
        PlanScenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=ScenarioKind.choices)
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="plan_activation", null=True, blank=True
    )
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(is_open=True), name="plan_one_open_activation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.created_at:%Y-%m-%d %H:%M}"


class ContactAlert(models.Model):
    """A message to a contact outside Nucleo when the plan is activated: its own outbox
    row, claimed before sending, so a retried task never texts anyone twice."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    activation = models.ForeignKey(
        PlanActivation, on_delete=models.CASCADE, related_name="contact_alerts"
    )
    contact = models.ForeignKey(PlanContact, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=254)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activation", "contact", "channel"], name="contact_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activation_id} {self.channel} {self.name}"
