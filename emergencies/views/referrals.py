"""Referral pages: refer a case to a service of the resource map or to a partner
association, print a service's details for the person, revoke a referral still
waiting; and, for the partner, the inbox of referrals received, a referral's summary,
the answer and the outcome. The partner never reaches the case file."""

from __future__ import annotations

import base64
import hashlib

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import STAFF_ROLES, Association
from members.services import ConsentRequired
from resources import selectors as resource_selectors
from resources.search import search_services

from .. import selectors, services
from ..forms.referrals import (
    PartnerReferralForm,
    ReferralAnswerForm,
    ReferralOutcomeForm,
    ServiceReferralForm,
    ServiceSearchForm,
)
from ..models import Case, CaseAccess, Referral
from .cases import case_get_for_user

#: How many services the refer page lists: the operator narrows the words, not pages.
SEARCH_LIMIT = 20
INBOX_PAGE_SIZE = 25


# --- Referring a case ----------------------------------------------------------------


def _referable_services(request):
    """Services a case can be referred to: the active ones of the map the operator sees
    (the partnership's people see the non-public ones too)."""
    return resource_selectors.service_directory(user=request.user).active()


def _services_found(request, query: str) -> list:
    if not query.strip():
        return []
    found = search_services(_referable_services(request), query)
    best = found.order_by("-search_rank", "name")[:SEARCH_LIMIT]
    return resource_selectors.with_card_facts(best, at=timezone.now())


def _partners(case: Case):
    return Association.objects.exclude(pk=case.association_id)


@role_required(*STAFF_ROLES)
def case_refer_view(request, pk: int):
    """Search the resource map and refer to one of its services, or send a summary to a
    partner association. The search is a plain GET form (htmx swaps only the results);
    the two referrals are two forms posted here."""
    case = case_get_for_user(request=request, pk=pk)
    source = request.POST if request.method == "POST" else request.GET
    search_form = ServiceSearchForm(source)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    can_send = case.member.user_id is not None
    service_form = ServiceReferralForm(services=_referable_services(request), can_send=can_send)
    partner_form = PartnerReferralForm(partners=_partners(case))
    consent_missing = False
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == Referral.Kind.SERVICE:
            service_form = ServiceReferralForm(
                request.POST, services=_referable_services(request), can_send=can_send
            )
            if service_form.is_valid():
                try:
                    referral = services.referral_to_service(
                        case=case,
                        service=service_form.cleaned_data["service"],
                        send_to_member=service_form.cleaned_data.get("send_to_member", False),
                        by=request.user,
                    )
                except ValidationError as error:
                    add_errors(service_form, error)
                else:
                    messages.success(
                        request,
                        _(
                            "Referred to %(service)s. Print its details for the person "
                            "from the case's referrals."
                        )
                        % {"service": referral.service.name},
                    )
                    return redirect("emergencies:case-detail", pk=case.pk)
        elif kind == Referral.Kind.PARTNER:
            partner_form = PartnerReferralForm(request.POST, partners=_partners(case))
            if partner_form.is_valid():
                try:
                    referral = services.referral_to_partner(
                        case=case,
                        partner=partner_form.cleaned_data["partner"],
                        summary=partner_form.cleaned_data["summary"],
                        by=request.user,
                    )
                except ConsentRequired as refused:
                    partner_form.add_error(None, refused.message)
                    consent_missing = True
                except ValidationError as error:
                    add_errors(partner_form, error)
                else:
                    messages.success(
                        request,
                        _("Sent to %(partner)s: they see the summary, never the case file.")
                        % {"partner": referral.partner},
                    )
                    return redirect("emergencies:case-detail", pk=case.pk)
        status = 422
    chosen = str(service_form["service"].value() or "")
    return render(
        request,
        "emergencies/referral_form.html",
        {
            "case": case,
            "member": case.member,
            "search_form": search_form,
            "query": query,
            "found": _services_found(request, query),
            "search_limit": SEARCH_LIMIT,
            "chosen": chosen,
            "service_form": service_form,
            "partner_form": partner_form,
            "consent_missing": consent_missing,
        },
        status=status,
    )


def _sent_referral(request, pk: int, **filters) -> Referral:
    """A referral of one of the association's cases, reached through the case's own
    access check."""
    referral = get_object_or_404(
        Referral.objects.select_related("service", "partner").filter(
            case__association=request.association, **filters
        ),
        pk=pk,
    )
    referral.case = case_get_for_user(request=request, pk=referral.case_id)
    return referral


# The print page's own rules: A4 with sober margins, links printed as plain text, and
# nothing of the screen's chrome. An inline style the CSP allows by its hash.
PRINT_CSS = (
    "@page { size: A4; margin: 15mm 14mm; } "
    ".referral-print { max-width: 48rem; } "
    ".referral-print h2 { font-size: 1.1rem; margin-top: 1.25rem; } "
    "@media print { body { font-size: 11pt; } .referral-print { padding: 0 !important; } "
    "a { color: inherit; text-decoration: none; } "
    "section, li { break-inside: avoid; page-break-inside: avoid; } }"
)
_PRINT_CSS_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()


