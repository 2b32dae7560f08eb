"""Referrals: to a service of the resource map (its details sent to the person or
printed for them), or to a partner association, which sees a summary it accepts or
declines, never the case file; the answer and the outcome come back to the case."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from emergencies import services
from emergencies.models import Case, CaseAccess, CaseEvent, Referral
from members.models import ConsentPurpose, Member, Notification, Role
from members.services import ConsentRequired
from resources.models import RequiredDocument
from tests.factories import (
    AssociationFactory,
    ConsentFactory,
    MemberFactory,
    ServiceFactory,
    UserFactory,
    service_with_location,
    user_with_role,
)

from .factories import CaseFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _it(text: str) -> str:
    """A message as the pages say it: the signed-in people of these tests read Italian."""
    with translation.override("it"):
        return gettext(text)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _url(name: str, pk) -> str:
    return reverse(f"emergencies:{name}", kwargs={"pk": pk})


@pytest.fixture
def partner(db):
    return AssociationFactory(name="Casa Rut OdV", slug="casa-rut-test")


@pytest.fixture
def partner_client(make_client, partner):
    return make_client(partner, Role.OPERATOR)


@pytest.fixture
def case(association, operator_client):
    return CaseFactory(
        association=association,
        member=MemberFactory(association=association, first_name="Amina", last_name="Diallo"),
        status=Case.Status.IN_PROGRESS,
        assigned_to=operator_client.user,
        description="Sfratto esecutivo il 12: la proprietaria non accetta proroghe.",
    )


def _consent_to_sharing(member: Member) -> None:
    ConsentFactory(member=member, purpose=ConsentPurpose.PARTNER_SHARING)


def _sent(case, partner, by, summary="Madre con due figli, serve un posto letto da lunedì."):
    _consent_to_sharing(case.member)
    return services.referral_to_partner(case=case, partner=partner, summary=summary, by=by)


# --- Referring to a service of the map ------------------------------------------------


def test_refer_page_finds_active_services_of_the_map(operator_client, case):
    shelter = ServiceFactory(name="Dormitorio San Vincenzo")
    closed = ServiceFactory(name="Dormitorio Santa Chiara", status="defunct")
    response = operator_client.get(_url("case-refer", case.pk), {"q": "dormitorio"})
    assert response.status_code == 200
    found = response.context["found"]
    assert shelter in found
    assert closed not in found


def test_referral_to_a_service_sends_the_details_to_the_person_when_asked(
    operator_client, association, case
):
    person = user_with_role(association, Role.MEMBER)
    case.member = Member.objects.get(user=person)
    case.save(update_fields=["member"])
    service = ServiceFactory(name="Mensa Caritas")
    response = operator_client.post(
        _url("case-refer", case.pk),
        {"kind": "service", "service": service.pk, "send_to_member": "on"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert (referral.kind, referral.service, referral.status) == ("service", service, "given")
    sent = Notification.objects.get(recipient=person, kind="emergencies.service_referral")
    assert sent.url == reverse("resources:service-detail", kwargs={"pk": service.pk})
    assert case.events.filter(kind=CaseEvent.Kind.REFERRAL, text="Mensa Caritas").exists()


def test_send_to_the_person_is_offered_only_to_people_with_an_account(operator_client, case):
    assert case.member.user_id is None
    response = operator_client.get(_url("case-refer", case.pk))
    assert "send_to_member" not in response.context["service_form"].fields
    service = ServiceFactory()
    operator_client.post(
        _url("case-refer", case.pk),
        {"kind": "service", "service": service.pk, "send_to_member": "on"},
    )
    assert Referral.objects.filter(case=case, service=service).exists()
    assert not Notification.objects.filter(kind="emergencies.service_referral").exists()


def test_referral_to_a_service_needs_a_service_chosen(operator_client, case):
    response = operator_client.post(_url("case-refer", case.pk), {"kind": "service", "q": "x"})
    assert response.status_code == 422
    assert response.context["service_form"].errors["service"]
    assert not Referral.objects.exists()


def test_a_closed_case_cannot_be_referred(operator_client, case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, outcome=Case.Outcome.RESOLVED, closed_at=case.opened_at
    )
    response = operator_client.post(
        _url("case-refer", case.pk), {"kind": "service", "service": ServiceFactory().pk}
    )
    assert response.status_code == 422
    assert response.context["service_form"].non_field_errors() == [
        _it("The case is closed: reopen it first.")
    ]
    assert not Referral.objects.exists()


def test_refer_page_is_for_the_case_associations_staff(
    operator_client, coordinator_client, outsider_client, facilitator_client, case
):
    assert operator_client.get(_url("case-refer", case.pk)).status_code == 200
    assert coordinator_client.get(_url("case-refer", case.pk)).status_code == 200
    assert outsider_client.get(_url("case-refer", case.pk)).status_code == 404
    assert facilitator_client.get(_url("case-refer", case.pk)).status_code == 403


# --- The printed details -------------------------------------------------------------


def test_print_page_gives_the_services_details_and_is_logged(operator_client, case):
    service = service_with_location(
        name="Sportello legale immigrati",
        application_process="Presentarsi il martedì con il numero di pratica.",
    )
    RequiredDocument.objects.create(service=service, document="Passaporto o permesso")
    referral = ReferralFactory(case=case, to_service=True, service=service)
    response = operator_client.get(_url("referral-print", referral.pk))
    assert response.status_code == 200
    page = response.content.decode()
    place = service.service_at_locations.get().location
    for expected in (
        service.name,
        service.organization.name,
        place.address_1,
        service.phones.get().number,
        "Presentarsi il martedì con il numero di pratica.",
        "Passaporto o permesso",
        "09:00–13:00",
    ):
        assert expected in page
    assert "Amina" not in page  # the sheet names no one
    assert (
        CaseAccess.objects.filter(
            case=case, user=operator_client.user, action=CaseAccess.Action.PRINT
        ).count()
        == 1
    )
    assert "sha256-" in response["Content-Security-Policy"]


def test_print_page_is_for_the_case_associations_staff_only(
    operator_client, coordinator_client, outsider_client, facilitator_client, case
):
    referral = ReferralFactory(case=case, to_service=True)
    assert operator_client.get(_url("referral-print", referral.pk)).status_code == 200
    assert coordinator_client.get(_url("referral-print", referral.pk)).status_code == 200
    assert outsider_client.get(_url("referral-print", referral.pk)).status_code == 404
    assert facilitator_client.get(_url("referral-print", referral.pk)).status_code == 403
    assert CaseAccess.objects.filter(case=case).count() == 2


# --- Referring to a partner association -----------------------------------------------


def test_partner_referral_without_the_sharing_consent_is_refused_and_nothing_is_saved(
    operator_client, case, partner
):
    events = case.events.count()
    summary = "Madre con due figli, serve un posto letto da lunedì."
    response = operator_client.post(
        _url("case-refer", case.pk),
        {"kind": "partner", "partner-partner": partner.pk, "partner-summary": summary},
    )
    assert response.status_code == 422
    with translation.override("it"):
        expected = ConsentRequired(case.member, ConsentPurpose.PARTNER_SHARING).message
    assert response.context["partner_form"].non_field_errors() == [expected]
    assert response.context["consent_missing"]
    assert summary in response.content.decode()  # what was typed is still there
    assert not Referral.objects.exists()
    assert case.events.count() == events
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not Notification.objects.filter(kind="emergencies.referral_received").exists()


def test_partner_referral_with_consent_waits_for_the_partner_who_is_told(
    operator_client, case, partner, partner_client
):
    _consent_to_sharing(case.member)
    response = operator_client.post(
        _url("case-refer", case.pk),
        {"kind": "partner", "partner-partner": partner.pk, "partner-summary": "Serve un letto."},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert (referral.partner, referral.status, referral.summary) == (
        partner,
        Referral.Status.PENDING,
        "Serve un letto.",
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    told = Notification.objects.get(
        recipient=partner_client.user, kind="emergencies.referral_received"
    )
    assert told.url == _url("referral-detail", referral.pk)
    assert "Amina" not in told.title + told.body


def test_partner_referral_to_ones_own_association_is_a_form_error(
    operator_client, case, association
):
    _consent_to_sharing(case.member)
    response = operator_client.post(
        _url("case-refer", case.pk),
        {"kind": "partner", "partner-partner": association.pk, "partner-summary": "x"},
    )
    assert response.status_code == 422
    assert response.context["partner_form"].errors["partner"]
    assert not Referral.objects.exists()


def test_partner_operator_sees_the_summary_and_cannot_open_the_case(
    operator_client, partner_client, make_client, case, partner
):
    referral = _sent(case, partner, operator_client.user)
    response = partner_client.get(_url("referral-detail", referral.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Madre con due figli, serve un posto letto da lunedì." in page
    assert str(case.category) in page
    assert "Amina" not in page
    assert "Diallo" not in page
    assert case.description not in page
    assert partner_client.get(_url("case-detail", case.pk)).status_code == 404
    assert not CaseAccess.objects.filter(user=partner_client.user).exists()
    # The referring operator lands on their case; a third association sees nothing.
    referrer = operator_client.get(_url("referral-detail", referral.pk))
    assert referrer.status_code == 302
    assert referrer["Location"] == _url("case-detail", case.pk)
    third = make_client(AssociationFactory(), Role.OPERATOR, Role.COORDINATOR)
    assert third.get(_url("referral-detail", referral.pk)).status_code == 404


def test_partner_pages_are_for_the_partners_staff(make_client, operator_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    coordinator = make_client(partner, Role.COORDINATOR)
    facilitator = make_client(partner, Role.FACILITATOR)
    assert coordinator.get(_url("referral-detail", referral.pk)).status_code == 200
    assert facilitator.get(_url("referral-detail", referral.pk)).status_code == 403
    assert facilitator.get(reverse("emergencies:referral-inbox")).status_code == 403


def test_accepting_adds_a_timeline_entry_to_the_referring_case_and_tells_the_referrer(
    operator_client, partner_client, case, partner
):
    referral = _sent(case, partner, operator_client.user)
    response = partner_client.post(
        _url("referral-answer", referral.pk),
        {"decision": "accept", "note": "La prende in carico Giulia, tel. 0823 111222."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.answered_by == partner_client.user
    entry = case.events.filter(kind=CaseEvent.Kind.REFERRAL).first()
    assert "Casa Rut OdV" in entry.text
    assert "La prende in carico Giulia" in entry.text
    told = Notification.objects.get(
        recipient=operator_client.user, kind="emergencies.referral_answered"
    )
    assert told.url == _url("case-detail", case.pk)
    # The referring case's own page shows the answer.
    page = operator_client.get(_url("case-detail", case.pk)).content.decode()
    assert "La prende in carico Giulia" in page


def test_declining_is_told_too(operator_client, partner_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    partner_client.post(_url("referral-answer", referral.pk), {"decision": "decline"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert Notification.objects.filter(
        recipient=operator_client.user, kind="emergencies.referral_answered"
    ).exists()


def test_an_answer_needs_a_decision(operator_client, partner_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    response = partner_client.post(_url("referral-answer", referral.pk), {"note": "?"})
    assert response.status_code == 422
    assert response.context["answer_form"].errors["decision"]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


def test_only_the_partner_answers(
    operator_client, coordinator_client, outsider_client, case, partner
):
    referral = _sent(case, partner, operator_client.user)
    for client in (operator_client, coordinator_client, outsider_client):
        response = client.post(_url("referral-answer", referral.pk), {"decision": "accept"})
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


def test_the_partner_reports_the_outcome_back_to_the_case(
    operator_client, partner_client, case, partner
):
    referral = _sent(case, partner, operator_client.user)
    services.referral_answer(referral=referral, accept=True, by=partner_client.user)
    # Once accepted, the partner's page offers the outcome form.
    page = partner_client.get(_url("referral-detail", referral.pk)).content.decode()
    assert _url("referral-complete", referral.pk) in page
    empty = partner_client.post(_url("referral-complete", referral.pk), {"outcome": "  "})
    assert empty.status_code == 422
    response = partner_client.post(
        _url("referral-complete", referral.pk), {"outcome": "Accolta per tre settimane."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (
        Referral.Status.COMPLETED,
        "Accolta per tre settimane.",
    )
    assert case.events.filter(text__contains="Accolta per tre settimane.").exists()


def test_an_outcome_needs_an_accepted_referral(operator_client, partner_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    response = partner_client.post(
        _url("referral-complete", referral.pk), {"outcome": "Fatto."}, follow=False
    )
    assert response.status_code == 302
    assert _messages(response) == [
        _it("Only an accepted referral, not yet completed, takes an outcome.")
    ]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


# --- Revoking ------------------------------------------------------------------------


def test_revoking_a_pending_referral_works(operator_client, partner_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    response = operator_client.post(_url("referral-revoke", referral.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("case-detail", case.pk)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REVOKED
    # The partner can no longer answer it, and their inbox no longer lists it.
    partner_client.post(_url("referral-answer", referral.pk), {"decision": "accept"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REVOKED
    inbox = partner_client.get(reverse("emergencies:referral-inbox"))
    assert list(inbox.context["page"].object_list) == []


def test_revoking_an_answered_referral_is_refused(operator_client, partner_client, case, partner):
    referral = _sent(case, partner, operator_client.user)
    services.referral_answer(referral=referral, accept=True, by=partner_client.user)
    response = operator_client.post(_url("referral-revoke", referral.pk))
    assert response.status_code == 302
    with translation.override("it"):
        expected = gettext(
            "%(partner)s has already answered: only a referral still waiting can be revoked."
        ) % {"partner": partner}
    assert _messages(response) == [expected]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_revoking_is_for_the_referring_associations_staff(
    operator_client, facilitator_client, outsider_client, partner_client, case, partner
):
    referral = _sent(case, partner, operator_client.user)
    assert facilitator_client.post(_url("referral-revoke", referral.pk)).status_code == 403
    assert outsider_client.post(_url("referral-revoke", referral.pk)).status_code == 404
    assert partner_client.post(_url("referral-revoke", referral.pk)).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


# --- The partner's inbox ---------------------------------------------------------------


def test_inbox_lists_pending_first_without_names_or_case_file(
    partner_client, operator_client, association, case, partner
):
    older = _sent(case, partner, operator_client.user)
    services.referral_answer(referral=older, accept=False, by=partner_client.user)
    other_case = CaseFactory(association=association, status=Case.Status.IN_PROGRESS)
    pending = _sent(other_case, partner, operator_client.user, summary="Serve un avvocato.")
    response = partner_client.get(reverse("emergencies:referral-inbox"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [pending, older]
    page = response.content.decode()
    assert "Serve un avvocato." in page
    assert association.name in page
    assert "Amina" not in page
    assert case.description not in page
    assert _url("case-detail", case.pk) not in page


def test_inbox_shows_only_what_the_association_received(
    operator_client, partner_client, case, partner
):
    _sent(case, partner, operator_client.user)
    assert list(operator_client.get(reverse("emergencies:referral-inbox")).context["page"]) == []
    assert len(partner_client.get(reverse("emergencies:referral-inbox")).context["page"]) == 1


@pytest.mark.parametrize("n", [1, 20])
def test_inbox_query_count_is_constant(partner_client, partner, django_assert_num_queries, n):
    for _ in range(n):
        ReferralFactory(partner=partner, created_by=UserFactory())
    # user, memberships with associations, MFA check, count, unread notifications count,
    # the page of referrals with case+association+category and sender (the session is
    # in Redis)
    with django_assert_num_queries(6):
        response = partner_client.get(reverse("emergencies:referral-inbox"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 10])
def test_refer_page_query_count_is_constant(operator_client, case, django_assert_num_queries, n):
    for index in range(n):
        service_with_location(name=f"Dormitorio {index}")
    # user, memberships, MFA check, the case with its person and co-workers (2), the
    # services found, their categories, languages, phones, hours, places and the hours
    # at those places (2), the partner associations of the menu, unread notifications
    with django_assert_num_queries(15):
        response = operator_client.get(_url("case-refer", case.pk), {"q": "dormitorio"})
    assert len(response.context["found"]) == n
