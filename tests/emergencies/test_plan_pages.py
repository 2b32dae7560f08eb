"""Pages of personal emergency plans: who may open a plan, one section a screen that
keeps every typed value on error, the code word shown on the member's own plan page
only, drafts, the wallet card, and constant query counts however long the plan is."""

import pytest
from django.urls import reverse

from emergencies.models import EmergencyPlan
from tests.emergencies.factories_plans import (
    ContactFactory,
    PlanFactory,
    ScenarioFactory,
    plan_with_rows,
)
from tests.factories import ServiceFactory

CODE_WORD = "Girasole-Blu-42"


@pytest.fixture
def own_plan(member_client):
    """The signed-in member's plan, private."""
    member = member_client.user.member_profiles.get()
    return PlanFactory(member=member, association=member.association)


def _detail(plan):
    return reverse("emergencies:plan-detail", args=[plan.pk])


def _section(plan, section):
    return reverse("emergencies:plan-section", args=[plan.pk, section])


# --- Who may see a plan ------------------------------------------------------------------


def test_member_opens_own_plan_but_not_another_members(member_client, own_plan, association):
    other = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    assert member_client.get(_detail(own_plan)).status_code == 200
    assert member_client.get(_detail(other)).status_code == 404
    assert member_client.get(reverse("emergencies:plan-print", args=[other.pk])).status_code == 404
    assert member_client.get(reverse("emergencies:plan-card", args=[other.pk])).status_code == 404
    assert member_client.get(_section(other, "contacts")).status_code == 404


def test_operator_sees_only_plans_shared_with_their_association(
    operator_client, coordinator_client, outsider_client, association
):
    shared = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    private = PlanFactory(member__association=association)
    for client in (operator_client, coordinator_client):
        assert client.get(_detail(shared)).status_code == 200
        assert client.get(_detail(private)).status_code == 404
    assert outsider_client.get(_detail(shared)).status_code == 404
    listed = operator_client.get(reverse("emergencies:plan-list")).context["page"].object_list
    assert [plan.pk for plan in listed] == [shared.pk]


def test_facilitator_sees_no_plan(facilitator_client, association):
    shared = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    assert facilitator_client.get(_detail(shared)).status_code == 404
    assert facilitator_client.get(reverse("emergencies:plan-list")).status_code == 403


def test_operator_co_edits_a_shared_plan_and_the_change_shows_who(
    operator_client, coordinator_client, association
):
    plan = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    response = operator_client.post(
        _section(plan, "contacts"),
        {
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-kind": "legal_aid",
            "contacts-0-name": "Avv. Ferri",
            "contacts-0-phone": "0823 123456",
        },
    )
    assert response.status_code == 302
    assert plan.contacts.get().name == "Avv. Ferri"
    page = coordinator_client.get(_detail(plan)).content.decode()
    assert 'data-testid="changed-by"' in page
    assert operator_client.user.get_full_name() in page
    plan.refresh_from_db()
    assert plan.updated_by == operator_client.user
    assert plan.versions.get(number=plan.version).created_by == operator_client.user


def test_operator_cannot_change_who_sees_the_plan(operator_client, association):
    plan = PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    operator_client.post(
        _section(plan, "about"),
        {"household": "Da solo", "sharing": "private", "review_every_months": "6"},
    )
    plan.refresh_from_db()
    assert plan.household == "Da solo"
    assert plan.sharing == EmergencyPlan.Sharing.OPERATORS


# --- Sections keep what is typed ------------------------------------------------------------


