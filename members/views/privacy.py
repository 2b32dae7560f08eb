"""privacy pages."""

urlpatterns: list = []
