"""Community alerts: a coordinator writes an alert in several languages for the members
of some zones and languages, sends it, and each member answers from a link of their own
with one tap, "I'm safe" or "I need help"; "I need help" opens a help request.

Sending writes one ``AlertAnswer`` per person reached, in one transaction, and hands the
fan-out to Celery once it commits: the fan-out splits the answers into batches, and each
batch notifies its people with ``notify_many`` in their language (Italian for whoever
reads none of the alert's languages). Every message has its key, so a batch run twice
notifies nobody twice; the reminder is claimed once per alert by a conditional update.

The reads the pages and tasks share are in ``emergencies.selectors.alerts``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import STAFF_ROLES, Association, Channel, Language, Role, User
from members.services import notify_many, role_require

from ..models import AlertAnswer, AlertText, CommunityAlert, RequestKind
from ..selectors.alerts import FALLBACK_LANGUAGE, alert_targets, zones_unique
from .network import help_request_create

A = AlertAnswer.Answer
S = CommunityAlert.Status

#: People notified by one task: a batch stays well inside the task time limit.
FAN_OUT_BATCH = 500
#: The time window of the help request an "I need help" opens.
HELP_WINDOW = timedelta(hours=24)


class AlertRefused(Exception):
    """The alert cannot do this now (sent already, reminded already, reaches nobody)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswerClosed(Exception):
    """The person already asked for help: the answer can no longer change."""


# --- Writing and sending -----------------------------------------------------------------


@transaction.atomic
def alert_create(
    *,
    association: Association,
    by: User,
    subject: str,
    texts: Iterable[tuple[Language, str, str]],
    urgency: str = CommunityAlert.Urgency.NORMAL,
    zones: Iterable[str] = (),
    languages: Iterable[Language] = (),
    by_email: bool = True,
    by_sms: bool = True,
    ask_check_in: bool = True,
) -> CommunityAlert:
    """A draft alert with its texts (``(language, title, body)``, Italian among them).
    Nothing leaves until ``alert_send``: the coordinator first sees whom it reaches."""
    role_require(by, association, Role.COORDINATOR)
    texts = [(language, title.strip(), body.strip()) for language, title, body in texts]
    if FALLBACK_LANGUAGE not in {language.pk for language, _title, _body in texts}:
        raise AlertRefused(_("Write the alert in Italian: it is the text for everyone else."))
    alert = CommunityAlert(
        association=association,
        subject=subject.strip(),
        urgency=urgency,
        zones=", ".join(zones_unique(zones)),
        by_email=by_email,
        by_sms=by_sms,
        ask_check_in=ask_check_in,
        created_by=by,
    )
    alert.full_clean()
    alert.save()
    alert.languages.set(languages)
    for language, title, body in texts:
        text = AlertText(alert=alert, language=language, title=title, body=body)
        text.full_clean()
        text.save()
    return alert


@transaction.atomic
def alert_send(*, alert: CommunityAlert, by: User) -> int:
    """Send a draft: one answer row per person reached (with the language of the text
    they get), then, after commit, the fan-out task. Returns how many it reaches."""
    role_require(by, alert.association_id, Role.COORDINATOR)
    locked = CommunityAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != S.DRAFT:
        raise AlertRefused(_("This alert was already sent."))
    if not locked.texts.filter(language_id=FALLBACK_LANGUAGE).exists():
        raise AlertRefused(_("Write the alert in Italian: it is the text for everyone else."))
    targets = alert_targets(locked)
    if not targets:
        raise AlertRefused(_("This alert reaches nobody: check its zones and languages."))
    # Built from the registry as it is now, one row per member (the alert is locked and
    # still a draft): no per-row validation queries for a hundred thousand rows.
    AlertAnswer.objects.bulk_create(
        [
            AlertAnswer(
                alert=locked,
                member_id=target.member_id,
                language_id=target.language,
                notified=target.user_id is not None,
            )
            for target in targets
        ],
        batch_size=2000,
    )
    locked.status = S.SENT
    locked.sent_at = timezone.now()
    locked.save(update_fields=["status", "sent_at"])
    alert.status, alert.sent_at = locked.status, locked.sent_at

    from ..tasks import alert_fan_out_task

    transaction.on_commit(lambda: alert_fan_out_task.delay(locked.pk))
    return len(targets)


@transaction.atomic
def alert_remind(*, alert: CommunityAlert, by: User) -> int:
    """Remind, once per alert, whoever has a link and did not answer yet. Returns how
    many that is now (the batches skip who answers in the meantime)."""
    role_require(by, alert.association_id, Role.COORDINATOR)
    if not alert.ask_check_in:
        raise AlertRefused(_("This alert asks for no answer: there is nobody to remind."))
    now = timezone.now()
    claimed = CommunityAlert.objects.filter(
        pk=alert.pk, status=S.SENT, ask_check_in=True, reminded_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        if alert.status != S.SENT:
            raise AlertRefused(_("Send the alert first."))
        raise AlertRefused(_("The reminder was already sent."))
    alert.reminded_at = now

    from ..tasks import alert_remind_task

    transaction.on_commit(lambda: alert_remind_task.delay(alert.pk))
    return alert.answers.filter(notified=True, answer="").count()


def alert_fan_out(*, alert_id: int, reminder: bool = False) -> int:
    """Split the people to notify (or to remind) into batches, one task each. Returns
    the number of batches. Running it again queues the same batches, which notify nobody
    twice."""
    alert = CommunityAlert.objects.filter(pk=alert_id, status=S.SENT).first()
    if alert is None or (reminder and alert.reminded_at is None):
        return 0
    rows = AlertAnswer.objects.filter(alert_id=alert_id, notified=True)
    if reminder:
        rows = rows.filter(answer="")
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + FAN_OUT_BATCH] for i in range(0, len(ids), FAN_OUT_BATCH)]

    from ..tasks import alert_notify_batch_task

    for batch in batches:
        first, last = batch[0], batch[-1]
        transaction.on_commit(
            lambda first=first, last=last: alert_notify_batch_task.delay(
                alert_id, first, last, reminder
            )
        )
    return len(batches)


