"""The report of a mock certification audit, shaped like a certification body's audit report, as
one standalone HTML document.

``render_html(result)`` fills ``readiness/report.html`` (Django template, autoescaped) with a
context built here, in the order a certification body writes its report: cover (organisation,
audit date, stage, recommendation, the self-assessment disclaimer); objectives; scope (the scope
and SoA versions in force); criteria; what was sampled; positive findings; areas of concern (stage
1) or nonconformities and OFIs (stage 2), with the consultant's advice kept apart from each
finding; patterns; certification-process advisories; the status of earlier findings and of the
organisation's NC log; the conclusion on conformity and effectiveness; the recommendation and the
certification body's predicted deadlines; the remediation plan with an owner per action; the
sampling disclaimer.

The engine's result carries the findings; the few facts it does not carry (scope, SoA version,
documents audited against, register sizes, the NC log, the last internal audit, management review
and external audit) are read here with a bounded number of queries, none of which grows with the
size of the registers. The document carries its own CSS (A4 print rules included) and inline SVG
charts, loads nothing from anywhere, and is what :mod:`isms.readiness.reports.pdf` turns into a
PDF.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from isms.readiness.engine import DISCLAIMER, SAMPLING, Result, Verdict
from isms.readiness.finding import Finding, Grade, NcLink
from isms.readiness.reports.charts import report_charts

TEMPLATE = "readiness/report.html"

STAGES = {
    1: "Stage 1: documentation and readiness review",
    2: "Stage 2: implementation and effectiveness",
}
BADGES = {"major": "Major", "minor": "Minor", "ofi": "OFI"}
STAGE1_BADGES = {"major": "Potential major", "minor": "Concern", "ofi": "OFI"}
VERDICT_TONE = {
    Verdict.DEFERRED: "red",
    Verdict.NOT_READY: "red",
    Verdict.RECOMMENDED_WITH_PLANS: "amber",
    Verdict.RECOMMENDED: "green",
    Verdict.READY: "green",
}
#: How the report words the state of a nonconformity of the organisation's log (credit.py).
NC_STATES = {
    "on_time": "being corrected on time",
    "overdue": "corrective action overdue",
    "closed_effective": "closed, verified effective",
    "closed_unverified": "closed without an effective verification",
    "unplanned": "no corrective action planned yet",
}
#: The documents that are audit criteria: the organisation's own rules (not record templates).
CRITERIA_KINDS = ("policy", "topic_policy", "procedure", "standard", "method", "plan")
CRITERIA_LIMIT = 40
#: Main registers counted for "what was sampled": (label, app label, model).
REGISTERS = (
    ("People", "people", "Person"),
    ("Assets", "risk", "Asset"),
    ("Risks", "risk", "Risk"),
    ("Risk treatment actions", "risk", "TreatmentAction"),
    ("SoA entries", "controls", "SoAEntry"),
    ("Objectives", "controls", "Objective"),
    ("Documents", "documents", "Document"),
    ("Systems", "operations", "System"),
    ("Accounts", "operations", "Account"),
    ("Access reviews", "operations", "AccessReview"),
    ("Suppliers", "operations", "Supplier"),
    ("Incidents", "operations", "Incident"),
    ("Internal audits", "audits", "InternalAudit"),
    ("Management reviews", "audits", "ManagementReview"),
    ("Nonconformities", "audits", "Nonconformity"),
)
TO_ASSIGN = "to assign"

#: Instances printed per finding; the rest are counted (JSON has them all).
EVIDENCE_SHOWN = 50


def _date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _cites(finding: Finding, clause: str) -> bool:
    """Whether the finding cites ``clause`` or one of its sub-clauses (never an Annex A control)."""
    return any(
        (head := ref.split()[0]) == clause or head.startswith(f"{clause}.")
        for ref in finding.references
    )


@dataclass
class Evidence:
    subject: str
    detail: str


@dataclass
class LinkedNc:
    ref: str
    state: str
    state_label: str
    due: str
    status: str


@dataclass
class Card:
    """One finding as the report shows it."""

    number: str
    anchor: str
    finding: Finding
    stage: int
    grouped: list[Finding] = field(default_factory=list)

    @property
    def grade(self) -> str:
        return self.finding.grade.value

    @property
    def badge(self) -> str:
        return (STAGE1_BADGES if self.stage == 1 else BADGES)[self.grade]

    @property
    def grade_label(self) -> str:
        grade = self.finding.grade
        return grade.stage1_label if self.stage == 1 else grade.label

    @property
    def extent(self) -> str:
        return str(self.finding.extent)

    @property
    def evidence(self) -> list[Evidence]:
        """The instances, at most EVIDENCE_SHOWN of them: a pervasive finding in a large
        organisation can have thousands (the JSON output carries every one)."""
        return [Evidence(str(o.subject), o.detail) for o in self.finding.instances[:EVIDENCE_SHOWN]]

    @property
    def evidence_not_shown(self) -> int:
        return max(0, len(self.finding.instances) - EVIDENCE_SHOWN)

    @property
    def also_cited(self) -> list[str]:
        return list(self.finding.references[1:])

    @property
    def ncs(self) -> list[LinkedNc]:
        return [_linked_nc(nc) for nc in self.finding.ncs]

    @property
    def where(self) -> list[str]:
        finding = self.finding
        return [
            f"{kind} {value}"
            for kind, value in (("department", finding.department), ("process", finding.process))
            if value
        ]

    @property
    def owners(self) -> list[str]:
        return owners_of(self.finding)

    @property
    def due(self) -> str:
        return _date(self.finding.due)

    @property
    def due_iso(self) -> str:
        return self.finding.due.isoformat() if self.finding.due else ""


def _linked_nc(nc: NcLink) -> LinkedNc:
    return LinkedNc(
        nc.ref,
        nc.state,
        NC_STATES.get(nc.state, nc.state.replace("_", " ")),
        nc.due_on.isoformat() if nc.due_on else "",
        nc.status.replace("_", " "),
    )


def owners_of(finding: Finding) -> list[str]:
    """Who owns the action: the accountable people of the instances, else their departments (or
    the finding's), else "to assign"."""
    owners = sorted({o.owner for o in finding.instances if o.owner})
    if owners:
        return owners
    departments = sorted({o.department for o in finding.instances if o.department})
    if not departments and finding.department:
        departments = [finding.department]
    if departments:
        return [f"{d} department" for d in departments]
    return [TO_ASSIGN]


def _cards(result: Result) -> list[Card]:
    """Every finding, majors then minors then OFIs (the engine's order), numbered in that order."""
    prefix = {"major": "NC", "minor": "NC", "ofi": "OFI"}
    if result.stage == 1:
        prefix = {"major": "AC", "minor": "AC", "ofi": "OFI"}
    counters: dict[str, int] = defaultdict(int)
    cards = []
    for finding in result.findings:
        kind = prefix[finding.grade.value]
        counters[kind] += 1
        number = f"{kind}-{counters[kind]:02d}"
        cards.append(
            Card(number, f"finding-{number.lower()}", finding, result.stage, list(finding.grouped))
        )
    return cards


GROUP_TITLES = {
    1: {
        "major": "Potential majors",
        "minor": "Areas of concern",
        "ofi": "Opportunities for improvement",
    },
    2: {
        "major": "Major nonconformities",
        "minor": "Minor nonconformities",
        "ofi": "Opportunities for improvement",
    },
}


def _card_groups(cards: list[Card], stage: int) -> list[dict]:
    titles = GROUP_TITLES.get(stage, GROUP_TITLES[2])
    groups = []
    for grade in Grade:
        members = [c for c in cards if c.grade == grade.value]
        if members:
            groups.append({"grade": grade.value, "title": titles[grade.value], "cards": members})
    return groups


def _plan(cards: list[Card]) -> list[Card]:
    """Majors and minors by due date, then grade (major first), then the findings' order."""
    actionable = [(i, c) for i, c in enumerate(cards) if c.finding.grade is not Grade.OFI]
    actionable.sort(
        key=lambda ic: (ic[1].finding.due or dt.date.max, -ic[1].finding.grade.rank, ic[0])
    )
    return [c for _, c in actionable]


def _run_at(result: Result) -> str:
    moment = result.run_at
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{_date(moment)}, {moment:%H:%M}" + (f" {moment:%Z}" if moment.tzinfo else "")


# -- Facts from the registers (a bounded number of queries) ------------------------------------


def _in_force(model, organisation, as_of, fields):
    """The latest version approved on or before the audit date; else the latest draft (one
    query). Returns (row or None, approved?)."""
    row = (
        model.objects.for_organisation(organisation)
        .filter(Q(approved_on__lte=as_of) | Q(approved_on__isnull=True))
        .order_by(F("approved_on").desc(nulls_last=True), "-pk")
        .values(*fields, "approved_on", "approved_by__email")
        .first()
    )
    return row, bool(row and row["approved_on"])


def _scope(organisation, as_of) -> dict:
    from isms.context.models import Scope

    row, approved = _in_force(
        Scope,
        organisation,
        as_of,
        ("version", "statement", "in_scope", "out_of_scope", "boundaries"),
    )
    return {"row": row, "approved": approved, "approved_on": _date(row and row["approved_on"])}


def _soa_version(organisation, as_of) -> dict:
    from isms.controls.models import SoAVersion

    row, approved = _in_force(SoAVersion, organisation, as_of, ("version", "change_summary"))
    return {"row": row, "approved": approved, "approved_on": _date(row and row["approved_on"])}


def _criteria_documents(organisation) -> dict:
    """The organisation's own policies and procedures (at most CRITERIA_LIMIT listed)."""
    from isms.documents.models import Document

    documents = Document.objects.for_organisation(organisation).filter(kind__in=CRITERIA_KINDS)
    rows = list(documents.order_by("ref").values("ref", "title", "kind")[: CRITERIA_LIMIT + 1])
    total = len(rows) if len(rows) <= CRITERIA_LIMIT else documents.count()
    labels = dict(Document.Kind.choices)
    for row in rows:
        row["kind"] = labels.get(row["kind"], row["kind"])
    listed = rows[:CRITERIA_LIMIT]
    return {"rows": listed, "total": total, "more": total - len(listed)}


def _register_counts(organisation) -> list[dict]:
    """The size of each main register, in one query (a COUNT subquery per register)."""
    from django.apps import apps

    from isms.core.models import Organisation

    def count(model):
        rows = (
            model.objects.filter(organisation=OuterRef("pk"))
            .order_by()
            .values("organisation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    annotations = {
        f"n{index}": count(apps.get_model(app, model))
        for index, (_, app, model) in enumerate(REGISTERS)
    }
    row = Organisation.objects.filter(pk=organisation.pk).values(**annotations).first() or {}
    return [
        {"label": label, "count": row.get(f"n{index}", 0)}
        for index, (label, _, _) in enumerate(REGISTERS)
    ]


def _populations(result: Result) -> list[dict]:
    """The populations the findings' instances were drawn from, with what was found in each."""
    found: dict[tuple[str, int], dict] = {}
    for finding in [*result.findings, *result.credited]:
        for observation in finding.instances:
            population = observation.population
            if population is None:
                continue
            entry = found.setdefault(
                (population.label, population.size),
                {"label": population.label, "size": population.size, "records": set(), "keys": []},
            )
            entry["records"].add(observation.subject)
            if finding.key not in entry["keys"]:
                entry["keys"].append(finding.key)
    rows = sorted(found.values(), key=lambda e: (e["label"], e["size"]))
    for row in rows:
        row["records"] = len(row["records"])
    return rows


def _nc_log(organisation, as_of, result: Result) -> dict:
    """Counts of the organisation's NC log by state at the audit date (one aggregate query), and
    the NCs the findings link to (one query over those refs)."""
    from isms.audits.models import Nonconformity

    log = Nonconformity.objects.for_organisation(organisation).filter(raised_on__lte=as_of)
    closed = Q(status="closed") | Q(closed_on__lte=as_of)
    implemented = Q(implemented_on__lte=as_of)
    counts = log.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~closed),
        overdue=Count("pk", filter=~closed & ~implemented & Q(due_on__lt=as_of)),
        verifying=Count("pk", filter=~closed & implemented),
        closed_effective=Count("pk", filter=closed & Q(effective=True)),
        closed_unverified=Count("pk", filter=closed & ~Q(effective=True)),
    )
    links: dict[str, dict] = {}
    for finding, kind in [
        *((f, "finding") for f in result.findings),
        *((f, "credited") for f in result.credited),
    ]:
        for nc in finding.ncs:
            entry = links.setdefault(nc.ref, {"nc": _linked_nc(nc), "findings": []})
            entry["findings"].append(finding.key + (" (credited)" if kind == "credited" else ""))
    details = {}
    if links:
        details = {
            row["ref"]: row
            for row in log.filter(ref__in=list(links)).values(
                "ref", "grade", "reference", "raised_on", "source", "owner__email"
            )
        }
    linked = []
    for ref in sorted(links):
        row = details.get(ref, {})
        linked.append(
            {
                **links[ref],
                "grade": row.get("grade", ""),
                "reference": row.get("reference", ""),
                "raised_on": row["raised_on"].isoformat() if row.get("raised_on") else "",
                "source": (row.get("source") or "").replace("_", " "),
                "owner": row.get("owner__email") or "",
            }
        )
    return {"counts": counts, "linked": linked}


