"""Who is asked first for a help request: the pure ranking of ``emergencies.matching``,
on hand-made fixtures (the order of the criteria, eligibility, reasons, availability
across days) and with hypothesis (what must hold for any volunteers and any request)."""

import itertools
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from emergencies.matching import MAX_WINDOW, Candidate, Need, eligible, rank

NOW = datetime(2026, 3, 2, 12, 0)  # a Monday
MONDAY = datetime(2026, 3, 9)  # the next Monday, midnight
SKILLS = frozenset({1, 2})
LANGUAGES = frozenset({"ar", "fr"})

# Tuesday 9:00–13:00, about two hours.
NEED = Need(
    skill_ids=SKILLS,
    language_codes=LANGUAGES,
    zone="Centro",
    starts_at=MONDAY + timedelta(days=1, hours=9),
    ends_at=MONDAY + timedelta(days=1, hours=13),
    duration_minutes=120,
)
TUESDAY_MORNING = ((1, time(9), time(12)),)


def _ideal(volunteer_id: int, **changes) -> Candidate:
    """Covers every need, free, rested: the best a volunteer can be for ``NEED``."""
    candidate = Candidate(
        volunteer_id=volunteer_id,
        skill_ids=SKILLS,
        language_codes=LANGUAGES,
        zones=("Centro",),
        slots=TUESDAY_MORNING,
        active_tasks=0,
        max_tasks=2,
        last_helped_at=None,
    )
    return replace(candidate, **changes)


def _order(need: Need, candidates) -> list[int]:
    return [ranked.volunteer_id for ranked in rank(need, candidates, now=NOW)]


def _reasons(ranked) -> dict[str, dict]:
    return {reason["code"]: reason for reason in ranked.reasons}


# --- The order of the criteria ---------------------------------------------------------


def test_each_missing_criterion_costs_more_the_more_important_it_is():
    # Ids run against the expected order, so the tie-break by id cannot produce it.
    candidates = [
        _ideal(1, skill_ids=frozenset({1})),  # one skill short
        _ideal(2, language_codes=frozenset({"ar"})),  # one language short
        _ideal(3, zones=("Periferia",)),
        _ideal(4, slots=()),  # never free on Tuesday
        _ideal(5, active_tasks=1),  # half loaded
        _ideal(6, last_helped_at=NOW - timedelta(days=1)),  # helped yesterday
        _ideal(7),
    ]
    expected = [7, 6, 5, 4, 3, 2, 1]
    assert _order(NEED, candidates) == expected
    assert _order(NEED, candidates[::2] + candidates[1::2]) == expected
    assert _order(NEED, reversed(candidates)) == expected


def test_a_more_important_criterion_outweighs_all_the_lesser_ones():
    """skills > languages > zone > availability > load > rest: each volunteer below
    loses on one criterion to the one above and beats them on every lesser one."""
    weak = {
        "language_codes": frozenset(),
        "zones": (),
        "slots": (),
        "active_tasks": 1,
        "last_helped_at": NOW,
    }
    candidates = [
        # every skill, and nothing else
        _ideal(6, **weak),
        # one skill short, but every language, the zone, free, unloaded, rested
        _ideal(5, skill_ids=frozenset({1})),
        # ... and one language short, but in the zone, free, unloaded, rested
        _ideal(4, skill_ids=frozenset({1}), language_codes=frozenset({"ar"})),
        # ... and out of the zone, but free, unloaded, rested
        _ideal(3, skill_ids=frozenset({1}), language_codes=frozenset({"ar"}), zones=()),
        # ... and never free, but unloaded and rested
        _ideal(2, skill_ids=frozenset({1}), language_codes=frozenset({"ar"}), zones=(), slots=()),
        # ... and half loaded, but rested
        _ideal(
            1,
            skill_ids=frozenset({1}),
            language_codes=frozenset({"ar"}),
            zones=(),
            slots=(),
            active_tasks=1,
        ),
        # ... and helped today
        _ideal(
            0,
            skill_ids=frozenset({1}),
            language_codes=frozenset({"ar"}),
            zones=(),
            slots=(),
            active_tasks=1,
            last_helped_at=NOW,
        ),
    ]
    assert _order(NEED, reversed(candidates)) == [6, 5, 4, 3, 2, 1, 0]


