"""Writes of continuous evaluation. Feedback is requested by a periodic task that finds
the events by itself (attended sessions and group meetings, closed cases, completed help
requests) and asks each person once — only with their evaluation consent; an answer
goes through the request's token, once. WHO-5 check-ins are offered every three months
to the people who consent, and a low score offers a call from an operator."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from emergencies.models import Case, HelpRequest, RequestKind
from members.models import Association, Consent, ConsentPurpose, Member, Membership, Role, User
from members.selectors import has_role_in
from members.services import consent_active, notify, notify_many
from training.models import Enrolment, GroupMeeting

from . import selectors, who5
from .models import (
    EvaluationSettings,
    EventKind,
    FeedbackAnswer,
    FeedbackRequest,
    WellbeingCheckIn,
)

#: How far back the periodic task looks for events to ask about.
LOOK_BACK = timedelta(days=14)
#: How often a check-in is offered.
CHECKIN_EVERY = timedelta(days=90)


class AlreadyAnswered(Exception):
    """The feedback link was used already."""


def _consenting(members):
    return members.filter(
        user__isnull=False,
        anonymised_at__isnull=True,
        pk__in=Consent.objects.filter(
            purpose=ConsentPurpose.EVALUATION, withdrawn_at__isnull=True
        ).values("member_id"),
    )


def _events(since: datetime, now: datetime) -> list[tuple]:
    """(kind, object id, member id, association id, label) of every event to ask about."""
    events = []
    for e in Enrolment.objects.filter(
        attended=True, session__ends_at__gte=since, session__ends_at__lte=now
    ).values_list(
        "session_id", "member_id", "session__course__association_id", "session__course__title"
    ):
        events.append((EventKind.SESSION, *e))
    for row in GroupMeeting.attendees.through.objects.filter(
        groupmeeting__ends_at__gte=since, groupmeeting__ends_at__lte=now
    ).values_list(
        "groupmeeting_id",
        "member_id",
        "groupmeeting__group__association_id",
        "groupmeeting__group__name",
    ):
        events.append((EventKind.GROUP_MEETING, *row))
    for row in Case.objects.filter(
        status=Case.Status.CLOSED, closed_at__gte=since, closed_at__lte=now
    ).values_list("pk", "member_id", "association_id", "category__name_it"):
        events.append((EventKind.CASE, *row))
    for row in HelpRequest.objects.filter(
        Q(status=HelpRequest.Status.CONFIRMED) | Q(status=HelpRequest.Status.DONE),
        done_at__gte=since,
        done_at__lte=now,
    ).values_list("pk", "member_id", "association_id", "kind"):
        # The kind's name, not its code, is what the person reads in the message.
        pk, member_id, association_id, kind = row
        label = RequestKind(kind).label if kind in RequestKind.values else kind
        events.append((EventKind.HELP_REQUEST, pk, member_id, association_id, label))
    return events


def feedback_requests_create(*, now: datetime | None = None) -> int:
    """Ask for feedback about every recent event, once per person and event (the
    unique key makes a second run, or two at once, a no-op), only people who consent
    to evaluation. Each new request is a notification with its own answer link."""
    now = now or timezone.now()
    events = _events(now - LOOK_BACK, now)
    member_ids = {event[2] for event in events}
    allowed = set(
        _consenting(Member.objects.filter(pk__in=member_ids)).values_list("pk", flat=True)
    )
    candidates = [
        FeedbackRequest(
            kind=kind,
            object_id=object_id,
            member_id=member_id,
            association_id=association_id,
            label=str(label or "")[:200],
        )
        for kind, object_id, member_id, association_id, label in events
        if member_id in allowed
    ]
    existing = set(
        FeedbackRequest.objects.filter(member_id__in=allowed).values_list(
            "kind", "object_id", "member_id"
        )
    )
    new = [c for c in candidates if (c.kind, c.object_id, c.member_id) not in existing]
    with transaction.atomic():
        FeedbackRequest.objects.bulk_create(new, ignore_conflicts=True)
        created = FeedbackRequest.objects.filter(
            token__in=[request.token for request in new]
        ).select_related("member__user", "association")
        for request in created:
            notify(
                recipient=request.member.user,
                kind="evaluation.feedback_request",
                key=f"feedback-request:{request.pk}",
                context={"label": request.label},
                url=reverse("evaluation:feedback-answer", kwargs={"token": request.token}),
                association=request.association,
            )
    return len(new)


@transaction.atomic
def feedback_answer(
    *, token: str, rating: int, comment: str = "", anonymous: bool = False
) -> FeedbackAnswer:
    """Answer a feedback request, once. Anonymous: see ``FeedbackAnswer.anonymous``."""
    request = FeedbackRequest.objects.select_for_update().filter(token=token).first()
    if request is None:
        raise FeedbackRequest.DoesNotExist
    if request.answered_at is not None:
        raise AlreadyAnswered
    if not consent_active(member=request.member, purpose=ConsentPurpose.EVALUATION):
        raise PermissionDenied  # withdrawn since: the answer is no longer wanted
    now = timezone.now()
    event = {"association_id": request.association_id, "kind": request.kind}
    fields = {"rating": rating, "comment": comment.strip()}
    if anonymous:
        answer = FeedbackAnswer.anonymous(
            **event, object_id=request.object_id, answered_at=now, **fields
        )
    else:
        answer = FeedbackAnswer(**event, request=request, object_id=request.object_id, **fields)
    answer.full_clean()
    answer.save()
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    return answer


# --- Wellbeing -----------------------------------------------------------------------------


@transaction.atomic
def checkin_record(*, member: Member, by: User, items: list[int]) -> WellbeingCheckIn:
    """The person's own WHO-5 answers (nobody answers for someone else)."""
    if member.user_id != by.pk:
        raise PermissionDenied
    if not consent_active(member=member, purpose=ConsentPurpose.EVALUATION):
        raise ValidationError(_("Check-ins need your consent to evaluation surveys."))
    result = who5.score(items)
    checkin = WellbeingCheckIn(
        association_id=member.association_id,
        member=member,
        items=list(items),
        raw=result.raw,
        percent=result.percent,
        is_low=result.is_low,
    )
    checkin.full_clean()
    checkin.save()
    return checkin


