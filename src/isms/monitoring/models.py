"""Monitoring and measurement (9.1): the metrics register and its results."""

from django.db import models

from isms.catalog.models import Control
from isms.core.choices import Frequency
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class Metric(OrganisationScopedModel):
    """Something the organisation decided to monitor or measure (9.1 a-f)."""

    ref = models.CharField(max_length=30, help_text="Metric id, unique, e.g. MET-01.")
    measures = models.CharField(
        max_length=300, help_text="What is monitored or measured, e.g. patching within SLA."
    )
    method = models.TextField(
        blank=True, help_text="How it is measured, so that results are comparable."
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, help_text="How often it is measured."
    )
    owner = person_field("Who measures it (email).")
    analysed_by = person_field("Who analyses and evaluates the results (email).")
    objective = models.ForeignKey(
        "controls.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metrics",
        help_text="Objective id it tracks, if any.",
    )
    control = models.ForeignKey(
        Control,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Annex A control id whose effectiveness it shows, if any.",
    )

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.measures[:60]}"


class MetricResult(OrganisationScopedModel):
    """One result of a metric, and its analysis and evaluation (9.1 e)."""

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="results", help_text="Metric id."
    )
    measured_on = models.DateField(help_text="Date the result was taken (end of the period).")
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="Measured value.")
    analysed_on = models.DateField(
        null=True, blank=True, help_text="Date the result was analysed and evaluated."
    )
    analysis = models.TextField(
        blank=True, help_text="What the result means and what, if anything, is to be done."
    )

    class Meta:
        ordering = ["-measured_on"]
        constraints = [unique_key("metric", "measured_on")]

    def __str__(self) -> str:
        return f"{self.metric.ref} {self.measured_on}"
