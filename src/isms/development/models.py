"""Secure development (A.8.25 to A.8.29, A.8.31): releases, reviews, tests and environments."""

from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


class DevelopmentSystem(OrganisationScopedModel):
    """A system the organisation develops itself, and how its environments are separated (8.31)."""

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="development",
        help_text="System name.",
    )
    repository = models.CharField(
        max_length=300, blank=True, help_text="Where its source code is kept."
    )
    separate_environments = models.BooleanField(
        help_text="Development, test and production are separate environments."
    )
    notes = models.TextField(
        blank=True, help_text="How the environments are separated, or why not."
    )

    class Meta:
        ordering = ["system__name"]
        constraints = [unique_key("system")]

    def __str__(self) -> str:
        return str(self.system)


class Release(OrganisationScopedModel):
    """A release of software the organisation develops (8.25, 8.28, 8.29)."""

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="releases",
        help_text="System name.",
    )
    version = models.CharField(max_length=50, help_text="Version released.")
    released_on = models.DateField(help_text="Date it went to production or customers.")
    code_reviewed = models.BooleanField(help_text="Every change in it was peer reviewed.")
    security_tested = models.BooleanField(help_text="It passed security testing before release.")
    test_kinds = models.CharField(
        max_length=100, blank=True, help_text="Security tests run: SAST, DAST, pentest (with |)."
    )
    approved_by = person_field("Who approved the release (email).")
    notes = models.TextField(blank=True, help_text="Exceptions and anything else worth knowing.")

    class Meta:
        ordering = ["system__name", "-released_on"]
        constraints = [unique_key("system", "version")]

    def __str__(self) -> str:
        return f"{self.system} {self.version}"
