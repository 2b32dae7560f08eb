"""The right of access: everything Nucleo holds on a person, as a file and as a page,
for the person themself or produced by staff; and the registries other apps fill."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from members import privacy, services
from members.models import Language, Member, Role
from members.services import privacy as privacy_services
from members.services.privacy import member_export
from tests.factories import (
    AvailabilitySlotFactory,
    ConsentFactory,
    InvitationFactory,
    MemberFactory,
    SignInAttemptFactory,
    SkillFactory,
    VolunteerProfileFactory,
    user_with_role,
)


@pytest.fixture
def rich_member(association):
    """A member with an account, history, consents, a volunteer profile and more."""
    user = user_with_role(association, Role.MEMBER, first_name="Amina", last_name="Diallo")
    member = Member.objects.get(user=user)
    operator = user_with_role(association, Role.OPERATOR)
    services.member_update(
        member=member,
        by=operator,
        municipality="Marcianise",
        languages=[Language.objects.get(pk="fr")],
    )
    ConsentFactory(member=member)
    services.empowerment_record(member=member, stage="registered")
    profile = VolunteerProfileFactory(member=member, zones="Centro")
    profile.skills.add(SkillFactory(association=association, name_it="Ascolto"))
    AvailabilitySlotFactory(volunteer=profile)
    services.notify(
        recipient=user,
        kind="tests.ordinary",
        key="export-test",
        context={"subject": "a workshop", "details": "tomorrow"},
        association=association,
    )
    InvitationFactory(association=association, email=user.email, member=member)
    SignInAttemptFactory(email=user.email, user=user, user_agent="Firefox")
    return member


def test_export_contains_every_section_with_history(rich_member):
    export = member_export(member=rich_member)
    sections = export["sections"]
    json.dumps(export)  # JSON-serialisable as it is, dates already ISO strings
    assert export["member_id"] == rich_member.pk
    assert sections["account"]["email"] == rich_member.user.email
    assert sections["memberships"][0]["roles"] == ["member"]
    assert sections["memberships"][0]["history"]
    registry = sections["registry"]
    assert registry["first_name"] == "Amina"
    assert registry["municipality"] == "Marcianise"
    assert registry["languages"] == ["fr"]
    # created by the factory, then changed by the operator (fields, then languages)
    assert len(registry["history"]) >= 2
    assert registry["history"][0]["history_type"] == "+"
    assert registry["history"][-1]["changed_by"] == "staff"
    assert ["fr"] in [row["languages"] for row in registry["history"]]
    consent = sections["consents"][0]
    assert consent["purpose"] == "registry"
    assert consent["notice_version"]
    assert consent["history"]
    assert sections["empowerment"][0]["stage"] == "registered"
    volunteer = sections["volunteer"]
    assert volunteer["zones"] == "Centro"
    assert volunteer["skills"][0]["name_it"] == "Ascolto"
    assert len(volunteer["slots"]) == 1
    assert volunteer["history"]
    # rendered in the person's language (Italian by default) when it was created
    assert [n["title"] for n in sections["notifications"]] == ["Promemoria: a workshop"]
    assert sections["invitations"][0]["email"] == rich_member.user.email
    assert sections["sign_ins"][0]["user_agent"] == "Firefox"
    assert sections["erasure_requests"] == []
    assert sections["volunteer_register"] == []


def test_export_dates_are_iso_strings(rich_member):
    export = member_export(member=rich_member)
    created = export["sections"]["registry"]["created_at"]
    assert isinstance(created, str)
    assert timezone.datetime.fromisoformat(created) == rich_member.created_at


def test_a_section_registered_by_another_app_is_in_the_file_and_on_the_page(member_client):
    section = privacy.ExportSection(
        code="tests.plans",
        title="Emergency plans (test)",
        collect=lambda member: [{"title": f"Plan of entry {member.pk}", "version": 3}],
        order=500,
    )
    privacy.register_export_section(section)
    try:
        member = Member.objects.get(user=member_client.user)
        export = member_export(member=member)
        assert export["sections"]["tests.plans"] == [
            {"title": f"Plan of entry {member.pk}", "version": 3}
        ]
        assert list(export["sections"])[-1] == "tests.plans"  # after members' own
        page = member_client.get(reverse("members:me-data"))
        assert "Emergency plans (test)" in page.content.decode()
        assert f"Plan of entry {member.pk}" in page.content.decode()
    finally:
        privacy.EXPORT_SECTIONS.unregister("tests.plans")
    assert "tests.plans" not in member_export(member=member)["sections"]


def test_members_own_sections_are_registered():
    codes = [section.code for section in privacy.EXPORT_SECTIONS]
    for code in ("account", "registry", "consents", "volunteer", "sign_ins", "erasure_requests"):
        assert code in codes
    assert "members.volunteer_register" in privacy.LEGAL_HOLDS
    assert "members.volunteer" in privacy.ANONYMISERS


# --- Pages ---------------------------------------------------------------------------


def test_my_data_page_shows_my_entry(member_client):
    response = member_client.get(reverse("members:me-data"))
    assert response.status_code == 200
    body = response.content.decode()
    assert member_client.user.email in body
    assert 'data-section="registry"' in body
    assert reverse("members:me-data-json") in body
    assert reverse("members:me-forget") in body


def test_my_data_file_is_an_attachment_that_is_not_stored(member_client):
    response = member_client.get(reverse("members:me-data-json"))
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="nucleo-my-data-{today}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    member = Member.objects.get(user=member_client.user)
    assert data["member_id"] == member.pk
    assert data["sections"]["account"]["email"] == member_client.user.email


def test_my_pages_show_only_my_own_data(member_client, association):
    other = user_with_role(association, Role.MEMBER, first_name="Zebedeo", last_name="Other")
    other_member = Member.objects.get(user=other)
    for name in ("members:me-data", "members:me-data-json"):
        # Nothing in the URL names a person: a guessed id cannot be passed.
        response = member_client.get(reverse(name), {"pk": other_member.pk})
        assert "Zebedeo" not in response.content.decode()
        assert member_client.user.email in response.content.decode()


def test_my_data_is_404_without_an_entry_in_the_active_association(operator_client):
    assert operator_client.get(reverse("members:me-data")).status_code == 404
    assert operator_client.get(reverse("members:me-data-json")).status_code == 404


def test_staff_export_a_members_data(operator_client, rich_member):
    url = reverse("members:member-export", args=[rich_member.pk])
    page = operator_client.get(url)
    assert page.status_code == 200
    assert "Marcianise" in page.content.decode()
    assert 'id="forget"' in page.content.decode()
    download = operator_client.get(url, {"format": "json"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(
        f'attachment; filename="nucleo-member-{rich_member.pk}-data-'
    )
    assert json.loads(download.content)["member_id"] == rich_member.pk


def test_coordinator_may_export_too(coordinator_client, rich_member):
    url = reverse("members:member-export", args=[rich_member.pk])
    assert coordinator_client.get(url).status_code == 200


def test_staff_of_another_association_get_404(outsider_client, rich_member):
    url = reverse("members:member-export", args=[rich_member.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url, {"format": "json"}).status_code == 404


def test_members_and_facilitators_cannot_export_others(member_client, facilitator_client):
    other = MemberFactory(association=member_client.association)
    url = reverse("members:member-export", args=[other.pk])
    assert member_client.get(url).status_code == 403
    assert facilitator_client.get(url).status_code == 403


def test_member_privacy_partial_links_to_export_and_shows_open_request(rich_member):
    from django.template.loader import render_to_string

    privacy_services.erasure_request_create(member=rich_member, by=rich_member.user)
    html = render_to_string(
        "members/_member_privacy.html", {"member": rich_member, "user": rich_member.user}
    )
    assert reverse("members:member-export", args=[rich_member.pk]) in html
    assert 'data-testid="open-request"' in html
