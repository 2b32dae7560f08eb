"""Partners: coordinators keep their association's partnerships, operators read them,
and referral pickers list the partners whose agreement is in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from resources.forms import PartnershipForm
from resources.models import Partnership
from resources.selectors_partners import partner_organizations_for
from resources.services import partners
from tests.factories import OrganizationFactory
from tests.resources.test_manage import term


def partner_data(organization, **overrides) -> dict:
    data = {
        "organization": str(organization.pk),
        "agreement_start": "2025-01-01",
        "agreement_end": "2026-12-31",
        "contact_name": "Anna Esposito",
        "contact_email": "anna@example.org",
        "contact_phone": "+39 0823 111222",
        "accepts_referrals": "Donne sole con bambini, su appuntamento.",
        "categories": [str(term("housing").pk)],
    }
    data.update(overrides)
    return data


@pytest.fixture
def partnership(association):
    return Partnership.objects.create(
        association=association, organization=OrganizationFactory(name="Casa Rut")
    )


def test_coordinator_adds_a_partner(coordinator_client):
    organization = OrganizationFactory()
    response = coordinator_client.post(
        reverse("resources:partner-create"), partner_data(organization)
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.association == coordinator_client.association
    assert partnership.organization == organization
    assert partnership.contact_name == "Anna Esposito"
    assert list(partnership.categories.values_list("code", flat=True)) == ["housing"]
    assert partnership.history.count() == 1


def test_coordinator_edits_a_partner(coordinator_client, partnership):
    url = reverse("resources:partner-edit", args=[partnership.pk])
    response = coordinator_client.post(
        url, partner_data(partnership.organization, contact_name="Marco Russo")
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.contact_name == "Marco Russo"


def test_operators_read_the_list_only(operator_client, partnership):
    response = operator_client.get(reverse("resources:partner-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Casa Rut" in content
    assert reverse("resources:partner-create") not in content
    assert reverse("resources:partner-edit", args=[partnership.pk]) not in content
    assert operator_client.get(reverse("resources:partner-create")).status_code == 403
    url = reverse("resources:partner-edit", args=[partnership.pk])
    assert operator_client.post(url, partner_data(partnership.organization)).status_code == 403


def test_members_facilitators_and_outsiders_are_kept_out(
    member_client, facilitator_client, outsider_client, partnership
):
    for client in (member_client, facilitator_client):
        assert client.get(reverse("resources:partner-list")).status_code == 403
    # The other association's coordinator: its own (empty) list, and a 404 on ours.
    listing = outsider_client.get(reverse("resources:partner-list"))
    assert "Casa Rut" not in listing.content.decode()
    url = reverse("resources:partner-edit", args=[partnership.pk])
    assert outsider_client.get(url).status_code == 404


def test_the_same_organization_is_a_partner_once(coordinator_client, partnership):
    response = coordinator_client.post(
        reverse("resources:partner-create"), partner_data(partnership.organization)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert Partnership.objects.count() == 1


def test_bad_dates_are_refused_keeping_typed_values(coordinator_client):
    organization = OrganizationFactory()
    response = coordinator_client.post(
        reverse("resources:partner-create"),
        partner_data(organization, agreement_start="2026-01-01", agreement_end="2025-01-01"),
    )
    assert response.status_code == 200
    assert "agreement_end" in response.context["form"].errors
    content = response.content.decode()
    assert "Anna Esposito" in content
    assert "Donne sole con bambini" in content
    assert not Partnership.objects.exists()


def test_referral_pickers_list_partners_in_force(association, other_association):
    today = datetime.date(2025, 6, 1)
    current = OrganizationFactory(name="A – in force")
    open_ended = OrganizationFactory(name="B – open ended")
    expired = OrganizationFactory(name="C – expired")
    future = OrganizationFactory(name="D – not yet")
    someone_elses = OrganizationFactory(name="E – of another association")
    Partnership.objects.create(
        association=association,
        organization=current,
        agreement_start=datetime.date(2025, 1, 1),
        agreement_end=datetime.date(2025, 12, 31),
        accepts_referrals="Famiglie",
    )
    Partnership.objects.create(association=association, organization=open_ended)
    Partnership.objects.create(
        association=association, organization=expired, agreement_end=datetime.date(2025, 5, 31)
    )
    Partnership.objects.create(
        association=association, organization=future, agreement_start=datetime.date(2025, 7, 1)
    )
    Partnership.objects.create(association=other_association, organization=someone_elses)
    partners = list(partner_organizations_for(association=association, on=today))
    assert partners == [current, open_ended]
    assert partners[0].current_partnerships[0].accepts_referrals == "Famiglie"


@pytest.mark.parametrize("n", [1, 20])
def test_partner_list_query_count_is_constant(coordinator_client, django_assert_num_queries, n):
    for organization in OrganizationFactory.create_batch(n):
        partnership = Partnership.objects.create(
            association=coordinator_client.association, organization=organization
        )
        partnership.categories.set([term("housing"), term("food")])
    # session, user, memberships, MFA authenticator, count, page of partnerships with
    # their organization, their categories
    with django_assert_num_queries(7):
        response = coordinator_client.get(reverse("resources:partner-list"))
    assert response.status_code == 200


def test_a_second_submit_saved_first_is_a_form_error_not_a_crash(coordinator_client, monkeypatch):
    organization = OrganizationFactory()
    clean_organization = PartnershipForm.clean_organization

    def then_the_other_submit_saves(form):
        cleaned = clean_organization(form)  # checked: not a partner yet
        Partnership.objects.create(association=form.association, organization=organization)
        return cleaned

    monkeypatch.setattr(PartnershipForm, "clean_organization", then_the_other_submit_saves)

    response = coordinator_client.post(
        reverse("resources:partner-create"), partner_data(organization)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organization"] == [str(partners.ALREADY_A_PARTNER)]
    assert Partnership.objects.count() == 1


def test_a_partner_saved_between_the_checks_and_the_insert_is_refused(
    coordinator_client, monkeypatch
):
    organization = OrganizationFactory()
    full_clean = Partnership.full_clean

    def then_the_other_submit_saves(partnership, *args, **kwargs):
        full_clean(partnership, *args, **kwargs)
        Partnership.objects.create(association=partnership.association, organization=organization)

    monkeypatch.setattr(Partnership, "full_clean", then_the_other_submit_saves)

    with pytest.raises(ValidationError) as refused:
        partners.partnership_create(
            association=coordinator_client.association,
            by=coordinator_client.user,
            organization=organization,
        )

    assert refused.value.message_dict == {"organization": [str(partners.ALREADY_A_PARTNER)]}
