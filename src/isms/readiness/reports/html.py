"""The board-ready report of a mock certification audit, as one standalone HTML document.

``render_html(result)`` fills ``readiness/report.html`` (Django template, autoescaped) with a
context built here: cover, charts, findings grouped by clause and Annex A theme (systemic
findings first), remediation plan, what passed, and an appendix on how the outcome is decided.
The document carries its own CSS (A4 print rules included) and inline SVG charts, loads nothing
from anywhere, and is what :mod:`isms.readiness.reports.pdf` turns into a PDF.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from isms.readiness.engine import ESCALATION_CODE, Result, Verdict
from isms.readiness.finding import Finding, Grade
from isms.readiness.reports.charts import Area, primary_area, report_charts

TEMPLATE = "readiness/report.html"

STAGES = {
    1: "Stage 1: documentation and readiness review",
    2: "Stage 2: implementation and effectiveness",
}
BADGES = {"major": "Major", "minor": "Minor", "ofi": "OFI"}
VERDICT_TONE = {
    Verdict.NOT_RECOMMENDED: "red",
    Verdict.RECOMMENDED_WITH_PLANS: "amber",
    Verdict.RECOMMENDED: "green",
}


def _date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


@dataclass
class Card:
    """One finding as the report shows it."""

    number: str
    anchor: str
    finding: Finding
    grouped: list["Card"] = field(default_factory=list)

    @property
    def grade(self) -> str:
        return self.finding.grade.value

    @property
    def badge(self) -> str:
        return BADGES[self.grade]

    @property
    def grade_label(self) -> str:
        return self.finding.grade.label

    @property
    def subject(self) -> str:
        return str(self.finding.subject)

    @property
    def where(self) -> list[str]:
        """The department and process, unless the subject already names them."""
        finding = self.finding
        return [
            f"{kind} {value}"
            for kind, value in (("department", finding.department), ("process", finding.process))
            if value and value != finding.subject.key
        ]

    @property
    def due(self) -> str:
        return _date(self.finding.due)

    @property
    def due_iso(self) -> str:
        return self.finding.due.isoformat() if self.finding.due else ""


def _is_systemic(finding: Finding) -> bool:
    return finding.code == ESCALATION_CODE or bool(finding.grouped)


def _sections(result: Result) -> tuple[list[dict], list[Card]]:
    """Systemic findings, then one section per clause / Annex A theme; numbered in that order."""
    systemic = [f for f in result.findings if _is_systemic(f)]
    by_area: dict[Area, list[Finding]] = {}
    for finding in result.findings:
        if not _is_systemic(finding):
            by_area.setdefault(primary_area(finding).group, []).append(finding)
    counter = iter(range(1, 100_000))
    cards: list[Card] = []

    def card(finding: Finding) -> Card:
        number = next(counter)
        made = Card(f"F{number:02d}", f"finding-{number}", finding)
        made.grouped = [
            Card(f"{made.number}.{index}", f"finding-{number}-{index}", member)
            for index, member in enumerate(finding.grouped, 1)
        ]
        cards.append(made)
        return made

    sections = []
    if systemic:
        sections.append(
            {
                "title": "Systemic findings",
                "part": "Escalated",
                "anchor": "systemic",
                "systemic": True,
                "cards": [card(f) for f in systemic],
                "summary": f"{len(systemic)} major{'s' * (len(systemic) > 1)}",
            }
        )
    for area in sorted(by_area, key=lambda a: a.key):
        members = [card(f) for f in by_area[area]]
        counts = {g.value: sum(c.grade == g.value for c in members) for g in Grade}
        sections.append(
            {
                "title": area.label,
                "part": {"clause": "Clause", "annex": "Annex A"}.get(area.kind, "Other"),
                "anchor": f"area-{area.kind}-{area.number}",
                "cards": members,
                "summary": ", ".join(
                    f"{n} {BADGES[g].lower() if g != 'ofi' else 'OFI'}{'s' * (n > 1)}"
                    for g, n in counts.items()
                    if n
                ),
            }
        )
    return sections, cards


def _plan(cards: list[Card]) -> list[Card]:
    """Majors and minors by due date, then grade (major first), then the findings' order."""
    actionable = [(i, c) for i, c in enumerate(cards) if c.finding.grade is not Grade.OFI]
    actionable.sort(
        key=lambda ic: (ic[1].finding.due or dt.date.max, -ic[1].finding.grade.rank, ic[0])
    )
    return [c for _, c in actionable]


def _verdict_text(result: Result) -> str:
    counts, profile = result.counts, result.profile
    if result.verdict == Verdict.NOT_RECOMMENDED:
        majors = counts["major"]
        return (
            f"{majors} major nonconformit{'ies' if majors > 1 else 'y'} stand"
            f"{'' if majors > 1 else 's'}. A certification auditor who found "
            f"{'them' if majors > 1 else 'it'} would not recommend certification until the "
            "correction and the corrective action for every major have been verified, which this "
            f"plan schedules within {profile.major_days} days of the audit date (certification "
            "bodies commonly allow about 90 days, and at most six months after stage 2 before "
            "stage 2 must be repeated). Minor nonconformities each need an accepted corrective "
            f"action plan within {profile.minor_days} days. Clearing the majors first is the "
            "shortest path to a positive recommendation."
        )
    if result.verdict == Verdict.RECOMMENDED_WITH_PLANS:
        minors = counts["minor"]
        return (
            f"No major nonconformity was found, but {minors} minor "
            f"nonconformit{'ies' if minors > 1 else 'y'} stand"
            f"{'' if minors > 1 else 's'}. Certification can be recommended once the "
            "certification body accepts a corrective action plan for each minor (planned here "
            f"within {profile.minor_days} days of the audit date); their effectiveness is checked "
            "at the first surveillance audit. Opportunities for improvement are advice only."
        )
    return (
        "No nonconformity was found by the rules that ran: on this evidence a certification "
        "auditor would recommend certification. Opportunities for improvement, if any, are "
        "advice with no deadline. The verdict covers what the mock audit checks; keep the "
        "records current until the auditor arrives."
    )


def _run_at(result: Result) -> str:
    moment = result.run_at
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{_date(moment)}, {moment:%H:%M}" + (f" {moment:%Z}" if moment.tzinfo else "")


def build_context(result: Result) -> dict:
    sections, cards = _sections(result)
    charts = report_charts(result)
    for name in ("grades", "areas", "soa", "risk_inherent", "risk_residual"):
        # Built by charts.py, which escapes every piece of text it places in the SVG.
        charts[name] = mark_safe(charts[name])  # noqa: S308
    counts = result.counts
    profile = result.profile
    passed = sorted(result.passed, key=lambda r: r.code)
    return {
        "organisation": result.organisation.name,
        "as_of": _date(result.as_of),
        "as_of_iso": result.as_of.isoformat(),
        "stage": result.stage,
        "stage_label": STAGES.get(result.stage, f"Stage {result.stage}"),
        "verdict": result.verdict,
        "verdict_tone": VERDICT_TONE[result.verdict],
        "verdict_text": _verdict_text(result),
        "score": result.score,
        "penalty": result.penalty,
        "counts": counts,
        "total": sum(counts.values()),
        "run_at": _run_at(result),
        "profile": profile,
        "rules_run": len(result.rules_run),
        "passed": passed,
        "errors": result.errors,
        "charts": charts,
        "sections": sections,
        "plan": _plan(cards),
        "ofis": counts["ofi"],
    }


def render_html(result: Result) -> str:
    """The whole report as a standalone HTML document (inline CSS and SVG, no scripts)."""
    return render_to_string(TEMPLATE, build_context(result))
