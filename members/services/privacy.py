"""Data-protection rights: the export of everything held on a person, erasure requests
decided by a coordinator, the anonymisation, and the retention of inactive members.

Each association is the data controller of its own registry: an export and an
anonymisation cover one registry entry (``Member``) and what hangs on it, plus the
person's account when no other association uses it. Other apps take part through the
registries of ``members.privacy``; members' own sections, holds and anonymisers are
registered at the bottom of this module (imported by ``MembersConfig.ready``).

The anonymisation keeps rows and replaces what identifies someone, in the live tables
and in their history tables: the evaluation still counts members, consents,
empowerment steps, volunteers and memberships, and nobody can tell whose they were.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import privacy
from ..models import (
    AvailabilitySlot,
    ChannelPreference,
    Consent,
    EmpowermentStep,
    ErasureRequest,
    InsurancePolicy,
    Invitation,
    Member,
    Membership,
    Notification,
    Reminder,
    Role,
    SignInAttempt,
    User,
    VolunteerProfile,
    VolunteerRegisterEntry,
)
from .access import role_require
from .notifications import notify, notify_many

#: What an anonymised entry is called: no personal data, the same in every language.
ANONYMOUS_NAME = "—"
#: How long the volunteer register is kept after the end of service (art. 2220 c.c.).
REGISTER_RETENTION_YEARS = 10
EXPORT_FORMAT = "nucleo.member-export.v1"


# --- Export ----------------------------------------------------------------------------


def member_export(*, member: Member) -> dict:
    """Everything Nucleo holds on ``member`` in their association, JSON-serialisable:
    one key per registered section (members' own first), in the registry's order."""
    sections = {section.code: section.collect(member) for section in privacy.EXPORT_SECTIONS}
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "controller": {
            "association": member.association.name,
            "fiscal_code": member.association.fiscal_code,
        },
        "member_id": member.pk,
        "sections": sections,
    }


def _account(member: Member):
    user = member.user
    if user is None:
        return None
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    data = privacy.serialise(
        user,
        fields=[
            "email",
            "first_name",
            "last_name",
            "language",
            "phone",
            "quiet_hours_start",
            "quiet_hours_end",
            "date_joined",
            "last_login",
            "is_active",
        ],
    )
    data["email_addresses"] = [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("pk")
    ]
    # Which second factors are set up, never their secrets.
    data["second_factors"] = sorted(
        Authenticator.objects.filter(user=user).values_list("type", flat=True)
    )
    data["channel_preferences"] = [
        {"group": group, "channel": channel, "enabled": enabled}
        for group, channel, enabled in ChannelPreference.objects.filter(user=user)
        .order_by("group", "channel")
        .values_list("group", "channel", "enabled")
    ]
    return data


def _memberships(member: Member):
    if member.user_id is None:
        return []
    memberships = Membership.objects.filter(user_id=member.user_id, association=member.association)
    return [
        {
            **privacy.serialise(membership, exclude=["user"]),
            "roles": [role.value for role in membership.roles],
            "history": privacy.history_rows(
                membership.history.all(), member=member, exclude=["user"]
            ),
        }
        for membership in memberships
    ]


def _m2m_history(history: QuerySet, through_name: str, value_field: str) -> dict[int, list]:
    """Values of an m2m field per history record (simple_history keeps them apart)."""
    through = getattr(history.model, through_name).model
    found: dict[int, list] = {}
    for history_id, value in (
        through.objects.filter(history__in=history)
        .order_by(value_field)
        .values_list("history_id", value_field)
    ):
        found.setdefault(history_id, []).append(value)
    return found


def _registry(member: Member):
    history = member.history.all()
    languages = _m2m_history(history, "languages", "language_id")
    rows = privacy.history_rows(history, member=member)
    ids = list(history.order_by("history_date", "history_id").values_list("history_id", flat=True))
    for row, history_id in zip(rows, ids, strict=True):
        row["languages"] = languages.get(history_id, [])
    return {
        **privacy.serialise(member),
        "languages": sorted(member.languages.values_list("code", flat=True)),
        "history": rows,
    }


def _consents(member: Member):
    return [
        {
            **privacy.serialise(consent, exclude=["given_recorded_by", "withdrawn_recorded_by"]),
            "notice_version": consent.notice.version,
            "notice_published_at": privacy.plain(consent.notice.published_at),
            "history": privacy.history_rows(
                consent.history.all(),
                member=member,
                exclude=["given_recorded_by", "withdrawn_recorded_by"],
            ),
        }
        for consent in Consent.objects.filter(member=member).select_related("notice")
    ]


def _empowerment(member: Member):
    return [
        {"stage": step.stage, "reached_at": privacy.plain(step.reached_at)}
        for step in EmpowermentStep.objects.filter(member=member).order_by("reached_at")
    ]


def _volunteer(member: Member):
    profile = VolunteerProfile.objects.filter(member=member).first()
    if profile is None:
        return None
    history = profile.history.all()
    skills_by_record = _m2m_history(history, "skills", "skill_id")
    rows = privacy.history_rows(history, member=member)
    ids = list(history.order_by("history_date", "history_id").values_list("history_id", flat=True))
    for row, history_id in zip(rows, ids, strict=True):
        row["skills"] = skills_by_record.get(history_id, [])
    return {
        **privacy.serialise(profile),
        "skills": [
            {"id": skill.pk, "name_it": skill.name_it, "name_en": skill.name_en}
            for skill in profile.skills.order_by("name_it")
        ],
        "slots": [
            privacy.serialise(slot, exclude=["volunteer"])
            for slot in AvailabilitySlot.objects.filter(volunteer=profile)
        ],
        "history": rows,
    }


def _register(member: Member):
    return [
        privacy.serialise(entry, exclude=["recorded_by"])
        for entry in VolunteerRegisterEntry.objects.filter(member=member).order_by("number")
    ]


def _insurance(member: Member):
    return [
        privacy.serialise(policy, fields=["insurer", "policy_number", "starts_on", "ends_on"])
        for policy in InsurancePolicy.objects.filter(volunteers__member=member).order_by(
            "starts_on"
        )
    ]


def _notifications(member: Member):
    if member.user_id is None:
        return []
    notifications = Notification.objects.filter(recipient_id=member.user_id).filter(
        Q(association=member.association) | Q(association__isnull=True)
    )
    return [
        {"title": title, "created_at": privacy.plain(created), "read_at": privacy.plain(read)}
        for title, created, read in notifications.values_list("title", "created_at", "read_at")
    ]


def _person_emails(member: Member) -> set[str]:
    emails = {member.email.lower()} if member.email else set()
    if member.user_id is not None:
        emails.add(member.user.email.lower())
    return emails


def _invitations_of(member: Member) -> QuerySet[Invitation]:
    condition = Q(member=member)
    for email in _person_emails(member):
        condition |= Q(email__iexact=email)
    return Invitation.objects.filter(association=member.association).filter(condition)


def _invitations(member: Member):
    return [
        privacy.serialise(
            invitation,
            fields=["email", "role", "created_at", "expires_at", "accepted_at", "revoked_at"],
        )
        for invitation in _invitations_of(member).order_by("created_at")
    ]


def _sign_ins(member: Member):
    if member.user_id is None:
        return []
    return [
        privacy.serialise(
            attempt,
            fields=["email", "succeeded", "step", "ip_address", "user_agent", "created_at"],
        )
        for attempt in SignInAttempt.objects.filter(user_id=member.user_id).order_by("created_at")
    ]


def _erasure_requests(member: Member):
    return [
        privacy.serialise(
            request,
            fields=[
                "requested_at",
                "reason",
                "status",
                "decided_at",
                "decision_note",
                "completed_at",
            ],
        )
        for request in ErasureRequest.objects.filter(member=member).order_by("requested_at")
    ]


# --- Legal holds -------------------------------------------------------------------------


def _register_until(entries: list[VolunteerRegisterEntry]) -> datetime.date | None:
    """Until when a person's register lines are kept: ten years after the end of service,
    and for as long as the service goes on (``None``)."""
    if not any(entry.kind == entry.Kind.END for entry in entries):
        return None
    # The end entry, or a correction of its date: the latest date keeps the longest.
    end = max(entry.end_date for entry in entries if entry.end_date)
    try:
        return end.replace(year=end.year + REGISTER_RETENTION_YEARS)
    except ValueError:  # 29 February
        return end.replace(year=end.year + REGISTER_RETENTION_YEARS, day=28)


def _register_holds(member: Member) -> list[privacy.Hold]:
    entries = list(VolunteerRegisterEntry.objects.filter(member=member).order_by("number"))
    if not entries:
        return []
    numbers = ", ".join(str(entry.number) for entry in entries)
    return [
        privacy.Hold(
            label=_("Volunteer register, entries %(numbers)s") % {"numbers": numbers},
            reason=_(
                "The register of volunteers (Codice del Terzo Settore, art. 17) is kept "
                "with the name, fiscal code and residence it records for ten years after "
                "the end of service."
            ),
            until=_register_until(entries),
        )
    ]


def _register_held_ids(members: QuerySet[Member]) -> set[int]:
    by_member: dict[int, list[VolunteerRegisterEntry]] = {}
    entries = VolunteerRegisterEntry.objects.filter(member__in=members).only(
        "member_id", "kind", "end_date"
    )
    for entry in entries:
        by_member.setdefault(entry.member_id, []).append(entry)
    today = timezone.localdate()
    return {
        member_id
        for member_id, rows in by_member.items()
        if (until := _register_until(rows)) is None or until >= today
    }


# --- Anonymisation ----------------------------------------------------------------------

#: The registry entry's personal fields and what they become.
MEMBER_BLANKS = {
    "first_name": ANONYMOUS_NAME,
    "last_name": "",
    "phone": "",
    "email": "",
    "municipality": "",
    "zone": "",
    "year_of_birth": None,
    "household_size": None,
    "operator_notes": "",
    "name_key": "",
}


def _account_is_used_elsewhere(member: Member) -> bool:
    """The person's account serves another association's entry or another role: it
    stays, and only this association's link to it goes."""
    user_id = member.user_id
    other_entries = (
        Member.objects.filter(user_id=user_id, anonymised_at__isnull=True)
        .exclude(pk=member.pk)
        .exists()
    )
    other_roles = (
        Membership.objects.filter(user_id=user_id)
        .filter(
            ~Q(association=member.association)
            | Q(is_facilitator=True)
            | Q(is_operator=True)
            | Q(is_coordinator=True)
        )
        .exists()
    )
    return other_entries or other_roles


def _end_sessions(user: User) -> None:
    from django.contrib.sessions.models import Session

    if user.last_login is None:
        return  # never signed in: no session to end
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()


def _erase_account(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry

    user.email = f"erased-{user.pk}@invalid.invalid"
    user.first_name = user.last_name = user.phone = ""
    user.quiet_hours_start = user.quiet_hours_end = None
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "first_name",
            "last_name",
            "phone",
            "quiet_hours_start",
            "quiet_hours_end",
            "is_active",
            "password",
        ]
    )
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()  # and their deliveries
    Reminder.objects.filter(recipient=user).delete()
    ChannelPreference.objects.filter(user=user).delete()
    LogEntry.objects.filter(
        content_type__app_label="members", content_type__model="user", object_id=str(user.pk)
    ).update(object_repr=ANONYMOUS_NAME)
    _end_sessions(user)


