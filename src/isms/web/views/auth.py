"""Sign-in and sign-out."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import path

from isms.core.services import (
    TooManyAttempts,
    check_auth_throttle,
    client_address,
    record_auth_failure,
)


class SignInView(auth_views.LoginView):
    """Sign-in with a username and password; failed attempts from one address are
    throttled like failed API tokens (core.services), and a blocked address gets 429."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_address(request.META)
        try:
            check_auth_throttle("login", address)
        except TooManyAttempts as error:
            response = render(
                request, self.template_name, {"form": self.get_form(), "blocked": str(error)}
            )
            response.status_code = 429
            response["Retry-After"] = str(error.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_auth_failure("login", client_address(self.request.META))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (a link cannot sign anyone out)."""

    next_page = "web:login"


urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", SignOutView.as_view(), name="logout"),
]
