"""Runs the rules and turns their findings into an audit outcome.

Escalation, deadlines and the verdict live here, not in rules:

- **Escalation** (ISO/IEC 17021-1 practice): when ``threshold`` or more minor findings (default
  3) cite the same requirement, or concern the same department or the same process, they show a
  systemic failure and are raised as one major finding (code ESC001) that groups them.
- **Deadlines** come from the certification-body profile: by default a major needs correction and
  evidence of corrective action within 90 days of the audit date, a minor a corrective action
  plan within 60 days; an opportunity for improvement has no deadline.
- **Verdict**: "not recommended" while any major stands, "recommended subject to corrective
  action plans" with minors only, "recommended" otherwise.
- **Readiness score**: 100 x 100 / (100 + penalty), rounded, where the penalty is 10 points per
  major, 3 per minor and 1 per OFI, counted after escalation (a systemic major replaces the minors
  it groups). A clean run scores 100; every finding lowers the score and fixing any finding
  raises it, but it never reaches 0, so it keeps showing progress on a poor first run
  (one major: 91; five majors and ten minors: 56; twenty majors: 33).
"""

import datetime as dt
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.utils import timezone

from isms.readiness.context import RuleContext
from isms.readiness.finding import Finding, Grade, Subject
from isms.readiness.registry import Rule, all_rules

ESCALATION_CODE = "ESC001"
ESCALATION_NAME = "systemic-nonconformity"


@dataclass(frozen=True)
class Profile:
    """A certification body's practice: deadlines per grade and the escalation threshold."""

    name: str = "default"
    major_days: int = 90
    minor_days: int = 60
    escalation_threshold: int = 3

    def due(self, grade: Grade, as_of: dt.date) -> dt.date | None:
        if grade is Grade.MAJOR:
            return as_of + dt.timedelta(days=self.major_days)
        if grade is Grade.MINOR:
            return as_of + dt.timedelta(days=self.minor_days)
        return None


DEFAULT_PROFILE = Profile()


class Verdict:
    NOT_RECOMMENDED = "not recommended"
    RECOMMENDED_WITH_PLANS = "recommended subject to corrective action plans"
    RECOMMENDED = "recommended"


@dataclass
class RuleError:
    code: str
    message: str


@dataclass
class Result:
    organisation: object
    as_of: dt.date
    stage: int
    profile: Profile
    findings: list[Finding]
    errors: list[RuleError]
    rules_run: list[Rule]
    run_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f.grade.value for f in self.findings)
        return {grade.value: counted.get(grade.value, 0) for grade in Grade}

    @property
    def verdict(self) -> str:
        counts = self.counts
        if counts["major"]:
            return Verdict.NOT_RECOMMENDED
        if counts["minor"]:
            return Verdict.RECOMMENDED_WITH_PLANS
        return Verdict.RECOMMENDED

    @property
    def penalty(self) -> int:
        counts = self.counts
        return 10 * counts["major"] + 3 * counts["minor"] + counts["ofi"]

    @property
    def score(self) -> int:
        """100 x 100 / (100 + penalty): see the module docstring."""
        return round(100 * 100 / (100 + self.penalty))

    @property
    def passed(self) -> list[Rule]:
        """Rules that ran without error and found nothing: what the auditor would see working."""
        fired = {f.code for f in self.findings} | {g.code for f in self.findings for g in f.grouped}
        failed = {e.code for e in self.errors}
        return [r for r in self.rules_run if r.code not in fired | failed]


def select_rules(stage: int, select: list[str] | None = None, ignore: list[str] | None = None):
    """The rules for a stage (stage 2 also runs the stage 1 rules), filtered by code prefixes."""
    chosen = []
    for rule in all_rules():
        if rule.stage > stage:
            continue
        if select and not any(rule.code.startswith(s) or rule.name == s for s in select):
            continue
        if ignore and any(rule.code.startswith(s) or rule.name == s for s in ignore):
            continue
        chosen.append(rule)
    return chosen


def run_assessment(
    organisation,
    as_of: dt.date | None = None,
    stage: int = 2,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    profile: Profile = DEFAULT_PROFILE,
) -> Result:
    """Run the rules as of ``as_of`` (default today). Same data and date give the same findings."""
    as_of = as_of or timezone.localdate()
    rules = select_rules(stage, select, ignore)
    context = RuleContext(organisation=organisation, as_of=as_of, stage=stage)
    raw: list[Finding] = []
    errors: list[RuleError] = []
    for rule in rules:
        context.rule = rule
        try:
            raw.extend(rule.check(context))
        except Exception as error:  # a broken rule must not hide the others' findings
            last = traceback.extract_tb(error.__traceback__)[-1]
            errors.append(
                RuleError(rule.code, f"{type(error).__name__}: {error} (line {last.lineno})")
            )
    context.rule = None
    findings = escalate(raw, profile.escalation_threshold, as_of)
    findings = [replace(f, due=profile.due(f.grade, as_of)) for f in findings]
    findings.sort(key=lambda f: (-f.grade.rank, _reference_key(f.reference), f.code, f.subject))
    return Result(organisation, as_of, stage, profile, findings, errors, rules)


def _reference_key(reference: str) -> tuple:
    head = reference.split()[0]
    parts = []
    for part in head.split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def escalate(findings: list[Finding], threshold: int, as_of: dt.date) -> list[Finding]:
    """Group clusters of ``threshold`` or more minors into one major each (see module doc).

    A minor joins at most one cluster: same requirement first, then department, then process."""
    if threshold < 2:
        return findings
    remaining = [f for f in findings if f.grade is Grade.MINOR]
    others = [f for f in findings if f.grade is not Grade.MINOR]
    escalated = []
    for dimension in ("reference", "department", "process"):
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in remaining:
            value = getattr(finding, dimension)
            if value:
                groups[value].append(finding)
        taken = set()
        for value, group in sorted(groups.items()):
            if len(group) < threshold:
                continue
            escalated.append(_systemic(dimension, value, group))
            taken.update(id(f) for f in group)
        remaining = [f for f in remaining if id(f) not in taken]
    return others + escalated + remaining


def _systemic(dimension: str, value: str, group: list[Finding]) -> Finding:
    where = {
        "reference": f"requirement {value}",
        "department": f"the {value} department",
        "process": f"the {value} process",
    }[dimension]
    listed = "; ".join(f"{f.code} {f.subject}" for f in group)
    references = sorted({f.reference for f in group})
    return Finding(
        code=ESCALATION_CODE,
        name=ESCALATION_NAME,
        grade=Grade.MAJOR,
        stage=max(f.stage for f in group),
        reference=value if dimension == "reference" else ", ".join(references),
        subject=Subject(
            {"reference": "Requirement", "department": "Departments", "process": "Processes"}[
                dimension
            ],
            value,
        ),
        title=f"Systemic failure: {len(group)} minor nonconformities in {where}",
        detail=(
            f"{len(group)} minor nonconformities concern {where} ({listed}). Together they show "
            "the requirement is not managed as a system, which a certification auditor grades "
            "as one major nonconformity."
        ),
        recommendation=(
            "Treat the cluster as one nonconformity: find the common root cause (ownership, "
            "process, resources), correct every instance, and show the process change works."
        ),
        department=value if dimension == "department" else None,
        process=value if dimension == "process" else None,
        grouped=tuple(group),
    )
