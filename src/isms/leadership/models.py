"""Who leads the ISMS and what it was given to work with (5.1, 5.3, 7.1)."""

from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


class RoleAssignment(OrganisationScopedModel):
    """An ISMS role and the person who holds it."""

    class Role(models.TextChoices):
        TOP_MANAGEMENT_SPONSOR = "top_management_sponsor", "Top-management sponsor"
        ISMS_MANAGER = "isms_manager", "ISMS manager"
        CISO = "ciso", "Chief information security officer"
        RISK_OWNER = "risk_owner", "Risk owner"
        ASSET_OWNER = "asset_owner", "Asset owner"
        INTERNAL_AUDITOR = "internal_auditor", "Internal auditor"
        DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
        INCIDENT_MANAGER = "incident_manager", "Incident manager"

    role = models.CharField(max_length=30, choices=Role.choices, help_text="The ISMS role.")
    person = person_field("Who holds the role (email).", required=True)
    responsibilities = models.TextField(
        blank=True, help_text="What the role is responsible and accountable for."
    )
    assigned_on = models.DateField(null=True, blank=True, help_text="Date of appointment.")
    ended_on = models.DateField(
        null=True, blank=True, help_text="Date the person stopped holding the role."
    )

    class Meta:
        ordering = ["role"]
        constraints = [unique_key("role", "person")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"


class ResourceAllocation(OrganisationScopedModel):
    """Budget, people, tools or time given to the ISMS by top management (7.1, 9.3)."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "Budget"
        PEOPLE = "people", "People (FTE)"
        TOOLING = "tooling", "Tooling or service"
        TIME = "time", "Time"
        EXTERNAL = "external", "External expertise"

    description = models.CharField(max_length=300, help_text="What was allocated, unique.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Kind of resource.")
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Amount (money or FTE).",
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO currency code, e.g. EUR.")
    approved_by = person_field("Who approved it (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")

    class Meta:
        ordering = ["-approved_on"]
        constraints = [unique_key("description")]

    def __str__(self) -> str:
        return self.description
