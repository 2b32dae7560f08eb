from .views import attachments, cases, referrals, roster

app_name = "emergencies"
urlpatterns = [
    *cases.urlpatterns,
    *referrals.urlpatterns,
    *attachments.urlpatterns,
    *roster.urlpatterns,
]
