from . import views, views_skills

app_name = "evaluation"
urlpatterns = [*views.urlpatterns, *views_skills.urlpatterns]
