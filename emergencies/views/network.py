"""The solidarity network's pages: operators' help requests with the ranking of
volunteers and the offers, a member asking for a hand, the volunteer's offer (one tap to
accept), their task and their own space, the debriefs after a task, and the network's
settings.

A help request is shown to three people in three ways: the association's staff see it
all; the person helped sees where it stands in plain words; the volunteer assigned sees
the task, and the private details only while ``services.details_visible_to`` says so.
Anyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import STAFF_ROLES, Member, Role, Skill, VolunteerProfile
from members.selectors import member_list, member_of_user

from .. import services
from ..forms.network import (
    AskForm,
    ConfirmForm,
    DebriefForm,
    DoneForm,
    HelpRequestForm,
    NetworkSettingsForm,
    RequestFilterForm,
)
from ..matching import RESTED_AFTER_DAYS
from ..models import Case, Debrief, HelpRequest, Offer
from .cases import case_get_for_user

R = HelpRequest.Status
PAGE_SIZE = 25
#: The ranking shows this many volunteers: enough to choose, short enough to read.
RANKING_SHOWN = 15
#: A finished task asks "how are you after this?" for this many days.
DEBRIEF_DAYS = 14

STAFF, PERSON, VOLUNTEER = "staff", "person", "volunteer"


def _is_staff(request) -> bool:
    return bool(request.membership and request.membership.has_role(*STAFF_ROLES))


def _requests():
    return HelpRequest.objects.select_related(
        "association", "member", "case", "volunteer__member", "opened_by"
    )


def help_request_get_for_user(*, request, pk: int) -> tuple[HelpRequest, str]:
    """The one way views reach a help request, and as whom: the association's staff, the
    volunteer it is assigned to, or the person helped. Anyone else: 404."""
    help_request = get_object_or_404(_requests(), pk=pk)
    user = request.user
    if _is_staff(request) and help_request.association_id == request.association.pk:
        return help_request, STAFF
    if help_request.volunteer_id and help_request.volunteer.member.user_id == user.pk:
        return help_request, VOLUNTEER
    if help_request.member.user_id == user.pk:
        return help_request, PERSON
    raise Http404(_("No such request."))


def _own_offer_or_404(request, pk: int) -> Offer:
    """A volunteer's own offer, whichever association it came from."""
    return get_object_or_404(
        Offer.objects.select_related("request", "volunteer__member"),
        pk=pk,
        volunteer__member__user=request.user,
    )


def _own_member_or_404(request) -> Member:
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    return member


def _own_volunteer(request) -> VolunteerProfile | None:
    return (
        VolunteerProfile.objects.filter(member=_own_member_or_404(request))
        .select_related("member")
        .first()
    )


# --- Words for people ----------------------------------------------------------------


def reason_words(reason: dict) -> tuple[str, bool]:
    """One reason of a volunteer's score, as a short sentence, and whether it speaks for
    them."""
    code = reason.get("code")
    if code in ("skills", "languages"):
        covered, needed = reason["covered"], reason["needed"]
        if not needed:
            nothing = {
                "skills": _("No particular skill needed"),
                "languages": _("No particular language needed"),
            }
            return nothing[code], True
        label = _("Skills covered") if code == "skills" else _("Languages spoken")
        return _("%(label)s: %(covered)s of %(needed)s") % {
            "label": label,
            "covered": covered,
            "needed": needed,
        }, covered == needed
    if code == "zone":
        if reason["match"]:
            return _("Helps in this zone"), True
        return _("Helps in other zones"), False
    if code == "availability":
        return _("Free %(minutes)s minutes in the window (%(needed)s needed)") % reason, reason[
            "minutes"
        ] >= reason["needed"]
    if code == "load":
        return ngettext(
            "%(active)s task now, %(max)s at most",
            "%(active)s tasks now, %(max)s at most",
            reason["active"],
        ) % reason, reason["active"] == 0
    if code == "rest":
        days = reason["days"]
        if days is None:
            return _("Has not helped yet"), True
        if days >= RESTED_AFTER_DAYS:
            return _("Last helped %(days)s or more days ago") % {"days": RESTED_AFTER_DAYS}, True
        if days == 0:
            return _("Helped today"), False
        return ngettext("Last helped %(days)s day ago", "Last helped %(days)s days ago", days) % {
            "days": days
        }, days >= 7
    return "", True


def _reasons(reasons) -> list[dict]:
    return [
        {"text": text, "ok": ok}
        for text, ok in (reason_words(reason) for reason in reasons or ())
        if text
    ]


