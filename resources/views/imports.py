"""Resource map pages: imports."""

from django.urls import path  # noqa: F401 - used as pages land

urlpatterns: list = []