def test_equals_are_ranked_by_id_whatever_the_input_order():
    candidates = [_ideal(volunteer_id) for volunteer_id in (30, 10, 20)]
    assert _order(NEED, candidates) == [10, 20, 30]


def test_zone_matches_ignore_case_and_spaces():
    candidates = [_ideal(1, zones=("Stazione",)), _ideal(2, zones=("Stazione", "  centro "))]
    assert _order(NEED, candidates) == [2, 1]
    (ranked,) = rank(replace(NEED, zone=""), [_ideal(3, zones=())], now=NOW)
    assert _reasons(ranked)["zone"]["match"] is True  # no zone asked: anywhere will do


# --- Who is never offered a task ------------------------------------------------------


def test_paused_and_fully_loaded_volunteers_are_never_ranked():
    candidates = [
        _ideal(1, paused=True),
        _ideal(2, active_tasks=2, max_tasks=2),
        _ideal(3, active_tasks=3, max_tasks=2),  # over the maximum (lowered meanwhile)
        _ideal(4, active_tasks=1, max_tasks=2, skill_ids=frozenset()),
    ]
    assert _order(NEED, candidates) == [4]
    assert [eligible(c) for c in candidates] == [False, False, False, True]


def test_nobody_available_ranks_nobody():
    assert rank(NEED, [], now=NOW) == []
    assert rank(NEED, [_ideal(1, paused=True)], now=NOW) == []


# --- Reasons --------------------------------------------------------------------------


def test_every_ranked_volunteer_comes_with_the_reasons_of_the_score():
    candidate = _ideal(
        1,
        skill_ids=frozenset({1, 99}),
        language_codes=frozenset({"fr", "it"}),
        zones=("Periferia",),
        slots=((1, time(9), time(10)),),  # one hour of the two needed
        active_tasks=1,
        max_tasks=3,
        last_helped_at=NOW - timedelta(days=10, hours=5),
    )
    (ranked,) = rank(NEED, [candidate], now=NOW)
    assert _reasons(ranked) == {
        "skills": {"code": "skills", "covered": 1, "needed": 2},
        "languages": {"code": "languages", "covered": 1, "needed": 2},
        "zone": {"code": "zone", "match": False},
        "availability": {"code": "availability", "minutes": 60, "needed": 120},
        "load": {"code": "load", "active": 1, "max": 3},
        "rest": {"code": "rest", "days": 10},
    }
    assert 0 < ranked.score < 100


def test_the_ideal_volunteer_scores_100_and_one_who_never_helped_has_no_rest_days():
    (ranked,) = rank(NEED, [_ideal(1)], now=NOW)
    assert ranked.score == 100
    assert _reasons(ranked)["rest"]["days"] is None


def test_a_request_needing_no_skill_or_language_is_covered_by_anyone():
    need = replace(NEED, skill_ids=frozenset(), language_codes=frozenset())
    (ranked,) = rank(need, [_ideal(1, skill_ids=frozenset(), language_codes=frozenset())], now=NOW)
    assert ranked.key[:2] == (1.0, 1.0)


# --- Availability across days ----------------------------------------------------------


def _minutes(need: Need, slots) -> int:
    (ranked,) = rank(need, [_ideal(1, slots=tuple(slots))], now=NOW)
    return _reasons(ranked)["availability"]["minutes"]


def _window(starts_at: datetime, ends_at: datetime, duration: int = 60) -> Need:
    return replace(NEED, starts_at=starts_at, ends_at=ends_at, duration_minutes=duration)


def test_a_window_across_midnight_counts_the_slots_of_both_days():
    # Monday 22:00 → Tuesday 02:00, a volunteer free late Monday and early Tuesday.
    need = _window(MONDAY + timedelta(hours=22), MONDAY + timedelta(days=1, hours=2), 240)
    slots = [(0, time(21), time(23, 59)), (1, time(0), time(1, 30))]
    assert _minutes(need, slots) == 119 + 90
    # The same hours on the wrong days do not count.
    assert _minutes(need, [(1, time(21), time(23, 59)), (2, time(0), time(1, 30))]) == 0
    # The services pass local aware times: the same count.
    rome = ZoneInfo("Europe/Rome")
    aware = _window(need.starts_at.replace(tzinfo=rome), need.ends_at.replace(tzinfo=rome), 240)
    assert _minutes(aware, slots) == 119 + 90