def _last_audits(organisation, as_of) -> dict:
    """The last completed internal audit, management review and external audit before the audit
    date, and the findings of that external audit (four small queries)."""
    from isms.audits.models import (
        ExternalAudit,
        ExternalAuditFinding,
        InternalAudit,
        ManagementReview,
    )

    internal = (
        InternalAudit.objects.for_organisation(organisation)
        .filter(completed_on__lte=as_of)
        .order_by("-completed_on", "-pk")
        .values("ref", "title", "completed_on")
        .first()
    )
    review = (
        ManagementReview.objects.for_organisation(organisation)
        .filter(held_on__lte=as_of)
        .order_by("-held_on", "-pk")
        .values("ref", "held_on", "signed_on", "signed_by__email")
        .first()
    )
    external = (
        ExternalAudit.objects.for_organisation(organisation)
        .filter(held_on__lte=as_of)
        .order_by("-held_on", "-pk")
        .values("pk", "ref", "kind", "certification_body", "held_on", "majors", "minors", "ofis")
        .first()
    )
    external_findings = []
    if external:
        external["kind"] = dict(ExternalAudit.Kind.choices).get(external["kind"], external["kind"])
        grades = dict(ExternalAuditFinding.Grade.choices)
        for row in (
            ExternalAuditFinding.objects.for_organisation(organisation)
            .filter(audit_id=external["pk"])
            .order_by("ref")
            .values("ref", "grade", "reference", "statement", "nonconformity__ref")[:30]
        ):
            row["grade"] = grades.get(row["grade"], row["grade"])
            external_findings.append(row)
    return {
        "internal": internal,
        "review": review,
        "external": external,
        "external_findings": external_findings,
    }


