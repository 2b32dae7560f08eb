"""The solidarity network: help requests, offers to the best-matching volunteers (the
first to accept gets the task), completion and confirmation, debriefs. Each write is one
transaction; notifications go out after commit through the members' engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    STAFF_ROLES,
    AvailabilitySlot,
    EmpowermentStage,
    Language,
    Member,
    Membership,
    Role,
    Skill,
    User,
    VolunteerProfile,
)
from members.selectors import has_role_in
from members.services import empowerment_record, notify, notify_many, role_require

from .. import matching
from ..models import Case, Debrief, HelpRequest, NetworkSettings, Offer

R = HelpRequest.Status


class AlreadyTaken(Exception):
    """Another volunteer accepted first (or the offer is no longer open)."""


class NotAllowed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def network_settings_of(association_id: int) -> NetworkSettings:
    """The association's settings, or the defaults (unsaved) until a coordinator saves
    some: reading a page writes nothing."""
    settings = NetworkSettings.objects.filter(association_id=association_id).first()
    return settings or NetworkSettings(association_id=association_id)


@transaction.atomic
def network_settings_save(*, association, by: User, **fields) -> NetworkSettings:
    role_require(by, association, Role.COORDINATOR)
    settings = NetworkSettings.objects.filter(association=association).first()
    settings = settings or NetworkSettings(association=association)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def request_url(help_request: HelpRequest) -> str:
    return reverse("emergencies:help-request-detail", kwargs={"pk": help_request.pk})


# --- Requests ------------------------------------------------------------------------


@transaction.atomic
def help_request_create(
    *,
    association,
    member: Member,
    by: User,
    kind: str,
    public_summary: str,
    starts_at: datetime,
    ends_at: datetime,
    private_details: str = "",
    skills: Iterable[Skill] = (),
    languages: Iterable[Language] = (),
    zone: str = "",
    duration_minutes: int = 60,
    case: Case | None = None,
) -> HelpRequest:
    """A request opened by an operator (often from a case) or by the member who needs
    the hand. Operators are told of a member's own request, to send the offers."""
    own = member.user_id == by.pk
    if not own:
        role_require(by, association, *STAFF_ROLES)
    if member.association_id != association.pk:
        raise PermissionDenied
    if case is not None and (case.association_id != association.pk or case.member_id != member.pk):
        raise PermissionDenied
    help_request = HelpRequest(
        association=association,
        member=member,
        case=case,
        opened_by=by,
        kind=kind,
        public_summary=public_summary.strip(),
        private_details=private_details.strip(),
        zone=zone.strip() or member.zone,
        starts_at=starts_at,
        ends_at=ends_at,
        duration_minutes=duration_minutes,
    )
    help_request.full_clean()
    help_request._history_user = by
    help_request.save()
    help_request.skills.set([s for s in skills if s.association_id == association.pk])
    help_request.languages.set(languages)
    if own:
        operators = Membership.objects.filter(association=association).with_role(Role.OPERATOR)
        notify_many(
            recipients=[m.user for m in operators.select_related("user")],
            kind="emergencies.help_request_new",
            key_prefix=f"help-request:{help_request.pk}:new",
            context={"kind": help_request.get_kind_display()},
            url=request_url(help_request),
            association=association,
        )
    return help_request


def details_visible_to(
    help_request: HelpRequest, user: User, *, now: datetime | None = None
) -> bool:
    """Private details: the association's operators, the person helped, and the assigned
    volunteer while the task is theirs and for the grace period after it is done."""
    if (
        has_role_in(user, help_request.association_id, *STAFF_ROLES)
        or help_request.member.user_id == user.pk
    ):
        return True
    volunteer = help_request.volunteer
    if volunteer is None or volunteer.member.user_id != user.pk:
        return False
    if help_request.status not in (R.ASSIGNED, R.DONE, R.CONFIRMED):
        return False
    grace = timedelta(hours=network_settings_of(help_request.association_id).details_grace_hours)
    until = help_request.details_visible_until(grace)
    return until is None or (now or timezone.now()) < until


# --- Matching ------------------------------------------------------------------------


