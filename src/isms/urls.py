"""URL routes. The web UI and the REST API mount here as they land."""

from django.urls import include, path

from isms.api.main import api
from isms.core.views import health

urlpatterns = [
    path("health", health, name="health"),
    path("api/", api.urls),
    path("awareness/", include("isms.people.urls")),
]
