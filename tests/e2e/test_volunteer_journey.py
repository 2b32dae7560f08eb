"""An operator registers a person and is warned of a possible duplicate; the person,
invited, signs up on a phone and joins the solidarity network with two skills and a
weekly slot."""

import re

import pytest
from playwright.sync_api import expect

from members.models import Member, PrivacyNotice, Role, VolunteerProfile
from members.services.volunteers import skills_seed_defaults
from tests.e2e.signin import sign_in
from tests.factories import AssociationFactory, MemberFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registration_with_duplicate_warning_then_sign_up_and_volunteering(
    live_server, browser, desktop_page, phone_page, screenshot
):
    association = AssociationFactory(name="Migr-Azioni ETS")
    skills_seed_defaults(association=association)
    PrivacyNotice.objects.create(association=association, version="2026-01", text="Informativa")
    existing = MemberFactory(
        association=association, first_name="Mohammed", last_name="Aly", year_of_birth=1990
    )
    operator = user_with_role(association, Role.OPERATOR, first_name="Omar")

    # --- the operator registers "Mohamed Ali", born 1990 ------------------------------
    page = desktop_page
    sign_in(page, live_server, operator, "Omar")
    page.goto(f"{live_server.url}/members/new/")
    page.locator("input[name=first_name]").fill("Mohamed")
    page.locator("input[name=last_name]").fill("Ali")
    page.locator("input[name=year_of_birth]").fill("1990")
    page.locator("input[name=phone]").fill("+39 333 444 5566")
    page.locator("form.member-form [type=submit]").click()

    warning = page.get_by_test_id("duplicates")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="Mohammed Aly")).to_have_attribute(
        "href", f"/members/{existing.pk}/"
    )
    # What was typed is still there.
    expect(page.locator("input[name=first_name]")).to_have_value("Mohamed")
    screenshot(page, "desktop-10-registry-duplicate-warning")
    assert Member.objects.filter(association=association).count() == 1

    # The operator checked: a different man (another phone). They say so and save.
    page.locator("input[name=different_person]").check()
    page.locator("form.member-form [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mohamed Ali")
    screenshot(page, "desktop-11-registry-new-entry")
    new_entry = Member.objects.get(association=association, first_name="Mohamed")

    # --- and invites him, linking the account to his entry ------------------------------
    page.goto(f"{live_server.url}/members/invitations/new/")
    page.locator("input[name=email]").fill("mohamed.ali@example.org")
    page.locator("select[name=role]").select_option("member")
    page.locator("select[name=member]").select_option(str(new_entry.pk))
    page.locator("input[name=submit]").click()
    link = page.locator("input[id^=link-]").first.input_value()
    assert "/members/invite/" in link

    # --- on his phone, he opens the link and signs up -----------------------------------
    phone = phone_page
    phone.goto(link.replace("http://testserver", live_server.url))
    expect(phone).to_have_url(re.compile(r"/accounts/signup/"))
    phone.locator("input[name=first_name]").fill("Mohamed")
    phone.locator("input[name=last_name]").fill("Ali")
    phone.locator("input[name=password1]").fill("un-Segreto-lungo-2026")
    phone.locator("input[name=password2]").fill("un-Segreto-lungo-2026")
    screenshot(phone, "phone-10-sign-up")
    phone.locator("form[action$='/accounts/signup/'] [type=submit]").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ciao, Mohamed")
    new_entry.refresh_from_db()
    assert new_entry.user is not None and new_entry.user.email == "mohamed.ali@example.org"

    # --- his profile, then the solidarity network ---------------------------------------
    phone.goto(f"{live_server.url}/members/me/")
    expect(phone.get_by_test_id("empowerment-path")).to_be_visible()
    screenshot(phone, "phone-11-my-profile")
    phone.locator("main a[href='/members/me/volunteer/']").click()
    phone.get_by_test_id("join").click()
    skills = phone.locator("input[name=skills]")
    skills.nth(0).check()
    skills.nth(1).check()
    phone.locator("input[name=zones]").fill("Centro")
    row = phone.get_by_test_id("slot-row").last
    row.locator("select[name$=weekday]").select_option("1")
    row.locator("input[name$=starts_at]").fill("09:00")
    row.locator("input[name$=ends_at]").fill("12:00")
    screenshot(phone, "phone-12-join-network-form")
    phone.get_by_test_id("save-volunteering").click()
    expect(phone.get_by_test_id("volunteer-status")).to_be_visible()
    screenshot(phone, "phone-13-volunteer-joined")

    volunteer = VolunteerProfile.objects.get(member=new_entry)
    assert volunteer.is_active
    assert volunteer.skills.count() == 2
    assert [(s.weekday, s.starts_at.hour, s.ends_at.hour) for s in volunteer.slots.all()] == [
        (1, 9, 12)
    ]
    assert volunteer.zone_list == ["Centro"]

    # The operator sees him as a volunteer on his registry page.
    page.goto(f"{live_server.url}/members/{new_entry.pk}/")
    expect(page.get_by_test_id("member-volunteer")).to_be_visible()
    screenshot(page, "desktop-12-registry-entry-volunteer")
