"""Consent per purpose, and the check features make before they use a person's data.

A consent is given once per purpose (a new row each time it is given again), with the
privacy notice version the person was shown, and withdrawn with a timestamp: the rows
are the proof the association owes the Garante. ``consent_require`` is the one check
features call; withdrawing a consent makes it fail from that moment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Consent, ConsentPurpose, Member, PrivacyNotice, Role, User
from .access import role_require


class ConsentRequired(Exception):
    """The person has not given (or has withdrawn) the consent a feature needs."""

    def __init__(self, member: Member, purpose: ConsentPurpose):
        self.member = member
        self.purpose = ConsentPurpose(purpose)
        super().__init__(f"consent {self.purpose.value} missing for member {member.pk}")

    @property
    def message(self) -> str:
        return _("This needs %(person)s's consent to: %(purpose)s.") % {
            "person": self.member.full_name,
            "purpose": self.purpose.label,
        }


class NoPrivacyNotice(Exception):
    """The association has published no privacy notice yet: nobody can consent to it."""


def privacy_notice_current(*, association) -> PrivacyNotice | None:
    return (
        PrivacyNotice.objects.for_association(association).order_by("-published_at", "-pk").first()
    )


def consent_active(*, member: Member, purpose: str) -> bool:
    return Consent.objects.filter(
        member=member, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def consent_require(*, member: Member, purpose: str) -> None:
    """Raise ``ConsentRequired`` unless ``member`` has an active consent to ``purpose``."""
    if not consent_active(member=member, purpose=purpose):
        raise ConsentRequired(member, ConsentPurpose(purpose))


def _may_record(by: User, member: Member) -> bool:
    if member.anonymised_at is not None:
        return False  # nobody left to consent: the entry only keeps counts
    return member.user_id == by.pk or by.has_perm("members.change_member", member)


@transaction.atomic
def consent_give(
    *,
    member: Member,
    purpose: str,
    by: User,
    method: str | None = None,
    notice: PrivacyNotice | None = None,
) -> Consent:
    """Record a consent: the person themself online, or staff from paper or voice.
    Giving again what is already given is a no-op returning the active consent."""
    if not _may_record(by, member):
        raise PermissionDenied
    if method is None:
        method = Consent.Method.ONLINE if member.user_id == by.pk else Consent.Method.PAPER
    if method == Consent.Method.ONLINE and member.user_id != by.pk:
        raise PermissionDenied  # staff record what the person gave elsewhere
    notice = notice or privacy_notice_current(association=member.association)
    if notice is None or notice.association_id != member.association_id:
        raise NoPrivacyNotice
    active = Consent.objects.filter(
        member=member, purpose=purpose, withdrawn_at__isnull=True
    ).first()
    if active is not None:
        return active
    consent = Consent(
        association_id=member.association_id,
        member=member,
        purpose=purpose,
        notice=notice,
        method=method,
        given_recorded_by=by,
    )
    consent.full_clean()
    consent._history_user = by
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        # Two submits at once: the other one recorded it.
        return Consent.objects.get(member=member, purpose=purpose, withdrawn_at__isnull=True)
    return consent


@transaction.atomic
def consent_withdraw(*, member: Member, purpose: str, by: User) -> Consent | None:
    """Withdraw the active consent to ``purpose`` (none active: nothing to do)."""
    if not _may_record(by, member):
        raise PermissionDenied
    consent = (
        Consent.objects.select_for_update()
        .filter(member=member, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        return None
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_recorded_by = by
    consent._history_user = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_recorded_by"])
    return consent


@transaction.atomic
def privacy_notice_publish(*, association, version: str, text: str, by: User) -> PrivacyNotice:
    """Publish a new version of the association's privacy notice (coordinators). Earlier
    consents keep pointing at the version their person was shown."""
    role_require(by, association, Role.COORDINATOR)
    notice = PrivacyNotice(association=association, version=version.strip(), text=text.strip())
    notice.full_clean()
    notice.save()
    return notice
