"""The solidarity network's services on PostgreSQL: the volunteers read for matching, the
offers to the best of them, the first accept winning (also with two threads at the same
moment), declines and timeouts moving on, the unmatched alert, completion and thanks,
who reads the private details, and the debrief's call-back."""

import threading
import time as clock_time
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.utils import timezone

from emergencies.matching import Candidate
from emergencies.models import HelpRequest, NetworkSettings, Offer, RequestKind
from emergencies.services import network
from members.models import EmpowermentStep, Notification, Role
from tests.emergencies.factories_network import HelpRequestFactory, OfferFactory
from tests.factories import (
    AssociationFactory,
    AvailabilitySlotFactory,
    MemberFactory,
    SkillFactory,
    VolunteerProfileFactory,
    user_with_role,
)

R = HelpRequest.Status
O = Offer.Status  # noqa: E741

PRIVATE = "Fatima Benali, via Roma 12, 333 111 2222: visita cardiologica."
PRIVATE_PARTS = ["Benali", "via Roma 12", "333 111 2222", "cardiologica"]
SUMMARY = "Accompagnare in ospedale e tradurre dall'arabo, martedì mattina."


# --- Fixtures and helpers ----------------------------------------------------------------


@pytest.fixture
def operator(association):
    return user_with_role(association, Role.OPERATOR, mfa=False)


@pytest.fixture
def requester(association):
    """The member who needs a hand, with an account of their own."""
    return user_with_role(association, Role.MEMBER, first_name="Fatima", last_name="Benali")


def _settings(association, **values) -> NetworkSettings:
    return NetworkSettings.objects.update_or_create(association=association, defaults=values)[0]


def _volunteer(association, *, skills=(), languages=("it",), zones="Centro", **profile):
    """A volunteer with an account, free on Tuesday mornings."""
    user = user_with_role(association, Role.MEMBER)
    member = user.member_profiles.get()
    member.languages.set(languages)
    volunteer = VolunteerProfileFactory(member=member, zones=zones, **profile)
    volunteer.skills.set(skills)
    AvailabilitySlotFactory(volunteer=volunteer, weekday=1, starts_at=time(9), ends_at=time(12))
    return volunteer


def _request(association, member, *, skills=(), **fields) -> HelpRequest:
    help_request = HelpRequestFactory(
        association=association, member=member, private_details=PRIVATE, **fields
    )
    help_request.skills.set(skills)
    return help_request


def _user(volunteer):
    return volunteer.member.user


def _offers(help_request) -> list[tuple[int, int, int, str]]:
    """(volunteer, round, rank, status) of every offer of the request, in order."""
    return list(
        Offer.objects.filter(request=help_request)
        .order_by("round", "rank")
        .values_list("volunteer_id", "round", "rank", "status")
    )


def _notified(kind, **filters) -> list:
    return list(Notification.objects.filter(kind=kind, **filters).order_by("pk"))


