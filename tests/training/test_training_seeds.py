"""The training data of the demo (``manage.py seed_demo``) and of the benchmark
(``manage.py seed_scale``): the demo's courses, groups and campaign are in the states
their stories say, and a second run adds nothing; the bench seeder creates the rows it
reports, with the places the database allows."""

import pytest
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from bench import pages
from bench.seed import (
    BIG_SESSION_COURSE,
    BIG_SESSION_PEOPLE,
    MEMBER_UPCOMING_SESSIONS,
    bench_association,
    bench_users,
)
from members.models import Association, EmpowermentStep, Member, Reminder, Role, User
from tests.seeding import seed_demo, seed_scale
from training.models import (
    Campaign,
    CampaignAction,
    Course,
    CourseCompletion,
    Enrolment,
    GroupMeeting,
    GroupMembership,
    GroupNote,
    GroupNotice,
    Session,
    SupportGroup,
    Topic,
)
from training.selectors import group_notes_for

BENCH_FACTOR = 0.01  # 10 members: one course of eight sessions, the plenary, one group


def _counts() -> dict[str, int]:
    return {
        "courses": Course.objects.count(),
        "course history": Course.history.count(),
        "sessions": Session.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "completions": CourseCompletion.objects.count(),
        "groups": SupportGroup.objects.count(),
        "memberships": GroupMembership.objects.count(),
        "meetings": GroupMeeting.objects.count(),
        "attendees": GroupMeeting.attendees.through.objects.count(),
        "notices": GroupNotice.objects.count(),
        "notes": GroupNote.objects.count(),
        "campaigns": Campaign.objects.count(),
        "actions": CampaignAction.objects.count(),
        "reminders": Reminder.objects.count(),
        "empowerment steps": EmpowermentStep.objects.count(),
    }


def _assert_counts_consistent(sessions) -> None:
    """Every session's ``enrolled_count`` is its enrolled people, within its places."""
    mismatched = sessions.annotate(
        n=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED))
    ).exclude(enrolled_count=F("n"))
    assert not mismatched.exists()
    assert not sessions.filter(enrolled_count__gt=F("capacity")).exists()


@pytest.fixture
def demo(seeded_demo, db) -> str:
    """The demo, seeded once for this module (its tests only read it)."""
    return seeded_demo


def test_seed_demo_training_twice_adds_nothing_and_prints_the_same(seeded_demo, db):
    first_output = seeded_demo
    first = _counts()

    second_output = seed_demo()

    assert _counts() == first
    assert first_output == second_output
    assert "Training: 4 courses, " in first_output


def test_seed_demo_courses_have_past_attendance_and_coming_sessions(demo):
    home = Association.objects.get(slug="migr-azioni")
    fatima = User.objects.get(email="facilitator@nucleo.test")
    carla = User.objects.get(email="coordinator@nucleo.test")
    now = timezone.now()
    courses = {course.title: course for course in Course.objects.filter(association=home)}
    assert {title: course.topic for title, course in courses.items()} == {
        "Autogestione delle emergenze": Topic.SELF_MANAGEMENT,
        "Comunicazione efficace": Topic.COMMUNICATION,
        "Ascolto attivo": Topic.LISTENING,
        "Formazione per facilitatori": Topic.FACILITATION,
    }
    assert set(courses["Autogestione delle emergenze"].facilitators.all()) == {fatima}
    assert set(courses["Comunicazione efficace"].facilitators.all()) == {carla}
    for title in ("Autogestione delle emergenze", "Comunicazione efficace", "Ascolto attivo"):
        sessions = courses[title].sessions.all()
        # One weekly series, some of it in the past weeks, some in the coming ones.
        assert sessions.values("series").distinct().count() == 1
        past, coming = sessions.filter(starts_at__lte=now), sessions.filter(starts_at__gt=now)
        assert past.exists() and coming.exists(), title
        assert now - past.earliest("starts_at").starts_at < timezone.timedelta(weeks=7)
        assert coming.latest("starts_at").starts_at - now < timezone.timedelta(weeks=4)
        # Attendance on every past session, none on the coming ones.
        for session in past:
            marked = session.enrolments.enrolled()
            assert marked.exists() and not marked.filter(attended__isnull=True).exists()
            assert marked.filter(attended=True).exists()
        assert not Enrolment.objects.filter(session__in=coming, attended__isnull=False).exists()
        # Sessions are held at a place of the association's map or in its rooms.
        for session in sessions:
            assert session.where
            if session.location_id:
                assert session.location.organization.maintained_by_id == home.pk
    _assert_counts_consistent(Session.objects.filter(course__association=home))