def test_a_window_across_the_end_of_the_week_wraps_from_sunday_to_monday():
    sunday = MONDAY - timedelta(days=1)
    need = _window(sunday + timedelta(hours=20), MONDAY + timedelta(hours=10), 120)
    slots = [(6, time(19), time(21)), (0, time(9), time(12)), (5, time(20), time(22))]
    assert _minutes(need, slots) == 60 + 60


def test_slots_are_cut_at_the_edges_of_the_window():
    need = _window(
        MONDAY + timedelta(days=1, hours=10, minutes=30), MONDAY + timedelta(days=1, hours=11)
    )
    assert _minutes(need, [(1, time(9), time(12))]) == 30


def test_availability_counts_toward_the_duration_and_no_further():
    half = _ideal(1, slots=((1, time(9), time(10)),))
    full = _ideal(2, slots=((1, time(9), time(11)),))
    more = _ideal(3, slots=((1, time(9), time(12)),))
    ranked = {r.volunteer_id: r for r in rank(NEED, [half, full, more], now=NOW)}
    assert ranked[1].key[3] == 0.5
    assert ranked[2].key[3] == ranked[3].key[3] == 1.0  # more than enough is enough


@pytest.mark.parametrize("days", [14, 15, 30, 365])
def test_a_window_longer_than_two_weeks_counts_two_weeks(days):
    starts_at = MONDAY + timedelta(hours=10)  # in the middle of the Monday slot
    need = _window(starts_at, starts_at + timedelta(days=days))
    # Monday 9–12: 2 h the first Monday, 3 h the second, 1 h the third (cut at 14 days).
    assert _minutes(need, [(0, time(9), time(12))]) == 120 + 180 + 60


def test_a_short_window_inside_one_day_ignores_the_other_days():
    need = _window(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=12))
    assert _minutes(need, [(day, time(0), time(23, 59)) for day in range(7)]) == 180


# --- Properties -------------------------------------------------------------------------


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def weekly_slots(draw, max_days=3):
    """Slots as the volunteers' form accepts them: within a day, never overlapping."""
    result = []
    for weekday in draw(st.sets(st.integers(min_value=0, max_value=6), max_size=max_days)):
        bounds = sorted(
            draw(
                st.lists(
                    st.integers(min_value=0, max_value=24 * 60 - 1),
                    unique=True,
                    min_size=2,
                    max_size=4,
                )
            )
        )
        result += [
            (weekday, _clock(opens), _clock(closes))
            for opens, closes in zip(bounds[::2], bounds[1::2], strict=False)
        ]
    return tuple(result)


def _weekly_minutes(slot_list) -> int:
    return sum((c.hour * 60 + c.minute) - (o.hour * 60 + o.minute) for _, o, c in slot_list)


ZONES = ["Centro", " centro", "Stazione"]


@st.composite
def candidates_strategy(draw, max_size=8):
    ids = draw(st.lists(st.integers(min_value=1, max_value=10_000), unique=True, max_size=max_size))
    result = []
    for volunteer_id in ids:
        max_tasks = draw(st.integers(min_value=1, max_value=4))
        result.append(
            Candidate(
                volunteer_id=volunteer_id,
                skill_ids=frozenset(draw(st.sets(st.integers(min_value=1, max_value=5)))),
                language_codes=frozenset(draw(st.sets(st.sampled_from(["it", "ar", "fr", "en"])))),
                zones=tuple(draw(st.lists(st.sampled_from(ZONES), max_size=2))),
                slots=draw(weekly_slots()),
                active_tasks=draw(st.integers(min_value=0, max_value=max_tasks + 1)),
                max_tasks=max_tasks,
                paused=draw(st.booleans()),
                last_helped_at=draw(
                    st.none()
                    | st.integers(min_value=0, max_value=60 * 24 * 40).map(
                        lambda m: NOW - timedelta(minutes=m)
                    )
                ),
            )
        )
    return result


@st.composite
def needs(draw):
    starts_at = MONDAY + timedelta(minutes=draw(st.integers(min_value=0, max_value=7 * 24 * 60)))
    length = timedelta(minutes=draw(st.integers(min_value=10, max_value=20 * 24 * 60)))
    return Need(
        skill_ids=frozenset(draw(st.sets(st.integers(min_value=1, max_value=5), max_size=3))),
        language_codes=frozenset(draw(st.sets(st.sampled_from(["it", "ar", "fr"]), max_size=2))),
        zone=draw(st.sampled_from(["", "Centro", "Stazione", "Periferia"])),
        starts_at=starts_at,
        ends_at=starts_at + length,
        duration_minutes=draw(st.integers(min_value=10, max_value=12 * 60)),
    )