# --- Lists ---------------------------------------------------------------------------

#: Open requests first (the unmatched ones need someone most), then those in progress.
LIST_ORDER = CaseWhen(
    When(status=R.UNMATCHED, then=Value(0)),
    When(status=R.OPEN, then=Value(1)),
    When(status=R.OFFERED, then=Value(2)),
    When(status=R.DONE, then=Value(3)),
    When(status=R.ASSIGNED, then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)


@role_required(*STAFF_ROLES)
def help_request_list_view(request):
    filters = RequestFilterForm(request.GET or None)
    requests = (
        HelpRequest.objects.for_association(request.association)
        .select_related("member", "volunteer__member")
        .annotate(
            waiting_offers=Count("offers", filter=Q(offers__status=Offer.Status.PENDING)),
            position=LIST_ORDER,
        )
        .order_by("position", "starts_at", "pk")
    )
    statuses = filters.statuses()
    if statuses is not None:
        requests = requests.filter(status__in=statuses)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "emergencies/network/help_request_list.html",
        {
            "filters": filters,
            "page": page,
            "querystring": params.urlencode(),
            "is_coordinator": request.membership.is_coordinator,
        },
    )


# --- New requests --------------------------------------------------------------------


def _people_found(request, query: str) -> list[Member]:
    if len(query.strip()) < 2:
        return []
    return list(
        member_list(association=request.association)
        .filter(anonymised_at__isnull=True)
        .search(query)[:8]
    )


def _prefill_from(person: Member, case: Case | None) -> dict:
    languages = list(person.languages.all())
    if person.preferred_language and person.preferred_language not in languages:
        languages.append(person.preferred_language)
    contact = ", ".join(part for part in (person.full_name, person.phone) if part)
    return {
        "member": person.pk,
        "case": case.pk if case else None,
        "languages": [language.pk for language in languages if language.pk != "it"],
        "zone": person.zone,
        "private_details": contact,
    }


@role_required(*STAFF_ROLES)
def help_request_create_view(request):
    """An operator asks the network for a hand for a person of the registry: from their
    case (``?case=``), from their page (``?member=``), or found by name here."""
    association = request.association
    members = member_list(association=association).filter(anonymised_at__isnull=True)
    person, case, initial = None, None, {}
    case_pk, member_pk = request.GET.get("case", ""), request.GET.get("member", "")
    if case_pk.isdigit():
        case = case_get_for_user(request=request, pk=int(case_pk))
        person = case.member
    elif member_pk.isdigit():
        person = get_object_or_404(members, pk=int(member_pk))
    if person is not None:
        initial = _prefill_from(person, case)
    form = HelpRequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        person=person,
        members=members,
        cases=Case.objects.for_association(association),
        skills=Skill.objects.for_association(association).filter(is_active=True),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                help_request = services.help_request_create(
                    association=association, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("This case is about another person."))
            else:
                messages.success(
                    request,
                    _("Request saved. Check the ranking and send the offer to the volunteers."),
                )
                return redirect("emergencies:help-request-detail", pk=help_request.pk)
        status = 422
        person = form.person
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "emergencies/network/help_request_form.html",
        {
            "form": form,
            "person": person,
            "case": getattr(form, "cleaned_data", {}).get("case") or case,
            "query": query,
            "found": _people_found(request, query) if person is None else [],
        },
        status=status,
    )


@role_required(Role.MEMBER)
def help_request_ask_view(request):
    """A member asks the network for a hand, for themself."""
    member = _own_member_or_404(request)
    form = AskForm(request.POST if request.method == "POST" else None, person=member)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            skills = Skill.objects.for_association(request.association).filter(is_active=True)
            try:
                help_request = services.help_request_create(
                    association=request.association,
                    member=member,
                    by=request.user,
                    **form.service_fields(skills=skills),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request is sent. An operator looks for a volunteer: you will "
                        "be told when someone says yes."
                    ),
                )
                return redirect("emergencies:help-request-detail", pk=help_request.pk)
        status = 422
    own = HelpRequest.objects.filter(member=member).order_by("-created_at")[:10]
    return render(
        request,
        "emergencies/network/help_request_ask.html",
        {"form": form, "own_requests": own},
        status=status,
    )


# --- A request, as each person sees it -------------------------------------------------


