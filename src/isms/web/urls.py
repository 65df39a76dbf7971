"""The web application's pages (sign-in, the portfolio, an organisation's readiness)."""

from django.urls import path

from isms.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("orgs/<slug:slug>/", views.organisation_home, name="organisation"),
    path("orgs/<slug:slug>/audits/<int:run_id>/", views.assessment_findings, name="findings"),
    path("orgs/<slug:slug>/registers/", views.register_index, name="registers"),
    path("orgs/<slug:slug>/registers/<slug:name>/", views.register_list, name="register"),
    path("orgs/<slug:slug>/registers/<slug:name>/new/", views.record_create, name="record_new"),
    path(
        "orgs/<slug:slug>/registers/<slug:name>/<int:pk>/delete/",
        views.record_delete,
        name="record_delete",
    ),
    path("orgs/<slug:slug>/registers/<slug:name>/<int:pk>/", views.record_detail, name="record"),
    path(
        "orgs/<slug:slug>/registers/<slug:name>/<int:pk>/edit/",
        views.record_edit,
        name="record_edit",
    ),
]
