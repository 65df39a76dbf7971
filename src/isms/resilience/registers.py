"""The resilience registers: importer, API and web pages all read these declarations."""

from isms.core.registers import register
from isms.resilience.models import BackupPolicy, ContinuityExercise, ContinuityPlan, RestoreTest

register(
    BackupPolicy,
    sheet="Backup policies",
    key=("system",),
    columns=(
        "system",
        "backup_frequency",
        "retention_days",
        "restore_test_months",
        "offsite",
        "immutable",
        "owner",
        "notes",
    ),
    description="How each system is backed up and how often its restore is tested (8.13).",
    example={
        "system": "Salesforce",
        "backup_frequency": "daily",
        "retention_days": "90",
        "restore_test_months": "6",
        "offsite": "yes",
        "immutable": "yes",
        "owner": "sales.ops@acme.example",
        "notes": "Own Company backup, copies in a second region",
    },
)
register(
    RestoreTest,
    sheet="Restore tests",
    key=("system", "tested_on"),
    columns=(
        "system",
        "tested_on",
        "scope",
        "result",
        "duration_hours",
        "rto_met",
        "tested_by",
        "follow_up",
    ),
    description="Tests that backups can be restored, with their result (8.13).",
    example={
        "system": "Salesforce",
        "tested_on": "2026-05-12",
        "scope": "Full org restore to a sandbox",
        "result": "passed",
        "duration_hours": "3.5",
        "rto_met": "yes",
        "tested_by": "sales.ops@acme.example",
        "follow_up": "",
    },
)
register(
    ContinuityPlan,
    sheet="Continuity plans",
    key=("ref",),
    columns=(
        "ref",
        "title",
        "ict_readiness",
        "scope",
        "covers",
        "rto_hours",
        "owner",
        "approved_on",
    ),
    description="Business continuity (5.29) and ICT readiness (5.30) plans.",
    example={
        "ref": "BCP-001",
        "title": "Loss of the head office",
        "ict_readiness": "no",
        "scope": "Office unavailable for more than a day",
        "covers": "Order handling|Payroll",
        "rto_hours": "24",
        "owner": "ops.director@acme.example",
        "approved_on": "2026-02-10",
    },
)
register(
    ContinuityExercise,
    sheet="Continuity exercises",
    key=("plan", "exercised_on"),
    columns=("plan", "exercised_on", "kind", "result", "lessons", "actions"),
    description="Exercises and tests of the continuity plans, with lessons and actions.",
    example={
        "plan": "BCP-001",
        "exercised_on": "2026-06-18",
        "kind": "tabletop",
        "result": "partial",
        "lessons": "Call tree out of date",
        "actions": "CHG-5120 update the call tree",
    },
)
