"""A flood in the Centro zone: the coordinator writes an alert in Italian and Arabic,
sees whom it reaches and sends it; a member opens her own link on a phone, without
signing in, reads it in Arabic and taps "Ho bisogno di aiuto"; the coordinator's board
shows it on its own a few seconds later, with the help request it opened."""

import re

import pytest
from playwright.sync_api import expect

from emergencies.models import AlertAnswer, HelpRequest
from members.models import Notification, Role
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, user_with_role

from ..emergencies.factories_alerts import member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_sends_an_alert_a_member_answers_on_a_phone_the_board_updates(
    live_server, desktop_page, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    coordinator = user_with_role(association, Role.COORDINATOR, first_name="Lucia")
    amina = member_of(association, zone="Centro", language="ar", first_name="Amina")
    for first_name in ("Marco", "Joy", "Ibrahim"):
        member_of(association, zone="Centro", language="it", first_name=first_name)
    member_of(association, zone="Centro", account=False, first_name="Fatou", last_name="Sow")
    member_of(association, zone="Vomero", first_name="Lontano")

    # --- the coordinator writes the alert and sends it -----------------------------------
    page = desktop_page
    sign_in(page, live_server, coordinator, "Lucia")
    page.goto(f"{live_server.url}/emergencies/alerts/new/")
    page.get_by_label("Oggetto (per i coordinatori)").fill("Alluvione, 3 novembre")
    page.get_by_label("Urgente: inviata subito, anche di notte").check()
    page.get_by_label("Centro").check()
    page.locator("input[name=text-0-title]").fill("Allerta alluvione")
    page.locator("textarea[name=text-0-body]").fill(
        "Non uscite di casa e salite ai piani alti. Rispondete qui: state bene?"
    )
    page.locator("input[name=text-1-title]").fill("تنبيه فيضان")
    page.locator("textarea[name=text-1-body]").fill(
        "لا تخرجوا من البيت واصعدوا إلى الطوابق العليا. أجيبوا هنا: هل أنتم بخير؟"
    )
    page.get_by_role("button", name="Salva e guarda l'anteprima").click()

    expect(page.get_by_test_id("reach-total")).to_have_text("5")
    expect(page.get_by_test_id("reach-without-account")).to_contain_text("1 senza account")
    page.get_by_role("button", name="Inviala a 5 persone").click()
    expect(page.get_by_text("Allerta inviata a 5 persone")).to_be_visible()
    expect(page.get_by_test_id("count-not-answered")).to_have_text("5")
    expect(page.get_by_test_id("count-need-help")).to_have_text("0")

    # --- Amina answers from her own link, on her phone, without signing in ---------------
    notification = Notification.objects.get(recipient=amina.user)
    assert notification.title == "تنبيه فيضان"
    phone = phone_page
    phone.goto(f"{live_server.url}{notification.url}")
    expect(phone.get_by_test_id("alert-text")).to_contain_text("لا تخرجوا من البيت")
    expect(phone.get_by_role("button", name="Ho bisogno di aiuto")).to_be_visible()
    phone.get_by_label("Vuoi aggiungere qualcosa? (facoltativo)").fill(
        "Acqua in casa, sono con mia figlia"
    )
    screenshot(phone, "phone-40-alert-answer")
    phone.get_by_role("button", name="Ho bisogno di aiuto").click()
    expect(phone.get_by_text("Sappiamo che hai bisogno di aiuto")).to_be_visible()
    # A second tap, a reload: still one request.
    phone.reload()
    expect(phone.get_by_text("Sappiamo che hai bisogno di aiuto")).to_be_visible()

    row = AlertAnswer.objects.get(member=amina)
    assert row.answer == AlertAnswer.Answer.NEED_HELP
    assert HelpRequest.objects.filter(member=amina).count() == 1

    # --- the board updates by itself (htmx polls every 15 seconds) -----------------------
    expect(page.get_by_test_id("count-need-help")).to_have_text("1", timeout=25_000)
    expect(page.get_by_test_id("count-not-answered")).to_have_text("4")
    need_help = page.get_by_test_id("list-need-help")
    expect(need_help).to_contain_text("Amina")
    expect(need_help).to_contain_text("Acqua in casa, sono con mia figlia")
    expect(need_help.get_by_role("link", name=re.compile(r"Richiesta di aiuto"))).to_be_visible()
    screenshot(page, "desktop-40-alert-board")

    # --- the phone list for operators: who did not answer, and who has no account ---------
    page.get_by_test_id("phone-list-link").click()
    expect(page.get_by_test_id("phone-row")).to_have_count(4)
    expect(page.get_by_test_id("phone-list")).to_contain_text("Fatou Sow")
    expect(page.get_by_test_id("phone-list")).not_to_contain_text("Amina")