def help_request_detail_view(request, pk: int):
    try:
        help_request, role = help_request_get_for_user(request=request, pk=pk)
    except Http404:
        # A volunteer who was offered it (and did not get it) lands on their offer.
        offer = Offer.objects.filter(request_id=pk, volunteer__member__user=request.user).first()
        if offer is None:
            raise
        return redirect("emergencies:offer-detail", pk=offer.pk)
    return _detail_page(request, help_request, role)


def _detail_page(request, help_request: HelpRequest, role: str, *, forms=None, status=200):
    forms = forms or {}
    is_volunteer = bool(
        help_request.volunteer_id and help_request.volunteer.member.user_id == request.user.pk
    )
    context = {
        "help_request": help_request,
        "is_volunteer": is_volunteer,
        "done_form": forms.get("done")
        or DoneForm(initial={"minutes_spent": help_request.duration_minutes}),
        "confirm_form": forms.get("confirm") or ConfirmForm(),
        "can_cancel": help_request.status in (R.OPEN, R.OFFERED, R.UNMATCHED, R.ASSIGNED),
    }
    if role == STAFF:
        return _staff_page(request, help_request, context, status)
    if role == PERSON:
        return render(request, "emergencies/network/help_request_own.html", context, status=status)
    grace = services.network_settings_of(help_request.association_id).details_grace_hours
    context.update(
        {
            "details_visible": services.details_visible_to(help_request, request.user),
            "grace_hours": grace,
            "debriefed": Debrief.objects.filter(
                request=help_request, volunteer_id=help_request.volunteer_id
            ).exists(),
        }
    )
    return render(request, "emergencies/network/help_request_task.html", context, status=status)


def _staff_page(request, help_request: HelpRequest, context: dict, status: int):
    settings = services.network_settings_of(help_request.association_id)
    offers = list(help_request.offers.select_related("volunteer__member"))
    asked = {offer.volunteer_id: offer for offer in offers}
    rows, next_count = [], 0
    if help_request.is_open:
        ranked = services.ranking(help_request)
        next_count = min(
            settings.offer_count, sum(1 for r in ranked if r.volunteer_id not in asked)
        )
        shown = ranked[:RANKING_SHOWN]
        volunteers = VolunteerProfile.objects.select_related("member").in_bulk(
            [r.volunteer_id for r in shown]
        )
        rows = [
            {
                "position": index,
                "volunteer": volunteers[r.volunteer_id],
                "score": r.score,
                "reasons": _reasons(r.reasons),
                "offer": asked.get(r.volunteer_id),
            }
            for index, r in enumerate(shown, start=1)
        ]
    context.update(
        {
            "settings": settings,
            "offers": [{"offer": offer, "reasons": _reasons(offer.reasons)} for offer in offers],
            "ranking": rows,
            "next_count": next_count,
            "skills": list(help_request.skills.all()),
            "languages": list(help_request.languages.all()),
            "hours_to_confirm": help_request.status in (R.DONE, R.CONFIRMED)
            and help_request.minutes_spent is not None
            and help_request.hours_confirmed_at is None,
        }
    )
    return render(request, "emergencies/network/help_request_staff.html", context, status=status)


# --- Actions on a request --------------------------------------------------------------


@require_POST
@role_required(*STAFF_ROLES)
def help_request_offer_view(request, pk: int):
    help_request = get_object_or_404(
        HelpRequest.objects.for_association(request.association), pk=pk
    )
    try:
        offers = services.help_request_offer(help_request=help_request, by=request.user)
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
    else:
        if offers:
            messages.success(
                request,
                ngettext(
                    "Offered to %(count)s volunteer: the first to accept gets it.",
                    "Offered to %(count)s volunteers: the first to accept gets it.",
                    len(offers),
                )
                % {"count": len(offers)},
            )
        else:
            messages.warning(
                request,
                _(
                    "No volunteer is available for this request now: find another way, "
                    "or try again later."
                ),
            )
    return redirect("emergencies:help-request-detail", pk=pk)


@require_POST
def help_request_done_view(request, pk: int):
    help_request, role = help_request_get_for_user(request=request, pk=pk)
    if not (help_request.volunteer_id and help_request.volunteer.member.user_id == request.user.pk):
        raise Http404(_("No such task of yours."))
    form = DoneForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, help_request, role, forms={"done": form}, status=422)
    try:
        services.help_request_done(
            help_request=help_request,
            by=request.user,
            minutes_spent=form.cleaned_data["minutes_spent"],
        )
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Marked as done."))
    return redirect("emergencies:help-request-detail", pk=pk)


