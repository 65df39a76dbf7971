import datetime as dt

from django.utils import timezone

from isms.core.permissions import Action
from isms.core.registers import register
from isms.risk.models import Asset, Process, Risk, RiskMethod, TreatmentAction

#: A risk's levels and the scale of the method each is measured on.
LEVEL_SCALES = {
    "likelihood": "likelihood_levels",
    "residual_likelihood": "likelihood_levels",
    "impact": "impact_levels",
    "residual_impact": "impact_levels",
}


def _methods(organisation, imported: list[dict]) -> list[dict]:
    """The organisation's risk methods after an import: the stored ones, with the imported
    ones laid over them by name, in the order they were added."""
    methods = {
        method["name"]: method
        for method in RiskMethod.objects.filter(organisation=organisation)
        .order_by("pk")
        .values("name", "likelihood_levels", "impact_levels", "approved_by", "approved_on")
    }
    for values in imported:
        methods.pop(values.get("name"), None)
        methods[values.get("name")] = values
    return list(methods.values())


def method_in_force(methods: list[dict], on: dt.date) -> dict | None:
    """Of ``methods``, the one in force on ``on``: approved last on or before that day, else
    the one added last (the choice the mock audit makes)."""
    approved = [
        (method["approved_on"], order, method)
        for order, method in enumerate(methods)
        if method.get("approved_by") and method.get("approved_on") and method["approved_on"] <= on
    ]
    if approved:
        return max(approved, key=lambda item: item[:2])[2]
    return methods[-1] if methods else None


def check_risk_levels(organisation, rows, sheet_rows):
    """Each imported risk's levels lie on the scales of the risk method in force when it was
    last assessed (today, when no date is given): a likelihood of 99 on a five-level method is
    refused. A risk scored under an earlier method with wider scales imports, and the mock audit
    reports that it was not rescored (RSK014)."""
    methods = _methods(organisation, sheet_rows("Risk method"))
    if not methods:
        return
    today = timezone.localdate()
    for number, values in rows:
        assessed = values.get("last_assessed_on")
        method = method_in_force(methods, min(assessed, today) if assessed else today)
        when = f" in force on {assessed.isoformat()}" if assessed else ""
        for column, scale in LEVEL_SCALES.items():
            level, top = values.get(column), method.get(scale)
            if level is None or not top:
                continue
            if not 1 <= level <= top:
                yield (
                    number,
                    column,
                    f"{level} is not a level of the risk method {method['name']!r}{when} "
                    f"(1..{top})",
                )


register(
    RiskMethod,
    sheet="Risk method",
    key=("name",),
    columns=(
        "name",
        "likelihood_levels",
        "impact_levels",
        "acceptance_threshold",
        "high_threshold",
        "review_interval_months",
        "description",
        "approved_by",
        "approved_on",
    ),
    description="The documented risk method (6.1.2): scales, acceptance criteria, review interval.",
    guarded={"approved_by": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approved_by",),
    example={
        "name": "Acme risk method v3",
        "likelihood_levels": "5",
        "impact_levels": "5",
        "acceptance_threshold": "6",
        "high_threshold": "15",
        "review_interval_months": "12",
        "description": "Score = likelihood x impact on 1-5 scales",
        "approved_by": "ceo@acme.example",
        "approved_on": "2025-11-03",
    },
)
register(
    Process,
    sheet="Processes",
    key=("name",),
    columns=("name", "department", "owner", "description"),
    description="Business processes within the scope.",
    example={
        "name": "Order to cash",
        "department": "Finance",
        "owner": "cfo@acme.example",
        "description": "",
    },
)
register(
    Asset,
    sheet="Assets",
    key=("name",),
    columns=("name", "kind", "owner", "department", "process", "classification", "description"),
    description="Information assets and what they support.",
    example={
        "name": "Customer database",
        "kind": "information",
        "owner": "cto@acme.example",
        "department": "Engineering",
        "process": "Order to cash",
        "classification": "confidential",
        "description": "PostgreSQL cluster holding customer accounts",
    },
)
register(
    Risk,
    sheet="Risks",
    key=("ref",),
    columns=(
        "ref",
        "title",
        "asset",
        "process",
        "threat",
        "vulnerability",
        "owner",
        "likelihood",
        "impact",
        "inherent_score",
        "treatment",
        "controls",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "last_assessed_on",
        "accepted_by",
        "accepted_on",
        "plan_approved_by",
        "plan_approved_on",
    ),
    computed=("inherent_score", "residual_score"),
    description="The risk register (6.1.2, 8.2): each risk scored with the method and treated.",
    guarded={
        "accepted_by": Action.APPROVE,
        "accepted_on": Action.APPROVE,
        "plan_approved_by": Action.APPROVE,
        "plan_approved_on": Action.APPROVE,
    },
    approvers=(
        "accepted_by",
        "plan_approved_by",
    ),
    row_check=check_risk_levels,
    example={
        "ref": "R-001",
        "title": "Customer data stolen through an unpatched web server",
        "asset": "Customer database",
        "process": "",
        "threat": "External attacker exploits a known vulnerability",
        "vulnerability": "Patching of internet-facing servers is manual",
        "owner": "cto@acme.example",
        "likelihood": "4",
        "impact": "5",
        "treatment": "modify",
        "controls": "8.8|8.9",
        "residual_likelihood": "2",
        "residual_impact": "5",
        "last_assessed_on": "2026-03-15",
        "accepted_by": "cto@acme.example",
        "accepted_on": "2026-03-20",
        "plan_approved_by": "cto@acme.example",
        "plan_approved_on": "2026-03-20",
    },
)
register(
    TreatmentAction,
    sheet="Treatment plan",
    key=("ref",),
    columns=(
        "ref",
        "risk",
        "action",
        "owner",
        "due_on",
        "budget",
        "resources",
        "status",
        "completed_on",
        "controls",
    ),
    description="The risk treatment plan (6.1.3 e, 8.3): action, owner, date, budget, status.",
    example={
        "ref": "RTP-001",
        "risk": "R-001",
        "action": "Automate patching of internet-facing servers",
        "owner": "it.lead@acme.example",
        "due_on": "2026-06-30",
        "budget": "12000",
        "resources": "0.2 FTE platform team",
        "status": "in_progress",
        "completed_on": "",
        "controls": "8.8",
    },
)
