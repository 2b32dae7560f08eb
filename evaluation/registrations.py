"""What evaluation adds to the pages and registries of ``members`` (evaluation reads
every app and none imports it: it registers itself here)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import Role
from members.panels import HomeLink, register_home_link
from members.privacy import (
    Activity,
    Anonymiser,
    ExportSection,
    latest_per_member,
    register_activity,
    register_anonymiser,
    register_export_section,
)


def register() -> None:
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="evaluation:dashboard",
            label=_("How the unit is doing"),
            description=_("Participation, help given, plans, wellbeing: the unit's figures."),
            order=40,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="evaluation:checkin",
            label=_("How have you been?"),
            description=_("Five short questions about the last two weeks, and your trend."),
            order=30,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="evaluation:skills-mine",
            label=_("Your skills"),
            description=_("How good you feel at what your courses teach, before and after."),
            order=31,
            in_menu=False,
        )
    )
    for role in (Role.FACILITATOR, Role.COORDINATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="evaluation:course-figures",
                label=_("Course and group figures"),
                description=_(
                    "Attendance, completion, feedback and skills grown, per course and group."
                ),
                order=41,
                in_menu=False,
            )
        )
    register_export_section(
        ExportSection(code="evaluation", title=_("Evaluation"), collect=_export, order=80)
    )
    register_anonymiser(Anonymiser(code="evaluation", run=_anonymise, order=80))
    register_activity(Activity(code="evaluation", latest=_latest, order=80))


def _export(member) -> dict:
    from .models import FeedbackAnswer, WellbeingCheckIn

    return {
        "wellbeing": [
            {"when": c.answered_at, "answers": c.items, "percent": c.percent}
            for c in WellbeingCheckIn.objects.filter(member=member)
        ],
        # Anonymous answers are not linked to anyone: they cannot be exported.
        "feedback": [
            {"about": a.request.label, "rating": a.rating, "comment": a.comment}
            for a in FeedbackAnswer.objects.filter(request__member=member).select_related("request")
        ],
    }


def _anonymise(member) -> None:
    """Wellbeing answers are the person's own: deleted. Feedback stays as a rating,
    unlinked and without its comment."""
    from .models import FeedbackAnswer, SkillAssessment, WellbeingCheckIn

    WellbeingCheckIn.objects.filter(member=member).delete()
    SkillAssessment.objects.filter(member=member).delete()
    FeedbackAnswer.objects.filter(request__member=member).update(request=None, comment="")


def _latest(members) -> dict:
    from .models import WellbeingCheckIn

    return latest_per_member(WellbeingCheckIn.objects.filter(member__in=members), "answered_at")
