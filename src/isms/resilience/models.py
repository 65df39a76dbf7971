"""Backups and continuity (A.8.13, A.5.29, A.5.30): restore tests and continuity exercises."""

from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key

#: Restore tests are expected at least this often for a system without a backup policy.
DEFAULT_RESTORE_TEST_MONTHS = 12


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    PARTIAL = "partial", "Partially successful"
    FAILED = "failed", "Failed"


class BackupPolicy(OrganisationScopedModel):
    """How one system is backed up and how often its restore must be tested (8.13)."""

    class BackupFrequency(models.TextChoices):
        CONTINUOUS = "continuous", "Continuous (replication or point-in-time)"
        HOURLY = "hourly", "Hourly"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="backup_policies",
        help_text="System name.",
    )
    backup_frequency = models.CharField(
        max_length=20, choices=BackupFrequency.choices, help_text="How often it is backed up."
    )
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="How long backup copies are kept, in days."
    )
    restore_test_months = models.PositiveSmallIntegerField(
        default=DEFAULT_RESTORE_TEST_MONTHS,
        help_text="Longest interval between restore tests, in months.",
    )
    offsite = models.BooleanField(
        default=False, help_text="A copy is kept off site or in another region."
    )
    immutable = models.BooleanField(
        default=False, help_text="A copy cannot be altered or deleted (object lock, offline media)."
    )
    owner = person_field("Who is responsible for the backups (email).")
    notes = models.TextField(blank=True, help_text="Tools, scope and anything else worth knowing.")

    class Meta:
        ordering = ["system__name"]
        constraints = [unique_key("system")]

    def __str__(self) -> str:
        return f"Backup policy for {self.system}"


class RestoreTest(OrganisationScopedModel):
    """A test that a system's backups can actually be restored (8.13)."""

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="restore_tests",
        help_text="System name.",
    )
    tested_on = models.DateField(help_text="Date of the restore test.")
    scope = models.CharField(
        max_length=300, blank=True, help_text="What was restored, e.g. full database to staging."
    )
    result = models.CharField(
        max_length=10, choices=Outcome.choices, help_text="Result of the test."
    )
    duration_hours = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, help_text="Hours the restore took."
    )
    rto_met = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the restore finished within the recovery time objective.",
    )
    tested_by = person_field("Who ran the test (email).")
    follow_up = models.TextField(
        blank=True,
        help_text="Action, ticket or nonconformity raised for a failed or partial test.",
    )

    class Meta:
        ordering = ["system__name", "-tested_on"]
        constraints = [unique_key("system", "tested_on")]

    def __str__(self) -> str:
        return f"{self.system} restore test {self.tested_on}"


class ContinuityPlan(OrganisationScopedModel):
    """A business continuity or ICT readiness plan (5.29, 5.30)."""

    ref = models.CharField(max_length=30, help_text="Plan id, unique, e.g. BCP-001.")
    title = models.CharField(max_length=300, help_text="Plan title.")
    ict_readiness = models.BooleanField(
        default=False,
        help_text="An ICT readiness or disaster recovery plan (5.30) rather than a business "
        "continuity plan (5.29).",
    )
    scope = models.TextField(blank=True, help_text="The disruption scenarios and sites it covers.")
    covers = models.TextField(
        blank=True, help_text="Systems and processes it covers (names with |)."
    )
    rto_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Recovery time objective, in hours."
    )
    owner = person_field("Plan owner (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date the plan was approved.")

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class ContinuityExercise(OrganisationScopedModel):
    """A test or exercise of a continuity plan (5.29, 5.30)."""

    class Kind(models.TextChoices):
        TABLETOP = "tabletop", "Tabletop"
        WALKTHROUGH = "walkthrough", "Walkthrough"
        SIMULATION = "simulation", "Simulation"
        FULL = "full", "Full interruption or failover"

    plan = models.ForeignKey(
        ContinuityPlan, on_delete=models.CASCADE, related_name="exercises", help_text="Plan id."
    )
    exercised_on = models.DateField(help_text="Date of the exercise.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Kind of exercise.")
    result = models.CharField(max_length=10, choices=Outcome.choices, help_text="Result.")
    lessons = models.TextField(blank=True, help_text="What the exercise showed.")
    actions = models.TextField(
        blank=True, help_text="Actions, tickets or nonconformities raised from it."
    )

    class Meta:
        ordering = ["plan__ref", "-exercised_on"]
        constraints = [unique_key("plan", "exercised_on")]

    def __str__(self) -> str:
        return f"{self.plan.ref} exercised {self.exercised_on}"
