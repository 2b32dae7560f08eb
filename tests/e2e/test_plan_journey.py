"""A member builds her emergency plan on her phone: she starts it, adds two trusted
contacts (the second row added without leaving the page), picks the eviction scenario
and links the dormitory of the resource map to it, adds her residence permit with its
expiry date, and opens her wallet card, in her language and in Italian."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from emergencies import services
from emergencies.models import EmergencyPlan, PlanContact, ScenarioTemplate
from emergencies.services import Row
from members.models import Notification, Reminder, Role, User
from tests.e2e.signin import sign_in
from tests.factories import (
    AssociationFactory,
    PhoneFactory,
    PrivacyNoticeFactory,
    ServiceFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_builds_her_plan_on_a_phone_and_opens_the_wallet_card(
    live_server, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    PrivacyNoticeFactory(association=association)
    member = user_with_role(association, Role.MEMBER, first_name="Mariam", last_name="Okafor")
    dormitory = ServiceFactory(
        name="Dormitorio San Vincenzo",
        description="Posti letto per la notte, accoglienza d'emergenza.",
    )
    PhoneFactory(service=dormitory, number="+39 0823 456789")
    page = phone_page
    sign_in(page, live_server, member, "Mariam")

    # --- Start, from the home page --------------------------------------------------------
    page.get_by_role("link", name="Inizia il mio piano").click()
    page.get_by_label("Acconsento che Nucleo conservi il mio piano di emergenza").check()
    page.get_by_test_id("plan-start").click()
    plan = EmergencyPlan.objects.get()
    expect(page).to_have_url(re.compile(rf"/emergencies/plans/{plan.pk}/$"))
    expect(page.get_by_test_id("next-step")).to_contain_text("persona di fiducia")

    # --- Two contacts: the second row comes without a reload ---------------------------
    page.get_by_test_id("edit-contacts").click()
    page.locator("input[name=contacts-0-name]").fill("Fatou Ndiaye")
    page.locator("input[name=contacts-0-relationship]").fill("amica")
    page.locator("input[name=contacts-0-phone]").fill("333 765 4321")
    page.locator("input[name=contacts-0-alert_on_activation]").check()
    page.get_by_test_id("add-row").click()
    expect(page.locator("input[name=contacts-1-name]")).to_be_visible()
    expect(page.locator("input[name=contacts-0-name]")).to_have_value("Fatou Ndiaye")
    page.locator("select[name=contacts-1-kind]").select_option("out_of_area")
    page.locator("input[name=contacts-1-name]").fill("Chinedu Okafor")
    page.locator("input[name=contacts-1-phone]").fill("+44 7700 900123")
    screenshot(page, "phone-50-plan-contacts")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("contact")).to_have_count(2)
    assert sorted(PlanContact.objects.values_list("name", flat=True)) == [
        "Chinedu Okafor",
        "Fatou Ndiaye",
    ]

    # --- A scenario from the templates, linked to the dormitory ---------------------------
    page.get_by_test_id("edit-scenarios").click()
    page.get_by_label("Sfratto o perdita della casa").check()
    page.get_by_test_id("scenario-add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sfratto o perdita della casa")
    # The template's first actions are hers to change.
    expect(page.locator("[name=actions-0-text]")).to_have_value(
        "Conserva tutte le lettere e il contratto"
    )
    page.locator("input[name=q]").fill("dormitorio")
    page.get_by_test_id("resource-search").click()
    page.get_by_label(re.compile("Dormitorio San Vincenzo")).check()
    page.locator("textarea[name=coping]").fill("Chiamare Fatou, camminare al parco.")
    screenshot(page, "phone-51-plan-scenario")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("scenario")).to_have_count(1)

    # --- Her residence permit ------------------------------------------------------------
    expires = timezone.localdate() + timedelta(days=120)
    page.goto(f"{live_server.url}/emergencies/plans/{plan.pk}/documents/")
    page.locator("select[name=documents-0-doc_type]").select_option("residence_permit")
    page.locator("input[name=documents-0-expires_on]").fill(expires.isoformat())
    page.locator("input[name=documents-0-original_kept_at]").fill("Cartellina blu, armadio")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("document")).to_have_count(1)
    assert Reminder.objects.filter(key__startswith="plan-document:").count() == 3

    # --- The plan, with the dormitory's live details --------------------------------------
    linked = page.get_by_test_id("linked-resource")
    expect(linked).to_contain_text("Dormitorio San Vincenzo")
    expect(linked).to_contain_text("+39 0823 456789")
    screenshot(page, "phone-52-plan")

    # --- The wallet card ------------------------------------------------------------------
    # She reads English better: the card comes in English, and in Italian for whoever
    # she shows it to.
    User.objects.filter(pk=member.pk).update(language="en")
    page.get_by_test_id("card-link").click()
    cards = page.get_by_test_id("wallet-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("In an emergency")
    expect(cards.last).to_contain_text("In caso di emergenza")
    for card in (cards.first, cards.last):
        expect(card).to_contain_text("Fatou Ndiaye")
        expect(card).to_contain_text("+393337654321")
    screenshot(page, "phone-53-wallet-card")
    assert not Notification.objects.filter(recipient=member).exclude(kind="members.welcome")


def test_a_member_activates_her_plan_and_the_operator_on_duty_opens_it(
    live_server, phone_page, desktop_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    PrivacyNoticeFactory(association=association)
    member = user_with_role(association, Role.MEMBER, first_name="Awa", last_name="Diallo")
    operator = user_with_role(association, Role.OPERATOR, first_name="Omar")
    plan = services.plan_create(member=member.member_profiles.get(), by=member, consent=True)
    scenario = services.plan_scenario_add(
        plan=plan, by=member, template=ScenarioTemplate.objects.get(kind="violence")
    )
    services.plan_rows_save(
        plan=plan,
        by=member,
        section="contacts",
        rows=[
            Row(
                id=None,
                fields={
                    "kind": "trusted",
                    "name": "Fatou Ndiaye",
                    "phone": "+393337654321",
                    "alert_on_activation": True,
                },
            )
        ],
    )

    # --- On her phone: from the home page, one tap and a confirmation ----------------------
    page = phone_page
    sign_in(page, live_server, member, "Awa")
    page.get_by_test_id("home-activate").click()
    expect(page.get_by_test_id("private-warning")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Fatou Ndiaye")
    page.get_by_label(scenario.title).check()
    screenshot(page, "phone-54-plan-activate")
    page.get_by_test_id("activate-confirm").click()
    expect(page.get_by_test_id("activation")).to_be_visible()
    case = plan.activations.get().case
    assert case.urgency == "critical"

    # --- The operator on duty, on the desktop: the alert, the case, the plan -------------
    desk = desktop_page
    sign_in(desk, live_server, operator, "Omar")
    desk.goto(f"{live_server.url}/members/notifications/")
    desk.get_by_text(f"Caso critico {case.number}").first.click()
    expect(desk.get_by_test_id("case-plan")).to_be_visible()
    screenshot(desk, "desktop-50-case-from-plan")
    desk.get_by_test_id("case-plan").get_by_role("link").click()
    expect(desk.get_by_test_id("via-case")).to_be_visible()
    expect(desk.get_by_test_id("scenario")).to_contain_text(scenario.title)
    screenshot(desk, "desktop-51-plan-via-case")
