"""The figures of the coordinators' dashboard, each computed by one SQL aggregation
(no loop over rows), and the privacy rule of every figure shown: a count of fewer than
five people is "< 5" — on the page, in the chart data and in the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergencies.models import AlertAnswer, Case, EmergencyPlan, HelpRequest
from members.models import EmpowermentStep, Member, VolunteerRegisterEntry
from training.models import CourseCompletion, Enrolment, GroupMeeting, Session

from .models import FeedbackAnswer, WellbeingCheckIn

#: Figures about fewer people than this are not shown.
SMALL_CELL = 5
HIDDEN = "< 5"


def shown(value, people: int):
    """A figure as it may be shown: hidden when it is about 1 to 4 people."""
    if 0 < people < SMALL_CELL:
        return HIDDEN
    return value


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: object  # a number, or HIDDEN
    people: int


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def dashboard_figures(*, associations, start: date, end: date) -> list[Figure]:
    """The unit's figures for the period, for the associations given."""
    since, until = _bounds(start, end)
    enrolments = Enrolment.objects.filter(
        session__course__association__in=associations,
        session__starts_at__gte=since,
        session__starts_at__lt=until,
        status=Enrolment.Status.ENROLLED,
        attended__isnull=False,
    ).aggregate(
        marked=Count("pk"),
        came=Count("pk", filter=Q(attended=True)),
        people=Count("member", distinct=True),
    )
    completions = CourseCompletion.objects.filter(
        course__association__in=associations, completed_at__gte=since, completed_at__lt=until
    ).aggregate(n=Count("member", distinct=True))
    help_requests = HelpRequest.objects.filter(
        association__in=associations, created_at__gte=since, created_at__lt=until
    ).aggregate(
        total=Count("pk"),
        fulfilled=Count("pk", filter=Q(status__in=["done", "confirmed"])),
        people=Count("member", distinct=True),
    )
    cases = Case.objects.filter(
        association__in=associations, opened_at__gte=since, opened_at__lt=until
    ).aggregate(
        opened=Count("pk"),
        closed=Count("pk", filter=Q(status=Case.Status.CLOSED)),
        people=Count("member", distinct=True),
    )
    plans = EmergencyPlan.objects.filter(association__in=associations, is_active=True).aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=Q(completeness__gte=80)),
        reviewed_on_time=Count("pk", filter=Q(next_review_on__gt=timezone.localdate())),
    )
    steps = EmpowermentStep.objects.filter(
        association__in=associations, reached_at__gte=since, reached_at__lt=until
    ).aggregate(
        trained=Count("pk", filter=Q(stage="trained")),
        volunteer=Count("pk", filter=Q(stage="volunteer")),
        facilitator=Count("pk", filter=Q(stage="facilitator")),
    )
    feedback = FeedbackAnswer.objects.filter(
        association__in=associations, answered_at__gte=since, answered_at__lt=until
    ).aggregate(n=Count("pk"), average=Avg("rating"))
    wellbeing = WellbeingCheckIn.objects.filter(
        association__in=associations, answered_at__gte=since, answered_at__lt=until
    ).aggregate(
        n=Count("pk"),
        people=Count("member", distinct=True),
        average=Avg("percent"),
        low=Count("member", filter=Q(is_low=True), distinct=True),
    )
    active = (
        Member.objects.filter(association__in=associations, anonymised_at__isnull=True)
        .filter(
            Q(enrolments__session__starts_at__gte=since, enrolments__session__starts_at__lt=until)
            | Q(help_requests__created_at__gte=since, help_requests__created_at__lt=until)
            | Q(cases__opened_at__gte=since, cases__opened_at__lt=until)
        )
        .aggregate(n=Count("pk", distinct=True))
    )

    rate = round(100 * enrolments["came"] / enrolments["marked"]) if enrolments["marked"] else 0
    return [
        Figure("active_members", _("Active members"), shown(active["n"], active["n"]), active["n"]),
        Figure(
            "attendance_rate",
            _("Attendance rate (%)"),
            shown(rate, enrolments["people"]),
            enrolments["people"],
        ),
        Figure(
            "completions",
            _("Courses completed (people)"),
            shown(completions["n"], completions["n"]),
            completions["n"],
        ),
        Figure(
            "help_fulfilled",
            _("Help requests fulfilled"),
            shown(help_requests["fulfilled"], help_requests["people"]),
            help_requests["people"],
        ),
        Figure(
            "cases_opened",
            _("Cases opened"),
            shown(cases["opened"], cases["people"]),
            cases["people"],
        ),
        Figure(
            "cases_closed",
            _("Cases closed"),
            shown(cases["closed"], cases["people"]),
            cases["people"],
        ),
        Figure(
            "plans_complete",
            _("Emergency plans with completeness 80 or more"),
            shown(plans["complete"], plans["complete"]),
            plans["complete"],
        ),
        Figure(
            "plans_reviewed",
            _("Emergency plans reviewed on time"),
            shown(plans["reviewed_on_time"], plans["reviewed_on_time"]),
            plans["reviewed_on_time"],
        ),
        Figure(
            "became_trained",
            _("People trained"),
            shown(steps["trained"], steps["trained"]),
            steps["trained"],
        ),
        Figure(
            "became_volunteers",
            _("New volunteers"),
            shown(steps["volunteer"], steps["volunteer"]),
            steps["volunteer"],
        ),
        Figure(
            "became_facilitators",
            _("New facilitators"),
            shown(steps["facilitator"], steps["facilitator"]),
            steps["facilitator"],
        ),
        Figure(
            "feedback_average",
            _("Average feedback (1-5)"),
            shown(round(feedback["average"], 1) if feedback["n"] else None, feedback["n"]),
            feedback["n"],
        ),
        Figure(
            "wellbeing_average",
            _("Average wellbeing (WHO-5 %)"),
            shown(round(wellbeing["average"]) if wellbeing["n"] else None, wellbeing["people"]),
            wellbeing["people"],
        ),
        Figure(
            "wellbeing_low",
            _("People with low wellbeing"),
            shown(wellbeing["low"], wellbeing["low"]),
            wellbeing["low"],
        ),
    ]