# -- The context ------------------------------------------------------------------------------


def _objectives(result: Result, organisation: str) -> list[str]:
    if result.stage == 1:
        return [
            f"Review the documented information of the ISMS of {organisation} against the "
            "requirements of ISO/IEC 27001:2022.",
            "Evaluate the scope, the risk assessment and treatment, the Statement of "
            "Applicability, and whether internal audits and management reviews are planned and "
            "performed.",
            "Identify areas of concern that could be classified as nonconformities at stage 2.",
            "Conclude on the organisation's readiness for the stage 2 audit.",
        ]
    return [
        f"Determine the conformity of the ISMS of {organisation}, or parts of it, with "
        "ISO/IEC 27001:2022 and with the organisation's own policies and procedures.",
        "Determine whether the ISMS is implemented and effective: that the organisation meets "
        "its information security objectives and that internal audit, management review and "
        "corrective action work.",
        "Identify nonconformities and opportunities for improvement.",
        "Predict the recommendation a certification auditor would make on certification.",
    ]


def _verdict_headline(result: Result) -> str:
    if result.stage == 1:
        return result.verdict[:1].upper() + result.verdict[1:]
    return f"Certification {result.verdict}"


def _figures(result: Result) -> dict:
    figures = result.figures or {}
    clauses = figures.get("clauses", {"total": 0, "conforming": 0})
    controls = figures.get("controls", {"total": 0, "conforming": 0})

    def share(part: dict) -> int:
        return round(100 * part["conforming"] / part["total"]) if part.get("total") else 100

    return {
        "clauses": {**clauses, "percent": share(clauses)},
        "controls": {**controls, "percent": share(controls)},
        "findings": figures.get("findings", result.counts),
        "credited": figures.get("credited", len(result.credited)),
        "advisories": figures.get("advisories", len(result.advisories)),
    }


