"""The on-duty roster: who is on duty now, this week's and next week's shifts; operators
put themselves on duty, coordinators anyone; and the coordinators' case settings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from emergencies.models import CaseSettings, DutyShift
from members.models import Role
from tests.factories import user_with_role

from .factories import DutyShiftFactory

pytestmark = pytest.mark.django_db

ROSTER = "emergencies:roster"
ADD = "emergencies:shift-add"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _shift_data(operator, starts_at, ends_at) -> dict:
    return {
        "shift-operator": operator.pk,
        "shift-starts_at": _local(starts_at),
        "shift-ends_at": _local(ends_at),
    }


def _tomorrow_at(hour: int):
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _remove_url(shift) -> str:
    return reverse("emergencies:shift-remove", kwargs={"pk": shift.pk})


def test_roster_shows_who_is_on_duty_now_and_the_coming_shifts(operator_client, association):
    on_duty = user_with_role(association, Role.OPERATOR, first_name="Fatima", last_name="Ba")
    later = user_with_role(association, Role.OPERATOR, first_name="Luca", last_name="Esposito")
    DutyShiftFactory(association=association, operator=on_duty)
    DutyShiftFactory(
        association=association,
        operator=later,
        starts_at=_tomorrow_at(9),
        ends_at=_tomorrow_at(17),
    )
    response = operator_client.get(reverse(ROSTER))
    assert response.status_code == 200
    assert [shift.operator for shift in response.context["on_duty"]] == [on_duty]
    shown = [shift.operator for _day, shifts in response.context["days"] for shift in shifts]
    assert shown == [on_duty, later]
    assert "Fatima Ba" in response.content.decode()


def test_roster_shows_only_the_associations_shifts(operator_client, outsider_client):
    DutyShiftFactory(association=outsider_client.association, operator=outsider_client.user)
    response = operator_client.get(reverse(ROSTER))
    assert response.context["on_duty"] == []
    assert response.context["days"] == []


@pytest.mark.parametrize("n", [1, 10])
def test_roster_query_count_is_constant(operator_client, association, django_assert_num_queries, n):
    for index in range(n):
        DutyShiftFactory(
            association=association,
            operator=operator_client.user,
            starts_at=timezone.now() + timedelta(hours=10 * index),
            ends_at=timezone.now() + timedelta(hours=10 * index + 8),
        )
    # user, memberships with associations, MFA check, shifts of the two weeks with their
    # operators, unread notifications (an operator's form offers only themselves: no
    # query for the operators' list)
    with django_assert_num_queries(5):
        response = operator_client.get(reverse(ROSTER))
    assert sum(len(shifts) for _day, shifts in response.context["days"]) == n


def test_an_operator_puts_themselves_on_duty(operator_client):
    data = _shift_data(operator_client.user, _tomorrow_at(8), _tomorrow_at(14))
    response = operator_client.post(reverse(ADD), data)
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.operator, shift.association) == (
        operator_client.user,
        operator_client.association,
    )
    assert shift.starts_at == _tomorrow_at(8)
    assert shift.created_by == operator_client.user


def test_an_operator_cannot_put_someone_else_on_duty(operator_client, association):
    colleague = user_with_role(association, Role.OPERATOR)
    response = operator_client.post(
        reverse(ADD), _shift_data(colleague, _tomorrow_at(8), _tomorrow_at(14))
    )
    assert response.status_code == 422
    assert response.context["form"].errors["operator"]
    assert not DutyShift.objects.exists()


def test_a_coordinator_puts_any_operator_on_duty_but_not_an_outsider(
    coordinator_client, association, outsider_client
):
    operator = user_with_role(association, Role.OPERATOR)
    response = coordinator_client.post(
        reverse(ADD), _shift_data(operator, _tomorrow_at(8), _tomorrow_at(14))
    )
    assert response.status_code == 302
    assert DutyShift.objects.get().operator == operator
    refused = coordinator_client.post(
        reverse(ADD), _shift_data(outsider_client.user, _tomorrow_at(15), _tomorrow_at(20))
    )
    assert refused.status_code == 422
    assert DutyShift.objects.count() == 1


def test_an_overlapping_shift_is_a_form_error(operator_client):
    DutyShiftFactory(
        association=operator_client.association,
        operator=operator_client.user,
        starts_at=_tomorrow_at(8),
        ends_at=_tomorrow_at(14),
    )
    response = operator_client.post(
        reverse(ADD), _shift_data(operator_client.user, _tomorrow_at(12), _tomorrow_at(18))
    )
    assert response.status_code == 422
    assert response.context["form"].non_field_errors()
    assert DutyShift.objects.count() == 1
    # What was typed is still there.
    assert _local(_tomorrow_at(12)) in response.content.decode()


def test_an_end_before_the_start_is_a_form_error(operator_client):
    response = operator_client.post(
        reverse(ADD), _shift_data(operator_client.user, _tomorrow_at(14), _tomorrow_at(8))
    )
    assert response.status_code == 422
    assert response.context["form"].errors["ends_at"]
    assert not DutyShift.objects.exists()


def test_roster_is_for_staff(
    operator_client, coordinator_client, facilitator_client, member_client
):
    assert operator_client.get(reverse(ROSTER)).status_code == 200
    assert coordinator_client.get(reverse(ROSTER)).status_code == 200
    assert facilitator_client.get(reverse(ROSTER)).status_code == 403
    assert member_client.get(reverse(ROSTER)).status_code == 403


def test_an_operator_removes_their_own_shift_a_coordinator_anyones_nobody_elses(
    operator_client, coordinator_client, outsider_client, association
):
    own = DutyShiftFactory(association=association, operator=operator_client.user)
    colleague = user_with_role(association, Role.OPERATOR)
    theirs = DutyShiftFactory(association=association, operator=colleague)
    assert operator_client.post(_remove_url(theirs)).status_code == 403
    assert outsider_client.post(_remove_url(own)).status_code == 404
    assert operator_client.post(_remove_url(own)).status_code == 302
    assert coordinator_client.post(_remove_url(theirs)).status_code == 302
    assert not DutyShift.objects.exists()


# --- Case settings ---------------------------------------------------------------------


def test_a_coordinator_sets_escalation_and_reminders(coordinator_client):
    url = reverse("emergencies:case-settings")
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(
        url, {"escalation_minutes": "30", "follow_up_reminder_hours": "48"}
    )
    assert response.status_code == 302
    saved = CaseSettings.objects.get(association=coordinator_client.association)
    assert (saved.escalation_minutes, saved.follow_up_reminder_hours) == (30, 48)


def test_case_settings_out_of_range_are_form_errors(coordinator_client):
    response = coordinator_client.post(
        reverse("emergencies:case-settings"),
        {"escalation_minutes": "0", "follow_up_reminder_hours": "24"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["escalation_minutes"]
    saved = CaseSettings.objects.get(association=coordinator_client.association)
    assert saved.escalation_minutes == 15


def test_case_settings_are_the_coordinators(coordinator_client, operator_client, outsider_client):
    url = reverse("emergencies:case-settings")
    data = {"escalation_minutes": "5", "follow_up_reminder_hours": "2"}
    assert operator_client.post(url, data).status_code == 403
    # Another association's coordinator changes their own settings, not ours.
    assert outsider_client.post(url, data).status_code == 302
    assert CaseSettings.objects.get(association=outsider_client.association).escalation_minutes == 5
    assert not CaseSettings.objects.filter(
        association=coordinator_client.association, escalation_minutes=5
    ).exists()
