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


class CompetenceRequirement(OrganisationScopedModel):
    """What a holder of an ISMS role must know or have done (7.2 a)."""

    ref = models.CharField(max_length=30, help_text="Requirement id, unique, e.g. CR-01.")
    role = models.CharField(
        max_length=30, choices=RoleAssignment.Role.choices, help_text="The ISMS role."
    )
    requirement = models.CharField(
        max_length=300,
        help_text="The competence needed, e.g. ISO/IEC 27001 internal auditor training.",
    )
    description = models.TextField(
        blank=True, help_text="What counts as evidence (course, certificate, experience)."
    )

    class Meta:
        ordering = ["role", "requirement"]
        constraints = [
            unique_key("ref"),
            models.UniqueConstraint(
                fields=["organisation", "role", "requirement"],
                name="leadership_competencerequirement_role_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.requirement}"


class CompetenceEvidence(OrganisationScopedModel):
    """Documented evidence that a person meets a competence requirement (7.2 d)."""

    person = person_field("Whose competence it shows (email).", required=True)
    requirement = models.ForeignKey(
        CompetenceRequirement,
        on_delete=models.CASCADE,
        related_name="evidence",
        help_text="Requirement id.",
    )
    evidence = models.CharField(
        max_length=300, help_text="The record: certificate, course, appraisal, with its reference."
    )
    obtained_on = models.DateField(help_text="Date the competence was obtained.")
    expires_on = models.DateField(
        null=True, blank=True, help_text="Date it lapses, if it does (e.g. certificate expiry)."
    )

    class Meta:
        ordering = ["person__email", "-obtained_on"]
        constraints = [unique_key("person", "requirement", "obtained_on")]

    def __str__(self) -> str:
        return f"{self.person} {self.requirement}"
