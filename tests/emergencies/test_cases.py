"""Case management: who may see a case, the confidential notes, the access log, the
workflow, intake, follow-ups, lists and the person's own view."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from emergencies import services
from emergencies.models import Case, CaseAccess, CaseEvent, FollowUp, Urgency
from members.models import Member, Notification, Reminder, Role
from tests.factories import MemberFactory, user_with_role

from .factories import CaseEventFactory, CaseFactory, CategoryFactory, DutyShiftFactory

pytestmark = pytest.mark.django_db


def _detail(case):
    return reverse("emergencies:case-detail", kwargs={"pk": case.pk})


# --- Who sees a case ----------------------------------------------------------------


def test_case_is_404_to_another_association_403_to_a_facilitator_404_to_another_member(
    operator_client, facilitator_client, member_client, outsider_client, association
):
    case = CaseFactory(association=association)
    assert operator_client.get(_detail(case)).status_code == 200
    assert outsider_client.get(_detail(case)).status_code == 404
    assert facilitator_client.get(_detail(case)).status_code == 403
    assert member_client.get(_detail(case)).status_code == 404


def test_a_member_sees_their_own_request_in_plain_words_without_notes(member_client, association):
    own = Member.objects.get(user=member_client.user)
    case = CaseFactory(association=association, member=own, status=Case.Status.IN_PROGRESS)
    CaseEventFactory(case=case, text="Nota interna degli operatori")
    response = member_client.get(_detail(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un operatore sta lavorando alla tua richiesta." in page
    assert "Nota interna degli operatori" not in page
    assert case.description not in page
    listed = member_client.get(reverse("emergencies:my-cases")).content.decode()
    assert str(case.category) in listed


# --- Confidential notes -------------------------------------------------------------


@pytest.fixture
def case_with_secret(association, make_client):
    assigned = make_client(association, Role.OPERATOR)
    case = CaseFactory(association=association, assigned_to=assigned.user)
    services.case_event_add(
        case=case,
        by=assigned.user,
        kind=CaseEvent.Kind.NOTE,
        text="Segreto: il marito la minaccia",
        confidential=True,
    )
    services.case_event_add(
        case=case, by=assigned.user, kind=CaseEvent.Kind.NOTE, text="Nota visibile al team"
    )
    return case, assigned


def test_a_confidential_note_is_absent_for_an_operator_not_assigned(
    case_with_secret, operator_client
):
    case, _assigned = case_with_secret
    page = operator_client.get(_detail(case)).content.decode()
    assert "Nota visibile al team" in page
    assert "Segreto" not in page
    fragment = operator_client.get(
        reverse("emergencies:case-timeline", kwargs={"pk": case.pk}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Nota visibile al team" in fragment
    assert "Segreto" not in fragment
    # Adding a note through htmx sends the timeline back: still without the secret.
    added = operator_client.post(
        reverse("emergencies:case-event-add", kwargs={"pk": case.pk, "kind": "note"}),
        {"note-text": "Mia nota"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Mia nota" in added
    assert "Segreto" not in added


def test_a_confidential_note_is_shown_to_the_assigned_operator_and_coordinators(
    case_with_secret, coordinator_client, make_client, association
):
    case, assigned = case_with_secret
    assert "Segreto" in assigned.get(_detail(case)).content.decode()
    assert "Segreto" in coordinator_client.get(_detail(case)).content.decode()
    coworker = make_client(association, Role.OPERATOR)
    services.case_assign(
        case=case, assigned_to=assigned.user, coworkers=[coworker.user], by=assigned.user
    )
    assert "Segreto" in coworker.get(_detail(case)).content.decode()


def test_only_notes_can_be_confidential(association):
    case = CaseFactory(association=association)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTACT, confidential=True)


# --- Access log ---------------------------------------------------------------------


def test_every_case_detail_view_writes_exactly_one_access_log_row(
    operator_client, coordinator_client, association
):
    case = CaseFactory(association=association)
    operator_client.get(_detail(case))
    assert CaseAccess.objects.filter(case=case).count() == 1
    operator_client.get(_detail(case))
    coordinator_client.get(_detail(case))
    rows = list(CaseAccess.objects.filter(case=case).order_by("at", "pk"))
    assert [row.user for row in rows] == [
        operator_client.user,
        operator_client.user,
        coordinator_client.user,
    ]
    assert {row.action for row in rows} == {CaseAccess.Action.DETAIL}


def test_a_refused_read_writes_no_access_row(outsider_client, facilitator_client, association):
    case = CaseFactory(association=association)
    outsider_client.get(_detail(case))
    facilitator_client.get(_detail(case))
    assert not CaseAccess.objects.exists()


def test_the_access_log_is_read_only_in_the_database(operator_client, association):
    case = CaseFactory(association=association)
    operator_client.get(_detail(case))
    access = CaseAccess.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAccess.objects.filter(pk=access.pk).update(at=timezone.now() - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAccess.objects.filter(pk=access.pk).delete()
    assert CaseAccess.objects.filter(pk=access.pk, at=access.at).exists()


def test_the_admin_cannot_change_or_delete_access_log_rows(association, make_client):
    admin_client = make_client(association, Role.COORDINATOR, is_superuser=True, is_staff=True)
    operator = make_client(association, Role.OPERATOR)
    case = CaseFactory(association=association)
    operator.get(_detail(case))
    access = CaseAccess.objects.get(case=case)
    change = reverse("admin:emergencies_caseaccess_change", args=[access.pk])
    assert admin_client.post(change, {"action": "print"}).status_code == 403
    delete = reverse("admin:emergencies_caseaccess_delete", args=[access.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:emergencies_caseaccess_add")).status_code == 403


def test_coordinators_read_the_log_per_case_and_per_user_operators_do_not(
    operator_client, coordinator_client, association
):
    case = CaseFactory(association=association)
    operator_client.get(_detail(case))
    by_case = reverse("emergencies:case-access-log", kwargs={"pk": case.pk})
    by_user = reverse("emergencies:user-access-log", kwargs={"user_id": operator_client.user.pk})
    page = coordinator_client.get(by_case).content.decode()
    assert operator_client.user.email in page or operator_client.user.get_full_name() in page
    assert case.number in coordinator_client.get(by_user).content.decode()
    assert operator_client.get(by_case).status_code == 403
    assert operator_client.get(by_user).status_code == 403


# --- Workflow -----------------------------------------------------------------------


def test_closed_to_waiting_is_refused_with_a_message_and_the_case_is_unchanged(
    operator_client, association
):
    case = CaseFactory(association=association)
    services.case_transition(case=case, to_status=Case.Status.IN_PROGRESS, by=operator_client.user)
    services.case_transition(
        case=case,
        to_status=Case.Status.CLOSED,
        outcome=Case.Outcome.RESOLVED,
        by=operator_client.user,
    )
    before = Case.objects.get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    response = operator_client.post(
        reverse("emergencies:case-transition", kwargs={"pk": case.pk}),
        {"to_status": "waiting"},
        follow=True,
    )
    assert "non può diventare" in response.content.decode() or "non può andare" in (
        response.content.decode()
    )
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.outcome, after.closed_at) == (
        before.status,
        before.outcome,
        before.closed_at,
    )
    assert CaseEvent.objects.filter(case=case).count() == events
    with pytest.raises(services.InvalidTransition):
        services.case_transition(case=case, to_status="waiting", by=operator_client.user)


def test_closing_needs_an_outcome_and_reopening_clears_it(operator_client, association):
    case = CaseFactory(association=association, status=Case.Status.IN_PROGRESS)
    with pytest.raises(services.InvalidTransition):
        services.case_transition(case=case, to_status=Case.Status.CLOSED, by=operator_client.user)
    closed = services.case_transition(
        case=case,
        to_status=Case.Status.CLOSED,
        outcome=Case.Outcome.LOST_CONTACT,
        by=operator_client.user,
    )
    assert closed.closed_at is not None
    reopened = services.case_transition(
        case=closed, to_status=Case.Status.IN_PROGRESS, by=operator_client.user
    )
    assert (reopened.outcome, reopened.closed_at) == ("", None)
    statuses = list(
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS)
        .order_by("created_at", "pk")
        .values_list("to_status", flat=True)
    )
    assert statuses == [Case.Status.CLOSED, Case.Status.IN_PROGRESS]
    assert case.history.count() >= 2


def test_a_facilitator_cannot_change_a_case_through_the_service(association):
    facilitator = user_with_role(association, Role.FACILITATOR)
    case = CaseFactory(association=association)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_transition(case=case, to_status=Case.Status.TRIAGED, by=facilitator)


# --- Intake -------------------------------------------------------------------------


def _intake_data(category, **extra):
    return {
        "category": category.pk,
        "urgency": Urgency.HIGH,
        "description": "Lettera di sfratto ricevuta ieri",
        "channel": Case.Channel.WALK_IN,
        "assign_to_me": "on",
        **extra,
    }


def test_intake_registers_a_new_person_and_opens_the_case_in_one_post(operator_client, association):
    category = CategoryFactory(association=association)
    response = operator_client.post(
        reverse("emergencies:case-intake"),
        _intake_data(category, first_name="Amina", last_name="Diallo", phone="333 123 4567"),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(case)
    assert case.member.full_name == "Amina Diallo"
    assert case.member.phone == "+393331234567"
    assert case.assigned_to == operator_client.user
    assert case.opened_by == operator_client.user


def test_intake_offers_the_existing_person_and_saves_nothing_until_confirmed(
    operator_client, association
):
    category = CategoryFactory(association=association)
    existing = MemberFactory(
        association=association, first_name="Mohamed", last_name="Ali", year_of_birth=1990
    )
    data = _intake_data(category, first_name="Mohammed", last_name="Aly", year_of_birth=1990)
    response = operator_client.post(reverse("emergencies:case-intake"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert existing.full_name in page
    assert 'value="Lettera di sfratto ricevuta ieri"' in page or "Lettera di sfratto" in page
    assert Case.objects.count() == 0
    assert Member.objects.filter(association=association).count() == 1
    # Picking the existing person opens the case for them.
    operator_client.post(reverse("emergencies:case-intake"), {**data, "member": existing.pk})
    assert Case.objects.get().member == existing


def test_intake_for_a_person_of_another_association_is_refused(
    operator_client, association, other_association
):
    category = CategoryFactory(association=association)
    stranger = MemberFactory(association=other_association)
    response = operator_client.post(
        reverse("emergencies:case-intake"), _intake_data(category, member=stranger.pk)
    )
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_intake_without_a_person_says_what_is_missing(operator_client, association):
    category = CategoryFactory(association=association)
    response = operator_client.post(reverse("emergencies:case-intake"), _intake_data(category))
    assert "scrivi almeno un nome" in response.content.decode()
    assert Case.objects.count() == 0


def test_intake_person_search_finds_by_transliterated_name(operator_client, association):
    MemberFactory(association=association, first_name="Mohamed", last_name="Ali")
    fragment = operator_client.get(
        reverse("emergencies:case-person-search"), {"q": "muhammad"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Mohamed Ali" in fragment


# --- Critical cases -----------------------------------------------------------------


def test_a_critical_intake_alerts_the_on_duty_operators_only(
    make_client, association, django_capture_on_commit_callbacks
):
    on_duty = make_client(association, Role.OPERATOR)
    off_duty = make_client(association, Role.OPERATOR)
    DutyShiftFactory(association=association, operator=on_duty.user)
    category = CategoryFactory(association=association)
    with django_capture_on_commit_callbacks(execute=True):
        on_duty.post(
            reverse("emergencies:case-intake"),
            _intake_data(category, first_name="Senza", last_name="Casa", urgency=Urgency.CRITICAL),
        )
    case = Case.objects.get()
    alerts = Notification.objects.filter(kind="emergencies.case_critical")
    assert [n.recipient for n in alerts] == [on_duty.user]
    assert alerts.get().urgency == Notification.Urgency.URGENT
    assert case.member.first_name not in alerts.get().title
    assert off_duty.user.notifications.count() == 0


def test_an_unopened_critical_case_escalates_to_coordinators_once(association, make_client):
    operator = make_client(association, Role.OPERATOR)
    coordinator = make_client(association, Role.COORDINATOR)
    case = CaseFactory(association=association, urgency=Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(minutes=16))
    assert services.cases_escalate_sweep() == 1
    assert services.cases_escalate_sweep() == 0
    assert services.case_escalate_if_unopened(case_id=case.pk) is False
    escalations = Notification.objects.filter(kind="emergencies.case_escalated")
    assert [n.recipient for n in escalations] == [coordinator.user]
    assert operator.user.notifications.count() == 0


def test_a_critical_case_opened_in_time_does_not_escalate(association, make_client):
    operator = make_client(association, Role.OPERATOR)
    make_client(association, Role.COORDINATOR)
    case = CaseFactory(association=association, urgency=Urgency.CRITICAL)
    operator.get(_detail(case))
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(hours=1))
    assert services.cases_escalate_sweep() == 0
    assert not Notification.objects.filter(kind="emergencies.case_escalated").exists()


# --- Follow-ups ---------------------------------------------------------------------


def test_a_follow_up_is_reminded_before_due_and_listed_on_home_once_overdue(
    operator_client, association
):
    case = CaseFactory(association=association, assigned_to=operator_client.user)
    due = timezone.now() + timedelta(days=2)
    response = operator_client.post(
        reverse("emergencies:case-follow-up-add", kwargs={"pk": case.pk}),
        {
            "title": "Chiamare il Comune",
            "due_at": timezone.localtime(due).strftime("%Y-%m-%dT%H:%M"),
            "assigned_to": operator_client.user.pk,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    reminder = Reminder.objects.get(key=f"case:{case.pk}:follow-up:{follow_up.pk}")
    assert reminder.recipient == operator_client.user
    assert reminder.due_at < follow_up.due_at
    assert "Chiamare il Comune" not in operator_client.get(reverse("home")).content.decode()
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(hours=1))
    home = operator_client.get(reverse("home")).content.decode()
    assert "Chiamare il Comune" in home
    operator_client.post(reverse("emergencies:follow-up-done", kwargs={"pk": follow_up.pk}))
    assert "Chiamare il Comune" not in operator_client.get(reverse("home")).content.decode()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED


def test_a_follow_up_in_the_past_is_refused_with_a_message(operator_client, association):
    case = CaseFactory(association=association)
    response = operator_client.post(
        reverse("emergencies:case-follow-up-add", kwargs={"pk": case.pk}),
        {"title": "Ieri", "due_at": "2020-01-01T10:00", "assigned_to": operator_client.user.pk},
    )
    assert response.status_code == 422
    assert "Scegli un momento futuro" in response.content.decode()
    assert not FollowUp.objects.exists()


# --- Timeline -----------------------------------------------------------------------


def test_the_first_intervention_is_the_first_contact(operator_client, association):
    case = CaseFactory(association=association)
    operator_client.post(
        reverse("emergencies:case-event-add", kwargs={"pk": case.pk, "kind": "intervention"}),
        {
            "intervention-intervention_type": "paperwork",
            "intervention-minutes": "45",
            "intervention-with_whom": "Ufficio casa del Comune",
            "intervention-text": "Domanda di contributo affitto",
        },
    )
    case.refresh_from_db()
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.INTERVENTION)
    assert event.minutes == 45
    assert case.first_contact_at == event.created_at


def test_an_invalid_timeline_entry_keeps_what_was_typed(operator_client, association):
    case = CaseFactory(association=association)
    response = operator_client.post(
        reverse("emergencies:case-event-add", kwargs={"pk": case.pk, "kind": "intervention"}),
        {"intervention-text": "Accompagnamento in Questura", "intervention-minutes": "abc"},
    )
    assert response.status_code == 422
    assert "Accompagnamento in Questura" in response.content.decode()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.INTERVENTION).exists()


# --- Lists --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 100])
def test_case_list_query_count_is_constant(
    operator_client, django_assert_num_queries, association, n
):
    category = CategoryFactory(association=association)
    CaseFactory.create_batch(
        n, association=association, category=category, assigned_to=operator_client.user
    )
    # session, user, memberships, MFA check, the cases the user co-works on, categories
    # and staff (filter choices), count, page of cases with person+category+assignee and
    # the overdue flag
    with django_assert_num_queries(9):
        response = operator_client.get(reverse("emergencies:case-list"), {"scope": "mine"})
    assert len(response.context["page"].object_list) == min(n, 25)


def test_case_list_scopes(operator_client, association, make_client):
    other = make_client(association, Role.OPERATOR)
    mine = CaseFactory(association=association, assigned_to=operator_client.user)
    theirs = CaseFactory(association=association, assigned_to=other.user)
    nobody = CaseFactory(association=association)
    late = CaseFactory(association=association, assigned_to=other.user)
    FollowUp.objects.create(
        case=late, title="x", due_at=timezone.now() - timedelta(days=1), assigned_to=other.user
    )

    def listed(scope):
        response = operator_client.get(reverse("emergencies:case-list"), {"scope": scope})
        return {case.pk for case in response.context["page"].object_list}

    assert listed("mine") == {mine.pk}
    assert listed("team") == {mine.pk, theirs.pk, nobody.pk, late.pk}
    assert listed("unassigned") == {nobody.pk}
    assert listed("overdue") == {late.pk}


def test_case_list_filters_and_full_text_search(operator_client, association):
    housing = CategoryFactory(association=association)
    health = CategoryFactory(association=association, code="health", name_it="Salute")
    eviction = CaseFactory(
        association=association, category=housing, description="Sfratto per morosità"
    )
    CaseFactory(
        association=association,
        category=health,
        urgency=Urgency.CRITICAL,
        description="Ricovero urgente",
    )

    def listed(**params):
        response = operator_client.get(
            reverse("emergencies:case-list"), {"scope": "team", **params}
        )
        return {case.pk for case in response.context["page"].object_list}

    # Italian stemming: "sfratti" finds "Sfratto".
    assert listed(q="sfratti") == {eviction.pk}
    assert listed(category=health.pk) != {eviction.pk}
    assert eviction.pk not in listed(urgency="critical")
    assert listed(q=eviction.number) == {eviction.pk}
    assert listed(q=eviction.member.last_name) >= {eviction.pk}


def test_csv_export_is_for_coordinators_without_names_and_neutralises_formulas(
    coordinator_client, operator_client, association
):
    member = MemberFactory(association=association, zone='=HYPERLINK("x")')
    case = CaseFactory(association=association, member=member)
    url = reverse("emergencies:case-export")
    assert operator_client.get(url).status_code == 403
    body = coordinator_client.get(url, {"scope": "team"}).content.decode("utf-8-sig")
    assert case.number in body
    assert member.last_name not in body
    assert "'=HYPERLINK" in body


def test_case_figures_count_by_category(coordinator_client, association):
    category = CategoryFactory(association=association)
    case = CaseFactory(association=association, category=category)
    Case.objects.filter(pk=case.pk).update(
        first_contact_at=case.opened_at + timedelta(hours=2),
        status=Case.Status.CLOSED,
        outcome=Case.Outcome.RESOLVED,
        closed_at=case.opened_at + timedelta(days=3),
    )
    CaseFactory(association=association, category=category)
    response = coordinator_client.get(reverse("emergencies:case-figures"))
    row = response.context["rows"][0]
    assert (row["opened"], row["closed"]) == (2, 1)
    assert row["to_first_contact"] == timedelta(hours=2)
    assert row["to_close"] == timedelta(days=3)
    assert "3 giorni" in response.content.decode()


# --- Data protection ----------------------------------------------------------------


def test_the_persons_export_holds_their_cases_without_confidential_notes(association):
    from members.privacy import EXPORT_SECTIONS

    case = CaseFactory(association=association)
    CaseEventFactory(case=case, text="visibile")
    CaseEventFactory(case=case, text="riservata", confidential=True)
    section = next(s for s in EXPORT_SECTIONS if s.code == "cases")
    exported = section.collect(case.member)
    assert exported[0]["description"] == case.description
    texts = [entry["text"] for entry in exported[0]["timeline"]]
    assert "visibile" in texts
    assert "riservata" not in texts


def test_an_open_case_holds_erasure_and_anonymising_wipes_the_case_texts(association):
    from members.privacy import ANONYMISERS, holds_for

    case = CaseFactory(association=association, status=Case.Status.IN_PROGRESS)
    CaseEventFactory(case=case, text="Abita in via Roma 1")
    assert holds_for(case.member)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, outcome=Case.Outcome.RESOLVED, closed_at=timezone.now()
    )
    assert not [hold for hold in holds_for(case.member) if "case" in str(hold.label).lower()]
    next(a for a in ANONYMISERS if a.code == "cases").run(case.member)
    case.refresh_from_db()
    assert case.description == ""
    assert not CaseEvent.objects.filter(case=case).exclude(text="").exists()
    assert Case.objects.filter(pk=case.pk).exists()
