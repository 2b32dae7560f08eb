"""Demo data of continuous evaluation: a year of feedback and WHO-5 check-ins, so the
coordinators' dashboard and the people's own pages are not empty.

Everyone of the demo associations with an account consents to evaluation online, and
about half of the people without one on paper, at the desk (most of the registry
already did when registering, :mod:`members.demo`). Feedback is about the demo's real
events (sessions attended, support group meetings attended, closed cases, help requests
done, as :func:`evaluation.services.feedback_requests_create` finds them): the events
of the last two weeks are asked about by that service itself, which also notifies the
people; the older ones, which the periodic task would have asked about at the time, are
written directly, a day after the event. Most requests are answered through
:func:`evaluation.services.feedback_answer` (about one in five anonymously), mostly
4 or 5 out of 5, a few with a comment in Italian; the demo member's recent requests are
left for her to answer. People without an account answer about half of their sessions,
meetings and closed cases on an anonymous paper form. The people with an account (sixteen
or so) check in with the WHO-5 every quarter from when they consented (a few low at
first, most improving), through :func:`evaluation.services.checkin_record`; the people
who completed a course rated its skills before and after (on the retrospective paper
form when they have no account). The dates the services stamp "now"
are moved to when it happened.

:func:`seed_evaluation` is idempotent: consents are given once, feedback is written
only when the demo associations have none, a person's check-ins only when they have
none, a skill assessment once per unique key.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from emergencies.models import Case, HelpRequest
from members.models import Association, Consent, ConsentPurpose, Member, PrivacyNotice, User
from members.services import consent_give
from training.models import CourseCompletion, Enrolment, GroupMeeting

from .models import (
    EventKind,
    FeedbackAnswer,
    FeedbackRequest,
    SkillAssessment,
    WellbeingCheckIn,
    day_of,
)
from .services import LOOK_BACK, checkin_record, feedback_answer, feedback_requests_create

SEED = "nucleo-demo-evaluation"
DEMO_ASSOCIATIONS = ("migr-azioni", "si-teverola", "contrasto-tv")
# Who records a paper consent at each association's desk.
DESK = {"migr-azioni": "operator@nucleo.test", "si-teverola": "partner-operator@nucleo.test"}
MEMBER = "member@nucleo.test"  # her recent requests wait for her in the demo
YEAR = timedelta(days=365)

RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (50, 33, 10, 5, 2)
ANSWERED = 0.75  # of the requests, the share answered
ANONYMOUS = 0.2  # of the answers, the share given anonymously
PAPER_CONSENT = 0.5  # of the people without an account who had not consented
PAPER_FORMS = 0.5  # of their sessions, meetings and closed cases
COMMENTED = 0.3
COMMENTS = {
    5: [
        "Grazie di tutto, mi sono sentita ascoltata.",
        "Molto utile, adesso so a chi rivolgermi.",
        "L'operatore è stato gentilissimo e paziente.",
        "Bellissimo incontro, ci torno volentieri con mia sorella.",
        "Finalmente ho capito come funziona il rinnovo del permesso.",
        "Mi hanno aiutato subito, non me lo aspettavo.",
    ],
    4: [
        "Utile, ma la sala era un po' piccola.",
        "Bene, vorrei più esempi pratici.",
        "Ottimo, però l'orario è difficile per chi lavora.",
        "Brava la mediatrice, senza di lei non capivo.",
    ],
    3: [
        "Interessante ma troppo veloce per me.",
        "Ho dovuto aspettare molto prima di essere richiamato.",
        "Va bene, ma servirebbe la traduzione in arabo.",
    ],
    2: ["Non ho capito bene cosa devo fare adesso.", "Troppa attesa, nessuno mi ha richiamato."],
    1: ["Il problema non è stato risolto."],
}
# WHO-5 check-ins: the months ago of each quarter's round.
ROUNDS = (9, 6, 3, 0)
CHECKIN_DAYS = 8  # each round in the first days of its month


def _at(moment: datetime, hour: int, minute: int = 0) -> datetime:
    """``moment``'s day in Europe/Rome, at ``hour``."""
    day = timezone.localtime(moment).date()
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _months_ago(now: datetime, months: int, day: int) -> datetime:
    local = timezone.localtime(now)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    return timezone.make_aware(datetime(year, month + 1, day, 10, 0))


# --- Consents -----------------------------------------------------------------------------