def _recipients(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _assigned_task(association, volunteer):
    """A task the volunteer holds now: it counts against their maximum."""
    return HelpRequestFactory(
        association=association,
        status=R.ASSIGNED,
        volunteer=volunteer,
        assigned_at=timezone.now(),
    )


@pytest.fixture
def ranked_five(association, requester):
    """A request needing three skills and five volunteers ranked by how many of them
    they cover (ids run against that order): best, second, third, fourth, fifth."""
    skills = SkillFactory.create_batch(3, association=association)
    fifth = _volunteer(association, zones="Periferia")  # no skill, out of the zone
    fourth = _volunteer(association)
    third, second, best = (_volunteer(association, skills=skills[:n]) for n in (1, 2, 3))
    help_request = _request(association, requester.member_profiles.get(), skills=skills)
    return help_request, [best, second, third, fourth, fifth]


# --- Candidates ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 50])
def test_candidates_query_count_is_constant(association, requester, django_assert_num_queries, n):
    skills = SkillFactory.create_batch(2, association=association)
    for _ in range(n):
        _volunteer(association, skills=skills, languages=["it", "ar"])
    help_request = _request(association, requester.member_profiles.get(), skills=skills)
    # profiles with their load and last task, their skills, their languages, their slots
    with django_assert_num_queries(4):
        candidates = network.candidates(help_request)
    assert len(candidates) == n
    assert all(c.skill_ids == {s.pk for s in skills} for c in candidates)


def test_candidates_carry_what_matching_needs(association, requester, frozen_now):
    skill = SkillFactory(association=association)
    volunteer = _volunteer(
        association,
        skills=[skill],
        languages=["ar", "fr"],
        zones="Centro, Stazione ,",
        max_active_tasks=3,
        paused_until=timezone.localdate(),  # paused today included
    )
    _assigned_task(association, volunteer)
    done_at = frozen_now.now - timedelta(days=3)
    HelpRequestFactory(
        association=association,
        status=R.CONFIRMED,
        volunteer=volunteer,
        assigned_at=done_at - timedelta(hours=2),
        done_at=done_at,
    )
    help_request = _request(association, requester.member_profiles.get())
    assert network.candidates(help_request) == [
        Candidate(
            volunteer_id=volunteer.pk,
            skill_ids=frozenset({skill.pk}),
            language_codes=frozenset({"ar", "fr"}),
            zones=("Centro", "Stazione"),
            slots=((1, time(9), time(12)),),
            active_tasks=1,
            max_tasks=3,
            paused=True,
            last_helped_at=done_at,
        )
    ]


def test_candidates_leave_out_the_person_helped_and_who_left_or_is_elsewhere(
    association, other_association, requester
):
    member = requester.member_profiles.get()
    VolunteerProfileFactory(member=member)  # the person helped volunteers too
    _volunteer(association, opted_out_at=timezone.now())
    anonymised = _volunteer(association)
    anonymised.member.anonymised_at = timezone.now()
    anonymised.member.save(update_fields=["anonymised_at"])
    _volunteer(other_association)
    stays = _volunteer(association)
    help_request = _request(association, member)
    assert [c.volunteer_id for c in network.candidates(help_request)] == [stays.pk]


# --- Offers -----------------------------------------------------------------------------


def test_offers_go_to_the_configured_top_n_in_rank_order(ranked_five, operator, frozen_now):
    help_request, (best, second, *_rest) = ranked_five
    _settings(help_request.association, offer_count=2, offer_timeout_minutes=45)
    offers = network.help_request_offer(help_request=help_request, by=operator)
    assert _offers(help_request) == [(best.pk, 1, 1, O.PENDING), (second.pk, 1, 2, O.PENDING)]
    assert {o.expires_at for o in offers} == {frozen_now.now + timedelta(minutes=45)}
    assert all(o.reasons and o.score > 0 for o in offers)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.offer_round) == (R.OFFERED, 1)


def test_paused_overloaded_and_the_person_helped_are_never_offered(association, requester):
    _settings(association, offer_count=20)
    skills = SkillFactory.create_batch(2, association=association)
    member = requester.member_profiles.get()
    helped_volunteers_too = VolunteerProfileFactory(member=member)
    helped_volunteers_too.skills.set(skills)
    paused = _volunteer(association, skills=skills, paused_until=timezone.localdate())
    overloaded = _volunteer(association, skills=skills, max_active_tasks=2)
    _assigned_task(association, overloaded)
    _assigned_task(association, overloaded)
    busy_but_free = _volunteer(association, skills=skills, max_active_tasks=2)
    _assigned_task(association, busy_but_free)
    no_skill = _volunteer(association)
    help_request = _request(association, member, skills=skills)

    network.help_request_offer(help_request=help_request)

    offered = {volunteer for volunteer, *_ in _offers(help_request)}
    assert offered == {busy_but_free.pk, no_skill.pk}
    assert not offered & {paused.pk, overloaded.pk, helped_volunteers_too.pk}