def checkins_offer(*, now: datetime | None = None) -> int:
    """Invite everyone who consents and has not checked in for three months (once a
    quarter: the notification key)."""
    now = now or timezone.now()
    quarter = f"{now.year}-q{(now.month - 1) // 3 + 1}"
    recent = WellbeingCheckIn.objects.filter(answered_at__gte=now - CHECKIN_EVERY).values(
        "member_id"
    )
    people = list(
        _consenting(Member.objects.exclude(pk__in=recent)).select_related("user", "association")
    )
    by_association: dict[int, list[Member]] = {}
    for member in people:
        by_association.setdefault(member.association_id, []).append(member)
    sent = 0
    for members in by_association.values():
        sent += notify_many(
            recipients=[member.user for member in members],
            kind="evaluation.checkin_offer",
            key_prefix=f"checkin-offer:{members[0].association_id}:{quarter}",
            url=reverse("evaluation:checkin"),
            association=members[0].association,
        )
    return sent


@transaction.atomic
def checkin_contact_request(*, checkin: WellbeingCheckIn, by: User) -> int:
    """After a low score the person may ask for a call: the association's operators are
    told (no score in the message), once per check-in."""
    if checkin.member.user_id != by.pk:
        raise PermissionDenied
    operators = Membership.objects.filter(association_id=checkin.association_id).with_role(
        Role.OPERATOR
    )
    return notify_many(
        recipients=[m.user for m in operators.select_related("user")],
        kind="evaluation.contact_request",
        key_prefix=f"checkin:{checkin.pk}:contact",
        context={"member": checkin.member_id},
        url=reverse("members:member-detail", kwargs={"pk": checkin.member_id}),
        association=checkin.member.association,
    )


# --- Partnership ----------------------------------------------------------------------------


def sharing_set(*, association: Association, by: User, share: bool) -> EvaluationSettings:
    """Whether the association's figures count in the partnership's aggregate: its
    coordinators decide (the partnership view is offered only to those that share)."""
    if not has_role_in(by, association.pk, Role.COORDINATOR):
        raise PermissionDenied
    sharing, _created = EvaluationSettings.objects.update_or_create(
        association=association, defaults={"share_with_partnership": share}
    )
    return sharing


def dashboard_warm() -> int:
    """Compute the dashboards' default view (the past year) ahead of their readers, in
    every language, for each association and for the partnership's aggregate: run more
    often than the cache expires, the first reader does not wait for the figures.
    Returns how many views were computed."""
    start, end = selectors.default_period()
    scopes = [[association] for association in Association.objects.order_by("pk")]
    sharing = selectors.sharing_associations()
    if sharing:
        scopes.append(sharing)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for associations in scopes:
                selectors.dashboard_data(
                    associations=associations, start=start, end=end, fresh=True
                )
    return len(scopes) * len(settings.LANGUAGES)