def candidates(help_request: HelpRequest) -> list[matching.Candidate]:
    """Every active volunteer of the association as plain data, in four queries
    whatever their number: profiles with load and last task, skills, languages, slots."""
    today = timezone.localdate()
    base = (
        VolunteerProfile.objects.filter(association_id=help_request.association_id)
        .active()
        .exclude(member_id=help_request.member_id)
        # Without an account a volunteer is never told of an offer: not a candidate.
        .filter(member__anonymised_at__isnull=True, member__user__isnull=False)
    )
    profiles = base.annotate(
        active_tasks=Count("tasks", filter=Q(tasks__status=R.ASSIGNED)),
        last_helped_at=Max("tasks__done_at"),
    ).values_list(
        "pk",
        "member_id",
        "zones",
        "max_active_tasks",
        "paused_until",
        "active_tasks",
        "last_helped_at",
    )
    rows = list(profiles)
    # The related rows by subquery, not by a list of ids: 10,000 ids as parameters cost
    # more than the queries themselves.
    volunteer_ids = base.values("pk")
    member_ids = base.values("member_id")
    skills = defaultdict(set)
    for volunteer_id, skill_id in VolunteerProfile.skills.through.objects.filter(
        volunteerprofile_id__in=volunteer_ids
    ).values_list("volunteerprofile_id", "skill_id"):
        skills[volunteer_id].add(skill_id)
    languages = defaultdict(set)
    for member_id, code in Member.languages.through.objects.filter(
        member_id__in=member_ids
    ).values_list("member_id", "language_id"):
        languages[member_id].add(code)
    slots = defaultdict(list)
    for volunteer_id, weekday, starts, ends in AvailabilitySlot.objects.filter(
        volunteer_id__in=volunteer_ids
    ).values_list("volunteer_id", "weekday", "starts_at", "ends_at"):
        slots[volunteer_id].append((weekday, starts, ends))
    return [
        matching.Candidate(
            volunteer_id=pk,
            skill_ids=frozenset(skills[pk]),
            language_codes=frozenset(languages[member_id]),
            zones=tuple(z.strip() for z in zones.split(",") if z.strip()),
            slots=tuple(slots[pk]),
            active_tasks=active,
            max_tasks=max_tasks,
            paused=paused_until is not None and paused_until >= today,
            last_helped_at=last,
        )
        for pk, member_id, zones, max_tasks, paused_until, active, last in rows
    ]


def need_of(help_request: HelpRequest) -> matching.Need:
    return matching.Need(
        skill_ids=frozenset(help_request.skills.values_list("pk", flat=True)),
        language_codes=frozenset(help_request.languages.values_list("pk", flat=True)),
        zone=help_request.zone,
        # Slots are local wall-clock times: compare in local time.
        starts_at=timezone.localtime(help_request.starts_at),
        ends_at=timezone.localtime(help_request.ends_at),
        duration_minutes=help_request.duration_minutes,
    )


def ranking(help_request: HelpRequest) -> list[matching.Ranked]:
    return matching.rank(need_of(help_request), candidates(help_request), now=timezone.now())


# --- Offers --------------------------------------------------------------------------


@transaction.atomic
def help_request_offer(*, help_request: HelpRequest, by: User | None = None) -> list[Offer]:
    """Offer the request to the next best volunteers not asked yet (the association's
    ``offer_count``). With nobody left, the request is unmatched and whoever opened it
    is told, once. ``by`` is None when the offer timeout moves on by itself."""
    if by is not None:
        role_require(by, help_request.association_id, *STAFF_ROLES)
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if help_request.status not in (R.OPEN, R.OFFERED, R.UNMATCHED):
        raise NotAllowed(_("This request is no longer waiting for a volunteer."))
    settings = network_settings_of(help_request.association_id)
    asked = set(help_request.offers.values_list("volunteer_id", flat=True))
    best = [r for r in ranking(help_request) if r.volunteer_id not in asked][: settings.offer_count]
    now = timezone.now()
    if not best:
        help_request.status = R.UNMATCHED
        help_request.save(update_fields=["status"])
        _tell_unmatched(help_request)
        return []
    help_request.offer_round += 1
    help_request.status = R.OFFERED
    help_request.unmatched_alerted_at = None
    help_request.save(update_fields=["offer_round", "status", "unmatched_alerted_at"])
    offers = Offer.objects.bulk_create(
        Offer(
            request=help_request,
            volunteer_id=ranked.volunteer_id,
            round=help_request.offer_round,
            rank=index + 1,
            score=ranked.score,
            reasons=list(ranked.reasons),
            sent_at=now,
            expires_at=now + timedelta(minutes=settings.offer_timeout_minutes),
        )
        for index, ranked in enumerate(best)
    )
    volunteers = VolunteerProfile.objects.filter(pk__in=[o.volunteer_id for o in offers])
    offer_of = {o.volunteer_id: o for o in offers}
    users = {v.pk: v.member.user for v in volunteers.select_related("member__user")}
    for volunteer_id, user in users.items():
        if user is None:
            continue
        offer = offer_of[volunteer_id]
        # The public summary only: the details wait for whoever accepts.
        notify(
            recipient=user,
            kind="emergencies.help_offer",
            key=f"offer:{offer.pk}",
            context={
                "kind": help_request.get_kind_display(),
                "summary": help_request.public_summary,
                "when": timezone.localtime(help_request.starts_at).strftime("%d/%m %H:%M"),
            },
            url=reverse("emergencies:offer-detail", kwargs={"pk": offer.pk}),
            association=help_request.association,
        )
    return offers


