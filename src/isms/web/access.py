"""What every page of an organisation starts with: the organisation from the URL and the caller's
membership, checked with core/permissions.py like the API and the CLI. An organisation the user
is not a member of answers 404, exactly like one that does not exist."""

from django.http import Http404

from isms.core.models import Organisation
from isms.core.permissions import Action, can
from isms.core.registers import all_registers
from isms.core.services import membership_for


def organisation_for(request, slug: str, action: Action = Action.VIEW):
    """The organisation ``slug`` and the caller's membership, or 404 (not a member, suspended,
    or no such organisation: the page never tells which)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(request.user, organisation) if organisation else None
    if membership is None or not can(membership, action):
        raise Http404("no such organisation")
    return organisation, membership


def register_named(name: str):
    for register in all_registers():
        if register.name == name:
            return register
    raise Http404("no such register")