def test_seed_demo_member_enrolled_and_next_saturday_full_with_a_waiting_list(demo):
    mariam = Member.objects.get(user__email="member@nucleo.test")
    now = timezone.now()
    enrolled = Enrolment.objects.enrolled().filter(member=mariam, session__starts_at__gt=now)
    assert enrolled.count() >= 3
    # Reminders of her enrolments, from the service.
    assert Reminder.objects.filter(recipient=mariam.user, key__startswith="session:").exists()

    # The course of ten was full every week; the next session has three people waiting.
    full = Session.objects.filter(enrolled_count__gte=F("capacity"), starts_at__gt=now)
    assert full.count() == 1
    session = full.get()
    assert session.course.title == "Ascolto attivo"
    assert Session.objects.filter(enrolments__status="waitlisted").distinct().get() == session
    assert session == session.course.sessions.filter(starts_at__gt=now).first()
    waiting = list(session.enrolments.waiting().select_related("member"))
    assert [e.member.last_name for e in waiting] == ["Okafor", "Ahmadi", "Ramírez"]
    assert waiting[0].enrolled_by == mariam.user  # she asked herself
    # Someone gave back their place from the desk.
    cancelled = Enrolment.objects.get(status=Enrolment.Status.CANCELLED)
    assert cancelled.member.last_name == "Uddin"
    assert cancelled.session.starts_at > now


def test_seed_demo_completions_and_the_facilitator_training(demo):
    completions = CourseCompletion.objects.select_related("course", "member")
    by_course = {}
    for completion in completions:
        by_course.setdefault(completion.course.title, []).append(completion.member)
        # Completed through the service: its threshold, and "trained" on the path.
        course = completion.course
        assert (
            completion.sessions_attended * 100
            >= course.completion_percent * completion.sessions_total
        )
        assert completion.completed_at < timezone.now()
        assert EmpowermentStep.objects.filter(member=completion.member, stage="trained").exists()
    assert set(by_course) == {"Comunicazione efficace", "Formazione per facilitatori"}
    assert len(by_course["Comunicazione efficace"]) >= 2
    [karim] = by_course["Formazione per facilitatori"]
    assert (karim.first_name, karim.last_name) == ("Karim", "Benali")
    assert karim.user_id is not None  # a coordinator can make him a facilitator
    training = Course.objects.get(title="Formazione per facilitatori")
    assert not training.sessions.filter(starts_at__gt=timezone.now()).exists()


def test_seed_demo_support_groups_with_members_meetings_and_notes(demo):
    fatima = User.objects.get(email="facilitator@nucleo.test")
    carla = User.objects.get(email="coordinator@nucleo.test")
    now = timezone.now()
    groups = {group.name: group for group in SupportGroup.objects.select_related("language")}
    assert {name: group.language_id for name, group in groups.items()} == {
        "Donne in cammino": "it",
        "Parents loin de chez eux": "fr",
    }
    for group in groups.values():
        assert set(group.facilitators.all()) == {fatima}
        assert group.memberships.filter(status=GroupMembership.Status.MEMBER).count() >= 8
        past = group.meetings.filter(starts_at__lte=now)
        assert past.count() >= 3
        assert past.filter(attendees__isnull=False).distinct().count() == past.count()
        assert group.meetings.filter(starts_at__gt=now).exists()
        assert group.notices.filter(author=fatima).count() == 1
        [note] = group_notes_for(group=group, user=fatima)
        assert note.meeting.group == group and note.meeting.starts_at < now
    # The notes are the facilitators' only: the coordinator does not read them.
    with pytest.raises(Http404):
        group_notes_for(group=groups["Donne in cammino"], user=carla)
    women = groups["Donne in cammino"]
    mariam = women.memberships.get(member__user__email="member@nucleo.test")
    assert mariam.status == GroupMembership.Status.MEMBER and mariam.decided_by == fatima
    asking = women.memberships.get(status=GroupMembership.Status.REQUESTED)
    assert asking.member.user_id is not None
    cancelled = GroupMeeting.objects.get(status=GroupMeeting.Status.CANCELLED)
    assert cancelled.group == women and cancelled.starts_at > now
    # Nobody is marked at a meeting they had not joined yet.
    for meeting in GroupMeeting.objects.prefetch_related("attendees"):
        joined = dict(meeting.group.memberships.values_list("member_id", "decided_at"))
        for person in meeting.attendees.all():
            assert joined[person.pk] <= meeting.starts_at


