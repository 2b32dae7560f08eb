"""Reads about partnerships: the coordinators' list and the referral pickers."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from members.models import Association

from .models import Organization, Partnership


def partnership_list(*, association: Association) -> QuerySet[Partnership]:
    return (
        Partnership.objects.for_association(association)
        .select_related("organization")
        .prefetch_related("categories")
        .order_by("organization__name", "pk")
    )


def partner_organizations_for(
    *, association: Association, on: date | None = None
) -> QuerySet[Organization]:
    """The organizations ``association`` may refer people to: partners whose agreement
    is in force ``on`` that day (today by default; no dates means open-ended). Each
    carries its partnership (what it accepts, its contact, categories) as
    ``current_partnerships`` (a list of one)."""
    on = on or timezone.localdate()
    current = (
        Q(association=association)
        & (Q(agreement_start__isnull=True) | Q(agreement_start__lte=on))
        & (Q(agreement_end__isnull=True) | Q(agreement_end__gte=on))
    )
    partnerships = Partnership.objects.filter(current).prefetch_related("categories")
    return (
        Organization.objects.filter(pk__in=partnerships.values("organization_id"))
        .prefetch_related(
            Prefetch("partnerships", queryset=partnerships, to_attr="current_partnerships")
        )
        .order_by("name")
    )
