"""The signed-in user's own account (their organisations and roles, two-factor), enrolling and
removing a TOTP device, and an organisation's settings page where an owner requires two-factor.
"""

import base64
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django_otp import login as otp_login

from isms.core.accounts import (
    WrongCode,
    confirm_enrolment,
    confirmed_device,
    enrolment_device,
    remove_two_factor,
    set_require_two_factor,
)
from isms.core.actor import acting_as
from isms.core.models import Membership, Organisation, StaleRecord
from isms.core.permissions import Action, Role, can, require
from isms.web.access import organisation_for
from isms.web.views.auth import safe_next


@login_required
def account(request):
    """Who you are here: your user name, every organisation you belong to with your role, and
    whether two-factor is on (and this session verified by it)."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    rows = [
        {
            "organisation": membership.organisation,
            "role": Role(membership.role).label,
            "top_management": membership.is_top_management,
            "active": membership.is_active,
            "manages": can(membership, Action.MANAGE_ORGANISATION),
        }
        for membership in memberships
    ]
    context = {
        "rows": rows,
        "device": confirmed_device(request.user),
        "verified": request.user.is_verified(),
    }
    return render(request, "web/account/account.html", context)


def _qr_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG in a data: URI (the CSP allows data: images)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, dark="#111", light="#fff")


def _base32(device) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def two_factor(request):
    """Turn two-factor on (scan the QR code or type the secret, then confirm with a code: only a
    confirmed device counts) or off (with a current code)."""
    device = confirmed_device(request.user)
    context = {"next": safe_next(request, "web:account"), "device": device}
    action = request.POST.get("action") if request.method == "POST" else None
    if device is not None:
        if action == "remove":
            try:
                remove_two_factor(request.user, request.POST.get("code", ""))
            except WrongCode as wrong:
                context["error"] = str(wrong)
                return render(request, "web/account/two_factor.html", context, status=422)
            return redirect("web:account")
        return render(request, "web/account/two_factor.html", context)
    new = enrolment_device(request.user)
    if action == "confirm":
        try:
            confirmed = confirm_enrolment(request.user, request.POST.get("code", ""))
        except WrongCode as wrong:
            context["error"] = str(wrong)
        else:
            otp_login(request, confirmed)
            return redirect(context["next"])
    context.update(
        {"qr": _qr_data_uri(new.config_url), "secret": _base32(new), "uri": new.config_url}
    )
    status = 422 if "error" in context else 200
    return render(request, "web/account/two_factor.html", context, status=status)


@login_required
def organisation_settings(request, slug: str):
    """An owner's settings of the organisation: whether its members must use two-factor.
    Others get 403. The form carries the row version it was opened at: a change made
    meanwhile is not overwritten."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.MANAGE_ORGANISATION)
    context = {"organisation": organisation, "version": organisation.row_version}
    if request.method != "POST":
        return render(request, "web/account/organisation_settings.html", context)
    wanted = request.POST.get("require_two_factor") == "on"
    context["wanted"] = wanted
    if wanted and not request.user.is_verified():
        context["problem"] = (
            "set up two-factor for yourself first (and sign in with it): otherwise this "
            "would send you to enrolment too"
        )
        enrol = f"{reverse('web:two_factor')}?{urlencode({'next': request.path})}"
        context["enrol"] = enrol
        return render(request, "web/account/organisation_settings.html", context, status=422)
    copy = Organisation.objects.get(pk=organisation.pk)
    sent = request.POST.get("row_version", "")
    copy.row_version = int(sent) if sent.isdigit() else 0  # a forged version is a stale one
    try:
        with acting_as(request.user):
            set_require_two_factor(copy, wanted)
    except StaleRecord:
        context["stale"] = True
        context["version"] = Organisation.objects.get(pk=organisation.pk).row_version
        return render(request, "web/account/organisation_settings.html", context, status=409)
    return redirect(f"{reverse('web:organisation_settings', args=[slug])}?saved=1")


urlpatterns = [
    path("account/", account, name="account"),
    path("account/two-factor/", two_factor, name="two_factor"),
    path("orgs/<slug:slug>/settings/", organisation_settings, name="organisation_settings"),
]
