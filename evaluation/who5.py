"""The WHO-5 Well-Being Index (WHO Regional Office for Europe, 1998), pure functions.

Five statements about the last two weeks, each answered on a 0-5 scale. The raw score
is their sum (0-25); multiplied by 4 it is a percentage (0-100). A raw score below 13,
or any item answered 0 or 1, marks low wellbeing (a reason to offer - never force - a
conversation); a change of 10 percentage points between two check-ins is meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

#: The official wording: the English original and the Italian version.
INTRO = pgettext_lazy("WHO-5", "Over the last two weeks:")
ITEMS = [
    pgettext_lazy("WHO-5", "I have felt cheerful and in good spirits"),
    pgettext_lazy("WHO-5", "I have felt calm and relaxed"),
    pgettext_lazy("WHO-5", "I have felt active and vigorous"),
    pgettext_lazy("WHO-5", "I woke up feeling fresh and rested"),
    pgettext_lazy("WHO-5", "My daily life has been filled with things that interest me"),
]
#: The answers, from 5 to 0.
SCALE = [
    (5, pgettext_lazy("WHO-5", "All of the time")),
    (4, pgettext_lazy("WHO-5", "Most of the time")),
    (3, pgettext_lazy("WHO-5", "More than half of the time")),
    (2, pgettext_lazy("WHO-5", "Less than half of the time")),
    (1, pgettext_lazy("WHO-5", "Some of the time")),
    (0, pgettext_lazy("WHO-5", "At no time")),
]
LOW_RAW = 13
MEANINGFUL_CHANGE = 10


@dataclass(frozen=True)
class Score:
    raw: int
    percent: int
    is_low: bool


def score(items: list[int]) -> Score:
    """Score five answers (each 0-5). Anything else is a programming error: the form
    only offers the scale."""
    if len(items) != len(ITEMS) or any(not 0 <= item <= 5 for item in items):
        raise ValueError(f"WHO-5 needs five answers from 0 to 5, got {items!r}")
    raw = sum(items)
    return Score(raw=raw, percent=raw * 4, is_low=raw < LOW_RAW or min(items) <= 1)


def meaningful_change(before_percent: int, after_percent: int) -> int:
    """+1 better, -1 worse, 0 within the noise (less than 10 points either way)."""
    change = after_percent - before_percent
    if change >= MEANINGFUL_CHANGE:
        return 1
    if change <= -MEANINGFUL_CHANGE:
        return -1
    return 0
