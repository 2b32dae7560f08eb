"""The HSDS 3.0 API subset, read-only, public resources only (mounted at /api/hsds/)."""

from django.urls import path

from . import api

app_name = "hsds-api"
urlpatterns = [
    path("", api.root_view, name="root"),
    path("services", api.service_list_view, name="service-list"),
    path("services/<uuid:pk>", api.service_detail_view, name="service-detail"),
]