def checkin_trend(*, member: Member) -> list[WellbeingCheckIn]:
    return list(member.checkins.order_by("answered_at")[:40])


def monthly_trend(*, associations, start: date, end: date) -> dict:
    """Month by month: people who came to a session, help requests fulfilled and the
    average wellbeing — three aggregations, each cell hidden when it is about fewer
    than five people. The chart and its table show the same values."""
    since, until = _bounds(start, end)
    attended = dict(
        Enrolment.objects.filter(
            session__course__association__in=associations,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
            attended=True,
        )
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(people=Count("member", distinct=True))
        .values_list("month", "people")
    )
    helped = dict(
        HelpRequest.objects.filter(
            association__in=associations,
            created_at__gte=since,
            created_at__lt=until,
            status__in=["done", "confirmed"],
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(people=Count("member", distinct=True))
        .values_list("month", "people")
    )
    wellbeing = {
        row["month"]: row
        for row in WellbeingCheckIn.objects.filter(
            association__in=associations, answered_at__gte=since, answered_at__lt=until
        )
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(average=Avg("percent"), people=Count("member", distinct=True))
    }
    months = sorted({*attended, *helped, *wellbeing})
    return {
        "labels": [
            timezone.localtime(m).strftime("%Y-%m") if timezone.is_aware(m) else m.strftime("%Y-%m")
            for m in months
        ],
        "attended": [shown(attended.get(m, 0), attended.get(m, 0)) for m in months],
        "helped": [shown(helped.get(m, 0), helped.get(m, 0)) for m in months],
        "wellbeing": [
            shown(round(wellbeing[m]["average"]), wellbeing[m]["people"])
            if m in wellbeing
            else None
            for m in months
        ],
    }


def _hours(duration) -> float | None:
    return round(duration.total_seconds() / 3600, 1) if duration is not None else None


def cases_by_category(*, associations, start: date, end: date) -> list[dict]:
    """Per category: cases opened, hours to first contact and days to close (averages
    over the cases that have them), one aggregation grouped by category."""
    since, until = _bounds(start, end)
    to_contact = ExpressionWrapper(F("first_contact_at") - F("opened_at"), DurationField())
    to_close = ExpressionWrapper(F("closed_at") - F("opened_at"), DurationField())
    rows = (
        Case.objects.filter(association__in=associations, opened_at__gte=since, opened_at__lt=until)
        .values("category__name_it", "category__name_en")
        .annotate(
            cases=Count("pk"),
            people=Count("member", distinct=True),
            to_contact=Avg(to_contact),
            to_close=Avg(to_close),
        )
        .order_by("category__name_it")
    )
    italian = _is_italian()
    return [
        {
            "category": row["category__name_it"] if italian else row["category__name_en"],
            "cases": shown(row["cases"], row["people"]),
            "hours_to_contact": shown(_hours(row["to_contact"]), row["people"]),
            "days_to_close": shown(
                round(row["to_close"].total_seconds() / 86400, 1) if row["to_close"] else None,
                row["people"],
            ),
        }
        for row in rows
    ]


def _is_italian() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "it").startswith("it")


