"""The solidarity network, end to end. On her desktop, an operator asks the network to
accompany a woman of a case to the Questura and reads the ranking of volunteers with its
reasons; on his phone, the best-matching volunteer opens the offer from the
notification, reads only the public summary, accepts in one tap, sees the person's
details, goes, and marks the task done with the time it took."""

import re

import pytest
from playwright.sync_api import expect

from emergencies.models import HelpRequest, Offer
from members.models import Language, Notification, Role, Skill
from members.services.volunteers import skills_seed_defaults
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, MemberFactory, user_with_role

from ..emergencies.factories import CaseFactory
from ..emergencies.factories_network import volunteer_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADDRESS = "via Mazzini 8, citofono 3. Appuntamento alle 9:30, sportello 2."


def _volunteer(association, first_name, *, french: bool):
    user = volunteer_user(association, first_name=first_name, last_name="Haddad")
    profile = user.volunteer
    profile.skills.add(
        Skill.objects.get(association=association, name_it="Accompagnamento ai servizi")
    )
    if french:
        profile.skills.add(
            Skill.objects.get(association=association, name_it="Interpretariato francese")
        )
        profile.member.languages.add(Language.objects.get(code="fr"))
    return user


def test_an_operator_asks_the_network_and_a_volunteer_accepts_and_marks_it_done(
    live_server, desktop_page, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    skills_seed_defaults(association=association)
    operator = user_with_role(association, Role.OPERATOR, first_name="Giulia")
    person = MemberFactory(
        association=association,
        first_name="Awa",
        last_name="Ouedraogo",
        phone="+39 320 555 1234",
        zone="San Lorenzo",
    )
    person.languages.add(Language.objects.get(code="fr"))
    case = CaseFactory(association=association, member=person)
    volunteer = _volunteer(association, "Samir", french=True)
    other = _volunteer(association, "Luca", french=False)

    # --- the operator, from the case -----------------------------------------------------
    page = desktop_page
    sign_in(page, live_server, operator, "Giulia")
    page.goto(f"{live_server.url}/emergencies/cases/{case.pk}/")
    page.get_by_test_id("ask-network").click()
    expect(page.get_by_test_id("request-person")).to_contain_text("Per Awa Ouedraogo")
    page.locator("input[name=kind][value=accompany]").check()
    page.locator("select[name=place]").select_option("questura")
    page.locator("textarea[name=public_summary]").fill(
        "Accompagnare in Questura e tradurre dal francese, domattina."
    )
    details = page.locator("textarea[name=private_details]")
    expect(details).to_have_value("Awa Ouedraogo, +39 320 555 1234")  # from the registry
    details.fill(f"Awa Ouedraogo, {ADDRESS}")
    screenshot(page, "desktop-31-help-request-form")
    page.get_by_test_id("save-request").click()

    help_request = HelpRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/emergencies/network/requests/{help_request.pk}/$"))
    ranked = page.get_by_test_id("ranked-volunteer")
    expect(ranked).to_have_count(2)
    expect(ranked.first).to_contain_text("Samir Haddad")
    expect(ranked.first).to_contain_text("Competenze coperte: 2 su 2")
    expect(ranked.first).to_contain_text("Lingue parlate: 1 su 1")
    expect(ranked.nth(1)).to_contain_text("Competenze coperte: 1 su 2")
    screenshot(page, "desktop-30-help-request-ranking")
    page.get_by_test_id("send-offers").click()
    expect(page.get_by_text("Offerta a 2 volontari")).to_be_visible()
    assert Offer.objects.filter(request=help_request).count() == 2
    assert help_request.case == case

    # --- the volunteer: the notification, on the phone --------------------------------------
    page = phone_page
    sign_in(page, live_server, volunteer, "Samir")
    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifiche, 1 non letta")
    bell.click()
    notification = page.get_by_test_id("notification").first
    expect(notification).to_contain_text("Puoi aiutare?")
    expect(notification).not_to_contain_text("Mazzini")
    notification.locator("a.notification-title").click()

    # --- the offer: the task, never the person ---------------------------------------------
    expect(page).to_have_url(re.compile(r"/emergencies/network/offers/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Puoi aiutare?")
    expect(page.get_by_test_id("public-summary")).to_contain_text("Accompagnare in Questura")
    main = page.locator("main")
    for secret in ("Ouedraogo", "Mazzini", "320 555 1234"):
        expect(main).not_to_contain_text(secret)
    accept = page.get_by_test_id("accept-offer")
    expect(accept).to_be_visible()
    box = accept.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a thumb's tap
    screenshot(page, "phone-30-offer")

    # --- one tap: the task is theirs, with the details ----------------------------------------
    accept.click()
    expect(page).to_have_url(re.compile(rf"/emergencies/network/requests/{help_request.pk}/$"))
    task_details = page.get_by_test_id("task-details")
    expect(task_details).to_contain_text(ADDRESS)
    expect(task_details.get_by_role("link", name="+39 320 555 1234")).to_have_attribute(
        "href", "tel:+39 320 555 1234"
    )
    expect(page.get_by_text("È tuo, grazie!")).to_be_visible()
    screenshot(page, "phone-31-task-details")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ASSIGNED
    assert help_request.volunteer == volunteer.volunteer
    # The other volunteer is told it is taken.
    assert Notification.objects.filter(
        recipient=other, kind="emergencies.help_offer_taken"
    ).exists()

    # --- back home: done, with the time spent ------------------------------------------------
    page.locator("input[name=minutes_spent]").fill("150")
    page.get_by_test_id("mark-done").click()
    expect(page.get_by_test_id("task-done")).to_contain_text("Hai registrato 150 minuti.")
    expect(page.get_by_test_id("debrief-link")).to_be_visible()
    screenshot(page, "phone-32-done")

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.DONE
    assert help_request.minutes_spent == 150
    # The operator who opened it is asked to confirm.
    assert Notification.objects.filter(recipient=operator, kind="emergencies.help_done").exists()
