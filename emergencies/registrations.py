"""What case management adds to the pages and registries of ``members``: home links and
the home's overdue list, the panel on a person's staff page, and the export, erasure,
legal-hold and activity entries of the data-protection registry."""

from __future__ import annotations

from django.db.models import Max
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
    Hold,
    LegalHold,
    register_activity,
    register_anonymiser,
    register_export_section,
    register_legal_hold,
)


def register_all() -> None:
    from . import registrations_alerts, registrations_network, registrations_plans

    _home_links()
    _home_widgets()
    _member_panel()
    _privacy()
    registrations_network.register()
    registrations_alerts.register()
    registrations_plans.register()


def _home_links() -> None:
    for role in (Role.OPERATOR, Role.COORDINATOR):
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:case-list",
                label=_("Cases"),
                description=_("Social emergencies you and your team follow."),
                order=1,
            )
        )
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:case-intake",
                label=_("New case"),
                description=_("Log an emergency in under a minute."),
                order=2,
                in_menu=False,
            )
        )
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:roster",
                label=_("On-duty roster"),
                description=_("Who is on duty now for critical cases."),
                order=30,
                in_menu=False,
            )
        )
        register_home_link(
            HomeLink(
                role=role,
                url_name="emergencies:referral-inbox",
                label=_("Referrals received"),
                description=_("Cases partner associations refer to you."),
                order=31,
                in_menu=False,
            )
        )
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="emergencies:case-figures",
            label=_("Case figures"),
            description=_("Time to first contact and to close, by category."),
            order=32,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.MEMBER,
            url_name="emergencies:my-cases",
            label=_("My requests"),
            description=_("The help you asked for and where it stands."),
            order=3,
        )
    )


def _overdue_context(request) -> dict | None:
    """The operator's overdue follow-ups, first on their home; nothing when none."""
    from .selectors import overdue_follow_ups

    overdue = list(overdue_follow_ups(user=request.user, association=request.association)[:10])
    return {"overdue": overdue} if overdue else None


def _home_widgets() -> None:
    register_home_widget(
        HomeWidget(
            key="overdue_follow_ups",
            role=Role.OPERATOR,
            template="emergencies/_home_overdue.html",
            context=_overdue_context,
            order=10,
        )
    )


def _member_panel_context(request, member) -> dict:
    from .selectors import member_cases

    return {"cases": member_cases(member=member)}


def staff_sees_panel(request, member) -> bool:
    """Member panels of this app are for the association's operators and coordinators."""
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_role(*STAFF_ROLES))


def _member_panel() -> None:
    register_member_panel(
        MemberPanel(
            key="cases",
            template="emergencies/_member_cases.html",
            order=15,
            context=_member_panel_context,
            visible=staff_sees_panel,
        )
    )


# --- Data protection -----------------------------------------------------------------


def _export_cases(member) -> list[dict]:
    from .models import Case

    cases = (
        Case.objects.filter(member=member)
        .select_related("category")
        .prefetch_related("events", "referrals", "attachments")
        .order_by("opened_at")
    )
    return [
        {
            "case": case.number,
            "category": str(case.category),
            "urgency": case.get_urgency_display(),
            "status": case.get_status_display(),
            "outcome": case.get_outcome_display(),
            "channel": case.get_channel_display(),
            "description": case.description,
            "opened_at": case.opened_at,
            "first_contact_at": case.first_contact_at,
            "closed_at": case.closed_at,
            # Confidential notes stay out: they may protect the person or others
            # (GDPR art. 15(4)); an operator reviews them on request.
            "timeline": [
                {
                    "when": event.created_at,
                    "kind": event.get_kind_display(),
                    "text": event.text,
                    "minutes": event.minutes,
                }
                for event in case.events.all()
                if not event.confidential
            ],
            "referrals": [
                {
                    "to": str(referral.service or referral.partner),
                    "status": referral.get_status_display(),
                    "sent": referral.created_at,
                }
                for referral in case.referrals.all()
            ],
            "documents": [attachment.original_name for attachment in case.attachments.all()],
        }
        for case in cases
    ]


def _anonymise_cases(member) -> None:
    """The cases stay (their counts feed evaluation); every text about the person goes:
    descriptions, timeline texts, referral summaries, documents and the history rows."""
    from .models import Attachment, Case, CaseEvent, FollowUp, Referral

    cases = Case.objects.filter(member=member)
    case_ids = list(cases.values_list("pk", flat=True))
    for attachment in Attachment.objects.filter(case__in=cases):
        attachment.file.delete(save=False)
    Attachment.objects.filter(case__in=cases).delete()
    CaseEvent.objects.filter(case__in=cases).update(text="", with_whom="")
    Referral.objects.filter(case__in=cases).update(summary="", outcome="")
    FollowUp.objects.filter(case__in=cases).update(title="—")
    cases.update(description="")
    Case.history.filter(member_id=member.pk).delete()
    Referral.history.filter(case_id__in=case_ids).delete()
    FollowUp.history.filter(case_id__in=case_ids).delete()


def _holds(member) -> list[Hold]:
    from .models import Case

    open_cases = Case.objects.filter(member=member).open().count()
    if not open_cases:
        return []
    return [
        Hold(
            label=_("Open cases: %(count)s") % {"count": open_cases},
            reason=_("The association is still following this person's emergency."),
        )
    ]


def _held_ids(members) -> set[int]:
    from .models import Case

    return set(Case.objects.filter(member__in=members).open().values_list("member_id", flat=True))


def _latest(members) -> dict:
    from .models import Case

    rows = (
        Case.objects.filter(member__in=members)
        .values("member_id")
        .annotate(latest=Max("updated_at"))
    )
    return {row["member_id"]: row["latest"] for row in rows}


def _privacy() -> None:
    register_export_section(
        ExportSection(code="cases", title=_("Cases"), collect=_export_cases, order=60)
    )
    register_anonymiser(Anonymiser(code="cases", run=_anonymise_cases, order=60))
    register_legal_hold(
        LegalHold(code="open_cases", find=_holds, held_member_ids=_held_ids, order=60)
    )
    register_activity(Activity(code="cases", latest=_latest, order=60))
