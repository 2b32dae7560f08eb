"""Skill self-assessments: each person rates, from 1 to 5, the skills a course builds —
when they enrol ("before") and once they completed it ("after"), or both at the end
(the retrospective form for low-literacy groups: "before" as remembered, and "after").

Writes (the person themself only, the course's skills only, answering again updates)
and the reads of the pages: what a form asks, a person's own growth, and the per-course
and per-group figures of facilitators and coordinators. Every figure about other people
is one SQL aggregation, hidden as "< 5" when it is about fewer than five people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Skill, User
from training.models import (
    Course,
    CourseCompletion,
    Enrolment,
    GroupMeeting,
    Session,
    SupportGroup,
)

from .models import EventKind, FeedbackAnswer, SkillAssessment
from .selectors import _bounds, _is_italian, shown

Phase = SkillAssessment.Phase

#: The forms a person may open, and the phases each one records.
FORM_PHASES: dict[str, tuple[str, ...]] = {
    "before": (Phase.BEFORE,),
    "after": (Phase.AFTER,),
    "retro": (Phase.RETRO_BEFORE, Phase.AFTER),
}
LEVELS = range(1, 6)


# --- Who may answer what -----------------------------------------------------------------


def assessment_open(*, member: Member, course: Course, phase: str) -> bool:
    """ "Before" is asked of people enrolled in the course (or waiting for a place);
    "after" and the remembered "before" of people who completed it."""
    if course.association_id != member.association_id:
        return False
    if phase == Phase.BEFORE:
        return Enrolment.objects.active().filter(member=member, session__course=course).exists()
    return CourseCompletion.objects.filter(member=member, course=course).exists()


def course_for_assessment(*, member: Member, course_pk: int, form: str) -> Course | None:
    """The course whose skills ``member`` may rate on ``form`` (before, after, retro),
    or None: another association's course, or one the person is not in, is not there."""
    course = Course.objects.filter(association_id=member.association_id, pk=course_pk).first()
    if course is None or form not in FORM_PHASES:
        return None
    if not all(assessment_open(member=member, course=course, phase=p) for p in FORM_PHASES[form]):
        return None
    return course


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def skill_assessment_save(
    *, member: Member, by: User, course: Course, phase: str, levels: dict[int, int]
) -> list[SkillAssessment]:
    """The person's own levels for ``phase``, one row per skill of the course; a second
    answer updates the first (one upsert on the unique key, so a double submit, or two
    at once, leaves one row per skill and phase)."""
    if member.user_id is None or member.user_id != by.pk:
        raise PermissionDenied
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase."))
    if not assessment_open(member=member, course=course, phase=phase):
        raise PermissionDenied
    if not levels:
        raise ValidationError(_("Rate at least one skill."))
    course_skills = set(course.skills.values_list("pk", flat=True))
    if not set(levels) <= course_skills:
        raise ValidationError(_("Rate only the skills this course builds."))
    now = timezone.now()
    rows = [
        SkillAssessment(
            association_id=member.association_id,
            member=member,
            skill_id=skill_id,
            course=course,
            phase=phase,
            level=level,
            answered_at=now,
        )
        for skill_id, level in sorted(levels.items())
    ]
    for row in rows:
        # The unique key is the upsert's business, not a check to fail on.
        row.full_clean(validate_unique=False, validate_constraints=False)
    return SkillAssessment.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member", "skill", "course", "phase"],
        update_fields=["level", "answered_at"],
    )


@transaction.atomic
def skill_assessment_save_retro(
    *, member: Member, by: User, course: Course, before: dict[int, int], after: dict[int, int]
) -> None:
    """The retrospective form: the remembered "before" and the "after", together."""
    skill_assessment_save(
        member=member, by=by, course=course, phase=Phase.RETRO_BEFORE, levels=before
    )
    skill_assessment_save(member=member, by=by, course=course, phase=Phase.AFTER, levels=after)


# --- The person's own pages ---------------------------------------------------------------------


def _level(phase: str, **match) -> Subquery:
    return Subquery(
        SkillAssessment.objects.filter(phase=phase, **match).values("level")[:1],
        output_field=IntegerField(),
    )


def skills_to_assess(*, member: Member, course: Course) -> list[Skill]:
    """The course's skills, each with the levels the person gave already
    (``level_before``, ``level_after``, ``level_retro_before``; None when not yet)."""
    mine = {"member": member, "course": course, "skill": OuterRef("pk")}
    return list(
        course.skills.order_by("kind", "name_it").annotate(
            **{f"level_{phase}": _level(phase, **mine) for phase in Phase.values}
        )
    )


def my_courses(*, member: Member) -> QuerySet[Course]:
    """Courses the person is enrolled in or completed, with what the page offers:
    ``completed``, ``has_skills``, ``has_before``, ``has_after``."""
    answered = SkillAssessment.objects.filter(member=member, course=OuterRef("pk"))
    return (
        Course.objects.filter(association_id=member.association_id)
        .filter(
            Q(pk__in=Enrolment.objects.active().filter(member=member).values("session__course_id"))
            | Q(pk__in=CourseCompletion.objects.filter(member=member).values("course_id"))
        )
        .annotate(
            completed=Exists(CourseCompletion.objects.filter(member=member, course=OuterRef("pk"))),
            has_skills=Exists(Course.skills.through.objects.filter(course_id=OuterRef("pk"))),
            has_before=Exists(answered.filter(phase=Phase.BEFORE)),
            has_after=Exists(answered.filter(phase=Phase.AFTER)),
        )
        .order_by("title")
    )