def test_a_section_with_an_error_keeps_every_typed_value(member_client, own_plan):
    data = {
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-0-doc_type": "passport",
        "documents-0-expires_on": "2031-05-04",
        "documents-0-original_kept_at": "Nella scatola blu sotto il letto",
        "documents-0-copies_kept_at": "Da mia sorella Awa",
        "documents-1-doc_type": "other",  # an "other" document needs a description
        "documents-1-label": "",
        "documents-1-expires_on": "not a date",
        "documents-1-original_kept_at": "Nel portafoglio",
    }
    response = member_client.post(_section(own_plan, "documents"), data)
    assert response.status_code == 200
    page = response.content.decode()
    for typed in (
        "2031-05-04",
        "Nella scatola blu sotto il letto",
        "Da mia sorella Awa",
        "Nel portafoglio",
        "not a date",
    ):
        assert typed in page
    assert "Say which document it is." in page or "Indica quale documento" in page
    assert not own_plan.documents.exists()


def test_adding_a_row_without_javascript_keeps_the_rows_typed(member_client, own_plan):
    response = member_client.post(
        _section(own_plan, "contacts"),
        {
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-kind": "trusted",
            "contacts-0-name": "Fatou Ndiaye",
            "contacts-0-phone": "+39 333 765 4321",
            "add_row": "1",
        },
    )
    assert response.status_code == 200
    assert "Fatou Ndiaye" in response.content.decode()
    assert response.context["formset"].total_form_count() == 2
    assert not own_plan.contacts.exists()


