"""The changes registers: importer, API and web pages all read these declarations."""

from isms.changes.models import ChangeRecord
from isms.core.permissions import Action
from isms.core.registers import register

register(
    ChangeRecord,
    sheet="Changes",
    key=("ref",),
    columns=(
        "ref",
        "title",
        "kind",
        "purpose",
        "consequences",
        "is_significant",
        "risk_reassessed_on",
        "risks_reassessed",
        "approved_by",
        "approved_on",
        "implemented_on",
        "system",
        "supplier",
        "site",
        "scope",
    ),
    description="Planned changes to the ISMS, its scope, sites, systems and suppliers (6.3, 8.1, "
    "A.8.32): why, their consequences, the risk reassessment and the approval.",
    guarded={"approved_by": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approved_by",),
    example={
        "ref": "CHG-2026-004",
        "title": "Salesforce CPQ rollout hosted on AWS",
        "kind": "new_system",
        "purpose": "Quotes produced in the CRM instead of spreadsheets",
        "consequences": "Price lists and customer data in a new module; new integrations",
        "is_significant": "yes",
        "risk_reassessed_on": "2026-02-10",
        "risks_reassessed": "R-001|R-006",
        "approved_by": "cto@acme.example",
        "approved_on": "2026-02-12",
        "implemented_on": "2026-03-02",
        "system": "Salesforce",
        "supplier": "Amazon Web Services",
        "site": "",
        "scope": "",
    },
)
