"""URL routes. The web UI and the REST API mount here as they land."""

from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

from isms.api.main import api
from isms.core.views import api_not_found, health

urlpatterns = [
    path("health", health, name="health"),
    path("api/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("awareness/", include("isms.people.urls")),
    path("", include("isms.web.urls")),
]

if settings.SERVE_STATIC:
    # The static files of the installed apps (the API docs' Swagger UI), found by Django's
    # staticfiles finders: the docs load no script from a third party, with or without DEBUG.
    # Behind a web server that serves STATIC_ROOT itself (after collectstatic), set
    # ISMS_SERVE_STATIC=0.
    urlpatterns.append(
        re_path(
            rf"^{settings.STATIC_URL.strip('/')}/(?P<path>.+)$",
            serve_static,
            {"insecure": True},
            name="static",
        )
    )