def test_htmx_adds_an_empty_row_and_the_new_count(member_client, own_plan):
    response = member_client.get(
        reverse("emergencies:plan-row-add", args=[own_plan.pk, "contacts"]),
        {"contacts-TOTAL_FORMS": "2"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert 'name="contacts-2-name"' in page
    assert 'value="3"' in page and "hx-swap-oob" in page


def test_a_forged_row_id_of_another_plan_is_refused(member_client, own_plan, association):
    foreign = ContactFactory(plan=PlanFactory(member__association=association))
    response = member_client.post(
        _section(own_plan, "contacts"),
        {
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(foreign.pk),
            "contacts-0-kind": "trusted",
            "contacts-0-name": "Hijack",
        },
    )
    assert response.status_code == 200
    foreign.refresh_from_db()
    assert foreign.name != "Hijack"
    assert not own_plan.contacts.exists()


def test_autosaved_draft_comes_back_unsaved(member_client, own_plan):
    member_client.post(
        reverse("emergencies:plan-draft", args=[own_plan.pk, "about"]),
        {"household": "Io, mia madre e due bambini", "sharing": "private"},
        HTTP_HX_REQUEST="true",
    )
    own_plan.refresh_from_db()
    assert own_plan.household != "Io, mia madre e due bambini"
    page = member_client.get(_section(own_plan, "about")).content.decode()
    assert "Io, mia madre e due bambini" in page
    assert 'data-testid="draft-restored"' in page


def test_money_notes_refuse_a_pin(member_client, own_plan):
    response = member_client.post(
        _section(own_plan, "go_bag"),
        {"items": ["water", "torch"], "money_notes": "Bancomat nel cassetto, PIN 4821"},
    )
    assert response.status_code == 200
    assert "PIN 4821" in response.content.decode()  # kept on the page to correct it
    own_plan.refresh_from_db()
    assert own_plan.money_notes == ""


# --- The code word --------------------------------------------------------------------------


@pytest.fixture
def violence_plan(member_client, own_plan, association, django_capture_on_commit_callbacks):
    """The member's plan, shared with operators, with a violence scenario and its code
    word, a contact told on activation, health consent; then activated."""
    own_plan.sharing = EmergencyPlan.Sharing.OPERATORS
    own_plan.save(update_fields=["sharing"])
    scenario = ScenarioFactory(plan=own_plan, kind="violence", title="Violenza a casa")
    scenario.code_word = CODE_WORD
    scenario.save(update_fields=["code_word"])
    ContactFactory(plan=own_plan, alert_on_activation=True)
    return own_plan, scenario


def test_code_word_is_on_the_members_own_plan_page_only(
    member_client, operator_client, coordinator_client, violence_plan, association, mailoutbox
):
    from members.models import Notification

    plan, scenario = violence_plan
    own_pages = {
        "detail": member_client.get(_detail(plan)),
        "scenario edit": member_client.get(
            reverse("emergencies:plan-scenario", args=[plan.pk, scenario.pk])
        ),
    }
    assert CODE_WORD in own_pages["detail"].content.decode()
    # The edit form of its own scenario holds it as the value to change.
    assert CODE_WORD in own_pages["scenario edit"].content.decode()

    # Activation, so that the case, the notifications and the contact messages exist.
    member_client.post(reverse("emergencies:plan-activate"), {"scenario": scenario.pk})
    case = plan.activations.get().case

    elsewhere = {
        "print": member_client.get(reverse("emergencies:plan-print", args=[plan.pk])),
        "card": member_client.get(reverse("emergencies:plan-card", args=[plan.pk])),
        "history": member_client.get(reverse("emergencies:plan-history", args=[plan.pk])),
        "scenarios list": member_client.get(_section(plan, "scenarios")),
        "review": member_client.get(_section(plan, "review")),
        "home": member_client.get(reverse("home")),
        "activate": member_client.get(reverse("emergencies:plan-activate")),
        "staff plan": operator_client.get(_detail(plan)),
        "staff print": operator_client.get(reverse("emergencies:plan-print", args=[plan.pk])),
        "staff scenario": operator_client.get(
            reverse("emergencies:plan-scenario", args=[plan.pk, scenario.pk])
        ),
        "staff list": coordinator_client.get(reverse("emergencies:plan-list")),
        "case": operator_client.get(reverse("emergencies:case-detail", args=[case.pk])),
        "member page": operator_client.get(reverse("members:member-detail", args=[plan.member_id])),
        "own data": member_client.get(reverse("members:me-data")),
        "own data download": member_client.get(reverse("members:me-data-json")),
        "staff export": coordinator_client.get(
            reverse("members:member-export", args=[plan.member_id])
        ),
    }
    # The pages really show the plan (or the scenario) the word belongs to.
    for name in ("print", "staff plan", "staff scenario", "own data download", "staff export"):
        assert "Violenza a casa" in elsewhere[name].content.decode(), name
    for name, response in elsewhere.items():
        assert response.status_code == 200, name
        assert CODE_WORD not in response.content.decode(), name
    for notification in Notification.objects.all():
        assert CODE_WORD not in f"{notification.title} {notification.body} {notification.url}"
    for message in mailoutbox:
        assert CODE_WORD not in f"{message.subject} {message.body}"
    for version in plan.versions.all():
        assert CODE_WORD not in str(version.snapshot)
    assert not plan.drafts.exists()


def test_operator_saving_a_scenario_keeps_the_members_code_word(operator_client, violence_plan):
    plan, scenario = violence_plan
    response = operator_client.post(
        reverse("emergencies:plan-scenario", args=[plan.pk, scenario.pk]),
        {
            "title": "Violenza a casa",
            "warning_signs": "Urla",
            "coping": "",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.code_word == CODE_WORD


def test_code_word_is_never_autosaved(member_client, violence_plan):
    plan, scenario = violence_plan
    member_client.post(
        reverse("emergencies:plan-draft", args=[plan.pk, f"scenario-{scenario.pk}"]),
        {"title": "Violenza", "code_word": "Nuova-Parola"},
    )
    draft = plan.drafts.get()
    assert "code_word" not in draft.data
    assert draft.data["title"] == ["Violenza"]


# --- Places from the map ---------------------------------------------------------------


def test_a_shelter_of_the_map_becomes_a_place_of_the_plan(member_client, own_plan):
    shelter = ServiceFactory(name="Dormitorio San Vincenzo")
    page = member_client.get(_section(own_plan, "places"), {"q": "dormitorio"})
    assert 'data-testid="map-result"' in page.content.decode()
    assert "Dormitorio San Vincenzo" in page.content.decode()
    response = member_client.post(
        reverse("emergencies:plan-place-from-service", args=[own_plan.pk]),
        {"service": str(shelter.pk), "kind": "shelter"},
    )
    assert response.status_code == 302
    place = own_plan.places.get()
    assert (place.name, place.kind, place.service) == (
        "Dormitorio San Vincenzo",
        "shelter",
        shelter,
    )
    page = member_client.get(_detail(own_plan)).content.decode()
    assert reverse("resources:service-detail", args=[shelter.pk]) in page


def test_adding_a_place_of_the_map_without_choosing_one_says_so(member_client, own_plan):
    response = member_client.post(
        reverse("emergencies:plan-place-from-service", args=[own_plan.pk]),
        {"service": "not-a-uuid"},
        follow=True,
    )
    assert "Scegli uno dei luoghi trovati sulla mappa" in response.content.decode()
    assert not own_plan.places.exists()


# --- Health -------------------------------------------------------------------------------


def test_health_section_needs_the_health_consent(member_client, own_plan):
    page = member_client.get(_section(own_plan, "health")).content.decode()
    assert 'data-testid="health-no-consent"' in page
    response = member_client.post(
        _section(own_plan, "health"), {"conditions": "Diabete", "allergies": "", "medicines": ""}
    )
    assert response.status_code == 200
    assert (
        not hasattr(own_plan, "health")
        or not own_plan.__class__.objects.filter(pk=own_plan.pk, health__isnull=False).exists()
    )


# --- Wallet card and print -------------------------------------------------------------------


def test_wallet_card_is_in_the_members_language_and_in_italian(member_client, own_plan):
    user = member_client.user
    user.language = "en"
    user.save(update_fields=["language"])
    ContactFactory(plan=own_plan, name="Fatou Ndiaye", phone="+393331234567")
    response = member_client.get(reverse("emergencies:plan-card", args=[own_plan.pk]))
    page = response.content.decode()
    assert page.count('data-testid="wallet-card"') == 2
    assert 'lang="en"' in page and 'lang="it"' in page
    assert "In an emergency" in page and "In caso di emergenza" in page
    assert page.count("Fatou Ndiaye") == 2


def test_case_of_an_activated_private_plan_lets_its_operators_read_it(
    member_client, operator_client, own_plan, association
):
    assert operator_client.get(_detail(own_plan)).status_code == 404
    member_client.post(reverse("emergencies:plan-activate"), {"scenario": ""})
    case = own_plan.activations.get().case
    page = operator_client.get(reverse("emergencies:case-detail", args=[case.pk])).content.decode()
    assert _detail(own_plan) in page
    response = operator_client.get(_detail(own_plan))
    assert response.status_code == 200
    assert 'data-testid="via-case"' in response.content.decode()
    # Read-only: the plan stays the member's.
    assert operator_client.get(_section(own_plan, "contacts")).status_code == 403


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
def test_plan_page_query_count_is_constant(member_client, django_assert_num_queries, n):
    member = member_client.user.member_profiles.get()
    plan = plan_with_rows(n, member=member, association=member.association)
    # session, user, memberships; the plan (access); consent (health) twice for
    # context and facts; the plan with member/association/editor; languages, contacts,
    # documents, places+service, scenarios, their actions, their services and each of
    # the services' prefetches (categories, languages, phones, schedules, places with
    # their schedules); completeness facts; the section authors; the open activation.
    with django_assert_num_queries(_PLAN_PAGE_QUERIES):
        response = member_client.get(_detail(plan))
    assert len(response.context["scenarios"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_staff_plan_list_query_count_is_constant(
    operator_client, association, django_assert_num_queries, n
):
    for _ in range(n):
        PlanFactory(member__association=association, sharing=EmergencyPlan.Sharing.OPERATORS)
    # session, user, memberships, MFA check, count, page of plans with person+editor
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("emergencies:plan-list"))
    assert len(response.context["page"].object_list) == n


_PLAN_PAGE_QUERIES = 20
