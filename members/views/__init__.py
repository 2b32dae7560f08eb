"""Pages of people and access, one module per topic; each module holds its views and
the ``urlpatterns`` that ``members.urls`` puts together."""
