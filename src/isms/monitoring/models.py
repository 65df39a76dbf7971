"""Monitoring and measurement (9.1): the metrics register and its results."""

from django.db import models  # noqa: F401

from isms.core.models import OrganisationScopedModel, person_field, unique_key  # noqa: F401