def _consents(people: list[Member], started: datetime, rng: random.Random) -> None:
    """Online for people with an account, on paper for about half of those without
    (the others keep what they decided when registering). A consent given now is dated
    a few days after the privacy notice it refers to was published."""
    desk = {user.email: user for user in User.objects.filter(email__in=DESK.values())}
    has_notice = set(PrivacyNotice.objects.values_list("association_id", flat=True))
    for person in people:
        draw = rng.random()  # drawn for everyone, so one person does not shift the others
        if person.association_id not in has_notice:
            continue
        if person.user_id is not None:
            consent = consent_give(member=person, purpose=ConsentPurpose.EVALUATION, by=person.user)
        else:
            operator = desk.get(DESK.get(person.association.slug, ""))
            if operator is None or draw >= PAPER_CONSENT:
                continue
            consent = consent_give(
                member=person,
                purpose=ConsentPurpose.EVALUATION,
                by=operator,
                method=Consent.Method.PAPER,
            )
        if consent.given_at >= started:
            published = consent.notice.published_at or started - YEAR
            given = min(published + timedelta(days=1 + int(draw * 3)), started)
            Consent.objects.filter(pk=consent.pk).update(given_at=given)


# --- Feedback -----------------------------------------------------------------------------


def _events(associations: list[Association], since: datetime, until: datetime) -> list[tuple]:
    """(kind, object id, member id, association id, label, ended at) of every event the
    feedback service asks about, with when it ended."""
    events = []
    for row in Enrolment.objects.filter(
        attended=True,
        session__course__association__in=associations,
        session__ends_at__gte=since,
        session__ends_at__lte=until,
    ).values_list(
        "session_id",
        "member_id",
        "session__course__association_id",
        "session__course__title",
        "session__ends_at",
    ):
        events.append((EventKind.SESSION, *row))
    for row in GroupMeeting.attendees.through.objects.filter(
        groupmeeting__group__association__in=associations,
        groupmeeting__ends_at__gte=since,
        groupmeeting__ends_at__lte=until,
    ).values_list(
        "groupmeeting_id",
        "member_id",
        "groupmeeting__group__association_id",
        "groupmeeting__group__name",
        "groupmeeting__ends_at",
    ):
        events.append((EventKind.GROUP_MEETING, *row))
    for row in Case.objects.filter(
        association__in=associations,
        status=Case.Status.CLOSED,
        closed_at__gte=since,
        closed_at__lte=until,
    ).values_list("pk", "member_id", "association_id", "category__name_it", "closed_at"):
        events.append((EventKind.CASE, *row))
    for row in HelpRequest.objects.filter(
        Q(status=HelpRequest.Status.CONFIRMED) | Q(status=HelpRequest.Status.DONE),
        association__in=associations,
        done_at__gte=since,
        done_at__lte=until,
    ).values_list("pk", "member_id", "association_id", "kind", "done_at"):
        events.append((EventKind.HELP_REQUEST, *row))
    events.sort(key=lambda event: (event[5], event[0], event[1], event[2]))
    return events


def _rating(rng: random.Random) -> tuple[int, str]:
    rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
    comment = rng.choice(COMMENTS[rating]) if rng.random() < COMMENTED else ""
    return rating, comment


