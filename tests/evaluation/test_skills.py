"""Skill self-assessment: a person rates the skills of their own course before it and
after completing it (or both at the end), answering again updates, growth is counted by
the database with small cells hidden, and course and group figures are a facilitator's
own courses and groups and a coordinator's all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation import skills
from evaluation.models import FeedbackAnswer, SkillAssessment
from evaluation.selectors import HIDDEN
from members.models import Member
from tests.factories import MemberFactory, SkillFactory, UserFactory
from tests.training.factories import (
    CourseFactory,
    EnrolmentFactory,
    GroupFactory,
    SessionFactory,
)
from training.models import CourseCompletion, GroupMeeting

Phase = SkillAssessment.Phase


@pytest.fixture
def course(association):
    course = CourseFactory(association=association)
    course.skills.set(SkillFactory.create_batch(2, association=association))
    return course


def _skill_ids(course) -> list[int]:
    return sorted(course.skills.values_list("pk", flat=True))


def _own_member(client) -> Member:
    return Member.objects.get(user=client.user)


def _enrol(course, member):
    return EnrolmentFactory(session=SessionFactory(course=course), member=member)


def _complete(course, member):
    return CourseCompletion.objects.create(course=course, member=member)


def _person(association):
    return MemberFactory(association=association, user=UserFactory())


def _rate(member, course, before: int, after: int, before_phase=Phase.BEFORE):
    for phase, level in ((before_phase, before), (Phase.AFTER, after)):
        for skill_id in _skill_ids(course):
            SkillAssessment.objects.create(
                association=course.association,
                member=member,
                skill_id=skill_id,
                course=course,
                phase=phase,
                level=level,
            )


# --- Service ------------------------------------------------------------------------------


def test_answering_again_updates_the_same_rows(course):
    member = _person(course.association)
    _enrol(course, member)
    first, second = _skill_ids(course)
    skills.skill_assessment_save(
        member=member, by=member.user, course=course, phase=Phase.BEFORE, levels={first: 2}
    )
    skills.skill_assessment_save(
        member=member,
        by=member.user,
        course=course,
        phase=Phase.BEFORE,
        levels={first: 4, second: 1},
    )
    levels = dict(SkillAssessment.objects.filter(member=member).values_list("skill_id", "level"))
    assert levels == {first: 4, second: 1}


def test_nobody_answers_for_someone_else(course, association):
    member = _person(association)
    _enrol(course, member)
    with pytest.raises(PermissionDenied):
        skills.skill_assessment_save(
            member=member,
            by=UserFactory(),
            course=course,
            phase=Phase.BEFORE,
            levels={_skill_ids(course)[0]: 3},
        )
    assert not SkillAssessment.objects.exists()


def test_only_the_courses_skills_are_rated(course, association):
    member = _person(association)
    _enrol(course, member)
    other_skill = SkillFactory(association=association)
    with pytest.raises(ValidationError):
        skills.skill_assessment_save(
            member=member,
            by=member.user,
            course=course,
            phase=Phase.BEFORE,
            levels={_skill_ids(course)[0]: 3, other_skill.pk: 3},
        )
    # One transaction: the course's skill was not written either.
    assert not SkillAssessment.objects.exists()


def test_levels_are_1_to_5(course, association):
    member = _person(association)
    _enrol(course, member)
    with pytest.raises(ValidationError):
        skills.skill_assessment_save(
            member=member,
            by=member.user,
            course=course,
            phase=Phase.BEFORE,
            levels={_skill_ids(course)[0]: 6},
        )


def test_after_needs_the_course_completed(course, association):
    member = _person(association)
    _enrol(course, member)
    levels = {_skill_ids(course)[0]: 4}
    with pytest.raises(PermissionDenied):
        skills.skill_assessment_save(
            member=member, by=member.user, course=course, phase=Phase.AFTER, levels=levels
        )
    _complete(course, member)
    skills.skill_assessment_save(
        member=member, by=member.user, course=course, phase=Phase.AFTER, levels=levels
    )
    assert SkillAssessment.objects.filter(member=member, phase=Phase.AFTER).count() == 1


# --- The member's pages -------------------------------------------------------------------


def test_enrolled_member_rates_before(member_client, course):
    member = _own_member(member_client)
    _enrol(course, member)
    url = reverse("evaluation:skills-assess", args=[course.pk, "before"])
    page = member_client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="skill"') == 2
    first, second = _skill_ids(course)
    response = member_client.post(url, {f"before-{first}": "2", f"before-{second}": "5"})
    assert response.status_code == 302
    assert dict(
        SkillAssessment.objects.filter(member=member, phase=Phase.BEFORE).values_list(
            "skill_id", "level"
        )
    ) == {first: 2, second: 5}
    # The form shows the answers given, to change them.
    assert 'value="5" autocomplete="off" checked' in member_client.get(url).content.decode()


def test_a_missing_answer_keeps_what_was_chosen(member_client, course):
    _enrol(course, _own_member(member_client))
    url = reverse("evaluation:skills-assess", args=[course.pk, "before"])
    first, _second = _skill_ids(course)
    response = member_client.post(url, {f"before-{first}": "3"})
    assert response.status_code == 200
    assert 'value="3" autocomplete="off" checked' in response.content.decode()
    assert not SkillAssessment.objects.exists()


def test_retro_form_records_before_and_after_together(member_client, course):
    member = _own_member(member_client)
    _complete(course, member)
    first, second = _skill_ids(course)
    url = reverse("evaluation:skills-assess", args=[course.pk, "retro"])
    assert member_client.get(url).status_code == 200
    response = member_client.post(
        url,
        {
            f"retro_before-{first}": "1",
            f"retro_before-{second}": "2",
            f"after-{first}": "4",
            f"after-{second}": "5",
        },
    )
    assert response.status_code == 302
    rows = set(
        SkillAssessment.objects.filter(member=member).values_list("phase", "skill_id", "level")
    )
    assert rows == {
        (Phase.RETRO_BEFORE, first, 1),
        (Phase.RETRO_BEFORE, second, 2),
        (Phase.AFTER, first, 4),
        (Phase.AFTER, second, 5),
    }


@pytest.mark.parametrize("phase", ["before", "after", "retro", "whenever"])
def test_a_course_the_member_is_not_in_answers_404(member_client, course, phase):
    url = reverse("evaluation:skills-assess", args=[course.pk, phase])
    assert member_client.get(url).status_code == 404


def test_after_and_retro_answer_404_before_completion(member_client, course):
    _enrol(course, _own_member(member_client))
    for phase in ("after", "retro"):
        url = reverse("evaluation:skills-assess", args=[course.pk, phase])
        assert member_client.get(url).status_code == 404


def test_another_associations_course_answers_404(member_client, other_association):
    course = CourseFactory(association=other_association)
    course.skills.set([SkillFactory(association=other_association)])
    url = reverse("evaluation:skills-assess", args=[course.pk, "before"])
    assert member_client.get(url).status_code == 404


def test_my_skills_links_each_course_to_its_form(member_client, association, course):
    member = _own_member(member_client)
    _enrol(course, member)
    done = CourseFactory(association=association)
    done.skills.set([SkillFactory(association=association)])
    _complete(done, member)
    CourseFactory(association=association)  # not theirs
    page = member_client.get(reverse("evaluation:skills-mine")).content.decode()
    assert page.count('data-testid="my-course"') == 2
    assert reverse("evaluation:skills-assess", args=[course.pk, "before"]) in page
    assert reverse("evaluation:skills-assess", args=[done.pk, "after"]) in page
    assert reverse("evaluation:skills-assess", args=[done.pk, "retro"]) in page
    assert reverse("evaluation:skills-assess", args=[course.pk, "after"]) not in page


def test_my_growth_is_my_own(member_client, association, course):
    member = _own_member(member_client)
    _complete(course, member)
    _rate(member, course, before=2, after=4)
    _rate(_person(association), course, before=1, after=1)
    rows = skills.member_growth(member=member)
    assert [(r["before"], r["after"], r["growth"]) for r in rows] == [(2, 4, 2), (2, 4, 2)]
    page = member_client.get(reverse("evaluation:skills-mine")).content.decode()
    assert page.count('data-testid="growth-row"') == 2


# --- Growth figures -----------------------------------------------------------------------


def test_growth_is_averaged_over_people_with_both_levels(course, association):
    for n in range(5):
        _rate(_person(association), course, before=1 + n % 2, after=4)
    # Retrospective "before" counts as a before.
    _rate(_person(association), course, before=2, after=5, before_phase=Phase.RETRO_BEFORE)
    # Only an "after": not counted.
    lonely = _person(association)
    SkillAssessment.objects.create(
        association=association,
        member=lonely,
        skill_id=_skill_ids(course)[0],
        course=course,
        phase=Phase.AFTER,
        level=5,
    )
    growth = skills.skill_growth(courses=[course.pk])[course.pk]
    # before: 1,2,1,2,1,2 → 1.5; after: 4×5, 5 → 4.2 (rounded 4.2); growth 2.7
    assert growth["total"]["people"] == 6
    assert growth["total"]["before"] == 1.5
    assert growth["total"]["after"] == pytest.approx(4.2, abs=0.05)
    assert growth["total"]["growth"] == pytest.approx(2.7, abs=0.05)
    assert [row["people"] for row in growth["skills"]] == [6, 6]


def test_growth_about_fewer_than_five_people_is_hidden(course, association):
    for _ in range(4):
        _rate(_person(association), course, before=1, after=5)
    growth = skills.skill_growth(courses=[course.pk])[course.pk]
    assert growth["total"] == {
        "people": HIDDEN,
        "before": HIDDEN,
        "after": HIDDEN,
        "growth": HIDDEN,
    }
    assert all(row["growth"] == HIDDEN for row in growth["skills"])


def test_growth_period_is_when_after_was_answered(course, association):
    for _ in range(5):
        _rate(_person(association), course, before=1, after=5)
    SkillAssessment.objects.filter(phase=Phase.AFTER).update(
        answered_at=timezone.now() - timedelta(days=400)
    )
    today = timezone.localdate()
    assert (
        skills.skill_growth(courses=[course.pk], start=today - timedelta(days=30), end=today) == {}
    )
    assert skills.skill_growth(courses=[course.pk])[course.pk]["total"]["people"] == 5


# --- Course figures -----------------------------------------------------------------------


def _figures_page(client, **params):
    return client.get(reverse("evaluation:course-figures"), params)


def test_facilitator_sees_only_their_own_courses(facilitator_client, association):
    mine = CourseFactory(association=association, facilitators=[facilitator_client.user])
    theirs = CourseFactory(association=association)
    page = _figures_page(facilitator_client)
    assert page.status_code == 200
    assert [f.course for f in page.context["figures"]] == [mine]
    assert _figures_page(facilitator_client, course=mine.pk).status_code == 200
    assert _figures_page(facilitator_client, course=theirs.pk).status_code == 404


def test_coordinator_sees_every_course_of_the_association(
    coordinator_client, association, other_association
):
    ours = CourseFactory.create_batch(2, association=association)
    elsewhere = CourseFactory(association=other_association)
    page = _figures_page(coordinator_client)
    assert {f.course for f in page.context["figures"]} == set(ours)
    assert _figures_page(coordinator_client, course=elsewhere.pk).status_code == 404


def test_members_and_outsiders_do_not_see_course_figures(
    member_client, outsider_client, association
):
    course = CourseFactory(association=association)
    assert _figures_page(member_client).status_code == 403
    assert _figures_page(outsider_client, course=course.pk).status_code == 404
    assert course not in [f.course for f in _figures_page(outsider_client).context["figures"]]


def test_course_figures_hide_small_cells(coordinator_client, association):
    small = CourseFactory(association=association, title="A small one")
    big = CourseFactory(association=association, title="B big one")
    past = timezone.now() - timedelta(days=1)
    for course, people in ((small, 3), (big, 6)):
        session = SessionFactory(course=course, starts_at=past, capacity=20)
        for n in range(people):
            enrolment = EnrolmentFactory(session=session, attended=n % 3 != 0)
            _complete(course, enrolment.member)
            FeedbackAnswer.objects.create(
                association=association, kind="session", object_id=session.pk, rating=4
            )
    figures = {f.course: f for f in _figures_page(coordinator_client).context["figures"]}
    assert figures[small].enrolled == HIDDEN
    assert figures[small].attendance_rate == HIDDEN
    assert figures[small].completions == HIDDEN
    assert figures[small].feedback_average == HIDDEN
    assert figures[big].enrolled == 6
    assert figures[big].attendance_rate == 67  # 4 of 6
    assert figures[big].completions == 6
    assert figures[big].feedback_average == 4.0
    page = _figures_page(coordinator_client).content.decode()
    assert page.count('data-testid="enrolled">&lt; 5<') == 1


def test_feedback_of_one_person_over_many_sessions_stays_hidden(coordinator_client, association):
    course = CourseFactory(association=association)
    for _ in range(6):
        session = SessionFactory(course=course)
        FeedbackAnswer.objects.create(
            association=association, kind="session", object_id=session.pk, rating=1
        )
    (figure,) = _figures_page(coordinator_client).context["figures"]
    assert figure.feedback_average == HIDDEN


@pytest.mark.parametrize("n", [1, 20])
def test_course_figures_query_count_is_constant(
    coordinator_client, association, django_assert_num_queries, n
):
    for _ in range(n):
        course = CourseFactory(association=association)
        course.skills.set([SkillFactory(association=association)])
        EnrolmentFactory(session=SessionFactory(course=course))
        _rate(_person(association), course, before=1, after=3)
    # user, memberships, the coordinator's second factor, courses, attendance,
    # completions, feedback, growth per course, growth per skill, groups (none: their
    # figures need no more), unread notifications
    with django_assert_num_queries(11):
        _figures_page(coordinator_client)


# --- Group figures ------------------------------------------------------------------------


def _meeting(group, days_ago: float, status=GroupMeeting.Status.SCHEDULED, attendees=()):
    starts = timezone.now() - timedelta(days=days_ago)
    meeting = GroupMeeting.objects.create(
        group=group, starts_at=starts, ends_at=starts + timedelta(hours=1), status=status
    )
    meeting.attendees.set(attendees)
    return meeting


def _people(association, n: int) -> list[Member]:
    return MemberFactory.create_batch(n, association=association)


def _group_answer(meeting, rating: int, kind="group_meeting"):
    # Anonymous, as most are: no request, only the meeting.
    return FeedbackAnswer.objects.create(
        association=meeting.group.association, kind=kind, object_id=meeting.pk, rating=rating
    )


def _group_figures(client, **params) -> dict:
    return {f.group: f for f in _figures_page(client, **params).context["group_figures"]}


def test_facilitator_sees_only_the_groups_they_facilitate(facilitator_client, association):
    mine = GroupFactory(association=association, facilitators=[facilitator_client.user])
    theirs = GroupFactory(association=association)
    course = CourseFactory(association=association, facilitators=[facilitator_client.user])
    page = _figures_page(facilitator_client)
    assert [f.group for f in page.context["group_figures"]] == [mine]
    assert page.content.decode().count('data-testid="group-figures"') == 1
    chosen = _figures_page(facilitator_client, group=mine.pk)
    assert chosen.status_code == 200
    assert [f.group for f in chosen.context["group_figures"]] == [mine]
    # A group chosen shows that group alone, a course that course alone.
    assert chosen.context["figures"] == []
    assert _figures_page(facilitator_client, course=course.pk).context["group_figures"] == []
    assert _figures_page(facilitator_client, group=theirs.pk).status_code == 404
    assert _figures_page(facilitator_client, group="x").status_code == 404


def test_coordinator_sees_every_group_of_the_association(
    coordinator_client, association, other_association
):
    ours = GroupFactory.create_batch(2, association=association)
    elsewhere = GroupFactory(association=other_association)
    assert set(_group_figures(coordinator_client)) == set(ours)
    assert _figures_page(coordinator_client, group=elsewhere.pk).status_code == 404


def test_group_figures_are_counted_from_the_meetings_held(coordinator_client, association):
    group = GroupFactory(association=association)
    people = _people(association, 7)
    held = [
        _meeting(group, 30, attendees=people[:6]),
        _meeting(group, 20, attendees=people[2:7]),
        _meeting(group, 10, attendees=people[:1]),
        _meeting(group, 5),  # held, nobody came
    ]
    # Not held: cancelled, or not over yet.
    _meeting(group, 3, status=GroupMeeting.Status.CANCELLED, attendees=people)
    _meeting(group, -2, attendees=people)
    ratings = {held[0]: [5, 4, 4, 5, 3], held[1]: [2, 5, 4]}
    for meeting, values in ratings.items():
        for rating in values:
            _group_answer(meeting, rating)
    # Another kind of event with the same number is not this meeting's.
    _group_answer(held[2], 1, kind="session")

    (figure,) = _group_figures(coordinator_client).values()
    came = [set(meeting.attendees.all()) for meeting in held]
    given = [rating for values in ratings.values() for rating in values]
    assert figure.meetings_held == len(held) == 4
    assert figure.people == len(set().union(*came)) == 7
    assert figure.average_attendance == round(sum(map(len, came)) / len(held), 1) == 3.0
    assert figure.feedback_average == round(sum(given) / len(given), 1) == 4.0
    assert figure.feedback_answers == len(given)


def test_group_figures_follow_the_period(coordinator_client, association):
    group = GroupFactory(association=association)
    people = _people(association, 5)
    _meeting(group, 400, attendees=people)
    recent = _meeting(group, 3, attendees=people[:5])
    for _ in range(5):
        _group_answer(recent, 4)
    today = timezone.localdate()
    (figure,) = _group_figures(
        coordinator_client, start=today - timedelta(days=30), end=today
    ).values()
    assert (figure.meetings_held, figure.people, figure.average_attendance) == (1, 5, 5.0)
    assert figure.feedback_average == 4.0
    (all_time,) = _group_figures(coordinator_client).values()
    assert all_time.meetings_held == 2


def test_group_of_three_people_is_shown_as_fewer_than_five(coordinator_client, association):
    small = GroupFactory(association=association, name="A small one")
    big = GroupFactory(association=association, name="B big one")
    for group, n in ((small, 3), (big, 6)):
        people = _people(association, n)
        for days_ago in (14, 7):
            meeting = _meeting(group, days_ago, attendees=people)
            for _ in people:
                _group_answer(meeting, 3)
    figures = _group_figures(coordinator_client)
    assert figures[small].people == HIDDEN
    assert figures[small].average_attendance == HIDDEN
    assert figures[small].feedback_average == HIDDEN
    assert figures[small].meetings_held == 2  # not about people
    assert (figures[big].people, figures[big].average_attendance) == (6, 6.0)
    assert figures[big].feedback_average == 3.0
    page = _figures_page(coordinator_client).content.decode()
    assert page.count('data-testid="group-people">&lt; 5<') == 1


def test_group_feedback_of_few_answers_per_meeting_stays_hidden(coordinator_client, association):
    group = GroupFactory(association=association)
    people = _people(association, 6)
    # Six people came, but no meeting got more than two answers: two may be one person.
    for days_ago in range(1, 7):
        meeting = _meeting(group, days_ago, attendees=people)
        _group_answer(meeting, 1)
        _group_answer(meeting, 2)
    (figure,) = _group_figures(coordinator_client).values()
    assert figure.people == 6
    assert figure.feedback_average == HIDDEN


@pytest.mark.parametrize("n", [1, 20])
def test_group_figures_query_count_is_constant(
    facilitator_client, association, django_assert_num_queries, n
):
    groups = GroupFactory.create_batch(
        n, association=association, facilitators=[facilitator_client.user]
    )
    people = _people(association, n)
    for group in groups:
        for days_ago in range(1, n + 1):
            _group_answer(_meeting(group, days_ago, attendees=people), 4)
    # user, memberships, courses (none: their figures need no more), groups,
    # meetings held with their attendance, feedback on them, unread notifications
    with django_assert_num_queries(7):
        page = _figures_page(facilitator_client)
    assert len(page.context["group_figures"]) == n


def test_a_date_that_does_not_exist_on_the_figures_page_is_a_message(coordinator_client):
    response = coordinator_client.get(
        reverse("evaluation:course-figures"), {"start": "2026-02-30", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    assert "Non è una data" in response.content.decode()
