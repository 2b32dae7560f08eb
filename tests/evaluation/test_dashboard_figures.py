"""Every figure of the coordinators' dashboard equals a count made here in plain Python
over the rows (not the selectors' SQL), on a small hand-made set whose values are also
written out by hand, and on the demo; and the page, the CSV and the XLSX export carry
the same values."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from emergencies.models import AlertAnswer, Case, EmergencyPlan, HelpRequest
from evaluation import selectors, who5
from evaluation.models import EventKind, FeedbackAnswer, FeedbackRequest, WellbeingCheckIn
from evaluation.selectors import HIDDEN, shown
from members.models import Association, EmpowermentStep, Member, Role, User
from tests.emergencies.factories import CaseFactory, CategoryFactory
from tests.emergencies.factories_alerts import AlertAnswerFactory, SentAlertFactory
from tests.emergencies.factories_network import HelpRequestFactory
from tests.emergencies.factories_plans import PlanFactory
from tests.factories import AssociationFactory, MemberFactory, VolunteerProfileFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, GroupFactory, SessionFactory
from training.models import CourseCompletion, Enrolment, GroupMeeting

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
DONE = {"done", "confirmed"}


# --- The figures, counted in Python ------------------------------------------------------


class Period:
    """A period of local (Rome) days, ends included."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.today = datetime.now(ROME).date()
        days = (end - start).days + 1
        self.months = sorted({f"{start + timedelta(days=d):%Y-%m}" for d in range(days)})

    def __contains__(self, moment) -> bool:
        return moment is not None and self.start <= moment.astimezone(ROME).date() <= self.end


def _month(moment) -> str:
    return f"{moment.astimezone(ROME):%Y-%m}"


def _mean(values):
    return sum(values, type(values[0])()) / len(values) if values else None


