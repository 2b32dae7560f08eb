from django.urls import path

from .views import core, imports, privacy, selfservice, volunteers

app_name = "members"

urlpatterns = [
    path("", core.member_list_view, name="member-list"),
    path("new/", core.member_create_view, name="member-create"),
    path("<int:pk>/", core.member_detail_view, name="member-detail"),
    path("<int:pk>/edit/", core.member_edit_view, name="member-edit"),
    path("invitations/", core.invitation_list_view, name="invitation-list"),
    path("invitations/new/", core.invitation_create_view, name="invitation-create"),
    path("invitations/<int:pk>/revoke/", core.invitation_revoke_view, name="invitation-revoke"),
    path("invite/<str:token>/", core.invitation_accept_view, name="invitation-accept"),
    path("sign-ins/", core.sign_in_attempt_list_view, name="signin-list"),
    path("association/", core.association_switch_view, name="association-switch"),
    path("notifications/", core.notification_list_view, name="notification-list"),
    path(
        "notifications/preferences/",
        core.notification_preferences_view,
        name="notification-preferences",
    ),
    path("notifications/read-all/", core.notification_read_all_view, name="notification-read-all"),
    path("notifications/<int:pk>/open/", core.notification_open_view, name="notification-open"),
    path("notifications/<int:pk>/read/", core.notification_read_view, name="notification-read"),
    path("deliveries/", core.delivery_list_view, name="delivery-list"),
    path("deliveries/<int:pk>/retry/", core.delivery_retry_view, name="delivery-retry"),
]

urlpatterns += (
    selfservice.urlpatterns + volunteers.urlpatterns + privacy.urlpatterns + imports.urlpatterns
)
