"""Awareness and advocacy campaigns, and the materials library.

Coordinators write campaigns and record each action with its outcome and reach;
facilitators and operators read them. Coordinators and facilitators keep the library;
everyone of the association reads it and downloads its files, which only the download
view serves (they are stored outside the public media path). Another association's
campaign or material answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import Role

from .. import selectors
from ..forms.campaigns import (
    CampaignActionForm,
    CampaignForm,
    MaterialFileForm,
    MaterialForm,
    MaterialSearchForm,
)
from ..models import Campaign, Material, MaterialFile
from ..services import campaigns as services
from ..services.campaigns import CAMPAIGN_READERS, MATERIAL_EDITORS

PAGE_SIZE = 25
EVERYONE = tuple(Role.values)


def _has_role(request, *roles: str) -> bool:
    return bool(request.membership and request.membership.has_role(*roles))


# --- Campaigns --------------------------------------------------------------------------


@require_GET
@role_required(*CAMPAIGN_READERS)
def campaign_list_view(request):
    page = Paginator(selectors.campaign_list_rows(association=request.association), PAGE_SIZE)
    return render(
        request,
        "training/campaigns/campaign_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "is_coordinator": _has_role(request, Role.COORDINATOR),
            "today": timezone.localdate(),
        },
    )


def _campaign_form_page(request, campaign: Campaign | None):
    association = request.association
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign, association=association)
    if data is not None and form.is_valid():
        try:
            saved = services.campaign_save(
                association=association,
                by=request.user,
                campaign=campaign,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("training:campaign-detail", pk=saved.pk)
    return render(
        request,
        "training/campaigns/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=422 if data is not None else 200,
    )


@role_required(Role.COORDINATOR)
def campaign_create_view(request):
    return _campaign_form_page(request, None)


@role_required(Role.COORDINATOR)
def campaign_edit_view(request, pk: int):
    return _campaign_form_page(request, selectors.campaign_get_for_user(request=request, pk=pk))


@require_GET
@role_required(*CAMPAIGN_READERS)
def campaign_detail_view(request, pk: int):
    campaign = selectors.campaign_get_for_user(request=request, pk=pk)
    actions = campaign.actions.select_related("session__course").order_by("-happened_on", "-pk")
    return render(
        request,
        "training/campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "actions": actions,
            "totals": selectors.campaign_totals(campaign),
            "languages": campaign.languages.all(),
            "materials": campaign.materials.all(),
            "is_coordinator": _has_role(request, Role.COORDINATOR),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.COORDINATOR)
def campaign_action_add_view(request, pk: int):
    campaign = selectors.campaign_get_for_user(request=request, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = CampaignActionForm(data, campaign=campaign)
    if data is not None and form.is_valid():
        try:
            services.campaign_action_save(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Action recorded."))
            return redirect(reverse("training:campaign-detail", args=[campaign.pk]) + "#actions")
    return render(
        request,
        "training/campaigns/action_form.html",
        {"form": form, "campaign": campaign},
        status=422 if data is not None else 200,
    )


# --- Materials library ------------------------------------------------------------------


@require_GET
@role_required(*EVERYONE)
def material_list_view(request):
    search = MaterialSearchForm(request.GET or None, association=request.association)
    text, language = "", None
    if search.is_valid():
        text = search.cleaned_data["q"]
        language = search.cleaned_data["language"]
    rows = selectors.material_list_rows(
        association=request.association, text=text, language=language
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/materials/material_list.html",
        {
            "page": page,
            "search": search,
            "searched": bool(text or language),
            "querystring": query.urlencode(),
            "can_edit": _has_role(request, *MATERIAL_EDITORS),
        },
    )


def _material_form_page(request, material: Material | None):
    association = request.association
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    form = MaterialForm(
        data, files, instance=material, association=association, with_file=material is None
    )
    if data is not None and form.is_valid():
        try:
            saved = services.material_save(
                association=association,
                by=request.user,
                material=material,
                first_file=(
                    (form.cleaned_data["language"], form.cleaned_data["file"])
                    if material is None
                    else None
                ),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Material saved."))
            return redirect("training:material-detail", pk=saved.pk)
    return render(
        request,
        "training/materials/material_form.html",
        {"form": form, "material": material},
        status=422 if data is not None else 200,
    )


@role_required(*MATERIAL_EDITORS)
def material_create_view(request):
    return _material_form_page(request, None)


@role_required(*MATERIAL_EDITORS)
def material_edit_view(request, pk: int):
    return _material_form_page(request, selectors.material_get_for_user(request=request, pk=pk))


def _material_detail(request, material: Material, *, file_form=None, status=200):
    can_edit = _has_role(request, *MATERIAL_EDITORS)
    context = {
        "material": material,
        "files": material.files.select_related("language").order_by("language__name_en"),
        "courses": material.courses.all(),
        "groups": material.groups.all(),
        "can_edit": can_edit,
        "can_see_campaigns": _has_role(request, *CAMPAIGN_READERS),
        "file_form": (file_form or MaterialFileForm()) if can_edit else None,
    }
    if context["can_see_campaigns"]:
        context["campaigns"] = material.campaigns.all()
    return render(request, "training/materials/material_detail.html", context, status=status)


@require_GET
@role_required(*EVERYONE)
def material_detail_view(request, pk: int):
    return _material_detail(request, selectors.material_get_for_user(request=request, pk=pk))


@require_POST
@role_required(*MATERIAL_EDITORS)
def material_file_add_view(request, pk: int):
    material = selectors.material_get_for_user(request=request, pk=pk)
    form = MaterialFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.material_file_add(
                material=material,
                language=form.cleaned_data["language"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Version in %(language)s saved.") % {"language": version.language},
            )
            return redirect(reverse("training:material-detail", args=[material.pk]) + "#files")
    return _material_detail(request, material, file_form=form, status=422)


@never_cache
@require_GET
@role_required(*EVERYONE)
def material_download_view(request, pk: int, language: str):
    version = get_object_or_404(
        MaterialFile.objects.filter(material__association=request.association),
        material_id=pk,
        language_id=language,
    )
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The file is missing from the library.")) from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )


urlpatterns = [
    path("campaigns/", campaign_list_view, name="campaign-list"),
    path("campaigns/new/", campaign_create_view, name="campaign-create"),
    path("campaigns/<int:pk>/", campaign_detail_view, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit_view, name="campaign-edit"),
    path("campaigns/<int:pk>/actions/new/", campaign_action_add_view, name="campaign-action-add"),
    path("materials/", material_list_view, name="material-list"),
    path("materials/new/", material_create_view, name="material-create"),
    path("materials/<int:pk>/", material_detail_view, name="material-detail"),
    path("materials/<int:pk>/edit/", material_edit_view, name="material-edit"),
    path("materials/<int:pk>/files/", material_file_add_view, name="material-file-add"),
    path(
        "materials/<int:pk>/download/<str:language>/",
        material_download_view,
        name="material-download",
    ),
]
