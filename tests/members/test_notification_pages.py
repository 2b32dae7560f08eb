"""The pages of notifications: the bell, the inbox, preferences and the coordinators'
list of deliveries."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from members import services
from members.models import ChannelPreference, Delivery, Notification, Role
from tests.factories import user_with_role

_keys = itertools.count()


def _notify(user, *, subject="the Italian course", details="Tomorrow at 10.", **kwargs):
    return services.notify(
        recipient=user,
        kind=kwargs.pop("kind", "members.reminder"),
        key=f"test:{next(_keys)}",
        context={"subject": subject, "details": details},
        **kwargs,
    )


def _failed_delivery(user, association, **kwargs):
    notification = _notify(user, association=association, **kwargs)
    delivery = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=5, last_error="mail server refused"
    )
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def member(make_client, association):
    return make_client(association, Role.MEMBER, language="en")


# --- The bell ---------------------------------------------------------------------------


def test_bell_shows_the_unread_count_and_names_it(member):
    _notify(member.user)
    _notify(member.user)
    body = member.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in body
    assert 'notification-badge" aria-hidden="true">2</span>' in body

    services.notifications_mark_all_read(user=member.user)
    body = member.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications"' in body
    assert "notification-badge" not in body


def test_bell_counts_only_ones_own_unread_notifications(member, association):
    someone = user_with_role(association, Role.MEMBER)
    _notify(someone)
    _notify(member.user)
    body = member.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 1 unread"' in body


def test_preferences_are_linked_from_the_account_menu_and_the_inbox(member):
    url = reverse("members:notification-preferences")
    assert f'href="{url}"' in member.get(reverse("home")).content.decode()
    assert f'href="{url}"' in member.get(reverse("members:notification-list")).content.decode()


# --- Inbox ------------------------------------------------------------------------------


def test_inbox_shows_only_ones_own_notifications(member, association, other_association):
    _notify(member.user, subject="my workshop")
    _notify(user_with_role(association, Role.MEMBER), subject="a neighbour's workshop")
    _notify(user_with_role(other_association, Role.MEMBER), subject="a stranger's workshop")
    body = member.get(reverse("members:notification-list")).content.decode()
    assert "Reminder: my workshop" in body
    assert "neighbour" not in body
    assert "stranger" not in body


def test_inbox_shows_notifications_of_all_ones_associations_newest_first(
    member, association, other_association
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=member.user, association=other_association, is_member=True)
    _notify(member.user, subject="first", association=association)
    _notify(member.user, subject="second", association=other_association)
    body = member.get(reverse("members:notification-list")).content.decode()
    assert body.index("Reminder: second") < body.index("Reminder: first")


def test_inbox_highlights_unread_and_marks_urgent(member):
    read = _notify(member.user, subject="old news")
    services.notification_mark_read(notification=read, user=member.user)
    urgent = _notify(member.user, kind="tests.urgent", subject="flooding in the area")
    body = member.get(reverse("members:notification-list")).content.decode()
    urgent_item = body[body.index(f'id="notification-{urgent.pk}"') :]
    urgent_item = urgent_item[: urgent_item.index("</li>")]
    read_item = body[body.index(f'id="notification-{read.pk}"') :]
    read_item = read_item[: read_item.index("</li>")]
    assert "Urgent" in urgent_item and "New" in urgent_item
    assert "Mark as read" in urgent_item
    assert "New" not in read_item and "Mark as read" not in read_item
    assert 'class="list-group-item notification-item notification-unread notification-urgent"' in (
        body
    )


def test_inbox_is_paginated_by_25(member):
    for _ in range(26):
        _notify(member.user)
    response = member.get(reverse("members:notification-list"))
    assert len(response.context["page"].object_list) == 25
    assert "?page=2" in response.content.decode()


@pytest.mark.parametrize("n", [1, 50])
def test_inbox_query_count_is_constant(member, django_assert_num_queries, n):
    for _ in range(n):
        _notify(member.user)
    # user, memberships+associations, count of notifications, page of notifications,
    # unread notifications count (bell); the session comes from the cache
    with django_assert_num_queries(5):
        response = member.get(reverse("members:notification-list"))
    assert response.status_code == 200


def test_opening_a_notification_marks_it_read_and_follows_its_link(member):
    notification = _notify(member.user, url=reverse("members:notification-preferences"))
    response = member.get(reverse("members:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:notification-preferences")
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/login", "//evil.example/login", "javascript:alert(1)", ""]
)
def test_opening_a_notification_never_follows_a_link_off_the_site(member, url):
    notification = _notify(member.user, url=url)
    response = member.get(reverse("members:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:notification-list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_only_the_recipient_opens_or_reads_a_notification(
    member, coordinator_client, outsider_client
):
    notification = _notify(member.user, url="/")
    open_url = reverse("members:notification-open", args=[notification.pk])
    read_url = reverse("members:notification-read", args=[notification.pk])
    # Not even a coordinator of the recipient's association reads someone's inbox.
    for client in (coordinator_client, outsider_client):
        assert client.get(open_url).status_code == 404
        assert client.post(read_url).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert member.get(open_url).status_code == 302


def test_mark_read_with_htmx_returns_the_item_alone(member):
    notification = _notify(member.user, subject="the Italian course")
    response = member.post(
        reverse("members:notification-read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith("<li")
    assert f'id="notification-{notification.pk}"' in body
    assert "Reminder: the Italian course" in body
    assert "notification-unread" not in body
    assert "Mark as read" not in body
    assert "<html" not in body
    # The bell comes along, out of band, with the count that is now true.
    assert 'id="notification-bell" hx-swap-oob="true"' in body
    assert "notification-badge" not in body
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_as_a_plain_form_post_goes_back_to_the_inbox_page(member):
    notification = _notify(member.user)
    url = reverse("members:notification-read", args=[notification.pk])
    response = member.post(url, {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:notification-list") + "?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None
    response = member.post(url, {"page": "https://evil.example"})
    assert response["Location"] == reverse("members:notification-list")


def test_mark_read_answers_only_to_post(member):
    notification = _notify(member.user)
    response = member.get(reverse("members:notification-read", args=[notification.pk]))
    assert response.status_code == 405


def test_the_plain_form_for_mark_read_carries_its_csrf_token(member):
    _notify(member.user)
    body = member.get(reverse("members:notification-list")).content.decode()
    item = body[body.index('data-testid="notification"') :]
    assert 'name="csrfmiddlewaretoken"' in item[: item.index("</li>")]


def test_mark_all_read_reads_only_ones_own(member, association):
    mine = [_notify(member.user) for _ in range(3)]
    theirs = _notify(user_with_role(association, Role.MEMBER))
    response = member.post(reverse("members:notification-read-all"), follow=True)
    assert response.redirect_chain == [(reverse("members:notification-list"), 302)]
    assert "3 notifications marked as read." in response.content.decode()
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Preferences ------------------------------------------------------------------------


def _preferences(**changes):
    data = {
        "reminders": ["email"],
        "case_alerts": ["email"],
        "network_offers": ["email"],
        "community_alerts": ["email"],
        "quiet_hours_start": "",
        "quiet_hours_end": "",
        "language": "en",
        "phone": "",
    }
    data.update(changes)
    return data


def test_preferences_show_the_defaults_at_first(member):
    response = member.get(reverse("members:notification-preferences"))
    form = response.context["form"]
    assert form["reminders"].value() == ["email"]
    assert form["community_alerts"].value() == ["email", "sms"]
    assert "always appears in your Nucleo inbox" in response.content.decode()


def test_preferences_are_saved(member):
    response = member.post(
        reverse("members:notification-preferences"),
        _preferences(
            reminders=["email", "sms"],
            community_alerts=["sms"],
            case_alerts=[],
            quiet_hours_start="22:00",
            quiet_hours_end="07:00",
            language="it",
            phone="333 123-4567",
        ),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("members:notification-preferences"), 302)]
    # The message, like the page, is in the language just chosen.
    assert '<html lang="it">' in response.content.decode()
    user = member.user
    user.refresh_from_db()
    assert user.phone == "+393331234567"
    assert (str(user.quiet_hours_start), str(user.quiet_hours_end)) == ("22:00:00", "07:00:00")
    assert user.language == "it"
    enabled = set(
        ChannelPreference.objects.filter(user=user, enabled=True).values_list("group", "channel")
    )
    assert enabled == {
        ("reminders", "email"),
        ("reminders", "sms"),
        ("network_offers", "email"),
        ("community_alerts", "sms"),
    }


def test_quiet_hours_can_be_cleared(member):
    user = member.user
    user.quiet_hours_start, user.quiet_hours_end = "22:00", "07:00"
    user.save()
    response = member.post(reverse("members:notification-preferences"), _preferences())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.quiet_hours_start is None and user.quiet_hours_end is None


def _typed_value(body: str, name: str) -> str:
    start = body.index(f'name="{name}"')
    tag = body[body.rindex("<", 0, start) : body.index(">", start)]
    return tag.split('value="')[1].split('"')[0] if 'value="' in tag else ""


def test_a_malformed_phone_is_refused_and_everything_typed_is_kept(member):
    response = member.post(
        reverse("members:notification-preferences"),
        _preferences(
            reminders=["sms"], quiet_hours_start="21:30", quiet_hours_end="06:45", phone="33x-12"
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a mobile number with digits only" in body
    assert _typed_value(body, "phone") == "33x-12"
    assert _typed_value(body, "quiet_hours_start") == "21:30"
    assert _typed_value(body, "quiet_hours_end") == "06:45"
    assert response.context["form"]["reminders"].value() == ["sms"]
    member.user.refresh_from_db()
    assert member.user.phone == ""
    assert not ChannelPreference.objects.filter(user=member.user).exists()


@pytest.mark.parametrize(
    ("start", "end", "missing"),
    [("22:00", "", "quiet_hours_end"), ("", "07:00", "quiet_hours_start")],
)
def test_quiet_hours_need_both_times(member, start, end, missing):
    response = member.post(
        reverse("members:notification-preferences"),
        _preferences(quiet_hours_start=start, quiet_hours_end=end, phone="+39 333 1234567"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [missing]
    body = response.content.decode()
    assert _typed_value(body, "quiet_hours_start") == start
    assert _typed_value(body, "quiet_hours_end") == end
    assert _typed_value(body, "phone") == "+39 333 1234567"


def test_text_messages_need_a_phone(member):
    response = member.post(
        reverse("members:notification-preferences"),
        _preferences(
            community_alerts=["email", "sms"], quiet_hours_start="23:00", quiet_hours_end="06:00"
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["phone"]
    assert "Text messages need a mobile number" in response.content.decode()
    assert form["community_alerts"].value() == ["email", "sms"]
    assert _typed_value(response.content.decode(), "quiet_hours_start") == "23:00"


def test_errors_are_in_the_persons_language(make_client, association):
    client = make_client(association, Role.MEMBER, language="it")
    response = client.post(
        reverse("members:notification-preferences"),
        _preferences(quiet_hours_start="25:99", quiet_hours_end="07:00", language="it"),
    )
    assert response.status_code == 200
    assert "Inserisci un&#x27;ora valida." in response.content.decode()


# --- Deliveries -------------------------------------------------------------------------


def test_deliveries_list_only_the_associations_own(
    coordinator_client, association, other_association
):
    ours = user_with_role(association, Role.MEMBER, email="ours@example.org")
    theirs = user_with_role(other_association, Role.MEMBER, email="theirs@example.org")
    _notify(ours, subject="our workshop", association=association)
    _notify(theirs, subject="their workshop", association=other_association)
    body = coordinator_client.get(reverse("members:delivery-list")).content.decode()
    assert "ours@example.org" in body and "our workshop" in body
    assert "theirs@example.org" not in body and "their workshop" not in body


def test_deliveries_filter_by_status_channel_and_text(coordinator_client, association):
    amina = user_with_role(association, Role.MEMBER, email="amina@example.org")
    bruno = user_with_role(association, Role.MEMBER, email="bruno@example.org")
    failed = _failed_delivery(amina, association, subject="legal aid desk")
    _notify(bruno, subject="cooking workshop", association=association)
    url = reverse("members:delivery-list")

    def listed(**params):
        return list(coordinator_client.get(url, params).context["page"].object_list)

    assert listed(status="failed") == [failed]
    assert {d.channel for d in listed(channel="email")} == {"email"}
    assert len(listed(channel="email")) == 2
    # The inbox row is not an outbox concern: not listed, not a filter choice.
    response = coordinator_client.get(url, {"channel": "in_app"})
    assert "channel" in response.context["filter"].form.errors
    assert {d.notification.recipient for d in listed(q="BRUNO@")} == {bruno}
    assert {d.notification.recipient for d in listed(q="legal aid")} == {amina}
    assert listed(status="failed", q="bruno") == []
    response = coordinator_client.get(url, {"status": "failed"})
    body = response.content.decode()
    assert "mail server refused" in body
    assert f'action="{reverse("members:delivery-retry", args=[failed.pk])}"' in body


def test_deliveries_pages_keep_the_filters(coordinator_client, association):
    person = user_with_role(association, Role.MEMBER)
    for _ in range(26):
        _failed_delivery(person, association)
    body = coordinator_client.get(
        reverse("members:delivery-list"), {"status": "failed"}
    ).content.decode()
    assert "?status=failed&amp;page=2" in body


@pytest.mark.parametrize("n", [1, 50])
def test_delivery_list_query_count_is_constant(
    coordinator_client, association, django_assert_num_queries, n
):
    person = user_with_role(association, Role.MEMBER)
    for _ in range(n):
        _notify(person, association=association)
    # user, memberships+associations, TOTP authenticator, count of deliveries, page of
    # deliveries with notification+recipient, unread notifications count (bell)
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("members:delivery-list"), {"channel": "email"})
    assert response.status_code == 200


def test_only_coordinators_see_deliveries(member_client, facilitator_client, operator_client):
    for client in (member_client, facilitator_client, operator_client):
        assert client.get(reverse("members:delivery-list")).status_code == 403


def test_coordinators_find_the_deliveries_on_their_home_page(coordinator_client, operator_client):
    url = reverse("members:delivery-list")
    assert f'href="{url}"' in coordinator_client.get(reverse("home")).content.decode()
    assert f'href="{url}"' not in operator_client.get(reverse("home")).content.decode()


def test_retrying_a_failed_delivery_queues_it_and_sends_it(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    person = user_with_role(association, Role.MEMBER, email="amina@example.org")
    delivery = _failed_delivery(person, association)
    back = reverse("members:delivery-list") + "?status=failed"
    with django_capture_on_commit_callbacks() as callbacks:
        response = coordinator_client.post(
            reverse("members:delivery-retry", args=[delivery.pk]), {"next": back}
        )
    assert response.status_code == 302
    assert response["Location"] == back
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)
    assert len(callbacks) == 1
    assert mail.outbox == []

    for callback in callbacks:  # the commit: the task runs (eagerly in tests)
        callback()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert [message.to for message in mail.outbox] == [["amina@example.org"]]


def test_retrying_what_did_not_fail_sends_nothing(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    notification = _notify(user_with_role(association, Role.MEMBER), association=association)
    sent = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=sent.pk).update(status=Delivery.Status.SENT)
    with django_capture_on_commit_callbacks() as callbacks:
        response = coordinator_client.post(
            reverse("members:delivery-retry", args=[sent.pk]), {"next": "https://evil.example/"}
        )
    assert response["Location"] == reverse("members:delivery-list")
    assert callbacks == []
    sent.refresh_from_db()
    assert sent.status == Delivery.Status.SENT


def test_retry_is_for_the_associations_coordinators(
    coordinator_client, operator_client, outsider_client, association
):
    delivery = _failed_delivery(user_with_role(association, Role.MEMBER), association)
    url = reverse("members:delivery-retry", args=[delivery.pk])
    assert operator_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert coordinator_client.get(url).status_code == 405
    assert coordinator_client.post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
