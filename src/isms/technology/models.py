"""Technological operation (A.8.8, A.8.15, A.8.16): vulnerabilities, scans and logging."""

from django.db import models  # noqa: F401

from isms.core.models import OrganisationScopedModel, person_field, unique_key  # noqa: F401
