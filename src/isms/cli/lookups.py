"""Resolving command-line arguments to records, exiting with code 2 when they do not exist."""

from django.core.exceptions import ValidationError

from isms.cli.output import fail
from isms.core import services


def organisation_or_exit(slug: str):
    try:
        return services.get_organisation(slug)
    except ValidationError as error:
        fail(error.message_dict["org"][0])


def user_or_exit(username: str | None, organisation=None, action=None):
    """The ``--as`` user, who must hold ``action`` in ``organisation`` when both are given: the
    history credits that user with the change, so the role is checked exactly as the API checks
    it (a viewer cannot rewrite records by importing ``--as`` themselves)."""
    if not username:
        return None
    try:
        user = services.get_user(username)
    except ValidationError as error:
        fail(error.message_dict["user"][0])
    if organisation is not None and action is not None:
        from django.core.exceptions import PermissionDenied

        from isms.core.permissions import require

        try:
            require(services.membership_for(user, organisation), action)
        except PermissionDenied as error:
            fail(f"--as {username} in {organisation.slug}: {error}")
    return user