def _tell_unmatched(help_request: HelpRequest) -> None:
    claimed = HelpRequest.objects.filter(
        pk=help_request.pk, unmatched_alerted_at__isnull=True
    ).update(unmatched_alerted_at=timezone.now())
    if not claimed:
        return
    recipients = [help_request.opened_by] if help_request.opened_by else []
    if not recipients or not has_role_in(recipients[0], help_request.association_id, *STAFF_ROLES):
        memberships = Membership.objects.filter(association_id=help_request.association_id)
        recipients = [m.user for m in memberships.with_role(Role.OPERATOR).select_related("user")]
    notify_many(
        recipients=recipients,
        kind="emergencies.help_unmatched",
        key_prefix=f"help-request:{help_request.pk}:unmatched:{help_request.offer_round}",
        context={"kind": help_request.get_kind_display(), "number": help_request.pk},
        url=request_url(help_request),
        association=help_request.association,
    )


def _own_offer(offer: Offer, by: User) -> None:
    if offer.volunteer.member.user_id != by.pk:
        raise PermissionDenied


@transaction.atomic
def offer_accept(*, offer: Offer, by: User) -> HelpRequest:
    """The first volunteer to accept gets the task: one conditional update of the
    request decides, whatever number of people tap at the same moment. The others'
    offers become "taken" and they are told."""
    _own_offer(offer, by)
    if offer.status not in (Offer.Status.PENDING, Offer.Status.EXPIRED):
        raise AlreadyTaken  # declined, withdrawn or taken: no longer theirs to accept
    # The volunteer's row is locked while their load is counted: two tasks accepted at
    # the same moment must not take them over their maximum.
    volunteer = VolunteerProfile.objects.select_for_update().get(pk=offer.volunteer_id)
    if volunteer.is_paused() or not volunteer.is_active:
        raise NotAllowed(_("You are paused or out of the network: the offer is not for now."))
    active = HelpRequest.objects.filter(volunteer=volunteer).assigned().count()
    if active >= volunteer.max_active_tasks:
        raise NotAllowed(
            _("You already have %(count)s tasks, your maximum: finish one first.")
            % {"count": active}
        )
    now = timezone.now()
    # A late answer to a request nobody took (unmatched meanwhile) still counts.
    claimed = HelpRequest.objects.filter(
        pk=offer.request_id, status__in=[R.OFFERED, R.UNMATCHED], volunteer__isnull=True
    ).update(status=R.ASSIGNED, volunteer=volunteer, assigned_at=now)
    if not claimed:
        # Someone else's update came first; theirs marks this offer "taken".
        raise AlreadyTaken
    # Expired or not, the request was still free: it is this volunteer's, they answered.
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACCEPTED, answered_at=now)
    others = list(
        Offer.objects.filter(request_id=offer.request_id, status=Offer.Status.PENDING)
        .exclude(pk=offer.pk)
        .select_related("volunteer__member__user")
    )
    Offer.objects.filter(pk__in=[o.pk for o in others]).update(
        status=Offer.Status.TAKEN, answered_at=now
    )
    help_request = HelpRequest.objects.select_related("association", "member").get(
        pk=offer.request_id
    )
    notify_many(
        recipients=[o.volunteer.member.user for o in others if o.volunteer.member.user],
        kind="emergencies.help_offer_taken",
        key_prefix=f"help-request:{help_request.pk}:taken",
        context={"kind": help_request.get_kind_display()},
        url=reverse("emergencies:my-contributions"),
        association=help_request.association,
    )
    _tell_requester(help_request, "emergencies.help_assigned")
    return help_request


