"""Reads of the training module that pages and feeds share: the access helpers (404
for another association's course, session or group), the calendar's sessions with the
person's own enrolment in a fixed number of queries, and a person's feed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Association, Member, Role, User
from members.selectors import has_role_in, member_of_user

from .models import (
    Campaign,
    Course,
    Enrolment,
    GroupMeeting,
    GroupMembership,
    GroupNote,
    Material,
    MaterialFile,
    Session,
    SupportGroup,
)


def course_get_for_user(*, user: User, association, pk: int) -> Course:
    """A course of the active association: members see published ones, staff all."""
    courses = Course.objects.for_association(association)
    if not has_role_in(user, association.pk, Role.COORDINATOR, Role.FACILITATOR, Role.OPERATOR):
        courses = courses.published()
    return get_object_or_404(courses, pk=pk)


def session_get_for_user(*, user: User, association, pk: int) -> Session:
    sessions = Session.objects.select_related("course", "location").filter(
        course__association=association
    )
    if not has_role_in(user, association.pk, Role.COORDINATOR, Role.FACILITATOR, Role.OPERATOR):
        sessions = sessions.filter(course__is_published=True)
    return get_object_or_404(sessions, pk=pk)


def group_get_for_user(*, user: User, association, pk: int) -> SupportGroup:
    return get_object_or_404(
        SupportGroup.objects.for_association(association).select_related("language", "location"),
        pk=pk,
    )


def courses_for(*, user: User, association) -> QuerySet[Course]:
    """Courses a staff page lists: a facilitator's own; all for coordinators."""
    courses = Course.objects.for_association(association).annotate(
        upcoming=Count(
            "sessions",
            filter=Q(sessions__starts_at__gte=timezone.now(), sessions__status="scheduled"),
        )
    )
    if not has_role_in(user, association.pk, Role.COORDINATOR):
        courses = courses.run_by(user)
    return courses.order_by("title")


# --- Calendar ----------------------------------------------------------------------------


def month_bounds(day: date) -> tuple[date, date]:
    """The Monday before the month's first day to the Sunday after its last: whole weeks."""
    first = day.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    end = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
    return start, end


