"""Resource map pages: manage."""

from django.urls import path  # noqa: F401 - used as pages land

urlpatterns: list = []
