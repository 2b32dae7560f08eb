"""Referrals: to a service of the resource map (its details go to the person) or to a
partner association, which sees a summary it accepts or declines, never the file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import STAFF_ROLES, Association, Membership, User
from members.services import consent_require, notify, notify_many, role_require

from ..models import Case, CaseEvent, Referral
from .cases import S, _event, case_transition, case_url


class ReferralNotPending(Exception):
    """The referral was answered or revoked already."""


def _partner_staff(association_id: int) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(association_id=association_id)
        .with_role(*STAFF_ROLES)
        .select_related("user")
    ]


def _move_to_referred(case: Case, by: User) -> None:
    if case.status in (S.TRIAGED, S.IN_PROGRESS, S.WAITING):
        case_transition(case=case, to_status=S.REFERRED, by=by)


@transaction.atomic
def referral_to_service(*, case: Case, service, by: User, send_to_member: bool = False) -> Referral:
    """Refer to a service of the map. With ``send_to_member`` and an account, the
    service's details reach the person in their inbox; the print view gives them on paper."""
    role_require(by, case.association_id, *STAFF_ROLES)
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it first."))
    referral = Referral(
        case=case,
        kind=Referral.Kind.SERVICE,
        service=service,
        status=Referral.Status.GIVEN,
        created_by=by,
    )
    referral.full_clean()
    referral.save()
    _event(case, CaseEvent.Kind.REFERRAL, by, text=service.name)
    if send_to_member and case.member.user_id:
        notify(
            recipient=case.member.user,
            kind="emergencies.service_referral",
            key=f"referral:{referral.pk}:member",
            context={"service": service.name},
            url=reverse("resources:service-detail", kwargs={"pk": service.pk}),
            association=case.association,
        )
    return referral


@transaction.atomic
def referral_to_partner(*, case: Case, partner: Association, summary: str, by: User) -> Referral:
    """Send a summary to a partner association. Needs the person's consent to sharing
    with partners (``ConsentRequired`` otherwise)."""
    role_require(by, case.association_id, *STAFF_ROLES)
    if partner.pk == case.association_id:
        raise ValidationError({"partner": _("Choose another association of the partnership.")})
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it first."))
    consent_require(member=case.member, purpose="partner_sharing")
    if Referral.objects.filter(case=case, partner=partner, status=Referral.Status.PENDING).exists():
        raise ValidationError({"partner": _("A referral to this association is already waiting.")})
    referral = Referral(
        case=case,
        kind=Referral.Kind.PARTNER,
        partner=partner,
        summary=summary.strip(),
        status=Referral.Status.PENDING,
        created_by=by,
    )
    referral.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # A second click, or a colleague at the same moment: one pending per partner.
        raise ValidationError(
            {"partner": _("A referral to this association is already waiting.")}
        ) from None
    _event(case, CaseEvent.Kind.REFERRAL, by, text=_("Sent to %(partner)s") % {"partner": partner})
    _move_to_referred(case, by)
    notify_many(
        recipients=_partner_staff(partner.pk),
        kind="emergencies.referral_received",
        key_prefix=f"referral:{referral.pk}:received",
        context={"association": case.association.name},
        url=reverse("emergencies:referral-detail", kwargs={"pk": referral.pk}),
        association=partner,
    )
    return referral


def _claim(referral: Referral, from_status: str, **changes) -> Referral:
    updated = Referral.objects.filter(pk=referral.pk, status=from_status).update(**changes)
    if not updated:
        raise ReferralNotPending
    referral.refresh_from_db()
    return referral


def _tell_referrer(referral: Referral, what: str) -> None:
    case = referral.case
    recipients = {user for user in (referral.created_by, case.assigned_to) if user is not None}
    for user in recipients:
        notify(
            recipient=user,
            kind="emergencies.referral_answered",
            key=f"referral:{referral.pk}:{what}:user:{user.pk}",
            context={"case": case.number, "association": referral.partner.name, "answer": what},
            url=case_url(case),
            association=case.association,
        )


@transaction.atomic
def referral_revoke(*, referral: Referral, by: User) -> Referral:
    role_require(by, referral.case.association_id, *STAFF_ROLES)
    referral = _claim(
        referral,
        Referral.Status.PENDING,
        status=Referral.Status.REVOKED,
        answered_at=timezone.now(),
        answered_by=by,
    )
    _event(
        referral.case,
        CaseEvent.Kind.REFERRAL,
        by,
        text=_("Referral to %(partner)s revoked") % {"partner": referral.partner},
    )
    # Nobody else holds the case now: it goes back to its operators.
    case = referral.case
    still_out = case.referrals.filter(
        status__in=[Referral.Status.PENDING, Referral.Status.ACCEPTED]
    ).exists()
    if case.status == S.REFERRED and not still_out:
        case_transition(case=case, to_status=S.IN_PROGRESS, by=by)
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, accept: bool, by: User, note: str = "") -> Referral:
    """The partner's operator accepts or declines; the referring case's timeline says so."""
    if referral.partner_id is None:
        raise PermissionDenied
    role_require(by, referral.partner_id, *STAFF_ROLES)
    status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral = _claim(
        referral,
        Referral.Status.PENDING,
        status=status,
        outcome=note.strip(),
        answered_at=timezone.now(),
        answered_by=by,
    )
    text = (
        _("%(partner)s accepted the referral") if accept else _("%(partner)s declined the referral")
    ) % {"partner": referral.partner}
    if note.strip():
        text = f"{text}: {note.strip()}"
    _event(referral.case, CaseEvent.Kind.REFERRAL, None, text=text)
    _tell_referrer(referral, "accepted" if accept else "declined")
    return referral


@transaction.atomic
def referral_complete(*, referral: Referral, outcome: str, by: User) -> Referral:
    """The partner reports the outcome back to the referring case."""
    if referral.partner_id is None:
        raise PermissionDenied
    role_require(by, referral.partner_id, *STAFF_ROLES)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say briefly how it went.")})
    referral = _claim(
        referral,
        Referral.Status.ACCEPTED,
        status=Referral.Status.COMPLETED,
        outcome=outcome.strip(),
    )
    _event(
        referral.case,
        CaseEvent.Kind.REFERRAL,
        None,
        text=_("Outcome from %(partner)s: %(outcome)s")
        % {"partner": referral.partner, "outcome": referral.outcome},
    )
    _tell_referrer(referral, "completed")
    return referral
