"""Reads of community alerts that pages and tasks share: lists, whom an alert reaches
and in which language, the live board, the phone list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from members.models import Association, Language, Member

from ..models import AlertAnswer, AlertText, CommunityAlert

A = AlertAnswer.Answer
S = CommunityAlert.Status

#: Everyone reads the alert in Italian when it has no text in a language of theirs.
FALLBACK_LANGUAGE = "it"
#: Rows of each list on the live board (the counts are always complete).
BOARD_LIST_LIMIT = 100


def zones_unique(zones: Iterable[str]) -> list[str]:
    """Zones trimmed, once each whatever their case, in their first spelling."""
    seen: dict[str, str] = {}
    for zone in zones:
        zone = " ".join(zone.split())
        if zone and zone.casefold() not in seen:
            seen[zone.casefold()] = zone
    return list(seen.values())


@dataclass(frozen=True)
class Target:
    """A person an alert reaches: ``user_id`` is None for who has no account (they are
    on the phone list); ``language`` is the code of the text they get."""

    member_id: int
    user_id: int | None
    language: str
    zone: str


@dataclass(frozen=True)
class Reach:
    total: int
    with_link: int
    without_account: int
    by_zone: list[tuple[str, int]]
    by_language: list[tuple[Language, int]]


def alert_list(*, association: Association) -> QuerySet[CommunityAlert]:
    """The association's alerts, newest first, with their answer counts."""
    return (
        CommunityAlert.objects.for_association(association)
        .annotate(
            reached=Count("answers"),
            safe=Count("answers", filter=Q(answers__answer=A.SAFE)),
            need_help=Count("answers", filter=Q(answers__answer=A.NEED_HELP)),
        )
        .order_by("-created_at", "-pk")
    )


def alert_detail(*, association: Association) -> QuerySet[CommunityAlert]:
    return (
        CommunityAlert.objects.for_association(association)
        .select_related("created_by")
        .prefetch_related("texts__language", "languages")
    )


def alert_audience(alert: CommunityAlert) -> QuerySet[Member]:
    """Whom the alert is for: the association's members who were not anonymised, in
    one of its zones (any case; none: everywhere) and speaking one of its languages,
    as their preferred language or another they speak (none: whatever they speak)."""
    members = Member.objects.filter(association_id=alert.association_id, anonymised_at=None)
    zones = alert.zone_list
    if zones:
        # The registry's spelling varies ("Centro", "centro "): compared trimmed, any case.
        members = members.alias(zone_key=Lower(Trim("zone"))).filter(
            zone_key__in=[zone.lower() for zone in zones]
        )
    codes = [language.pk for language in alert.languages.all()]
    if codes:
        speaks = Member.languages.through.objects.filter(
            member_id=OuterRef("pk"), language_id__in=codes
        )
        members = members.filter(Q(preferred_language_id__in=codes) | Exists(speaks))
    return members


def alert_targets(alert: CommunityAlert) -> list[Target]:
    """Everyone the alert reaches, with the language of the text each one gets: their
    preferred language if the alert has it, else another they speak that it has, else
    Italian. Two queries, whatever the number of people."""
    available = {text.language_id for text in alert.texts.all()}
    audience = alert_audience(alert)
    spoken: dict[int, set[str]] = defaultdict(set)
    others = available - {FALLBACK_LANGUAGE}
    if others:
        rows = Member.languages.through.objects.filter(
            member__in=audience.values("pk"), language_id__in=others
        ).values_list("member_id", "language_id")
        for member_id, code in rows:
            spoken[member_id].add(code)
    targets = []
    people = audience.values_list(
        "pk", "user_id", "user__is_active", "preferred_language_id", "zone"
    )
    for member_id, user_id, active, preferred, zone in people.order_by("pk"):
        if preferred in available:
            language = preferred
        elif spoken[member_id]:
            language = min(spoken[member_id])
        else:
            language = FALLBACK_LANGUAGE
        # An account that was closed gets no message: the person is on the phone list.
        targets.append(Target(member_id, user_id if active else None, language, zone))
    return targets


def alert_reach(alert: CommunityAlert) -> Reach:
    """The preview before sending: how many people, by zone and by the language of the
    text they get, and how many have no account (operators call them)."""
    targets = alert_targets(alert)
    zones: dict[str, list] = {}
    for target in targets:
        zone = " ".join(target.zone.split())
        entry = zones.setdefault(zone.casefold(), [zone, 0])
        entry[1] += 1
    languages: dict[str, int] = defaultdict(int)
    for target in targets:
        languages[target.language] += 1
    names = Language.objects.in_bulk(list(languages))
    return Reach(
        total=len(targets),
        with_link=sum(1 for target in targets if target.user_id is not None),
        without_account=sum(1 for target in targets if target.user_id is None),
        by_zone=sorted(
            ((zone, n) for zone, n in zones.values()), key=lambda row: (-row[1], row[0])
        ),
        by_language=sorted(
            ((names[code], n) for code, n in languages.items()), key=lambda row: -row[1]
        ),
    )


