"""The records of clause 9 and 10: internal audits, management reviews, nonconformities and
the certification body's audits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from isms.catalog.models import Clause, Control
from isms.catalog.references import validate_reference
from isms.core.actor import history_user
from isms.core.models import OrganisationScopedModel, person_field, unique_key


class InternalAudit(OrganisationScopedModel):
    """One internal audit of the programme (9.2), with its scope and auditors."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    _history_m2m_fields = ["team", "clauses", "controls", "departments", "processes"]

    ref = models.CharField(max_length=30, help_text="Audit id, unique, e.g. IA-2026-01.")
    title = models.CharField(max_length=300, help_text="What is audited.")
    planned_on = models.DateField(help_text="Planned start date.")
    completed_on = models.DateField(null=True, blank=True, help_text="Date the report was issued.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED, help_text="Progress."
    )
    lead_auditor = person_field("Lead auditor (email).")
    team = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", help_text="Other auditors (emails with |)."
    )
    clauses = models.ManyToManyField(
        Clause, blank=True, related_name="+", help_text="Clauses in scope (ids with |)."
    )
    controls = models.ManyToManyField(
        Control, blank=True, related_name="+", help_text="Annex A controls in scope (ids with |)."
    )
    departments = models.ManyToManyField(
        "people.Department",
        blank=True,
        related_name="+",
        help_text="Departments audited (names with |).",
    )
    processes = models.ManyToManyField(
        "risk.Process", blank=True, related_name="+", help_text="Processes audited (names with |)."
    )
    criteria = models.TextField(blank=True, help_text="Audit criteria (standard, policies).")
    report_summary = models.TextField(blank=True, help_text="Conclusions of the audit report.")

    class Meta:
        ordering = ["-planned_on"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class ManagementReview(OrganisationScopedModel):
    """A management review (9.3) and which of the required inputs it covered."""

    _history_m2m_fields = ["attendees"]

    ref = models.CharField(max_length=30, help_text="Review id, unique, e.g. MR-2026-1.")
    held_on = models.DateField(help_text="Date of the meeting.")
    chair = person_field("Who chaired it (email).")
    attendees = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", help_text="Who attended (emails with |)."
    )
    covers_previous_actions = models.BooleanField(
        default=False, help_text="a) Status of actions from previous reviews."
    )
    covers_context_changes = models.BooleanField(
        default=False, help_text="b) Changes in external and internal issues."
    )
    covers_party_needs = models.BooleanField(
        default=False, help_text="c) Changes in interested parties' needs and expectations."
    )
    covers_nonconformities = models.BooleanField(
        default=False, help_text="d1) Nonconformities and corrective actions."
    )
    covers_monitoring = models.BooleanField(
        default=False, help_text="d2) Monitoring and measurement results."
    )
    covers_audit_results = models.BooleanField(default=False, help_text="d3) Audit results.")
    covers_objectives = models.BooleanField(
        default=False, help_text="d4) Fulfilment of the security objectives."
    )
    covers_party_feedback = models.BooleanField(
        default=False, help_text="e) Feedback from interested parties."
    )
    covers_risk = models.BooleanField(
        default=False, help_text="f) Risk assessment results and the treatment plan's status."
    )
    covers_improvement = models.BooleanField(
        default=False, help_text="g) Opportunities for continual improvement."
    )
    decisions = models.TextField(blank=True, help_text="Decisions taken (9.3.3).")
    resources_allocated = models.TextField(
        blank=True, help_text="Resources the review allocated or confirmed."
    )
    actions = models.TextField(blank=True, help_text="Actions agreed, with owners and dates.")
    signed_by = person_field("Member of top management who signed the minutes (email).")
    signed_on = models.DateField(null=True, blank=True, help_text="Date signed.")

    class Meta:
        ordering = ["-held_on"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.held_on})"

    INPUT_FIELDS = (
        "covers_previous_actions",
        "covers_context_changes",
        "covers_party_needs",
        "covers_nonconformities",
        "covers_monitoring",
        "covers_audit_results",
        "covers_objectives",
        "covers_party_feedback",
        "covers_risk",
        "covers_improvement",
    )