def _tell_requester(help_request: HelpRequest, kind: str) -> None:
    """The person helped (if they have an account) and the operator who opened it."""
    recipients = {help_request.member.user} if help_request.member.user_id else set()
    if help_request.opened_by_id and help_request.opened_by_id != help_request.member.user_id:
        recipients.add(help_request.opened_by)
    notify_many(
        recipients=[user for user in recipients if user is not None],
        kind=kind,
        key_prefix=f"help-request:{help_request.pk}:{kind}",
        context={"kind": help_request.get_kind_display()},
        url=request_url(help_request),
        association=help_request.association,
    )


@transaction.atomic
def offer_decline(*, offer: Offer, by: User) -> Offer:
    _own_offer(offer, by)
    declined = Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).update(
        status=Offer.Status.DECLINED, answered_at=timezone.now()
    )
    if not declined:
        raise AlreadyTaken
    _move_on_if_nobody_left(offer.request_id)
    offer.refresh_from_db()
    return offer


def _move_on_if_nobody_left(request_id: int) -> None:
    # Locked first: two declines at the same moment must not both see the other's
    # offer still pending and leave the request waiting for ever.
    help_request = HelpRequest.objects.select_for_update().get(pk=request_id)
    still_waiting = Offer.objects.filter(request_id=request_id, status=Offer.Status.PENDING)
    if help_request.status == R.OFFERED and not still_waiting.exists():
        help_request_offer(help_request=help_request)


def offers_expire(*, now: datetime | None = None) -> int:
    """Offers unanswered past their time expire, and their requests move on to the next
    candidates, once: the expiry is a conditional update, a second run finds nothing."""
    now = now or timezone.now()
    expired_requests = set()
    due = list(
        Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).values_list(
            "pk", "request_id"
        )[:2000]
    )
    for offer_id, request_id in due:
        with transaction.atomic():
            if Offer.objects.filter(pk=offer_id, status=Offer.Status.PENDING).update(
                status=Offer.Status.EXPIRED
            ):
                expired_requests.add(request_id)
    for request_id in expired_requests:
        with transaction.atomic():
            _move_on_if_nobody_left(request_id)
    return len(expired_requests)


# --- Completion ----------------------------------------------------------------------


@transaction.atomic
def help_request_done(*, help_request: HelpRequest, by: User, minutes_spent: int) -> HelpRequest:
    """The volunteer says it is done and how long it took; the person helped (or the
    operator) is asked to confirm."""
    help_request = HelpRequest.objects.select_related("volunteer__member", "member").get(
        pk=help_request.pk
    )
    if help_request.volunteer is None or help_request.volunteer.member.user_id != by.pk:
        raise PermissionDenied
    if not 1 <= minutes_spent <= 24 * 60:
        raise NotAllowed(_("Write the time spent in minutes, between 1 and 1440."))
    now = timezone.now()
    updated = HelpRequest.objects.filter(pk=help_request.pk, status=R.ASSIGNED).update(
        status=R.DONE, done_at=now, minutes_spent=minutes_spent
    )
    if not updated:
        raise NotAllowed(_("This task is not in your hands any more."))
    help_request.refresh_from_db()
    _tell_requester(help_request, "emergencies.help_done")
    return help_request