def answer_url(token: str) -> str:
    return reverse("emergencies:alert-answer", kwargs={"token": token})


def alert_notify_batch(
    *, alert_id: int, first_pk: int, last_pk: int, reminder: bool = False
) -> int:
    """Notify the people of answer rows ``first_pk``..``last_pk``: one ``notify_many``
    per language, each with the text in that language and everyone's own answer link,
    on the alert's channels. Returns how many were notified now."""
    alert = CommunityAlert.objects.select_related("association").get(pk=alert_id)
    texts = {text.language_id: text for text in alert.texts.all()}
    rows = AlertAnswer.objects.filter(
        alert_id=alert_id,
        notified=True,
        member__user__isnull=False,
        pk__gte=first_pk,
        pk__lte=last_pk,
    ).select_related("member__user")
    if reminder:
        rows = rows.filter(answer="")
    groups: dict[str, list[AlertAnswer]] = defaultdict(list)
    for row in rows:
        groups[row.language_id if row.language_id in texts else FALLBACK_LANGUAGE].append(row)
    urgent = alert.urgency == CommunityAlert.Urgency.URGENT
    kind = "emergencies.community_alert" + ("_reminder" if reminder else "")
    kind += "_urgent" if urgent else ""
    channels = []
    if alert.by_email:
        channels.append(Channel.EMAIL)
    if alert.by_sms:
        channels.append(Channel.SMS)
    notified = 0
    for code, group in sorted(groups.items()):
        text = texts[code]
        tokens = {row.member.user_id: row.token for row in group}
        notified += notify_many(
            recipients=[row.member.user for row in group],
            kind=kind,
            key_prefix=f"alert:{alert.pk}" + (":reminder" if reminder else ""),
            context={"title": text.title, "body": text.body},
            url=lambda user, tokens=tokens: answer_url(tokens[user.pk]),
            association=alert.association,
            channels=channels,
        )
    return notified


# --- Answering ---------------------------------------------------------------------------


@transaction.atomic
def alert_answer(*, token: str, answer: str, note: str = "") -> AlertAnswer:
    """A person answers from their link. Unanswered → safe or need help; safe → need
    help; the same answer again changes nothing. "I need help" opens one help request
    per answer row, however often it is tapped: the row is locked while it is decided.
    Raises ``AlertAnswer.DoesNotExist`` for an unknown link, ``AnswerClosed`` when the
    person already asked for help and now says something else."""
    if answer not in A.values:
        raise ValueError(f"not an answer: {answer!r}")
    row = (
        AlertAnswer.objects.select_for_update(of=("self",))
        .select_related("alert", "member__user")
        .get(token=token, alert__status=S.SENT, alert__ask_check_in=True)
    )
    return _record_answer(row, answer, note)


@transaction.atomic
def alert_answer_record(
    *, answer_row: AlertAnswer, answer: str, by: User, note: str = ""
) -> AlertAnswer:
    """An operator records the answer a person gave on the phone (people without an
    account, or who did not answer the message). "Needs help" opens the help request in
    the operator's name."""
    role_require(by, answer_row.alert.association_id, *STAFF_ROLES)
    if answer not in A.values:
        raise ValueError(f"not an answer: {answer!r}")
    row = (
        AlertAnswer.objects.select_for_update(of=("self",))
        .select_related("alert", "member__user")
        .get(pk=answer_row.pk, alert__status=S.SENT, alert__ask_check_in=True)
    )
    return _record_answer(row, answer, note, by=by)


def _record_answer(row: AlertAnswer, answer: str, note: str, by: User | None = None):
    note = note.strip()
    if row.answer == answer:
        return row  # a second tap, a reload: already recorded
    if row.answer == A.NEED_HELP:
        raise AnswerClosed
    row.answer = answer
    row.answered_at = timezone.now()
    if note:
        row.note = note
    fields = ["answer", "answered_at", "note"]
    if answer == A.NEED_HELP and row.help_request_id is None:
        row.help_request = _help_request_for(row, by=by)
        fields.append("help_request")
    row.full_clean(exclude=["alert", "member", "help_request", "language", "token"])
    row.save(update_fields=fields)
    return row


def _help_request_for(row: AlertAnswer, by: User | None = None):
    """The request an "I need help" opens, in the person's own name (so operators are
    told of it) and in the unit's language. Its summary names nobody: volunteers read it
    before accepting; the person's note is among the private details."""
    alert, member = row.alert, row.member
    by = by or member.user or alert.created_by
    if by is None:
        raise PermissionDenied
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        summary = _("Community alert “%(subject)s”: a member answered “I need help”.") % {
            "subject": alert.subject
        }
        details = _("Their note: %(note)s") % {"note": row.note} if row.note else ""
    return help_request_create(
        association=alert.association,
        member=member,
        by=by,
        kind=RequestKind.OTHER,
        public_summary=summary[:300],
        private_details=details,
        starts_at=now,
        ends_at=now + HELP_WINDOW,
    )