def _unlink_account(*, user_id: int, association_id: int) -> None:
    """The account lives on elsewhere: this association's membership lets go of it (its
    other roles here stay)."""
    membership = Membership.objects.filter(user_id=user_id, association_id=association_id).first()
    if membership is None or not membership.is_member:
        return
    if membership.roles == [Role.MEMBER]:
        membership.delete()
    else:
        membership.is_member = False
        membership.save(update_fields=["is_member"])


def _iexact_any(field: str, values) -> Q:
    condition = Q(pk__in=[])
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition


@transaction.atomic
def member_anonymise(*, member: Member, by: User | None = None) -> Member:
    """Remove the person from ``member``'s entry and everything hanging on it, keeping
    the rows the evaluation counts. Idempotent: an anonymised entry is left as it is.

    The entry and all its history rows are blanked (``MEMBER_BLANKS``); the languages
    spoken stay, as the evaluation's main breakdown, which dashboards show only in
    cells too large to single anyone out. The account goes too (deactivated, address
    and names replaced, sessions, second factors and inbox deleted) unless another
    association or role still uses it; then only this entry lets go of it. Legal holds
    are left alone (the volunteer register refuses any change in the database itself);
    the anonymisers other apps register run last, in this transaction."""
    from django.contrib.admin.models import LogEntry

    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    if member.anonymised_at is not None:
        return member
    user = member.user
    emails = _person_emails(member)
    account_erased = user is not None and not _account_is_used_elsewhere(member)
    now = timezone.now()

    # Invitations and sign-ins first: they are found by the addresses about to go.
    invitations = Q(pk__in=_invitations_of(member).values("pk"))
    if account_erased:
        invitations |= Q(accepted_by=user)
    invitation_ids = list(Invitation.objects.filter(invitations).values_list("pk", flat=True))
    Invitation.objects.filter(
        pk__in=invitation_ids, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    Invitation.objects.filter(pk__in=invitation_ids).update(
        email=Concat(
            Value("erased-invitation-"), Cast("pk", CharField()), Value("@invalid.invalid")
        )
    )
    if account_erased:
        attempts = Q(user=user) | (Q(user__isnull=True) & _iexact_any("email", emails))
    else:
        # A kept account's own sign-in log belongs to the associations still using it.
        own = emails - {user.email.lower()} if user is not None else emails
        attempts = Q(user__isnull=True) & _iexact_any("email", own)
    SignInAttempt.objects.filter(attempts).update(email="", ip_address=None, user_agent="")

    for name, value in MEMBER_BLANKS.items():
        setattr(member, name, value)
    member.anonymised_at = now
    member.retention_warned_at = None
    if user is not None and not account_erased:
        member.user = None
    member._history_user = by
    member.save(
        update_fields=[*MEMBER_BLANKS, "anonymised_at", "retention_warned_at", "user", "updated_at"]
    )
    member.history.update(**MEMBER_BLANKS, history_change_reason=None)
    LogEntry.objects.filter(
        content_type__app_label="members", content_type__model="member", object_id=str(member.pk)
    ).update(object_repr=ANONYMOUS_NAME)
    ErasureRequest.objects.filter(member=member).update(reason="", decision_note="")

    if user is not None:
        if account_erased:
            _erase_account(user)
        else:
            _unlink_account(user_id=user.pk, association_id=member.association_id)

    for anonymiser in privacy.ANONYMISERS:
        anonymiser.run(member)
    return member


def _anonymise_volunteer(member: Member) -> None:
    """The volunteer stays counted: the profile row and its skills are kept, where they
    helped and when they were free go, and they leave the network."""
    profile = VolunteerProfile.objects.filter(member=member).first()
    if profile is None:
        return
    AvailabilitySlot.objects.filter(volunteer=profile).delete()
    profile.zones = ""
    profile.paused_until = None
    profile.opted_out_at = profile.opted_out_at or timezone.now()
    profile.save(update_fields=["zones", "paused_until", "opted_out_at"])
    profile.history.update(zones="", history_change_reason=None)


# --- Erasure requests ------------------------------------------------------------------


class ErasureAlreadyOpen(Exception):
    """The person already has a request waiting or being carried out."""

    def __init__(self, request: ErasureRequest):
        super().__init__("an erasure request is already open")
        self.request = request


class ErasureNotPending(Exception):
    """The request was decided already."""


def erasure_request_open(*, member: Member) -> ErasureRequest | None:
    return (
        ErasureRequest.objects.filter(member=member, status__in=_OPEN_STATUSES)
        .order_by("-requested_at")
        .first()
    )


_OPEN_STATUSES = [ErasureRequest.Status.PENDING, ErasureRequest.Status.APPROVED]


def _coordinators_of(association) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__association=association,
        memberships__is_coordinator=True,
    ).distinct()


