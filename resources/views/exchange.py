"""Resource map pages: exchange. Coordinators download their association's services in
HSDS 3.0, as JSON documents or as a tabular data package (zip of CSV files).

The files hold every service the active association maintains, public or not, whatever
its status: they are the association's own data, to keep a copy or to move it into
another directory, and importing them back (``hsds.import_documents``) updates the same
records. Other associations' public services are open to anyone through the HSDS API.
"""

import json

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.decorators import role_required

from .. import hsds, hsds_tabular
from ..models import Service


def _attachment(response: HttpResponse, request, extension: str) -> HttpResponse:
    day = timezone.localdate().isoformat()
    name = f"{request.association.slug}-hsds-{day}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@role_required("coordinator")
def export_json_view(request):
    documents = hsds.export_services(Service.objects.maintained_by(request.association))
    body = json.dumps(documents, ensure_ascii=False, indent=2)
    return _attachment(
        HttpResponse(body, content_type="application/json; charset=utf-8"), request, "json"
    )


@require_GET
@role_required("coordinator")
def export_package_view(request):
    package = hsds_tabular.export_package(Service.objects.maintained_by(request.association))
    return _attachment(HttpResponse(package, content_type="application/zip"), request, "zip")


urlpatterns = [
    path("exchange/hsds.json", export_json_view, name="export-hsds-json"),
    path("exchange/hsds.zip", export_package_view, name="export-hsds-package"),
]
