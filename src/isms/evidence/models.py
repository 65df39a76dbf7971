"""The evidence vault: files, links and notes that prove a control operates (7.5, 9.1)."""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from isms.core.models import OrganisationScopedModel, person_field, unique_key


def evidence_upload_path(instance, filename: str) -> str:
    """Files are stored under a random name; the user's file name is kept only as data."""
    return f"evidence/{instance.organisation_id}/{uuid.uuid4().hex}"


class Evidence(OrganisationScopedModel):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        URL = "url", "Link"
        NOTE = "note", "Note"

    ref = models.CharField(max_length=40, help_text="Evidence id, unique, e.g. EV-0001.")
    title = models.CharField(max_length=300, help_text="What it shows.")
    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="file, url or note.")
    url = models.URLField(max_length=500, blank=True, help_text="Where it lives, for links.")
    note = models.TextField(blank=True, help_text="The note, or a description.")
    file = models.FileField(upload_to=evidence_upload_path, blank=True, editable=False)
    file_name = models.CharField(max_length=255, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    sha256 = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the file (computed)."
    )
    collected_on = models.DateField(help_text="Date collected.")
    collected_by = person_field("Who collected it (email).")
    period_start = models.DateField(null=True, blank=True, help_text="Start of the period covered.")
    period_end = models.DateField(null=True, blank=True, help_text="End of the period covered.")

    class Meta:
        ordering = ["-collected_on"]
        verbose_name_plural = "evidence"
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class EvidenceFileVersion(OrganisationScopedModel):
    """One uploaded file of an evidence item. Write-once: a new upload adds a version, and the
    bytes of earlier versions stay, with their hashes, downloadable. The evidence item's own
    file fields show its latest version."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_upload_path, editable=False)
    file_name = models.CharField(max_length=255, editable=False)
    file_size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["evidence", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.evidence.ref} v{self.number}"


class EvidenceLink(OrganisationScopedModel):
    """Links a piece of evidence to the record it supports: a control, a review, a supplier..."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="links", help_text="Evidence id."
    )
    record_type = models.CharField(
        max_length=60, help_text="The register of the record, e.g. SoA, Suppliers, Systems."
    )
    record_key = models.CharField(
        max_length=300,
        help_text="The record's key in that register, e.g. 5.15 (keys of several parts: a / b).",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["evidence__ref", "record_type", "record_key"]
        constraints = [unique_key("evidence", "record_type", "record_key")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.evidence.ref} -> {self.record_type} {self.record_key}"
