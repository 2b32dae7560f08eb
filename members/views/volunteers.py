"""volunteers pages."""

urlpatterns: list = []
