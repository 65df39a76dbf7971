"""URL routes: the REST API under /api/, the awareness check, the web application. Static files
(the web pages' CSS and scripts, Swagger UI) are served by WhiteNoise, in settings.MIDDLEWARE."""

from django.urls import include, path, re_path

from isms.api.main import api
from isms.core.views import api_not_found, health

urlpatterns = [
    path("health", health, name="health"),
    path("api/", api.urls),
    # (?s): an address with a newline in it is an API address too (and gets JSON).
    re_path(r"^api/(?P<path>(?s:.*))$", api_not_found),
    path("awareness/", include("isms.people.urls")),
    path("", include("isms.web.urls")),
]
