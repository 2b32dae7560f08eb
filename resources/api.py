"""The HSDS 3.0 API subset: read-only, open to anyone, public and active services only.

``GET /api/hsds/`` says which HSDS this is; ``GET /api/hsds/services`` pages through
services (HSDS ``service_list`` items, or fully nested ones with ``full=true``);
``GET /api/hsds/services/{id}`` is one fully nested service. Bad parameters answer 400
with a JSON ``error`` naming the parameter; an unknown or non-public service 404.
"""

from __future__ import annotations

import datetime
import math
import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import hsds
from .models import Service
from .search import search_services

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/"


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _error(status: int, message: str, parameter: str | None = None) -> JsonResponse:
    body = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return JsonResponse(body, status=status)


def _published():
    return Service.objects.public().active()


@login_not_required
@require_GET
def root_view(request):
    return JsonResponse(
        {"version": hsds.HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}
    )


def _positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("%(name)s must be a whole number from 1 up.") % {"name": name}
        else:
            message = _("%(name)s must be a whole number from 1 to %(maximum)d.") % {
                "name": name,
                "maximum": maximum,
            }
        raise BadParameter(name, message)
    return value


def _uuid_param(request, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, _("%(name)s must be a UUID.") % {"name": name}) from None


def _moment_param(request, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+" of a zone arrives as " "
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            name,
            _("%(name)s must be an ISO 8601 date and time, e.g. 2024-05-31T18:00:00Z.")
            % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _boolean_param(request, name: str) -> bool:
    raw = request.GET.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadParameter(name, _("%(name)s must be true or false.") % {"name": name})


@login_not_required
@require_GET
def service_list_view(request):
    try:
        page = _positive_int(request, "page", 1)
        per_page = _positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        term_id = _uuid_param(request, "taxonomy_term_id")
        taxonomy_id = _uuid_param(request, "taxonomy_id")
        organization_id = _uuid_param(request, "organization_id")
        modified_after = _moment_param(request, "modified_after")
        full = _boolean_param(request, "full")
    except BadParameter as error:
        return _error(400, error.message, error.parameter)

    services = _published()
    ordering = ["name", "id"]
    text = request.GET.get("search", "").strip()
    if text:
        services = search_services(services, text)
        ordering = ["-search_rank", *ordering]
    if term_id:
        services = services.filter(
            pk__in=Service.categories.through.objects.filter(taxonomyterm_id=term_id).values(
                "service_id"
            )
        )
    if taxonomy_id:
        services = services.filter(
            pk__in=Service.categories.through.objects.filter(
                taxonomyterm__taxonomy_id=taxonomy_id
            ).values("service_id")
        )
    if organization_id:
        services = services.filter(organization_id=organization_id)
    if modified_after:
        services = services.filter(updated_at__gte=modified_after)

    total = services.count()
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    window = services.order_by(*ordering)[start : start + per_page]
    if full:
        contents = [hsds.service_document(s) for s in hsds.services_for_export(window)]
    else:
        contents = [hsds.service_summary(s) for s in window.select_related("organization")]
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


@login_not_required
@require_GET
def service_detail_view(request, pk):
    service = hsds.services_for_export(_published().filter(pk=pk)).first()
    if service is None:
        return _error(404, _("No public service with this id."))
    return JsonResponse(hsds.service_document(service))
