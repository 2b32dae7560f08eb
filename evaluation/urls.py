# The evaluation module's pages land with their issue; the app is installed already.
app_name = "evaluation"
urlpatterns: list = []
