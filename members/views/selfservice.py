"""selfservice pages."""

urlpatterns: list = []
