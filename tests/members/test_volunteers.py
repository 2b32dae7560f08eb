"""The solidarity network: a member opts in (skills, languages, zones, weekly slots),
pauses and leaves; staff find volunteers; coordinators keep the skills catalogue and the
insurance policies, with a reminder before a policy expires."""

import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from members.models import (
    AvailabilitySlot,
    EmpowermentStep,
    InsurancePolicy,
    Language,
    Reminder,
    Role,
    Skill,
    VolunteerProfile,
)
from members.services import volunteers as services
from tests.factories import (
    AvailabilitySlotFactory,
    InsurancePolicyFactory,
    MemberFactory,
    SkillFactory,
    VolunteerProfileFactory,
    user_with_role,
)

ME = "members:me-volunteer"


def _own_member(client):
    return client.user.member_profiles.get(association=client.association)


def _form_data(skills, *, languages=("it",), zones="Centro, Stazione", max_tasks=2, slots=()):
    data = {
        "skills": [skill.pk for skill in skills],
        "languages": list(languages),
        "zones": zones,
        "max_active_tasks": str(max_tasks),
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, starts_at, ends_at) in enumerate(slots):
        data[f"slots-{index}-weekday"] = str(weekday)
        data[f"slots-{index}-starts_at"] = starts_at
        data[f"slots-{index}-ends_at"] = ends_at
    return data


def _existing_slots_data(volunteer, rows):
    """The formset as the page posts it for a volunteer with slots: ``rows`` are
    (id or None, weekday, start, end, delete)."""
    initial = sum(1 for row in rows if row[0] is not None)
    data = _form_data(
        list(volunteer.skills.all()) or [SkillFactory(association=volunteer.association)]
    )
    data.update({"slots-TOTAL_FORMS": str(len(rows)), "slots-INITIAL_FORMS": str(initial)})
    for index, (pk, weekday, starts_at, ends_at, delete) in enumerate(rows):
        if pk is not None:
            data[f"slots-{index}-id"] = str(pk)
        data[f"slots-{index}-weekday"] = str(weekday)
        data[f"slots-{index}-starts_at"] = starts_at
        data[f"slots-{index}-ends_at"] = ends_at
        if delete:
            data[f"slots-{index}-DELETE"] = "on"
    return data


# --- Opting in -------------------------------------------------------------------------


def test_member_opts_in_with_two_skills_and_availability(member_client):
    association = member_client.association
    listening, paperwork, _unused = SkillFactory.create_batch(3, association=association)
    page = member_client.get(reverse(ME))
    assert page.status_code == 200
    assert 'data-testid="not-a-volunteer"' in page.content.decode()
    form_page = member_client.get(reverse(ME), {"join": "1"})
    assert 'name="slots-0-weekday"' in form_page.content.decode()

    response = member_client.post(
        reverse(ME),
        _form_data(
            [listening, paperwork],
            languages=("it", "ar"),
            zones=" Centro ,, Stazione ",
            max_tasks=3,
            slots=[(1, "09:00", "12:00"), (3, "15:00", "18:00")],
        ),
    )

    assert response.status_code == 302
    volunteer = VolunteerProfile.objects.get(member=_own_member(member_client))
    assert set(volunteer.skills.all()) == {listening, paperwork}
    assert volunteer.zone_list == ["Centro", "Stazione"]
    assert volunteer.max_active_tasks == 3
    assert volunteer.is_active and not volunteer.is_paused()
    assert [(s.weekday, s.starts_at, s.ends_at) for s in volunteer.slots.all()] == [
        (1, datetime.time(9), datetime.time(12)),
        (3, datetime.time(15), datetime.time(18)),
    ]
    assert set(volunteer.member.languages.values_list("pk", flat=True)) == {"it", "ar"}
    assert EmpowermentStep.objects.filter(member=volunteer.member, stage="volunteer").exists()
    assert volunteer.history.first().history_user == member_client.user
    page = member_client.get(reverse(ME)).content.decode()
    assert 'data-testid="volunteer-status"' in page


