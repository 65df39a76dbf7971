"""The awareness page mounted as the project mounts it (at /awareness/), for the tests."""

from django.urls import include, path

urlpatterns = [path("awareness/", include("isms.people.urls"))]
