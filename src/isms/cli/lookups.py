"""Resolving command-line arguments to records, exiting with code 2 when they do not exist."""

from django.core.exceptions import ValidationError

from isms.cli.output import fail
from isms.core import services


def organisation_or_exit(slug: str):
    try:
        return services.get_organisation(slug)
    except ValidationError as error:
        fail(error.message_dict["org"][0])


def user_or_exit(username: str | None):
    if not username:
        return None
    try:
        return services.get_user(username)
    except ValidationError as error:
        fail(error.message_dict["user"][0])
