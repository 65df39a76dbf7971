"""The organisation's context: scope, issues and interested parties (clause 4)."""

from django.db import models

from isms.core.choices import InScope
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class Scope(OrganisationScopedModel):
    """A version of the ISMS scope statement (4.3); the latest approved one is in force."""

    version = models.CharField(max_length=20, help_text="Version label, unique, e.g. 2.0.")
    statement = models.TextField(help_text="The scope statement as it appears on the certificate.")
    in_scope = models.TextField(blank=True, help_text="Sites, units, services and systems covered.")
    out_of_scope = models.TextField(blank=True, help_text="What is excluded, and why.")
    boundaries = models.TextField(
        blank=True, help_text="Boundaries and interfaces with what is out of scope."
    )
    approved_by = person_field("Who approved this scope (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")

    class Meta:
        ordering = ["-approved_on"]
        constraints = [unique_key("version")]

    def __str__(self) -> str:
        return f"Scope {self.version}"


class ContextIssue(OrganisationScopedModel):
    """An internal or external issue relevant to the ISMS (4.1).

    Climate change is recorded as an issue of category ``climate_change`` whose ``is_relevant``
    says whether the organisation determined it relevant and ``rationale`` why (Amd 1:2024).
    """

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"

    class Category(models.TextChoices):
        STRATEGIC = "strategic", "Strategic"
        POLITICAL = "political", "Political"
        ECONOMIC = "economic", "Economic"
        SOCIAL = "social", "Social"
        TECHNOLOGICAL = "technological", "Technological"
        LEGAL = "legal", "Legal and regulatory"
        ENVIRONMENTAL = "environmental", "Environmental"
        CLIMATE_CHANGE = "climate_change", "Climate change (Amd 1:2024)"
        ORGANISATIONAL = "organisational", "Organisational"

    title = models.CharField(max_length=200, help_text="Short name of the issue, unique.")
    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="internal or external.")
    category = models.CharField(max_length=20, choices=Category.choices, help_text="Category.")
    description = models.TextField(blank=True, help_text="What the issue is.")
    is_relevant = models.BooleanField(
        default=True, help_text="Whether it was determined relevant to the ISMS."
    )
    rationale = models.TextField(
        blank=True, help_text="Why it is (or is not) relevant, and how the ISMS responds."
    )
    reviewed_on = models.DateField(null=True, blank=True, help_text="Date last reviewed.")

    class Meta:
        ordering = ["kind", "title"]
        constraints = [unique_key("title")]

    def __str__(self) -> str:
        return self.title


class InterestedParty(OrganisationScopedModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"

    name = models.CharField(max_length=200, help_text="Who the party is, unique.")
    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="internal or external.")
    description = models.TextField(blank=True, help_text="Their interest in the organisation.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "interested parties"
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class PartyRequirement(OrganisationScopedModel):
    """A requirement of an interested party and how the ISMS addresses it (4.2)."""

    party = models.ForeignKey(
        InterestedParty,
        on_delete=models.CASCADE,
        related_name="requirements",
        help_text="Interested party name.",
    )
    requirement = models.CharField(max_length=300, help_text="The requirement, in a line.")
    how_addressed = models.TextField(
        blank=True, help_text="How the ISMS addresses it (process, control, document)."
    )
    is_climate_related = models.BooleanField(
        default=False, help_text="A climate-related requirement (Amd 1:2024)."
    )

    class Meta:
        ordering = ["party__name", "requirement"]
        constraints = [unique_key("party", "requirement")]

    def __str__(self) -> str:
        return f"{self.party}: {self.requirement}"


class Site(OrganisationScopedModel):
    """A location the organisation operates from (4.3: what the scope covers on the ground)."""

    class Kind(models.TextChoices):
        OFFICE = "office", "Office"
        FACTORY = "factory", "Factory"
        DATA_CENTRE = "data_centre", "Data centre"
        WAREHOUSE = "warehouse", "Warehouse"
        REMOTE = "remote", "Remote or home working"

    name = models.CharField(max_length=200, help_text="Site name, unique.")
    address = models.TextField(blank=True, help_text="Postal address.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        help_text="office, factory, data_centre, warehouse or remote.",
    )
    in_scope = models.CharField(
        max_length=10,
        choices=InScope.choices,
        blank=True,
        help_text="included or excluded; empty when the scope does not say.",
    )
    exclusion_reason = models.TextField(blank=True, help_text="Why it is excluded, if it is.")
    opened_on = models.DateField(
        null=True, blank=True, help_text="When the organisation started operating there."
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class Interface(OrganisationScopedModel):
    """Where the ISMS meets something outside it: a supplier, a group unit, a customer (4.3 c)."""

    name = models.CharField(max_length=200, help_text="Interface name, unique.")
    description = models.TextField(blank=True, help_text="What passes across it, and how.")
    counterpart = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who is on the other side, e.g. a supplier or an out-of-scope unit.",
    )
    in_scope = models.CharField(
        max_length=10,
        choices=InScope.choices,
        blank=True,
        help_text="included or excluded; empty when the scope does not say.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name
