from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin signs in through allauth: same rate limits, same second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home_view, name="home"),
    path("healthz", views.healthz_view, name="healthz"),
    path("i18n/setlang/", views.language_set_view, name="set_language"),
    path("bench/floor/", views.floor_view, name="bench-floor"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("resources/", include("resources.urls")),
    path("api/hsds/", include("resources.api_urls")),
    path("emergencies/", include("emergencies.urls")),
    path("training/", include("training.urls")),
    path("evaluation/", include("evaluation.urls")),
]
