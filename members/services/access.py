"""Writes about people and access. Each function is one transaction."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Association,
    EmpowermentStage,
    Invitation,
    Member,
    Membership,
    Role,
    SignInAttempt,
    User,
)
from ..selectors import forget_memberships, membership_in
from .empowerment import empowerment_record

ACTIVE_ASSOCIATION_SESSION_KEY = "nucleo_active_association"


class InvitationNotUsable(Exception):
    """The invitation was used already, revoked, or has expired."""


def roles_user_may_invite(*, membership: Membership | None) -> list[Role]:
    """Coordinators invite anyone; operators invite the people they serve."""
    if membership is None:
        return []
    if membership.is_coordinator:
        return list(Role)
    if membership.is_operator:
        return [Role.MEMBER]
    return []


@transaction.atomic
def invitation_create(
    *,
    association: Association,
    email: str,
    role: Role,
    invited_by: User,
    member: Member | None = None,
) -> Invitation:
    membership = membership_in(invited_by, association.pk)
    if role not in roles_user_may_invite(membership=membership):
        raise PermissionDenied
    if member is not None and member.association_id != association.pk:
        raise PermissionDenied
    invitation = Invitation(
        association=association,
        email=email.strip().lower(),
        role=role,
        member=member,
        created_by=invited_by,
    )
    invitation.full_clean()
    invitation.save()
    from ..tasks import invitation_send_task

    transaction.on_commit(lambda: invitation_send_task.delay(invitation.pk))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    membership = membership_in(by, invitation.association_id)
    if invitation.role not in roles_user_may_invite(membership=membership):
        raise PermissionDenied
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise InvitationNotUsable
    invitation.refresh_from_db(fields=["revoked_at"])
    return invitation


def invitation_get_usable(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.usable().select_related("association").filter(token=token).first()
    )
    if invitation is None:
        raise InvitationNotUsable
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Claim the invitation for ``user`` (once: a conditional update wins the race) and
    give them the invited role in the association."""
    invitation = invitation_get_usable(token=token)
    if invitation.email.lower() != user.email.lower():
        raise InvitationNotUsable
    claimed = (
        Invitation.objects.usable()
        .filter(pk=invitation.pk)
        .update(accepted_at=timezone.now(), accepted_by=user)
    )
    if not claimed:
        raise InvitationNotUsable
    membership = membership_grant_role(
        user=user, association=invitation.association, role=Role(invitation.role)
    )
    if invitation.role == Role.MEMBER:
        _member_link(invitation=invitation, user=user)
    welcome(user=user, association=invitation.association)
    return membership


def welcome(*, user: User, association: Association) -> None:
    """Greet a person who joined an association (once per person and association)."""
    from .notifications import notify

    notify(
        recipient=user,
        kind="members.welcome",
        key=f"welcome:association:{association.pk}:user:{user.pk}",
        context={"association": association.name},
        url=reverse("members:notification-preferences"),
        association=association,
    )


def _member_link(*, invitation: Invitation, user: User) -> Member:
    # The person's own entry first; the invitation's entry only if it is nobody else's
    # (a registry entry is never handed from one account to another).
    member = Member.objects.filter(association=invitation.association, user=user).first()
    if member is None and invitation.member is not None and invitation.member.user_id is None:
        member = invitation.member
    if member is None:
        member = Member(
            association=invitation.association,
            first_name=user.first_name or user.email.split("@")[0],
            last_name=user.last_name,
            email=user.email,
        )
    member.user = user
    if not member.email:
        member.email = user.email
    member.full_clean()
    if member.pk:
        member.save(update_fields=["user", "email", "updated_at"])
    else:
        member.save()
    empowerment_record(member=member, stage=EmpowermentStage.REGISTERED)
    return member


def role_require(user: User | None, association: Association | int, *roles: str) -> Membership:
    """The user's membership of ``association`` if it holds one of ``roles``; otherwise
    ``PermissionDenied``. The one role check every service of this app makes."""
    association_id = association if isinstance(association, int) else association.pk
    membership = membership_in(user, association_id) if user is not None else None
    if membership is None or not membership.has_role(*roles):
        raise PermissionDenied
    return membership


@transaction.atomic
def membership_grant_role(*, user: User, association: Association, role: Role) -> Membership:
    membership = (
        Membership.objects.select_for_update().filter(user=user, association=association).first()
    )
    field = f"is_{Role(role).value}"
    if membership is None:
        membership = Membership(user=user, association=association, **{field: True})
        membership.full_clean()
        membership.save()
    elif not getattr(membership, field):
        setattr(membership, field, True)
        membership.save(update_fields=[field])
    forget_memberships(user)
    if role == Role.FACILITATOR:
        member = Member.objects.filter(user=user, association=association).first()
        if member is not None:
            empowerment_record(member=member, stage=EmpowermentStage.FACILITATOR)
    return membership


def active_association_choose(*, session, user: User, association_id: int) -> Membership:
    membership = membership_in(user, association_id)
    if membership is None:
        raise ValidationError(_("You do not belong to that association."))
    session[ACTIVE_ASSOCIATION_SESSION_KEY] = association_id
    return membership


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("That language is not available."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def sign_in_attempt_record(
    *,
    email: str,
    user: User | None,
    succeeded: bool,
    request=None,
    step: SignInAttempt.Step = SignInAttempt.Step.PASSWORD,
) -> SignInAttempt:
    meta = getattr(request, "META", {}) or {}
    ip_address = None
    if request is not None:
        from allauth.account.adapter import get_adapter

        with suppress(PermissionDenied):  # no address at all (a programmatic sign-in)
            ip_address = get_adapter(request).get_client_ip(request)
    if user is None and email:
        user = User.objects.filter(email__iexact=email.strip()).first()
    return SignInAttempt.objects.create(
        email=(email or "")[:254],
        user=user,
        succeeded=succeeded,
        step=step,
        ip_address=ip_address or meta.get("REMOTE_ADDR") or None,
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:300],
    )


def sign_in_attempts_prune(*, older_than: timedelta | None = None) -> int:
    """Keep the sign-in log for a year (or ``older_than``): it is personal data too."""
    cutoff = timezone.now() - (older_than or settings.NUCLEO_SIGNIN_LOG_RETENTION)
    deleted, _details = SignInAttempt.objects.filter(created_at__lt=cutoff).delete()
    return deleted
