"""Notification kinds of case management. Staff messages carry the case number, never
the person's name: messages outlive an erasure."""

from django.utils.translation import gettext_lazy as _

from members.models import KindGroup
from members.notification_kinds import NotificationKind, register_kind

register_kind(
    NotificationKind(
        code="emergencies.case_critical",
        group=KindGroup.CASE_ALERTS,
        urgent=True,
        title=_("Critical case %(case)s: %(category)s"),
        body=_("A critical case was just opened and you are on duty. Open it now."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.case_escalated",
        group=KindGroup.CASE_ALERTS,
        urgent=True,
        title=_("Nobody has opened critical case %(case)s"),
        body=_("No operator opened this critical case within %(minutes)s minutes."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.case_assigned",
        group=KindGroup.CASE_ALERTS,
        title=_("Case %(case)s is assigned to you"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.follow_up_due",
        group=KindGroup.REMINDERS,
        title=_("A follow-up on case %(case)s is due"),
        body=_("Due on %(due)s."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.referral_received",
        group=KindGroup.CASE_ALERTS,
        title=_("A referral from %(association)s"),
        body=_("Read the summary and accept or decline it."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.referral_answered",
        group=KindGroup.CASE_ALERTS,
        title=_("News on the referral of case %(case)s"),
        body=_("%(association)s answered the referral."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.service_referral",
        group=KindGroup.REMINDERS,
        title=_("A service for you: %(service)s"),
        body=_("Your operator suggests this service. Open it for the address, phone and hours."),
    )
)

# --- The solidarity network -----------------------------------------------------------
# Offers carry the public summary only: the private details wait for who accepts.
register_kind(
    NotificationKind(
        code="emergencies.help_offer",
        group=KindGroup.NETWORK_OFFERS,
        title=_("Can you help? %(kind)s, %(when)s"),
        body=_("%(summary)s — open to accept or decline."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_offer_taken",
        group=KindGroup.NETWORK_OFFERS,
        title=_("Already taken: %(kind)s"),
        body=_("Another volunteer accepted first. Thank you for being there."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_request_new",
        group=KindGroup.CASE_ALERTS,
        title=_("A member asks the network for help: %(kind)s"),
        body=_("Check the request and send it to the volunteers."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_assigned",
        group=KindGroup.NETWORK_OFFERS,
        title=_("A volunteer will help: %(kind)s"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_done",
        group=KindGroup.NETWORK_OFFERS,
        title=_("Done: %(kind)s"),
        body=_("The volunteer says the help was given. Please confirm it."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_thanks",
        group=KindGroup.NETWORK_OFFERS,
        title=_("Thank you! Your help was confirmed: %(kind)s"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_unmatched",
        group=KindGroup.CASE_ALERTS,
        title=_("Nobody accepted request #%(number)s: %(kind)s"),
        body=_("No volunteer is available: find another way, or ask again later."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.help_cancelled",
        group=KindGroup.NETWORK_OFFERS,
        title=_("Cancelled: %(kind)s"),
        body=_("The request was cancelled: no need to go. Thank you all the same."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.debrief_callback",
        group=KindGroup.CASE_ALERTS,
        title=_("A volunteer asks to be called back"),
        body=_("After a hard task, a volunteer would like to talk to an operator."),
    )
)

# --- Community alerts -----------------------------------------------------------------
# The coordinators' own text, in the person's language: the kind adds nothing to it.
# Urgent alerts, and their reminders, do not wait for the end of quiet hours. The
# e-mail links straight to the person's own answer page (it needs no sign-in).
register_kind(
    NotificationKind(
        code="emergencies.community_alert",
        group=KindGroup.COMMUNITY_ALERTS,
        direct_link=True,  # their own answer link, no sign-in needed
        title=_("%(title)s"),
        body=_("%(body)s"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.community_alert_urgent",
        group=KindGroup.COMMUNITY_ALERTS,
        direct_link=True,  # their own answer link, no sign-in needed
        urgent=True,
        title=_("%(title)s"),
        body=_("%(body)s"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.community_alert_reminder",
        group=KindGroup.COMMUNITY_ALERTS,
        direct_link=True,  # their own answer link, no sign-in needed
        title=_("Please answer: %(title)s"),
        body=_("%(body)s"),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.community_alert_reminder_urgent",
        group=KindGroup.COMMUNITY_ALERTS,
        direct_link=True,  # their own answer link, no sign-in needed
        urgent=True,
        title=_("Please answer: %(title)s"),
        body=_("%(body)s"),
    )
)

# --- Personal emergency plans -----------------------------------------------------------
# Plan reminders name no document and hold nothing of the plan: they link to it.
register_kind(
    NotificationKind(
        code="emergencies.plan_document_expiring",
        group=KindGroup.REMINDERS,
        title=_("A document in your emergency plan expires in %(days)s days"),
        body=_("It expires on %(expires_on)s: start the renewal in time. Open your plan."),
    )
)
register_kind(
    NotificationKind(
        code="emergencies.plan_review_due",
        group=KindGroup.REMINDERS,
        title=_("Time to review your emergency plan"),
        body=_("A few minutes: check your contacts, documents and places are still right."),
    )
)
