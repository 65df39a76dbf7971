"""Bearer-token authentication and organisation access for every API call."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.security import HttpBearer, SessionAuth

from isms.core.models import Organisation
from isms.core.permissions import Action, require
from isms.core.services import (
    READ_METHODS,
    check_auth_throttle,
    client_address,
    membership_for,
    record_auth_failure,
    token_for,
)


class BearerToken(HttpBearer):
    """``Authorization: Bearer isms_...``, a token made with ``isms token create``.

    An address that sent too many bad tokens gets 429 (:class:`TooManyAttempts`) before its
    token is looked at; a read-only token gets 403 for anything but GET, HEAD and OPTIONS."""

    def authenticate(self, request, token: str):
        address = client_address(request.META)
        check_auth_throttle("token", address)
        record = token_for(token)
        if record is None:
            record_auth_failure("token", address)
            return None
        if record.read_only and request.method not in READ_METHODS:
            raise PermissionDenied(
                f"the token {record.name!r} is read-only: it may use GET, HEAD and OPTIONS, "
                f"not {request.method}"
            )
        request.user = record.user
        request.api_token = record
        return record.user


def organisation_for(request, slug: str, action: Action) -> Organisation:
    """The organisation ``slug`` if the caller may ``action`` in it.

    An organisation the caller is not a member of answers 404, exactly like one that does not
    exist, so the API never reveals which organisations exist. A suspended member knows the
    organisation: they get 403 ("membership is suspended") for every action. A browser session
    that has not passed two-factor gets 403 where the organisation requires it; API tokens are
    unaffected (an owner issues them, and they can be read-only and expire)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(request.user, organisation) if organisation else None
    if membership is None:
        raise Http404("no such organisation")
    if (
        organisation.require_two_factor
        and getattr(request, "api_token", None) is None
        and not request.user.is_verified()
    ):
        # A browser session signed in with a password only: the owner asked for more.
        raise PermissionDenied(
            "this organisation requires two-factor sign-in: enter a code in the browser "
            "first, or use an API token"
        )
    require(membership, action)
    return organisation


AUTH = [BearerToken(), SessionAuth()]