@require_POST
def help_request_confirm_view(request, pk: int):
    help_request, role = help_request_get_for_user(request=request, pk=pk)
    if role not in (STAFF, PERSON):
        raise Http404(_("No such request of yours."))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, help_request, role, forms={"confirm": form}, status=422)
    try:
        services.help_request_confirm(
            help_request=help_request, by=request.user, thanks=form.cleaned_data["thanks"]
        )
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Confirmed. Thank you: the volunteer is told."))
    return redirect("emergencies:help-request-detail", pk=pk)


@require_POST
@role_required(*STAFF_ROLES)
def help_request_hours_view(request, pk: int):
    help_request = get_object_or_404(
        HelpRequest.objects.for_association(request.association), pk=pk
    )
    try:
        services.help_request_hours_confirm(help_request=help_request, by=request.user)
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Hours confirmed."))
    return redirect("emergencies:help-request-detail", pk=pk)


@require_POST
def help_request_cancel_view(request, pk: int):
    help_request, role = help_request_get_for_user(request=request, pk=pk)
    if role not in (STAFF, PERSON):
        raise Http404(_("No such request of yours."))
    try:
        services.help_request_cancel(help_request=help_request, by=request.user)
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Request cancelled."))
    return redirect("emergencies:help-request-detail", pk=pk)


# --- Offers, for the volunteer ---------------------------------------------------------


def _can_accept(offer: Offer) -> bool:
    """Pending, or expired while the request still waits for someone: the service gives
    it to whoever accepts first while it is free."""
    if offer.request.status != R.OFFERED:
        return False
    return offer.status in (Offer.Status.PENDING, Offer.Status.EXPIRED)


def offer_detail_view(request, pk: int):
    """What the volunteer reads before saying yes: the public summary, when, where,
    about how long. Never the private details."""
    offer = _own_offer_or_404(request, pk)
    return render(
        request,
        "emergencies/network/offer_detail.html",
        {"offer": offer, "help_request": offer.request, "can_accept": _can_accept(offer)},
    )


@require_POST
def offer_accept_view(request, pk: int):
    offer = _own_offer_or_404(request, pk)
    try:
        help_request = services.offer_accept(offer=offer, by=request.user)
    except services.AlreadyTaken:
        offer.request.refresh_from_db(fields=["status"])
        return render(
            request,
            "emergencies/network/offer_taken.html",
            {"offer": offer, "help_request": offer.request},
            status=409,
        )
    except services.NotAllowed as refused:
        messages.error(request, refused.message)
        return redirect("emergencies:offer-detail", pk=pk)
    messages.success(request, _("It's yours, thank you! Here is what you need to know."))
    return redirect("emergencies:help-request-detail", pk=help_request.pk)


@require_POST
def offer_decline_view(request, pk: int):
    offer = _own_offer_or_404(request, pk)
    try:
        services.offer_decline(offer=offer, by=request.user)
    except services.AlreadyTaken:
        messages.info(request, _("This offer was already answered or closed."))
    else:
        messages.success(request, _("Thank you for answering: we will ask someone else."))
    return redirect("emergencies:my-contributions")


# --- The volunteer's own space ---------------------------------------------------------


@role_required(Role.MEMBER)
def my_contributions_view(request):
    volunteer = _own_volunteer(request)
    context = {"volunteer": volunteer}
    if volunteer is not None:
        tasks = HelpRequest.objects.filter(volunteer=volunteer)
        finished = tasks.filter(status__in=[R.DONE, R.CONFIRMED])
        totals = finished.aggregate(
            done=Count("pk"),
            minutes=Sum("minutes_spent"),
            confirmed_minutes=Sum("minutes_spent", filter=Q(hours_confirmed_at__isnull=False)),
        )
        since = timezone.now() - timedelta(days=DEBRIEF_DAYS)
        context.update(
            {
                "done_count": totals["done"],
                "hours": (totals["minutes"] or 0) / 60,
                "confirmed_hours": (totals["confirmed_minutes"] or 0) / 60,
                "active_tasks": list(tasks.filter(status=R.ASSIGNED).order_by("starts_at")),
                "offers": list(
                    Offer.objects.filter(
                        volunteer=volunteer,
                        status=Offer.Status.PENDING,
                        request__status=R.OFFERED,
                    )
                    .select_related("request")
                    .order_by("expires_at")
                ),
                "thanks": list(finished.exclude(thanks="").order_by("-confirmed_at")[:20]),
                "to_debrief": list(
                    finished.filter(done_at__gte=since)
                    .exclude(debriefs__volunteer=volunteer)
                    .order_by("-done_at")[:3]
                ),
                "recent": list(finished.order_by("-done_at")[:10]),
                "paused": volunteer.is_paused(),
            }
        )
    return render(request, "emergencies/network/my_contributions.html", context)


