"""Stored assessment runs, for trends and for --diff. A run is an immutable record."""

from django.conf import settings
from django.db import models

from isms.core.models import Organisation


class Assessment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    as_of = models.DateField()
    stage = models.PositiveSmallIntegerField()
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=100)
    score = models.PositiveSmallIntegerField(
        help_text="Conformity: percent of clauses and applicable controls with no nonconformity."
    )
    majors = models.PositiveIntegerField()
    minors = models.PositiveIntegerField()
    ofis = models.PositiveIntegerField()
    profile = models.JSONField(help_text="Deadlines and escalation threshold used.")
    rule_versions = models.JSONField(help_text="Code -> version of every rule that ran.")
    errors = models.JSONField(default=list, help_text="Rules that raised, with the message.")
    selection = models.JSONField(default=dict, help_text="--select / --ignore used.")
    figures = models.JSONField(default=dict, help_text="Requirements conforming, by grade.")
    patterns = models.JSONField(default=list, help_text="Clusters by department or process.")
    advisories = models.JSONField(default=list, help_text="Certification-process advice.")
    credited = models.JSONField(
        default=list, help_text="Issues the organisation is already correcting on time."
    )

    class Meta:
        ordering = ["-run_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-run_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} as of {self.as_of} (stage {self.stage}): {self.verdict}"


class AssessmentFinding(models.Model):
    """One finding of a run, as an auditor writes it; ``evidence`` holds every instance."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    key = models.CharField(max_length=200, default="", help_text="Stable identity across runs.")
    code = models.CharField(max_length=6)
    name = models.CharField(max_length=80)
    grade = models.CharField(max_length=5)
    stage = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_key = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    detail = models.TextField()
    recommendation = models.TextField(help_text="Advice (not part of the NC statement).")
    statement = models.TextField(default="")
    grade_reason = models.TextField(default="")
    references = models.JSONField(default=list)
    extent = models.CharField(max_length=200, default="")
    evidence = models.JSONField(default=list, help_text="The instances (observations).")
    nonconformities = models.JSONField(default=list, help_text="Linked NCs of the log.")
    due = models.DateField(null=True, blank=True)
    department = models.CharField(max_length=120, blank=True)
    process = models.CharField(max_length=200, blank=True)
    grouped_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="grouped"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["assessment", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.subject_type} {self.subject_key}"

    @property
    def identity(self) -> str:
        return self.key


class AssessmentRequest(models.Model):
    """A mock audit asked for from the browser or the API and run in the background
    (readiness/tasks.py): who asked, for what date and stage, and how far the run has got.

    Not a register: it is the progress of a piece of work, so it keeps no history. The run it
    produces is an ordinary :class:`Assessment`, stored exactly as ``isms assess`` stores it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessment_requests"
    )
    as_of = models.DateField()
    stage = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rules_done = models.PositiveIntegerField(default=0)
    rules_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the run failed, in words for the user.")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id.")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} as of {self.as_of} (stage {self.stage}): {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """How far the rules have got, 0-100 (100 only once the run is stored)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rules_total:
            return 0
        return min(99, round(100 * self.rules_done / self.rules_total))
