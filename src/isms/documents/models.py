"""Policies, procedures and other controlled documents, with versions (5.2, 7.5, A 5.1)."""

from django.db import models

from isms.catalog.models import Clause, Control
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class Document(OrganisationScopedModel):
    class Kind(models.TextChoices):
        POLICY = "policy", "Policy"
        TOPIC_POLICY = "topic_policy", "Topic-specific policy"
        PROCEDURE = "procedure", "Procedure"
        STANDARD = "standard", "Standard"
        PLAN = "plan", "Plan"
        RECORD = "record", "Record template"
        METHOD = "method", "Method"

    _history_m2m_fields = ["clauses", "controls"]  # changes to the links are kept in history too
    ref = models.CharField(max_length=30, help_text="Document id, unique, e.g. POL-001.")
    title = models.CharField(max_length=300, help_text="Title.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Kind of document.")
    owner = person_field("Document owner (email).")
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="Reviewed at least this often."
    )
    next_review_on = models.DateField(
        null=True, blank=True, help_text="When the next review is due."
    )
    external = models.BooleanField(
        default=False,
        help_text="Of external origin (a law, a standard, a customer's requirements) rather than "
        "written by the organisation.",
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="For an external document, where it comes from and how updates are obtained, "
        "e.g. legislation.gov.uk, BSI subscription, customer portal.",
    )
    access = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who may read it and where it is published, e.g. all staff on the intranet, "
        "IT and Security only.",
    )
    clauses = models.ManyToManyField(
        Clause,
        blank=True,
        related_name="+",
        help_text="Clauses whose documented information it provides (ids with |).",
    )
    controls = models.ManyToManyField(
        Control,
        blank=True,
        related_name="+",
        help_text="Annex A controls it documents (ids with |).",
    )

    class Meta:
        ordering = ["ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class DocumentVersion(OrganisationScopedModel):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", help_text="Document id."
    )
    version = models.CharField(max_length=20, help_text="Version label, e.g. 2.1.")
    author = person_field("Who wrote this version (email).")
    approver = person_field("Who approved it (email).")
    approved_on = models.DateField(null=True, blank=True, help_text="Date of approval.")
    effective_on = models.DateField(null=True, blank=True, help_text="Date it takes effect.")
    change_summary = models.TextField(blank=True, help_text="What changed.")
    text = models.TextField(blank=True, help_text="The document text, or a link to where it lives.")
    published = models.BooleanField(
        default=False,
        help_text="Still available where staff read it (intranet, shared drive, notice board); "
        "a superseded version should not be.",
    )

    class Meta:
        ordering = ["document__ref", "-effective_on"]
        constraints = [unique_key("document", "version")]

    def __str__(self) -> str:
        return f"{self.document.ref} v{self.version}"
