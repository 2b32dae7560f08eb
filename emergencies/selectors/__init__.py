"""Reads of case management that views and tasks share."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from members.models import STAFF_ROLES, Association, Member, Membership, User

from ..models import Case, CaseAccess, CaseEvent, Category, DutyShift, FollowUp, Referral


def case_list(*, association: Association | None, now: datetime | None = None) -> QuerySet[Case]:
    """The association's cases with what a list row shows, and whether a follow-up is
    overdue, in one query."""
    now = now or timezone.now()
    overdue = FollowUp.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_at__lt=now)
    return (
        Case.objects.for_association(association)
        .select_related("member", "category", "assigned_to")
        .annotate(has_overdue=Exists(overdue))
    )


def case_search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Full-text search of descriptions on PostgreSQL (Italian stemming, the GIN index of
    migration 0002), plus the person's name and the case number; ``icontains``
    elsewhere."""
    text = " ".join(text.split())
    if not text:
        return queryset
    number = text.lstrip("#")
    by_number = Q(pk=int(number)) if number.isdigit() and len(number) < 10 else Q(pk__in=[])
    by_name = Q()
    for word in text.split()[:6]:
        by_name &= Q(member__first_name__icontains=word) | Q(member__last_name__icontains=word)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("description", config="italian")
        query = SearchQuery(text, config="italian", search_type="websearch")
        return queryset.annotate(search=vector).filter(Q(search=query) | by_name | by_number)
    by_description = Q()
    for word in text.split()[:6]:
        by_description &= Q(description__icontains=word)
    return queryset.filter(by_description | by_name | by_number)


def case_scoped(queryset: QuerySet[Case], *, scope: str, user: User) -> QuerySet[Case]:
    if scope == "mine":
        # The co-worked ids first (a person works beside others on a handful of cases):
        # an OR with a subquery would make PostgreSQL scan every case of the association.
        coworked = list(
            Case.coworkers.through.objects.filter(user_id=user.pk).values_list("case_id", flat=True)
        )
        return queryset.filter(Q(assigned_to=user) | Q(pk__in=coworked)).open()
    if scope == "overdue":
        return queryset.filter(has_overdue=True).open()
    if scope == "unassigned":
        return queryset.unassigned().open()
    return queryset


def case_detail(*, association: Association | None, pk: int) -> QuerySet[Case]:
    return (
        Case.objects.for_association(association)
        .filter(pk=pk)
        .select_related(
            "member",
            "member__preferred_language",
            "category",
            "assigned_to",
            "opened_by",
            "association",
        )
        .prefetch_related("coworkers")
    )


def case_timeline(*, case: Case, user: User, is_coordinator: bool) -> QuerySet[CaseEvent]:
    return (
        CaseEvent.objects.filter(case=case)
        .visible_to(user, case, is_coordinator=is_coordinator)
        .select_related("author")
    )


def case_follow_ups(*, case: Case) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(case=case)
        .select_related("assigned_to")
        .order_by(F("done_at").asc(nulls_first=True), "due_at")
    )


def case_referrals(*, case: Case) -> QuerySet[Referral]:
    return Referral.objects.filter(case=case).select_related("service", "partner")


def overdue_follow_ups(*, user: User, association: Association | None, now=None):
    now = now or timezone.now()
    return (
        FollowUp.objects.filter(
            assigned_to=user,
            case__association=association,
            done_at__isnull=True,
            due_at__lt=now,
        )
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "case__category")
        .order_by("due_at")
    )


def member_cases(*, member: Member) -> QuerySet[Case]:
    return Case.objects.filter(member=member).select_related("category", "assigned_to")


def own_cases(*, user: User, association: Association | None) -> QuerySet[Case]:
    """The signed-in person's own requests: no notes, no operators' details."""
    return (
        Case.objects.for_association(association)
        .of_member_user(user)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.filter(kind=Referral.Kind.SERVICE).select_related(
                    "service"
                ),
            )
        )
    )


def staff_of(*, association: Association | None) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(association=association)
        .with_role(*STAFF_ROLES)
        .values("user_id")
    ).order_by("first_name", "last_name", "email")


def operators_of(*, association: Association | None) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(association=association, is_operator=True).values(
            "user_id"
        )
    ).order_by("first_name", "last_name", "email")


def categories_of(*, association: Association | None) -> QuerySet[Category]:
    return Category.objects.for_association(association).filter(is_active=True)


def roster(*, association: Association | None, since: datetime, until: datetime):
    return (
        DutyShift.objects.for_association(association)
        .filter(ends_at__gt=since, starts_at__lt=until)
        .select_related("operator")
    )


def referrals_received(*, association: Association | None) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(partner=association, kind=Referral.Kind.PARTNER)
        .exclude(status=Referral.Status.REVOKED)
        .select_related("case__association", "case__category", "created_by")
    )


def access_log(*, association: Association | None) -> QuerySet[CaseAccess]:
    return CaseAccess.objects.filter(case__association=association).select_related("user", "case")


def case_figures(
    *, association: Association | None, since: datetime | None = None, until: datetime | None = None
) -> list[dict]:
    """By category: cases opened in the period, closed, and the mean time to first
    contact and to close (the figures evaluation reads)."""
    cases = Case.objects.for_association(association)
    if since:
        cases = cases.filter(opened_at__gte=since)
    if until:
        cases = cases.filter(opened_at__lt=until)
    rows = (
        cases.values("category_id")
        .annotate(
            opened=Count("pk"),
            closed=Count("pk", filter=Q(status=Case.Status.CLOSED)),
            to_first_contact=Avg(
                ExpressionWrapper(
                    F("first_contact_at") - F("opened_at"), output_field=DurationField()
                )
            ),
            to_close=Avg(
                ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
            ),
        )
        .order_by("category_id")
    )
    names = {c.pk: c for c in Category.objects.for_association(association)}
    return [{**row, "category": names.get(row["category_id"])} for row in rows]
