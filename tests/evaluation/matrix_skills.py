"""Access matrix entries of skill self-assessment: a person rates only the courses they
are in (the matrix's people are in none, and staff have no registry entry: 404); their
own growth page needs a registry entry; the figures of courses and support groups are for
facilitators (their own courses and groups) and coordinators."""

from __future__ import annotations

from tests.matrix import Entry
from tests.training.factories import CourseFactory


def _course_before(association):
    return {"course_pk": CourseFactory(association=association).pk, "phase": "before"}


ENTRIES: dict[str, Entry] = {
    "evaluation:skills-assess": Entry(404, 404, 404, 404, kwargs=_course_before),
    # Staff of the matrix have no registry entry of their own.
    "evaluation:skills-mine": Entry(200, 404, 404, 404),
    "evaluation:course-figures": Entry(403, 200, 403, 200),
}