def week_bounds(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_sessions(
    *, user: User, association, start: date, end: date, scope: str
) -> list[Session]:
    """The sessions from ``start`` to ``end`` (exclusive) of the scope: ``open`` (what a
    member can join), ``mine`` (what they joined) or ``run`` (what a facilitator runs),
    each with ``my_enrolment`` (the person's active enrolment or None). Three queries."""
    member = member_of_user(user=user, association=association)
    sessions = (
        Session.objects.filter(
            course__association=association, starts_at__gte=_aware(start), starts_at__lt=_aware(end)
        )
        .select_related("course", "location")
        .order_by("starts_at")
    )
    if scope == "run":
        sessions = sessions.filter(Q(facilitators=user) | Q(course__facilitators=user)).distinct()
    elif scope == "mine":
        sessions = sessions.filter(
            enrolments__member=member, enrolments__status__in=["enrolled", "waitlisted"]
        ).distinct()
    else:
        sessions = sessions.filter(course__is_published=True, status=Session.Status.SCHEDULED)
    mine = Enrolment.objects.active().filter(member=member) if member else Enrolment.objects.none()
    sessions = sessions.prefetch_related(
        Prefetch("enrolments", queryset=mine, to_attr="my_enrolments")
    )
    result = list(sessions)
    for session in result:
        session.my_enrolment = session.my_enrolments[0] if session.my_enrolments else None
    return result


def calendar_weeks(start: date, end: date, sessions: list[Session]) -> list[list[dict]]:
    """The days from ``start`` to ``end`` in rows of seven, each with its sessions."""
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    return [
        [{"day": day, "sessions": by_day.get(day, [])} for day in days[i : i + 7]]
        for i in range(0, len(days), 7)
    ]


# --- Attendance ---------------------------------------------------------------------------


def attendance_list(session: Session) -> list[Enrolment]:
    """The people enrolled, by name, with their member row (one query)."""
    return list(
        session.enrolments.enrolled()
        .select_related("member")
        .order_by("member__last_name", "member__first_name")
    )


# --- A person's feed ------------------------------------------------------------------------


def feed_sessions(*, user: User) -> QuerySet[Session]:
    """Every session the person is enrolled in (or waiting for) or runs, in any of
    their associations, from 30 days ago on."""
    since = timezone.now() - timedelta(days=30)
    members = Member.objects.filter(user=user)
    return (
        Session.objects.filter(starts_at__gte=since)
        .filter(
            Q(
                enrolments__member__in=members,
                enrolments__status__in=["enrolled", "waitlisted"],
            )
            | Q(facilitators=user)
            | Q(course__facilitators=user)
        )
        .select_related("course", "course__association", "location")
        .distinct()
        .order_by("starts_at")
    )


def feed_meetings(*, user: User) -> QuerySet[GroupMeeting]:
    since = timezone.now() - timedelta(days=30)
    return (
        GroupMeeting.objects.filter(starts_at__gte=since)
        .filter(
            Q(
                group__memberships__member__user=user,
                group__memberships__status=GroupMembership.Status.MEMBER,
            )
            | Q(group__facilitators=user)
        )
        .select_related("group", "group__location")
        .distinct()
        .order_by("starts_at")
    )


# --- Groups ------------------------------------------------------------------------------


def group_notes_for(*, group: SupportGroup, user: User) -> QuerySet[GroupNote]:
    """The group's notes, for its own facilitators only; anyone else: ``Http404``
    (nobody learns whether there are any)."""
    if not group.facilitators.filter(pk=user.pk).exists():
        raise Http404(_("No such notes."))
    return group.notes.select_related("author", "meeting")


# --- Campaigns and the materials library -------------------------------------------------


def campaign_list_rows(*, association: Association) -> QuerySet[Campaign]:
    """The association's campaigns, latest first, each with its actions, people
    reached and signatures summed by the database."""
    return (
        Campaign.objects.for_association(association)
        .annotate(
            action_count=Count("actions"),
            reached=Sum("actions__people_reached", default=0),
            signed=Sum("actions__signatures", default=0),
        )
        .order_by("-starts_on", "-pk")
    )


def campaign_get_for_user(*, request, pk: int) -> Campaign:
    """The one way views reach a campaign: another association's is a 404 (roles are
    checked by the view's decorator)."""
    return get_object_or_404(Campaign.objects.for_association(request.association), pk=pk)


def campaign_totals(campaign: Campaign) -> dict:
    """Actions, people reached and signatures of a campaign, summed by the database (a
    figure nobody recorded counts as none)."""
    return campaign.actions.aggregate(
        actions=Count("pk"),
        people_reached=Sum("people_reached", default=0),
        signatures=Sum("signatures", default=0),
    )


def _files_prefetch() -> Prefetch:
    return Prefetch(
        "files",
        queryset=MaterialFile.objects.select_related("language").order_by("language__name_en"),
    )


def material_list_rows(
    *, association: Association, text: str = "", language=None
) -> QuerySet[Material]:
    """The association's materials by title, each with its language versions; matching
    ``text`` in title, description or author, and having a version in ``language``."""
    rows = Material.objects.for_association(association)
    for word in text.split():
        rows = rows.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(author__icontains=word)
        )
    if language is not None:
        # One version per language: the join cannot repeat a material.
        rows = rows.filter(files__language=language)
    return rows.prefetch_related(_files_prefetch()).order_by("title", "pk")


def material_get_for_user(*, request, pk: int) -> Material:
    """The one way views reach a material: another association's is a 404."""
    return get_object_or_404(Material.objects.for_association(request.association), pk=pk)