def _effectiveness(result: Result) -> dict:
    """The findings that cite internal audit (9.2), management review (9.3) and corrective
    action (10.2): the parts of the ISMS that show whether it is effective."""

    def cited(clause):
        return [
            {"key": f.key, "grade": f.grade.value, "title": f.title, "reference": f.reference}
            for f in result.findings
            if _cites(f, clause)
        ]

    return {
        "internal_audit": cited("9.2"),
        "management_review": cited("9.3"),
        "corrective_action": cited("10.2"),
    }


def build_context(result: Result) -> dict:
    organisation = result.organisation
    charts = report_charts(result)
    for name in ("grades", "areas", "soa", "risk_inherent", "risk_residual"):
        # Built by charts.py, which escapes every piece of text it places in the SVG.
        charts[name] = mark_safe(charts[name])  # noqa: S308
    cards = _cards(result)
    counts = result.counts
    audits = _last_audits(organisation, result.as_of)
    deadlines = result.cb_deadlines()
    upcoming = result.upcoming
    registers = _register_counts(organisation)
    return {
        "organisation": organisation.name,
        "as_of": _date(result.as_of),
        "as_of_iso": result.as_of.isoformat(),
        "stage": result.stage,
        "stage_label": STAGES.get(result.stage, f"Stage {result.stage}"),
        "verdict": result.verdict,
        "verdict_headline": _verdict_headline(result),
        "verdict_tone": VERDICT_TONE.get(result.verdict, "amber"),
        "conclusion": result.conclusion,
        "disclaimer": DISCLAIMER,
        "sampling": SAMPLING,
        "counts": counts,
        "total": sum(counts.values()),
        "figures": _figures(result),
        "run_at": _run_at(result),
        "profile": result.profile,
        "pervasive_percent": round(100 * result.profile.pervasive_share),
        "rules_run": len(result.rules_run),
        "errors": result.errors,
        "charts": charts,
        "objectives": _objectives(result, organisation.name),
        "scope": _scope(organisation, result.as_of),
        "soa_version": _soa_version(organisation, result.as_of),
        "criteria": _criteria_documents(organisation),
        "register_rows": [registers[i : i + 2] for i in range(0, len(registers), 2)],
        "populations": _populations(result),
        "credited": [
            {"finding": f, "ncs": [_linked_nc(nc) for nc in f.ncs], "extent": str(f.extent)}
            for f in result.credited
        ],
        "cards": cards,
        "card_groups": _card_groups(cards, result.stage),
        "patterns": result.patterns,
        "advisories": result.advisories,
        "nc_log": _nc_log(organisation, result.as_of, result),
        "audits": audits,
        "effectiveness": _effectiveness(result),
        "deadlines": [
            {
                "grade": grade.value,
                "label": grade.stage1_label if result.stage == 1 else grade.label,
                "text": deadlines[grade.value],
                "count": counts[grade.value],
            }
            for grade in Grade
        ],
        "upcoming": (
            {
                "ref": upcoming.ref,
                "kind": upcoming.kind.replace("stage", "stage ").replace("  ", " "),
                "first_day": _date(upcoming.first_day),
                "due": _date(upcoming.first_day - dt.timedelta(days=1)),
            }
            if upcoming
            else None
        ),
        "plan": _plan(cards),
    }


def render_html(result: Result) -> str:
    """The whole report as a standalone HTML document (inline CSS and SVG, no scripts)."""
    return render_to_string(TEMPLATE, build_context(result))
