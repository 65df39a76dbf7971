from isms.core.permissions import Action
from isms.core.registers import register
from isms.documents.models import Document, DocumentVersion

register(
    Document,
    sheet="Documents",
    key=("ref",),
    columns=(
        "ref",
        "title",
        "kind",
        "owner",
        "review_interval_months",
        "next_review_on",
        "clauses",
        "controls",
    ),
    description="Controlled documents (7.5): policies, procedures, plans, with their review cycle.",
    example={
        "ref": "POL-001",
        "title": "Information security policy",
        "kind": "policy",
        "owner": "ciso@acme.example",
        "review_interval_months": "12",
        "next_review_on": "2027-01-15",
        "clauses": "5.2",
        "controls": "5.1",
    },
)
register(
    DocumentVersion,
    sheet="Document versions",
    key=("document", "version"),
    columns=(
        "document",
        "version",
        "author",
        "approver",
        "approved_on",
        "effective_on",
        "change_summary",
        "text",
    ),
    description="The version history of each document, with author and approval (7.5.2, 7.5.3).",
    guarded={"approver": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approver",),
    example={
        "document": "POL-001",
        "version": "4.0",
        "author": "ciso@acme.example",
        "approver": "ceo@acme.example",
        "approved_on": "2026-01-15",
        "effective_on": "2026-02-01",
        "change_summary": "Aligned with ISO/IEC 27001:2022 Amd 1",
        "text": "https://intranet.acme.example/policies/pol-001",
    },
)
