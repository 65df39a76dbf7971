"""URLs of the people app's pages. The project mounts them at /awareness/:
``path("awareness/", include("isms.people.urls"))`` (the namespace is ``awareness``)."""

from django.urls import path

from isms.people import views

app_name = "awareness"

urlpatterns = [
    path("<str:token>/", views.awareness_check, name="check"),
]
