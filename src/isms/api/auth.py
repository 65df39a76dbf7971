"""Bearer-token authentication and organisation access for every API call."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.security import HttpBearer, SessionAuth

from isms.core.models import Organisation
from isms.core.permissions import Action, require
from isms.core.services import membership_for, user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer isms_...``, a token made with ``isms token create``."""

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def organisation_for(request, slug: str, action: Action) -> Organisation:
    """The organisation ``slug`` if the caller may ``action`` in it.

    An organisation the caller is not a member of answers 404, exactly like one that does not
    exist, so the API never reveals which organisations exist."""
    organisation = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(request.user, organisation) if organisation else None
    if membership is None:
        raise Http404("no such organisation")
    try:
        require(membership, action)
    except PermissionDenied:
        raise
    return organisation


AUTH = [BearerToken(), SessionAuth()]