def test_only_staff_send_the_offers(association, requester, ranked_five):
    help_request, _volunteers = ranked_five
    with pytest.raises(PermissionDenied):
        network.help_request_offer(help_request=help_request, by=requester)
    outsider = user_with_role(AssociationFactory(), Role.OPERATOR, mfa=False)
    with pytest.raises(PermissionDenied):
        network.help_request_offer(help_request=help_request, by=outsider)
    assert _offers(help_request) == []


def test_offer_notifications_carry_the_public_summary_and_no_private_detail(
    ranked_five, operator, django_capture_on_commit_callbacks
):
    help_request, volunteers = ranked_five
    _settings(help_request.association, offer_count=3)
    with django_capture_on_commit_callbacks(execute=True):
        network.help_request_offer(help_request=help_request, by=operator)

    notifications = _notified("emergencies.help_offer")
    assert {n.recipient_id for n in notifications} == {_user(v).pk for v in volunteers[:3]}
    for notification in notifications:
        assert SUMMARY in notification.body
        shown = f"{notification.title}\n{notification.body}\n{notification.context}"
        assert not [part for part in PRIVATE_PARTS if part in shown], shown
        assert notification.url  # one tap to the offer
    # The e-mails that carry them, too.
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        sent = message.subject + message.body + message.alternatives[0][0]
        assert not [part for part in PRIVATE_PARTS if part in sent]


def test_two_offer_rounds_never_ask_the_same_volunteer_twice(ranked_five, operator):
    help_request, (best, second, third, fourth, fifth) = ranked_five
    _settings(help_request.association, offer_count=2)
    network.help_request_offer(help_request=help_request, by=operator)
    Offer.objects.filter(request=help_request).update(status=O.DECLINED)
    network.help_request_offer(help_request=help_request, by=operator)
    network.help_request_offer(help_request=help_request, by=operator)
    assert [(v, r) for v, r, *_ in _offers(help_request)] == [
        (best.pk, 1),
        (second.pk, 1),
        (third.pk, 2),
        (fourth.pk, 2),
        (fifth.pk, 3),
    ]


# --- Accepting --------------------------------------------------------------------------


def test_the_first_to_accept_gets_the_task_and_the_others_are_told(
    ranked_five, operator, requester
):
    help_request, (best, second, third, *_rest) = ranked_five
    _settings(help_request.association, offer_count=3)
    offers = network.help_request_offer(help_request=help_request, by=operator)

    network.offer_accept(offer=offers[1], by=_user(second))

    help_request.refresh_from_db()
    assert (help_request.status, help_request.volunteer_id) == (R.ASSIGNED, second.pk)
    assert help_request.assigned_at is not None
    assert _offers(help_request) == [
        (best.pk, 1, 1, O.TAKEN),
        (second.pk, 1, 2, O.ACCEPTED),
        (third.pk, 1, 3, O.TAKEN),
    ]
    assert _recipients("emergencies.help_offer_taken") == {_user(best).pk, _user(third).pk}
    assert _recipients("emergencies.help_assigned") == {requester.pk}
    with pytest.raises(network.AlreadyTaken):
        network.offer_accept(offer=offers[0], by=_user(best))
    help_request.refresh_from_db()
    assert help_request.volunteer_id == second.pk


def test_nobody_accepts_an_offer_made_to_someone_else(ranked_five, operator):
    help_request, (_best, second, *_rest) = ranked_five
    offers = network.help_request_offer(help_request=help_request, by=operator)
    with pytest.raises(PermissionDenied):
        network.offer_accept(offer=offers[0], by=_user(second))
    with pytest.raises(PermissionDenied):
        network.offer_decline(offer=offers[0], by=_user(second))
    assert Offer.objects.get(pk=offers[0].pk).status == O.PENDING