def _hours(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _cell(people: set) -> object:
    """A count of people, as it may be shown."""
    return shown(len(people), len(people))


def counted(associations, start: date, end: date) -> dict:
    """Every figure, chart cell and category row of the dashboard, from the rows: each
    count of people decides whether its figure is hidden."""
    ids = {a.pk for a in associations}
    period = Period(start, end)

    enrolments = list(Enrolment.objects.select_related("session__course"))
    ours_in_period = [
        e
        for e in enrolments
        if e.session.course.association_id in ids and e.session.starts_at in period
    ]
    marked = [e for e in ours_in_period if e.status == "enrolled" and e.attended is not None]
    marked_people = {e.member_id for e in marked}
    came = sum(1 for e in marked if e.attended)

    meetings = list(GroupMeeting.objects.select_related("group").prefetch_related("attendees"))
    all_requests = list(HelpRequest.objects.select_related("volunteer"))
    requests = [r for r in all_requests if r.created_at in period]
    our_requests = [r for r in requests if r.association_id in ids]
    # Fulfilled: done (maybe confirmed) in the period, whenever asked.
    fulfilled = [
        r
        for r in all_requests
        if r.association_id in ids and r.status in DONE and r.done_at in period
    ]
    all_cases = list(Case.objects.select_related("category"))
    cases = [c for c in all_cases if c.opened_at in period]
    our_cases = [c for c in cases if c.association_id in ids]
    # Closed in the period, whenever opened.
    closed = [
        c
        for c in all_cases
        if c.association_id in ids and c.status == Case.Status.CLOSED and c.closed_at in period
    ]

    took_part = {
        e.member_id for e in enrolments if e.status == "enrolled" and e.session.starts_at in period
    }
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.starts_at in period:
            took_part |= {m.pk for m in meeting.attendees.all()}
    for request in requests:
        took_part.add(request.member_id)
        if request.volunteer is not None:
            took_part.add(request.volunteer.member_id)
    took_part |= {c.member_id for c in cases}
    active = {
        m.pk
        for m in Member.objects.all()
        if m.association_id in ids and m.pk in took_part  # anonymised people too
    }

    completed = {
        c.member_id
        for c in CourseCompletion.objects.select_related("course")
        if c.course.association_id in ids and c.completed_at in period
    }
    asked = {r.member_id for r in our_requests}
    helped = {r.member_id for r in fulfilled}
    with_case = {c.member_id for c in our_cases}
    closed_people = {c.member_id for c in closed}
    plans = [p for p in EmergencyPlan.objects.all() if p.association_id in ids and p.is_active]
    complete = [p for p in plans if p.completeness >= 80]
    on_time = [
        p for p in plans if p.next_review_on is not None and p.next_review_on >= period.today
    ]
    steps = [
        s
        for s in EmpowermentStep.objects.all()
        if s.association_id in ids and s.reached_at in period
    ]
    stage = {
        name: {s.member_id for s in steps if s.stage == name}
        for name in ("trained", "volunteer", "facilitator")
    }

    answers = [
        a
        for a in FeedbackAnswer.objects.all()
        if a.association_id in ids and a.answered_at in period
    ]
    answered_by = {
        r.member_id
        for r in FeedbackRequest.objects.all()
        if r.association_id in ids and r.answered_at in period
    }
    per_event = Counter((a.kind, a.object_id) for a in answers if a.object_id is not None)
    feedback_people = max(len(answered_by), max(per_event.values(), default=0))
    rating = _mean([a.rating for a in answers])

    checkins = [
        c
        for c in WellbeingCheckIn.objects.all()
        if c.association_id in ids and c.answered_at in period
    ]
    checked_in = {c.member_id for c in checkins}
    low = {c.member_id for c in checkins if c.is_low}
    wellbeing = _mean([c.percent for c in checkins])

    figures = {
        "active_members": (_cell(active), len(active)),
        "attendance_rate": (
            shown(_percent(came, len(marked)) or 0, len(marked_people)),
            len(marked_people),
        ),
        "completions": (_cell(completed), len(completed)),
        "help_fulfilled": (shown(len(fulfilled), len(helped)), len(helped)),
        "cases_opened": (shown(len(our_cases), len(with_case)), len(with_case)),
        "cases_closed": (shown(len(closed), len(closed_people)), len(closed_people)),
        "plans_complete": (shown(_percent(len(complete), len(plans)), len(plans)), len(plans)),
        "plans_reviewed": (shown(_percent(len(on_time), len(plans)), len(plans)), len(plans)),
        "became_trained": (_cell(stage["trained"]), len(stage["trained"])),
        "became_volunteers": (_cell(stage["volunteer"]), len(stage["volunteer"])),
        "became_facilitators": (_cell(stage["facilitator"]), len(stage["facilitator"])),
        "feedback_average": (
            shown(None if rating is None else round(rating, 1), feedback_people),
            feedback_people,
        ),
        "wellbeing_average": (
            shown(None if wellbeing is None else round(wellbeing), len(checked_in)),
            len(checked_in),
        ),
        "wellbeing_low": (_cell(low), len(low)),
    }

    matched = [r for r in our_requests if r.assigned_at is not None]
    volunteers = {r.volunteer_id for r in fulfilled if r.volunteer_id is not None}
    alert_rows = [
        a
        for a in AlertAnswer.objects.select_related("alert")
        if a.alert.association_id in ids and a.alert.sent_at in period
    ]
    answered = [a for a in alert_rows if a.answer != ""]
    need_help = {a.member_id for a in alert_rows if a.answer == "need_help"}
    network = {
        "help_matched": (shown(len(matched), len(asked)), len(asked)),
        "hours_to_match": (
            shown(_hours(_mean([r.assigned_at - r.created_at for r in matched])), len(asked)),
            len(asked),
        ),
        "active_volunteers": (_cell(volunteers), len(volunteers)),
        "alert_answer_rate": (
            shown(_percent(len(answered), len(alert_rows)) or 0, len(answered)),
            len(answered),
        ),
        "alert_need_help": (shown(len(need_help), len(need_help)), len(need_help)),
    }

    by_category = defaultdict(list)
    for case in our_cases:
        by_category[case.category.name_it].append(case)
    categories = {}
    for name, rows in by_category.items():
        people = len({c.member_id for c in rows})
        to_contact = _mean([c.first_contact_at - c.opened_at for c in rows if c.first_contact_at])
        to_close = _mean([c.closed_at - c.opened_at for c in rows if c.closed_at])
        days = None if to_close is None else round(to_close.total_seconds() / 86400, 1)
        categories[name] = (
            shown(len(rows), people),
            shown(_hours(to_contact), people),
            shown(days, people),
        )

    def monthly(rows) -> list:
        """``rows`` of (moment, person): distinct people per month, as shown."""
        people = defaultdict(set)
        for moment, person in rows:
            people[_month(moment)].add(person)
        return [_cell(people[m]) for m in period.months]

    def wellbeing_average(month: str):
        rows = [c for c in checkins if _month(c.answered_at) == month]
        if not rows:
            return None
        return shown(round(_mean([c.percent for c in rows])), len({c.member_id for c in rows}))

    charts = {
        "participation": {
            "labels": period.months,
            "workshops": monthly(
                (e.session.starts_at, e.member_id)
                for e in ours_in_period
                if e.status == "enrolled" and e.attended
            ),
            "groups": monthly(
                (meeting.starts_at, member.pk)
                for meeting in meetings
                if meeting.group.association_id in ids
                and meeting.status == "scheduled"
                and meeting.starts_at in period
                for member in meeting.attendees.all()
            ),
            "helped": monthly((r.done_at, r.member_id) for r in fulfilled),
        },
        "wellbeing": {
            "labels": period.months,
            "average": [wellbeing_average(m) for m in period.months],
            "low": monthly((c.answered_at, c.member_id) for c in checkins if c.is_low),
        },
        "empowerment": {
            "labels": period.months,
            **{
                name: monthly((s.reached_at, s.member_id) for s in steps if s.stage == name)
                for name in ("trained", "volunteer", "facilitator")
            },
        },
    }
    return {"figures": figures, "network": network, "categories": categories, "charts": charts}


# --- What the code says ------------------------------------------------------------------


def _figures(figures) -> dict:
    return {f.key: (f.value, f.people) for f in figures}


def _categories(rows) -> dict:
    names = [row["category"] for row in rows]
    assert len(names) == len(set(names)), names
    return {r["category"]: (r["cases"], r["hours_to_contact"], r["days_to_close"]) for r in rows}


def _charts(charts) -> dict:
    return {
        chart.key: {"labels": chart.labels, **{s.key: s.data for s in chart.series}}
        for chart in charts
    }


def _from_selectors(associations, start: date, end: date) -> dict:
    kwargs = {"associations": associations, "start": start, "end": end}
    with translation.override("it"):
        return {
            "figures": _figures(selectors.dashboard_figures(**kwargs)),
            "network": _figures(selectors.network_and_alerts(**kwargs)),
            "categories": _categories(selectors.cases_by_category(**kwargs)),
            "charts": _charts(selectors.monthly_trends(**kwargs)),
        }


def _from_page(context) -> dict:
    return {
        "figures": _figures(context["figures"]),
        "network": _figures(context["network"]),
        "categories": _categories(context["categories"]),
        "charts": _charts(context["charts"]),
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def _rendered(value) -> str:
    return "—" if value is None else escape(formats.localize(value))


def _csv_sections(content: bytes) -> list[tuple[str, list, list]]:
    sections, rows = [], []
    for row in csv.reader(StringIO(content.decode("utf-8"))):
        if row:
            rows.append(row)
        elif rows:
            sections.append((rows[0][0], rows[1], rows[2:]))
            rows = []
    assert not rows
    return sections


def assert_page_and_exports_agree(client: Client, query: dict, expected: dict) -> None:
    """The page shows ``expected``; its CSV and XLSX, with the same query, the same."""
    response = client.get(reverse("evaluation:dashboard"), query)
    assert response.status_code == 200
    context = response.context
    assert _from_page(context) == expected
    figures = [*context["figures"], *context["network"]]
    html = response.content.decode()
    on_page = dict(
        re.findall(r'data-testid="figure-(\w+)"><td>.*?</td><td class="text-end">(.*?)</td>', html)
    )
    with translation.override("it"):
        assert on_page == {f.key: _rendered(f.value) for f in figures}
        labels = [str(f.label) for f in figures]
        headers = [
            [_("Figure"), _("Value")],
            *([_("Month"), *(s.label for s in c.series)] for c in context["charts"]),
            [_("Category"), _("Cases opened"), _("Hours to first contact"), _("Days to close")],
        ]
        titles = [_("Figures"), *(c.title for c in context["charts"]), _("Cases by category")]
    assert titles[0] == "Indicatori"  # the tests run in Italian
    assert len(set(labels)) == len(labels)
    tables = [
        [[label, f.value] for label, f in zip(labels, figures, strict=True)],
        *(chart.rows for chart in context["charts"]),
        [
            [r["category"], r["cases"], r["hours_to_contact"], r["days_to_close"]]
            for r in context["categories"]
        ],
    ]

    sections = _csv_sections(client.get(reverse("evaluation:dashboard-csv"), query).content)
    assert [(title, header) for title, header, _rows in sections] == list(
        zip(titles, headers, strict=True)
    )
    for (_title, _header, rows), table in zip(sections, tables, strict=True):
        assert rows == [[_text(cell) for cell in row] for row in table]

    xlsx = client.get(reverse("evaluation:dashboard-xlsx"), query)
    workbook = load_workbook(BytesIO(xlsx.content))
    assert workbook.sheetnames == [title[:31] for title in titles]
    for sheet, header, table in zip(workbook.worksheets, headers, tables, strict=True):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows == [header, *table]


# --- A small hand-made unit ----------------------------------------------------------------


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


# From local midnight of 1 February to the end of 30 April (summer time from 30 March).
START, END = date(2025, 2, 1), date(2025, 4, 30)
# Local times that the UTC date would put on the wrong side of the bounds or month.
JUST_BEFORE = at(1, 31, 23, 30)  # 22:30 UTC: outside
FIRST_MINUTES = at(2, 1, 0, 30)  # 31 January 23:30 UTC: inside
MARCH_FIRST = at(3, 1, 0, 30)  # 28 February 23:30 UTC: a March row
LAST_MINUTES = at(4, 30, 23, 30)  # 21:30 UTC: inside
JUST_AFTER = at(5, 1, 0, 30)  # 30 April 22:30 UTC: outside


def _checkin(association, member, answered_at, items) -> None:
    score = who5.score(items)
    WellbeingCheckIn.objects.create(
        association=association,
        member=member,
        answered_at=answered_at,
        items=items,
        raw=score.raw,
        percent=score.percent,
        is_low=score.is_low,
    )


def _meeting(group, starts_at, attendees, status="scheduled") -> GroupMeeting:
    meeting = GroupMeeting.objects.create(
        group=group, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), status=status
    )
    meeting.attendees.set(attendees)
    return meeting


def _feedback(association, member, kind, object_id, when, rating, anonymous=False) -> None:
    request = FeedbackRequest.objects.create(
        association=association, member=member, kind=kind, object_id=object_id, answered_at=when
    )
    if anonymous:
        _paper(association, kind, object_id, when, rating)  # no link, as on paper
    else:
        FeedbackAnswer.objects.create(
            association=association,
            request=request,
            kind=kind,
            object_id=object_id,
            rating=rating,
            answered_at=when,
        )


def _paper(association, kind, object_id, when, rating) -> None:
    """An anonymous answer: the event only when a group's, the day only."""
    FeedbackAnswer.anonymous(
        association_id=association.pk,
        kind=kind,
        object_id=object_id,
        answered_at=when,
        rating=rating,
    ).save()


def _the_other_association_counts_nowhere(other) -> None:
    """One of each row, in the period, in another association."""
    member = MemberFactory(association=other)
    session = SessionFactory(course=CourseFactory(association=other), starts_at=at(2, 10, 18))
    EnrolmentFactory(session=session, member=member, attended=True)
    CourseCompletion.objects.create(course=session.course, member=member, completed_at=at(3, 15))
    _meeting(GroupFactory(association=other), at(2, 20, 17), [member])
    volunteer = VolunteerProfileFactory(member=MemberFactory(association=other))
    HelpRequestFactory(
        association=other,
        member=member,
        created_at=at(2, 3),
        status="done",
        volunteer=volunteer,
        assigned_at=at(2, 3, 11),
    )
    # A category with the same name as ours: it must not merge with ours.
    home = CategoryFactory(association=other, code="casa", name_it="Casa", name_en="Housing")
    CaseFactory(association=other, member=member, category=home, opened_at=at(2, 2))
    PlanFactory(member=member, completeness=100, next_review_on=date(2999, 1, 1))
    EmpowermentStep.objects.create(
        association=other, member=member, stage="trained", reached_at=at(2, 28)
    )
    _feedback(other, member, EventKind.SESSION, session.pk, at(2, 11), 1)
    _checkin(other, member, at(2, 5), [0, 0, 0, 0, 0])
    alert = SentAlertFactory(association=other, sent_at=at(3, 12))
    AlertAnswerFactory(alert=alert, answer="need_help")


def hand_made_unit(association, other) -> None:
    """Sessions, a support group, help requests, cases, plans, steps, feedback, check-ins
    and an alert of ``association`` in the period (most figures about five people or
    more, some fewer), rows just outside it, and rows of ``other`` in it."""
    p = [MemberFactory(association=association) for _ in range(14)]
    gone = MemberFactory(association=association, anonymised_at=at(4, 20))
    only_before = MemberFactory(association=association)

    # Sessions: 1 February-ish and 1 March just after midnight (a March session).
    course = CourseFactory(association=association)
    s1 = SessionFactory(course=course, starts_at=at(2, 10, 18))
    for person in p[0:6]:
        EnrolmentFactory(session=s1, member=person, attended=True)
    for person in p[6:8]:
        EnrolmentFactory(session=s1, member=person, attended=False)
    EnrolmentFactory(session=s1, member=p[8])  # attendance not taken
    EnrolmentFactory(session=s1, member=p[9], status="waitlisted")
    s2 = SessionFactory(course=course, starts_at=MARCH_FIRST)
    for person in p[0:3]:
        EnrolmentFactory(session=s2, member=person, attended=True)
    EnrolmentFactory(session=s2, member=p[10], attended=False)
    for moment in (JUST_BEFORE, JUST_AFTER):
        outside = SessionFactory(course=course, starts_at=moment)
        EnrolmentFactory(session=outside, member=only_before, attended=True)
    for person in p[0:5]:
        CourseCompletion.objects.create(course=course, member=person, completed_at=at(3, 15))
    CourseCompletion.objects.create(
        course=CourseFactory(association=association), member=p[5], completed_at=JUST_BEFORE
    )

    # Support group: five members and one since anonymised in February, two in April.
    group = GroupFactory(association=association)
    m1 = _meeting(group, at(2, 20, 17), [*p[6:11], gone])
    _meeting(group, at(4, 10, 17), p[6:8])
    _meeting(group, at(3, 10, 17), [], status="cancelled")
    _meeting(group, JUST_AFTER, [only_before])

    # Help requests: ten in the period from nine people, seven matched with one of two
    # volunteers (after 2, 4, 3, 1h10, 2, 2, 2 hours), six done a day after they were
    # matched — and one asked the evening before the period, done in it (fulfilled in
    # the period, not asked in it).
    v1 = VolunteerProfileFactory(member=p[11])
    v2 = VolunteerProfileFactory(member=p[12])
    for member, created, status, volunteer, wait in [
        (p[0], at(2, 3, 9), "confirmed", v1, timedelta(hours=2)),
        (p[1], at(2, 5, 9), "done", v2, timedelta(hours=4)),
        (p[2], at(3, 2), "done", v1, timedelta(hours=3)),
        (p[3], at(3, 20), "assigned", v2, timedelta(hours=1, minutes=10)),
        (p[4], at(4, 2), "open", None, None),
        (p[4], at(4, 3), "cancelled", None, None),
        (p[13], LAST_MINUTES, "unmatched", None, None),
        (p[5], at(2, 12), "done", v1, timedelta(hours=2)),
        (p[6], at(2, 14), "confirmed", v1, timedelta(hours=2)),
        (p[7], at(2, 26), "done", v2, timedelta(hours=2)),
        (only_before, JUST_BEFORE, "done", v1, timedelta(hours=1)),
    ]:
        HelpRequestFactory(
            association=association,
            member=member,
            created_at=created,
            status=status,
            volunteer=volunteer,
            assigned_at=created + wait if wait else None,
            done_at=created + wait + timedelta(days=1) if status in DONE else None,
        )

    # Cases: six "Casa" cases of five people (first contact after 2, 4, 3, 23 — across
    # the change to summer time — and 1 hours; closed after 4, 2 and 1 days), two
    # "Lavoro" cases of two people, and a "Salute" case the day before the period.
    home = CategoryFactory(association=association, code="casa", name_it="Casa", name_en="Housing")
    work = CategoryFactory(association=association, code="lavoro", name_it="Lavoro", name_en="Work")
    health = CategoryFactory(association=association, code="salute", name_it="Salute")
    cases = {}
    for name, member, category, opened, contact, closed in [
        ("k1", p[0], home, at(2, 2, 9), at(2, 2, 11), at(2, 6, 9)),
        ("k2", p[1], home, at(2, 15), at(2, 15, 14), at(2, 17)),
        ("k3", p[2], home, at(3, 5), at(3, 5, 13), None),
        ("k4", p[3], home, at(3, 29, 12), at(3, 30, 12), None),
        ("k5", p[4], home, at(4, 30, 23), None, None),
        ("k6", p[0], home, at(4, 1, 9), at(4, 1, 10), at(4, 2, 9)),
        ("l1", p[5], work, at(2, 20), at(2, 20, 16), at(3, 2)),
        ("l2", p[6], work, at(3, 10), None, None),
        ("s0", p[7], health, JUST_BEFORE, None, None),
    ]:
        cases[name] = CaseFactory(
            association=association,
            member=member,
            category=category,
            opened_at=opened,
            first_contact_at=contact,
            status="closed" if closed else "in_progress",
            outcome="resolved" if closed else "",
            closed_at=closed,
        )

    # Plans: six active (four 80% complete or more; three due for review today or
    # later), one no longer active.
    today = datetime.now(ROME).date()
    for member, completeness, review in [
        (p[0], 90, today + timedelta(days=30)),
        (p[1], 80, today),
        (p[2], 79, today - timedelta(days=1)),
        (p[3], 100, None),
        (p[4], 50, today + timedelta(days=100)),
        (p[5], 85, today - timedelta(days=10)),
    ]:
        PlanFactory(member=member, completeness=completeness, next_review_on=review)
    PlanFactory(member=p[6], completeness=100, next_review_on=today, is_active=False)

    # The empowerment path: five trained in February, one on 1 March, one before; two
    # new volunteers.
    for member, stage, reached in [
        *((person, "trained", at(2, 28, 12)) for person in p[0:5]),
        (p[6], "trained", MARCH_FIRST),
        (p[5], "trained", JUST_BEFORE),
        (p[11], "volunteer", at(3, 15)),
        (p[12], "volunteer", at(3, 15)),
    ]:
        EmpowermentStep.objects.create(
            association=association, member=member, stage=stage, reached_at=reached
        )

    # Feedback: session 1 got eight answers (four named, two anonymous through their
    # link, two on paper), a case one anonymous answer, the group meeting one on paper
    # on the first day; 41/10 = 4.1 from 8 people (the most answers one event got).
    for person, rating in zip(p[0:4], (5, 4, 4, 5), strict=True):
        _feedback(association, person, EventKind.SESSION, s1.pk, at(2, 11, 10), rating)
    for person, rating in zip(p[4:6], (3, 5), strict=True):
        _feedback(association, person, EventKind.SESSION, s1.pk, at(2, 11, 11), rating, True)
    _paper(association, EventKind.SESSION, s1.pk, at(2, 12), 2)
    _paper(association, EventKind.SESSION, s1.pk, at(2, 12), 4)
    _feedback(association, p[6], EventKind.CASE, cases["l1"].pk, at(3, 20), 4, anonymous=True)
    _paper(association, EventKind.GROUP_MEETING, m1.pk, FIRST_MINUTES, 5)
    _feedback(association, p[7], EventKind.SESSION, s1.pk, JUST_BEFORE, 1)
    _paper(association, EventKind.SESSION, s1.pk, JUST_BEFORE, 1)

    # Check-ins: five people in February (average 68, one low), two in March (one
    # low), one on the last evening of April; one low just after.
    for member, when, items in [
        (p[0], at(2, 5), [4, 4, 4, 4, 4]),
        (p[1], at(2, 6), [3, 3, 3, 3, 3]),
        (p[2], at(2, 7), [2, 2, 2, 2, 2]),
        (p[3], at(2, 8), [4, 4, 4, 3, 3]),
        (p[4], at(2, 9), [5, 5, 4, 4, 4]),
        (p[2], at(3, 5), [3, 3, 3, 3, 2]),
        (p[5], at(3, 6), [2, 1, 1, 1, 1]),
        (p[0], LAST_MINUTES, [5, 4, 4, 4, 4]),
        (p[6], JUST_AFTER, [0, 0, 0, 0, 0]),
    ]:
        _checkin(association, member, when, items)

    # A community alert: nine asked, five safe, two need help, two did not answer;
    # three answers to an alert sent the evening before the period.
    alert = SentAlertFactory(association=association, sent_at=at(3, 12))
    for answer in ["safe"] * 5 + ["need_help"] * 2 + [""] * 2:
        AlertAnswerFactory(alert=alert, answer=answer)
    before = SentAlertFactory(association=association, sent_at=JUST_BEFORE)
    AlertAnswerFactory.create_batch(3, alert=before, answer="need_help")

    _the_other_association_counts_nowhere(other)


#: The hand-made unit's dashboard, worked out by hand: (value, people).
HAND_MADE = {
    "figures": {
        "active_members": (15, 15),  # p0-p13 and the anonymised one; not only_before
        "attendance_rate": (75, 9),  # 9 came of 12 marked
        "completions": (5, 5),
        "help_fulfilled": (7, 7),  # done in the period: six asked in it, one before
        "cases_opened": (8, 7),
        "cases_closed": (HIDDEN, 3),  # closed in the period: k1, k6 (p0), k2, l1
        "plans_complete": (67, 6),
        "plans_reviewed": (50, 6),
        "became_trained": (6, 6),
        "became_volunteers": (HIDDEN, 2),
        "became_facilitators": (0, 0),
        "feedback_average": (4.1, 8),
        "wellbeing_average": (63, 6),  # 504 / 8
        "wellbeing_low": (HIDDEN, 2),
    },
    "network": {
        "help_matched": (7, 9),
        "hours_to_match": (2.3, 9),  # 16h10 / 7
        "active_volunteers": (HIDDEN, 2),
        "alert_answer_rate": (78, 7),  # 7 / 9
        "alert_need_help": (HIDDEN, 2),
    },
    "categories": {
        "Casa": (6, 6.6, 2.3),  # 33 hours / 5, 7 days / 3
        "Lavoro": (HIDDEN, HIDDEN, HIDDEN),
    },
    "charts": {
        "participation": {
            "labels": ["2025-02", "2025-03", "2025-04"],
            "workshops": [6, HIDDEN, 0],
            "groups": [6, 0, HIDDEN],  # the anonymised person came in February
            "helped": [6, HIDDEN, 0],  # by the month it was done
        },
        "wellbeing": {
            "labels": ["2025-02", "2025-03", "2025-04"],
            "average": [68, HIDDEN, HIDDEN],
            "low": [HIDDEN, HIDDEN, 0],
        },
        "empowerment": {
            "labels": ["2025-02", "2025-03", "2025-04"],
            "trained": [5, HIDDEN, 0],
            "volunteer": [0, HIDDEN, 0],
            "facilitator": [0, 0, 0],
        },
    },
}


def test_every_figure_of_a_hand_made_unit_equals_the_count_of_its_rows(make_client):
    association = AssociationFactory(name="Unità di prova delle figure", slug="figure-prova")
    other = AssociationFactory(name="Altra unità delle figure", slug="figure-altra")
    hand_made_unit(association, other)

    assert counted([association], START, END) == HAND_MADE
    assert _from_selectors([association], START, END) == HAND_MADE

    coordinator = make_client(association, Role.COORDINATOR)
    query = {"start": START.isoformat(), "end": END.isoformat()}
    assert_page_and_exports_agree(coordinator, query, HAND_MADE)


# --- The demo -----------------------------------------------------------------------------


def test_every_figure_of_the_demo_equals_the_count_of_its_rows(seeded_demo):
    home = Association.objects.get(name="Migr-Azioni ETS")
    end = timezone.localdate()
    start = end - timedelta(days=365)

    expected = counted([home], start, end)
    assert _from_selectors([home], start, end) == expected
    # Not an empty dashboard compared with an empty count.
    shown_numbers = [v for v, people in expected["figures"].values() if v not in (HIDDEN, None, 0)]
    assert len(shown_numbers) >= 8, expected["figures"]
    assert expected["categories"]

    coordinator = Client()
    coordinator.force_login(User.objects.get(email="coordinator@nucleo.test"))
    query = {"start": start.isoformat(), "end": end.isoformat()}
    assert_page_and_exports_agree(coordinator, query, expected)
