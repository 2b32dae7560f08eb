"""The resource map as everyone sees it: the directory (a list and a map of the same
results), the map's markers as JSON, and a service's page.

These pages are public: anonymous visitors see the public services, signed-in people
all of them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import municipalities, selectors
from ..filters import DirectoryFilter

PAGE_SIZE = 30
PLACEHOLDER = uuid.UUID(int=0)
EXCEPTIONS_AHEAD = timedelta(days=60)


def _filterset(request) -> DirectoryFilter:
    return DirectoryFilter(
        request.GET,
        queryset=selectors.service_directory(user=request.user),
        request=request,
    )


def _open_now(filterset: DirectoryFilter) -> list:
    """ "Open now" is computed from the schedules in Python (time zone, exceptions): only
    this filter needs every candidate loaded."""
    services = selectors.with_card_facts(filterset.qs, at=timezone.now())
    return [service for service in services if service.open_now]


@login_not_required
@require_GET
def directory_view(request):
    filterset = _filterset(request)
    if filterset.open_now_only:
        services = _open_now(filterset)
        page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        # The database filters, orders and pages; only the page's services are loaded.
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.with_card_facts(page.object_list, at=timezone.now())
    query = request.GET.copy()
    query.pop("page", None)
    origin = filterset.origin or municipalities.DEFAULT_CENTER
    return render(
        request,
        "resources/directory.html",
        {
            "filter": filterset,
            "page": page,
            "total": page.paginator.count,
            "map_data_url": f"{reverse('resources:map-data')}?{query.urlencode()}",
            "map_center": f"{origin[0]:.5f},{origin[1]:.5f}",
            "tile_url": settings.NUCLEO_MAP_TILE_URL,
            "tile_attribution": settings.NUCLEO_MAP_TILE_ATTRIBUTION,
        },
    )


@login_not_required
@require_GET
def map_data_view(request):
    """The directory's results as map markers, one per geolocated place: one lean query
    (a map of thousands of services must stay light on a phone)."""
    filterset = _filterset(request)
    if filterset.open_now_only:
        matching = [service.pk for service in _open_now(filterset)]
    else:
        matching = filterset.qs.values("pk")
    rows = selectors.map_markers(service_ids=matching)
    # One reverse() for thousands of markers: the detail URL with a placeholder id.
    detail = reverse("resources:service-detail", args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")
    markers = [
        {
            "id": str(service_id),
            "name": name,
            "organization": organization,
            "address": ", ".join(p for p in (address, city) if p),
            "lat": float(latitude),
            "lon": float(longitude),
            "url": detail.format(service_id),
        }
        for service_id, name, organization, address, city, latitude, longitude in rows
    ]
    return JsonResponse({"count": len({m["id"] for m in markers}), "markers": markers})


@login_not_required
@require_GET
def service_detail_view(request, pk):
    service = get_object_or_404(selectors.service_detail(), pk=pk)
    if not request.user.has_perm("resources.view_service", service):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404  # an account outside the partnership: only the public map

    return render(
        request,
        "resources/service_detail.html",
        {
            "service": service,
            **selectors.service_facts(service, now=timezone.now()),
            "can_edit": request.user.has_perm("resources.change_service", service),
        },
    )


urlpatterns = [
    path("", directory_view, name="directory"),
    path("map.json", map_data_view, name="map-data"),
    path("<uuid:pk>/", service_detail_view, name="service-detail"),
]
