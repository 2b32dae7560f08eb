"""The right to be forgotten: a person (or staff for them) asks, a coordinator decides
with the legal holds in view, and the anonymisation leaves no trace of the person in
any table, history tables included, while every count the evaluation makes stays."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import privacy, services
from members.models import (
    AvailabilitySlot,
    Consent,
    EmpowermentStep,
    ErasureRequest,
    Invitation,
    Language,
    Member,
    Membership,
    Notification,
    Role,
    SignInAttempt,
    User,
    VolunteerProfile,
    VolunteerRegisterEntry,
)
from members.names import name_key
from members.services import privacy as privacy_services
from members.tasks import member_anonymise_task
from tests.factories import (
    AvailabilitySlotFactory,
    ConsentFactory,
    InvitationFactory,
    MemberFactory,
    MembershipFactory,
    SignInAttemptFactory,
    VolunteerProfileFactory,
    user_with_role,
)

FIRST, LAST = "Zoltan", "Quixotic-Bramblewood"
EMAIL = "zoltan.qb@example.org"
PHONE = "+39 333 987 6543"
PHONE_DIGITS = "3339876543"


@pytest.fixture
def coordinator(association):
    return user_with_role(association, Role.COORDINATOR)


@pytest.fixture
def operator(association):
    return user_with_role(association, Role.OPERATOR)


@pytest.fixture
def zoltan(association, operator, coordinator):
    """A member with unique name, phone and email spread over every table that may hold
    them: history, consents, volunteering, inbox, invitation, sign-ins, an erasure
    request (with his name in the reason) and the coordinators' inboxes."""
    user = user_with_role(association, Role.MEMBER, first_name=FIRST, last_name=LAST, email=EMAIL)
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    member = Member.objects.get(user=user)
    member.phone = PHONE  # as typed, before the registry normalised phones
    member.name_key = name_key(f"{FIRST} {LAST}")
    member.save()
    services.member_update(
        member=member,
        by=operator,
        phone="333 987 6543",
        municipality="Caserta",
        zone="Zoltan's street",
        operator_notes=f"{FIRST} prefers calls after 5pm on {PHONE}",
        languages=[Language.objects.get(pk="ar")],
    )
    ConsentFactory(member=member)
    services.empowerment_record(member=member, stage="registered")
    profile = VolunteerProfileFactory(member=member, zones=f"Centro, near {LAST}'s home")
    AvailabilitySlotFactory(volunteer=profile)
    services.notify(
        recipient=user,
        kind="tests.ordinary",
        key="zoltan-inbox",
        context={"subject": f"{FIRST}'s workshop", "details": EMAIL},
        association=association,
    )
    InvitationFactory(
        association=association,
        email=EMAIL,
        member=member,
        accepted_at=timezone.now(),
        accepted_by=user,
    )
    SignInAttemptFactory(email=EMAIL, user=user, ip_address="10.1.2.3", user_agent="Zoltan phone")
    SignInAttemptFactory(email=EMAIL.upper(), user=None, succeeded=False)
    LogEntry.objects.create(
        user=operator,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
        change_message="[]",
    )
    # A closed case about him: description, notes, a follow-up and a referral name him.
    from emergencies import services as case_services
    from emergencies.models import Case, CaseEvent
    from tests.emergencies.factories import CategoryFactory

    case = case_services.case_open(
        association=association,
        member=member,
        category=CategoryFactory(association=association),
        urgency="high",
        channel=Case.Channel.PHONE,
        description=f"{FIRST} {LAST} received an eviction notice; call {PHONE}",
        opened_by=operator,
    )
    case_services.case_event_add(
        case=case,
        by=operator,
        kind=CaseEvent.Kind.NOTE,
        text=f"{LAST} is scared",
        confidential=True,
    )
    case_services.follow_up_create(
        case=case,
        title=f"Call {FIRST} back",
        due_at=timezone.now() + datetime.timedelta(days=1),
        assigned_to=operator,
        by=operator,
    )
    case_services.case_transition(case=case, to_status="in_progress", by=operator)
    case_services.case_transition(case=case, to_status="closed", outcome="resolved", by=operator)
    client = Client()
    client.force_login(user)  # a session row of his
    privacy_services.erasure_request_create(
        member=member, by=user, reason=f"I am {FIRST} {LAST}, {EMAIL}"
    )
    member.refresh_from_db()
    return member