def _at_the_same_moment(action, offers) -> dict[int, str]:
    """``action(offer=…, by=…)`` by each offer's volunteer, in threads with their own
    database connections, released together: what each got ("ok", "already taken", or
    the error)."""
    barrier = threading.Barrier(len(offers))
    outcomes = {}

    def run(offer_pk: int) -> None:
        try:
            offer = Offer.objects.select_related("volunteer__member__user").get(pk=offer_pk)
            barrier.wait(timeout=10)
            action(offer=offer, by=offer.volunteer.member.user)
            outcomes[offer_pk] = "ok"
        except network.AlreadyTaken:
            outcomes[offer_pk] = "already taken"
        except Exception as error:  # shown by the caller's assertion
            outcomes[offer_pk] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(offer.pk,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _slowed_down(monkeypatch, name: str) -> None:
    """``network.<name>`` takes a moment longer, inside the caller's transaction: the
    first thread keeps its locks (and its writes uncommitted) while the other catches
    up, as happens by chance under load."""
    original = getattr(network, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        clock_time.sleep(0.3)
        return result

    monkeypatch.setattr(network, name, slow)


def _offered_to_two(association, **fields):
    member = MemberFactory(association=association)
    volunteers = [_volunteer(association), _volunteer(association)]
    help_request = HelpRequestFactory(
        association=association, member=member, status=R.OFFERED, offer_round=1, **fields
    )
    offers = [
        OfferFactory(request=help_request, volunteer=volunteer, rank=rank)
        for rank, volunteer in enumerate(volunteers, start=1)
    ]
    return help_request, offers


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_accepting_at_the_same_moment_only_one_is_assigned(monkeypatch):
    help_request, offers = _offered_to_two(AssociationFactory())
    # The winner tells the others after its claim, before committing.
    _slowed_down(monkeypatch, "notify_many")

    outcomes = _at_the_same_moment(network.offer_accept, offers)

    assert sorted(outcomes.values()) == ["already taken", "ok"], outcomes
    (winner,) = [pk for pk, outcome in outcomes.items() if outcome == "ok"]
    (loser,) = [pk for pk in outcomes if pk != winner]
    help_request.refresh_from_db()
    assert help_request.status == R.ASSIGNED
    assert help_request.volunteer_id == Offer.objects.get(pk=winner).volunteer_id
    assert Offer.objects.get(pk=winner).status == O.ACCEPTED
    assert Offer.objects.get(pk=loser).status == O.TAKEN
    loser_user = Offer.objects.get(pk=loser).volunteer.member.user
    assert _recipients("emergencies.help_offer_taken") == {loser_user.pk}


@pytest.mark.django_db(transaction=True)
def test_one_volunteer_accepting_two_tasks_at_once_stays_within_their_maximum(monkeypatch):
    association = AssociationFactory()
    volunteer = _volunteer(association, max_active_tasks=1)
    offers = [
        OfferFactory(
            request=HelpRequestFactory(association=association, status=R.OFFERED, offer_round=1),
            volunteer=volunteer,
        )
        for _ in range(2)
    ]
    # Each tells its requester after its claim, before committing.
    _slowed_down(monkeypatch, "_tell_requester")

    outcomes = _at_the_same_moment(network.offer_accept, offers)

    assert "ok" in outcomes.values(), outcomes
    assert HelpRequest.objects.filter(volunteer=volunteer).assigned().count() == 1


def test_a_volunteer_at_their_maximum_cannot_accept(ranked_five, operator):
    help_request, (best, *_rest) = ranked_five
    offers = network.help_request_offer(help_request=help_request, by=operator)
    best.max_active_tasks = 1
    best.save(update_fields=["max_active_tasks"])
    _assigned_task(help_request.association, best)  # took another task meanwhile
    with pytest.raises(network.NotAllowed):
        network.offer_accept(offer=offers[0], by=_user(best))
    help_request.refresh_from_db()
    assert (help_request.status, help_request.volunteer) == (R.OFFERED, None)


# --- Declines and timeouts ----------------------------------------------------------------


def test_when_everyone_asked_declines_the_next_candidates_are_asked(ranked_five, operator):
    help_request, (best, second, third, fourth, _fifth) = ranked_five
    _settings(help_request.association, offer_count=2)
    first_round = network.help_request_offer(help_request=help_request, by=operator)

    network.offer_decline(offer=first_round[0], by=_user(best))
    assert len(_offers(help_request)) == 2  # the second may still accept

    network.offer_decline(offer=first_round[1], by=_user(second))
    assert _offers(help_request) == [
        (best.pk, 1, 1, O.DECLINED),
        (second.pk, 1, 2, O.DECLINED),
        (third.pk, 2, 1, O.PENDING),
        (fourth.pk, 2, 2, O.PENDING),
    ]
    assert _recipients("emergencies.help_offer") == {
        _user(v).pk for v in (best, second, third, fourth)
    }
    with pytest.raises(network.AlreadyTaken):  # declining twice does not move on twice
        network.offer_decline(offer=first_round[1], by=_user(second))
    assert len(_offers(help_request)) == 4


@pytest.mark.django_db(transaction=True)
def test_the_last_two_declining_at_the_same_moment_still_move_on(monkeypatch):
    association = AssociationFactory()
    help_request, offers = _offered_to_two(association)
    third = _volunteer(association)
    # Each checks whether anyone else is still to answer, then commits a moment later.
    _slowed_down(monkeypatch, "_move_on_if_nobody_left")

    outcomes = _at_the_same_moment(network.offer_decline, offers)

    assert sorted(outcomes.values()) == ["ok", "ok"], outcomes
    # Nobody is left to answer: the request must not wait for ever.
    assert _offers(help_request)[2:] == [(third.pk, 2, 1, O.PENDING)]


def test_an_unanswered_offer_moves_on_to_the_next_candidates_once(
    ranked_five, operator, frozen_now
):
    help_request, (best, second, third, fourth, _fifth) = ranked_five
    _settings(help_request.association, offer_count=2, offer_timeout_minutes=60)
    first_round = network.help_request_offer(help_request=help_request, by=operator)
    network.offer_decline(offer=first_round[0], by=_user(best))

    frozen_now.advance(minutes=59, seconds=59)
    assert network.offers_expire() == 0
    assert len(_offers(help_request)) == 2

    frozen_now.advance(seconds=1)
    assert network.offers_expire() == 1
    assert network.offers_expire() == 0  # a second run (or a retried task) finds nothing
    assert _offers(help_request) == [
        (best.pk, 1, 1, O.DECLINED),
        (second.pk, 1, 2, O.EXPIRED),
        (third.pk, 2, 1, O.PENDING),
        (fourth.pk, 2, 2, O.PENDING),
    ]
    second_round = Offer.objects.filter(request=help_request, round=2)
    assert {o.expires_at for o in second_round} == {frozen_now.now + timedelta(minutes=60)}
    help_request.refresh_from_db()
    assert (help_request.status, help_request.offer_round) == (R.OFFERED, 2)


def test_when_nobody_is_left_the_request_is_unmatched_and_the_operator_told_once(
    ranked_five, operator, frozen_now
):
    help_request, _volunteers = ranked_five
    HelpRequest.objects.filter(pk=help_request.pk).update(opened_by=operator)
    other_operator = user_with_role(help_request.association, Role.OPERATOR, mfa=False)
    _settings(help_request.association, offer_count=2, offer_timeout_minutes=60)
    network.help_request_offer(help_request=help_request, by=operator)
    for _round in range(3):  # 2 + 2 + 1 volunteers, then nobody
        frozen_now.advance(hours=1)
        assert network.offers_expire() == 1
        assert network.offers_expire() == 0

    help_request.refresh_from_db()
    assert help_request.status == R.UNMATCHED
    assert [round_ for _v, round_, *_ in _offers(help_request)] == [1, 1, 2, 2, 3]
    assert {status for *_, status in _offers(help_request)} == {O.EXPIRED}
    frozen_now.advance(hours=1)
    assert network.offers_expire() == 0
    network.help_request_offer(help_request=help_request, by=operator)  # asked again: nobody
    (alert,) = _notified("emergencies.help_unmatched")
    assert alert.recipient == operator  # who opened it, not every operator
    assert other_operator.pk not in _recipients("emergencies.help_unmatched")
    assert alert.context["number"] == help_request.pk  # the title names the request


def test_a_request_nobody_can_take_tells_every_operator_when_a_member_opened_it(
    association, requester, operator
):
    other_operator = user_with_role(association, Role.OPERATOR, mfa=False)
    help_request = _request(association, requester.member_profiles.get(), opened_by=requester)
    assert network.help_request_offer(help_request=help_request, by=operator) == []
    help_request.refresh_from_db()
    assert help_request.status == R.UNMATCHED
    assert _recipients("emergencies.help_unmatched") == {operator.pk, other_operator.pk}


# --- Completion ---------------------------------------------------------------------------


def _assigned(ranked_five, operator):
    help_request, (best, *others) = ranked_five
    offers = network.help_request_offer(help_request=help_request, by=operator)
    network.offer_accept(offer=offers[0], by=_user(best))
    help_request.refresh_from_db()
    return help_request, best, others


def test_done_then_confirmed_puts_the_volunteer_on_the_path_and_thanks_them(
    ranked_five, operator, requester
):
    help_request, volunteer, (second, *_rest) = _assigned(ranked_five, operator)
    with pytest.raises(PermissionDenied):
        network.help_request_done(help_request=help_request, by=_user(second), minutes_spent=90)

    network.help_request_done(help_request=help_request, by=_user(volunteer), minutes_spent=90)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.minutes_spent) == (R.DONE, 90)
    assert help_request.done_at is not None
    assert requester.pk in _recipients("emergencies.help_done")
    assert not EmpowermentStep.objects.filter(member=volunteer.member).exists()

    network.help_request_confirm(help_request=help_request, by=requester, thanks=" Grazie! ")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.thanks) == (R.CONFIRMED, "Grazie!")
    step = EmpowermentStep.objects.get(member=volunteer.member)
    assert step.stage == "volunteer"
    (thanks,) = _notified("emergencies.help_thanks")
    assert thanks.recipient == _user(volunteer)

    with pytest.raises(network.NotAllowed):  # confirming twice changes nothing
        network.help_request_confirm(help_request=help_request, by=requester)
    assert EmpowermentStep.objects.filter(member=volunteer.member).count() == 1
    assert len(_notified("emergencies.help_thanks")) == 1


