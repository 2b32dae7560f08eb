"""The figures of the coordinators' dashboard, each computed by one SQL aggregation
(no loop over rows), and the privacy rule of every figure shown: a count of fewer than
five people is "< 5" — on the page, in the chart data and in the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from emergencies.models import AlertAnswer, Case, EmergencyPlan, HelpRequest
from members.models import Association, EmpowermentStep, Member, VolunteerRegisterEntry
from training.models import CourseCompletion, Enrolment, GroupMeeting, Session

from .models import EvaluationSettings, FeedbackAnswer, FeedbackRequest, WellbeingCheckIn

#: A help request with these statuses was fulfilled (done, and maybe confirmed).
HELP_GIVEN = [HelpRequest.Status.DONE, HelpRequest.Status.CONFIRMED]
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


def _share(part: int, whole: int) -> int | None:
    """``part`` as a whole percentage of ``whole``; None when there is no whole."""
    return round(100 * part / whole) if whole else None


def _took_part(since: datetime, until: datetime, *, helping: bool = True) -> Q:
    """Members who took part in the unit's life in the period: came to (or enrolled in)
    a session, came to a group meeting, asked for help, had a case opened — or gave help
    (``helping``). Semi-joins (``IN``), so that a person with many rows counts once
    without a join multiplying them."""
    sessions = Enrolment.objects.filter(
        session__starts_at__gte=since,
        session__starts_at__lt=until,
        status=Enrolment.Status.ENROLLED,
    ).values("member_id")
    meetings = GroupMeeting.attendees.through.objects.filter(
        groupmeeting__status=GroupMeeting.Status.SCHEDULED,
        groupmeeting__starts_at__gte=since,
        groupmeeting__starts_at__lt=until,
    ).values("member_id")
    asked = HelpRequest.objects.filter(created_at__gte=since, created_at__lt=until)
    cases = Case.objects.filter(opened_at__gte=since, opened_at__lt=until).values("member_id")
    served = (
        Q(pk__in=sessions)
        | Q(pk__in=meetings)
        | Q(pk__in=asked.values("member_id"))
        | Q(pk__in=cases)
    )
    if not helping:
        return served
    return served | Q(pk__in=asked.filter(volunteer__isnull=False).values("volunteer__member_id"))


def _feedback(associations, since: datetime, until: datetime) -> dict:
    """The period's feedback: how many answers, their average, and how many people it
    comes from at least — the people who answered through their link (named or
    anonymous: the request knows it was answered, not what), or the most answers one
    group event got (paper forms: one per person and event), whichever is more. A
    figure about feedback is hidden below five of them. Two scans: the answers grouped
    by event once, and the distinct people of the answered requests."""
    per_event = (
        FeedbackAnswer.objects.filter(
            association__in=associations, answered_at__gte=since, answered_at__lt=until
        )
        .values("kind", "object_id")
        .annotate(
            answers=Count("pk"),
            rating_total=Sum("rating"),
            # Anonymous answers about one person's event have no event: not a group.
            of_one_event=Count("pk", filter=Q(object_id__isnull=False)),
        )
        .aggregate(n=Sum("answers"), total=Sum("rating_total"), most=Max("of_one_event"))
    )
    # COUNT(*) over SELECT DISTINCT: hashed, where COUNT(DISTINCT) sorts every row.
    linked = (
        FeedbackRequest.objects.filter(
            association__in=associations, answered_at__gte=since, answered_at__lt=until
        )
        .values("member_id")
        .distinct()
        .count()
    )
    n = per_event["n"] or 0
    return {
        "n": n,
        "average": per_event["total"] / n if n else None,
        "people": max(linked, per_event["most"] or 0),
    }


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
        association__in=associations, status__in=HELP_GIVEN, done_at__gte=since, done_at__lt=until
    ).aggregate(fulfilled=Count("pk"), people=Count("member", distinct=True))
    opened = Q(opened_at__gte=since, opened_at__lt=until)
    closed = Q(status=Case.Status.CLOSED, closed_at__gte=since, closed_at__lt=until)
    cases = Case.objects.filter(opened | closed, association__in=associations).aggregate(
        opened=Count("pk", filter=opened),
        opened_people=Count("member", distinct=True, filter=opened),
        closed=Count("pk", filter=closed),
        closed_people=Count("member", distinct=True, filter=closed),
    )
    plans = EmergencyPlan.objects.filter(association__in=associations, is_active=True).aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=Q(completeness__gte=80)),
        reviewed_on_time=Count("pk", filter=Q(next_review_on__gte=timezone.localdate())),
    )
    steps = EmpowermentStep.objects.filter(
        association__in=associations, reached_at__gte=since, reached_at__lt=until
    ).aggregate(
        trained=Count("pk", filter=Q(stage="trained")),
        volunteer=Count("pk", filter=Q(stage="volunteer")),
        facilitator=Count("pk", filter=Q(stage="facilitator")),
    )
    feedback = _feedback(associations, since, until)
    wellbeing = WellbeingCheckIn.objects.filter(
        association__in=associations, answered_at__gte=since, answered_at__lt=until
    ).aggregate(
        n=Count("pk"),
        people=Count("member", distinct=True),
        average=Avg("percent"),
        low=Count("member", filter=Q(is_low=True), distinct=True),
    )
    # People anonymised since count too: their part in the unit's work stays, their name
    # does not (as in every other figure).
    active = (
        Member.objects.filter(association__in=associations)
        .filter(_took_part(since, until))
        .aggregate(n=Count("pk"))
    )

    rate = _share(enrolments["came"], enrolments["marked"]) or 0
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
            shown(cases["opened"], cases["opened_people"]),
            cases["opened_people"],
        ),
        Figure(
            "cases_closed",
            _("Cases closed"),
            shown(cases["closed"], cases["closed_people"]),
            cases["closed_people"],
        ),
        Figure(
            "plans_complete",
            _("Emergency plans complete, 80 or more (%)"),
            shown(_share(plans["complete"], plans["total"]), plans["total"]),
            plans["total"],
        ),
        Figure(
            "plans_reviewed",
            _("Emergency plans reviewed on time (%)"),
            shown(_share(plans["reviewed_on_time"], plans["total"]), plans["total"]),
            plans["total"],
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
            shown(round(feedback["average"], 1) if feedback["n"] else None, feedback["people"]),
            feedback["people"],
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


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    data: list  # one value per month: a number, HIDDEN, or None (nothing to average)


@dataclass(frozen=True)
class Chart:
    """A chart and the table behind it: the same values, month by month."""

    key: str
    title: str
    kind: str  # Chart.js type: "line" or "bar"
    labels: list[str]
    series: list[Series]

    @property
    def rows(self) -> list[list]:
        return [
            [label, *(series.data[index] for series in self.series)]
            for index, label in enumerate(self.labels)
        ]


def _months(start: date, end: date) -> list[str]:
    """Every month of the period, "YYYY-MM", so that an empty month shows as one."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_key(moment) -> str:
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%Y-%m")


