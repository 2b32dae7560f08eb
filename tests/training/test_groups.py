"""Support groups: asking to join and being welcomed, meetings from the recurrence with
its exceptions, notices to the group, and the facilitators' notes that nobody else
reads (another group's facilitator, a coordinator, a member: none)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Notification, Role
from tests.factories import MemberFactory, UserFactory
from training import services
from training.models import GroupMeeting, GroupMembership, SupportGroup

from .factories import GroupFactory, every, in_days

SECRET = "Awa ha raccontato della figlia rimasta in Senegal."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def group(association):
    return GroupFactory(association=association)


def test_meetings_follow_the_recurrence_and_a_cancelled_one_stays_cancelled(group, frozen_now):
    facilitator = group.facilitators.get()
    services.group_meetings_plan(group=group)
    starts = list(group.meetings.values_list("starts_at", flat=True))
    assert len(starts) >= 9
    assert all(timezone.localtime(s).hour == 18 for s in starts)
    assert every(7, starts)
    second = group.meetings.order_by("starts_at")[1]
    services.meeting_cancel(meeting=second, by=facilitator)
    assert services.group_meetings_plan(group=group) == 0  # the rule does not bring it back
    second.refresh_from_db()
    assert second.is_cancelled
    frozen_now.advance(days=21)
    services.group_meetings_plan(group=group)
    assert group.meetings.filter(status="cancelled").count() == 1


def test_a_member_asks_to_join_and_a_facilitator_welcomes_them(group, association):
    person = MemberFactory(association=association, user=UserFactory())
    membership = services.group_join_request(group=group, member=person, by=person.user)
    assert membership.status == GroupMembership.Status.REQUESTED
    facilitator = group.facilitators.get()
    asked = Notification.objects.filter(kind="training.group_request")
    assert [n.recipient for n in asked] == [facilitator]
    services.group_join_decide(membership=membership, by=facilitator, admit=True)
    membership.refresh_from_db()
    assert membership.status == GroupMembership.Status.MEMBER
    services.group_notice_send(group=group, by=facilitator, text="Giovedì portate una foto.")
    told = Notification.objects.filter(kind="training.group_notice")
    assert [n.recipient for n in told] == [person.user]


def test_a_closed_group_takes_no_requests(group, association):
    group.open_to_requests = False
    group.save(update_fields=["open_to_requests"])
    person = MemberFactory(association=association, user=UserFactory())
    client = _client(person.user)
    client.post(reverse("training:group-join", args=[group.pk]))
    assert not GroupMembership.objects.exists()


def test_group_notes_are_for_that_groups_facilitators_only(group, association, make_client):
    facilitator = group.facilitators.get()
    services.group_note_add(group=group, by=facilitator, text=SECRET)
    other_facilitator = make_client(association, Role.FACILITATOR)
    GroupFactory(association=association, facilitators=[other_facilitator.user])
    coordinator = make_client(association, Role.COORDINATOR)
    member = make_client(association, Role.MEMBER)
    services.group_join_request(
        group=group, member=member.user.member_profiles.get(), by=facilitator
    )  # in the group, added by its facilitator

    url = reverse("training:group-detail", args=[group.pk])
    assert SECRET in _client(facilitator).get(url).content.decode()
    for client in (other_facilitator, coordinator, member):
        page = client.get(url)
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
        assert 'data-testid="group-notes"' not in page.content.decode()
        response = client.post(reverse("training:group-note", args=[group.pk]), {"note-text": "x"})
        assert response.status_code == 404
    assert group.notes.count() == 1
    with pytest.raises(Exception):  # noqa: B017 - the service refuses too (PermissionDenied)
        services.group_note_add(group=group, by=other_facilitator.user, text="x")


def test_meeting_attendance_counts_only_the_groups_people(group, association, frozen_now):
    facilitator = group.facilitators.get()
    services.group_meetings_plan(group=group)
    meeting = group.meetings.first()
    with pytest.raises(ValidationError):  # not yet: it has not taken place
        services.meeting_attendance_take(meeting=meeting, by=facilitator, present=set())
    frozen_now.now = meeting.starts_at
    inside = MemberFactory(association=association)
    outsider = MemberFactory(association=association)
    services.group_join_request(group=group, member=inside, by=facilitator)
    came = services.meeting_attendance_take(
        meeting=meeting, by=facilitator, present={inside.pk, outsider.pk}
    )
    assert came == 1
    assert list(meeting.attendees.all()) == [inside]


def test_another_associations_group_is_404(group, outsider_client):
    assert outsider_client.get(reverse("training:group-detail", args=[group.pk])).status_code == 404


def test_a_facilitator_creates_a_group_from_the_page(make_client, association):
    facilitator = make_client(association, Role.FACILITATOR)
    response = facilitator.post(
        reverse("training:group-create"),
        {
            "name": "Padri lontani",
            "theme": "Essere padri a distanza",
            "language": "fr",
            "room": "Sala Mandela",
            "open_to_requests": "on",
            "frequency": "BIWEEKLY",
            "first_meeting_at": timezone.localtime(in_days(4)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
        },
    )
    assert response.status_code == 302
    group = SupportGroup.objects.get()
    assert list(group.facilitators.all()) == [facilitator.user]
    starts = list(group.meetings.values_list("starts_at", flat=True))
    assert len(starts) >= 4
    assert GroupMeeting.objects.filter(group=group).count() == len(starts)