def _before_level(**match) -> Coalesce:
    """The level before the course: as answered at enrolment, or else as remembered."""
    return Coalesce(_level(Phase.BEFORE, **match), _level(Phase.RETRO_BEFORE, **match))


def member_growth(*, member: Member) -> list[dict]:
    """The person's own levels per course and skill (their own data: no small cells)."""
    match = {"member": member, "course": OuterRef("course"), "skill": OuterRef("skill")}
    rows = (
        SkillAssessment.objects.filter(member=member, phase=Phase.AFTER)
        .annotate(before=_before_level(**match))
        .annotate(growth=F("level") - F("before"))
        .order_by("course__title", "skill__name_it")
        .values(
            "course_id",
            "course__title",
            "skill__name_it",
            "skill__name_en",
            "before",
            "level",
            "growth",
        )
    )
    italian = _is_italian()
    return [
        {
            "course_id": row["course_id"],
            "course": row["course__title"],
            "skill": row["skill__name_it"] if italian else row["skill__name_en"],
            "before": row["before"],
            "after": row["level"],
            "growth": row["growth"],
        }
        for row in rows
    ]


# --- Figures about people (small cells hidden) -------------------------------------------


def _round(value, digits: int = 1):
    return round(value, digits) if value is not None else None


def _growth_rows(*, courses, start: date | None, end: date | None, by_skill: bool):
    """People with a before and an after level, per course (and skill): counted and
    averaged by the database over the "after" answers, each one paired with its before
    level by a subquery."""
    match = {"member": OuterRef("member"), "course": OuterRef("course"), "skill": OuterRef("skill")}
    afters = SkillAssessment.objects.filter(phase=Phase.AFTER, course__in=courses)
    if start and end:
        since, until = _bounds(start, end)
        afters = afters.filter(answered_at__gte=since, answered_at__lt=until)
    keys = ["course_id", *(["skill_id", "skill__name_it", "skill__name_en"] if by_skill else [])]
    return (
        afters.annotate(before=_before_level(**match))
        .filter(before__isnull=False)
        .values(*keys)
        .annotate(
            people=Count("member", distinct=True),
            average_before=Avg(Cast("before", FloatField())),
            average_after=Avg(Cast("level", FloatField())),
            average_growth=Avg(Cast(F("level") - F("before"), FloatField())),
        )
        .order_by("course_id", *(["skill__name_it"] if by_skill else []))
    )


def _growth_figures(row: dict) -> dict:
    people = row["people"]
    return {
        "people": shown(people, people),
        "before": shown(_round(row["average_before"]), people),
        "after": shown(_round(row["average_after"]), people),
        "growth": shown(_round(row["average_growth"]), people),
    }


def skill_growth(*, courses, start: date | None = None, end: date | None = None) -> dict:
    """Growth per course and per skill of each course, in two aggregations:
    ``{course_id: {"total": figures, "skills": [{"skill": name, **figures}, …]}}``, where
    figures are the people with both levels and the average before, after and growth."""
    italian = _is_italian()
    result: dict[int, dict] = {}
    for row in _growth_rows(courses=courses, start=start, end=end, by_skill=False):
        result[row["course_id"]] = {"total": _growth_figures(row), "skills": []}
    for row in _growth_rows(courses=courses, start=start, end=end, by_skill=True):
        result[row["course_id"]]["skills"].append(
            {
                "skill": row["skill__name_it"] if italian else row["skill__name_en"],
                **_growth_figures(row),
            }
        )
    return result


@dataclass(frozen=True)
class CourseFigures:
    course: Course
    enrolled: object
    attendance_rate: object
    completions: object
    feedback_average: object
    feedback_answers: object
    growth: dict | None