def test_only_the_person_helped_or_staff_confirm(ranked_five, operator):
    help_request, volunteer, _others = _assigned(ranked_five, operator)
    network.help_request_done(help_request=help_request, by=_user(volunteer), minutes_spent=30)
    with pytest.raises(PermissionDenied):
        network.help_request_confirm(help_request=help_request, by=_user(volunteer))
    network.help_request_confirm(help_request=help_request, by=operator)
    help_request.refresh_from_db()
    assert help_request.status == R.CONFIRMED


# --- Private details -----------------------------------------------------------------------


def test_private_details_reach_staff_the_person_helped_and_the_assigned_volunteer_only(
    ranked_five, operator, requester, frozen_now
):
    help_request, (best, second, *_rest) = ranked_five
    _settings(help_request.association, offer_count=2, details_grace_hours=24)
    outsider = user_with_role(AssociationFactory(), Role.OPERATOR, Role.COORDINATOR, mfa=False)
    offers = network.help_request_offer(help_request=help_request, by=operator)

    def visible(user) -> bool:
        return network.details_visible_to(HelpRequest.objects.get(pk=help_request.pk), user)

    assert visible(operator)
    assert visible(requester)
    assert not visible(_user(best))  # offered, not yet accepted
    assert not visible(outsider)

    network.offer_accept(offer=offers[0], by=_user(best))
    assert visible(_user(best))
    assert not visible(_user(second))

    help_request.refresh_from_db()
    network.help_request_done(help_request=help_request, by=_user(best), minutes_spent=60)
    frozen_now.advance(hours=23, minutes=59)
    assert visible(_user(best))  # the grace period, to finish what is left
    frozen_now.advance(minutes=1)
    assert not visible(_user(best))
    assert visible(operator)
    assert visible(requester)


