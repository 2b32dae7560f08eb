from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.member_list_view, name="member-list"),
    path("new/", views.member_create_view, name="member-create"),
    path("<int:pk>/", views.member_detail_view, name="member-detail"),
    path("<int:pk>/edit/", views.member_edit_view, name="member-edit"),
    path("invitations/", views.invitation_list_view, name="invitation-list"),
    path("invitations/new/", views.invitation_create_view, name="invitation-create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation-revoke"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("sign-ins/", views.sign_in_attempt_list_view, name="signin-list"),
    path("association/", views.association_switch_view, name="association-switch"),
    path("notifications/", views.notification_list_view, name="notification-list"),
    path(
        "notifications/preferences/",
        views.notification_preferences_view,
        name="notification-preferences",
    ),
    path("notifications/read-all/", views.notification_read_all_view, name="notification-read-all"),
    path("notifications/<int:pk>/open/", views.notification_open_view, name="notification-open"),
    path("notifications/<int:pk>/read/", views.notification_read_view, name="notification-read"),
    path("deliveries/", views.delivery_list_view, name="delivery-list"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry_view, name="delivery-retry"),
]