def _text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            ORDER BY table_name, column_name
            """
        )
        return cursor.fetchall()


def _rows_containing(needles: list[str], digits: str) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) whose text holds a needle (ILIKE), or the phone's
    digits however they are separated."""
    quote = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            value = f"{quote(column)}::text"
            for needle in needles:
                cursor.execute(
                    f"SELECT count(*) FROM {quote(table)} WHERE {value} ILIKE %s",  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append((table, column, needle))
            cursor.execute(
                f"SELECT count(*) FROM {quote(table)} "  # noqa: S608
                f"WHERE regexp_replace({value}, '[^0-9]', '', 'g') LIKE %s",
                [f"%{digits}%"],
            )
            if cursor.fetchone()[0]:
                hits.append((table, column, digits))
    return hits


NEEDLES = [FIRST, "Quixotic", "Bramblewood", EMAIL]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Member, EmpowermentStep, Consent, VolunteerProfile, Membership)
    }


def _approve(request_pk, coordinator, captured):
    erasure = ErasureRequest.objects.get(pk=request_pk)
    with captured(execute=True):
        privacy_services.erasure_request_decide(request=erasure, by=coordinator, approve=True)


def test_the_search_finds_the_person_before_the_anonymisation(zoltan):
    hits = {(table, needle) for table, _column, needle in _rows_containing(NEEDLES, PHONE_DIGITS)}
    # The search works: he is everywhere to begin with, history included.
    for table in ("members_member", "members_historicalmember", "members_user"):
        assert (table, FIRST) in hits
        assert (table, PHONE_DIGITS) in hits
    assert ("members_invitation", EMAIL) in hits
    assert ("members_signinattempt", EMAIL) in hits
    assert ("django_admin_log", FIRST) in hits
    for table in ("emergencies_case", "emergencies_historicalcase", "emergencies_caseevent"):
        assert (table, FIRST) in hits or (table, "Bramblewood") in hits


def test_after_anonymising_no_table_holds_the_name_phone_or_email(
    zoltan, coordinator, django_capture_on_commit_callbacks
):
    erasure = ErasureRequest.objects.get(member=zoltan)
    # The coordinators were told, without his name.
    assert Notification.objects.filter(recipient=coordinator, kind="members.erasure_requested")
    _approve(erasure.pk, coordinator, django_capture_on_commit_callbacks)

    assert _rows_containing(NEEDLES, PHONE_DIGITS) == []
    assert _rows_containing([name_key(f"{FIRST} {LAST}")], PHONE_DIGITS) == []
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    assert erasure.completed_at is not None


def test_evaluation_counts_are_unchanged(zoltan, coordinator, django_capture_on_commit_callbacks):
    before = _counts()
    _approve(
        ErasureRequest.objects.get(member=zoltan).pk,
        coordinator,
        django_capture_on_commit_callbacks,
    )
    assert _counts() == before
    zoltan.refresh_from_db()
    assert zoltan.anonymised_at is not None
    assert zoltan.first_name == privacy_services.ANONYMOUS_NAME
    assert zoltan.year_of_birth is None
    assert list(zoltan.languages.values_list("code", flat=True)) == ["ar"]  # kept for counts
    # every history row rewritten, and one more recording the anonymisation
    assert set(zoltan.history.values_list("first_name", "phone", "email", "operator_notes")) == {
        (privacy_services.ANONYMOUS_NAME, "", "", "")
    }


def test_the_account_is_closed(zoltan, coordinator, django_capture_on_commit_callbacks):
    user = zoltan.user
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    _approve(
        ErasureRequest.objects.get(member=zoltan).pk,
        coordinator,
        django_capture_on_commit_callbacks,
    )
    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@invalid.invalid"
    assert not user.is_active
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()
    for session in Session.objects.all():
        assert session.get_decoded().get("_auth_user_id") != str(user.pk)
    invitation = Invitation.objects.get(member=zoltan)
    assert invitation.email.endswith("@invalid.invalid")
    assert not SignInAttempt.objects.exclude(email="").filter(user=user).exists()
    profile = VolunteerProfile.objects.get(member=zoltan)
    assert profile.zones == ""
    assert profile.opted_out_at is not None  # no more offers
    assert not AvailabilitySlot.objects.filter(volunteer=profile).exists()
    # The membership stays for the counts; the account cannot sign in any more.
    assert Membership.objects.filter(user=user).count() == 1
    assert not Client().login(email=user.email, password="a-Strong-test-passw0rd")


def test_the_task_is_idempotent(zoltan, coordinator, django_capture_on_commit_callbacks):
    erasure = ErasureRequest.objects.get(member=zoltan)
    _approve(erasure.pk, coordinator, django_capture_on_commit_callbacks)
    history_rows = zoltan.history.count()
    assert member_anonymise_task.delay(erasure.pk).get() is False
    assert zoltan.history.count() == history_rows


