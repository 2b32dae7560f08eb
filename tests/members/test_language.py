"""Italian by default, English complete beside it; the choice follows the account."""

from django.test import Client
from django.urls import reverse


def test_italian_is_the_default(db):
    body = Client().get(reverse("account_login")).content.decode()
    assert '<html lang="it">' in body


def test_language_switcher_turns_the_ui_to_english_and_back(member_client):
    response = member_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Sign out" in body
    member_client.user.refresh_from_db()
    assert member_client.user.language == "en"

    response = member_client.post(
        reverse("set_language"), {"language": "it", "next": reverse("home")}, follow=True
    )
    body = response.content.decode()
    assert '<html lang="it">' in body
    assert "Esci" in body


def test_chosen_language_follows_the_person_to_another_browser(member_client):
    member_client.post(reverse("set_language"), {"language": "en"})
    other_phone = Client()
    other_phone.force_login(member_client.user)
    assert '<html lang="en">' in other_phone.get(reverse("home")).content.decode()


def test_unknown_language_is_ignored(member_client):
    member_client.post(reverse("set_language"), {"language": "xx"})
    member_client.user.refresh_from_db()
    assert member_client.user.language == "it"


def test_anonymous_visitor_can_switch_the_login_page_to_english(db):
    client = Client()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("account_login")}, follow=True
    )
    assert '<html lang="en">' in response.content.decode()
