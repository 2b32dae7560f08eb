from .views import alerts, attachments, cases, network, plans, referrals, roster

app_name = "emergencies"
urlpatterns = [
    *cases.urlpatterns,
    *referrals.urlpatterns,
    *attachments.urlpatterns,
    *roster.urlpatterns,
    *network.urlpatterns,
    *alerts.urlpatterns,
    *plans.urlpatterns,
]
