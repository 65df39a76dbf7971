from isms.core.permissions import Action
from isms.core.registers import register
from isms.leadership.models import ResourceAllocation, RoleAssignment

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
