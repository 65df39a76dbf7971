"""Day-to-day operation of controls: access (5.15-5.18), suppliers (5.19-5.23), incidents
(5.24-5.28, 6.8), retention and deletion (5.33, 8.10)."""

from django.db import models

from isms.core.choices import Frequency, InScope, Level
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class System(OrganisationScopedModel):
    """An application or platform whose accounts and access are reviewed."""

    name = models.CharField(max_length=200, help_text="System name, unique.")
    owner = person_field("System owner (email).")
    criticality = models.CharField(
        max_length=10, choices=Level.choices, default=Level.MEDIUM, help_text="Criticality."
    )
    access_review_frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        blank=True,
        help_text="How often access must be reviewed, per the access control policy.",
    )
    description = models.TextField(blank=True, help_text="What it is.")
    in_scope = models.CharField(
        max_length=10,
        choices=InScope.choices,
        blank=True,
        help_text="included or excluded from the ISMS scope; empty when the scope does not say.",
    )
    introduced_on = models.DateField(
        null=True, blank=True, help_text="When the system went into use."
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class AccessReview(OrganisationScopedModel):
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="access_reviews", help_text="System name."
    )
    reviewed_on = models.DateField(help_text="Date the review was completed.")
    reviewer = person_field("Who reviewed (email).")
    accounts_reviewed = models.PositiveIntegerField(help_text="Accounts looked at.")
    accounts_removed = models.PositiveIntegerField(default=0, help_text="Accounts removed.")
    notes = models.TextField(blank=True, help_text="Findings and follow-up.")

    class Meta:
        ordering = ["-reviewed_on"]
        constraints = [unique_key("system", "reviewed_on")]

    def __str__(self) -> str:
        return f"{self.system} reviewed {self.reviewed_on}"


class Account(OrganisationScopedModel):
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="accounts", help_text="System name."
    )
    username = models.CharField(max_length=200, help_text="Login name in that system.")
    person = person_field("Whose account it is (email); empty for service accounts.")
    is_active = models.BooleanField(default=True, help_text="Whether the account can log in.")
    is_privileged = models.BooleanField(default=False, help_text="Administrator rights.")
    last_used_on = models.DateField(null=True, blank=True, help_text="Last login.")

    class Meta:
        ordering = ["system__name", "username"]
        constraints = [unique_key("system", "username")]

    def __str__(self) -> str:
        return f"{self.username}@{self.system}"


class Supplier(OrganisationScopedModel):
    class DataAccess(models.TextChoices):
        NONE = "none", "No access to our information"
        INTERNAL = "internal", "Internal information"
        CONFIDENTIAL = "confidential", "Confidential information"
        PERSONAL = "personal", "Personal data"

    class AssessmentResult(models.TextChoices):
        PASSED = "passed", "Passed"
        CONDITIONAL = "conditional", "Passed with conditions"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=200, help_text="Supplier name, unique.")
    service = models.CharField(max_length=300, help_text="What they provide.")
    tier = models.CharField(
        max_length=10, choices=Level.choices, help_text="Risk tier: low, medium, high, critical."
    )
    data_access = models.CharField(
        max_length=20, choices=DataAccess.choices, help_text="What information they can reach."
    )
    is_cloud_service = models.BooleanField(default=False, help_text="A cloud service (5.23).")
    owner = person_field("Who manages the relationship (email).")
    contract_reference = models.CharField(
        max_length=100, blank=True, help_text="Contract id; empty when there is no contract."
    )
    contract_signed_on = models.DateField(null=True, blank=True, help_text="Date signed.")
    security_requirements = models.TextField(
        blank=True,
        help_text="Security clauses the contract carries, e.g. confidentiality|breach "
        "notification|right to audit.",
    )
    review_frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        blank=True,
        help_text="How often the supplier must be assessed.",
    )
    last_assessed_on = models.DateField(
        null=True, blank=True, help_text="Date of the last assessment or audit."
    )
    last_assessment_result = models.CharField(
        max_length=20,
        choices=AssessmentResult.choices,
        blank=True,
        help_text="Result of the last assessment.",
    )
    outsourced_process = models.CharField(
        max_length=300,
        blank=True,
        help_text="The in-scope process (or part of one) the supplier runs for us (8.1); empty "
        "when it runs none.",
    )
    outsourcing_controls = models.TextField(
        blank=True,
        help_text="How that outsourced process is controlled, e.g. SLA reports|KPIs|audits.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_key("name")]

    def __str__(self) -> str:
        return self.name


class Incident(OrganisationScopedModel):
    """An information security event, near miss or incident."""

    class Kind(models.TextChoices):
        EVENT = "event", "Event"
        NEAR_MISS = "near_miss", "Near miss"
        INCIDENT = "incident", "Incident"
        DATA_BREACH = "data_breach", "Personal data breach"

    ref = models.CharField(max_length=30, help_text="Incident id, unique, e.g. INC-2026-001.")
    title = models.CharField(max_length=300, help_text="What happened, in a line.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Kind of record.")
    severity = models.CharField(max_length=10, choices=Level.choices, help_text="Severity.")
    occurred_on = models.DateField(null=True, blank=True, help_text="When it happened.")
    reported_on = models.DateField(help_text="When it was reported.")
    reported_by = person_field("Who reported it (email).")
    closed_on = models.DateField(null=True, blank=True, help_text="When it was closed.")
    root_cause = models.TextField(blank=True, help_text="The underlying cause found.")
    lessons_learned = models.TextField(blank=True, help_text="What was learned and changed (5.27).")

    class Meta:
        ordering = ["-reported_on"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class RetentionRule(OrganisationScopedModel):
    """The retention schedule: how long each category of data is kept and how it is deleted."""

    data_category = models.CharField(max_length=200, help_text="Category of data, unique.")
    system = models.ForeignKey(
        System,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="retention_rules",
        help_text="System that holds it.",
    )
    retention_months = models.PositiveIntegerField(help_text="Months the data may be kept.")
    deletion_method = models.CharField(
        max_length=300, blank=True, help_text="How it is deleted (8.10)."
    )
    legal_basis = models.CharField(
        max_length=300, blank=True, help_text="Law or reason behind the period."
    )

    class Meta:
        ordering = ["data_category"]
        constraints = [unique_key("data_category")]

    def __str__(self) -> str:
        return self.data_category


class DeletionRecord(OrganisationScopedModel):
    retention_rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.CASCADE,
        related_name="deletions",
        help_text="Data category of the retention schedule.",
    )
    deleted_on = models.DateField(help_text="Date of the deletion run.")
    records_purged = models.PositiveIntegerField(help_text="How many records were deleted.")
    performed_by = person_field("Who ran it (email).")

    class Meta:
        ordering = ["-deleted_on"]
        constraints = [unique_key("retention_rule", "deleted_on")]

    def __str__(self) -> str:
        return f"{self.retention_rule} purged {self.deleted_on}"


class DataInventoryItem(OrganisationScopedModel):
    """What data a system actually holds and how old its oldest record is."""

    data_category = models.ForeignKey(
        RetentionRule,
        on_delete=models.CASCADE,
        related_name="inventory",
        help_text="Data category of the retention schedule.",
    )
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="inventory", help_text="System name."
    )
    oldest_record_on = models.DateField(help_text="Date of the oldest record held.")
    record_count = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Records held, if known."
    )
    checked_on = models.DateField(null=True, blank=True, help_text="When this was checked.")

    class Meta:
        ordering = ["data_category__data_category", "system__name"]
        constraints = [unique_key("data_category", "system")]

    def __str__(self) -> str:
        return f"{self.data_category} in {self.system}"
