"""Sign-in (password, then a TOTP code for a user who has a device), sign-out, the locked-out
answer, and setting a new password from a one-time reset link (``isms user reset-link``)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from isms.core.accounts import WrongCode, check_code, confirmed_device, password_was_reset
from isms.core.services import (
    TooManyAttempts,
    check_auth_throttle,
    client_address,
    record_auth_failure,
)

#: The session key of a sign-in whose password was right and whose code is still to come.
PENDING = "isms_sign_in_pending"
#: Seconds the code step waits for the code after the password.
PENDING_SECONDS = 300


def _blocked(request, template: str, context: dict, error: TooManyAttempts):
    response = render(request, template, {**context, "blocked": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def safe_next(request, default: str = "web:home") -> str:
    """The ``next`` of the request when it is a path on this site, else ``default``'s URL."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(default)


class SignInView(auth_views.LoginView):
    """Sign-in with a username and password; failed attempts from one address are
    throttled like failed API tokens (core.services), and a blocked address gets 429. A user
    with a confirmed TOTP device is not signed in yet: the code step comes next."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_address(request.META)
        try:
            check_auth_throttle("login", address)
        except TooManyAttempts as error:
            return _blocked(request, self.template_name, {"form": self.get_form()}, error)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_auth_failure("login", client_address(self.request.META))
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
        }
        step = reverse("web:two_factor_code")
        return redirect(f"{step}?{urlencode({'next': self.get_success_url()})}")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def two_factor_code(request):
    """The second step: the code from the user's authenticator app. Either after the
    password (the session is signed in only once the code is right) or for a signed-in
    session that an organisation requiring two-factor sent here (it becomes verified).
    Wrong codes count towards the address throttle and are slowed down by the device."""
    signed_in = request.user.is_authenticated
    user = request.user if signed_in else _pending_user(request)
    if user is None:
        return redirect(f"{reverse('web:login')}?{urlencode({'next': safe_next(request)})}")
    if signed_in and request.user.is_verified():
        return redirect(safe_next(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('web:two_factor')}?{urlencode({'next': safe_next(request)})}")
    context = {"next": safe_next(request), "signed_in": signed_in}
    if request.method != "POST":
        return render(request, "web/auth/code.html", context)
    address = client_address(request.META)
    try:
        check_auth_throttle("login", address)
    except TooManyAttempts as error:
        return _blocked(request, "web/auth/code.html", context, error)
    try:
        check_code(device, request.POST.get("code", ""))
    except WrongCode as wrong:
        record_auth_failure("login", address)
        return render(request, "web/auth/code.html", {**context, "error": str(wrong)}, status=422)
    if not signed_in:
        request.session.pop(PENDING, None)
        auth_login(request, user, backend=user.backend)
    otp_login(request, device)
    return redirect(context["next"])


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username and address: 429 with Retry-After and the
    time they may try again (the latest failure plus the cool-off; each failure during the
    lockout starts it again)."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    latest = (
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    until = (latest or timezone.now()) + cool_off
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    context = {"until": until, "minutes": -(-seconds // 60), "username": username}
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (a link cannot sign anyone out)."""

    next_page = "web:login"


class SetPasswordFromLinkView(auth_views.PasswordResetConfirmView):
    """``/reset/<uidb64>/<token>/`` from ``isms user reset-link``: Django checks the token (once,
    until it expires), moves it into the session and out of the URL, then asks for the new
    password twice, checked by the password validators. The reset is logged and clears the
    user's sign-in lockout; the user then signs in with the new password."""

    template_name = "web/auth/reset.html"
    success_url = reverse_lazy("web:password_reset_done")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        password_was_reset(form.user, client_address(self.request.META))
        return response


def password_reset_done(request):
    return render(request, "web/auth/reset_done.html")


urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("login/code/", two_factor_code, name="two_factor_code"),
    path("logout/", SignOutView.as_view(), name="logout"),
    path("reset/done/", password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", SetPasswordFromLinkView.as_view(), name="password_reset"),
]