def test_the_grace_period_counts_from_when_the_task_was_done(ranked_five, operator):
    help_request, volunteer, _others = _assigned(ranked_five, operator)
    _settings(help_request.association, details_grace_hours=2)
    network.help_request_done(help_request=help_request, by=_user(volunteer), minutes_spent=60)
    help_request.refresh_from_db()
    user = _user(volunteer)
    later = help_request.done_at + timedelta(hours=2)
    assert network.details_visible_to(help_request, user, now=later - timedelta(seconds=1))
    assert not network.details_visible_to(help_request, user, now=later)


# --- Debriefs ------------------------------------------------------------------------------


def test_a_debrief_asking_for_a_call_tells_the_operators_without_the_note(ranked_five, operator):
    help_request, volunteer, _others = _assigned(ranked_five, operator)
    other_operator = user_with_role(help_request.association, Role.OPERATOR, mfa=False)
    coordinator = user_with_role(help_request.association, Role.COORDINATOR, mfa=False)
    note = "Mi è tornato in mente il viaggio in mare, non dormo."

    debrief = network.debrief_create(
        volunteer=volunteer,
        by=_user(volunteer),
        feeling="shaken",
        note=note,
        wants_callback=True,
        help_request=help_request,
    )

    assert debrief.note == note
    notifications = _notified("emergencies.debrief_callback")
    assert {n.recipient_id for n in notifications} == {operator.pk, other_operator.pk}
    assert coordinator.pk not in {n.recipient_id for n in notifications}
    for notification in notifications:
        shown = f"{notification.title}\n{notification.body}\n{notification.context}"
        assert "viaggio" not in shown
        assert "dormo" not in shown


