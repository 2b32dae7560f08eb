"""Operators and coordinators must sign in with a second factor."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Role, SignInAttempt
from tests.factories import PASSWORD, user_with_role
from tests.totp import totp_code

STAFF_PAGES = [
    "home",
    "members:member-list",
    "members:invitation-list",
    "members:invitation-create",
    "bench-floor",
]


def _password_login(client: Client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.COORDINATOR])
def test_staff_without_mfa_is_sent_to_mfa_setup_on_every_page(association, role):
    user = user_with_role(association, role, mfa=False)
    client = Client()
    assert _password_login(client, user.email).status_code == 302
    setup = reverse("mfa_activate_totp")
    for name in STAFF_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == setup, name
    assert client.get("/admin/").status_code == 302
    # The setup page itself (and the rest of the account pages) stay reachable.
    assert client.get(setup).status_code == 200


def test_operator_sets_up_totp_then_lands_home(association):
    user = user_with_role(association, Role.OPERATOR, mfa=False)
    client = Client()
    _password_login(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    # Right after setup the recovery codes show without asking for the password again.
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert 'data-role="operator"' in home.content.decode()


def test_operator_with_mfa_signs_in_with_code_and_lands_home(association):
    user = user_with_role(association, Role.OPERATOR)
    client = Client()
    response = _password_login(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone does not sign the operator in.
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_totp_code_keeps_the_operator_out(association):
    user = user_with_role(association, Role.OPERATOR)
    client = Client()
    _password_login(client, user.email)
    wrong = str((int(totp_code(user.totp_secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    # The wrong code is in the sign-in log, as a failure at the second step.
    attempt = SignInAttempt.objects.filter(user=user).latest("created_at")
    assert (attempt.succeeded, attempt.step) == (False, SignInAttempt.Step.SECOND_FACTOR)


def test_member_needs_no_second_factor(association):
    user = user_with_role(association, Role.MEMBER)
    client = Client()
    response = _password_login(client, user.email)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_staff_mfa_requirement_can_be_turned_off(association, settings):
    settings.NUCLEO_REQUIRE_STAFF_MFA = False
    user = user_with_role(association, Role.OPERATOR, mfa=False)
    client = Client()
    _password_login(client, user.email)
    assert client.get(reverse("home")).status_code == 200


def test_admin_signs_in_through_allauth(db):
    client = Client()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2F"
    assert response.status_code == 200
