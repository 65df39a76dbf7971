"""Secure development (A.8.25 to A.8.29, A.8.31): releases, reviews, tests and environments."""

from django.db import models  # noqa: F401

from isms.core.models import OrganisationScopedModel, person_field, unique_key  # noqa: F401