def test_a_debrief_without_a_call_back_tells_nobody(ranked_five, operator):
    help_request, volunteer, (second, *_rest) = _assigned(ranked_five, operator)
    network.debrief_create(volunteer=volunteer, by=_user(volunteer), feeling="fine")
    assert _notified("emergencies.debrief_callback") == []
    with pytest.raises(PermissionDenied):  # nobody writes someone else's debrief
        network.debrief_create(volunteer=volunteer, by=_user(second), feeling="fine")
    with pytest.raises(PermissionDenied):  # nor one about a task that was not theirs
        network.debrief_create(
            volunteer=second, by=_user(second), feeling="tired", help_request=help_request
        )


# --- Creating a request ----------------------------------------------------------------


def test_a_member_asking_for_themselves_reaches_the_operators(association, requester, operator):
    starts_at = datetime(2030, 5, 7, 9, tzinfo=timezone.get_default_timezone())
    help_request = network.help_request_create(
        association=association,
        member=requester.member_profiles.get(),
        by=requester,
        kind=RequestKind.ONLINE_FORM,
        public_summary="  Aiuto con la domanda online per il bonus affitto.  ",
        private_details=PRIVATE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
    )
    assert help_request.public_summary == "Aiuto con la domanda online per il bonus affitto."
    assert _recipients("emergencies.help_request_new") == {operator.pk}
    (notification,) = _notified("emergencies.help_request_new")
    assert not [part for part in PRIVATE_PARTS if part in notification.body + notification.title]
