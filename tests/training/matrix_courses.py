"""Access matrix entries of courses, sessions, the calendar and support groups. A fresh
course is run by a facilitator who is none of the matrix's people: the matrix's
facilitator may read it but not change it; coordinators change everything; members
enrol themselves; another association's objects answer 404."""

from __future__ import annotations

from members.models import Role
from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.matrix import Entry
from training.models import CalendarToken, CourseCompletion, GroupMembership

from .factories import CourseFactory, EnrolmentFactory, GroupFactory, SessionFactory


def _course(association):
    return {"pk": CourseFactory(association=association).pk}


def _session(association):
    return {"pk": SessionFactory(course=CourseFactory(association=association)).pk}


def _enrolment(association):
    return {"pk": EnrolmentFactory(session__course=CourseFactory(association=association)).pk}


def _completion(association):
    completion = CourseCompletion.objects.create(
        course=CourseFactory(association=association),
        member=MemberFactory(association=association),
    )
    return {"pk": completion.pk}


def _token(association):
    return {"token": CalendarToken.objects.create(user=UserFactory()).token}


def _group(association):
    return {"pk": GroupFactory(association=association).pk}


def _request(association):
    group = GroupFactory(association=association)
    membership = GroupMembership.objects.create(
        group=group,
        member=MemberFactory(association=association),
        status=GroupMembership.Status.REQUESTED,
    )
    return {"pk": membership.pk}


def _meeting(association):
    from training.services import group_meetings_plan

    group = GroupFactory(association=association)
    group_meetings_plan(group=group)
    return {"pk": group.meetings.first().pk}


def _facilitator(association):
    return user_with_role(association, Role.FACILITATOR)


ENTRIES: dict[str, Entry] = {
    "training:course-list": Entry(403, 200, 403, 200),
    "training:course-create": Entry(403, 200, 403, 200),
    "training:course-detail": Entry(200, 200, 200, 200, kwargs=_course),
    "training:course-edit": Entry(403, 403, 403, 200, kwargs=_course),
    "training:session-create": Entry(403, 403, 403, 200, kwargs=_course),
    "training:session-detail": Entry(200, 200, 200, 200, kwargs=_session),
    "training:session-edit": Entry(403, 403, 403, 200, kwargs=_session),
    "training:session-cancel": Entry(403, 403, 403, 302, method="post", kwargs=_session),
    # Staff without a registry entry of their own have nobody to enrol.
    "training:session-enrol": Entry(302, 404, 404, 404, method="post", kwargs=_session),
    # Staff only (operators, coordinators, the course's facilitators); no person chosen:
    # back to the session with a message.
    "training:session-enrol-member": Entry(404, 404, 302, 302, method="post", kwargs=_session),
    "training:attendance": Entry(403, 403, 403, 200, kwargs=_session),
    # Someone else's enrolment: operators and coordinators may cancel it for them.
    "training:enrolment-cancel": Entry(404, 404, 302, 302, method="post", kwargs=_enrolment),
    "training:certificate": Entry(404, 200, 200, 200, kwargs=_completion),
    "training:my-training": Entry(200, 404, 404, 404),
    "training:facilitator-grant": Entry(403, 403, 403, 200),
    "training:calendar": Entry(200, 200, 200, 200),
    "training:calendar-token": Entry(302, 302, 302, 302, method="post"),
    # The secret address is the key: anyone holding it, signed in or not.
    "training:calendar-feed": Entry(
        200, 200, 200, 200, anonymous=200, kwargs=_token, other_association=200
    ),
    "training:session-ics": Entry(200, 200, 200, 200, kwargs=_session),
    "training:group-list": Entry(200, 200, 200, 200),
    "training:group-create": Entry(403, 200, 403, 200),
    "training:group-detail": Entry(200, 200, 200, 200, kwargs=_group),
    "training:group-edit": Entry(403, 403, 403, 200, kwargs=_group),
    "training:group-join": Entry(302, 404, 404, 404, method="post", kwargs=_group),
    "training:group-notice": Entry(404, 404, 404, 302, method="post", kwargs=_group),
    # Notes are for the group's own facilitators: not even coordinators.
    "training:group-note": Entry(404, 404, 404, 404, method="post", kwargs=_group),
    "training:group-decide": Entry(404, 404, 404, 302, method="post", kwargs=_request),
    "training:meeting-cancel": Entry(404, 404, 404, 302, method="post", kwargs=_meeting),
    "training:meeting-attendance": Entry(404, 404, 404, 200, kwargs=_meeting),
}
