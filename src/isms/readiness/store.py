"""Saving runs and comparing them (``isms assess --diff``)."""

from dataclasses import dataclass

from django.db import transaction

from isms.readiness.engine import Result
from isms.readiness.models import Assessment, AssessmentFinding


@transaction.atomic
def save_result(result: Result, user=None, selection: dict | None = None) -> Assessment:
    counts = result.counts
    assessment = Assessment.objects.create(
        organisation=result.organisation,
        as_of=result.as_of,
        stage=result.stage,
        run_at=result.run_at,
        run_by=user,
        verdict=result.verdict,
        score=result.score,
        majors=counts["major"],
        minors=counts["minor"],
        ofis=counts["ofi"],
        profile=result.profile.as_dict(),
        rule_versions={rule.code: rule.version for rule in result.rules_run},
        errors=[{"code": e.code, "message": e.message} for e in result.errors],
        selection=selection or {},
        figures=result.figures,
        patterns=[p.as_dict() for p in result.patterns],
        advisories=[a.as_dict() for a in result.advisories],
        credited=[f.as_dict() for f in result.credited],
    )
    for finding in result.findings:
        parent = _store(assessment, finding, None)
        for member in finding.grouped:
            _store(assessment, member, parent)
    return assessment


def _store(assessment, finding, parent) -> AssessmentFinding:
    return AssessmentFinding.objects.create(
        assessment=assessment,
        key=finding.key,
        code=finding.code,
        name=finding.name,
        grade=finding.grade.value,
        stage=finding.stage,
        reference=finding.reference,
        subject_type=finding.subject.type,
        subject_key=finding.subject.key[:300],
        title=finding.title,
        detail="\n".join(finding.evidence),
        recommendation=finding.advice,
        statement=finding.statement,
        grade_reason=finding.grade_reason,
        references=list(finding.references),
        extent=str(finding.extent),
        evidence=[o.as_dict() for o in finding.instances],
        nonconformities=[nc.as_dict() for nc in finding.ncs],
        due=finding.due,
        department=finding.department or "",
        process=finding.process or "",
        grouped_in=parent,
    )


@dataclass
class Diff:
    previous: Assessment | None
    new: list
    resolved: list
    unchanged: int


def diff_with_previous(result: Result, before: Assessment | None) -> Diff:
    """Findings new since ``before`` and findings of ``before`` that no longer appear.

    A finding is the same finding as long as it shares an issue with it: its key (the lead
    issue) or the issue of any of its instances. So a finding whose wording or instances change,
    or that merged with another one about the same record, is not reported as new and resolved."""
    current = [(f, {f.key} | {o.issue for o in f.instances}) for f in result.findings]
    if before is None:
        return Diff(None, [f for f, _ in current], [], 0)
    previous = [
        (f, {f.key} | {e.get("issue") for e in f.evidence} - {None})
        for f in before.findings.filter(grouped_in__isnull=True)
    ]
    seen_before = set().union(*(issues for _, issues in previous))
    seen_now = set().union(*(issues for _, issues in current))
    new = [f for f, issues in current if not issues & seen_before]
    resolved = [f for f, issues in previous if not issues & seen_now]
    return Diff(before, new, resolved, len(current) - len(new))


def latest_assessment(organisation, exclude_pk=None) -> Assessment | None:
    queryset = Assessment.objects.filter(organisation=organisation)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()
