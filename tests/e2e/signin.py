"""Signing in, as every browser journey starts: e-mail and password, then the
authenticator's code for staff (who have a TOTP secret)."""

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.totp import totp_code


def sign_in(page, live_server, user, first_name: str | None = None) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    if getattr(user, "totp_secret", None):
        page.get_by_label("Codice dell'autenticatore").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Accedi").click()
    if first_name:
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Ciao, {first_name}")