def _feedback(
    associations: list[Association], people: list[Member], now: datetime, rng: random.Random
) -> None:
    """Requests for the people with an account (the older ones written as the periodic
    task would have, the last two weeks' by the service), most answered; anonymous paper
    answers of people without one."""
    events = _events(associations, now - YEAR, now)
    consenting = set(
        Consent.objects.filter(
            member__in=people, purpose=ConsentPurpose.EVALUATION, withdrawn_at__isnull=True
        ).values_list("member_id", flat=True)
    )
    with_account = {person.pk for person in people if person.user_id and person.pk in consenting}
    recent = now - LOOK_BACK
    ended = {}
    older = []
    for kind, object_id, member_id, association_id, label, ended_at in events:
        ended[kind, object_id, member_id] = ended_at
        if member_id in with_account and ended_at < recent:
            asked = _at(ended_at + timedelta(days=1), 9)  # the periodic task's morning run
            older.append(
                FeedbackRequest(
                    kind=kind,
                    object_id=object_id,
                    member_id=member_id,
                    association_id=association_id,
                    label=str(label or "")[:200],
                    created_at=min(asked, recent),
                )
            )
    FeedbackRequest.objects.bulk_create(older, ignore_conflicts=True)
    # The last two weeks: the service asks and notifies, as its periodic task does.
    feedback_requests_create(now=now)
    requests = list(
        FeedbackRequest.objects.filter(association__in=associations, answered_at__isnull=True)
        .select_related("member__user")
        .order_by("created_at", "kind", "object_id", "member_id")
    )
    for request in requests:
        ended_at = ended.get((request.kind, request.object_id, request.member_id))
        if ended_at is not None and request.created_at >= now - timedelta(minutes=5):
            # Asked by the service just now: dated the day after the event, like the rest.
            request.created_at = min(_at(ended_at + timedelta(days=1), 9), now)
            FeedbackRequest.objects.filter(pk=request.pk).update(created_at=request.created_at)
        draw, anonymous = rng.random(), rng.random() < ANONYMOUS
        rating, comment = _rating(rng)
        answered_at = request.created_at + timedelta(hours=rng.randint(2, 96))
        mine = request.member.user is not None and request.member.user.email == MEMBER
        if draw >= ANSWERED or answered_at >= now or (mine and request.created_at >= recent):
            continue
        answer = feedback_answer(
            token=request.token, rating=rating, comment=comment, anonymous=anonymous
        )
        FeedbackRequest.objects.filter(pk=request.pk).update(answered_at=answered_at)
        FeedbackAnswer.objects.filter(pk=answer.pk).update(
            answered_at=day_of(answered_at) if anonymous else answered_at
        )

    # Paper forms at the end of a session or meeting, or handed over when a case is
    # closed: anonymous, no request.
    paper = []
    for kind, object_id, member_id, association_id, _label, ended_at in events:
        if kind == EventKind.HELP_REQUEST:
            continue  # help at home: no paper form
        if member_id not in consenting or member_id in with_account or rng.random() >= PAPER_FORMS:
            continue
        rating, comment = _rating(rng)
        paper.append(
            FeedbackAnswer.anonymous(
                association_id=association_id,
                kind=kind,
                object_id=object_id,
                rating=rating,
                comment=comment,
                answered_at=ended_at - timedelta(minutes=5),
            )
        )
    FeedbackAnswer.objects.bulk_create(paper)


# --- Wellbeing ------------------------------------------------------------------------------


