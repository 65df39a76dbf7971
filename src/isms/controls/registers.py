from isms.controls.models import Measurement, Objective, SoAEntry, SoAVersion
from isms.core.permissions import Action
from isms.core.registers import register

register(
    SoAEntry,
    sheet="SoA",
    key=("control",),
    columns=(
        "control",
        "applicable",
        "inclusion_reasons",
        "justification",
        "implementation_status",
        "owner",
        "evidence_frequency",
        "implementation_notes",
    ),
    description="Statement of Applicability (6.1.3 d): one row per Annex A control, all 93.",
    example={
        "control": "5.15",
        "applicable": "yes",
        "inclusion_reasons": "risk|contractual",
        "justification": "Treats R-004, R-011; customer contracts require role-based access",
        "implementation_status": "implemented",
        "owner": "it.lead@acme.example",
        "evidence_frequency": "quarterly",
        "implementation_notes": "Access control policy POL-005; quarterly reviews in Okta",
    },
)
register(
    SoAVersion,
    sheet="SoA versions",
    key=("version",),
    columns=("version", "approved_by", "approved_on", "change_summary"),
    description="Approved versions of the Statement of Applicability.",
    guarded={"approved_by": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approved_by",),
    example={
        "version": "3.1",
        "approved_by": "ceo@acme.example",
        "approved_on": "2026-02-01",
        "change_summary": "8.16 now applicable after the SIEM roll-out",
    },
)
register(
    Objective,
    sheet="Objectives",
    key=("ref",),
    columns=(
        "ref",
        "statement",
        "metric",
        "target",
        "higher_is_better",
        "unit",
        "measurement_frequency",
        "owner",
        "due_on",
        "strategic_goal",
    ),
    description="Information security objectives (6.2): metric, target, owner, date, strategy.",
    example={
        "ref": "OBJ-01",
        "statement": "Patch critical vulnerabilities quickly",
        "metric": "Median days to patch critical CVEs on internet-facing systems",
        "target": "7",
        "higher_is_better": "no",
        "unit": "days",
        "measurement_frequency": "monthly",
        "owner": "it.lead@acme.example",
        "due_on": "2026-12-31",
        "strategic_goal": "Win enterprise customers who audit our security",
    },
)
register(
    Measurement,
    sheet="Measurements",
    key=("objective", "measured_on"),
    columns=("objective", "measured_on", "value", "note"),
    description="Measurements of the objectives over time (9.1).",
    example={"objective": "OBJ-01", "measured_on": "2026-05-31", "value": "9", "note": ""},
)