def _people_by_month(queryset, moment: str, person: str = "member") -> dict[str, int]:
    """Distinct people per month of ``moment``: one grouped aggregation."""
    rows = (
        queryset.annotate(month=TruncMonth(moment))
        .values("month")
        .annotate(people=Count(person, distinct=True))
        .values_list("month", "people")
    )
    return {_month_key(month): people for month, people in rows}


def _counts(months: list[str], by_month: dict[str, int]) -> list:
    return [shown(by_month.get(m, 0), by_month.get(m, 0)) for m in months]


def monthly_trends(*, associations, start: date, end: date) -> list[Chart]:
    """Month by month, each cell hidden when it is about fewer than five people:
    participation by kind of activity (people who came to a workshop session, to a
    support group meeting, who were helped by a volunteer), wellbeing (average WHO-5 and
    people low), and the steps of the empowerment path. Five grouped aggregations."""
    since, until = _bounds(start, end)
    months = _months(start, end)

    def between(field: str) -> dict:
        return {f"{field}__gte": since, f"{field}__lt": until}

    workshops = _people_by_month(
        Enrolment.objects.filter(
            session__course__association__in=associations,
            status=Enrolment.Status.ENROLLED,
            attended=True,
            **between("session__starts_at"),
        ),
        "session__starts_at",
    )
    groups = _people_by_month(
        GroupMeeting.attendees.through.objects.filter(
            groupmeeting__group__association__in=associations,
            groupmeeting__status=GroupMeeting.Status.SCHEDULED,
            **between("groupmeeting__starts_at"),
        ),
        "groupmeeting__starts_at",
    )
    helped = _people_by_month(
        HelpRequest.objects.filter(
            association__in=associations, status__in=HELP_GIVEN, **between("done_at")
        ),
        "done_at",
    )
    wellbeing = {
        _month_key(row["month"]): row
        for row in WellbeingCheckIn.objects.filter(
            association__in=associations, **between("answered_at")
        )
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(
            average=Avg("percent"),
            people=Count("member", distinct=True),
            low=Count("member", filter=Q(is_low=True), distinct=True),
        )
    }
    steps: dict[str, dict[str, int]] = {}
    for month, stage, people in (
        EmpowermentStep.objects.filter(association__in=associations, **between("reached_at"))
        .annotate(month=TruncMonth("reached_at"))
        .values("month", "stage")
        .annotate(people=Count("member", distinct=True))
        .values_list("month", "stage", "people")
    ):
        steps.setdefault(stage, {})[_month_key(month)] = people

    def average(month: str):
        row = wellbeing.get(month)
        return shown(round(row["average"]), row["people"]) if row else None

    return [
        Chart(
            "participation",
            str(_("Participation month by month")),
            "line",
            months,
            [
                Series(
                    "workshops", str(_("People who came to a session")), _counts(months, workshops)
                ),
                Series(
                    "groups", str(_("People who came to a support group")), _counts(months, groups)
                ),
                Series("helped", str(_("People helped by a volunteer")), _counts(months, helped)),
            ],
        ),
        Chart(
            "wellbeing",
            str(_("Wellbeing month by month")),
            "line",
            months,
            [
                Series(
                    "average", str(_("Average wellbeing (WHO-5 %)")), [average(m) for m in months]
                ),
                Series(
                    "low",
                    str(_("People with low wellbeing")),
                    _counts(months, {m: row["low"] for m, row in wellbeing.items()}),
                ),
            ],
        ),
        Chart(
            "empowerment",
            str(_("Steps on the empowerment path")),
            "bar",
            months,
            [
                Series(
                    "trained", str(_("People trained")), _counts(months, steps.get("trained", {}))
                ),
                Series(
                    "volunteer",
                    str(_("New volunteers")),
                    _counts(months, steps.get("volunteer", {})),
                ),
                Series(
                    "facilitator",
                    str(_("New facilitators")),
                    _counts(months, steps.get("facilitator", {})),
                ),
            ],
        ),
    ]


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
                round(row["to_close"].total_seconds() / 86400, 1)
                if row["to_close"] is not None
                else None,
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
    asked = Q(created_at__gte=since, created_at__lt=until)
    helped = Q(status__in=HELP_GIVEN, done_at__gte=since, done_at__lt=until)
    help_requests = HelpRequest.objects.filter(
        asked | helped, association__in=associations
    ).aggregate(
        matched=Count("pk", filter=asked & Q(assigned_at__isnull=False)),
        people=Count("member", distinct=True, filter=asked),
        to_match=Avg(to_match, filter=asked & Q(assigned_at__isnull=False)),
        volunteers=Count("volunteer", distinct=True, filter=helped),
    )
    alerts = AlertAnswer.objects.filter(
        alert__association__in=associations, alert__sent_at__gte=since, alert__sent_at__lt=until
    ).aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=~Q(answer="")),
        need_help=Count("member", distinct=True, filter=Q(answer="need_help")),
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
        .filter(_took_part(since, until, helping=False))
        .aggregate(n=Count("pk"))["n"]
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