def _items(raw: int, rng: random.Random) -> list[int]:
    """Five answers (0-5) adding up to ``raw``: about even, one item at times a point
    above another."""
    items = [raw // 5] * 5
    for index in rng.sample(range(5), k=raw % 5):
        items[index] += 1
    up, down = rng.sample(range(5), k=2)
    if rng.random() < 0.5 and items[up] < 5 and items[down] > 0:
        items[up] += 1
        items[down] -= 1
    return items


def _checkins(people: list[Member], now: datetime) -> None:
    """Every quarter for the people with an account who consent (from when they did):
    a few start low, most get better, some stay where they are, one has a hard spell."""
    given = dict(
        Consent.objects.filter(
            member__in=people, purpose=ConsentPurpose.EVALUATION, withdrawn_at__isnull=True
        ).values_list("member_id", "given_at")
    )
    has_checkins = set(
        WellbeingCheckIn.objects.filter(member__in=people).values_list("member_id", flat=True)
    )
    for index, person in enumerate(p for p in people if p.user_id is not None and p.pk in given):
        if person.pk in has_checkins:
            continue
        name = f"{person.first_name} {person.last_name}"
        rng = random.Random(f"{SEED}:checkin:{name}")  # noqa: S311 - made-up demo data
        if index % 4 == 0:
            raw, steps = rng.randint(6, 11), [rng.randint(2, 4) for _ in ROUNDS]  # low, better
        elif index % 7 == 3:
            raw, steps = rng.randint(15, 18), [0, -6, 2, 3]  # a hard spell, then better
        elif index % 3 == 1:
            raw, steps = rng.randint(14, 20), [rng.randint(-1, 1) for _ in ROUNDS]  # steady
        else:
            raw, steps = rng.randint(10, 16), [rng.randint(0, 3) for _ in ROUNDS]  # better
        for months, step in zip(ROUNDS, steps, strict=True):
            raw = max(0, min(25, raw + step))
            items = _items(raw, rng)
            at = _months_ago(now, months, rng.randint(1, CHECKIN_DAYS)) + timedelta(
                minutes=rng.randint(0, 9 * 60)
            )
            if at <= given[person.pk] or at >= now:
                continue
            checkin = checkin_record(member=person, by=person.user, items=items)
            WellbeingCheckIn.objects.filter(pk=checkin.pk).update(answered_at=at)


# --- Skills -------------------------------------------------------------------------------


def _skills(associations: list[Association]) -> None:
    """Before (when enrolling) and after (the day after completing) for people with an
    account; the retrospective paper form at the end for the others."""
    completions = (
        CourseCompletion.objects.filter(course__association__in=associations)
        .select_related("member", "course")
        .prefetch_related("course__skills")
        .order_by("course_id", "member_id")
    )
    enrolled = {
        (course_id, member_id): at
        for course_id, member_id, at in Enrolment.objects.filter(
            session__course__association__in=associations
        )
        .order_by("-created_at")
        .values_list("session__course_id", "member_id", "created_at")
    }
    Phase = SkillAssessment.Phase
    rows = []
    for completion in completions:
        member, course = completion.member, completion.course
        for skill in sorted(course.skills.all(), key=lambda skill: skill.pk):
            key = f"{course.title}:{member.first_name} {member.last_name}:{skill.kind}"
            rng = random.Random(f"{SEED}:skill:{key}")  # noqa: S311 - made-up demo data
            before = rng.choices((1, 2, 3, 4), (25, 40, 25, 10))[0]
            after = min(5, before + rng.choices((0, 1, 2), (15, 55, 30))[0])
            if member.user_id is not None:
                first = enrolled.get((course.pk, member.pk), completion.completed_at)
                answers = [
                    (Phase.BEFORE, before, first),
                    (Phase.AFTER, after, completion.completed_at + timedelta(days=1)),
                ]
            else:
                at = completion.completed_at + timedelta(minutes=10)
                answers = [(Phase.RETRO_BEFORE, before, at), (Phase.AFTER, after, at)]
            rows += [
                SkillAssessment(
                    association_id=course.association_id,
                    member=member,
                    skill=skill,
                    course=course,
                    phase=phase,
                    level=level,
                    answered_at=at,
                )
                for phase, level, at in answers
            ]
    SkillAssessment.objects.bulk_create(rows, ignore_conflicts=True)


# --- The seeder -----------------------------------------------------------------------------


@transaction.atomic
def seed_evaluation(stdout: TextIO) -> None:
    """Consents, feedback, check-ins and skill assessments of the demo associations.
    Needs their people and events (the seeders before it in ``DEMO_SEEDERS``)."""
    associations = list(Association.objects.filter(slug__in=DEMO_ASSOCIATIONS).order_by("pk"))
    if not associations:
        raise RuntimeError("Create the demo associations first")
    now = timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - made-up demo data
    people = list(
        Member.objects.filter(association__in=associations, anonymised_at__isnull=True)
        .select_related("user", "association")
        .order_by("pk")
    )
    _consents(people, now, rng)
    if not FeedbackRequest.objects.filter(association__in=associations).exists():
        _feedback(associations, people, now, random.Random(f"{SEED}:feedback"))  # noqa: S311
    _checkins(people, now)
    _skills(associations)
    stdout.write(_summary(associations))


def _summary(associations: list[Association]) -> str:
    requests = FeedbackRequest.objects.filter(association__in=associations).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    answers = FeedbackAnswer.objects.filter(association__in=associations).aggregate(
        total=Count("pk"),
        anonymous=Count("pk", filter=Q(request__isnull=True)),
        commented=Count("pk", filter=~Q(comment="")),
        average=Avg("rating"),
    )
    checkins = WellbeingCheckIn.objects.filter(association__in=associations).aggregate(
        total=Count("pk"),
        people=Count("member", distinct=True),
        low=Count("pk", filter=Q(is_low=True)),
        average=Avg("percent"),
    )
    consents = Consent.objects.filter(
        association__in=associations, purpose=ConsentPurpose.EVALUATION, withdrawn_at__isnull=True
    ).count()
    skills = SkillAssessment.objects.filter(association__in=associations).count()
    return (
        f"Evaluation: {consents} people consent; {requests['total']} feedback requests "
        f"({requests['answered']} answered), {answers['total']} answers "
        f"({answers['anonymous']} anonymous, {answers['commented']} with a comment, "
        f"average {answers['average'] or 0:.1f}/5); {checkins['total']} WHO-5 check-ins "
        f"by {checkins['people']} people ({checkins['low']} low, average "
        f"{checkins['average'] or 0:.0f}%); {skills} skill self-assessments."
    )
