"""Technological operation (A.8.8, A.8.15, A.8.16): vulnerabilities, scans and logging."""

from django.db import models

from isms.core.choices import Level
from isms.core.models import OrganisationScopedModel, person_field, unique_key

#: Days between alert reviews each frequency allows (a little slack for weekends and holidays).
REVIEW_DAYS = {"daily": 4, "weekly": 10, "monthly": 35, "quarterly": 100}


class RemediationTarget(OrganisationScopedModel):
    """The organisation's own deadline (SLA) for fixing a vulnerability of each severity (8.8)."""

    severity = models.CharField(
        max_length=10,
        choices=Level.choices,
        help_text="Vulnerability severity: critical, high, medium or low; unique.",
    )
    days_allowed = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days allowed from discovery to fix, per the vulnerability management policy; "
        "empty when the policy sets no number of days.",
    )
    notes = models.TextField(blank=True, help_text="Where the policy sets it, exceptions.")

    class Meta:
        ordering = ["severity"]
        constraints = [unique_key("severity")]

    def __str__(self) -> str:
        return f"{self.severity}: {self.days_allowed} days"


class VulnerabilityScan(OrganisationScopedModel):
    """A completed vulnerability scan (or assessment) of a system."""

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="scans",
        help_text="System name.",
    )
    scanned_on = models.DateField(help_text="Date the scan completed.")
    tool = models.CharField(max_length=200, help_text="Scanner or method, e.g. Tenable.io.")
    findings_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of vulnerabilities the scan reported."
    )

    class Meta:
        ordering = ["-scanned_on"]
        constraints = [unique_key("system", "scanned_on")]

    def __str__(self) -> str:
        return f"{self.system} scanned {self.scanned_on}"


class Vulnerability(OrganisationScopedModel):
    """A technical vulnerability found on a system, and its fix or risk acceptance."""

    ref = models.CharField(
        max_length=60, help_text="CVE or scanner finding id; unique together with the system."
    )
    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="vulnerabilities",
        help_text="System name.",
    )
    severity = models.CharField(max_length=10, choices=Level.choices, help_text="Severity.")
    found_on = models.DateField(help_text="Date it was found (reported by a scan or advisory).")
    fixed_on = models.DateField(
        null=True, blank=True, help_text="Date it was fixed (patched or mitigated); empty if open."
    )
    risk_accepted_by = person_field("Who accepted the risk of leaving it open (email).")
    risk_accepted_until = models.DateField(
        null=True, blank=True, help_text="Date the risk acceptance expires."
    )
    description = models.TextField(blank=True, help_text="What it is and where.")

    class Meta:
        ordering = ["system__name", "ref"]
        constraints = [unique_key("ref", "system")]
        verbose_name_plural = "vulnerabilities"

    def __str__(self) -> str:
        return f"{self.ref} on {self.system}"


class LogSource(OrganisationScopedModel):
    """Where a system's security events are logged, and how its alerts are reviewed."""

    class ReviewFrequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    system = models.ForeignKey(
        "operations.System",
        on_delete=models.CASCADE,
        related_name="log_sources",
        help_text="System name.",
    )
    destination = models.CharField(
        max_length=200, help_text="Where the logs go, e.g. the SIEM's name."
    )
    events_logged = models.TextField(
        blank=True, help_text="Events collected, e.g. sign-ins|admin changes|data exports."
    )
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days the logs are kept."
    )
    alerts_reviewed = models.BooleanField(
        default=False, help_text="Whether alerts from this source are reviewed by someone."
    )
    alert_review_frequency = models.CharField(
        max_length=20,
        choices=ReviewFrequency.choices,
        blank=True,
        help_text="How often the alerts must be reviewed, per the monitoring procedure: daily, "
        "weekly, monthly or quarterly.",
    )
    last_alert_review_on = models.DateField(
        null=True, blank=True, help_text="Date of the last recorded alert review."
    )
    reviewer = person_field("Who reviews the alerts (email).")

    class Meta:
        ordering = ["system__name", "destination"]
        constraints = [unique_key("system", "destination")]

    def __str__(self) -> str:
        return f"{self.system} -> {self.destination}"