def course_figures(
    *, courses: QuerySet[Course], start: date | None = None, end: date | None = None
) -> list[CourseFigures]:
    """Per course: people enrolled, attendance rate, completions, the average feedback
    on its sessions and the skill growth — each a grouped aggregation over all the
    courses at once (the same number of queries for one course or many)."""
    courses = list(courses.order_by("title"))
    ids = [course.pk for course in courses]
    sessions = Session.objects.filter(course_id__in=ids, status=Session.Status.SCHEDULED)
    enrolments = Enrolment.objects.filter(session__in=sessions, status=Enrolment.Status.ENROLLED)
    completions = CourseCompletion.objects.filter(course_id__in=ids)
    answers = FeedbackAnswer.objects.filter(kind=EventKind.SESSION, object_id=OuterRef("pk"))
    if start and end:
        since, until = _bounds(start, end)
        sessions = sessions.filter(starts_at__gte=since, starts_at__lt=until)
        enrolments = enrolments.filter(session__starts_at__gte=since, session__starts_at__lt=until)
        completions = completions.filter(completed_at__gte=since, completed_at__lt=until)
        answers = answers.filter(answered_at__gte=since, answered_at__lt=until)

    attendance = {
        row["session__course_id"]: row
        for row in enrolments.values("session__course_id").annotate(
            people=Count("member", distinct=True),
            marked_people=Count("member", distinct=True, filter=Q(attended__isnull=False)),
            marked=Count("pk", filter=Q(attended__isnull=False)),
            came=Count("pk", filter=Q(attended=True)),
        )
    }
    completed = dict(
        completions.values("course_id")
        .annotate(people=Count("member", distinct=True))
        .values_list("course_id", "people")
    )
    # An answer may be anonymous, so its person is unknown; but each person answers a
    # session once, so the most answers one session got is a floor on the people.
    per_session = answers.values("object_id").annotate(n=Count("pk"), total=Sum("rating"))
    feedback = {
        row["course_id"]: row
        for row in sessions.annotate(
            answers=Subquery(per_session.values("n"), output_field=IntegerField()),
            rating_total=Subquery(per_session.values("total"), output_field=IntegerField()),
        )
        .values("course_id")
        .annotate(n=Sum("answers"), total=Sum("rating_total"), people=Max("answers"))
    }
    growth = skill_growth(courses=ids, start=start, end=end)

    figures = []
    for course in courses:
        came = attendance.get(course.pk, {})
        enrolled = came.get("people", 0)
        rate = round(100 * came["came"] / came["marked"]) if came.get("marked") else None
        people_completed = completed.get(course.pk, 0)
        average, answers = _feedback_shown(feedback.get(course.pk))
        figures.append(
            CourseFigures(
                course=course,
                enrolled=shown(enrolled, enrolled),
                attendance_rate=shown(rate, came.get("marked_people", 0)),
                completions=shown(people_completed, people_completed),
                feedback_average=average,
                feedback_answers=answers,
                growth=growth.get(course.pk),
            )
        )
    return figures


def _feedback_shown(row: dict | None) -> tuple:
    """The average rating and the number of answers of a grouped feedback row (``n``,
    ``total`` and ``people``, the most answers one event got: a floor on the people
    who answered), each hidden below five people."""
    row = row or {}
    answers, floor = row.get("n") or 0, row.get("people") or 0
    average = round(row["total"] / answers, 1) if answers else None
    return shown(average, floor), shown(answers, floor)


@dataclass(frozen=True)
class GroupFigures:
    group: SupportGroup
    meetings_held: int
    people: object
    average_attendance: object
    feedback_average: object
    feedback_answers: object


def group_figures(
    *, groups: QuerySet[SupportGroup], start: date | None = None, end: date | None = None
) -> list[GroupFigures]:
    """Per support group, over the meetings held (scheduled, and over) that started in
    the period: how many, the people who came, the average attendance per meeting and
    the average feedback on them — two grouped aggregations over all the groups at once
    (the same number of queries for one group or many)."""
    groups = list(groups.order_by("name"))
    held = GroupMeeting.objects.filter(
        group_id__in=[group.pk for group in groups],
        status=GroupMeeting.Status.SCHEDULED,
        ends_at__lte=timezone.now(),
    )
    if start and end:
        since, until = _bounds(start, end)
        held = held.filter(starts_at__gte=since, starts_at__lt=until)

    # One row per meeting and attendee (or one, empty, for a meeting nobody came to).
    attendance = {
        row["group_id"]: row
        for row in held.order_by()
        .values("group_id")
        .annotate(
            meetings=Count("pk", distinct=True),
            people=Count("attendees", distinct=True),
            attendances=Count("attendees"),
        )
    }
    # The feedback on the meetings held, whenever it was given; anonymous answers keep
    # their meeting, and as for sessions the most answers one meeting got is a floor on
    # the people who answered.
    per_meeting = (
        FeedbackAnswer.objects.filter(kind=EventKind.GROUP_MEETING, object_id=OuterRef("pk"))
        .values("object_id")
        .annotate(n=Count("pk"), total=Sum("rating"))
    )
    feedback = {
        row["group_id"]: row
        for row in held.annotate(
            answers=Subquery(per_meeting.values("n"), output_field=IntegerField()),
            rating_total=Subquery(per_meeting.values("total"), output_field=IntegerField()),
        )
        .order_by()
        .values("group_id")
        .annotate(n=Sum("answers"), total=Sum("rating_total"), people=Max("answers"))
    }

    figures = []
    for group in groups:
        came = attendance.get(group.pk) or {}
        meetings, people = came.get("meetings", 0), came.get("people", 0)
        average = round(came["attendances"] / meetings, 1) if meetings else None
        rating, answers = _feedback_shown(feedback.get(group.pk))
        figures.append(
            GroupFigures(
                group=group,
                meetings_held=meetings,
                people=shown(people, people),
                average_attendance=shown(average, people),
                feedback_average=rating,
                feedback_answers=answers,
            )
        )
    return figures
