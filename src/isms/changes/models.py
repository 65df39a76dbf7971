"""Planned changes (6.3, 8.1, A.8.32): the change register."""

from django.db import models  # noqa: F401

from isms.core.models import OrganisationScopedModel, person_field, unique_key  # noqa: F401
