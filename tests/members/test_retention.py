"""Retention: entries inactive past the retention period are announced to the
coordinators, then anonymised unless kept; activity, holds and other apps' activity
keep them. Time passes through the ``now`` argument."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from members import privacy
from members.models import Member, Notification, Role, User, VolunteerRegisterEntry
from members.services.privacy import member_retention_keep, member_retention_run
from members.tasks import member_retention_task
from tests.factories import MemberFactory, user_with_role

INACTIVE = settings.NUCLEO_RETENTION_INACTIVE_AFTER
WARNING = settings.NUCLEO_RETENTION_WARNING


def _idle(member, *, for_: datetime.timedelta = INACTIVE + datetime.timedelta(days=30)):
    """Make ``member`` look untouched for ``for_`` (update(): no auto_now)."""
    Member.objects.filter(pk=member.pk).update(updated_at=timezone.now() - for_)
    member.refresh_from_db()
    return member


@pytest.fixture
def coordinators(association):
    return [user_with_role(association, Role.COORDINATOR) for _ in range(2)]


def test_an_inactive_member_is_announced_once_then_anonymised(association, coordinators):
    member = _idle(MemberFactory(association=association, first_name="Dormiente"))
    now = timezone.now()

    first = member_retention_run(now=now)
    member.refresh_from_db()
    assert (first.warned, first.anonymised) == (1, 0)
    assert member.retention_warned_at == now
    assert member.anonymised_at is None
    for coordinator in coordinators:
        notification = Notification.objects.get(
            recipient=coordinator, kind="members.retention_warning"
        )
        assert notification.context["count"] == 1
        assert notification.url == reverse("members:retention-list")
        assert "Dormiente" not in f"{notification.title} {notification.body} {notification.context}"

    second = member_retention_run(now=now)  # a duplicate beat, the same night
    assert (second.warned, second.anonymised) == (0, 0)
    assert Notification.objects.filter(kind="members.retention_warning").count() == 2

    not_yet = member_retention_run(now=now + WARNING - datetime.timedelta(hours=1))
    assert not_yet.anonymised == 0

    later = member_retention_run(now=now + WARNING + datetime.timedelta(days=1))
    member.refresh_from_db()
    assert later.anonymised == 1
    assert member.anonymised_at is not None
    assert member.first_name != "Dormiente"
    assert not member.history.filter(first_name="Dormiente").exists()
    again = member_retention_run(now=now + WARNING + datetime.timedelta(days=2))
    assert (again.warned, again.anonymised) == (0, 0)


def test_one_notification_per_coordinator_with_the_count(association, coordinators):
    for _ in range(3):
        _idle(MemberFactory(association=association))
    member_retention_run(now=timezone.now())
    for coordinator in coordinators:
        notifications = Notification.objects.filter(recipient=coordinator)
        assert notifications.count() == 1
        assert notifications.get().context["count"] == 3


def test_active_members_are_left_alone(association, coordinators):
    recent = MemberFactory(association=association)
    signed_in = _idle(Member.objects.get(user=user_with_role(association, Role.MEMBER)))
    User.objects.filter(pk=signed_in.user_id).update(
        last_login=timezone.now() - datetime.timedelta(days=10)
    )
    run = member_retention_run(now=timezone.now())
    assert run.warned == 0
    for member in (recent, signed_in):
        member.refresh_from_db()
        assert member.retention_warned_at is None


def test_a_member_with_a_legal_hold_is_never_anonymised(association, coordinators):
    member = _idle(MemberFactory(association=association))
    VolunteerRegisterEntry.objects.create(
        association=association,
        number=1,
        kind=VolunteerRegisterEntry.Kind.ENROLMENT,
        member=member,
        first_name="A",
        last_name="B",
        fiscal_code="RGSTTV85M41B963X",
        birth_date=datetime.date(1985, 8, 1),
        birth_place="Caserta",
        residence="Caserta",
        start_date=datetime.date(2020, 1, 1),
        recorded_by=coordinators[0],
    )
    now = timezone.now()
    assert member_retention_run(now=now).warned == 0
    assert member_retention_run(now=now + WARNING * 2).anonymised == 0
    member.refresh_from_db()
    assert member.anonymised_at is None


def test_activity_registered_by_another_app_keeps_a_member(association, coordinators):
    active = _idle(MemberFactory(association=association))
    idle = _idle(MemberFactory(association=association))
    privacy.register_activity(
        privacy.Activity(
            code="tests.enrolments",
            latest=lambda members: {
                pk: timezone.now() - datetime.timedelta(days=3)
                for pk in members.filter(pk=active.pk).values_list("pk", flat=True)
            },
        )
    )
    try:
        run = member_retention_run(now=timezone.now())
    finally:
        privacy.ACTIVITY.unregister("tests.enrolments")
    assert run.warned == 1
    active.refresh_from_db()
    idle.refresh_from_db()
    assert active.retention_warned_at is None
    assert idle.retention_warned_at is not None


def test_activity_after_the_warning_clears_it(association, coordinators):
    member = _idle(MemberFactory(association=association))
    now = timezone.now()
    member_retention_run(now=now)
    Member.objects.filter(pk=member.pk).update(updated_at=now)  # someone corrected it
    run = member_retention_run(now=now + WARNING + datetime.timedelta(days=1))
    member.refresh_from_db()
    assert (run.cleared, run.anonymised) == (1, 0)
    assert member.retention_warned_at is None and member.anonymised_at is None


def test_a_coordinator_keeps_a_warned_member(coordinator_client, association):
    member = _idle(MemberFactory(association=association, first_name="Tenuta"))
    now = timezone.now()
    member_retention_run(now=now)
    page = coordinator_client.get(reverse("members:retention-list"))
    assert "Tenuta" in page.content.decode()

    response = coordinator_client.post(reverse("members:retention-keep", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.retention_warned_at is None
    assert member.history.latest().history_user == coordinator_client.user
    assert member_retention_run(now=now + WARNING + datetime.timedelta(days=1)).anonymised == 0
    member.refresh_from_db()
    assert member.anonymised_at is None


def test_keeping_is_for_coordinators_of_the_association(
    operator_client, outsider_client, association
):
    member = _idle(MemberFactory(association=association))
    member_retention_run(now=timezone.now())
    url = reverse("members:retention-keep", args=[member.pk])
    assert operator_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 404
    assert operator_client.get(reverse("members:retention-list")).status_code == 403
    with pytest.raises(PermissionDenied):
        member_retention_keep(member=member, by=operator_client.user)
    member.refresh_from_db()
    assert member.retention_warned_at is not None


def test_the_nightly_task_runs_the_service(association, coordinators):
    _idle(MemberFactory(association=association))
    assert member_retention_task.delay().get() == {"warned": 1, "anonymised": 0, "cleared": 0}
    assert member_retention_task.delay().get() == {"warned": 0, "anonymised": 0, "cleared": 0}


def test_a_hold_ends_ten_years_after_the_end_of_service(association, coordinators):
    member = _idle(MemberFactory(association=association))
    person = {
        "first_name": "A",
        "last_name": "B",
        "fiscal_code": "RGSTTV85M41B963X",
        "birth_date": datetime.date(1985, 8, 1),
        "birth_place": "Caserta",
        "residence": "Caserta",
        "start_date": datetime.date(2001, 1, 1),
        "recorded_by": coordinators[0],
    }
    enrolment = VolunteerRegisterEntry.objects.create(
        association=association, number=1, kind="enrolment", member=member, **person
    )
    VolunteerRegisterEntry.objects.create(
        association=association,
        number=2,
        kind="end",
        amends=enrolment,
        member=member,
        end_date=datetime.date(2005, 6, 30),
        **person,
    )
    (hold,) = privacy.holds_for(member)
    assert hold.until == datetime.date(2015, 6, 30)
    assert not hold.is_active()
    assert member_retention_run(now=timezone.now()).warned == 1
