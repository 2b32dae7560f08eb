"""What the alerts pages add to the registries of ``members``: home links (coordinators
write alerts; operators follow their boards and phone lists) and the export,
anonymisation and activity entries of a person's alert answers."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from members.models import Role
from members.panels import HomeLink, register_home_link
from members.privacy import (
    Activity,
    Anonymiser,
    ExportSection,
    register_activity,
    register_anonymiser,
    register_export_section,
)


def register() -> None:
    _home_links()
    _privacy()


def _home_links() -> None:
    register_home_link(
        HomeLink(
            role=Role.COORDINATOR,
            url_name="emergencies:alert-list",
            label=_("Community alerts"),
            description=_("Tell the members of a zone what is happening, and see who is safe."),
            order=33,
            in_menu=False,
        )
    )
    register_home_link(
        HomeLink(
            role=Role.OPERATOR,
            url_name="emergencies:alert-list",
            label=_("Community alerts"),
            description=_("Who answered an alert, who needs help, and the list of whom to call."),
            order=33,
            in_menu=False,
        )
    )


# --- Data protection -----------------------------------------------------------------


def _export_answers(member) -> list[dict]:
    from .models import AlertAnswer

    rows = (
        AlertAnswer.objects.filter(member=member)
        .select_related("alert", "language")
        .order_by("alert__sent_at", "pk")
    )
    return [
        {
            "alert": row.alert.subject,
            "sent": row.alert.sent_at,
            "language": str(row.language or ""),
            "answer": row.get_answer_display(),
            "note": row.note,
            "answered_at": row.answered_at,
            "help_request": row.help_request_id,
        }
        for row in rows
    ]


def _anonymise_answers(member) -> None:
    """The rows stay (the board's and evaluation's counts); the person's own words and
    their link go."""
    from .models import AlertAnswer

    for row in AlertAnswer.objects.filter(member=member).only("pk"):
        # A new random token: a link in an old message no longer opens anything.
        row.token = AlertAnswer._meta.get_field("token").get_default()
        row.note = ""
        row.save(update_fields=["token", "note"])


def _latest(members) -> dict:
    from .models import AlertAnswer

    rows = (
        AlertAnswer.objects.filter(member__in=members, answered_at__isnull=False)
        .values("member_id")
        .annotate(latest=Max("answered_at"))
    )
    return {row["member_id"]: row["latest"] for row in rows}


def _privacy() -> None:
    register_export_section(
        ExportSection(
            code="alert_answers",
            title=_("Answers to community alerts"),
            collect=_export_answers,
            order=65,
        )
    )
    register_anonymiser(Anonymiser(code="alert_answers", run=_anonymise_answers, order=65))
    register_activity(Activity(code="alert_answers", latest=_latest, order=65))