def test_self_service_pages_belong_to_the_own_registry_entry(
    member_client, operator_client, outsider_client
):
    # The owner reaches their page; staff of the association have no entry of their own
    # here (their page is someone else's business: 404); an outsider neither.
    assert member_client.get(reverse(ME)).status_code == 200
    assert operator_client.get(reverse(ME)).status_code == 404
    assert outsider_client.get(reverse(ME)).status_code == 404
    assert outsider_client.post(reverse("members:me-volunteer-leave")).status_code == 404


def test_only_the_person_may_save_their_volunteering(member_client, coordinator_client):
    member = _own_member(member_client)
    skill = SkillFactory(association=member.association)
    with pytest.raises(services.PermissionDenied):
        services.volunteer_save(
            member=member,
            by=coordinator_client.user,
            skills=[skill],
            languages=[],
            zones="",
            max_active_tasks=1,
        )
    assert not VolunteerProfile.objects.filter(member=member).exists()


def test_skills_of_another_association_are_not_offered(member_client, other_association):
    ours = SkillFactory(association=member_client.association)
    theirs = SkillFactory(association=other_association)
    response = member_client.post(reverse(ME), _form_data([ours, theirs]))
    assert response.status_code == 200
    assert not VolunteerProfile.objects.filter(member=_own_member(member_client)).exists()


def test_retired_skills_are_not_offered_to_new_volunteers(member_client):
    active = SkillFactory(association=member_client.association, name_it="Ascolto attivo")
    SkillFactory(association=member_client.association, name_it="Vecchia", is_active=False)
    page = member_client.get(reverse(ME), {"join": "1"}).content.decode()
    assert active.name_it in page or active.name_en in page
    assert "Vecchia" not in page


# --- Slots: clear messages, nothing lost ---------------------------------------------


