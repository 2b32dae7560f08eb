"""A member signs in on a phone, switches to English, and signs out."""

import pytest
from playwright.sync_api import expect

from members.models import Role
from members.services import welcome
from tests.factories import PASSWORD, AssociationFactory, MemberFactory, user_with_role
from tests.totp import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_member_signs_in_switches_language_and_signs_out_on_a_phone(
    live_server, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    member = user_with_role(association, Role.MEMBER, first_name="Mariam")
    welcome(user=member, association=association)
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    screenshot(page, "phone-01-login-it")

    _sign_in(page, live_server, member.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ciao, Mariam")
    expect(page.locator("main").get_by_text("Migr-Azioni ETS")).to_be_visible()
    screenshot(page, "phone-02-member-home-it")

    # The bell shows the unread welcome; marking it read (htmx) clears the badge.
    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifiche, 1 non letta")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifiche")
    screenshot(page, "phone-02b-inbox-it")
    page.get_by_role("button", name="Segna come letta").click()
    expect(page.get_by_role("button", name="Segna come letta")).to_have_count(0)
    expect(bell).to_have_attribute("aria-label", "Notifiche")
    expect(page.locator(".notification-badge")).to_have_count(0)
    screenshot(page, "phone-02c-inbox-read-it")
    page.get_by_role("link", name="Nucleo", exact=True).click()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Mariam")
    screenshot(page, "phone-03-member-home-en")

    page.get_by_role("button", name="Open the menu").click()
    page.locator("#main-nav.collapse.show").wait_for()  # Bootstrap's opening animation is over
    account_menu = page.get_by_role("button", name="Mariam")
    expect(account_menu).to_be_visible()
    account_menu.click()
    expect(page.get_by_test_id("sign-out")).to_be_visible()
    screenshot(page, "phone-04-menu-open-en")
    page.get_by_test_id("sign-out").click()
    # allauth asks to confirm only on GET; our menu posts, so the person is out at once.
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    screenshot(page, "phone-05-signed-out-en")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_operator_signs_in_with_a_totp_code_on_desktop(live_server, desktop_page, screenshot):
    association = AssociationFactory(name="Migr-Azioni ETS")
    MemberFactory.create_batch(3, association=association)
    operator = user_with_role(association, Role.OPERATOR, first_name="Omar")
    page = desktop_page
    _sign_in(page, live_server, operator.email)
    screenshot(page, "desktop-01-operator-code")
    page.get_by_label("Codice dell'autenticatore").fill(totp_code(operator.totp_secret))
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ciao, Omar")
    screenshot(page, "desktop-02-operator-home")
    page.get_by_role("link", name="Anagrafica").first.click()
    expect(page.get_by_role("table")).to_be_visible()
    screenshot(page, "desktop-03-registry")