def test_seed_demo_advocacy_campaign_and_its_actions(demo):
    campaign = Campaign.objects.get(title="Residenza per tutti")
    assert campaign.kind == Campaign.Kind.ADVOCACY
    assert campaign.association.slug == "migr-azioni"
    assert campaign.starts_on < timezone.localdate() < campaign.ends_on
    actions = {action.kind: action for action in campaign.actions.all()}
    assert set(actions) == {
        CampaignAction.Kind.EVENT,
        CampaignAction.Kind.PETITION,
        CampaignAction.Kind.INSTITUTION,
    }
    assert all(action.outcome and action.people_reached for action in actions.values())
    event = actions[CampaignAction.Kind.EVENT]
    assert event.session is not None
    assert event.session.course.association == campaign.association
    assert timezone.localdate(event.session.starts_at) == event.happened_on
    assert actions[CampaignAction.Kind.PETITION].signatures > 1000
    assert "campaign «Residenza per tutti»: 3 actions, " in demo


# --- The benchmark's training rows ----------------------------------------------------


def _bench_counts() -> dict[str, int]:
    association = bench_association()
    courses = Course.objects.filter(association=association)
    sessions = Session.objects.filter(course__in=courses)
    groups = SupportGroup.objects.filter(association=association)
    meetings = GroupMeeting.objects.filter(group__in=groups)
    return {
        "courses": courses.count(),
        "course facilitators": Course.facilitators.through.objects.filter(
            course__in=courses
        ).count(),
        "course skills": Course.skills.through.objects.filter(course__in=courses).count(),
        "course languages": Course.languages.through.objects.filter(course__in=courses).count(),
        "sessions": sessions.count(),
        "session facilitators": Session.facilitators.through.objects.filter(
            session__in=sessions
        ).count(),
        "enrolments": Enrolment.objects.filter(session__in=sessions).count(),
        "course completions": CourseCompletion.objects.filter(course__in=courses).count(),
        "support groups": groups.count(),
        "group facilitators": SupportGroup.facilitators.through.objects.filter(
            supportgroup__in=groups
        ).count(),
        "group memberships": GroupMembership.objects.filter(group__in=groups).count(),
        "group meetings": meetings.count(),
        "meeting attendees": GroupMeeting.attendees.through.objects.filter(
            groupmeeting__in=meetings
        ).count(),
    }


@pytest.mark.django_db
def test_training_seed_creates_the_rows_it_reports():
    output = seed_scale(BENCH_FACTOR)

    counts = _bench_counts()
    line = next(line for line in output.splitlines() if "training_seed:" in line)
    for table, count in counts.items():
        if count:
            assert f" {count} {table}" in line, table
    # The plenary and one ordinary course of eight sessions; one group.
    assert counts["courses"] == 2
    assert counts["sessions"] == 1 + 8
    assert counts["support groups"] == 1
    assert counts["group meetings"] > 5
    association = bench_association()
    sessions = Session.objects.filter(course__association=association)
    _assert_counts_consistent(sessions)
    now = timezone.now()
    # Attendance on the sessions that took place, only there.
    assert not sessions.filter(starts_at__gt=now, enrolments__attended__isnull=False).exists()
    assert not sessions.filter(
        starts_at__lte=now,
        enrolments__status=Enrolment.Status.ENROLLED,
        enrolments__attended__isnull=True,
    ).exists()


@pytest.mark.django_db
def test_training_seed_gives_the_bench_pages_their_heavy_rows():
    seed_scale(BENCH_FACTOR)
    association = bench_association()
    users = bench_users()
    people = Member.objects.filter(association=association).exclude(user=users[Role.MEMBER])

    ctx = pages.PageContext(association=association, user=users[Role.FACILITATOR])
    session = Session.objects.get(pk=pages.big_session(ctx)["pk"])
    assert session.course.title == BIG_SESSION_COURSE
    assert session.enrolled_count == min(BIG_SESSION_PEOPLE, people.count())
    assert session.course.facilitators.filter(pk=users[Role.FACILITATOR].pk).exists()

    own = Enrolment.objects.enrolled().filter(
        member__user=users[Role.MEMBER], session__starts_at__gt=timezone.now()
    )
    upcoming = Session.objects.filter(
        course__association=association, starts_at__gt=timezone.now()
    ).exclude(course__title=BIG_SESSION_COURSE)
    assert own.count() == min(MEMBER_UPCOMING_SESSIONS, upcoming.count()) > 0


@pytest.mark.django_db
def test_training_seed_run_twice_tops_up_instead_of_adding_again():
    seed_scale(BENCH_FACTOR)
    first = _bench_counts()

    output = seed_scale(BENCH_FACTOR)

    assert _bench_counts() == first
    assert "training_seed: nothing created" in output


def test_the_training_pages_are_registered_for_the_member_and_the_facilitator():
    registered = {(page.role, page.url_name) for page in pages.PAGES if not page.optional}
    assert {("member", "training:calendar"), ("facilitator", "training:attendance")} <= registered
