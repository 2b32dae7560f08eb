"""An operator on duty takes a call: a woman with two children has no shelter tonight.
Intake of the new person's critical case on one page, then a note added without a
reload, a follow-up, and a referral to a dormitory of the resource map; the timeline
shows it all. The same case file on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from emergencies.models import Case, CaseAccess, Referral
from emergencies.services import categories_seed_defaults
from members.models import Notification, Role
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, service_with_location, user_with_role

from ..emergencies.factories import DutyShiftFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_critical_intake_then_note_follow_up_and_referral_to_a_resource(
    live_server, desktop_page, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    categories_seed_defaults(association=association)
    operator = user_with_role(association, Role.OPERATOR, first_name="Giulia", last_name="Russo")
    colleague = user_with_role(association, Role.OPERATOR, first_name="Omar")
    for person in (operator, colleague):
        DutyShiftFactory(association=association, operator=person)
    dormitory = service_with_location(
        name="Dormitorio San Vincenzo", description="Accoglienza notturna per famiglie"
    )

    # --- intake, on one page ------------------------------------------------------------
    page = desktop_page
    sign_in(page, live_server, operator, "Giulia")
    page.goto(f"{live_server.url}/emergencies/cases/new/")
    started = timezone.now()
    page.get_by_label("Cerca la persona").fill("Ouedraogo")
    expect(page.get_by_text("Nessuno trovato per «Ouedraogo»")).to_be_visible()
    page.locator("input[name=first_name]").fill("Awa")
    page.locator("input[name=last_name]").fill("Ouedraogo")
    page.locator("input[name=phone]").fill("+39 320 555 1234")
    page.locator("select[name=category]").select_option(label="Casa / sfratto")
    page.locator("select[name=channel]").select_option("phone")
    page.locator("input[name=urgency][value=critical]").check()
    page.locator("textarea[name=description]").fill(
        "Sfrattata oggi con due bambini, nessun posto per dormire stanotte."
    )
    screenshot(page, "desktop-20-case-intake")
    page.get_by_role("button", name="Apri il caso").click()

    case = Case.objects.get()
    expect(page).to_have_url(re.compile(rf"/emergencies/cases/{case.pk}/$"))
    expect(page.get_by_text("gli operatori di turno sono stati avvisati")).to_be_visible()
    assert timezone.now() - started < timedelta(minutes=1)
    assert case.member.full_name == "Awa Ouedraogo"
    assert case.urgency == "critical"
    assert case.assigned_to == operator
    # Both operators on duty were alerted, urgently.
    alerts = Notification.objects.filter(kind="emergencies.case_critical")
    assert {n.recipient for n in alerts} == {operator, colleague}
    assert {n.urgency for n in alerts} == {Notification.Urgency.URGENT}
    assert CaseAccess.objects.filter(case=case, user=operator).count() == 1

    # --- a note, added without reloading the page ---------------------------------------
    page.evaluate("window.__sameDocument = true")
    page.locator("#event-form-note textarea[name=note-text]").fill(
        "Chiamato il Comune: posto in emergenza solo da domani."
    )
    page.locator("#event-form-note").get_by_role("button", name="Aggiungi").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Chiamato il Comune")
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped, no reload
    expect(page.locator("#event-form-note textarea[name=note-text]")).to_have_value("")

    # --- a follow-up for tomorrow morning -----------------------------------------------
    page.get_by_text("Aggiungi un follow-up").click()
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.locator("input[name=title]").fill("Accompagnare al dormitorio")
    page.locator("input[name=due_at]").fill(tomorrow.strftime("%Y-%m-%dT09:00"))
    page.get_by_role("button", name="Aggiungi il follow-up").click()
    expect(page.locator(".follow-ups")).to_contain_text("Accompagnare al dormitorio")

    # --- a referral to a dormitory of the resource map ---------------------------------
    page.get_by_role("link", name="Invia", exact=True).click()
    page.locator("#id_q").fill("dormitorio")
    page.locator("#id_q").press("Enter")
    page.get_by_label(re.compile("Dormitorio San Vincenzo")).check()
    page.get_by_role("button", name="Invia a questo servizio").click()
    expect(page).to_have_url(re.compile(rf"/emergencies/cases/{case.pk}/$"))
    referral = Referral.objects.get(case=case)
    assert referral.service == dormitory
    expect(page.get_by_role("link", name="Stampa i dettagli per la persona")).to_be_visible()

    expect(timeline).to_contain_text("Dormitorio San Vincenzo")
    expect(timeline).to_contain_text("Accompagnare al dormitorio")
    expect(timeline).to_contain_text("Chiamato il Comune")
    screenshot(page, "desktop-21-case-timeline")

    # --- the same file on a phone -------------------------------------------------------
    sign_in(phone_page, live_server, colleague, "Omar")
    phone_page.goto(f"{live_server.url}/emergencies/cases/{case.pk}/")
    expect(phone_page.locator("#timeline")).to_contain_text("Chiamato il Comune")
    screenshot(phone_page, "phone-20-case-detail")
    phone_page.goto(f"{live_server.url}/emergencies/cases/?scope=team")
    expect(phone_page.get_by_text("Awa Ouedraogo")).to_be_visible()
    screenshot(phone_page, "phone-21-case-list")
