"""The solidarity network's pages: who sees a help request and how, what a volunteer
sees before and after accepting (and once the task is over), the ranking's reasons, the
offer in one tap, the volunteer's own space, debriefs, settings, the forms' answers to
bad input, the lists' query counts and the data-protection registrations."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from emergencies import services
from emergencies.models import Debrief, HelpRequest, NetworkSettings, Offer, RequestKind
from members import privacy
from members.models import Language, Member, Notification, Role, Skill
from members.services.volunteers import skills_seed_defaults
from tests.factories import (
    MemberFactory,
    SkillFactory,
    UserFactory,
    VolunteerProfileFactory,
    user_with_role,
)

from .factories import CaseFactory
from .factories_network import DebriefFactory, HelpRequestFactory, OfferFactory, volunteer_user

pytestmark = pytest.mark.django_db

SECRET = "Fatima Benali, via Roma 12, 333 111 2222: visita cardiologica."
PHONE = "+39 320 987 6543"


def _detail(help_request):
    return reverse("emergencies:help-request-detail", kwargs={"pk": help_request.pk})


def _offer_url(name, offer):
    return reverse(f"emergencies:{name}", kwargs={"pk": offer.pk})


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def person(association):
    """The person helped, with an account of their own."""
    user = user_with_role(association, Role.MEMBER, first_name="Fatima", last_name="Benali")
    member = Member.objects.get(user=user)
    member.phone = PHONE
    member.save(update_fields=["phone"])
    return member


@pytest.fixture
def help_request(association, person):
    return HelpRequestFactory(association=association, member=person, private_details=SECRET)


@pytest.fixture
def volunteer(association):
    return volunteer_user(association, first_name="Ahmed")


@pytest.fixture
def offered(help_request, volunteer, operator_client):
    """The request offered (by the service) to the one volunteer of the association."""
    offers = services.help_request_offer(help_request=help_request, by=operator_client.user)
    assert [offer.volunteer_id for offer in offers] == [volunteer.volunteer.pk]
    return offers[0]


# --- Who sees a help request ---------------------------------------------------------


def test_staff_see_everything_the_person_their_own_words_anyone_else_404(
    help_request, operator_client, outsider_client, facilitator_client, member_client, person
):
    staff_page = operator_client.get(_detail(help_request))
    assert staff_page.status_code == 200
    assert SECRET in staff_page.content.decode()

    own = _signed_in(person.user).get(_detail(help_request))
    assert own.status_code == 200
    assert "Abbiamo ricevuto la tua richiesta" in own.content.decode()

    assert outsider_client.get(_detail(help_request)).status_code == 404
    assert facilitator_client.get(_detail(help_request)).status_code == 404
    assert member_client.get(_detail(help_request)).status_code == 404


def test_an_offer_is_only_its_volunteers(offered, volunteer, association, operator_client):
    assert _signed_in(volunteer).get(_offer_url("offer-detail", offered)).status_code == 200
    assert operator_client.get(_offer_url("offer-detail", offered)).status_code == 404
    other_client = _signed_in(volunteer_user(association))
    assert other_client.get(_offer_url("offer-detail", offered)).status_code == 404
    assert other_client.post(_offer_url("offer-accept", offered)).status_code == 404
    assert HelpRequest.objects.get(pk=offered.request_id).status == HelpRequest.Status.OFFERED


# --- Private details: before, during and after the task --------------------------------


def _without_secrets(text: str, person) -> None:
    assert SECRET not in text
    assert "via Roma 12" not in text
    assert PHONE not in text
    assert person.last_name not in text


def test_before_accepting_nothing_the_volunteer_reads_holds_the_private_details(
    offered, volunteer, client, person, help_request
):
    notifications = Notification.objects.filter(recipient=volunteer)
    assert notifications.count() == 1
    for notification in notifications:
        _without_secrets(f"{notification.title} {notification.body}", person)
        assert help_request.public_summary in notification.body
        assert notification.url == _offer_url("offer-detail", offered)

    client.force_login(volunteer)
    offer_page = client.get(_offer_url("offer-detail", offered))
    assert offer_page.status_code == 200
    text = offer_page.content.decode()
    _without_secrets(text, person)
    assert escape(help_request.public_summary) in text
    assert "Sì, posso aiutare" in text

    # The request's own page sends them to their offer, details still hidden.
    redirected = client.get(_detail(help_request), follow=True)
    assert redirected.redirect_chain[-1][0] == _offer_url("offer-detail", offered)
    _without_secrets(redirected.content.decode(), person)

    for name in ("members:notification-list", "emergencies:my-contributions", "home"):
        _without_secrets(client.get(reverse(name)).content.decode(), person)


def test_after_accepting_the_volunteer_sees_the_details_until_done_plus_grace(
    offered, volunteer, client, person, help_request, monkeypatch
):
    client.force_login(volunteer)
    accepted = client.post(_offer_url("offer-accept", offered))
    assert accepted.status_code == 302
    assert accepted["Location"] == _detail(help_request)

    task = client.get(_detail(help_request)).content.decode()
    assert SECRET in task
    assert PHONE in task
    assert "È tuo, grazie!" in task

    done = client.post(
        reverse("emergencies:help-request-done", kwargs={"pk": help_request.pk}),
        {"minutes_spent": "150"},
    )
    assert done.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.DONE
    assert help_request.minutes_spent == 150
    # Within the grace period (24 hours by default) they are still there.
    assert SECRET in client.get(_detail(help_request)).content.decode()

    later = help_request.done_at + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    gone = client.get(_detail(help_request))
    assert gone.status_code == 200
    text = gone.content.decode()
    _without_secrets(text, person)
    assert "Grazie per il tuo aiuto!" in text
    assert "non sono più mostrati" in text


def test_a_shorter_grace_period_hides_the_details_sooner(
    offered, volunteer, client, help_request, association, person, monkeypatch
):
    NetworkSettings.objects.update_or_create(
        association=association, defaults={"details_grace_hours": 1}
    )
    help_request = services.offer_accept(offer=offered, by=volunteer)
    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=60)
    help_request.refresh_from_db()
    client.force_login(volunteer)
    monkeypatch.setattr(timezone, "now", lambda: help_request.done_at + timedelta(minutes=61))
    _without_secrets(client.get(_detail(help_request)).content.decode(), person)


# --- One tap: accept, already taken, decline -----------------------------------------


def test_the_second_volunteer_to_accept_sees_already_taken(
    help_request, association, operator_client, client
):
    first, second = volunteer_user(association), volunteer_user(association)
    offers = services.help_request_offer(help_request=help_request, by=operator_client.user)
    by_user = {offer.volunteer.member.user_id: offer for offer in offers}
    client.force_login(first)
    assert client.post(_offer_url("offer-accept", by_user[first.pk])).status_code == 302

    late = _signed_in(second)
    response = late.post(_offer_url("offer-accept", by_user[second.pk]))
    assert response.status_code == 409
    text = response.content.decode()
    assert "Già preso" in text
    _without_secrets(text, help_request.member)
    page = late.get(_offer_url("offer-detail", by_user[second.pk])).content.decode()
    assert "Un altro volontario ha detto sì per primo" in page
    help_request.refresh_from_db()
    assert help_request.volunteer.member.user_id == first.pk


def test_declining_moves_on_and_thanks_the_volunteer(offered, volunteer, client):
    client.force_login(volunteer)
    response = client.post(_offer_url("offer-decline", offered), follow=True)
    assert response.redirect_chain[-1][0] == reverse("emergencies:my-contributions")
    assert "Grazie per aver risposto" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == Offer.Status.DECLINED
    # Nobody else to ask: the operator is told the request is unmatched.
    assert HelpRequest.objects.get(pk=offered.request_id).status == HelpRequest.Status.UNMATCHED


# --- Operators: list, ranking, offers, hours --------------------------------------------


@pytest.mark.parametrize("n", [1, 30])
def test_help_request_list_query_count_is_constant(
    operator_client, association, django_assert_num_queries, n
):
    for index in range(n):
        help_request = HelpRequestFactory(association=association)
        if index % 2:
            volunteer = VolunteerProfileFactory(member__association=association)
            HelpRequest.objects.filter(pk=help_request.pk).update(
                status=HelpRequest.Status.ASSIGNED, volunteer=volunteer, assigned_at=timezone.now()
            )
        else:
            OfferFactory(request=help_request)
    # session, user, memberships, MFA check, count, page of requests with the person,
    # the volunteer and the waiting offers
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("emergencies:help-request-list"))
    assert len(response.context["page"].object_list) == min(n, 25)


@pytest.mark.parametrize("n", [1, 30])
def test_debrief_list_query_count_is_constant(
    operator_client, association, django_assert_num_queries, n
):
    for _ in range(n):
        DebriefFactory(
            volunteer=VolunteerProfileFactory(member__association=association),
            request=HelpRequestFactory(association=association),
            wants_callback=True,
        )
    # session, user, memberships, MFA check, count, page of debriefs with the volunteer,
    # their entry, the task and who handled it
    with django_assert_num_queries(6):
        response = operator_client.get(reverse("emergencies:debrief-list"))
    assert len(response.context["page"].object_list) == min(n, 25)


@pytest.mark.parametrize("n", [1, 30])
def test_my_contributions_query_count_is_constant(
    volunteer, association, client, django_assert_num_queries, n
):
    for index in range(n):
        help_request = HelpRequestFactory(association=association, thanks=f"Grazie {index}")
        HelpRequest.objects.filter(pk=help_request.pk).update(
            status=HelpRequest.Status.CONFIRMED,
            volunteer=volunteer.volunteer,
            assigned_at=timezone.now(),
            done_at=timezone.now(),
            confirmed_at=timezone.now(),
            minutes_spent=60,
        )
        OfferFactory(volunteer=volunteer.volunteer, request__association=association)
    client.force_login(volunteer)
    # session, user, memberships, the person's entry, their profile, the totals, active
    # tasks, pending offers with their requests, thanks, tasks to debrief, recent tasks
    with django_assert_num_queries(11):
        response = client.get(reverse("emergencies:my-contributions"))
    assert response.context["done_count"] == n


def test_the_list_puts_open_requests_first_and_filters_by_status(operator_client, association):
    done = HelpRequestFactory(association=association, public_summary="Fatto da tempo")
    HelpRequest.objects.filter(pk=done.pk).update(status=HelpRequest.Status.CANCELLED)
    waiting = HelpRequestFactory(association=association, public_summary="Ancora da fare")
    page = operator_client.get(reverse("emergencies:help-request-list")).content.decode()
    assert page.index("Ancora da fare") < page.index("Fatto da tempo")
    filtered = operator_client.get(reverse("emergencies:help-request-list"), {"status": "open"})
    assert [r.pk for r in filtered.context["page"].object_list] == [waiting.pk]


def test_the_ranking_shows_each_volunteers_reasons_in_words(operator_client, association):
    arabic = Language.objects.get(code="ar")
    interpreting = SkillFactory(
        association=association, kind=Skill.Kind.INTERPRETING, language=arabic
    )
    # Volunteers with an account: only they can be told of an offer.
    best = VolunteerProfileFactory(
        member__association=association, member__first_name="Samira", member__user=UserFactory()
    )
    best.skills.add(interpreting)
    best.member.languages.add(arabic)
    VolunteerProfileFactory(
        member__association=association,
        member__first_name="Luca",
        member__user=UserFactory(),
        zones="Periferia",
    )
    paused = VolunteerProfileFactory(
        member__association=association,
        member__first_name="Pausato",
        member__user=UserFactory(),
        paused_until=timezone.localdate() + timedelta(days=3),
    )
    help_request = HelpRequestFactory(association=association)
    help_request.skills.add(interpreting)
    help_request.languages.add(arabic)

    response = operator_client.get(_detail(help_request))
    rows = response.context["ranking"]
    assert [row["volunteer"].member.first_name for row in rows] == ["Samira", "Luca"]
    assert paused.pk not in [row["volunteer"].pk for row in rows]
    text = response.content.decode()
    assert "Competenze coperte: 1 su 1" in text
    assert "Competenze coperte: 0 su 1" in text
    assert "Lingue parlate: 1 su 1" in text
    assert "Aiuta in questa zona" in text
    assert "Aiuta in altre zone" in text
    assert "Non ha ancora aiutato" in text
    assert "Offri ai migliori 2" in text


def test_offering_to_the_best_sends_offers_and_says_so(operator_client, association):
    for _ in range(2):
        VolunteerProfileFactory(member__association=association, member__user=UserFactory())
    help_request = HelpRequestFactory(association=association)
    response = operator_client.post(
        reverse("emergencies:help-request-offer", kwargs={"pk": help_request.pk}), follow=True
    )
    assert "Offerta a 2 volontari" in response.content.decode()
    assert Offer.objects.filter(request=help_request).count() == 2
    assert len(response.context["offers"]) == 2


def test_offering_with_nobody_available_warns_the_operator(operator_client, association):
    help_request = HelpRequestFactory(association=association)
    response = operator_client.post(
        reverse("emergencies:help-request-offer", kwargs={"pk": help_request.pk}), follow=True
    )
    assert "Nessun volontario è disponibile" in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.UNMATCHED


def test_the_person_confirms_with_thanks_and_the_operator_confirms_the_hours(
    offered, volunteer, person, operator_client, help_request
):
    help_request = services.offer_accept(offer=offered, by=volunteer)
    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=90)
    person_client = _signed_in(person.user)
    page = person_client.get(_detail(help_request)).content.decode()
    assert "Il volontario dice che l'aiuto è stato dato" in page
    person_client.post(
        reverse("emergencies:help-request-confirm", kwargs={"pk": help_request.pk}),
        {"thanks": "Grazie di cuore, Ahmed!"},
    )
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CONFIRMED
    assert help_request.thanks == "Grazie di cuore, Ahmed!"

    staff_page = operator_client.get(_detail(help_request)).content.decode()
    assert "Conferma le ore" in staff_page
    operator_client.post(reverse("emergencies:help-request-hours", kwargs={"pk": help_request.pk}))
    help_request.refresh_from_db()
    assert help_request.hours_confirmed_at is not None

    volunteer_client = _signed_in(volunteer)
    mine = volunteer_client.get(reverse("emergencies:my-contributions"))
    assert mine.context["done_count"] == 1
    assert mine.context["confirmed_hours"] == 1.5
    assert "Grazie di cuore, Ahmed!" in mine.content.decode()


def test_the_person_can_cancel_their_request_and_the_offers_are_withdrawn(
    offered, person, client, help_request
):
    client.force_login(person.user)
    client.post(reverse("emergencies:help-request-cancel", kwargs={"pk": help_request.pk}))
    help_request.refresh_from_db()
    offered.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CANCELLED
    assert offered.status == Offer.Status.WITHDRAWN


def test_a_volunteer_cannot_confirm_their_own_task(offered, volunteer, client, help_request):
    help_request = services.offer_accept(offer=offered, by=volunteer)
    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=30)
    client.force_login(volunteer)
    response = client.post(
        reverse("emergencies:help-request-confirm", kwargs={"pk": help_request.pk})
    )
    assert response.status_code == 404
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.DONE


# --- New requests -------------------------------------------------------------------


def test_from_a_case_the_form_knows_the_person_and_the_case(operator_client, association):
    case = CaseFactory(association=association)
    url = reverse("emergencies:help-request-create") + f"?case={case.pk}"
    page = operator_client.get(url)
    assert page.status_code == 200
    assert case.member.full_name in page.content.decode()
    response = operator_client.post(
        url,
        {
            "member": case.member.pk,
            "case": case.pk,
            "kind": RequestKind.ACCOMPANY,
            "place": "questura",
            "public_summary": "",
            "private_details": "Appuntamento alle 9, sportello 3",
            "starts_at": _local(days=2, hour=8),
            "ends_at": _local(days=2, hour=12),
        },
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(help_request)
    assert help_request.case == case
    assert help_request.member == case.member
    assert help_request.opened_by == operator_client.user
    assert "Questura" in help_request.public_summary
    assert help_request.duration_minutes == 180


def test_the_case_page_offers_to_ask_the_network(operator_client, association):
    case = CaseFactory(association=association)
    page = operator_client.get(reverse("emergencies:case-detail", kwargs={"pk": case.pk}))
    assert f"/emergencies/network/requests/new/?case={case.pk}" in page.content.decode()
    assert "Chiedi alla rete" in page.content.decode()


def test_a_case_of_another_association_is_404_on_the_form(operator_client, other_association):
    case = CaseFactory(association=other_association)
    url = reverse("emergencies:help-request-create") + f"?case={case.pk}"
    assert operator_client.get(url).status_code == 404


def test_without_a_case_the_operator_finds_the_person_first(operator_client, association):
    member = MemberFactory(association=association, first_name="Mariam", last_name="Diallo")
    url = reverse("emergencies:help-request-create")
    first = operator_client.get(url).content.decode()
    assert "Prima trova la persona" in first
    assert 'name="public_summary"' not in first
    found = operator_client.get(url, {"q": "diallo"}).content.decode()
    assert f'href="?member={member.pk}"' in found
    chosen = operator_client.get(url, {"member": member.pk}).content.decode()
    assert "Per Mariam Diallo" in chosen
    assert 'name="public_summary"' in chosen


def test_the_usual_skills_are_chosen_when_none_is_ticked(operator_client, association):
    skills_seed_defaults(association=association)
    member = MemberFactory(association=association)
    operator_client.post(
        reverse("emergencies:help-request-create"),
        {
            "member": member.pk,
            "kind": RequestKind.ACCOMPANY,
            "languages": ["ar"],
            "starts_at": _local(days=1, hour=9),
            "ends_at": _local(days=1, hour=13),
        },
    )
    help_request = HelpRequest.objects.get()
    assert {skill.name_it for skill in help_request.skills.all()} == {
        "Accompagnamento ai servizi",
        "Interpretariato arabo",
    }


def _local(*, days: int, hour: int) -> str:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_the_create_form_answers_bad_input_in_italian_keeping_what_was_typed(
    operator_client, association
):
    member = MemberFactory(association=association, first_name="Awa", last_name="Ouedraogo")
    response = operator_client.post(
        reverse("emergencies:help-request-create"),
        {
            "member": member.pk,
            "kind": RequestKind.OTHER,
            "public_summary": "Chiamare Awa al 333 1234567",
            "private_details": "Citofono rotto, chiamare prima",
            "starts_at": _local(days=1, hour=12),
            "ends_at": _local(days=1, hour=10),
            "duration_minutes": "5",
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "sposta i numeri di telefono" in text
    assert "La fine deve venire dopo l&#x27;inizio." in text
    assert "Almeno 10 minuti." in text
    assert "Chiamare Awa al 333 1234567" in text
    assert "Citofono rotto, chiamare prima" in text
    assert "Awa Ouedraogo" in text  # the person chosen is still chosen
    assert not HelpRequest.objects.exists()

    named = operator_client.post(
        reverse("emergencies:help-request-create"),
        {
            "member": member.pk,
            "kind": RequestKind.OTHER,
            "public_summary": "Aiutare Ouedraogo a traslocare",
            "starts_at": _local(days=1, hour=9),
            "ends_at": _local(days=1, hour=12),
        },
    )
    assert named.status_code == 422
    assert "lascia fuori il nome della persona" in named.content.decode()

    nobody = operator_client.post(
        reverse("emergencies:help-request-create"),
        {"kind": RequestKind.LIFT, "starts_at": _local(days=1, hour=9), "ends_at": "ieri"},
    )
    assert nobody.status_code == 422
    text = nobody.content.decode()
    assert "Scegli la persona da aiutare" in text
    assert "Scrivi un giorno e un&#x27;ora" in text
    assert 'value="ieri"' in text


def test_a_member_asks_for_themself_and_the_operators_are_told(
    member_client, association, make_client
):
    operator = make_client(association, Role.OPERATOR)
    response = member_client.post(
        reverse("emergencies:help-request-ask"),
        {
            "kind": RequestKind.ONLINE_FORM,
            "public_summary": "Prenotare un appuntamento online",
            "private_details": "Ho lo SPID, mi serve aiuto col sito",
            "starts_at": _local(days=1, hour=15),
            "ends_at": _local(days=1, hour=18),
        },
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert help_request.member.user == member_client.user
    assert help_request.opened_by == member_client.user
    assert Notification.objects.filter(
        recipient=operator.user, kind="emergencies.help_request_new"
    ).exists()
    page = member_client.get(_detail(help_request)).content.decode()
    assert "Un operatore cercherà un volontario" in page


def test_the_ask_form_answers_bad_input_in_italian_keeping_what_was_typed(member_client):
    response = member_client.post(
        reverse("emergencies:help-request-ask"),
        {
            "kind": RequestKind.OTHER,
            "public_summary": "",
            "private_details": "Abito al terzo piano",
            "starts_at": _local(days=-3, hour=9),
            "ends_at": _local(days=-3, hour=11),
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Di&#x27; in poche parole di cosa c&#x27;è bisogno." in text
    assert "Quest&#x27;ora è già passata" in text
    assert "Abito al terzo piano" in text
    assert not HelpRequest.objects.exists()


def test_done_and_confirm_forms_answer_bad_input_in_italian(
    offered, volunteer, person, client, help_request
):
    help_request = services.offer_accept(offer=offered, by=volunteer)
    client.force_login(volunteer)
    done = client.post(
        reverse("emergencies:help-request-done", kwargs={"pk": help_request.pk}),
        {"minutes_spent": "0"},
    )
    assert done.status_code == 422
    assert "Almeno 1 minuto." in done.content.decode()
    assert 'value="0"' in done.content.decode()

    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=60)
    client.force_login(person.user)
    long_thanks = "Grazie! " * 70
    confirm = client.post(
        reverse("emergencies:help-request-confirm", kwargs={"pk": help_request.pk}),
        {"thanks": long_thanks},
    )
    assert confirm.status_code == 422
    assert "Resta sotto i 500 caratteri." in confirm.content.decode()
    assert long_thanks.strip() in confirm.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.DONE


# --- The volunteer's own space and debriefs ---------------------------------------------


def test_my_contributions_without_a_profile_invites_to_join(member_client):
    page = member_client.get(reverse("emergencies:my-contributions")).content.decode()
    assert "Entra nella rete di solidarietà" in page
    assert reverse("members:me-volunteer") in page


def test_my_contributions_lists_offers_tasks_and_asks_how_they_are(
    offered, volunteer, client, help_request, association
):
    client.force_login(volunteer)
    page = client.get(reverse("emergencies:my-contributions"))
    assert [o.pk for o in page.context["offers"]] == [offered.pk]
    help_request = services.offer_accept(offer=offered, by=volunteer)
    page = client.get(reverse("emergencies:my-contributions"))
    assert [t.pk for t in page.context["active_tasks"]] == [help_request.pk]
    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=45)
    page = client.get(reverse("emergencies:my-contributions"))
    assert [t.pk for t in page.context["to_debrief"]] == [help_request.pk]
    assert "Come stai dopo questo?" in page.content.decode()
    assert page.context["hours"] == 0.75


def test_a_debrief_with_a_callback_reaches_the_operators_first_in_their_list(
    offered, volunteer, client, help_request, operator_client
):
    help_request = services.offer_accept(offer=offered, by=volunteer)
    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=45)
    DebriefFactory(volunteer=VolunteerProfileFactory(member__association=help_request.association))
    client.force_login(volunteer)
    url = reverse("emergencies:debrief-create") + f"?request={help_request.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("emergencies:debrief-create"),
        {
            "request": help_request.pk,
            "feeling": Debrief.Feeling.SHAKEN,
            "note": "Una storia pesante",
            "wants_callback": "on",
        },
        follow=True,
    )
    assert "Un operatore ti chiamerà presto." in response.content.decode()
    debrief = Debrief.objects.get(request=help_request)
    assert debrief.wants_callback
    assert Notification.objects.filter(
        recipient=operator_client.user, kind="emergencies.debrief_callback"
    ).exists()
    # A second debrief of the same task is refused in words.
    again = client.post(
        reverse("emergencies:debrief-create"),
        {"request": help_request.pk, "feeling": Debrief.Feeling.FINE, "note": "Di nuovo"},
    )
    assert again.status_code == 422
    assert "Ci hai già detto come stai dopo questo compito." in again.content.decode()
    assert "Di nuovo" in again.content.decode()

    listed = operator_client.get(reverse("emergencies:debrief-list"))
    assert listed.context["page"].object_list[0] == debrief
    assert "Chiede di essere richiamato" in listed.content.decode()
    handled = operator_client.post(
        reverse("emergencies:debrief-handle", kwargs={"pk": debrief.pk}), HTTP_HX_REQUEST="true"
    )
    assert handled.status_code == 200
    assert "gestito" in handled.content.decode()
    debrief.refresh_from_db()
    assert debrief.handled_by == operator_client.user


def test_the_debrief_form_answers_bad_input_in_italian_keeping_the_note(volunteer, client):
    client.force_login(volunteer)
    response = client.post(reverse("emergencies:debrief-create"), {"note": "Non so dire"})
    assert response.status_code == 422
    assert "Scegli come stai: non c&#x27;è una risposta sbagliata." in response.content.decode()
    assert "Non so dire" in response.content.decode()


def test_a_debrief_is_404_for_someone_elses_task_or_without_a_profile(
    help_request, volunteer, client, member_client
):
    client.force_login(volunteer)
    url = reverse("emergencies:debrief-create") + f"?request={help_request.pk}"
    assert client.get(url).status_code == 404
    assert member_client.get(reverse("emergencies:debrief-create")).status_code == 404


def test_debriefs_of_another_association_are_404(outsider_client, association):
    debrief = DebriefFactory(volunteer=VolunteerProfileFactory(member__association=association))
    url = reverse("emergencies:debrief-handle", kwargs={"pk": debrief.pk})
    assert outsider_client.post(url).status_code == 404


# --- Settings -----------------------------------------------------------------------


def test_the_coordinator_sets_the_network_and_bad_input_is_answered_in_italian(
    coordinator_client, operator_client, association
):
    url = reverse("emergencies:network-settings")
    assert operator_client.get(url).status_code == 403
    bad = coordinator_client.post(
        url, {"offer_count": "0", "offer_timeout_minutes": "60", "details_grace_hours": "12"}
    )
    assert bad.status_code == 422
    assert "Assicurati che questo valore sia maggiore o uguale a 1." in bad.content.decode()
    assert 'value="0"' in bad.content.decode()
    coordinator_client.post(
        url, {"offer_count": "5", "offer_timeout_minutes": "60", "details_grace_hours": "12"}
    )
    settings = NetworkSettings.objects.get(association=association)
    assert (settings.offer_count, settings.offer_timeout_minutes) == (5, 60)


# --- Registries: home, staff page of a person, data protection ---------------------------


def test_home_links_for_members_and_staff(member_client, operator_client):
    member_home = member_client.get(reverse("home")).content.decode()
    assert reverse("emergencies:help-request-ask") in member_home
    assert reverse("emergencies:my-contributions") in member_home
    staff_home = operator_client.get(reverse("home")).content.decode()
    assert reverse("emergencies:help-request-list") in staff_home


def test_the_staff_page_of_a_person_lists_their_help_requests(
    operator_client, help_request, person
):
    page = operator_client.get(reverse("members:member-detail", kwargs={"pk": person.pk}))
    text = page.content.decode()
    assert _detail(help_request) in text
    assert f"?member={person.pk}" in text


def test_export_anonymise_hold_and_activity_of_the_network(
    offered, volunteer, help_request, person
):
    help_request = services.offer_accept(offer=offered, by=volunteer)
    helped = {section.code: section.collect(person) for section in privacy.EXPORT_SECTIONS}
    assert helped["help_requests"][0]["details"] == SECRET
    assert helped["network_volunteering"] is None
    volunteer_member = volunteer.volunteer.member
    given = next(s for s in privacy.EXPORT_SECTIONS if s.code == "network_volunteering")
    tasks = given.collect(volunteer_member)["tasks"]
    assert tasks[0]["request"] == help_request.pk
    assert SECRET not in str(given.collect(volunteer_member))

    # In progress: held for the person helped and for the volunteer.
    members = Member.objects.filter(pk__in=[person.pk, volunteer_member.pk])
    assert privacy.held_member_ids(members) >= {person.pk, volunteer_member.pk}
    assert any("in corso" in str(hold.label) for hold in privacy.holds_for(person))
    assert privacy.latest_activity(members)[person.pk] == help_request.created_at

    services.help_request_done(help_request=help_request, by=volunteer, minutes_spent=30)
    services.help_request_confirm(help_request=help_request, by=person.user, thanks="Grazie!")
    DebriefFactory(volunteer=volunteer.volunteer, request=help_request, note="Dura")
    anonymiser = next(a for a in privacy.ANONYMISERS if a.code == "network")
    anonymiser.run(person)
    anonymiser.run(volunteer_member)
    help_request.refresh_from_db()
    assert (help_request.private_details, help_request.public_summary, help_request.thanks) == (
        "",
        "",
        "",
    )
    assert not HelpRequest.history.filter(member_id=person.pk).exists()
    assert Debrief.objects.get(request=help_request).note == ""
    assert help_request.status == HelpRequest.Status.CONFIRMED  # still counted