# --- The dashboard as a whole ---------------------------------------------------------------

#: Figures are cached briefly: a dashboard is read often and its figures move slowly. A
#: periodic task computes the default view ahead of its readers (services.dashboard_warm).
CACHE_SECONDS = 300


def default_period() -> tuple[date, date]:
    """The past year, today included."""
    today = timezone.localdate()
    return today - timedelta(days=365), today


def sharing_associations() -> list[Association]:
    """The associations that agreed to count in the partnership's aggregate."""
    sharing = EvaluationSettings.objects.filter(share_with_partnership=True).values(
        "association_id"
    )
    return list(Association.objects.filter(pk__in=sharing).order_by("pk"))


def dashboard_data(*, associations, start: date, end: date, fresh: bool = False) -> dict:
    """Every table of the dashboard for the associations and period, in the active
    language, from the cache unless ``fresh`` (then computed and cached again)."""
    ids = ",".join(str(pk) for pk in sorted(a.pk for a in associations))
    key = f"dashboard:{ids}:{start}:{end}:{get_language()}"
    data = None if fresh else cache.get(key)
    if data is None:
        period = {"associations": associations, "start": start, "end": end}
        data = {
            "figures": dashboard_figures(**period),
            "network": network_and_alerts(**period),
            "categories": cases_by_category(**period),
            "charts": monthly_trends(**period),
        }
        cache.set(key, data, CACHE_SECONDS)
    return data
