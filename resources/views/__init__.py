"""The resource map's pages, one module per topic; each has its own ``urlpatterns``."""
