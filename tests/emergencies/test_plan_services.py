"""Services of personal emergency plans: document and review reminders (once each,
moved with their dates), the health notes after the consent is withdrawn, versions and
their differences, completeness, and activating the plan (one case, each contact and
operator told once, one escalation)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from emergencies import services
from emergencies.models import (
    Case,
    ContactAlert,
    EmergencyPlan,
    PlanContact,
    PlanDocument,
    PlanHealth,
    ScenarioKind,
    Urgency,
)
from emergencies.planning import Facts, completeness, diff
from emergencies.selectors.plans import plan_health_of, readable_changes
from emergencies.services import Row
from members.models import ConsentPurpose, Notification, Reminder, Role
from members.services import consent_give, consent_withdraw, reminders_send_due
from members.sms import LocmemSMSBackend
from tests.concurrency import at_once
from tests.emergencies.factories_plans import ContactFactory, ScenarioFactory
from tests.factories import PrivacyNoticeFactory, user_with_role

DOC = {"doc_type": "residence_permit", "label": "", "original_kept_at": "", "copies_kept_at": ""}


@pytest.fixture
def member_user(association):
    PrivacyNoticeFactory(association=association)
    return user_with_role(association, Role.MEMBER, first_name="Awa", last_name="Diallo")


@pytest.fixture
def plan(member_user):
    member = member_user.member_profiles.get()
    return services.plan_create(member=member, by=member_user, consent=True)


@pytest.fixture
def sms(settings):
    settings.NUCLEO_SMS_BACKEND = "members.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    return LocmemSMSBackend.outbox


def _document_reminders_sent() -> int:
    return Notification.objects.filter(kind="emergencies.plan_document_expiring").count()


def _documents(plan, by, *rows):
    return services.plan_rows_save(plan=plan, by=by, section="documents", rows=list(rows))


# --- Creating ---------------------------------------------------------------------------


def test_a_plan_needs_the_consent_and_there_is_one_active_per_member(member_user):
    member = member_user.member_profiles.get()
    PrivacyNoticeFactory(association=member.association)
    with pytest.raises(ValidationError):
        services.plan_create(member=member, by=member_user, consent=False)
    assert not EmergencyPlan.objects.exists()
    first = services.plan_create(member=member, by=member_user, consent=True)
    again = services.plan_create(member=member, by=member_user, consent=False)
    assert again.pk == first.pk
    assert first.versions.count() == 1
    assert first.sharing == EmergencyPlan.Sharing.PRIVATE


def test_a_plan_started_with_an_operator_is_shared_with_the_operators(association):
    PrivacyNoticeFactory(association=association)
    operator = user_with_role(association, Role.OPERATOR, mfa=False)
    person = user_with_role(association, Role.MEMBER).member_profiles.get()
    plan = services.plan_create(member=person, by=operator, consent=True)
    assert plan.sharing == EmergencyPlan.Sharing.OPERATORS
    assert person.consents.get(purpose=ConsentPurpose.PLAN).method == "paper"


def test_a_facilitator_cannot_start_someone_elses_plan(association):
    facilitator = user_with_role(association, Role.FACILITATOR)
    person = user_with_role(association, Role.MEMBER).member_profiles.get()
    with pytest.raises(PermissionDenied):
        services.plan_create(member=person, by=facilitator, consent=True)


# --- Document reminders -------------------------------------------------------------------


def test_document_reminders_at_60_30_and_7_days_are_sent_once_each(plan, member_user, frozen_now):
    expires = timezone.localdate() + timedelta(days=90)
    _documents(plan, member_user, Row(id=None, fields={**DOC, "expires_on": expires}))
    sent_days = []
    # The periodic task runs every few hours for three months, twice each time.
    for _ in range(95 * 4):
        frozen_now.advance(hours=6)
        reminders_send_due()
        reminders_send_due()
        sent_days = [
            n.title
            for n in Notification.objects.filter(
                recipient=member_user, kind="emergencies.plan_document_expiring"
            ).order_by("created_at")
        ]
    assert len(sent_days) == 3
    assert ["60" in sent_days[0], "30" in sent_days[1], "7" in sent_days[2]] == [True] * 3
    assert all("permesso" not in title.lower() for title in sent_days)  # no document named


def test_changing_the_expiry_date_moves_the_reminders(plan, member_user, frozen_now):
    expires = timezone.localdate() + timedelta(days=90)
    plan = _documents(plan, member_user, Row(id=None, fields={**DOC, "expires_on": expires}))
    document = plan.documents.get()
    frozen_now.advance(days=31)  # past the 60-day reminder
    reminders_send_due()
    assert _document_reminders_sent() == 1
    later = expires + timedelta(days=365)  # renewed: a year more
    _documents(plan, member_user, Row(id=document.pk, fields={**DOC, "expires_on": later}))
    dues = dict(
        Reminder.objects.filter(key__startswith=f"plan-document:{document.pk}:").values_list(
            "key", "due_at"
        )
    )
    for days in (60, 30, 7):
        due = timezone.localtime(dues[f"plan-document:{document.pk}:d{days}"]).date()
        assert due == later - timedelta(days=days)
    reminders_send_due()
    assert _document_reminders_sent() == 1  # the new dates are far away
    frozen_now.advance(days=365)  # day 396 of 455: only the 60-day one is due
    reminders_send_due()
    reminders_send_due()
    assert _document_reminders_sent() == 2  # the moved 60-day reminder, once more


def test_removing_a_document_cancels_its_reminders(plan, member_user):
    expires = timezone.localdate() + timedelta(days=90)
    plan = _documents(plan, member_user, Row(id=None, fields={**DOC, "expires_on": expires}))
    document = plan.documents.get()
    _documents(plan, member_user, Row(id=document.pk, delete=True))
    assert not PlanDocument.objects.exists()
    document_reminders = Reminder.objects.filter(key__startswith="plan-document:")
    assert set(document_reminders.values_list("status", flat=True)) == {"cancelled"}


def test_reminders_already_past_when_the_date_is_typed_are_not_sent(plan, member_user):
    expires = timezone.localdate() + timedelta(days=20)
    _documents(plan, member_user, Row(id=None, fields={**DOC, "expires_on": expires}))
    scheduled = Reminder.objects.filter(
        status="scheduled", key__startswith="plan-document:"
    ).values_list("key", flat=True)
    assert [key.rsplit(":", 1)[1] for key in scheduled] == ["d7"]


# --- Review ---------------------------------------------------------------------------------


def test_a_new_plan_is_reminded_for_review_in_six_months(plan, member_user):
    reminder = Reminder.objects.get(key=f"plan:{plan.pk}:review")
    assert reminder.recipient == member_user
    assert timezone.localtime(reminder.due_at).date() == plan.next_review_on
    assert 181 <= (plan.next_review_on - timezone.localdate()).days <= 184


def test_review_reminder_when_due_and_reviewing_sets_the_next_date(plan, member_user, frozen_now):
    due = timezone.localdate() + timedelta(days=10)
    plan = services.plan_review_settings_save(
        plan=plan, by=member_user, review_every_months=6, next_review_on=due
    )
    frozen_now.advance(days=11)
    assert reminders_send_due() == 1
    assert reminders_send_due() == 0
    plan = services.plan_review_done(plan=plan, by=member_user)
    assert plan.reviewed_version == plan.version
    assert plan.next_review_on > timezone.localdate() + timedelta(days=170)


def test_review_diff_lists_exactly_the_fields_changed(plan, member_user):
    plan = services.plan_review_done(plan=plan, by=member_user)
    reviewed = plan.versions.get(number=plan.reviewed_version).snapshot
    plan = services.plan_rows_save(
        plan=plan,
        by=member_user,
        section="contacts",
        rows=[Row(id=None, fields={"kind": "trusted", "name": "Fatou", "phone": "+393331112222"})],
    )
    contact = plan.contacts.get()
    plan = services.plan_rows_save(
        plan=plan,
        by=member_user,
        section="contacts",
        rows=[
            Row(
                id=contact.pk,
                fields={"kind": "trusted", "name": "Fatou", "phone": "+393339998888"},
            )
        ],
    )
    plan = services.plan_about_save(
        plan=plan,
        by=member_user,
        household="Io e mio figlio",
        dependants="",
        languages=[],
        interpreter_needed=True,
        accessibility_needs="",
        sharing=plan.sharing,
    )
    current = plan.versions.get(number=plan.version).snapshot
    changes = diff(reviewed, current)
    assert {(c.section, c.field, c.kind) for c in changes} == {
        ("contacts", "", "added"),
        ("about", "household", "changed"),
        ("about", "interpreter_needed", "changed"),
    }
    # Between the two contact versions: only the phone.
    versions = list(plan.versions.order_by("number"))
    between = diff(versions[-3].snapshot, versions[-2].snapshot)
    assert [(c.item, c.field, c.before, c.after) for c in between] == [
        ("Fatou", "phone", "+393331112222", "+393339998888")
    ]
    readable = readable_changes(between)
    assert readable[0].field.lower() in ("phone", "telefono")


@given(
    st.dictionaries(
        st.sampled_from(["household", "dependants", "accessibility_needs", "sharing"]),
        st.text(max_size=20),
    ),
    st.sampled_from(["household", "dependants", "accessibility_needs", "sharing"]),
    st.text(min_size=1, max_size=20),
)
def test_diff_reports_one_change_for_one_field_changed(about, field, value):
    old = {"about": dict(about)}
    new = {"about": {**about, field: value}}
    changes = diff(old, new)
    if (about.get(field) or "") == value:
        assert changes == []
    else:
        assert [(c.section, c.field, c.after) for c in changes] == [("about", field, value)]
    assert diff(new, new) == []


def test_every_saved_section_is_a_version_with_its_author(plan, member_user, association):
    operator = user_with_role(association, Role.OPERATOR, mfa=False)
    EmergencyPlan.objects.filter(pk=plan.pk).update(sharing=EmergencyPlan.Sharing.OPERATORS)
    plan.refresh_from_db()
    services.plan_go_bag_save(plan=plan, by=member_user, items=["water"], other="", money_notes="")
    services.plan_go_bag_save(
        plan=plan, by=operator, items=["water", "torch"], other="", money_notes=""
    )
    authors = list(plan.versions.order_by("number").values_list("number", "created_by"))
    assert authors == [(1, member_user.pk), (2, member_user.pk), (3, operator.pk)]


# --- Completeness ---------------------------------------------------------------------------


def _facts(**overrides):
    values = {
        "has_about": False,
        "trusted_contacts_with_phone": 0,
        "scenarios_with_actions": 0,
        "linked_resources": 0,
        "safe_places": 0,
        "documents_with_expiry": 0,
        "go_bag_items": 0,
        "next_review_on": None,
        "today": date(2026, 11, 25),
    }
    return Facts(**{**values, **overrides})


def test_completeness_scores_and_suggests_the_most_protective_step_first():
    score, step = completeness(_facts())
    assert score == 0 and step.section == "contacts"
    score, step = completeness(_facts(trusted_contacts_with_phone=1))
    assert score == 20 and step.section == "scenarios"
    full = _facts(
        has_about=True,
        trusted_contacts_with_phone=2,
        scenarios_with_actions=1,
        linked_resources=1,
        safe_places=1,
        documents_with_expiry=1,
        go_bag_items=5,
        next_review_on=date(2027, 5, 1),
    )
    assert completeness(full) == (100, None)
    # An overdue review is a step to do again.
    assert completeness(_facts(next_review_on=date(2026, 11, 1)))[1].section == "contacts"


def test_completeness_is_stored_after_each_save(plan, member_user):
    plan = services.plan_rows_save(
        plan=plan,
        by=member_user,
        section="contacts",
        rows=[Row(id=None, fields={"kind": "trusted", "name": "Fatou", "phone": "+393331112222"})],
    )
    # A trusted contact (20) and the review date every new plan starts with (5).
    assert plan.completeness == 25


# --- Health ---------------------------------------------------------------------------------


def test_withdrawing_the_health_consent_hides_then_deletes_the_health_notes(
    plan, member_user, member_client_of
):
    member = plan.member
    consent_give(member=member, purpose=ConsentPurpose.HEALTH, by=member_user)
    services.plan_health_save(
        plan=plan, by=member_user, conditions="Asma", allergies="Penicillina", medicines=""
    )
    client = member_client_of(member_user)
    assert (
        "Penicillina"
        in client.get(reverse("emergencies:plan-detail", args=[plan.pk])).content.decode()
    )
    assert any("health" in v.snapshot for v in plan.versions.all())

    consent_withdraw(member=member, purpose=ConsentPurpose.HEALTH, by=member_user)
    # Hidden at once, everywhere the plan shows.
    assert plan_health_of(plan) is None
    for url in (
        reverse("emergencies:plan-detail", args=[plan.pk]),
        reverse("emergencies:plan-print", args=[plan.pk]),
        reverse("emergencies:plan-card", args=[plan.pk]),
    ):
        assert "Penicillina" not in client.get(url).content.decode()
    assert PlanHealth.objects.filter(plan=plan).exists()  # until the purge

    assert services.plans_health_purge() == 1
    assert not PlanHealth.objects.filter(plan=plan).exists()
    assert not any("health" in v.snapshot for v in plan.versions.all())
    assert services.plans_health_purge() == 0


def test_health_notes_need_the_health_consent(plan, member_user):
    with pytest.raises(ValidationError):
        services.plan_health_save(
            plan=plan, by=member_user, conditions="Asma", allergies="", medicines=""
        )
    assert not PlanHealth.objects.exists()


@pytest.fixture
def member_client_of():
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


# --- Activation ---------------------------------------------------------------------------


@pytest.fixture
def ready_plan(plan, member_user, association):
    """The plan with a housing scenario and three contacts, two of them told on
    activation (one by text, one by text and e-mail)."""
    scenario = ScenarioFactory(plan=plan, kind=ScenarioKind.HOUSING, title="Sfratto")
    ContactFactory(plan=plan, name="Fatou", phone="+393331112222", alert_on_activation=True)
    ContactFactory(
        plan=plan,
        name="Moussa",
        phone="+393334445555",
        email="moussa@example.org",
        alert_on_activation=True,
    )
    ContactFactory(plan=plan, name="Dottore", kind=PlanContact.Kind.DOCTOR, phone="+390823111111")
    return plan, scenario


def test_activating_alerts_each_contact_and_on_duty_operator_once_and_opens_one_case(
    ready_plan, member_user, association, sms, mailoutbox, django_capture_on_commit_callbacks
):
    plan, scenario = ready_plan
    operators = [user_with_role(association, Role.OPERATOR, mfa=False) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        activation, created = services.plan_activate(plan=plan, by=member_user, scenario=scenario)
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.plan_activate(plan=plan, by=member_user, scenario=scenario)
    assert created and not created_again and again.pk == activation.pk
    case = Case.objects.get()
    assert case.urgency == Urgency.CRITICAL and case.member == plan.member
    assert case.category.code == "housing"
    alerts = Notification.objects.filter(kind="emergencies.case_critical")
    assert sorted(n.recipient_id for n in alerts) == sorted(u.pk for u in operators)
    assert sorted(m["to"] for m in sms) == ["+393331112222", "+393334445555"]
    assert [m.to for m in mailoutbox if "moussa@example.org" in m.to] == [["moussa@example.org"]]
    assert set(ContactAlert.objects.values_list("status", flat=True)) == {"sent"}
    # A retried task sends nothing more.
    assert services.plan_contact_alerts_send(activation_id=activation.pk) == 0
    assert len(sms) == 2


def test_activation_escalates_once_when_no_operator_opens_the_case(
    ready_plan, member_user, association, frozen_now
):
    plan, scenario = ready_plan
    user_with_role(association, Role.OPERATOR, mfa=False)
    coordinator = user_with_role(association, Role.COORDINATOR, mfa=False)
    services.plan_activate(plan=plan, by=member_user, scenario=scenario)
    assert services.cases_escalate_sweep() == 0  # still within the window
    frozen_now.advance(minutes=16)
    assert services.cases_escalate_sweep() == 1
    frozen_now.advance(minutes=30)
    assert services.cases_escalate_sweep() == 0
    escalated = Notification.objects.filter(kind="emergencies.case_escalated")
    assert [n.recipient for n in escalated] == [coordinator]


def test_activation_after_the_case_is_closed_opens_a_new_one(ready_plan, member_user, association):
    plan, scenario = ready_plan
    operator = user_with_role(association, Role.OPERATOR, mfa=False)
    first, _ = services.plan_activate(plan=plan, by=member_user, scenario=scenario)
    services.case_transition(case=first.case, to_status="closed", by=operator, outcome="resolved")
    second, created = services.plan_activate(plan=plan, by=member_user, scenario=None)
    assert created and second.case_id != first.case_id
    assert plan.activations.filter(is_open=True).get() == second


def test_only_the_member_activates_their_plan(ready_plan, association):
    plan, scenario = ready_plan
    operator = user_with_role(association, Role.OPERATOR, mfa=False)
    with pytest.raises(PermissionDenied):
        services.plan_activate(plan=plan, by=operator, scenario=scenario)
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_taps_open_one_case(association):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    PrivacyNoticeFactory(association=association)
    member_user = user_with_role(association, Role.MEMBER)
    plan = services.plan_create(
        member=member_user.member_profiles.get(), by=member_user, consent=True
    )

    def tap():
        return services.plan_activate(plan=plan, by=member_user, scenario=None)[1]

    results, errors = at_once(tap, tap)
    assert errors == []
    assert sorted(results) == [False, True]
    assert Case.objects.count() == 1
