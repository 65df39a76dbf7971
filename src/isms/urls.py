"""URL routes. The web UI and the REST API mount here as they land."""

from django.urls import path

from isms.core.views import health

urlpatterns = [
    path("health", health, name="health"),
]
