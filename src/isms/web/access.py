"""What every page of an organisation starts with: the organisation from the URL and the caller's
membership, checked with core/permissions.py like the API and the CLI. An organisation the user
is not a member of answers 404, exactly like one that does not exist.

An organisation that requires two-factor is entered only by an OTP-verified session: a member
whose session is not verified is sent to the code step (they have a device) or to enrolment
(they have none), and comes back to the page afterwards."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from isms.core.accounts import has_two_factor
from isms.core.models import Organisation
from isms.core.permissions import Action, can
from isms.core.registers import all_registers
from isms.core.services import membership_for


class TwoFactorRequired(Exception):
    """Raised by :func:`organisation_for`; :class:`TwoFactorRequiredMiddleware` answers it with
    a redirect to ``url``."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class TwoFactorRequiredMiddleware:
    """Turns :class:`TwoFactorRequired` into a redirect (for htmx, a client-side one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TwoFactorRequired):
            return None
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(exception.url)
        return HttpResponseRedirect(exception.url)


def two_factor_step(request) -> str:
    """Where an unverified member goes: the code step, or enrolment when they have no device;
    either brings them back to this page."""
    name = "web:two_factor_code" if has_two_factor(request.user) else "web:two_factor"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def organisation_for(request, slug: str, action: Action = Action.VIEW):
    """The organisation ``slug`` and the caller's membership, or 404 (not a member, suspended,
    or no such organisation: the page never tells which). A member of an organisation that
    requires two-factor, in a session that is not OTP-verified, is sent to verify first."""
    organisation = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(request.user, organisation) if organisation else None
    if membership is None or not can(membership, action):
        raise Http404("no such organisation")
    if organisation.require_two_factor and not request.user.is_verified():
        raise TwoFactorRequired(two_factor_step(request))
    return organisation, membership


def register_named(name: str):
    for register in all_registers():
        if register.name == name:
            return register
    raise Http404("no such register")
