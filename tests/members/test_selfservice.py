"""A person's own pages: profile, languages, consents; and what staff record for them."""

import pytest
from django.urls import reverse

from members import services
from members.models import Consent, ConsentPurpose, EmpowermentStage, Member, Role
from tests.factories import (
    MemberFactory,
    PrivacyNoticeFactory,
    user_with_role,
)


def _own(client) -> Member:
    return Member.objects.get(user=client.user)


@pytest.fixture
def notice(association):
    return PrivacyNoticeFactory(association=association, version="2026-11")


# --- profile -----------------------------------------------------------------------------


def test_my_profile_shows_my_entry_and_path(member_client):
    member = _own(member_client)
    services.empowerment_record(member=member, stage=EmpowermentStage.REGISTERED)
    response = member_client.get(reverse("members:me"))
    assert response.status_code == 200
    assert member.full_name in response.content.decode()
    path = response.context["path"]
    assert [step["stage"] for step in path] == list(EmpowermentStage)
    assert path[0]["reached_at"] is not None
    assert all(step["reached_at"] is None for step in path[1:])


def test_editing_my_details_saves_them_with_history(member_client, association):
    member = _own(member_client)
    response = member_client.post(
        reverse("members:me-edit"),
        {
            "first_name": "Awa",
            "last_name": "Diop",
            "phone": "333 123 4567",
            "municipality": "Caserta",
            "zone": "Centro",
            "household_size": "3",
            "preferred_language": "fr",
            "languages": ["fr", "wo"] if _has_language("wo") else ["fr"],
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.phone, member.zone) == ("Awa", "+393331234567", "Centro")
    assert member.preferred_language_id == "fr"
    assert "fr" in set(member.languages.values_list("pk", flat=True))
    assert member.history.first().history_user == member_client.user


def _has_language(code):
    from members.models import Language

    return Language.objects.filter(pk=code).exists()


def test_bad_phone_is_refused_and_what_was_typed_stays(member_client):
    member = _own(member_client)
    response = member_client.post(
        reverse("members:me-edit"),
        {"first_name": "Awa", "last_name": "Diop", "phone": "call me", "zone": "Nord"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'value="Nord"' in response.content.decode()
    member.refresh_from_db()
    assert member.zone != "Nord"


def test_a_person_cannot_edit_fields_of_the_association_record(member_client):
    member = _own(member_client)
    member_client.post(
        reverse("members:me-edit"),
        {"first_name": "Awa", "operator_notes": "I am fine", "year_of_birth": "1900"},
    )
    member.refresh_from_db()
    assert member.operator_notes == ""
    assert member.year_of_birth == 1990


def test_own_update_service_refuses_someone_else(association):
    member_user = user_with_role(association, Role.MEMBER)
    other_entry = MemberFactory(association=association)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.member_update_own(member=other_entry, by=member_user, zone="Nord")


def test_without_an_entry_my_pages_answer_404(make_client, association):
    client = make_client(association, Role.FACILITATOR)
    for name in ("members:me", "members:me-edit", "members:me-consents"):
        assert client.get(reverse(name)).status_code == 404


def test_an_anonymised_entry_is_nobodys_profile(member_client):
    Member.objects.filter(user=member_client.user).update(anonymised_at="2026-01-01T00:00Z")
    assert member_client.get(reverse("members:me")).status_code == 404


def test_my_pages_show_my_entry_in_the_active_association_only(
    member_client, association, other_association
):
    """Member A's pages carry no id: B's entry cannot be reached through them."""
    other = user_with_role(association, Role.MEMBER)
    response = member_client.get(reverse("members:me"))
    assert _own(member_client).full_name in response.content.decode()
    assert Member.objects.get(user=other).full_name not in response.content.decode()


# --- consents -----------------------------------------------------------------------------


def test_member_gives_and_withdraws_a_consent(member_client, notice):
    member = _own(member_client)
    url = reverse("members:me-consents")
    member_client.post(url, {"purpose": "evaluation", "action": "give"})
    consent = Consent.objects.get(member=member, purpose="evaluation")
    assert consent.method == Consent.Method.ONLINE
    assert consent.notice == notice
    assert consent.given_recorded_by == member_client.user
    assert services.consent_active(member=member, purpose="evaluation")

    member_client.post(url, {"purpose": "evaluation", "action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_recorded_by == member_client.user
    assert not services.consent_active(member=member, purpose="evaluation")
    assert consent.history.count() == 2


def test_giving_again_after_withdrawal_is_a_new_row(member_client, notice):
    member = _own(member_client)
    url = reverse("members:me-consents")
    for action in ("give", "withdraw", "give"):
        member_client.post(url, {"purpose": "photos", "action": action})
    rows = Consent.objects.filter(member=member, purpose="photos")
    assert rows.count() == 2
    assert rows.filter(withdrawn_at__isnull=True).count() == 1


def test_giving_twice_keeps_one_active_consent(member_client, notice):
    url = reverse("members:me-consents")
    member_client.post(url, {"purpose": "registry", "action": "give"})
    member_client.post(url, {"purpose": "registry", "action": "give"})
    assert Consent.objects.filter(member=_own(member_client), purpose="registry").count() == 1


def test_no_consent_without_a_published_privacy_notice(member_client):
    response = member_client.post(
        reverse("members:me-consents"), {"purpose": "registry", "action": "give"}, follow=True
    )
    assert not Consent.objects.exists()
    assert "informativa privacy" in response.content.decode()


def test_an_unknown_purpose_is_refused_clearly(member_client, notice):
    response = member_client.post(
        reverse("members:me-consents"), {"purpose": "selling", "action": "give"}
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()
    assert "Scegli una delle finalità" in response.content.decode()


def test_operator_records_a_paper_consent(operator_client, association, notice):
    member = MemberFactory(association=association)
    operator_client.post(
        reverse("members:member-consents", args=[member.pk]),
        {"purpose": "partner_sharing", "action": "give", "method": "paper"},
    )
    consent = Consent.objects.get(member=member)
    assert consent.method == Consent.Method.PAPER
    assert consent.given_recorded_by == operator_client.user
    page = operator_client.get(reverse("members:member-detail", args=[member.pk]))
    assert str(ConsentPurpose.PARTNER_SHARING.label) in page.content.decode()


def test_staff_cannot_record_an_online_consent_for_someone(association, notice):
    operator = user_with_role(association, Role.OPERATOR)
    member = MemberFactory(association=association)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.consent_give(member=member, purpose="registry", by=operator, method="online")


def test_consents_of_another_associations_member_are_out_of_reach(
    operator_client, other_association
):
    member = MemberFactory(association=other_association)
    url = reverse("members:member-consents", args=[member.pk])
    assert operator_client.get(url).status_code == 404
    assert operator_client.post(url, {"purpose": "registry", "action": "give"}).status_code == 404


def test_a_member_cannot_record_consents_for_another_member(association, notice):
    one = user_with_role(association, Role.MEMBER)
    other_entry = MemberFactory(association=association)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.consent_give(member=other_entry, purpose="registry", by=one)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(member=other_entry, purpose="registry", by=one)


def test_the_service_level_check_follows_the_consent(association, notice):
    """What a referral to a partner will call (issue 6): a withdrawn consent stops it."""
    operator = user_with_role(association, Role.OPERATOR)
    member = MemberFactory(association=association)
    with pytest.raises(services.ConsentRequired):
        services.consent_require(member=member, purpose=ConsentPurpose.PARTNER_SHARING)
    services.consent_give(member=member, purpose="partner_sharing", by=operator)
    services.consent_require(member=member, purpose=ConsentPurpose.PARTNER_SHARING)
    services.consent_withdraw(member=member, purpose="partner_sharing", by=operator)
    with pytest.raises(services.ConsentRequired) as refused:
        services.consent_require(member=member, purpose=ConsentPurpose.PARTNER_SHARING)
    assert member.full_name in str(refused.value.message)


# --- privacy notice ------------------------------------------------------------------------


def test_coordinator_publishes_a_new_version(coordinator_client, association, notice):
    response = coordinator_client.post(
        reverse("members:privacy-notice-list"), {"version": "2027-01", "text": "Nuovo testo"}
    )
    assert response.status_code == 302
    assert services.privacy_notice_current(association=association).version == "2027-01"


def test_a_version_label_is_used_once(coordinator_client, association, notice):
    response = coordinator_client.post(
        reverse("members:privacy-notice-list"), {"version": "2026-11", "text": "Altro"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Altro" in response.content.decode()


# --- registry filters ------------------------------------------------------------------------


def test_registry_filters_by_consent_state(operator_client, association, notice):
    given = MemberFactory(association=association, first_name="Given")
    MemberFactory(association=association, first_name="Missing")
    services.consent_give(member=given, purpose="evaluation", by=operator_client.user)
    url = reverse("members:member-list")
    names = lambda r: {m.first_name for m in r.context["page"]}  # noqa: E731
    assert names(operator_client.get(url, {"consent": "given:evaluation"})) == {"Given"}
    assert names(operator_client.get(url, {"consent": "missing:evaluation"})) == {"Missing"}


def test_registry_filters_volunteers(operator_client, association):
    from tests.factories import VolunteerProfileFactory

    VolunteerProfileFactory(member__association=association, member__first_name="Helper")
    MemberFactory(association=association, first_name="Helped")
    url = reverse("members:member-list")
    names = lambda r: {m.first_name for m in r.context["page"]}  # noqa: E731
    assert names(operator_client.get(url, {"volunteer": "yes"})) == {"Helper"}
    assert names(operator_client.get(url, {"volunteer": "no"})) == {"Helped"}


def test_no_consent_is_recorded_on_an_anonymised_entry(association, notice):
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    operator = user_with_role(association, Role.OPERATOR)
    member = MemberFactory(association=association, anonymised_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.consent_give(member=member, purpose="registry", by=operator)
    assert not Consent.objects.exists()
