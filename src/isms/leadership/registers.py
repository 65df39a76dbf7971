from isms.core.permissions import Action
from isms.core.registers import register
from isms.leadership.models import (
    CompetenceEvidence,
    CompetenceRequirement,
    ResourceAllocation,
    RoleAssignment,
)

register(
    RoleAssignment,
    sheet="ISMS roles",
    key=("role", "person"),
    columns=("role", "person", "responsibilities", "assigned_on", "ended_on"),
    description="ISMS roles (sponsor, manager, risk and asset owners, auditors) and holders.",
    example={
        "role": "isms_manager",
        "person": "jane.doe@acme.example",
        "responsibilities": "Runs the ISMS day to day; reports to the board quarterly",
        "assigned_on": "2025-01-06",
        "ended_on": "",
    },
)
register(
    ResourceAllocation,
    sheet="Resources",
    key=("description",),
    columns=("description", "kind", "amount", "currency", "approved_by", "approved_on"),
    description="Resources top management allocated to the ISMS (7.1).",
    guarded={"approved_by": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approved_by",),
    example={
        "description": "2026 security tooling budget",
        "kind": "budget",
        "amount": "85000",
        "currency": "EUR",
        "approved_by": "ceo@acme.example",
        "approved_on": "2025-12-12",
    },
)
register(
    CompetenceRequirement,
    sheet="Competence requirements",
    key=("ref",),
    columns=("ref", "role", "requirement", "description"),
    description="The competence each ISMS role needs (7.2).",
    example={
        "ref": "CR-01",
        "role": "internal_auditor",
        "requirement": "ISO/IEC 27001 internal or lead auditor training",
        "description": "A course certificate, or two audits shadowed under a trained auditor",
    },
)
register(
    CompetenceEvidence,
    sheet="Competence evidence",
    key=("person", "requirement", "obtained_on"),
    columns=("person", "requirement", "evidence", "obtained_on", "expires_on"),
    description="Evidence that role holders have the competence their role needs (7.2).",
    example={
        "person": "jane.doe@acme.example",
        "requirement": "CR-01",
        "evidence": "ISO/IEC 27001 Internal Auditor course, certificate IA-88231",
        "obtained_on": "2025-03-14",
        "expires_on": "",
    },
)
