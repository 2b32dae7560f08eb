"""Open now: Europe/Rome wall-clock hours, across daylight saving and holidays."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from resources.opening import is_open


@dataclass
class Row:
    freq: str = "WEEKLY"
    byday: str = "MO,TU,WE,TH,FR"
    opens_at: time | None = time(9)
    closes_at: time | None = time(13)
    valid_from: date | None = None
    valid_to: date | None = None


WEEKDAYS_9_TO_13 = [Row()]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Friday 27 March 2026, winter time (UTC+1): 09:30 in Rome is 08:30 UTC.
        (datetime(2026, 3, 27, 8, 30, tzinfo=UTC), True),
        (datetime(2026, 3, 27, 7, 30, tzinfo=UTC), False),  # 08:30 in Rome
        # Monday 30 March 2026, after the switch (UTC+2): 09:30 in Rome is 07:30 UTC.
        (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), True),
        (datetime(2026, 3, 30, 11, 30, tzinfo=UTC), False),  # 13:30 in Rome
        # Monday 26 October 2026, back to winter time: 12:30 in Rome is 11:30 UTC.
        (datetime(2026, 10, 26, 11, 30, tzinfo=UTC), True),
        (datetime(2026, 10, 26, 12, 30, tzinfo=UTC), False),  # 13:30 in Rome
    ],
)
def test_open_now_follows_rome_wall_clock_across_daylight_saving(utc, expected):
    assert is_open(WEEKDAYS_9_TO_13, at=utc) is expected


def test_sunday_is_closed():
    assert not is_open(WEEKDAYS_9_TO_13, at=datetime(2026, 3, 29, 9, 0, tzinfo=UTC))


def test_holiday_exception_closes_a_weekday():
    # 8 December 2026 (Immacolata) is a Tuesday.
    holiday = Row(freq="", byday="", opens_at=None, closes_at=None,
                  valid_from=date(2026, 12, 8), valid_to=date(2026, 12, 8))  # fmt: skip
    rows = [*WEEKDAYS_9_TO_13, holiday]
    assert not is_open(rows, at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC))  # 10:00 in Rome
    assert is_open(rows, at=datetime(2026, 12, 9, 9, 0, tzinfo=UTC))


def test_exception_with_special_hours_replaces_the_weekly_ones():
    # Christmas Eve (a Thursday): open 9 to 11 only.
    eve = Row(freq="", byday="", opens_at=time(9), closes_at=time(11),
              valid_from=date(2026, 12, 24), valid_to=date(2026, 12, 24))  # fmt: skip
    rows = [*WEEKDAYS_9_TO_13, eve]
    assert is_open(rows, at=datetime(2026, 12, 24, 9, 30, tzinfo=UTC))  # 10:30
    assert not is_open(rows, at=datetime(2026, 12, 24, 10, 30, tzinfo=UTC))  # 11:30


def test_hours_past_midnight_and_validity_period():
    night_shelter = [Row(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(20), closes_at=time(8),
                         valid_from=date(2026, 11, 1), valid_to=date(2027, 3, 31))]  # fmt: skip
    assert is_open(night_shelter, at=datetime(2026, 12, 1, 22, 0, tzinfo=UTC))  # 23:00
    assert is_open(night_shelter, at=datetime(2026, 12, 2, 5, 0, tzinfo=UTC))  # 06:00
    assert not is_open(night_shelter, at=datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    assert not is_open(night_shelter, at=datetime(2026, 7, 1, 22, 0, tzinfo=UTC))  # summer
