"""Partnerships: the organizations an association works with, as coordinators keep them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from members.models import Association, User

from ..models import Organization, Partnership, TaxonomyTerm

ALREADY_A_PARTNER = _("This organization is already a partner.")


def _save(partnership: Partnership, *, by: User, categories: Iterable[TaxonomyTerm]) -> None:
    """Raises ValidationError on ``organization`` when the association already has this
    partner: a form checked it, but a second submit may have saved it since."""
    if not by.has_perm("resources.change_partnership", partnership):
        raise PermissionDenied
    taken = Partnership.objects.filter(
        association_id=partnership.association_id, organization_id=partnership.organization_id
    ).exclude(pk=partnership.pk)
    if taken.exists():
        raise ValidationError({"organization": ALREADY_A_PARTNER})
    partnership.full_clean()
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError:
        # Saved by another request between the check above and this insert.
        raise ValidationError({"organization": ALREADY_A_PARTNER}) from None
    partnership.categories.set(categories)


@transaction.atomic
def partnership_create(
    *,
    association: Association,
    by: User,
    organization: Organization,
    agreement_start: date | None = None,
    agreement_end: date | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    accepts_referrals: str = "",
    categories: Iterable[TaxonomyTerm] = (),
) -> Partnership:
    partnership = Partnership(
        association=association,
        organization=organization,
        agreement_start=agreement_start,
        agreement_end=agreement_end,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        accepts_referrals=accepts_referrals,
    )
    _save(partnership, by=by, categories=categories)
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    by: User,
    organization: Organization,
    agreement_start: date | None = None,
    agreement_end: date | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    accepts_referrals: str = "",
    categories: Iterable[TaxonomyTerm] = (),
) -> Partnership:
    partnership.organization = organization
    partnership.agreement_start = agreement_start
    partnership.agreement_end = agreement_end
    partnership.contact_name = contact_name
    partnership.contact_email = contact_email
    partnership.contact_phone = contact_phone
    partnership.accepts_referrals = accepts_referrals
    _save(partnership, by=by, categories=categories)
    return partnership