@transaction.atomic
def help_request_confirm(*, help_request: HelpRequest, by: User, thanks: str = "") -> HelpRequest:
    """The person helped (or an operator for them) confirms the help was given. The
    volunteer's step on the empowerment path is recorded, and the thanks reach them."""
    if help_request.member.user_id != by.pk:
        role_require(by, help_request.association_id, *STAFF_ROLES)
    updated = HelpRequest.objects.filter(pk=help_request.pk, status=R.DONE).update(
        status=R.CONFIRMED, confirmed_at=timezone.now(), thanks=thanks.strip()[:500]
    )
    if not updated:
        raise NotAllowed(_("Only a task marked done can be confirmed."))
    help_request.refresh_from_db()
    volunteer = help_request.volunteer
    empowerment_record(member=volunteer.member, stage=EmpowermentStage.VOLUNTEER)
    if volunteer.member.user_id:
        notify(
            recipient=volunteer.member.user,
            kind="emergencies.help_thanks",
            key=f"help-request:{help_request.pk}:thanks",
            context={"kind": help_request.get_kind_display()},
            url=reverse("emergencies:my-contributions"),
            association=help_request.association,
        )
    return help_request


@transaction.atomic
def help_request_hours_confirm(*, help_request: HelpRequest, by: User) -> HelpRequest:
    role_require(by, help_request.association_id, *STAFF_ROLES)
    updated = HelpRequest.objects.filter(
        pk=help_request.pk,
        status__in=[R.DONE, R.CONFIRMED],
        minutes_spent__isnull=False,
        hours_confirmed_at__isnull=True,
    ).update(hours_confirmed_at=timezone.now(), hours_confirmed_by=by)
    if not updated:
        raise NotAllowed(_("There are no hours to confirm on this task."))
    help_request.refresh_from_db()
    return help_request


@transaction.atomic
def help_request_cancel(*, help_request: HelpRequest, by: User) -> HelpRequest:
    if help_request.member.user_id != by.pk:
        role_require(by, help_request.association_id, *STAFF_ROLES)
    updated = HelpRequest.objects.filter(
        pk=help_request.pk, status__in=[R.OPEN, R.OFFERED, R.UNMATCHED, R.ASSIGNED]
    ).update(status=R.CANCELLED)
    if not updated:
        raise NotAllowed(_("This request is already done or cancelled."))
    pending = Offer.objects.filter(request=help_request, status=Offer.Status.PENDING)
    told = [o.volunteer.member.user for o in pending.select_related("volunteer__member__user")]
    pending.update(status=Offer.Status.WITHDRAWN, answered_at=timezone.now())
    help_request = HelpRequest.objects.select_related(
        "volunteer__member__user", "association", "member"
    ).get(pk=help_request.pk)
    if help_request.volunteer is not None:
        told.append(help_request.volunteer.member.user)  # who was on the way
    notify_many(
        recipients=[user for user in told if user is not None],
        kind="emergencies.help_cancelled",
        key_prefix=f"help-request:{help_request.pk}:cancelled",
        context={"kind": help_request.get_kind_display()},
        url=reverse("emergencies:my-contributions"),
        association=help_request.association,
    )
    return help_request


# --- Debriefs ------------------------------------------------------------------------


@transaction.atomic
def debrief_create(
    *,
    volunteer: VolunteerProfile,
    by: User,
    feeling: str,
    note: str = "",
    wants_callback: bool = False,
    help_request: HelpRequest | None = None,
) -> Debrief:
    """ "How are you after this?" A volunteer who asks for a call back is called: the
    operators are told, without the content of the note."""
    if volunteer.member.user_id != by.pk:
        raise PermissionDenied
    if help_request is not None and help_request.volunteer_id != volunteer.pk:
        raise PermissionDenied
    debrief = Debrief(
        volunteer=volunteer,
        request=help_request,
        feeling=feeling,
        note=note.strip(),
        wants_callback=wants_callback,
    )
    debrief.full_clean()
    debrief.save()
    if wants_callback:
        memberships = Membership.objects.filter(association_id=volunteer.association_id)
        notify_many(
            recipients=[
                m.user for m in memberships.with_role(Role.OPERATOR).select_related("user")
            ],
            kind="emergencies.debrief_callback",
            key_prefix=f"debrief:{debrief.pk}:callback",
            context={},
            url=reverse("emergencies:debrief-list"),
            association=volunteer.association,
        )
    return debrief


@transaction.atomic
def debrief_handle(*, debrief: Debrief, by: User) -> Debrief:
    role_require(by, debrief.volunteer.association_id, *STAFF_ROLES)
    Debrief.objects.filter(pk=debrief.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=by
    )
    debrief.refresh_from_db()
    return debrief
