from isms.core.registers import register
from isms.evidence.models import Evidence, EvidenceLink
from isms.evidence.services import delete_evidence

register(
    Evidence,
    sheet="Evidence",
    key=("ref",),
    columns=(
        "ref",
        "title",
        "kind",
        "url",
        "note",
        "collected_on",
        "collected_by",
        "period_start",
        "period_end",
        "sha256",
    ),
    computed=("sha256",),
    description="Evidence items (links and notes; files are uploaded through the web UI or API).",
    deleter=delete_evidence,
    example={
        "ref": "EV-0042",
        "title": "Q1 2026 Salesforce access review export",
        "kind": "url",
        "url": "https://drive.acme.example/isms/ev-0042",
        "note": "",
        "collected_on": "2026-04-02",
        "collected_by": "sales.ops@acme.example",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
    },
)
register(
    EvidenceLink,
    sheet="Evidence links",
    key=("evidence", "record_type", "record_key"),
    columns=("evidence", "record_type", "record_key"),
    description="Which record each evidence item supports (any register row).",
    example={"evidence": "EV-0042", "record_type": "SoA", "record_key": "5.15"},
)