def test_a_registered_volunteers_register_entry_is_kept(
    association, coordinator, django_capture_on_commit_callbacks
):
    """The register is a legal hold: the entry keeps its name, the rest is anonymised."""
    member = MemberFactory(
        association=association, first_name="Ottavia", last_name="Registrata", phone="3401112233"
    )
    VolunteerProfileFactory(member=member)
    entry = VolunteerRegisterEntry.objects.create(
        association=association,
        number=1,
        kind=VolunteerRegisterEntry.Kind.ENROLMENT,
        member=member,
        first_name="Ottavia",
        last_name="Registrata",
        fiscal_code="RGSTTV85M41B963X",
        birth_date=datetime.date(1985, 8, 1),
        birth_place="Caserta",
        residence="Via Roma 1, Caserta",
        start_date=datetime.date(2024, 1, 1),
        recorded_by=coordinator,
    )
    erasure = privacy_services.erasure_request_create(member=member, by=coordinator)
    holds = privacy.holds_for(member)
    assert len(holds) == 1 and holds[0].is_active() and holds[0].until is None

    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("members:erasure-detail", args=[erasure.pk]))
    assert 'data-testid="holds"' in page.content.decode()
    assert "Volunteer register" in page.content.decode() or "Registro" in page.content.decode()

    _approve(erasure.pk, coordinator, django_capture_on_commit_callbacks)
    entry.refresh_from_db()
    assert (entry.first_name, entry.last_name, entry.member_id) == (
        "Ottavia",
        "Registrata",
        member.pk,
    )
    member.refresh_from_db()
    assert member.anonymised_at is not None
    assert member.phone == ""
    assert not member.history.filter(first_name="Ottavia").exists()


def test_an_account_used_by_another_association_stays(association, other_association, coordinator):
    user = user_with_role(association, Role.MEMBER)
    MembershipFactory(user=user, association=other_association)
    there = MemberFactory(
        association=other_association, user=user, first_name="Still", last_name="Here"
    )
    here = Member.objects.get(user=user, association=association)
    privacy_services.member_anonymise(member=here, by=coordinator)
    user.refresh_from_db()
    here.refresh_from_db()
    assert user.is_active and user.has_usable_password()
    assert here.user_id is None  # nothing links the anonymised entry to the live account
    assert not Membership.objects.filter(user=user, association=association).exists()
    there.refresh_from_db()
    assert there.first_name == "Still" and there.anonymised_at is None


def test_an_anonymiser_registered_by_another_app_runs_in_the_transaction(association):
    seen = []
    privacy.register_anonymiser(
        privacy.Anonymiser(code="tests.cases", run=lambda member: seen.append(member.anonymised_at))
    )
    try:
        member = MemberFactory(association=association)
        privacy_services.member_anonymise(member=member)
        privacy_services.member_anonymise(member=member)  # already done: nothing runs
    finally:
        privacy.ANONYMISERS.unregister("tests.cases")
    assert len(seen) == 1 and seen[0] is not None


def test_a_hold_registered_by_another_app_is_shown_to_the_coordinator(association, coordinator):
    privacy.register_legal_hold(
        privacy.LegalHold(
            code="tests.court",
            find=lambda member: [privacy.Hold(label="Case file 7", reason="A court order")],
        )
    )
    try:
        member = MemberFactory(association=association)
        erasure = privacy_services.erasure_request_create(member=member, by=coordinator)
        client = Client()
        client.force_login(coordinator)
        body = client.get(reverse("members:erasure-detail", args=[erasure.pk])).content.decode()
        assert "Case file 7" in body and "A court order" in body
        assert privacy.held_member_ids(Member.objects.filter(pk=member.pk)) == {member.pk}
    finally:
        privacy.LEGAL_HOLDS.unregister("tests.court")


# --- Asking ----------------------------------------------------------------------------


def test_a_member_asks_and_the_coordinators_are_told_without_the_name(member_client, coordinator):
    member = Member.objects.get(user=member_client.user)
    url = reverse("members:me-forget")
    page = member_client.get(url)
    assert page.status_code == 200
    response = member_client.post(url, {"reason": "moving away", "confirm": "on"})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(member=member)
    assert erasure.status == ErasureRequest.Status.PENDING
    assert erasure.requested_by == member_client.user
    notification = Notification.objects.get(recipient=coordinator)
    assert notification.url == reverse("members:erasure-detail", args=[erasure.pk])
    text = f"{notification.title} {notification.body} {notification.context}"
    assert f"n. {member.pk}" in text
    for part in (member.first_name, member.last_name, member_client.user.email):
        assert part not in text


