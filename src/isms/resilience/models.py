"""Backups and continuity (A.8.13, A.5.29, A.5.30): restore tests and continuity exercises."""

from django.db import models  # noqa: F401

from isms.core.models import OrganisationScopedModel, person_field, unique_key  # noqa: F401