class Nonconformity(OrganisationScopedModel):
    """A nonconformity and its correction, root cause, corrective action and verification (10.2)."""

    class Source(models.TextChoices):
        MOCK_AUDIT = "mock_audit", "Mock audit finding"
        INTERNAL_AUDIT = "internal_audit", "Internal audit"
        EXTERNAL_AUDIT = "external_audit", "External audit"
        INCIDENT = "incident", "Incident"
        COMPLAINT = "complaint", "Complaint"
        OTHER = "other", "Other"

    class Grade(models.TextChoices):
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTION_PLANNED = "action_planned", "Corrective action planned"
        VERIFYING = "verifying", "Awaiting effectiveness check"
        CLOSED = "closed", "Closed"

    ref = models.CharField(max_length=30, help_text="Nonconformity id, unique, e.g. NC-2026-004.")
    source = models.CharField(
        max_length=20, choices=Source.choices, help_text="Where it came from."
    )
    audit = models.ForeignKey(
        InternalAudit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nonconformities",
        help_text="Internal audit that raised it (ref).",
    )
    grade = models.CharField(max_length=10, choices=Grade.choices, help_text="major or minor.")
    finding_code = models.CharField(
        max_length=6, blank=True, help_text="Mock-audit rule it was raised from, e.g. ACC003."
    )
    finding_subject = models.CharField(
        max_length=360, blank=True, help_text="The finding's subject, e.g. 'Systems: CRM'."
    )
    reference = models.CharField(
        max_length=20, blank=True, help_text="Clause or control id it breaches, e.g. 9.2 or 5.18."
    )
    raised_on = models.DateField(help_text="Date raised.")
    description = models.TextField(help_text="What was found, with the evidence.")
    correction = models.TextField(blank=True, help_text="Immediate fix of the instance.")
    root_cause = models.TextField(blank=True, help_text="Why it happened (five whys, causes).")
    corrective_action = models.TextField(
        blank=True, help_text="What changes so it does not happen again."
    )
    process_changed = models.CharField(
        max_length=300, blank=True, help_text="The process or control the action changes."
    )
    owner = person_field("Who owns the corrective action (email).")
    due_on = models.DateField(null=True, blank=True, help_text="Corrective action due date.")
    implemented_on = models.DateField(
        null=True, blank=True, help_text="Date the corrective action was put in place."
    )
    effectiveness_checked_by = person_field("Who verified effectiveness (email).")
    effectiveness_checked_on = models.DateField(
        null=True, blank=True, help_text="Date effectiveness was verified."
    )
    effective = models.BooleanField(
        null=True, blank=True, help_text="Whether the action proved effective."
    )
    closed_on = models.DateField(null=True, blank=True, help_text="Date closed.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, help_text="Where it stands."
    )

    class Meta:
        ordering = ["-raised_on"]
        verbose_name_plural = "nonconformities"
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.grade})"


