"""Resource map pages: suggestions (propose a resource or a correction; review them)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from members.decorators import role_required
from members.models import Role, User

from ..forms import (
    CORRECTABLE_FIELDS,
    CorrectionSuggestionForm,
    NewResourceSuggestionForm,
    SuggestionReviewForm,
)
from ..models import Service, Suggestion, TaxonomyTerm
from ..services import suggestions as services

PAGE_SIZE = 25


def _service_to_correct(request) -> Service | None:
    raw = request.GET.get("service")
    if not raw:
        return None
    try:
        pk = uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Service.objects.visible_to(request.user)
        .select_related("maintained_by")
        .prefetch_related("locations", "phones"),
        pk=pk,
    )


def suggestion_create_view(request):
    if not request.user.has_perm("resources.add_suggestion"):
        raise PermissionDenied
    service = _service_to_correct(request)
    data = request.POST if request.method == "POST" else None
    if service is not None:
        form = CorrectionSuggestionForm(data, service=service)
    else:
        form = NewResourceSuggestionForm(data)
    if request.method == "POST" and form.is_valid():
        if service is not None:
            payload = {
                "proposed": form.cleaned_data["proposed"],
                "before": form.cleaned_data["before"],
            }
        else:
            payload = form.payload()
        services.suggestion_create(
            by=request.user,
            association=request.association,
            service=service,
            payload=payload,
            message=form.cleaned_data["message"],
        )
        messages.success(
            request,
            _("Thank you! The operators will review your suggestion and you will be told."),
        )
        return redirect("resources:suggestion-mine")
    return render(request, "resources/suggestion_form.html", {"form": form, "service": service})


def suggestion_mine_view(request):
    suggestions = (
        Suggestion.objects.filter(suggested_by=request.user)
        .select_related("service", "association")
        .order_by("-created_at")
    )
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/suggestion_mine.html", {"page": page})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def suggestion_list_view(request):
    show_all = request.GET.get("status") == "all"
    suggestions = (
        Suggestion.objects.for_association(request.association)
        .select_related("service", "suggested_by")
        .order_by("-created_at")
    )
    if not show_all:
        suggestions = suggestions.filter(status=Suggestion.Status.PENDING)
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/suggestion_list.html", {"page": page, "show_all": show_all})


def suggestion_get_for_review(*, user: User, association, pk: int) -> Suggestion:
    """Another association's suggestion is a 404; without the right to review, a 403."""
    suggestion = get_object_or_404(
        Suggestion.objects.for_association(association).select_related(
            "service__organization", "suggested_by", "reviewed_by", "association"
        ),
        pk=pk,
    )
    if not user.has_perm("resources.review_suggestion", suggestion):
        raise PermissionDenied
    return suggestion


def suggestion_rows(suggestion: Suggestion) -> list[tuple[str, str, str]]:
    """What the suggestion says, as (label, current value, proposed value) rows; a new
    resource has no current values."""
    if suggestion.service_id:
        labels = CorrectionSuggestionForm.base_fields
        proposed = suggestion.payload.get("proposed", {})
        before = suggestion.payload.get("before", {})
        statuses = dict(Service.Status.choices)
        rows = []
        for name in CORRECTABLE_FIELDS:
            if name in proposed:
                old, new = before.get(name, ""), proposed[name]
                if name == "status":
                    old, new = statuses.get(old, old), statuses.get(new, new)
                rows.append((str(labels[name].label), old, new))
        return rows
    labels = NewResourceSuggestionForm.base_fields
    payload = suggestion.payload
    rows = []
    for name in ("name", "organization_name", "address", "city", "phone", "description"):
        if payload.get(name):
            rows.append((str(labels[name].label), "", payload[name]))
    codes = payload.get("categories") or []
    if codes:
        names = ", ".join(str(t) for t in TaxonomyTerm.objects.filter(code__in=codes))
        rows.append((str(labels["categories"].label), "", names))
    return rows


@role_required(Role.OPERATOR, Role.COORDINATOR)
def suggestion_review_view(request, pk: int):
    suggestion = suggestion_get_for_review(
        user=request.user, association=request.association, pk=pk
    )
    pending = suggestion.status == Suggestion.Status.PENDING
    form = SuggestionReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not pending:
        messages.info(request, _("This suggestion was already reviewed."))
        return redirect("resources:suggestion-list")
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == SuggestionReviewForm.ACCEPT:
                service = services.suggestion_accept(
                    suggestion=suggestion, by=request.user, note=note
                )
            else:
                services.suggestion_reject(suggestion=suggestion, by=request.user, note=note)
                service = None
        except services.SuggestionAlreadyReviewed:
            messages.info(request, _("Someone else reviewed this suggestion first."))
            return redirect("resources:suggestion-list")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if service is None:
                messages.success(request, _("Suggestion rejected; the person will read why."))
                return redirect("resources:suggestion-list")
            messages.success(
                request, _("Suggestion accepted. Check the resource and complete what is missing.")
            )
            return redirect(reverse("resources:service-edit", args=[service.pk]))
    return render(
        request,
        "resources/suggestion_review.html",
        {
            "suggestion": suggestion,
            "rows": suggestion_rows(suggestion),
            "form": form,
            "pending": pending,
        },
    )


urlpatterns = [
    path("suggestions/new/", suggestion_create_view, name="suggestion-create"),
    path("suggestions/mine/", suggestion_mine_view, name="suggestion-mine"),
    path("suggestions/", suggestion_list_view, name="suggestion-list"),
    path("suggestions/<int:pk>/", suggestion_review_view, name="suggestion-review"),
]
