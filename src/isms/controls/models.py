"""The Statement of Applicability (6.1.3 d) and the security objectives (6.2, 9.1)."""

from django.core.exceptions import ValidationError
from django.db import models

from isms.catalog.models import Control
from isms.core.choices import Frequency
from isms.core.models import OrganisationScopedModel, person_field, unique_key

INCLUSION_REASONS = ("risk", "legal", "contractual", "business")


def validate_inclusion_reasons(value: str) -> None:
    unknown = [token for token in split_reasons(value) if token not in INCLUSION_REASONS]
    if unknown:
        raise ValidationError(
            f"unknown reason(s) {', '.join(unknown)}; use {'|'.join(INCLUSION_REASONS)}"
        )


def split_reasons(value: str) -> list[str]:
    return [token.strip().lower() for token in value.replace(",", "|").split("|") if token.strip()]


class SoAEntry(OrganisationScopedModel):
    """One row of the Statement of Applicability: one Annex A control."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PLANNED = "planned", "Planned"
        PARTIAL = "partial", "Partially implemented"
        IMPLEMENTED = "implemented", "Implemented"

    control = models.ForeignKey(
        Control, on_delete=models.RESTRICT, related_name="+", help_text="Annex A control id."
    )
    applicable = models.BooleanField(help_text="Whether the control is applicable.")
    inclusion_reasons = models.CharField(
        max_length=60,
        blank=True,
        validators=[validate_inclusion_reasons],
        help_text="Why included: risk, legal, contractual, business (several with |).",
    )
    justification = models.TextField(
        blank=True, help_text="Justification for inclusion, or for exclusion when not applicable."
    )
    implementation_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, help_text="How far it is implemented."
    )
    owner = person_field("Control owner (email).")
    evidence_frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        blank=True,
        help_text="How often evidence of operation is collected, as committed.",
    )
    implementation_notes = models.TextField(
        blank=True, help_text="How the control is implemented (references to documents)."
    )

    class Meta:
        ordering = ["control__sort_key"]
        verbose_name = "SoA entry"
        verbose_name_plural = "SoA entries"
        constraints = [unique_key("control")]

    def __str__(self) -> str:
        return f"SoA {self.control.ref}"


class SoAVersion(OrganisationScopedModel):
    """An approved version of the SoA as a whole."""

    version = models.CharField(max_length=20, help_text="Version label, unique.")
    approved_by = person_field("Who approved it (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")
    change_summary = models.TextField(blank=True, help_text="What changed.")

    class Meta:
        ordering = ["-approved_on"]
        verbose_name = "SoA version"
        constraints = [unique_key("version")]

    def __str__(self) -> str:
        return f"SoA {self.version}"


class Objective(OrganisationScopedModel):
    """An information security objective (6.2): measurable, owned, dated, tied to strategy."""

    ref = models.CharField(max_length=30, help_text="Objective id, unique, e.g. OBJ-01.")
    statement = models.TextField(help_text="What is to be achieved.")
    metric = models.CharField(max_length=300, blank=True, help_text="How it is measured.")
    target = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Target value."
    )
    higher_is_better = models.BooleanField(
        default=True, help_text="yes when the target is a minimum, no when it is a maximum."
    )
    unit = models.CharField(max_length=30, blank=True, help_text="Unit, e.g. % or days.")
    measurement_frequency = models.CharField(
        max_length=20, choices=Frequency.choices, blank=True, help_text="How often it is measured."
    )
    owner = person_field("Who is accountable (email).")
    due_on = models.DateField(null=True, blank=True, help_text="When it is to be achieved.")
    strategic_goal = models.CharField(
        max_length=300, blank=True, help_text="The business goal it serves."
    )

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.statement[:60]}"


class Measurement(OrganisationScopedModel):
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="measurements",
        help_text="Objective id.",
    )
    measured_on = models.DateField(help_text="Date of the measurement.")
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="Measured value.")
    note = models.CharField(max_length=300, blank=True, help_text="Comment.")

    class Meta:
        ordering = ["-measured_on"]
        constraints = [unique_key("objective", "measured_on")]

    def __str__(self) -> str:
        return f"{self.objective.ref} = {self.value} on {self.measured_on}"