class ExternalAudit(OrganisationScopedModel):
    """An audit by the certification body: stage 1, stage 2, surveillance or recertification."""

    class Kind(models.TextChoices):
        STAGE_1 = "stage1", "Stage 1"
        STAGE_2 = "stage2", "Stage 2"
        SURVEILLANCE = "surveillance", "Surveillance"
        RECERTIFICATION = "recertification", "Recertification"

    class AppealOutcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ref = models.CharField(max_length=30, help_text="Audit id, unique, e.g. CB-2026-S2.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Type of audit.")
    certification_body = models.CharField(max_length=200, help_text="Who audits.")
    planned_on = models.DateField(help_text="Planned (first) day.")
    held_on = models.DateField(null=True, blank=True, help_text="Day it took place.")
    majors = models.PositiveSmallIntegerField(default=0, help_text="Major nonconformities raised.")
    minors = models.PositiveSmallIntegerField(default=0, help_text="Minor nonconformities raised.")
    ofis = models.PositiveSmallIntegerField(default=0, help_text="Opportunities for improvement.")
    recommended = models.BooleanField(
        null=True, blank=True, help_text="Whether certification was recommended."
    )
    certificate_expires_on = models.DateField(
        null=True, blank=True, help_text="Expiry of the certificate issued or confirmed."
    )
    decision_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date of the body's decision to certify or recertify (stage 2, recertification).",
    )
    appeal = models.TextField(
        blank=True,
        help_text="Appeal or disagreement with the body's findings or decision, and why.",
    )
    appeal_raised_on = models.DateField(
        null=True, blank=True, help_text="Date the appeal or disagreement was raised."
    )
    appeal_outcome = models.CharField(
        max_length=20,
        choices=AppealOutcome.choices,
        blank=True,
        help_text=(
            "How it was settled: upheld (finding or decision changed), partly_upheld, rejected "
            "(it stands) or withdrawn (by the organisation); empty while open."
        ),
    )
    appeal_outcome_note = models.TextField(
        blank=True, help_text="What was decided (e.g. finding withdrawn, regraded to minor)."
    )
    appeal_resolved_on = models.DateField(
        null=True, blank=True, help_text="Date the outcome was communicated."
    )

    class Meta:
        ordering = ["-planned_on"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.get_kind_display()}"

    def clean(self) -> None:
        """Cross-field rules of the certification record (decision and appeal)."""
        errors: dict[str, str] = {}
        if self.decision_on is not None:
            if self.kind not in (self.Kind.STAGE_2, self.Kind.RECERTIFICATION):
                errors["decision_on"] = (
                    "only a stage 2 or recertification audit leads to a certification decision"
                )
            elif self.held_on is None:
                errors["decision_on"] = "a decision needs the audit's held_on date"
            elif self.decision_on < self.held_on:
                errors["decision_on"] = (
                    f"the decision ({self.decision_on}) cannot precede the audit ({self.held_on})"
                )
        if (self.appeal_outcome or self.appeal_resolved_on) and not (self.appeal or "").strip():
            errors["appeal_outcome"] = "an outcome needs the appeal or disagreement it settles"
        if (
            self.appeal_raised_on
            and self.appeal_resolved_on
            and self.appeal_resolved_on < self.appeal_raised_on
        ):
            errors["appeal_resolved_on"] = (
                f"resolved on {self.appeal_resolved_on}, before it was raised "
                f"on {self.appeal_raised_on}"
            )
        if errors:
            raise ValidationError(errors)


class ExternalAuditFinding(OrganisationScopedModel):
    """One finding the certification body wrote in an external audit's report, with its grade:
    what ``isms assess --calibrate`` compares the mock audit's prediction with."""

    class Grade(models.TextChoices):
        MAJOR = "major", "Major nonconformity"
        MINOR = "minor", "Minor nonconformity"
        OFI = "ofi", "Opportunity for improvement"
        AREA_OF_CONCERN = "area_of_concern", "Area of concern (stage 1)"

    audit = models.ForeignKey(
        ExternalAudit,
        on_delete=models.CASCADE,
        related_name="findings",
        help_text="External audit whose report it is in (ref).",
    )
    ref = models.CharField(max_length=30, help_text="Finding id, unique, e.g. CB-2026-S1-01.")
    grade = models.CharField(
        max_length=20,
        choices=Grade.choices,
        help_text="As the body graded it; at stage 1 bodies write areas of concern.",
    )
    reference = models.CharField(
        max_length=20,
        validators=[validate_reference],
        help_text="Clause (9.2, 6.1.3 d) or Annex A control written A.5.18 that it cites.",
    )
    statement = models.TextField(help_text="What the body wrote.")
    nonconformity = models.ForeignKey(
        Nonconformity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_findings",
        help_text="The nonconformity it was logged as (ref).",
    )

    class Meta:
        ordering = ["audit__ref", "ref"]
        constraints = [unique_key("ref")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.grade}, {self.reference})"