def test_a_slot_ending_before_it_starts_is_refused_with_a_message(member_client):
    skill = SkillFactory(association=member_client.association)
    response = member_client.post(
        reverse(ME), _form_data([skill], zones="Rione Sanità", slots=[(2, "18:00", "09:00")])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "controlla gli orari" in body
    assert "Rione Sanità" in body  # what was typed stays
    assert not VolunteerProfile.objects.filter(member=_own_member(member_client)).exists()


def test_overlapping_slots_on_the_same_day_are_refused(member_client):
    skill = SkillFactory(association=member_client.association)
    response = member_client.post(
        reverse(ME), _form_data([skill], slots=[(4, "09:00", "12:00"), (4, "11:00", "13:00")])
    )
    assert response.status_code == 200
    assert "si sovrappone" in response.content.decode()
    assert not AvailabilitySlot.objects.exists()
    # The same times on two different days are fine, and so are slots that touch.
    response = member_client.post(
        reverse(ME),
        _form_data(
            [skill], slots=[(4, "09:00", "12:00"), (5, "11:00", "13:00"), (4, "12:00", "13:00")]
        ),
    )
    assert response.status_code == 302
    assert AvailabilitySlot.objects.count() == 3


def _intervals_intersect(a, b) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


minutes = st.integers(min_value=0, max_value=24 * 60 - 2)


@st.composite
def slots(draw):
    start = draw(minutes)
    end = draw(st.integers(min_value=start + 1, max_value=24 * 60 - 1))
    return (
        draw(st.integers(min_value=0, max_value=6)),
        datetime.time(start // 60, start % 60),
        datetime.time(end // 60, end % 60),
    )


@given(st.lists(slots(), max_size=8))
@hypothesis_settings(max_examples=300)
def test_slot_overlaps_finds_an_overlap_exactly_when_two_slots_of_a_day_intersect(found):
    expected = any(
        _intervals_intersect(found[i], found[j])
        for i in range(len(found))
        for j in range(i + 1, len(found))
    )
    assert bool(services.slot_overlaps(found)) == expected


@pytest.mark.django_db
@given(start=st.times(), end=st.times(), weekday=st.integers(min_value=0, max_value=6))
@hypothesis_settings(max_examples=100, deadline=None)
def test_slot_form_accepts_a_slot_only_when_it_ends_after_it_starts(start, end, weekday):
    from members.forms.volunteers import SlotForm

    form = SlotForm(
        {"weekday": str(weekday), "starts_at": f"{start:%H:%M}", "ends_at": f"{end:%H:%M}"}
    )
    # The form reads minutes: compare what it was given.
    given_start, given_end = (
        start.replace(second=0, microsecond=0),
        end.replace(second=0, microsecond=0),
    )
    assert form.is_valid() == (given_end > given_start)


def test_add_another_slot_without_javascript_keeps_what_was_typed(member_client):
    skill = SkillFactory(association=member_client.association)
    data = _form_data([skill], zones="Via Tescione", slots=[(0, "10:00", "11:30")])
    data["add_slot"] = "1"
    response = member_client.post(reverse(ME), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Via Tescione" in body
    assert 'value="10:00"' in body
    assert 'name="slots-1-weekday"' in body  # one row more
    assert 'name="slots-TOTAL_FORMS" value="2"' in body
    assert not VolunteerProfile.objects.exists()  # nothing saved yet


@pytest.mark.parametrize("count", ["abc", "1.5", "-3", "9999"])
def test_a_tampered_row_count_is_not_a_server_error(member_client, count):
    skill = SkillFactory(association=member_client.association)
    data = _form_data([skill], zones="Centro", slots=[(0, "10:00", "11:30")])
    data["add_slot"] = "1"
    data["slots-TOTAL_FORMS"] = count
    response = member_client.post(reverse(ME), data)
    assert response.status_code == 200
    assert not VolunteerProfile.objects.exists()


def test_htmx_adds_a_row_and_moves_the_row_count(member_client):
    response = member_client.get(
        reverse("members:me-volunteer-slot-add"), {"slots-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="slots-2-weekday"' in body
    assert 'name="slots-TOTAL_FORMS" value="3"' in body
    assert 'hx-swap-oob="true"' in body


def test_editing_slots_moves_removes_and_adds(member_client):
    member = _own_member(member_client)
    volunteer = VolunteerProfileFactory(member=member)
    volunteer.skills.add(SkillFactory(association=member.association))
    keep = AvailabilitySlotFactory(volunteer=volunteer, weekday=0, starts_at=datetime.time(9))
    drop = AvailabilitySlotFactory(volunteer=volunteer, weekday=2, starts_at=datetime.time(9))
    data = _existing_slots_data(
        volunteer,
        [
            (keep.pk, 0, "10:00", "12:00", False),
            (drop.pk, 2, "09:00", "12:00", True),
            (None, 6, "17:00", "19:00", False),
        ],
    )
    response = member_client.post(reverse(ME), data)
    assert response.status_code == 302
    assert [(s.weekday, f"{s.starts_at:%H:%M}") for s in volunteer.slots.all()] == [
        (0, "10:00"),
        (6, "17:00"),
    ]


def test_another_persons_slot_cannot_be_changed_through_my_form(member_client):
    member = _own_member(member_client)
    mine = VolunteerProfileFactory(member=member)
    mine.skills.add(SkillFactory(association=member.association))
    someone_else = AvailabilitySlotFactory(
        volunteer__member__association=member.association, weekday=1
    )
    # Changing it: the id is not one of mine, so the row is refused.
    data = _existing_slots_data(mine, [(someone_else.pk, 1, "06:00", "07:00", False)])
    response = member_client.post(reverse(ME), data)
    assert response.status_code == 200
    # Removing it: the row is not mine, so there is nothing of mine to remove.
    data = _existing_slots_data(mine, [(someone_else.pk, 1, "06:00", "07:00", True)])
    assert member_client.post(reverse(ME), data).status_code == 200
    assert not mine.slots.exists()
    someone_else.refresh_from_db()
    assert someone_else.starts_at == datetime.time(9)
    assert AvailabilitySlot.objects.filter(pk=someone_else.pk).exists()


# --- Pause and leave -----------------------------------------------------------------


@pytest.fixture
def volunteer(member_client):
    member = _own_member(member_client)
    volunteer = VolunteerProfileFactory(member=member)
    volunteer.skills.add(SkillFactory(association=member.association))
    return volunteer


def test_a_pause_date_in_the_past_is_refused(member_client, volunteer):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = member_client.post(
        reverse("members:me-volunteer-pause"), {"paused_until": yesterday.isoformat()}
    )
    assert response.status_code == 200
    assert "già passata" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None


def test_pause_then_available_again(member_client, volunteer):
    until = timezone.localdate() + datetime.timedelta(days=10)
    response = member_client.post(
        reverse("members:me-volunteer-pause"), {"paused_until": until.isoformat()}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_paused()
    assert not VolunteerProfile.objects.available().filter(pk=volunteer.pk).exists()
    assert member_client.post(reverse("members:me-volunteer-resume")).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None
    assert VolunteerProfile.objects.available().filter(pk=volunteer.pk).exists()


def test_leaving_keeps_the_row_and_joining_again_reopens_it(member_client, volunteer):
    assert member_client.post(reverse("members:me-volunteer-leave")).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.opted_out_at is not None
    assert not VolunteerProfile.objects.active().filter(pk=volunteer.pk).exists()
    page = member_client.get(reverse(ME)).content.decode()
    assert "Hai lasciato la rete" in page
    skill = volunteer.skills.first()
    response = member_client.post(reverse(ME), _form_data([skill]))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.opted_out_at is None
    assert VolunteerProfile.objects.filter(member=volunteer.member).count() == 1


# --- Volunteers list for staff -------------------------------------------------------


def _volunteer(association, *, skills=(), languages=(), zones="Centro", **kwargs):
    volunteer = VolunteerProfileFactory(
        member=MemberFactory(association=association), zones=zones, **kwargs
    )
    volunteer.skills.set(skills)
    volunteer.member.languages.set(Language.objects.filter(pk__in=languages))
    AvailabilitySlotFactory(volunteer=volunteer)
    return volunteer


def test_staff_see_the_active_volunteers_of_their_association(
    operator_client, coordinator_client, member_client, outsider_client, other_association
):
    association = operator_client.association
    skill = SkillFactory(association=association, name_it="Interpretariato", name_en="Interp")
    active = _volunteer(association, skills=[skill])
    gone = _volunteer(association, opted_out_at=timezone.now())
    theirs = _volunteer(other_association)
    for client in (operator_client, coordinator_client):
        response = client.get(reverse("members:volunteer-list"))
        assert response.status_code == 200
        shown = list(response.context["page"].object_list)
        assert shown == [active]
    assert gone not in shown and theirs not in shown
    assert member_client.get(reverse("members:volunteer-list")).status_code == 403
    outsider_page = outsider_client.get(reverse("members:volunteer-list"))
    assert list(outsider_page.context["page"].object_list) == [theirs]


def test_volunteer_list_filters(operator_client):
    association = operator_client.association
    driving = SkillFactory(association=association, kind=Skill.Kind.TRANSPORT)
    cooking = SkillFactory(association=association, kind=Skill.Kind.COOKING)
    driver = _volunteer(association, skills=[driving], languages=["ar"], zones="Centro")
    cook = _volunteer(association, skills=[cooking], languages=["fr"], zones="Stazione")
    paused = _volunteer(
        association,
        skills=[cooking],
        zones="Stazione",
        paused_until=timezone.localdate() + datetime.timedelta(days=3),
    )
    url = reverse("members:volunteer-list")

    def shown(**params):
        return set(operator_client.get(url, params).context["page"].object_list)

    assert shown(skill=driving.pk) == {driver}
    assert shown(language="fr") == {cook}
    assert shown(zone="stazione") == {cook, paused}
    assert shown(zone="stazione", available="on") == {cook}
    assert shown() == {driver, cook, paused}


@pytest.mark.parametrize("n", [1, 30])
def test_volunteer_list_query_count_is_constant(operator_client, django_assert_num_queries, n):
    association = operator_client.association
    skills = SkillFactory.create_batch(2, association=association)
    for _ in range(n):
        _volunteer(association, skills=skills, languages=["it", "ar"])
    # user, memberships+associations, TOTP authenticator, count, page of volunteers with
    # member (and the insurance subquery), their skills, their languages, their slots,
    # the skill menu of the filter, the language menu, unread notifications count
    with django_assert_num_queries(11):
        response = operator_client.get(reverse("members:volunteer-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n, 25)


def test_coordinators_see_who_has_no_valid_insurance(coordinator_client, operator_client):
    association = coordinator_client.association
    insured = _volunteer(association)
    uninsured = _volunteer(association)
    InsurancePolicyFactory(association=association).volunteers.add(insured)
    # An expired policy covers nobody today.
    InsurancePolicyFactory(
        association=association,
        starts_on=timezone.localdate() - datetime.timedelta(days=400),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    ).volunteers.add(uninsured)
    response = coordinator_client.get(reverse("members:volunteer-list"))
    flags = {v.pk: v.insured for v in response.context["page"].object_list}
    assert flags == {insured.pk: True, uninsured.pk: False}
    assert response.content.decode().count('data-testid="uninsured"') == 1
    # Operators find volunteers; insurance is the coordinators' business.
    operator_page = operator_client.get(reverse("members:volunteer-list")).content.decode()
    assert 'data-testid="uninsured"' not in operator_page


def test_member_volunteer_partial(association):
    skill = SkillFactory(association=association, name_en="Listening", name_it="Ascolto")
    volunteer = _volunteer(association, skills=[skill], zones="Centro storico")
    html = render_to_string("members/_member_volunteer.html", {"member": volunteer.member})
    assert "Centro storico" in html
    assert "Ascolto" in html or "Listening" in html
    other = MemberFactory(association=association)
    html = render_to_string("members/_member_volunteer.html", {"member": other})
    assert "Not a volunteer." in html or "Non" in html


# --- Skills catalogue -------------------------------------------------------------------


def test_skills_seed_defaults_is_idempotent(association):
    created = services.skills_seed_defaults(association=association)
    assert created == 12
    interpreting = set(
        Skill.objects.filter(association=association, kind="interpreting").values_list(
            "language_id", flat=True
        )
    )
    assert interpreting == {"ar", "en", "fr", "ur", "bn"}
    assert services.skills_seed_defaults(association=association) == 0
    assert Skill.objects.filter(association=association).count() == 12


def test_skills_seed_defaults_skips_missing_languages(association):
    Language.objects.filter(pk="bn").delete()
    assert services.skills_seed_defaults(association=association) == 11


def test_coordinator_maintains_the_catalogue(coordinator_client, operator_client, outsider_client):
    url = reverse("members:skill-create")
    response = coordinator_client.post(
        url, {"kind": "interpreting", "name_it": "Interpretariato tigrino", "name_en": "Tigrinya"}
    )
    assert response.status_code == 200
    assert "serve indicare la lingua" in response.content.decode()
    response = coordinator_client.post(
        url,
        {
            "kind": "interpreting",
            "name_it": "Interpretariato tigrino",
            "name_en": "Tigrinya interpreting",
            "language": "ti",
        },
    )
    assert response.status_code == 302
    skill = Skill.objects.get(name_it="Interpretariato tigrino")
    assert skill.association == coordinator_client.association
    duplicate = coordinator_client.post(
        url, {"kind": "cooking", "name_it": "interpretariato TIGRINO", "name_en": "x"}
    )
    assert "già una competenza con questo nome" in duplicate.content.decode()

    edit = reverse("members:skill-edit", args=[skill.pk])
    response = coordinator_client.post(
        edit, {"kind": "listening", "name_it": "Ascolto", "name_en": "Listening", "language": "ti"}
    )
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.kind, skill.name_it, skill.language_id) == ("listening", "Ascolto", None)

    toggle = reverse("members:skill-toggle", args=[skill.pk])
    coordinator_client.post(toggle, {"active": "0"})
    skill.refresh_from_db()
    assert not skill.is_active
    coordinator_client.post(toggle, {"active": "1"})
    skill.refresh_from_db()
    assert skill.is_active

    # An operator may not; another association's coordinator does not find it.
    assert operator_client.post(toggle, {"active": "0"}).status_code == 403
    assert outsider_client.get(edit).status_code == 404
    assert outsider_client.post(toggle, {"active": "0"}).status_code == 404
    skill.refresh_from_db()
    assert skill.is_active


def test_skill_list_shows_only_the_associations_catalogue(coordinator_client, other_association):
    SkillFactory(association=coordinator_client.association, name_it="Nostra")
    SkillFactory(association=other_association, name_it="Altrui")
    body = coordinator_client.get(reverse("members:skill-list")).content.decode()
    assert "Nostra" in body
    assert "Altrui" not in body


# --- Insurance ---------------------------------------------------------------------------


def _policy_data(**overrides):
    today = timezone.localdate()
    data = {
        "insurer": "Unipol",
        "policy_number": "VOL-2025-1",
        "starts_on": (today - datetime.timedelta(days=10)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=200)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_policy_reminds_each_coordinator_before_it_expires(coordinator_client, association):
    second = user_with_role(association, Role.COORDINATOR)
    operator = user_with_role(association, Role.OPERATOR)
    volunteer = _volunteer(association)
    data = _policy_data(volunteers=[volunteer.pk])
    response = coordinator_client.post(reverse("members:policy-create"), data)
    assert response.status_code == 302
    policy = InsurancePolicy.objects.get(association=association)
    assert list(policy.volunteers.all()) == [volunteer]
    reminders = Reminder.objects.filter(kind="members.insurance_expiring")
    assert {r.recipient for r in reminders} == {coordinator_client.user, second}
    assert operator not in {r.recipient for r in reminders}
    expected_day = policy.ends_on - settings.NUCLEO_INSURANCE_REMINDER_BEFORE
    assert {timezone.localtime(r.due_at).date() for r in reminders} == {expected_day}
    keys_before = {r.key for r in reminders}

    # A new end date moves the same reminders; the change is in the policy's history.
    new_end = policy.ends_on + datetime.timedelta(days=365)
    response = coordinator_client.post(
        reverse("members:policy-edit", args=[policy.pk]),
        _policy_data(ends_on=new_end.isoformat(), volunteers=[volunteer.pk]),
    )
    assert response.status_code == 302
    reminders = Reminder.objects.filter(kind="members.insurance_expiring")
    assert {r.key for r in reminders} == keys_before
    assert {timezone.localtime(r.due_at).date() for r in reminders} == {
        new_end - settings.NUCLEO_INSURANCE_REMINDER_BEFORE
    }
    assert all(r.status == Reminder.Status.SCHEDULED for r in reminders)
    assert policy.history.count() >= 2
    assert policy.history.first().history_user == coordinator_client.user


def test_editing_a_policy_without_a_new_date_does_not_remind_twice(coordinator_client):
    response = coordinator_client.post(reverse("members:policy-create"), _policy_data())
    assert response.status_code == 302
    policy = InsurancePolicy.objects.get()
    Reminder.objects.update(status=Reminder.Status.SENT)
    coordinator_client.post(
        reverse("members:policy-edit", args=[policy.pk]), _policy_data(insurer="Generali")
    )
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.version == 0


def test_policy_pages_are_for_the_associations_coordinators(
    coordinator_client, operator_client, outsider_client
):
    policy = InsurancePolicyFactory(association=coordinator_client.association)
    edit = reverse("members:policy-edit", args=[policy.pk])
    assert coordinator_client.get(edit).status_code == 200
    assert operator_client.get(edit).status_code == 403
    assert outsider_client.get(edit).status_code == 404
    assert outsider_client.post(edit, _policy_data()).status_code == 404
    policy.refresh_from_db()
    assert policy.insurer == "Cattolica Assicurazioni"


def test_policy_dates_and_numbers_are_checked(coordinator_client):
    InsurancePolicyFactory(association=coordinator_client.association, policy_number="P-1")
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("members:policy-create"),
        _policy_data(
            policy_number="P-1", ends_on=(today - datetime.timedelta(days=20)).isoformat()
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "deve finire dopo" in body
    assert "già una polizza con questo numero" in body


def test_home_shows_the_network_links(member_client, coordinator_client):
    member_home = member_client.get(reverse("home")).content.decode()
    assert reverse("members:me-volunteer") in member_home
    coordinator_home = coordinator_client.get(reverse("home")).content.decode()
    for name in ("volunteer-list", "skill-list", "register-list", "policy-list"):
        assert reverse(f"members:{name}") in coordinator_home
