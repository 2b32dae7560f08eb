"""Community alerts: a coordinator writes an alert in several languages for a zone,
previews whom it reaches and sends it; each member is notified on the alert's channels,
in their language, with a link of their own, and answers "Sto bene" or "Ho bisogno di
aiuto"; the board counts the answers, the reminder goes once to who did not answer, and
operators get the phone list of the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from emergencies import services
from emergencies.models import AlertAnswer, CommunityAlert, HelpRequest
from emergencies.services import alerts as alert_services
from members.models import Channel, ChannelPreference, Delivery, KindGroup, Notification, Role
from members.privacy import ACTIVITY, ANONYMISERS, EXPORT_SECTIONS
from tests.concurrency import at_once

from .factories_alerts import (
    AlertAnswerFactory,
    CommunityAlertFactory,
    SentAlertFactory,
    member_of,
)

TEXTS = {
    "en": ("Heat wave", "Stay indoors in the hottest hours and drink water."),
    "ar": ("موجة حر", "ابقوا في البيت في ساعات الحر واشربوا الماء."),
}


def _send(client, alert, django_capture_on_commit_callbacks):
    """Send as ``client`` and run what is queued after commit: the fan-out, its batches
    and the deliveries (Celery runs eagerly in tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("emergencies:alert-send", args=[alert.pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    return response


def _alert_notifications():
    return Notification.objects.filter(kind="emergencies.community_alert")


# --- Reaching the right people ---------------------------------------------------------


def test_an_alert_to_a_zone_reaches_exactly_the_members_of_that_zone(
    coordinator_client, association, other_association, django_capture_on_commit_callbacks
):
    in_zone = [
        member_of(association, zone="Centro"),
        member_of(association, zone="centro "),  # the registry's spelling varies
        member_of(association, zone="Pozzuoli"),
    ]
    elsewhere = member_of(association, zone="Vomero")
    no_zone = member_of(association, zone="")
    gone = member_of(association, zone="Centro", anonymised_at=timezone.now())
    other = member_of(other_association, zone="Centro")
    alert = CommunityAlertFactory(association=association, zones="Centro, Pozzuoli")

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    assert alert.status == CommunityAlert.Status.SENT
    assert {row.member for row in alert.answers.all()} == set(in_zone)
    notified = {n.recipient for n in _alert_notifications()}
    assert notified == {member.user for member in in_zone}
    for member in (elsewhere, no_zone, gone, other):
        assert not Notification.objects.filter(recipient=member.user).exists()
    assert {n.association for n in _alert_notifications()} == {association}


def test_an_alert_without_zones_reaches_every_member_of_the_association_only(
    coordinator_client, association, other_association, django_capture_on_commit_callbacks
):
    ours = [member_of(association, zone=zone) for zone in ("Centro", "Vomero", "")]
    member_of(other_association)
    alert = CommunityAlertFactory(association=association)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    assert {row.member for row in alert.answers.all()} == set(ours)


def test_an_alert_to_a_language_reaches_who_prefers_or_speaks_it(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    prefers = member_of(association, language="ar")
    speaks = member_of(association, language="fr", speaks=["ar", "fr"])
    other = member_of(association, language="en", speaks=["en"])
    alert = CommunityAlertFactory(association=association, texts=TEXTS)
    alert.languages.set(["ar"])

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    assert {row.member for row in alert.answers.all()} == {prefers, speaks}
    assert not Notification.objects.filter(recipient=other.user).exists()


@pytest.mark.parametrize(
    ("by_email", "by_sms", "channels"),
    [
        (True, False, {Channel.IN_APP, Channel.EMAIL}),
        (False, True, {Channel.IN_APP, Channel.SMS}),
        (True, True, {Channel.IN_APP, Channel.EMAIL, Channel.SMS}),
        (False, False, {Channel.IN_APP}),
    ],
)
def test_the_alert_goes_on_exactly_its_channels(
    coordinator_client,
    association,
    django_capture_on_commit_callbacks,
    by_email,
    by_sms,
    channels,
):
    members = [member_of(association) for _ in range(3)]
    alert = CommunityAlertFactory(association=association, by_email=by_email, by_sms=by_sms)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    for member in members:
        notification = Notification.objects.get(recipient=member.user)
        assert {d.channel for d in notification.deliveries.all()} == channels


def test_the_alert_stays_within_the_channels_each_person_accepts(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    member = member_of(association)
    ChannelPreference.objects.create(
        user=member.user, group=KindGroup.COMMUNITY_ALERTS, channel=Channel.SMS, enabled=False
    )
    alert = CommunityAlertFactory(association=association, by_email=True, by_sms=True)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    deliveries = Delivery.objects.filter(notification__recipient=member.user)
    assert {d.channel for d in deliveries} == {Channel.IN_APP, Channel.EMAIL}


def test_each_member_reads_the_alert_in_their_language_with_italian_as_fallback(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    english = member_of(association, language="en")
    arabic = member_of(association, language="ar")
    tigrinya = member_of(association, language="ti")  # no text in Tigrinya
    italian = member_of(association, language="it")
    unknown = member_of(association)  # no language known
    # Prefers Tigrinya, also reads Arabic: gets the Arabic text.
    reads_arabic = member_of(association, language="ti", speaks=["ar"])
    alert = CommunityAlertFactory(association=association, texts=TEXTS)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    italian_text = ("Ondata di calore", "Restate in casa nelle ore calde e bevete acqua.")
    expected = {
        english: TEXTS["en"],
        arabic: TEXTS["ar"],
        tigrinya: italian_text,
        italian: italian_text,
        unknown: italian_text,
        reads_arabic: TEXTS["ar"],
    }
    for member, (title, body) in expected.items():
        notification = Notification.objects.get(recipient=member.user)
        assert (notification.title, notification.body) == (title, body)
    assert alert.answers.get(member=tigrinya).language_id == "it"
    assert alert.answers.get(member=reads_arabic).language_id == "ar"


def test_each_notification_links_to_the_members_own_answer_page(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    members = [member_of(association) for _ in range(3)]
    alert = CommunityAlertFactory(association=association)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    for member in members:
        row = alert.answers.get(member=member)
        notification = Notification.objects.get(recipient=member.user)
        assert notification.url == f"/emergencies/alerts/answer/{row.token}/"
    assert len({row.token for row in alert.answers.all()}) == 3


def test_the_alert_email_links_straight_to_the_answer_page(
    coordinator_client, association, django_capture_on_commit_callbacks, settings
):
    from members.channels import render_email

    member = member_of(association)
    alert = CommunityAlertFactory(association=association)
    _send(coordinator_client, alert, django_capture_on_commit_callbacks)
    row = alert.answers.get(member=member)
    _subject, text, html = render_email(Notification.objects.get(recipient=member.user))
    # No sign-in on the way: the person may read it on a phone they never signed in on.
    direct = f"{settings.NUCLEO_BASE_URL}/emergencies/alerts/answer/{row.token}/"
    assert direct in text
    assert direct in html
    assert "/members/notifications/" not in text.split("--")[0]


def test_members_without_an_account_are_not_notified_but_go_on_the_phone_list(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    with_account = member_of(association)
    without = member_of(association, account=False, first_name="Awa", last_name="Diallo")
    closed = member_of(association, first_name="Chiuso", last_name="Account")
    closed.user.is_active = False
    closed.user.save(update_fields=["is_active"])
    alert = CommunityAlertFactory(association=association)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    assert {n.recipient for n in _alert_notifications()} == {with_account.user}
    assert alert.answers.get(member=without).notified is False
    assert alert.answers.get(member=closed).notified is False
    response = coordinator_client.get(reverse("emergencies:alert-phone-list", args=[alert.pk]))
    assert "Awa Diallo" in response.text
    assert "Chiuso Account" in response.text
    assert "nessun account" in response.text


def test_an_urgent_alert_is_an_urgent_notification(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    member = member_of(association)
    alert = CommunityAlertFactory(association=association, urgency=CommunityAlert.Urgency.URGENT)

    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(recipient=member.user)
    assert notification.kind == "emergencies.community_alert_urgent"
    assert notification.urgency == Notification.Urgency.URGENT


def test_an_alert_is_sent_once(coordinator_client, association, django_capture_on_commit_callbacks):
    member_of(association)
    alert = CommunityAlertFactory(association=association)
    _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    response = _send(coordinator_client, alert, django_capture_on_commit_callbacks)

    assert alert.answers.count() == 1
    assert _alert_notifications().count() == 1
    followed = coordinator_client.get(response["Location"])
    assert "Questa allerta è già stata inviata." in followed.text


def test_an_alert_that_reaches_nobody_is_not_sent(coordinator_client, association):
    member_of(association, zone="Vomero")
    alert = CommunityAlertFactory(association=association, zones="Marte")

    response = coordinator_client.post(
        reverse("emergencies:alert-send", args=[alert.pk]), follow=True
    )

    alert.refresh_from_db()
    assert alert.status == CommunityAlert.Status.DRAFT
    assert "Questa allerta non raggiunge nessuno" in response.text


def test_the_fan_out_runs_in_batches_and_a_repeat_notifies_nobody_twice(
    coordinator_client, association, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(alert_services, "FAN_OUT_BATCH", 2)
    members = [member_of(association, language=code) for code in ("it", "en", "ar", "en", "fr")]
    alert = CommunityAlertFactory(association=association, texts=TEXTS)
    _send(coordinator_client, alert, django_capture_on_commit_callbacks)
    assert _alert_notifications().count() == len(members)

    with django_capture_on_commit_callbacks(execute=True):
        batches = services.alert_fan_out(alert_id=alert.pk)

    assert batches == 3
    assert _alert_notifications().count() == len(members)


# --- Writing and previewing ------------------------------------------------------------


def test_a_coordinator_writes_an_alert_in_several_languages(coordinator_client, association):
    member_of(association, zone="Centro", language="ar")
    member_of(association, zone="Vomero", language="en")
    response = coordinator_client.get(reverse("emergencies:alert-create"))
    assert response.status_code == 200
    # Rows for Italian first and the members' languages; the zones of the registry.
    rows = [form.initial.get("language") for form in response.context["texts"].forms]
    assert rows[:3] == ["it", "ar", "en"]
    assert "Vomero" in response.text

    data = {
        "subject": "Alluvione via Roma",
        "urgency": "urgent",
        "zones": ["Centro"],
        "other_zones": "Pozzuoli, centro",
        "by_email": "on",
        "ask_check_in": "on",
        "text-TOTAL_FORMS": "4",
        "text-INITIAL_FORMS": "3",
        "text-0-language": "it",
        "text-0-title": "Allerta alluvione",
        "text-0-body": "Non uscite di casa. Se avete bisogno, rispondete qui.",
        "text-1-language": "ar",
        "text-1-title": "",
        "text-1-body": "",
        "text-2-language": "en",
        "text-2-title": "Flood alert",
        "text-2-body": "Stay at home. If you need help, answer here.",
        "text-3-language": "fr",
        "text-3-title": "Alerte inondation",
        "text-3-body": "Restez chez vous.",
    }
    response = coordinator_client.post(reverse("emergencies:alert-create"), data)

    alert = CommunityAlert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("emergencies:alert-detail", args=[alert.pk])
    assert alert.status == CommunityAlert.Status.DRAFT
    assert alert.zones == "Centro, Pozzuoli"
    assert alert.urgency == CommunityAlert.Urgency.URGENT
    assert (alert.by_email, alert.by_sms, alert.ask_check_in) == (True, False, True)
    assert alert.created_by == coordinator_client.user
    assert sorted(alert.texts.values_list("language_id", flat=True)) == ["en", "fr", "it"]
    assert not Notification.objects.exists()  # nothing leaves before "send"


def test_an_alert_without_its_italian_text_is_refused_with_what_was_typed(coordinator_client):
    data = {
        "subject": "Sciopero dei trasporti",
        "urgency": "normal",
        "text-TOTAL_FORMS": "2",
        "text-INITIAL_FORMS": "1",
        "text-0-language": "it",
        "text-0-title": "",
        "text-0-body": "",
        "text-1-language": "en",
        "text-1-title": "Transport strike",
        "text-1-body": "No buses tomorrow.",
    }
    response = coordinator_client.post(reverse("emergencies:alert-create"), data)

    assert response.status_code == 422
    assert "Questo campo è obbligatorio." in response.text
    assert "Sciopero dei trasporti" in response.text
    assert "No buses tomorrow." in response.text
    assert not CommunityAlert.objects.exists()


def test_a_half_written_text_is_refused(coordinator_client):
    data = {
        "subject": "Caldo",
        "urgency": "normal",
        "text-TOTAL_FORMS": "2",
        "text-INITIAL_FORMS": "1",
        "text-0-language": "it",
        "text-0-title": "Caldo",
        "text-0-body": "Bevete acqua.",
        "text-1-language": "en",
        "text-1-title": "Heat",
        "text-1-body": "",
    }
    response = coordinator_client.post(reverse("emergencies:alert-create"), data)

    assert response.status_code == 422
    assert "Scrivi anche il messaggio, o lascia vuoto il titolo." in response.text


def test_the_preview_counts_whom_the_alert_reaches_by_zone_and_language(
    coordinator_client, association
):
    member_of(association, zone="Centro", language="en")
    member_of(association, zone="centro", language="ar")
    member_of(association, zone="Pozzuoli", language="ti", account=False)
    member_of(association, zone="Vomero")
    alert = CommunityAlertFactory(
        association=association, zones="Centro, Pozzuoli", texts={"en": TEXTS["en"]}
    )

    response = coordinator_client.get(reverse("emergencies:alert-detail", args=[alert.pk]))

    reach = response.context["reach"]
    assert (reach.total, reach.with_link, reach.without_account) == (3, 2, 1)
    assert reach.by_zone == [("Centro", 2), ("Pozzuoli", 1)]
    assert {language.code: n for language, n in reach.by_language} == {"en": 1, "it": 2}
    assert "Inviala a 3 persone" in response.text


# --- Answering ------------------------------------------------------------------------


def test_the_answer_link_shows_the_alert_in_the_members_language_without_signing_in(
    client, association
):
    alert = SentAlertFactory(association=association, texts=TEXTS)
    row = AlertAnswerFactory(alert=alert, language_id="ar")

    response = client.get(reverse("emergencies:alert-answer", args=[row.token]))

    assert response.status_code == 200
    assert TEXTS["ar"][1] in response.text
    assert "Sto bene" in response.text
    assert "Ho bisogno di aiuto" in response.text
    assert "no-store" in response["Cache-Control"]
    # The other texts are one tap away.
    response = client.get(reverse("emergencies:alert-answer", args=[row.token]), {"text": "en"})
    assert TEXTS["en"][1] in response.text


def test_an_unknown_or_unsent_link_answers_404(client, association):
    draft_row = AlertAnswerFactory(alert=CommunityAlertFactory(association=association))

    assert client.get(reverse("emergencies:alert-answer", args=["nope"])).status_code == 404
    response = client.get(reverse("emergencies:alert-answer", args=[draft_row.token]))
    assert response.status_code == 404


def test_i_am_safe_is_recorded_from_the_link(client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    url = reverse("emergencies:alert-answer", args=[row.token])

    response = client.post(url, {"answer": "safe", "note": "Sono da mia sorella"})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.answer == AlertAnswer.Answer.SAFE
    assert row.note == "Sono da mia sorella"
    assert row.answered_at is not None
    assert row.help_request is None
    page = client.get(url)
    assert "Grazie: ci hai detto che stai bene" in page.text


def test_i_need_help_opens_one_help_request_even_if_the_link_is_posted_twice(client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    url = reverse("emergencies:alert-answer", args=[row.token])

    client.post(url, {"answer": "need_help", "note": "Casa allagata, due bambini"})
    client.post(url, {"answer": "need_help", "note": "Casa allagata, due bambini"})

    row.refresh_from_db()
    assert row.answer == AlertAnswer.Answer.NEED_HELP
    assert HelpRequest.objects.count() == 1
    help_request = HelpRequest.objects.get()
    assert row.help_request == help_request
    assert help_request.member == row.member
    assert help_request.association == association
    assert help_request.opened_by == row.member.user
    # Volunteers read the summary before accepting: it names nobody.
    assert row.member.first_name not in help_request.public_summary
    assert "Casa allagata" in help_request.private_details
    assert "Sappiamo che hai bisogno di aiuto" in client.get(url).text


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_taps_on_i_need_help_open_one_help_request(association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))

    def tap():
        return services.alert_answer(token=row.token, answer="need_help")

    _results, errors = at_once(tap, tap)

    assert errors == []
    assert HelpRequest.objects.count() == 1
    row.refresh_from_db()
    assert row.help_request_id == HelpRequest.objects.get().pk


def test_safe_can_become_need_help_but_need_help_stays(client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    url = reverse("emergencies:alert-answer", args=[row.token])

    client.post(url, {"answer": "safe"})
    client.post(url, {"answer": "need_help", "note": "Ora l'acqua sale"})
    response = client.post(url, {"answer": "safe"}, follow=True)

    row.refresh_from_db()
    assert row.answer == AlertAnswer.Answer.NEED_HELP
    assert row.note == "Ora l'acqua sale"
    assert HelpRequest.objects.count() == 1
    assert "Hai già chiesto aiuto" in response.text


def test_answering_with_htmx_swaps_the_answer_card(client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))

    response = client.post(
        reverse("emergencies:alert-answer", args=[row.token]),
        {"answer": "safe"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="answer-card"')
    assert "Grazie: ci hai detto che stai bene" in response.text


def test_a_message_without_check_in_shows_no_buttons_and_takes_no_answer(client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association, ask_check_in=False))
    url = reverse("emergencies:alert-answer", args=[row.token])

    assert "Sto bene" not in client.get(url).text
    assert client.post(url, {"answer": "need_help"}).status_code == 422
    row.refresh_from_db()
    assert row.answer == ""


def test_a_link_opens_only_its_own_answer(client, association):
    mine = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    theirs = AlertAnswerFactory(alert=mine.alert)

    client.post(reverse("emergencies:alert-answer", args=[mine.token]), {"answer": "safe"})

    theirs.refresh_from_db()
    assert theirs.answer == ""


# --- The board, the reminder, the phone list -------------------------------------------


def _answered(alert, answer, n=1, **kwargs):
    rows = AlertAnswerFactory.create_batch(n, alert=alert, **kwargs)
    for row in rows:
        if answer:
            AlertAnswer.objects.filter(pk=row.pk).update(answer=answer, answered_at=timezone.now())
    return rows


def test_the_board_counts_equal_the_rows(operator_client, association):
    alert = SentAlertFactory(association=association)
    _answered(alert, "safe", 3)
    _answered(alert, "need_help", 2)
    _answered(alert, "", 4)
    AlertAnswerFactory(alert=alert, member__user=None, notified=False)
    other_alert = SentAlertFactory(association=association)
    _answered(other_alert, "need_help", 5)

    response = operator_client.get(reverse("emergencies:alert-detail", args=[alert.pk]))

    board = response.context["board"]
    for state, count in (("safe", 3), ("need_help", 2), ("", 5)):
        assert alert.answers.filter(answer=state).count() == count
    assert (board.safe, board.need_help, board.not_answered) == (3, 2, 5)
    assert (board.total, board.without_account) == (10, 1)
    assert len(board.safe_rows) == 3
    assert len(board.need_help_rows) == 2
    assert len(board.not_answered_rows) == 5
    assert 'data-testid="count-need-help">2<' in response.text
    assert 'hx-trigger="every 15s"' in response.text


def test_the_board_refreshed_by_htmx_is_the_board_block_only(operator_client, association):
    alert = SentAlertFactory(association=association)
    _answered(alert, "safe", 1)

    response = operator_client.get(
        reverse("emergencies:alert-detail", args=[alert.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.text.lstrip().startswith('<div id="alert-board"')
    assert 'data-testid="count-safe">1<' in response.text


def test_need_help_answers_link_to_their_help_request(operator_client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    services.alert_answer(token=row.token, answer="need_help")
    row.refresh_from_db()

    response = operator_client.get(reverse("emergencies:alert-detail", args=[row.alert_id]))

    assert reverse("emergencies:help-request-detail", args=[row.help_request_id]) in response.text


@pytest.mark.parametrize("n", [1, 50])
def test_the_board_query_count_is_constant(
    operator_client, django_assert_num_queries, association, n
):
    alert = SentAlertFactory(association=association, texts=TEXTS)
    for answer in ("safe", "need_help", ""):
        _answered(alert, answer, n)
    for row in alert.answers.filter(answer="need_help"):
        services.alert_answer(token=row.token, answer="need_help")  # no-op: already need help

    # user, memberships, MFA check (the session is cached), the alert, its texts, their
    # languages, its target languages, the counts, the three lists (need help with member
    # and help request, safe, not answered), the unread badge
    with django_assert_num_queries(12):
        response = operator_client.get(reverse("emergencies:alert-detail", args=[alert.pk]))
    assert response.context["board"].total == 3 * n


def test_the_reminder_goes_once_only_to_who_did_not_answer(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    members = [member_of(association, language=code) for code in ("it", "en", "it", "ar")]
    no_account = member_of(association, account=False)
    alert = CommunityAlertFactory(association=association, texts=TEXTS)
    _send(coordinator_client, alert, django_capture_on_commit_callbacks)
    safe, needs, *silent = members
    services.alert_answer(token=alert.answers.get(member=safe).token, answer="safe")
    services.alert_answer(token=alert.answers.get(member=needs).token, answer="need_help")
    url = reverse("emergencies:alert-remind", args=[alert.pk])

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        again = coordinator_client.post(url, follow=True)

    reminders = Notification.objects.filter(kind="emergencies.community_alert_reminder")
    assert sorted(n.recipient_id for n in reminders) == sorted(m.user_id for m in silent)
    arabic = reminders.get(recipient=silent[-1].user)
    assert arabic.title == f"Per favore rispondi: {TEXTS['ar'][0]}"
    assert arabic.url == reverse(
        "emergencies:alert-answer", args=[alert.answers.get(member=silent[-1]).token]
    )
    assert not Notification.objects.filter(recipient__member_profiles=no_account).exists()
    assert "Il promemoria è già stato inviato." in again.text
    alert.refresh_from_db()
    assert alert.reminded_at is not None


def test_the_phone_list_lists_who_did_not_answer_with_their_phone(operator_client, association):
    alert = SentAlertFactory(association=association)
    answered = _answered(alert, "safe", 1, member__first_name="Risposto")
    silent = AlertAnswerFactory(
        alert=alert, member__first_name="Samir", member__phone="+39 320 111 2233"
    )
    no_account = AlertAnswerFactory(
        alert=alert, member__user=None, member__first_name="Fatou", notified=False
    )

    response = operator_client.get(reverse("emergencies:alert-phone-list", args=[alert.pk]))

    assert response.status_code == 200
    assert {row.pk for row in response.context["rows"]} == {silent.pk, no_account.pk}
    assert "Samir" in response.text
    assert 'href="tel:+393201112233"' in response.text
    assert "Fatou" in response.text
    assert answered[0].member.first_name not in response.text
    assert "sha256-" in response["Content-Security-Policy"]


# --- Who may do what ------------------------------------------------------------------


def test_operators_follow_the_board_but_do_not_send_or_remind(
    operator_client, coordinator_client, outsider_client, association
):
    member_of(association)
    draft = CommunityAlertFactory(association=association)
    sent = SentAlertFactory(association=association)
    AlertAnswerFactory(alert=sent)

    for url in (
        reverse("emergencies:alert-send", args=[draft.pk]),
        reverse("emergencies:alert-remind", args=[sent.pk]),
    ):
        assert operator_client.post(url).status_code == 403
        assert outsider_client.post(url).status_code == 404
    assert operator_client.get(reverse("emergencies:alert-create")).status_code == 403
    for name in ("emergencies:alert-detail", "emergencies:alert-phone-list"):
        assert operator_client.get(reverse(name, args=[sent.pk])).status_code == 200
        assert coordinator_client.get(reverse(name, args=[sent.pk])).status_code == 200
        assert outsider_client.get(reverse(name, args=[sent.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == CommunityAlert.Status.DRAFT


def test_the_services_check_the_coordinator_role(make_client, association):
    from django.core.exceptions import PermissionDenied

    operator = make_client(association, Role.OPERATOR).user
    member_of(association)
    alert = CommunityAlertFactory(association=association)

    with pytest.raises(PermissionDenied):
        services.alert_send(alert=alert, by=operator)
    with pytest.raises(PermissionDenied):
        services.alert_remind(alert=alert, by=operator)


def test_the_list_shows_the_associations_alerts_with_their_counts(
    operator_client, association, other_association
):
    alert = SentAlertFactory(association=association, subject="Sciopero bus")
    _answered(alert, "need_help", 2)
    SentAlertFactory(association=other_association, subject="Allerta altrui")

    response = operator_client.get(reverse("emergencies:alert-list"))

    assert "Sciopero bus" in response.text
    assert "Allerta altrui" not in response.text
    assert "2 hanno bisogno di aiuto" in response.text
    assert "Nuova allerta" not in response.text  # operators do not write alerts


def test_home_links_lead_coordinators_and_operators_to_the_alerts(
    coordinator_client, operator_client, member_client
):
    url = reverse("emergencies:alert-list")
    assert url in coordinator_client.get(reverse("home")).text
    assert url in operator_client.get(reverse("home")).text
    assert url not in member_client.get(reverse("home")).text


# --- Data protection ------------------------------------------------------------------


def test_a_persons_answers_are_exported_anonymised_and_count_as_activity(association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    services.alert_answer(token=row.token, answer="safe", note="Sono da Aisha, via Po 3")
    row.refresh_from_db()
    member = row.member
    old_token = row.token

    exported = next(s for s in EXPORT_SECTIONS if s.code == "alert_answers").collect(member)
    assert exported[0]["note"] == "Sono da Aisha, via Po 3"
    assert exported[0]["alert"] == row.alert.subject
    latest = next(a for a in ACTIVITY if a.code == "alert_answers").latest(
        type(member).objects.filter(pk=member.pk)
    )
    assert latest == {member.pk: row.answered_at}

    next(a for a in ANONYMISERS if a.code == "alert_answers").run(member)

    row.refresh_from_db()
    assert row.note == ""
    assert row.answer == AlertAnswer.Answer.SAFE  # the counts stay
    assert row.token != old_token


@pytest.mark.parametrize("n", [1, 30])
def test_the_list_query_count_is_constant(
    operator_client, django_assert_num_queries, association, n
):
    for _ in range(n):
        _answered(SentAlertFactory(association=association), "safe", 2)

    # user, memberships, MFA check (the session is cached), count, unread badge, the
    # page of alerts with their answer counts
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("emergencies:alert-list"))
    assert len(response.context["page"].object_list) == min(n, 25)


@pytest.mark.parametrize("n", [1, 50])
def test_the_phone_list_query_count_is_constant(
    operator_client, django_assert_num_queries, association, n
):
    alert = SentAlertFactory(association=association)
    _answered(alert, "", n, member__preferred_language_id="ar")

    # user, memberships, MFA check (the session is cached), the alert, its texts, their
    # languages, its target languages, the rows with member, account and language
    with django_assert_num_queries(8):
        response = operator_client.get(reverse("emergencies:alert-phone-list", args=[alert.pk]))
    assert response.text.count('data-testid="phone-row"') == n


def test_an_operator_records_an_answer_given_on_the_phone(operator_client, association):
    alert = SentAlertFactory(association=association)
    without_account = AlertAnswerFactory(alert=alert, member__user=None, notified=False)
    record = reverse("emergencies:alert-answer-record", args=[without_account.pk])

    board = operator_client.post(record, {"answer": "need_help"}, follow=True)

    without_account.refresh_from_db()
    assert without_account.answer == "need_help"
    request = without_account.help_request
    assert request is not None and request.opened_by == operator_client.user
    assert "registrata" in board.content.decode()
    # Said twice (two operators calling): still one help request.
    operator_client.post(record, {"answer": "need_help"})
    assert HelpRequest.objects.filter(member=without_account.member).count() == 1
    # A mistyped answer changes nothing and says so.
    other = AlertAnswerFactory(alert=alert)
    response = operator_client.post(
        reverse("emergencies:alert-answer-record", args=[other.pk]),
        {"answer": "maybe"},
        follow=True,
    )
    other.refresh_from_db()
    assert other.answer == ""
    assert "Scegli che cosa ha detto la persona" in response.content.decode()


def test_another_associations_operator_cannot_record_an_answer(outsider_client, association):
    row = AlertAnswerFactory(alert=SentAlertFactory(association=association))
    response = outsider_client.post(
        reverse("emergencies:alert-answer-record", args=[row.pk]), {"answer": "safe"}
    )
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.answer == ""