@hypothesis_settings(max_examples=60)
@given(needs(), candidates_strategy())
def test_every_eligible_candidate_is_ranked_exactly_once_and_nobody_else(need, candidates):
    ranked = rank(need, candidates, now=NOW)
    ids = [r.volunteer_id for r in ranked]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c.volunteer_id for c in candidates if eligible(c)}
    unavailable = {c.volunteer_id for c in candidates if c.paused or c.active_tasks >= c.max_tasks}
    assert not unavailable & set(ids)


@hypothesis_settings(max_examples=60)
@given(needs(), candidates_strategy())
def test_the_ranking_is_by_key_descending_with_readable_scores(need, candidates):
    ranked = rank(need, candidates, now=NOW)
    keys = [r.key for r in ranked]
    assert all(a > b for a, b in itertools.pairwise(keys))  # strictly: ids break ties
    assert all(0 <= r.score <= 100 for r in ranked)
    # The score people read never contradicts the order: higher on the list, no lower.
    assert all(a.score >= b.score for a, b in itertools.pairwise(ranked))
    codes = {"skills", "languages", "zone", "availability", "load", "rest"}
    assert all({reason["code"] for reason in r.reasons} == codes for r in ranked)


@hypothesis_settings(max_examples=60)
@given(needs(), candidates_strategy(), st.randoms(use_true_random=False))
def test_the_ranking_is_deterministic_whatever_the_input_order(need, candidates, random):
    first = rank(need, candidates, now=NOW)
    shuffled = list(candidates)
    random.shuffle(shuffled)
    assert rank(need, shuffled, now=NOW) == first
    assert rank(need, candidates, now=NOW) == first


@hypothesis_settings(max_examples=60)
@given(needs(), candidates_strategy(), st.data())
def test_covering_one_more_needed_skill_never_lowers_a_volunteer(need, candidates, data):
    improvable = [
        (index, candidate)
        for index, candidate in enumerate(candidates)
        if eligible(candidate) and need.skill_ids - candidate.skill_ids
    ]
    if not improvable:
        return
    index, candidate = data.draw(st.sampled_from(improvable))
    skill = data.draw(st.sampled_from(sorted(need.skill_ids - candidate.skill_ids)))
    better = replace(candidate, skill_ids=candidate.skill_ids | {skill})
    after = list(candidates)
    after[index] = better
    before_ids = [r.volunteer_id for r in rank(need, candidates, now=NOW)]
    after_ids = [r.volunteer_id for r in rank(need, after, now=NOW)]
    assert after_ids.index(candidate.volunteer_id) <= before_ids.index(candidate.volunteer_id)
    # Everyone it did not overtake keeps their place relative to each other.
    others = [i for i in before_ids if i != candidate.volunteer_id]
    assert [i for i in after_ids if i != candidate.volunteer_id] == others
    # Nobody it was ahead of overtakes it.
    behind_before = set(before_ids[before_ids.index(candidate.volunteer_id) + 1 :])
    assert behind_before <= set(after_ids[after_ids.index(candidate.volunteer_id) + 1 :])


@hypothesis_settings(max_examples=50)
@given(needs(), weekly_slots(max_days=7), st.integers(min_value=14, max_value=400))
def test_any_window_of_two_weeks_or_more_counts_each_weekly_slot_twice(need, slot_list, days):
    need = replace(need, ends_at=need.starts_at + timedelta(days=days))
    assert _minutes(need, slot_list) == 2 * _weekly_minutes(slot_list)


@given(needs(), weekly_slots(max_days=7))
def test_overlap_never_exceeds_the_window_nor_the_slots(need, slot_list):
    window = min(need.ends_at - need.starts_at, MAX_WINDOW) // timedelta(minutes=1)
    minutes = _minutes(need, slot_list)
    assert 0 <= minutes <= window
    # Up to two weeks touch each weekday at most three times (cut at both ends).
    assert minutes <= 3 * _weekly_minutes(slot_list)
