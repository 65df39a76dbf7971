"""A stored run read back as the engine's :class:`~isms.readiness.engine.Result`, so that the
report renderers (JSON, HTML, PDF) that ``isms assess`` uses can render a run made earlier, by
the browser, the API or the CLI, without running the rules again.

Everything a report shows is stored with the run (findings with their instances, credited
issues, patterns, advisories, errors, figures, profile, rule versions) except two facts, which
are read back as of the run's date: the next planned external audit (from the external audit
register) and the number of observations (counted from the stored instances).
"""

import datetime as dt
import re
from types import SimpleNamespace

from isms.readiness.consolidate import _plural
from isms.readiness.engine import (
    Advisory,
    Profile,
    Result,
    RuleError,
    _upcoming_audit,
    requirement_summary,
)
from isms.readiness.finding import Extent, Finding, Grade, NcLink, Observation, Population, Subject
from isms.readiness.grading import Pattern
from isms.readiness.models import Assessment, AssessmentFinding
from isms.readiness.registry import get_rule

_EXTENT = re.compile(r"^(?P<count>\d+)(?: of (?P<size>\d+))? (?P<label>.+)$")


def result_of(assessment: Assessment) -> Result:
    """The stored run ``assessment`` as a Result (two queries: the findings and the NC log's
    next external audit)."""
    rows = list(AssessmentFinding.objects.filter(assessment=assessment).order_by("pk"))
    grouped: dict[int, list[Finding]] = {}
    for row in rows:
        if row.grouped_in_id is not None:
            grouped.setdefault(row.grouped_in_id, []).append(_finding_of_row(row, ()))
    findings = [
        _finding_of_row(row, tuple(grouped.get(row.pk, ())))
        for row in rows
        if row.grouped_in_id is None
    ]
    credited = [_finding_of_dict(data) for data in assessment.credited]
    observations = [o for f in [*findings, *credited] for o in f.instances]
    result = Result(
        organisation=assessment.organisation,
        as_of=assessment.as_of,
        stage=assessment.stage,
        profile=Profile(**assessment.profile) if assessment.profile else Profile(),
        findings=findings,
        errors=[RuleError(e["code"], e["message"]) for e in assessment.errors],
        rules_run=[_rule(code) for code in assessment.rule_versions],
        observations=observations,
        credited=credited,
        patterns=[_pattern(data) for data in assessment.patterns],
        advisories=[_advisory(data) for data in assessment.advisories],
        upcoming=_upcoming_audit(assessment.organisation, assessment.as_of),
        figures=assessment.figures,
        run_at=assessment.run_at,
    )
    return result


def extent_of(text: str, instances: tuple[Observation, ...] = ()) -> Extent:
    """``"3 of 93 SoA entries"`` or ``"4 risks"`` back as an Extent (the form str() writes).

    "1 external audit" was written from the label "external audits": the plural is the one the
    engine gives the instances' register (consolidate.py), else the word with an s."""
    match = _EXTENT.match(text or "")
    if match is None:
        return Extent(0, None, text or "records")
    count, size, label = int(match["count"]), match["size"], match["label"]
    if count == 1 and not size:
        plurals = [_plural(o.subject.type) for o in instances]
        label = next((p for p in plurals if str(Extent(1, None, p)) == text), f"{label}s")
    return Extent(count, int(size) if size else None, label)


def _finding_of_row(row: AssessmentFinding, grouped: tuple[Finding, ...]) -> Finding:
    return Finding(
        key=row.key,
        code=row.code,
        name=row.name,
        grade=Grade(row.grade),
        grade_reason=row.grade_reason,
        stage=row.stage,
        reference=row.reference,
        references=tuple(row.references),
        requirement=requirement_summary(row.reference),
        title=row.title,
        statement=row.statement,
        instances=(instances := tuple(_observation(e, row.stage) for e in row.evidence)),
        extent=extent_of(row.extent, instances),
        advice=row.recommendation,
        ncs=tuple(_nc(data) for data in row.nonconformities),
        due=row.due,
        department=row.department or None,
        process=row.process or None,
        grouped=grouped,
    )


def _finding_of_dict(data: dict) -> Finding:
    """A finding from its JSON form (how a run stores its credited issues)."""
    extent = data.get("extent") or {}
    return Finding(
        key=data["key"],
        code=data["code"],
        name=data["name"],
        grade=Grade(data["grade"]),
        grade_reason=data.get("grade_reason", ""),
        stage=data["stage"],
        reference=data["reference"],
        references=tuple(data.get("references", ())),
        requirement=data.get("requirement") or requirement_summary(data["reference"]),
        title=data["title"],
        statement=data.get("statement", ""),
        instances=tuple(_observation(e, data["stage"]) for e in data.get("evidence", ())),
        extent=Extent(extent.get("count", 0), extent.get("size"), extent.get("label", "records")),
        advice=data.get("advice", ""),
        ncs=tuple(_nc(nc) for nc in data.get("nonconformities", ())),
        due=dt.date.fromisoformat(data["due"]) if data.get("due") else None,
        department=data.get("department"),
        process=data.get("process"),
    )


def _observation(data: dict, stage: int) -> Observation:
    population = data.get("population")
    return Observation(
        code=data["code"],
        issue=data.get("issue", data["code"]),
        reference=data["reference"],
        grade=Grade(data["grade"]),
        # An instance's own stage is not stored; the finding's is the highest of them.
        stage=stage,
        subject=Subject(data["subject"]["type"], data["subject"]["key"]),
        detail=data["detail"],
        population=Population(population["label"], population["size"]) if population else None,
        related=tuple(Subject(s["type"], s["key"]) for s in data.get("related", ())),
        effect=data.get("effect") or "",
        department=data.get("department"),
        process=data.get("process"),
        owner=data.get("owner"),
    )


def _nc(data: dict) -> NcLink:
    due = data.get("due_on")
    return NcLink(
        data["ref"], data["status"], dt.date.fromisoformat(due) if due else None, data["state"]
    )


def _pattern(data: dict) -> Pattern:
    return Pattern(
        data["dimension"],
        data["value"],
        tuple(data["findings"]),
        tuple(data["owners"]),
        data.get("escalated", False),
    )


def _advisory(data: dict) -> Advisory:
    subject = data["subject"]
    return Advisory(
        data["code"],
        data["reference"],
        Subject(subject["type"], subject["key"]),
        data["title"],
        data["detail"],
    )


def _rule(code: str):
    """The registered rule, or (a rule since removed) a stand-in that carries its code."""
    try:
        return get_rule(code)
    except KeyError:
        return SimpleNamespace(code=code, version=None)