@role_required(Role.MEMBER)
def debrief_create_view(request):
    """ "How are you after this?" After a task (``?request=``), or any time."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        raise Http404(_("You are not in the solidarity network."))
    request_pk = request.POST.get("request") or request.GET.get("request") or ""
    help_request = None
    if request_pk:
        if not request_pk.isdigit():
            raise Http404
        help_request = get_object_or_404(
            HelpRequest.objects.filter(volunteer=volunteer), pk=int(request_pk)
        )
    form = DebriefForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.debrief_create(
                    volunteer=volunteer,
                    by=request.user,
                    help_request=help_request,
                    **form.cleaned_data,
                )
            except ValidationError:
                form.add_error(None, _("You already told us how you are after this task."))
            else:
                if form.cleaned_data["wants_callback"]:
                    messages.success(
                        request, _("Thank you for telling us. An operator will call you soon.")
                    )
                else:
                    messages.success(request, _("Thank you for telling us."))
                return redirect("emergencies:my-contributions")
        status = 422
    return render(
        request,
        "emergencies/network/debrief_form.html",
        {"form": form, "help_request": help_request},
        status=status,
    )


# --- Debriefs and settings, for staff -------------------------------------------------


def _debriefs(request):
    return Debrief.objects.filter(volunteer__association=request.association).select_related(
        "volunteer__member", "request", "handled_by"
    )


@role_required(*STAFF_ROLES)
def debrief_list_view(request):
    """Volunteers who asked to be called back first, then the others not handled."""
    debriefs = _debriefs(request).order_by(
        CaseWhen(
            When(wants_callback=True, handled_at__isnull=True, then=Value(0)),
            When(handled_at__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "-created_at",
    )
    page = Paginator(debriefs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "emergencies/network/debrief_list.html", {"page": page})


@require_POST
@role_required(*STAFF_ROLES)
def debrief_handle_view(request, pk: int):
    debrief = get_object_or_404(_debriefs(request), pk=pk)
    debrief = services.debrief_handle(debrief=debrief, by=request.user)
    if request.htmx:
        debrief = _debriefs(request).get(pk=debrief.pk)
        return render(request, "emergencies/network/_debrief_row.html", {"debrief": debrief})
    messages.success(request, _("Marked as handled."))
    return redirect("emergencies:debrief-list")


@role_required(Role.COORDINATOR)
def network_settings_view(request):
    current = services.network_settings_of(request.association.pk)
    form = NetworkSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.network_settings_save(
                association=request.association, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Settings saved."))
            return redirect("emergencies:network-settings")
        status = 422
    return render(
        request, "emergencies/network/network_settings.html", {"form": form}, status=status
    )


urlpatterns = [
    path("network/requests/", help_request_list_view, name="help-request-list"),
    path("network/requests/new/", help_request_create_view, name="help-request-create"),
    path("network/ask/", help_request_ask_view, name="help-request-ask"),
    path("network/requests/<int:pk>/", help_request_detail_view, name="help-request-detail"),
    path("network/requests/<int:pk>/offer/", help_request_offer_view, name="help-request-offer"),
    path("network/requests/<int:pk>/done/", help_request_done_view, name="help-request-done"),
    path(
        "network/requests/<int:pk>/confirm/",
        help_request_confirm_view,
        name="help-request-confirm",
    ),
    path("network/requests/<int:pk>/hours/", help_request_hours_view, name="help-request-hours"),
    path("network/requests/<int:pk>/cancel/", help_request_cancel_view, name="help-request-cancel"),
    path("network/offers/<int:pk>/", offer_detail_view, name="offer-detail"),
    path("network/offers/<int:pk>/accept/", offer_accept_view, name="offer-accept"),
    path("network/offers/<int:pk>/decline/", offer_decline_view, name="offer-decline"),
    path("network/me/", my_contributions_view, name="my-contributions"),
    path("network/debrief/", debrief_create_view, name="debrief-create"),
    path("network/debriefs/", debrief_list_view, name="debrief-list"),
    path("network/debriefs/<int:pk>/handled/", debrief_handle_view, name="debrief-handle"),
    path("network/settings/", network_settings_view, name="network-settings"),
]