def test_asking_twice_shows_the_open_request(member_client):
    url = reverse("members:me-forget")
    member_client.post(url, {"confirm": "on"})
    member_client.post(url, {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1
    page = member_client.get(url)
    assert 'data-testid="open-request"' in page.content.decode()


def test_asking_needs_the_confirmation(member_client):
    response = member_client.post(reverse("members:me-forget"), {"reason": "x"})
    assert response.status_code == 200
    assert not ErasureRequest.objects.exists()


def test_staff_file_a_request_for_a_member(operator_client, association):
    member = MemberFactory(association=association)
    url = reverse("members:member-forget", args=[member.pk])
    response = operator_client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(member=member)
    assert erasure.requested_by == operator_client.user


def test_staff_of_another_association_cannot_file(outsider_client, association):
    member = MemberFactory(association=association)
    response = outsider_client.post(
        reverse("members:member-forget", args=[member.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert not ErasureRequest.objects.exists()


def test_a_member_cannot_file_for_someone_else(member_client, association):
    member = MemberFactory(association=association)
    response = member_client.post(
        reverse("members:member-forget", args=[member.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()


# --- Deciding ---------------------------------------------------------------------------


def test_operators_see_nothing_of_the_requests(operator_client, association):
    erasure = ErasureRequest.objects.create(
        association=association, member=MemberFactory(association=association)
    )
    assert operator_client.get(reverse("members:erasure-list")).status_code == 403
    detail = reverse("members:erasure-detail", args=[erasure.pk])
    assert operator_client.get(detail).status_code == 403


def test_another_associations_request_is_404(outsider_client, association):
    erasure = ErasureRequest.objects.create(
        association=association, member=MemberFactory(association=association)
    )
    detail = reverse("members:erasure-detail", args=[erasure.pk])
    assert outsider_client.get(detail).status_code == 404
    assert outsider_client.post(detail, {"decision": "approve"}).status_code == 404


def test_list_shows_pending_first(coordinator_client, association):
    old_pending = ErasureRequest.objects.create(
        association=association,
        member=MemberFactory(association=association),
        requested_at=timezone.now() - datetime.timedelta(days=20),
    )
    ErasureRequest.objects.create(
        association=association,
        member=MemberFactory(association=association),
        status=ErasureRequest.Status.REFUSED,
    )
    page = coordinator_client.get(reverse("members:erasure-list"))
    assert page.context["page"].object_list[0] == old_pending


@pytest.mark.parametrize("n", [1, 20])
def test_erasure_list_query_count_is_constant(
    coordinator_client, association, django_assert_num_queries, n
):
    for _ in range(n):
        member = Member.objects.get(user=user_with_role(association, Role.MEMBER))
        ErasureRequest.objects.create(
            association=association, member=member, requested_by=member.user
        )
    # session, user, memberships, count, page of requests with member and people,
    # unread notifications for the bell
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("members:erasure-list"))
    assert len(response.context["page"].object_list) == n


def test_refusing_tells_the_person_without_their_name(coordinator_client, member_client):
    member = Member.objects.get(user=member_client.user)
    erasure = privacy_services.erasure_request_create(member=member, by=member_client.user)
    url = reverse("members:erasure-detail", args=[erasure.pk])
    missing_reason = coordinator_client.post(url, {"decision": "refuse"})
    assert missing_reason.status_code == 200  # a refusal needs its reason
    response = coordinator_client.post(
        url, {"decision": "refuse", "note": "Open case: we must keep the file for now."}
    )
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REFUSED
    assert erasure.decided_by == coordinator_client.user
    notification = Notification.objects.get(
        recipient=member_client.user, kind="members.erasure_refused"
    )
    text = f"{notification.title} {notification.body} {notification.context}"
    assert member.first_name not in text and member.last_name not in text
    page = member_client.get(reverse("members:me-forget"))
    assert "Open case: we must keep the file for now." in page.content.decode()
    member.refresh_from_db()
    assert member.anonymised_at is None


def test_approving_on_the_page_anonymises(
    coordinator_client, association, django_capture_on_commit_callbacks
):
    member = MemberFactory(association=association, first_name="Ernesta")
    erasure = privacy_services.erasure_request_create(member=member, by=coordinator_client.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("members:erasure-detail", args=[erasure.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    erasure.refresh_from_db()
    member.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    assert member.anonymised_at is not None and member.first_name != "Ernesta"
    again = coordinator_client.post(
        reverse("members:erasure-detail", args=[erasure.pk]), {"decision": "refuse", "note": "x"}
    )
    assert again.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE


def test_only_a_coordinator_of_the_association_decides(association, operator):
    erasure = privacy_services.erasure_request_create(
        member=MemberFactory(association=association), by=operator
    )
    with pytest.raises(PermissionDenied):
        privacy_services.erasure_request_decide(request=erasure, by=operator, approve=True)