class AuditChecklistItem(OrganisationScopedModel):
    """One line of an internal audit's checklist: a sampled record and the question the auditor
    must answer about it, with the answer once checked (9.2.2; see isms.audits.programme)."""

    class Kind(models.TextChoices):
        ACCESS_REVIEW = "access_review", "Access review"
        JOINER = "joiner", "Joiner"
        LEAVER = "leaver", "Leaver"
        SUPPLIER = "supplier", "Supplier"
        INCIDENT = "incident", "Incident"
        OTHER = "other", "Other (added by hand)"

    class Result(models.TextChoices):
        OPEN = "", "Not checked yet"
        CONFORMS = "conforms", "Conforms"
        NONCONFORMITY = "nonconformity", "Nonconformity"
        OBSERVATION = "observation", "Observation or opportunity for improvement"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    audit = models.ForeignKey(
        InternalAudit,
        on_delete=models.CASCADE,
        related_name="checklist",
        help_text="Internal audit (ref).",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, help_text="Kind of record sampled."
    )
    record = models.CharField(
        max_length=300,
        help_text="The sampled record's key, e.g. 'Salesforce 2026-04-02' or a person's email.",
    )
    question = models.TextField(help_text="What the auditor must answer about the record.")
    reference = models.CharField(
        max_length=40, blank=True, help_text="Controls or clauses it tests, e.g. 5.18."
    )
    seed = models.BigIntegerField(
        null=True, blank=True, help_text="Seed of the random draw that picked it (empty: by hand)."
    )
    result = models.CharField(
        max_length=20,
        choices=Result.choices,
        blank=True,
        default=Result.OPEN,
        help_text="Outcome: conforms, nonconformity, observation, not_applicable; empty: open.",
    )
    notes = models.TextField(blank=True, help_text="What the auditor saw (evidence, tickets).")
    checked_by = person_field("Auditor who checked it (email).")
    checked_on = models.DateField(null=True, blank=True, help_text="Date checked.")

    class Meta:
        ordering = ["audit__ref", "kind", "record"]
        constraints = [unique_key("audit", "kind", "record")]

    def __str__(self) -> str:
        return f"{self.audit.ref} {self.kind} {self.record}"


class AuditorGrant(models.Model):
    """Read-only access for an external auditor to what one external audit needs: the SoA, the
    evidence index with its files, the sampled records and the NC log. A grant is not a
    membership (the auditor holds none, so every other page of the organisation stays a 404);
    it ends on ``expires_on`` (at the latest the audit's last day) or when revoked. Kept in
    history, so who granted, changed or revoked it stays on record. Granted, revoked and
    checked in :mod:`isms.audits.auditor_access`."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="auditor_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_grants"
    )
    audit = models.ForeignKey(
        ExternalAudit, on_delete=models.CASCADE, related_name="auditor_grants"
    )
    expires_on = models.DateField(help_text="Last day of access (at the latest the audit's).")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="auditor_grants_given",
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="auditor_grants_revoked",
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["user", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.user} for {self.audit.ref}"


class AuditorAccessLog(models.Model):
    """One page or file an external auditor opened through a grant (who, what, when): the
    owner reads it on the grant's page. Reads are not changes, so simple-history has no row for
    them, and the security log is the operator's, not the owner's."""

    grant = models.ForeignKey(AuditorGrant, on_delete=models.CASCADE, related_name="log")
    path = models.CharField(max_length=500)
    opened = models.CharField(max_length=300, help_text="What was opened, e.g. evidence EV-7 v2.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["grant", "at"])]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.at:%Y-%m-%d %H:%M} {self.opened}"