def network_and_alerts(*, associations, start: date, end: date) -> list[Figure]:
    """Help requests matched and how long it took, and community alert answers."""
    since, until = _bounds(start, end)
    to_match = ExpressionWrapper(F("assigned_at") - F("created_at"), DurationField())
    help_requests = HelpRequest.objects.filter(
        association__in=associations, created_at__gte=since, created_at__lt=until
    ).aggregate(
        matched=Count("pk", filter=Q(assigned_at__isnull=False)),
        people=Count("member", distinct=True),
        to_match=Avg(to_match, filter=Q(assigned_at__isnull=False)),
        volunteers=Count("volunteer", distinct=True),
        minutes=Sum("minutes_spent"),
    )
    alerts = AlertAnswer.objects.filter(
        alert__association__in=associations, alert__sent_at__gte=since, alert__sent_at__lt=until
    ).aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=~Q(answer="")),
        need_help=Count("pk", filter=Q(answer="need_help")),
    )
    answered_rate = round(100 * alerts["answered"] / alerts["asked"]) if alerts["asked"] else 0
    return [
        Figure(
            "help_matched",
            _("Help requests matched with a volunteer"),
            shown(help_requests["matched"], help_requests["people"]),
            help_requests["people"],
        ),
        Figure(
            "hours_to_match",
            _("Hours to find a volunteer (average)"),
            shown(_hours(help_requests["to_match"]), help_requests["people"]),
            help_requests["people"],
        ),
        Figure(
            "active_volunteers",
            _("Volunteers who helped"),
            shown(help_requests["volunteers"], help_requests["volunteers"]),
            help_requests["volunteers"],
        ),
        Figure(
            "alert_answer_rate",
            _("Community alert answers (%)"),
            shown(answered_rate, alerts["answered"]),
            alerts["answered"],
        ),
        Figure(
            "alert_need_help",
            _("People who answered they needed help"),
            shown(alerts["need_help"], alerts["need_help"]),
            alerts["need_help"],
        ),
    ]


def annual_report(*, associations, year: int) -> list[Figure]:
    """The figures of the relazione di missione / bilancio sociale for ``year``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    since, until = _bounds(start, end)
    served = (
        Member.objects.filter(association__in=associations)
        .filter(
            Q(cases__opened_at__gte=since, cases__opened_at__lt=until)
            | Q(help_requests__created_at__gte=since, help_requests__created_at__lt=until)
            | Q(enrolments__session__starts_at__gte=since, enrolments__session__starts_at__lt=until)
        )
        .aggregate(n=Count("pk", distinct=True))["n"]
    )
    sessions = Session.objects.filter(
        course__association__in=associations,
        starts_at__gte=since,
        starts_at__lt=until,
        status="scheduled",
    ).count()
    meetings = GroupMeeting.objects.filter(
        group__association__in=associations,
        starts_at__gte=since,
        starts_at__lt=until,
        status="scheduled",
    ).count()
    register = (
        VolunteerRegisterEntry.objects.filter(
            association__in=associations,
            kind="enrolment",
            start_date__lte=end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .aggregate(n=Count("fiscal_code", distinct=True))["n"]
    )
    help_given = HelpRequest.objects.filter(
        association__in=associations, done_at__gte=since, done_at__lt=until
    ).aggregate(minutes=Sum("minutes_spent"), volunteers=Count("volunteer", distinct=True))
    outcomes = Case.objects.filter(
        association__in=associations, closed_at__gte=since, closed_at__lt=until
    ).aggregate(
        closed=Count("pk"),
        resolved=Count("pk", filter=Q(outcome__in=["resolved", "partially"])),
        people=Count("member", distinct=True),
    )
    return [
        Figure("people_served", _("People served"), shown(served, served), served),
        Figure("sessions_held", _("Workshop sessions held"), sessions, sessions),
        Figure("group_meetings_held", _("Support group meetings held"), meetings, meetings),
        Figure(
            "register_volunteers",
            _("Volunteers in the register"),
            shown(register, register),
            register,
        ),
        Figure(
            "volunteer_hours",
            _("Hours given by volunteers"),
            shown(round((help_given["minutes"] or 0) / 60), help_given["volunteers"]),
            help_given["volunteers"],
        ),
        Figure(
            "cases_closed",
            _("Cases closed"),
            shown(outcomes["closed"], outcomes["people"]),
            outcomes["people"],
        ),
        Figure(
            "cases_resolved",
            _("Cases resolved fully or in part"),
            shown(outcomes["resolved"], outcomes["people"]),
            outcomes["people"],
        ),
    ]
