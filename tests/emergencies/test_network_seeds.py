"""The solidarity network's data in the demo (``manage.py seed_demo``) and in the
benchmark (``manage.py seed_scale``): every state shows, the past alert has every kind of
answer, and a second run adds nothing."""

import pytest
from django.db.models import Count
from django.utils import timezone

from bench.seed import BENCH_ALERT_SUBJECT, bench_association
from emergencies.demo_network import LOGIN_VOLUNTEER, volunteer_email
from emergencies.models import (
    AlertAnswer,
    AlertText,
    CommunityAlert,
    Debrief,
    HelpRequest,
    NetworkSettings,
    Offer,
)
from emergencies.services.network import details_visible_to
from members.models import (
    AvailabilitySlot,
    Member,
    Membership,
    Notification,
    Role,
    User,
    VolunteerProfile,
)
from nucleo.management.commands.seed_demo import DEMO_PASSWORD
from tests.seeding import seed_demo, seed_scale

R = HelpRequest.Status
BENCH_FACTOR = 0.05  # 50 members, 5 volunteers, 10 help requests


def _seed_scale(factor: float = BENCH_FACTOR) -> str:
    return seed_scale(factor)


def _counts() -> dict[str, int]:
    return {
        "help requests": HelpRequest.objects.count(),
        "help request history": HelpRequest.history.count(),
        "skills needed": HelpRequest.skills.through.objects.count(),
        "languages needed": HelpRequest.languages.through.objects.count(),
        "offers": Offer.objects.count(),
        "debriefs": Debrief.objects.count(),
        "alerts": CommunityAlert.objects.count(),
        "alert texts": AlertText.objects.count(),
        "alert answers": AlertAnswer.objects.count(),
        "network settings": NetworkSettings.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def demo(seeded_demo, db) -> str:
    """The demo, seeded once for this module (its tests only read it)."""
    return seeded_demo


@pytest.fixture
def requests(demo):
    return HelpRequest.objects.filter(association__slug="migr-azioni")


def test_seed_demo_has_help_requests_in_every_state(demo, requests):
    assert set(requests.values_list("status", flat=True)) == set(R.values)
    assert "Solidarity network: " in demo and "help requests for Migr-Azioni ETS" in demo
    # A few come from the demo cases, of the same person.
    linked = requests.filter(case__isnull=False).select_related("case")
    assert linked.count() >= 2
    assert all(r.case.member_id == r.member_id for r in linked)
    # The demo member sees her own request, with a volunteer on it.
    mariam = requests.get(member__user__email="member@nucleo.test")
    assert mariam.opened_by.email == "member@nucleo.test"
    assert mariam.status == R.ASSIGNED


def test_seed_demo_requests_are_consistent_with_their_state(demo, requests):
    now = timezone.now()
    for r in requests.prefetch_related("offers"):
        offers = list(r.offers.all())
        statuses = {o.status for o in offers}
        assert r.public_summary and r.private_details and r.created_at < now
        assert r.starts_at < r.ends_at
        assert r.member.first_name not in r.public_summary  # names stay private
        if r.status == R.OPEN:
            assert not offers
        elif r.status == R.OFFERED:
            assert statuses == {Offer.Status.PENDING} and len(offers) == 3
            assert r.starts_at > now
        elif r.status == R.UNMATCHED:
            assert statuses <= {Offer.Status.DECLINED, Offer.Status.EXPIRED}
            assert r.unmatched_alerted_at is not None and r.volunteer is None
        elif r.status == R.CANCELLED:
            assert statuses == {Offer.Status.WITHDRAWN}
        else:
            accepted = [o for o in offers if o.status == Offer.Status.ACCEPTED]
            assert [o.volunteer_id for o in accepted] == [r.volunteer_id]
            assert statuses <= {Offer.Status.ACCEPTED, Offer.Status.TAKEN, Offer.Status.DECLINED}
            assert r.created_at < r.assigned_at < now
        if r.status in (R.DONE, R.CONFIRMED):
            assert r.minutes_spent and r.assigned_at < r.done_at < now
        if r.status == R.CONFIRMED:
            assert r.done_at < r.confirmed_at < now
        # Offers come from the ranking: scores and reasons, never to a paused volunteer.
        for offer in offers:
            assert offer.reasons and 0 <= offer.score <= 100
            assert offer.sent_at < offer.expires_at
            assert not offer.volunteer.is_paused()
    confirmed = requests.filter(status=R.CONFIRMED)
    assert confirmed.exclude(thanks="").exists()
    assert confirmed.filter(
        hours_confirmed_at__isnull=False, hours_confirmed_by__isnull=False
    ).exists()
    assert confirmed.filter(hours_confirmed_at__isnull=True).exists()  # an operator's to-do


def test_seed_demo_volunteers_hold_no_more_tasks_than_their_maximum(demo, requests):
    load = requests.filter(status=R.ASSIGNED).values("volunteer").annotate(n=Count("pk"))
    maximum = dict(VolunteerProfile.objects.values_list("pk", "max_active_tasks"))
    assert load and all(row["n"] <= maximum[row["volunteer"]] for row in load)


def test_seed_demo_volunteers_sign_in_and_one_has_offers_waiting(demo, requests):
    volunteers = VolunteerProfile.objects.filter(association__slug="migr-azioni")
    assert volunteers.count() == 15  # members.demo's, none added
    for volunteer in volunteers.select_related("member__user"):
        user = volunteer.member.user
        assert user.email == volunteer_email(volunteer.member)
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user, association=volunteer.association)
        assert membership.roles == [Role.MEMBER]
    # The one the summary names has offers to answer.
    login = volunteer_email(Member.objects.get(first_name=LOGIN_VOLUNTEER[0],
                                                last_name=LOGIN_VOLUNTEER[1]))  # fmt: skip
    assert f"(with pending offers: {login})" in demo
    pending = Offer.objects.filter(volunteer__member__user__email=login, status="pending")
    assert pending.filter(request__status=R.OFFERED).exists()


