from .views import calendar, campaigns, courses, groups

app_name = "training"
urlpatterns = [
    *courses.urlpatterns,
    *calendar.urlpatterns,
    *groups.urlpatterns,
    *campaigns.urlpatterns,
]