@csp_update({"style-src": [f"'sha256-{_PRINT_CSS_HASH}'"]})
@require_GET
@role_required(*STAFF_ROLES)
def referral_print_view(request, pk: int):
    """A service's details on one sheet for the person: where, when, how, what to bring.
    The sheet names no one (it may get lost); printing it is logged on the case."""
    referral = _sent_referral(request, pk, kind=Referral.Kind.SERVICE)
    service = resource_selectors.service_detail().filter(pk=referral.service_id).first()
    if service is None:
        raise Http404(_("This service is no longer on the resource map."))
    services.case_access_record(
        case=referral.case, user=request.user, action=CaseAccess.Action.PRINT
    )
    now = timezone.now()
    return render(
        request,
        "emergencies/referral_print.html",
        {
            "print_css": PRINT_CSS,
            "referral": referral,
            "case": referral.case,
            "service": service,
            **resource_selectors.service_facts(service, now=now),
            "association": request.association,
            "printed_at": timezone.localtime(now),
        },
    )


@require_POST
@role_required(*STAFF_ROLES)
def referral_revoke_view(request, pk: int):
    referral = _sent_referral(request, pk, kind=Referral.Kind.PARTNER)
    try:
        services.referral_revoke(referral=referral, by=request.user)
    except services.ReferralNotPending:
        messages.error(
            request,
            _("%(partner)s has already answered: only a referral still waiting can be revoked.")
            % {"partner": referral.partner},
        )
    else:
        messages.success(
            request, _("Referral to %(partner)s revoked.") % {"partner": referral.partner}
        )
    return redirect("emergencies:case-detail", pk=referral.case_id)


# --- The partner's side ----------------------------------------------------------------


@role_required(*STAFF_ROLES)
def referral_inbox_view(request):
    """Referrals the association received, those waiting for an answer first. A summary
    and who sent it: never the person's name or the case file."""
    referrals = (
        selectors.referrals_received(association=request.association)
        .alias(
            waiting=SqlCase(
                When(status=Referral.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-created_at", "-pk")
    )
    page = Paginator(referrals, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "emergencies/referral_inbox.html", {"page": page})


def _received(request, pk: int) -> Referral | None:
    # Revoked ones too: the partner, following an older message, learns it was revoked.
    referral = (
        Referral.objects.filter(pk=pk, kind=Referral.Kind.PARTNER, partner=request.association)
        .select_related(
            "partner", "case__association", "case__category", "created_by", "answered_by"
        )
        .first()
    )
    if referral is None or not request.user.has_perm("emergencies.answer_referral", referral):
        return None
    return referral


def _received_or_404(request, pk: int) -> Referral:
    referral = _received(request, pk)
    if referral is None:
        raise Http404(_("No such referral received by your association."))
    return referral


def _detail_page(request, referral: Referral, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    return render(
        request,
        "emergencies/referral_detail.html",
        {
            "referral": referral,
            "answer_form": forms.get("answer") or ReferralAnswerForm(),
            "outcome_form": forms.get("outcome") or ReferralOutcomeForm(),
        },
        status=status,
    )


@require_GET
@role_required(*STAFF_ROLES)
def referral_detail_view(request, pk: int):
    """The partner's page of a referral. The referring association's staff, following a
    link, land on their own case; anyone else gets 404."""
    referral = _received(request, pk)
    if referral is None:
        sent = (
            Referral.objects.filter(pk=pk, case__association=request.association)
            .values_list("case_id", flat=True)
            .first()
        )
        if sent is None:
            raise Http404(_("No such referral received by your association."))
        return redirect("emergencies:case-detail", pk=sent)
    return _detail_page(request, referral)


@require_POST
@role_required(*STAFF_ROLES)
def referral_answer_view(request, pk: int):
    referral = _received_or_404(request, pk)
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, referral, forms={"answer": form}, status=422)
    try:
        services.referral_answer(
            referral=referral,
            accept=form.accepted,
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except services.ReferralNotPending:
        messages.error(request, _("This referral was already answered, or the sender revoked it."))
    else:
        if form.accepted:
            messages.success(
                request,
                _("Accepted: %(association)s is told. Report the outcome here when you know it.")
                % {"association": referral.case.association},
            )
        else:
            messages.info(
                request,
                _("Declined: %(association)s is told.")
                % {"association": referral.case.association},
            )
    return redirect("emergencies:referral-detail", pk=referral.pk)


@require_POST
@role_required(*STAFF_ROLES)
def referral_complete_view(request, pk: int):
    referral = _received_or_404(request, pk)
    form = ReferralOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.referral_complete(
                referral=referral, outcome=form.cleaned_data["outcome"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        except services.ReferralNotPending:
            messages.error(
                request, _("Only an accepted referral, not yet completed, takes an outcome.")
            )
            return redirect("emergencies:referral-detail", pk=referral.pk)
        else:
            messages.success(
                request,
                _("Outcome sent to %(association)s.") % {"association": referral.case.association},
            )
            return redirect("emergencies:referral-detail", pk=referral.pk)
    return _detail_page(request, referral, forms={"outcome": form}, status=422)


urlpatterns = [
    path("cases/<int:pk>/refer/", case_refer_view, name="case-refer"),
    path("referrals/received/", referral_inbox_view, name="referral-inbox"),
    path("referrals/<int:pk>/", referral_detail_view, name="referral-detail"),
    path("referrals/<int:pk>/print/", referral_print_view, name="referral-print"),
    path("referrals/<int:pk>/revoke/", referral_revoke_view, name="referral-revoke"),
    path("referrals/<int:pk>/answer/", referral_answer_view, name="referral-answer"),
    path("referrals/<int:pk>/complete/", referral_complete_view, name="referral-complete"),
]