@dataclass(frozen=True)
class Board:
    total: int
    safe: int
    need_help: int
    not_answered: int
    without_account: int
    need_help_rows: list[AlertAnswer]
    safe_rows: list[AlertAnswer]
    not_answered_rows: list[AlertAnswer]
    updated_at: datetime


def alert_board(alert: CommunityAlert, *, limit: int = BOARD_LIST_LIMIT) -> Board:
    """The live board: the counts (one query) and the latest rows of each list (one
    query each), whatever the number of answers."""
    answers = AlertAnswer.objects.filter(alert=alert)
    counts = answers.aggregate(
        total=Count("pk"),
        safe=Count("pk", filter=Q(answer=A.SAFE)),
        need_help=Count("pk", filter=Q(answer=A.NEED_HELP)),
        not_answered=Count("pk", filter=Q(answer="")),
        without_account=Count("pk", filter=Q(notified=False)),
    )
    with_member = answers.select_related("member")
    return Board(
        **counts,
        need_help_rows=list(
            with_member.filter(answer=A.NEED_HELP)
            .select_related("help_request")
            .order_by("-answered_at", "pk")[:limit]
        ),
        safe_rows=list(with_member.filter(answer=A.SAFE).order_by("-answered_at", "pk")[:limit]),
        not_answered_rows=list(
            with_member.filter(answer="").order_by("member__last_name", "member__first_name")[
                :limit
            ]
        ),
        updated_at=timezone.now(),
    )


def alert_phone_list(alert: CommunityAlert) -> QuerySet[AlertAnswer]:
    """Whom operators call: for a check-in, everyone who did not answer (those without
    an account never could); for a message only, those without an account."""
    rows = AlertAnswer.objects.filter(alert=alert)
    rows = rows.filter(answer="") if alert.ask_check_in else rows.filter(notified=False)
    return rows.select_related("member__user", "member__preferred_language").order_by(
        "member__zone", "member__last_name", "member__first_name", "pk"
    )


def alert_answer_get(*, token: str) -> AlertAnswer:
    """The row behind an answer link, with its alert and texts; a link of an unsent
    alert, or no link at all, is ``DoesNotExist``."""
    return (
        AlertAnswer.objects.select_related("alert__association", "member__user", "help_request")
        .prefetch_related("alert__texts")
        .get(token=token, alert__status=S.SENT)
    )


def alert_text_for(alert: CommunityAlert, language_code: str | None) -> AlertText | None:
    """The alert's text in ``language_code``, else in Italian (uses prefetched texts)."""
    texts = {text.language_id: text for text in alert.texts.all()}
    return texts.get(language_code or "") or texts.get(FALLBACK_LANGUAGE)


def alert_common_languages(*, association: Association, limit: int = 6) -> list[Language]:
    """The languages most of the association's members read, Italian first: the rows of
    the alert form. With nobody's languages known yet, English, French and Arabic."""
    preferred = (
        Member.objects.for_association(association)
        .filter(anonymised_at=None, preferred_language__isnull=False)
        .exclude(preferred_language_id=FALLBACK_LANGUAGE)
        .values("preferred_language_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "preferred_language_id")
        .values_list("preferred_language_id", flat=True)[:limit]
    )
    codes = [FALLBACK_LANGUAGE, *preferred]
    if len(codes) == 1:
        codes += ["en", "fr", "ar"]
    languages = Language.objects.in_bulk(codes)
    return [languages[code] for code in codes if code in languages]


def alert_spoken_languages(*, association: Association) -> QuerySet[Language]:
    """The languages some member of the association speaks: what an alert may target."""
    members = Member.objects.for_association(association).filter(anonymised_at=None)
    return Language.objects.filter(
        Q(pk__in=members.values("preferred_language_id")) | Q(speakers__in=members.values("pk"))
    ).distinct()


def alert_known_zones(*, association: Association) -> list[str]:
    """The zones of the association's registry, once each whatever their case."""
    zones = (
        Member.objects.for_association(association)
        .filter(anonymised_at=None)
        .exclude(zone="")
        .values_list("zone", flat=True)
        .distinct()
        .order_by("zone")
    )
    return zones_unique(zones)
