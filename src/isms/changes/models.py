"""Planned changes (6.3, 8.1, A.8.32): the change register."""

from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


class ChangeRecord(OrganisationScopedModel):
    """A change to the ISMS, its scope, sites, systems, suppliers or processes (6.3, 8.1,
    A.8.32)."""

    class Kind(models.TextChoices):
        NEW_SITE = "new_site", "New site"
        NEW_SYSTEM = "new_system", "New system"
        NEW_SUPPLIER = "new_supplier", "New supplier"
        SCOPE_CHANGE = "scope_change", "Scope change"
        PROCESS_CHANGE = "process_change", "Process change"
        INFRASTRUCTURE = "infrastructure", "Infrastructure change"
        SOFTWARE_RELEASE = "software_release", "Software release"
        ORGANISATIONAL = "organisational", "Organisational change"

    #: Kinds that change information processing facilities and systems (A.8.32).
    TECHNICAL = (Kind.NEW_SYSTEM, Kind.INFRASTRUCTURE, Kind.SOFTWARE_RELEASE)

    ref = models.CharField(max_length=40, help_text="Change reference, unique, e.g. CHG-2026-014.")
    title = models.CharField(max_length=200, help_text="What changes, in a line.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        help_text="new_site, new_system, new_supplier, scope_change, process_change, "
        "infrastructure, software_release or organisational.",
    )
    purpose = models.TextField(blank=True, help_text="Why the change is made.")
    consequences = models.TextField(
        blank=True, help_text="Its potential consequences for information security."
    )
    is_significant = models.BooleanField(
        default=False, help_text="A significant change, calling for a risk reassessment (8.2)."
    )
    risk_reassessed_on = models.DateField(
        null=True, blank=True, help_text="When the risks affected were reassessed."
    )
    risks_reassessed = models.CharField(
        max_length=300,
        blank=True,
        help_text="Risks reassessed for the change (risk refs, e.g. R-012|R-031).",
    )
    approved_by = person_field("Who approved the change (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")
    implemented_on = models.DateField(
        null=True, blank=True, help_text="Date implemented; empty while still planned."
    )
    system = models.ForeignKey(
        "operations.System",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        help_text="The system the change introduces or alters (system name).",
    )
    supplier = models.ForeignKey(
        "operations.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        help_text="The supplier the change brings in or alters (supplier name).",
    )
    site = models.ForeignKey(
        "context.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        help_text="The site the change opens or alters (site name).",
    )
    scope = models.ForeignKey(
        "context.Scope",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        help_text="The scope version the change led to (scope version).",
    )

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"