def test_seed_demo_private_details_are_for_the_assigned_volunteer_only(demo, requests):
    assigned = requests.filter(status=R.ASSIGNED).select_related("volunteer__member__user")
    for help_request in assigned:
        offered = help_request.offers.exclude(volunteer=help_request.volunteer)
        assert details_visible_to(help_request, help_request.volunteer.member.user)
        assert offered.exists()
        for offer in offered.select_related("volunteer__member__user"):
            assert not details_visible_to(help_request, offer.volunteer.member.user)


def test_seed_demo_debriefs_one_asks_for_a_call_back(demo):
    debriefs = Debrief.objects.filter(volunteer__association__slug="migr-azioni")
    assert debriefs.count() >= 2
    callback = debriefs.get(wants_callback=True)
    assert callback.feeling == Debrief.Feeling.SHAKEN and callback.handled_at is None
    for debrief in debriefs:
        assert debrief.request.volunteer_id == debrief.volunteer_id
        assert debrief.created_at > debrief.request.done_at


def test_seed_demo_past_alert_has_every_kind_of_answer(demo):
    alert = CommunityAlert.objects.get(association__slug="migr-azioni")
    assert alert.status == CommunityAlert.Status.SENT and alert.sent_at < timezone.now()
    assert set(alert.texts.values_list("language_id", flat=True)) == {"it", "en", "ar"}
    # Zone-targeted: exactly the members of its zones, each in a language it has.
    zones = alert.zone_list
    assert zones
    members = Member.objects.filter(association=alert.association, zone__in=zones)
    assert set(alert.answers.values_list("member_id", flat=True)) == set(
        members.values_list("pk", flat=True)
    )
    assert set(alert.answers.values_list("language_id", flat=True)) <= {"it", "en", "ar"}
    answers = set(alert.answers.values_list("answer", flat=True))
    assert answers == {AlertAnswer.Answer.SAFE, AlertAnswer.Answer.NEED_HELP, ""}
    assert not alert.answers.filter(answer="", answered_at__isnull=False).exists()
    assert not alert.answers.exclude(answer="").filter(answered_at__isnull=True).exists()
    linked = alert.answers.get(help_request__isnull=False)
    assert linked.answer == AlertAnswer.Answer.NEED_HELP
    assert linked.help_request.member_id == linked.member_id
    assert alert.sent_at < linked.answered_at < linked.help_request.created_at
    assert f"to {alert.answers.count()} members: " in demo


def test_seed_demo_network_is_idempotent(seeded_demo, db):
    first = seeded_demo
    counts = _counts()
    second = seed_demo()
    assert _counts() == counts
    assert first == second


# --- The benchmark ----------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_scale_gives_the_network_its_volumes_at_a_tiny_factor():
    output = _seed_scale()

    association = bench_association()
    volunteers = VolunteerProfile.objects.filter(association=association)
    assert Member.objects.filter(association=association).count() == 50
    assert volunteers.count() == 5
    # Each volunteer: skills, one to three slots, and the languages of their registry
    # entry (the bench member's own profile, a volunteer too, speaks none).
    for volunteer in volunteers.annotate(slots_n=Count("slots", distinct=True)):
        assert volunteer.member.user_id is not None  # else matching would skip them
        assert volunteer.skills.exists()
        assert 1 <= volunteer.slots_n <= 3
        if volunteer.member.user_id is None:
            assert volunteer.member.languages.exists()
    assert AvailabilitySlot.objects.filter(volunteer__in=volunteers).exists()
    network = HelpRequest.objects.filter(association=association, alert_answer__isnull=True)
    assert network.count() == 10
    assert set(network.values_list("status", flat=True)) == set(R.values)
    assert not network.filter(skills__isnull=True).exists()
    first = network.order_by("pk").first()
    assert first.status == R.OPEN and first.zone == "Centro"
    assert list(first.languages.values_list("code", flat=True)) == ["ar"]
    assert Offer.objects.filter(request__association=association).exists()
    alert = CommunityAlert.objects.get(association=association, subject=BENCH_ALERT_SUBJECT)
    assert alert.answers.count() == 50
    assert alert.texts.count() == 3
    # The bench member's own profile has its account; the others get one each.
    assert "volunteer_accounts_seed: 4 volunteer accounts, 4 memberships" in output
    assert "help_requests_seed: 10 help requests" in output
    assert "community_alert_seed: 1 community alerts, 3 alert texts, 50 alert answers" in output


@pytest.mark.django_db
def test_seed_scale_network_tops_up_to_nothing_on_a_second_run():
    _seed_scale()
    counts = _counts()

    output = _seed_scale()
    assert _counts() == counts
    assert "volunteer_accounts_seed: nothing created" in output
    assert "help_requests_seed: nothing created" in output
    assert "community_alert_seed: nothing created" in output

    _seed_scale(factor=2 * BENCH_FACTOR)
    association = bench_association()
    network = HelpRequest.objects.filter(association=association, alert_answer__isnull=True)
    assert network.count() == 20
    alert = CommunityAlert.objects.get(association=association)
    assert alert.answers.count() == Member.objects.filter(association=association).count()
