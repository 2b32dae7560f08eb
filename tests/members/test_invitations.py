"""Sign-up happens only through an invitation link, which works once and expires."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Member, Membership, Role, User
from tests.factories import InvitationFactory, MemberFactory, user_with_role

NEW_PASSWORD = "Una-password-lunga-2026"


def _signup(client: Client, email: str, **extra):
    data = {
        "first_name": "Aisha",
        "last_name": "Bello",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_without_invitation_is_refused_with_a_clear_message(db):
    client = Client()
    response = client.get(reverse("account_signup"))
    body = response.content.decode()
    assert "invit" in body.lower()  # "invitation" / "invito"
    _signup(client, "stranger@example.org")
    assert not User.objects.filter(email="stranger@example.org").exists()


def test_invitation_link_lets_a_new_person_sign_up_and_join(association):
    invitation = InvitationFactory(association=association, role=Role.MEMBER)
    client = Client()
    response = client.get(reverse("members:invitation-accept", args=[invitation.token]))
    assert response["Location"] == reverse("account_signup")
    form = client.get(reverse("account_signup")).content.decode()
    assert invitation.email in form  # the invited address is filled in
    response = _signup(client, invitation.email)
    assert response.status_code == 302
    user = User.objects.get(email=invitation.email)
    membership = Membership.objects.get(user=user, association=association)
    assert membership.roles == [Role.MEMBER]
    member = Member.objects.get(user=user, association=association)
    assert (member.first_name, member.last_name) == ("Aisha", "Bello")
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # A welcome in the inbox, in the person's language, pointing to their preferences.
    welcome = user.notifications.get()
    assert welcome.title == f"Ti diamo il benvenuto in {association.name} su Nucleo"
    assert welcome.url == reverse("members:notification-preferences")
    # The invited address is verified by the invitation: the person is signed in.
    assert client.get(reverse("home")).status_code == 200


def test_invitation_works_only_once(association):
    invitation = InvitationFactory(association=association)
    first = Client()
    first.get(reverse("members:invitation-accept", args=[invitation.token]))
    _signup(first, invitation.email)
    second = Client()
    response = second.get(reverse("members:invitation-accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "cannot be used" in response.content.decode() or "non può" in response.content.decode()


def test_expired_invitation_is_refused(association):
    invitation = InvitationFactory(
        association=association, expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    response = client.get(reverse("members:invitation-accept", args=[invitation.token]))
    assert response.status_code == 410
    # And the sign-up page stays closed.
    _signup(client, invitation.email)
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_expiring_between_link_and_signup_creates_no_account(association):
    invitation = InvitationFactory(association=association)
    client = Client()
    client.get(reverse("members:invitation-accept", args=[invitation.token]))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    _signup(client, invitation.email)
    assert not User.objects.filter(email=invitation.email).exists()


def test_signup_with_another_address_than_the_invited_one_is_refused(association):
    invitation = InvitationFactory(association=association)
    client = Client()
    client.get(reverse("members:invitation-accept", args=[invitation.token]))
    response = _signup(client, "someone-else@example.org")
    assert response.status_code == 200
    assert invitation.email in response.content.decode()
    assert not User.objects.filter(email="someone-else@example.org").exists()
    # Nothing typed is lost.
    assert 'value="Aisha"' in response.content.decode()


def test_existing_user_accepts_an_invitation_to_a_second_association(
    association, other_association
):
    user = user_with_role(other_association, Role.MEMBER)
    invitation = InvitationFactory(association=association, email=user.email, role=Role.FACILITATOR)
    client = Client()
    url = reverse("members:invitation-accept", args=[invitation.token])
    response = client.get(url)
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    response = client.get(url)
    assert response["Location"] == reverse("home")
    assert Membership.objects.get(user=user, association=association).is_facilitator


def test_invitation_for_someone_else_is_refused_to_a_signed_in_user(association):
    user = user_with_role(association, Role.MEMBER)
    invitation = InvitationFactory(association=association, email="other@example.org")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("members:invitation-accept", args=[invitation.token]))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_linked_to_a_registry_entry_gives_that_person_the_account(association):
    member = MemberFactory(association=association, first_name="Nadia")
    invitation = InvitationFactory(association=association, member=member)
    client = Client()
    client.get(reverse("members:invitation-accept", args=[invitation.token]))
    _signup(client, invitation.email)
    member.refresh_from_db()
    assert member.user.email == invitation.email
    assert Member.objects.filter(association=association).count() == 1


def test_operator_invites_a_member_and_the_email_carries_the_link(
    operator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            reverse("members:invitation-create"), {"email": "New@Example.org", "role": "member"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.org")
    assert invitation.association == operator_client.association
    assert invitation.created_by == operator_client.user
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["new@example.org"]


def test_operator_may_not_invite_a_coordinator(operator_client):
    response = operator_client.post(
        reverse("members:invitation-create"), {"email": "boss@example.org", "role": "coordinator"}
    )
    assert response.status_code == 200  # the form answers with an error
    assert not Invitation.objects.filter(email="boss@example.org").exists()
    assert 'value="boss@example.org"' in response.content.decode()


def test_coordinator_may_invite_an_operator(coordinator_client):
    response = coordinator_client.post(
        reverse("members:invitation-create"), {"email": "op@example.org", "role": "operator"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="op@example.org").role == Role.OPERATOR


def test_bad_email_is_answered_with_a_message_and_nothing_is_lost(operator_client):
    response = operator_client.post(
        reverse("members:invitation-create"), {"email": "not-an-email", "role": "member"}
    )
    assert response.status_code == 200
    assert 'value="not-an-email"' in response.content.decode()
    assert 'class="invalid-feedback' in response.content.decode()


def test_revoked_invitation_no_longer_works(operator_client):
    invitation = InvitationFactory(association=operator_client.association)
    operator_client.post(reverse("members:invitation-revoke", args=[invitation.pk]))
    client = Client()
    response = client.get(reverse("members:invitation-accept", args=[invitation.token]))
    assert response.status_code == 410


def test_invitations_of_another_association_cannot_be_revoked(outsider_client, association):
    invitation = InvitationFactory(association=association)
    response = outsider_client.post(reverse("members:invitation-revoke", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("n", [1, 20])
def test_invitation_list_query_count_is_constant(operator_client, django_assert_num_queries, n):
    InvitationFactory.create_batch(
        n, association=operator_client.association, created_by=operator_client.user
    )
    # user, memberships+associations, TOTP authenticator, count, page with creator+member,
    # unread notifications count
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("members:invitation-list"))
    assert response.status_code == 200


def test_operators_do_not_see_the_links_of_staff_invitations(operator_client, coordinator_client):
    association = operator_client.association
    staff = InvitationFactory(association=association, role=Role.COORDINATOR)
    member = InvitationFactory(association=association, role=Role.MEMBER)
    body = operator_client.get(reverse("members:invitation-list")).content.decode()
    assert staff.token not in body  # a link is a key to the role it grants
    assert member.token in body
    assert (
        staff.token in coordinator_client.get(reverse("members:invitation-list")).content.decode()
    )


def test_a_staff_invitation_still_needs_the_address_confirmed(association):
    invitation = InvitationFactory(association=association, role=Role.COORDINATOR)
    client = Client()
    client.get(reverse("members:invitation-accept", args=[invitation.token]))
    _signup(client, invitation.email)
    # Whoever opened the link must also read the invited mailbox before getting in.
    assert client.get(reverse("home")).status_code == 302
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower() or "conferma" in mail.outbox[0].body.lower()


def test_a_registry_entry_is_never_handed_to_a_second_account(association):
    member = MemberFactory(association=association, first_name="Nadia")
    first = InvitationFactory(association=association, member=member, email="nadia@example.org")
    second = InvitationFactory(association=association, member=member, email="nadia2@example.org")
    for invitation in (first, second):
        client = Client()
        client.get(reverse("members:invitation-accept", args=[invitation.token]))
        _signup(client, invitation.email)
    member.refresh_from_db()
    assert member.user.email == "nadia@example.org"
    other = Member.objects.get(user__email="nadia2@example.org")
    assert other.pk != member.pk
