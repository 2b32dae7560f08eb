"""Sessions: a fresh key at sign-in, short staff sessions, no caching of personal pages,
and every sign-in attempt recorded for coordinators."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from members.models import Role, SignInAttempt
from members.services import sign_in_attempts_prune
from tests.factories import PASSWORD, SignInAttemptFactory, user_with_role


def _age_session(client: Client, *, started_ago: timedelta, seen_ago: timedelta) -> None:
    session = client.session
    now = timezone.now()
    session[SESSION_STARTED_KEY] = (now - started_ago).timestamp()
    session[SESSION_SEEN_KEY] = (now - seen_ago).timestamp()
    session.save()


def test_sign_in_gives_a_fresh_session_key(association):
    user = user_with_role(association, Role.MEMBER)
    client = Client()
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200


def test_staff_session_ends_after_30_minutes_idle(operator_client):
    _age_session(operator_client, started_ago=timedelta(hours=1), seen_ago=timedelta(minutes=31))
    response = operator_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in operator_client.session


def test_staff_session_lives_on_while_active(operator_client):
    _age_session(operator_client, started_ago=timedelta(hours=2), seen_ago=timedelta(minutes=29))
    assert operator_client.get(reverse("home")).status_code == 200
    # The idle clock moved: the person was active just now.
    seen = operator_client.session[SESSION_SEEN_KEY]
    assert timezone.now().timestamp() - seen < 5


def test_staff_session_ends_after_12_hours_even_if_active(coordinator_client):
    _age_session(
        coordinator_client, started_ago=timedelta(hours=12, minutes=1), seen_ago=timedelta(0)
    )
    response = coordinator_client.get(reverse("home"))
    assert response["Location"].startswith(reverse("account_login"))


def test_member_session_is_not_cut_after_30_minutes(member_client):
    _age_session(member_client, started_ago=timedelta(hours=13), seen_ago=timedelta(hours=1))
    assert member_client.get(reverse("home")).status_code == 200


def test_pages_for_signed_in_people_are_not_stored(member_client):
    response = member_client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_successful_and_failed_sign_ins_are_recorded(association):
    user = user_with_role(association, Role.MEMBER)
    client = Client(HTTP_USER_AGENT="Phone browser", REMOTE_ADDR="10.1.2.3")
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x"})
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    attempts = list(SignInAttempt.objects.order_by("created_at", "pk"))
    assert [(a.email, a.succeeded, a.user_id) for a in attempts] == [
        ("nobody@example.org", False, None),
        (user.email, False, user.pk),
        (user.email, True, user.pk),
    ]
    assert attempts[2].ip_address == "10.1.2.3"
    assert attempts[2].user_agent == "Phone browser"


def test_coordinator_reads_the_sign_in_log_of_their_association_only(
    coordinator_client, association, other_association
):
    ours = user_with_role(association, Role.MEMBER, email="ours@example.org")
    theirs = user_with_role(other_association, Role.MEMBER, email="theirs@example.org")
    SignInAttemptFactory(email=ours.email, user=ours, succeeded=False)
    SignInAttemptFactory(email=theirs.email, user=theirs)
    SignInAttemptFactory(email="unknown@example.org", user=None, succeeded=False)
    body = coordinator_client.get(reverse("members:signin-list")).content.decode()
    assert "ours@example.org" in body
    assert "theirs@example.org" not in body
    assert "unknown@example.org" not in body


@pytest.mark.parametrize("client_name", ["member_client", "facilitator_client", "operator_client"])
def test_only_coordinators_read_the_sign_in_log(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse("members:signin-list")).status_code == 403


@pytest.mark.parametrize("n", [1, 30])
def test_sign_in_log_query_count_is_constant(coordinator_client, django_assert_num_queries, n):
    for _ in range(n):
        SignInAttemptFactory(email=coordinator_client.user.email, user=coordinator_client.user)
    # user, memberships+associations, TOTP authenticator, count, page of attempts with user,
    # unread notifications count
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("members:signin-list"))
    assert response.status_code == 200


def test_sign_in_log_keeps_one_year(db):
    old = SignInAttemptFactory(created_at=timezone.now() - timedelta(days=366))
    recent = SignInAttemptFactory(created_at=timezone.now() - timedelta(days=300))
    assert sign_in_attempts_prune() == 1
    assert list(SignInAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SignInAttempt.objects.filter(pk=old.pk).exists()


def test_repeated_wrong_passwords_are_rate_limited(association):
    user = user_with_role(association, Role.MEMBER)
    client = Client()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    # Even the right password is refused for a while after five failures on the account.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get(reverse("home")).status_code == 302
