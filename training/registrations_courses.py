"""What courses and groups add to ``members``: home links per role, the member's next
sessions on their home, and the export, erasure and activity entries of a person's
enrolments, completions and group memberships."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import STAFF_ROLES, Role
from members.panels import (
    HomeLink,
    HomeWidget,
    MemberPanel,
    register_home_link,
    register_home_widget,
    register_member_panel,
)
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
    _home()
    _member_panel()
    _privacy()


def _home() -> None:
    for role in Role:
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:calendar",
                label=_("Workshops"),
                description=_("Courses, workshops and sessions: join one, or see yours."),
                order=20,
            )
        )
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:group-list",
                label=_("Support groups"),
                description=_("People who share experiences and strategies, with a facilitator."),
                order=21,
                in_menu=False,
            )
        )
    for role in (Role.FACILITATOR, Role.COORDINATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="training:course-list",
                label=_("Courses I run") if role == Role.FACILITATOR else _("Courses"),
                description=_("Create courses, schedule sessions, take attendance."),
                order=19,
                # Coordinators' menu is full already: the home page lists it.
                in_menu=role == Role.FACILITATOR,
            )
        )
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="training:facilitator-grant",
            label=_("New facilitators"),
            description=_("People who completed the facilitator training."),
            order=36,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="training:my-training",
            label=_("My sessions"),
            description=_("What you enrolled in, and the courses you completed."),
            order=22,
            in_menu=False,
        )
    )
    register_home_widget(
        HomeWidget(
            key="my_next_sessions",
            role=Role.MEMBER,
            template="training/_home_sessions.html",
            context=_home_sessions,
            order=20,
        )
    )


def _home_sessions(request) -> dict | None:
    from members.selectors import member_of_user

    from .models import Enrolment

    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        return None
    upcoming = list(
        Enrolment.objects.active()
        .filter(member=member, session__starts_at__gte=timezone.now())
        .select_related("session__course")
        .order_by("session__starts_at")[:3]
    )
    return {"enrolments": upcoming} if upcoming else None


def _panel_context(request, member) -> dict:
    from .models import Enrolment, GroupMembership

    return {
        "enrolments": Enrolment.objects.active()
        .filter(member=member)
        .select_related("session__course")
        .order_by("-session__starts_at")[:8],
        "completions": member.completions.select_related("course"),
        "groups": GroupMembership.objects.filter(member=member, status="member").select_related(
            "group"
        ),
    }


def _panel_visible(request, member) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_role(*STAFF_ROLES, Role.FACILITATOR))


def _member_panel() -> None:
    register_member_panel(
        MemberPanel(
            key="training",
            template="training/_member_training.html",
            order=20,
            context=_panel_context,
            visible=_panel_visible,
        )
    )


# --- Data protection -----------------------------------------------------------------


def _export(member) -> dict:
    from .models import Enrolment, GroupMembership

    return {
        "enrolments": [
            {
                "course": e.session.course.title,
                "session": e.session.starts_at,
                "status": e.get_status_display(),
                "attended": e.attended,
            }
            for e in Enrolment.objects.filter(member=member).select_related("session__course")
        ],
        "completed": [
            {"course": c.course.title, "on": c.completed_at}
            for c in member.completions.select_related("course")
        ],
        "groups": [
            {"group": m.group.name, "status": m.get_status_display(), "since": m.requested_at}
            for m in GroupMembership.objects.filter(member=member).select_related("group")
        ],
    }


def _anonymise(member) -> None:
    """Attendance counts stay (evaluation needs them); nothing names the person."""
    from .models import GroupMembership

    GroupMembership.objects.filter(member=member).delete()


def _latest(members) -> dict:
    from .models import Enrolment

    return latest_per_member(Enrolment.objects.filter(member__in=members), "created_at")


def _privacy() -> None:
    register_export_section(
        ExportSection(code="training", title=_("Workshops and groups"), collect=_export, order=70)
    )
    register_anonymiser(Anonymiser(code="training", run=_anonymise, order=70))
    register_activity(Activity(code="training", latest=_latest, order=70))
