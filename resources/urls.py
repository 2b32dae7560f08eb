from .views import directory, exchange, imports, manage, partners, suggestions

app_name = "resources"

urlpatterns = [
    *directory.urlpatterns,
    *manage.urlpatterns,
    *suggestions.urlpatterns,
    *partners.urlpatterns,
    *imports.urlpatterns,
    *exchange.urlpatterns,
]
