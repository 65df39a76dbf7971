"""Risk assessment and treatment (6.1.2, 6.1.3, 8.2, 8.3)."""

from django.core.exceptions import ValidationError
from django.db import models

from isms.catalog.models import Control
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class RiskMethod(OrganisationScopedModel):
    """The documented risk method: scales, how scores combine, acceptance and review interval.

    A risk's score is likelihood x impact. A score at or below ``acceptance_threshold`` may be
    retained without treatment; at or above ``high_threshold`` it is high.
    """

    name = models.CharField(max_length=200, help_text="Name of the method, unique.")
    likelihood_levels = models.PositiveSmallIntegerField(
        default=5, help_text="Number of likelihood levels (1..N)."
    )
    impact_levels = models.PositiveSmallIntegerField(
        default=5, help_text="Number of impact levels (1..N)."
    )
    acceptance_threshold = models.PositiveSmallIntegerField(
        help_text="Highest score (likelihood x impact) acceptable without treatment."
    )
    high_threshold = models.PositiveSmallIntegerField(
        help_text="Lowest score (likelihood x impact) that counts as high."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="Risks are reassessed at least this often."
    )
    description = models.TextField(blank=True, help_text="How the method is applied.")
    approved_by = person_field("Who approved the method (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")

    class Meta:
        ordering = ["-approved_on"]
        constraints = [
            unique_key("name"),
            models.CheckConstraint(
                condition=models.Q(likelihood_levels__gte=2, impact_levels__gte=2),
                name="risk_method_scales_at_least_two",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for name in ("likelihood_levels", "impact_levels"):
            if (getattr(self, name) or 0) > Risk.MAX_LEVEL:
                raise ValidationError({name: f"at most {Risk.MAX_LEVEL} levels"})
        top = (self.likelihood_levels or 0) * (self.impact_levels or 0)
        if self.acceptance_threshold is not None and self.high_threshold is not None:
            if self.acceptance_threshold >= self.high_threshold:
                raise ValidationError({"acceptance_threshold": "must be lower than high_threshold"})
            if self.high_threshold > top:
                raise ValidationError(
                    {"high_threshold": f"must be at most {top} (likelihood x impact levels)"}
                )


class Process(OrganisationScopedModel):
    name = models.CharField(max_length=200, help_text="Business process name, unique.")
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="processes",
        help_text="Department that runs it.",
    )
    owner = person_field("Process owner (email).")
    description = models.TextField(blank=True, help_text="What the process does.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class Asset(OrganisationScopedModel):
    class Kind(models.TextChoices):
        INFORMATION = "information", "Information"
        SOFTWARE = "software", "Software or application"
        HARDWARE = "hardware", "Hardware"
        SERVICE = "service", "Service"
        PEOPLE = "people", "People"
        SITE = "site", "Site or facility"

    class Classification(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal"
        CONFIDENTIAL = "confidential", "Confidential"
        RESTRICTED = "restricted", "Restricted"

    name = models.CharField(max_length=200, help_text="Asset name, unique.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Type of asset.")
    owner = person_field("Asset owner (email).")
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="assets",
        help_text="Department that holds it.",
    )
    process = models.ForeignKey(
        Process,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="assets",
        help_text="Process it supports.",
    )
    classification = models.CharField(
        max_length=20,
        choices=Classification.choices,
        default=Classification.INTERNAL,
        help_text="Information classification.",
    )
    description = models.TextField(blank=True, help_text="What it is.")

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class Risk(OrganisationScopedModel):
    class Treatment(models.TextChoices):
        MODIFY = "modify", "Modify (reduce with controls)"
        RETAIN = "retain", "Retain (accept)"
        AVOID = "avoid", "Avoid"
        SHARE = "share", "Share (transfer)"

    _history_m2m_fields = ["controls"]  # changes to the links are kept in history too
    ref = models.CharField(max_length=30, help_text="Risk id, unique, e.g. R-001.")
    title = models.CharField(max_length=300, help_text="Short name of the risk.")
    asset = models.ForeignKey(
        Asset,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="risks",
        help_text="Asset at risk (name).",
    )
    process = models.ForeignKey(
        Process,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="risks",
        help_text="Process at risk (name).",
    )
    threat = models.CharField(max_length=300, blank=True, help_text="What could happen.")
    vulnerability = models.CharField(
        max_length=300, blank=True, help_text="The weakness exploited."
    )
    owner = person_field("Risk owner (email).")
    likelihood = models.PositiveSmallIntegerField(help_text="Inherent likelihood, 1..N.")
    impact = models.PositiveSmallIntegerField(help_text="Inherent impact, 1..N.")
    inherent_score = models.PositiveSmallIntegerField(
        editable=False, default=0, help_text="likelihood x impact (computed)."
    )
    treatment = models.CharField(
        max_length=10, choices=Treatment.choices, help_text="Treatment option."
    )
    controls = models.ManyToManyField(
        Control, blank=True, related_name="+", help_text="Annex A controls that treat it."
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Likelihood after treatment, 1..N."
    )
    residual_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Impact after treatment, 1..N."
    )
    residual_score = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="Residual likelihood x impact (computed)."
    )
    last_assessed_on = models.DateField(null=True, blank=True, help_text="Date last assessed.")
    accepted_by = person_field("Risk owner who accepted the residual risk (email).")
    accepted_on = models.DateField(null=True, blank=True, help_text="Date of acceptance.")
    plan_approved_by = person_field(
        "Risk owner who approved the treatment plan for this risk (email)."
    )
    plan_approved_on = models.DateField(
        null=True, blank=True, help_text="Date the treatment plan was approved."
    )

    class Meta:
        ordering = ["ref"]
        constraints = [
            unique_key("ref"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, impact__gte=1),
                name="risk_risk_levels_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    #: The most levels a risk scale may have: a score (likelihood x impact) then always fits
    #: its column. Imports also check the levels against the method in force when the risk was
    #: assessed (``risk.registers.check_risk_levels``); the mock audit reports risks left on an
    #: earlier method's scales (RSK014).
    MAX_LEVEL = 100
    LEVELS = ("likelihood", "impact", "residual_likelihood", "residual_impact")

    def clean(self) -> None:
        errors = {
            name: f"{getattr(self, name)} is more than {self.MAX_LEVEL}, the most levels a risk "
            "scale may have"
            for name in self.LEVELS
            if getattr(self, name) is not None and getattr(self, name) > self.MAX_LEVEL
        }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.inherent_score = (self.likelihood or 0) * (self.impact or 0)
        if self.residual_likelihood and self.residual_impact:
            self.residual_score = self.residual_likelihood * self.residual_impact
        else:
            self.residual_score = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "inherent_score", "residual_score"}
        super().save(*args, **kwargs)


class TreatmentAction(OrganisationScopedModel):
    """One action of the risk treatment plan (6.1.3 e)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    _history_m2m_fields = ["controls"]  # changes to the links are kept in history too
    ref = models.CharField(max_length=30, help_text="Action id, unique, e.g. RTP-001.")
    risk = models.ForeignKey(
        Risk, on_delete=models.CASCADE, related_name="actions", help_text="Risk id it treats."
    )
    action = models.TextField(help_text="What will be done.")
    owner = person_field("Who is accountable (email).")
    due_on = models.DateField(null=True, blank=True, help_text="Target date.")
    budget = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Budget (money)."
    )
    resources = models.CharField(
        max_length=300, blank=True, help_text="People, time or tools assigned, if not money."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED, help_text="Progress."
    )
    completed_on = models.DateField(null=True, blank=True, help_text="Date done.")
    controls = models.ManyToManyField(
        Control, blank=True, related_name="+", help_text="Annex A controls it implements."
    )

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.action[:60]}"
