"""The HSDS 3.0 API subset, read-only, public resources only (mounted at /api/hsds/)."""

app_name = "hsds-api"
urlpatterns: list = []
