"""What the network pages add to the registries of ``members``: home links for staff
and members, the panel of a person's help requests on their staff page, and the export,
erasure, legal-hold and activity entries of the data-protection registry for help
requests, offers and debriefs."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from members.models import Role
from members.panels import HomeLink, MemberPanel, register_home_link, register_member_panel
from members.privacy import (
    Activity,
    Anonymiser,
    ExportSection,
    Hold,
    LegalHold,
    plain,
    register_activity,
    register_anonymiser,
    register_export_section,
    register_legal_hold,
)

from .registrations import staff_sees_panel


def register() -> None:
    _home_links()
    _member_panel()
    _privacy()


def _home_links() -> None:
    for role in (Role.OPERATOR, Role.COORDINATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:help-request-list",
                label=_("Help requests"),
                description=_("The solidarity network: requests, offers to volunteers, tasks."),
                order=4,
            )
        )
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:debrief-list",
                label=_("Volunteers' check-ins"),
                description=_("How volunteers are after a task, and who asks to be called."),
                order=33,
                in_menu=False,
            )
        )
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="emergencies:network-settings",
            label=_("Solidarity network settings"),
            description=_("How many volunteers are asked at a time, and for how long."),
            order=34,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="emergencies:help-request-ask",
            label=_("Ask for help"),
            description=_("A hand from another member: an appointment, a form, a lift."),
            order=4,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="emergencies:my-contributions",
            label=_("My contributions"),
            description=_("For volunteers: requests for you, your tasks, hours and thanks."),
            order=5,
        )
    )


# --- The person's staff page ---------------------------------------------------------


def _member_panel_context(request, member) -> dict:
    from .models import HelpRequest

    return {"help_requests": HelpRequest.objects.filter(member=member).order_by("-created_at")[:10]}


def _member_panel() -> None:
    register_member_panel(
        MemberPanel(
            key="help_requests",
            template="emergencies/network/_member_requests.html",
            order=16,
            context=_member_panel_context,
            visible=staff_sees_panel,
        )
    )


# --- Data protection -----------------------------------------------------------------

#: A request in these states is still being answered for the person.
ACTIVE = ("open", "offered", "unmatched", "assigned")


def _export_requests(member) -> list[dict]:
    """The help the person asked for. The volunteer who helped is another person: only
    whether someone did."""
    from .models import HelpRequest

    requests = (
        HelpRequest.objects.filter(member=member)
        .prefetch_related("skills", "languages")
        .order_by("created_at")
    )
    return [
        plain(
            {
                "number": help_request.pk,
                "kind": help_request.get_kind_display(),
                "status": help_request.get_status_display(),
                "summary": help_request.public_summary,
                "details": help_request.private_details,
                "skills": [str(skill) for skill in help_request.skills.all()],
                "languages": [str(language) for language in help_request.languages.all()],
                "zone": help_request.zone,
                "from": help_request.starts_at,
                "until": help_request.ends_at,
                "duration_minutes": help_request.duration_minutes,
                "asked_at": help_request.created_at,
                "helped": help_request.volunteer_id is not None,
                "done_at": help_request.done_at,
                "confirmed_at": help_request.confirmed_at,
                "thanks": help_request.thanks,
            }
        )
        for help_request in requests
    ]


def _export_volunteering(member) -> dict | None:
    """What the person did as a volunteer: the offers they got, their tasks (never the
    details of the people they helped) and their debriefs."""
    from members.models import VolunteerProfile

    from .models import Debrief, HelpRequest, Offer

    volunteer = VolunteerProfile.objects.filter(member=member).first()
    if volunteer is None:
        return None
    offers = Offer.objects.filter(volunteer=volunteer).select_related("request").order_by("sent_at")
    tasks = HelpRequest.objects.filter(volunteer=volunteer).order_by("assigned_at")
    return plain(
        {
            "offers": [
                {
                    "request": offer.request_id,
                    "kind": offer.request.get_kind_display(),
                    "score": offer.score,
                    "status": offer.get_status_display(),
                    "sent_at": offer.sent_at,
                    "answered_at": offer.answered_at,
                }
                for offer in offers
            ],
            "tasks": [
                {
                    "request": task.pk,
                    "kind": task.get_kind_display(),
                    "status": task.get_status_display(),
                    "assigned_at": task.assigned_at,
                    "done_at": task.done_at,
                    "minutes_spent": task.minutes_spent,
                    "hours_confirmed_at": task.hours_confirmed_at,
                    "thanks_received": task.thanks,
                }
                for task in tasks
            ],
            "debriefs": [
                {
                    "request": debrief.request_id,
                    "feeling": debrief.get_feeling_display(),
                    "note": debrief.note,
                    "wants_callback": debrief.wants_callback,
                    "created_at": debrief.created_at,
                    "handled_at": debrief.handled_at,
                }
                for debrief in Debrief.objects.filter(volunteer=volunteer).order_by("created_at")
            ],
        }
    )


def _anonymise_network(member) -> None:
    """The requests, offers and debriefs stay (their counts feed evaluation and the
    volunteers' hours); every text about the person goes, history rows included: what
    they asked for, and as a volunteer their check-ins' notes and the thanks naming
    them."""
    from .models import Debrief, HelpRequest

    HelpRequest.objects.filter(member=member).update(
        private_details="", public_summary="", thanks="", zone=""
    )
    HelpRequest.history.filter(member_id=member.pk).delete()
    HelpRequest.objects.filter(volunteer__member=member).update(thanks="")
    HelpRequest.history.filter(volunteer__member=member).update(thanks="")
    Debrief.objects.filter(volunteer__member=member).update(note="")


def _holds(member) -> list[Hold]:
    from .models import HelpRequest

    asked = HelpRequest.objects.filter(member=member, status__in=ACTIVE).count()
    tasks = HelpRequest.objects.filter(volunteer__member=member, status="assigned").count()
    holds = []
    if asked:
        holds.append(
            Hold(
                label=_("Help requests in progress: %(count)s") % {"count": asked},
                reason=_("Volunteers of the network are still being asked, or on their way."),
            )
        )
    if tasks:
        holds.append(
            Hold(
                label=_("Volunteer tasks in progress: %(count)s") % {"count": tasks},
                reason=_("The person has accepted a task the network still counts on."),
            )
        )
    return holds


def _held_ids(members) -> set[int]:
    from .models import HelpRequest

    asked = HelpRequest.objects.filter(member__in=members, status__in=ACTIVE).values_list(
        "member_id", flat=True
    )
    tasks = HelpRequest.objects.filter(
        volunteer__member__in=members, status="assigned"
    ).values_list("volunteer__member_id", flat=True)
    return set(asked) | set(tasks)


def _latest(members) -> dict:
    """The latest request asked, task done or debrief given, per member."""
    from .models import Debrief, HelpRequest

    latest: dict = {}

    def keep(rows) -> None:
        for member_id, when in rows:
            if when is not None and (member_id not in latest or when > latest[member_id]):
                latest[member_id] = when

    keep(
        HelpRequest.objects.filter(member__in=members)
        .values("member_id")
        .annotate(latest=Max("created_at"))
        .values_list("member_id", "latest")
    )
    for field in ("assigned_at", "done_at"):
        keep(
            HelpRequest.objects.filter(volunteer__member__in=members)
            .values("volunteer__member_id")
            .annotate(latest=Max(field))
            .values_list("volunteer__member_id", "latest")
        )
    keep(
        Debrief.objects.filter(volunteer__member__in=members)
        .values("volunteer__member_id")
        .annotate(latest=Max("created_at"))
        .values_list("volunteer__member_id", "latest")
    )
    return latest


def _privacy() -> None:
    register_export_section(
        ExportSection(
            code="help_requests", title=_("Help requests"), collect=_export_requests, order=61
        )
    )
    register_export_section(
        ExportSection(
            code="network_volunteering",
            title=_("Solidarity network: offers, tasks and check-ins"),
            collect=_export_volunteering,
            order=62,
        )
    )
    register_anonymiser(Anonymiser(code="network", run=_anonymise_network, order=61))
    register_legal_hold(
        LegalHold(code="network_in_progress", find=_holds, held_member_ids=_held_ids, order=61)
    )
    register_activity(Activity(code="network", latest=_latest, order=61))