@transaction.atomic
def erasure_request_create(*, member: Member, by: User, reason: str = "") -> ErasureRequest:
    """The person (or staff for them, from a request on paper) asks that ``member`` be
    forgotten. One open request per person: a second raises ``ErasureAlreadyOpen``. The
    coordinators are told, without the person's name."""
    is_self = member.user_id is not None and member.user_id == by.pk
    if not (is_self or by.has_perm("members.change_member", member)):
        raise PermissionDenied
    if member.anonymised_at is not None:
        raise PermissionDenied
    existing = erasure_request_open(member=member)
    if existing is not None:
        raise ErasureAlreadyOpen(existing)
    request = ErasureRequest(
        association=member.association, member=member, requested_by=by, reason=reason.strip()
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # A double submit: the other request won the unique constraint.
        raise ErasureAlreadyOpen(erasure_request_open(member=member)) from None
    notify_many(
        recipients=_coordinators_of(member.association),
        kind="members.erasure_requested",
        key_prefix=f"members.erasure:{request.pk}:requested",
        context={"entry": member.pk},
        url=reverse("members:erasure-detail", args=[request.pk]),
        association=member.association,
    )
    return request


@transaction.atomic
def erasure_request_decide(
    *, request: ErasureRequest, by: User, approve: bool, note: str = ""
) -> ErasureRequest:
    """A coordinator approves (the anonymisation is queued) or refuses (the person is
    told) a pending request."""
    role_require(by, request.association_id, Role.COORDINATOR)
    status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REFUSED
    now = timezone.now()
    claimed = ErasureRequest.objects.filter(
        pk=request.pk, status=ErasureRequest.Status.PENDING
    ).update(status=status, decided_by=by, decided_at=now, decision_note=note.strip())
    if not claimed:
        raise ErasureNotPending
    request.refresh_from_db()
    if approve:
        from ..tasks import member_anonymise_task

        request_id = request.pk
        transaction.on_commit(lambda: member_anonymise_task.delay(request_id), robust=True)
    else:
        member = request.member
        if member is not None and member.user_id is not None and member.user.is_active:
            notify(
                recipient=member.user,
                kind="members.erasure_refused",
                key=f"members.erasure:{request.pk}:refused",
                context={"association": request.association.name},
                url=reverse("members:me-forget"),
                association=request.association,
            )
    return request


@transaction.atomic
def erasure_request_complete(*, request_id: int) -> bool:
    """Carry out an approved request: anonymise, then mark it done. A second run (a
    retry, a duplicate message) finds it done and does nothing."""
    request = (
        ErasureRequest.objects.select_for_update()
        .filter(pk=request_id, status=ErasureRequest.Status.APPROVED)
        .first()
    )
    if request is None:
        return False
    if request.member_id is not None:
        member_anonymise(member=Member(pk=request.member_id), by=request.decided_by)
    ErasureRequest.objects.filter(pk=request.pk).update(
        status=ErasureRequest.Status.DONE, completed_at=timezone.now()
    )
    return True


# --- Retention ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRun:
    warned: int
    anonymised: int
    cleared: int


def _inactive_ids(*, now: datetime.datetime) -> set[int]:
    """Entries not anonymised, without an active legal hold, whose latest activity is
    older than the retention period."""
    cutoff = now - settings.NUCLEO_RETENTION_INACTIVE_AFTER
    live = Member.objects.filter(anonymised_at__isnull=True)
    stale = live.annotate(
        last_seen=Greatest(F("updated_at"), Coalesce(F("user__last_login"), F("updated_at")))
    ).filter(last_seen__lt=cutoff)
    ids = set(stale.values_list("pk", flat=True))
    if not ids:
        return ids
    candidates = Member.objects.filter(pk__in=ids)
    recent = {pk for pk, when in privacy.latest_activity(candidates).items() if when >= cutoff}
    return ids - recent - privacy.held_member_ids(candidates)


def member_retention_run(*, now: datetime.datetime | None = None) -> RetentionRun:
    """The nightly retention pass (GDPR art. 5(1)(e)).

    An entry inactive past ``NUCLEO_RETENTION_INACTIVE_AFTER`` is first marked warned,
    and each coordinator of its association gets one notification per run with the
    count; once warned longer than ``NUCLEO_RETENTION_WARNING`` ago and still inactive,
    it is anonymised. Activity in between (a sign-in, a change, a coordinator's "keep")
    clears the warning. Running twice changes nothing the second time."""
    now = now or timezone.now()
    inactive = _inactive_ids(now=now)

    with transaction.atomic():
        cleared = (
            Member.objects.filter(retention_warned_at__isnull=False, anonymised_at__isnull=True)
            .exclude(pk__in=inactive)
            .update(retention_warned_at=None)
        )
        # update(), not save(): the warning is no activity and must not move updated_at.
        to_warn = list(
            Member.objects.filter(pk__in=inactive, retention_warned_at__isnull=True)
            .select_for_update()
            .values_list("pk", "association_id")
        )
        Member.objects.filter(pk__in=[pk for pk, _a in to_warn]).update(retention_warned_at=now)
        per_association: dict[int, int] = {}
        for _pk, association_id in to_warn:
            per_association[association_id] = per_association.get(association_id, 0) + 1
        from ..models import Association

        deadline = (now + settings.NUCLEO_RETENTION_WARNING).date().isoformat()
        for association in Association.objects.filter(pk__in=per_association):
            notify_many(
                recipients=_coordinators_of(association),
                kind="members.retention_warning",
                key_prefix=f"members.retention:{association.pk}:{now.isoformat()}",
                context={"count": per_association[association.pk], "date": deadline},
                url=reverse("members:retention-list"),
                association=association,
            )

    due = Member.objects.filter(
        pk__in=inactive, retention_warned_at__lte=now - settings.NUCLEO_RETENTION_WARNING
    ).values_list("pk", flat=True)
    anonymised = 0
    for pk in list(due):
        member_anonymise(member=Member(pk=pk), by=None)
        anonymised += 1
    return RetentionRun(warned=len(to_warn), anonymised=anonymised, cleared=cleared)


@transaction.atomic
def member_retention_keep(*, member: Member, by: User) -> Member:
    """A coordinator keeps a warned entry: the warning goes and the decision counts as
    activity (recorded in the entry's history with who made it)."""
    role_require(by, member.association_id, Role.COORDINATOR)
    member.retention_warned_at = None
    member._history_user = by
    member.save(update_fields=["retention_warned_at", "updated_at"])
    return member


# --- Members' own entries in the registries --------------------------------------------

for _order, (_code, _title, _collect) in enumerate(
    [
        ("account", _("Account"), _account),
        ("memberships", _("Memberships and roles"), _memberships),
        ("registry", _("Registry entry"), _registry),
        ("consents", _("Consents"), _consents),
        ("empowerment", _("Empowerment path"), _empowerment),
        ("volunteer", _("Volunteer profile"), _volunteer),
        ("volunteer_register", _("Volunteer register"), _register),
        ("insurance", _("Insurance coverage"), _insurance),
        ("notifications", _("Notifications received"), _notifications),
        ("invitations", _("Invitations"), _invitations),
        ("sign_ins", _("Sign-ins"), _sign_ins),
        ("erasure_requests", _("Requests to be forgotten"), _erasure_requests),
    ]
):
    privacy.register_export_section(
        privacy.ExportSection(code=_code, title=_title, collect=_collect, order=_order)
    )
privacy.register_anonymiser(
    privacy.Anonymiser(code="members.volunteer", run=_anonymise_volunteer, order=0)
)
privacy.register_legal_hold(
    privacy.LegalHold(
        code="members.volunteer_register",
        find=_register_holds,
        held_member_ids=_register_held_ids,
        order=0,
    )
)
