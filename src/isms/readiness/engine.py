"""Runs the rules and turns their observations into an audit outcome, as a certification body would.

The steps, none of which lives in a rule, and none of which depends on the order rules ran in:

1. **Observations** from every rule (advisory rules, about the certification process itself, are
   kept apart as advisories).
2. **Consolidation** (consolidate.py): one finding per requirement and issue, instances as
   evidence, the extent as "k of N", merged across rules when they concern the same record.
3. **Credit** (credit.py): the organisation's own nonconformity log. An issue it is already
   correcting on time is positive evidence, not a new NC; an overdue action is an NC on 10.2; a
   recurrence after an action verified effective is a candidate major.
4. **Grading** (grading.py) by extent and effect, and patterns of findings in one department or
   process, reported without changing grades unless one accountable owner is behind them all.
5. **Deadlines**: readiness actions are due before the first day of the next planned external
   audit (or within the profile's days when none is planned); the certification body's own
   deadlines are predicted from the profile.
6. **Conclusion**: at stage 2 the recommendation a certification body words; at stage 1 a
   readiness conclusion for stage 2. Either way it is a self-assessment.
"""

import datetime as dt
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils import timezone

from isms.catalog.loader import read_rows
from isms.readiness import credit
from isms.readiness.consolidate import Draft, consolidate
from isms.readiness.context import RuleContext
from isms.readiness.finding import Extent, Finding, Grade, Observation, Subject
from isms.readiness.grading import Pattern, grade_draft, patterns
from isms.readiness.registry import Rule, all_rules, get_rule

OWNERSHIP_CODE = credit.OWNERSHIP_CODE
OWNERSHIP_NAME = "ownership-failure"
DISCLAIMER = (
    "This is a self-assessment made by software from the organisation's own records. It "
    "predicts what a certification auditor would write; it is not a certification audit, and "
    "the decision to certify belongs to the certification body alone."
)
SAMPLING = (
    "A certification audit samples records and interviews people; this mock audit reads every "
    "record in the registers but sees nothing that is not recorded there."
)


@dataclass(frozen=True)
class Profile:
    """A certification body's practice: its deadlines and how it grades extent."""

    name: str = "default"
    #: Days after the end of stage 2 to show correction and corrective action of a major.
    major_days: int = 90
    #: Days after the audit to submit a corrective action plan for a minor.
    minor_days: int = 60
    #: Months after stage 2 within which majors must be verified, or stage 2 is repeated.
    major_verify_months: int = 6
    #: A lapse is pervasive (major) with at least this many records (0: never) ...
    pervasive_count: int = 3
    #: ... and at least this share of its population.
    pervasive_share: float = 0.2
    #: Findings in one department or process reported as a pattern (0: never).
    pattern_size: int = 3
    #: A pattern with one accountable owner behind every instance becomes one major.
    ownership_escalation: bool = True

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "major_days": self.major_days,
            "minor_days": self.minor_days,
            "major_verify_months": self.major_verify_months,
            "pervasive_count": self.pervasive_count,
            "pervasive_share": self.pervasive_share,
            "pattern_size": self.pattern_size,
            "ownership_escalation": self.ownership_escalation,
        }


DEFAULT_PROFILE = Profile()


class Verdict:
    DEFERRED = "recommendation deferred until the major nonconformities are verified closed"
    RECOMMENDED_WITH_PLANS = "recommended subject to accepted corrective action plans"
    RECOMMENDED = "recommended"
    NOT_READY = "not ready for stage 2"
    READY = "ready for stage 2"


@dataclass
class RuleError:
    code: str
    message: str


@dataclass(frozen=True)
class Advisory:
    """A matter of the certification process itself (timing of stages, surveillance): advice to
    plan with the certification body, not a nonconformity of the ISMS."""

    code: str
    reference: str
    subject: Subject
    title: str
    detail: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "reference": self.reference,
            "subject": {"type": self.subject.type, "key": self.subject.key},
            "title": self.title,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class UpcomingAudit:
    ref: str
    kind: str
    first_day: dt.date


@dataclass
class Result:
    organisation: object
    as_of: dt.date
    stage: int
    profile: Profile
    findings: list[Finding]
    errors: list[RuleError]
    rules_run: list[Rule]
    observations: list[Observation] = field(default_factory=list)
    #: Issues the organisation is already correcting on time (positive evidence under 10.2).
    credited: list[Finding] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    advisories: list[Advisory] = field(default_factory=list)
    upcoming: UpcomingAudit | None = None
    figures: dict = field(default_factory=dict)
    run_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f.grade.value for f in self.findings)
        return {grade.value: counted.get(grade.value, 0) for grade in Grade}

    @property
    def verdict(self) -> str:
        counts = self.counts
        if self.stage == 1:
            return Verdict.NOT_READY if counts["major"] else Verdict.READY
        if counts["major"]:
            return Verdict.DEFERRED
        if counts["minor"]:
            return Verdict.RECOMMENDED_WITH_PLANS
        return Verdict.RECOMMENDED

    @property
    def conclusion(self) -> str:
        """The conclusion as a certification body words it, with the reasons."""
        counts = self.counts
        majors = [f for f in self.findings if f.grade is Grade.MAJOR]
        if self.stage == 1:
            if majors:
                why = "; ".join(f"{f.reference} {f.title.lower()}" for f in majors)
                text = (
                    f"Not ready for stage 2: {len(majors)} area(s) of concern would be major "
                    f"nonconformities at stage 2 ({why}). Resolve them before stage 2."
                )
            elif counts["minor"]:
                text = (
                    f"Ready for stage 2, provided the {counts['minor']} area(s) of concern are "
                    "addressed before it; left as they are they would be minor nonconformities."
                )
            else:
                text = "Ready for stage 2: no area of concern was found."
        elif majors:
            text = (
                f"{counts['major']} major and {counts['minor']} minor nonconformities. A "
                "certification auditor would defer the recommendation until correction and "
                "corrective action of every major are verified, within "
                f"{self.profile.major_verify_months} months of stage 2 or stage 2 is repeated."
            )
        elif counts["minor"]:
            text = (
                f"The ISMS conforms and is effective apart from {counts['minor']} minor "
                "nonconformities. A certification auditor would recommend certification once "
                "corrective action plans for them are accepted."
            )
        else:
            text = "The ISMS conforms and is effective: certification would be recommended."
        return f"{text} {DISCLAIMER}"

    @property
    def passed(self) -> list[Rule]:
        """Rules that ran without error and observed nothing."""
        fired = {o.code for o in self.observations} | {a.code for a in self.advisories}
        failed = {e.code for e in self.errors}
        return [r for r in self.rules_run if r.code not in fired | failed]

    @property
    def score(self) -> int:
        """Conformity: the share (percent) of requirements, clauses 4-10 and applicable Annex A
        controls, cited by no major or minor nonconformity."""
        figures = self.figures
        total = figures.get("clauses", {}).get("total", 0) + figures.get("controls", {}).get(
            "total", 0
        )
        conforming = figures.get("clauses", {}).get("conforming", 0) + figures.get(
            "controls", {}
        ).get("conforming", 0)
        return round(100 * conforming / total) if total else 100

    def cb_deadlines(self) -> dict[str, str]:
        """What a certification body would ask for, per grade, predicted from the profile."""
        end = self.upcoming.first_day if self.upcoming and self.upcoming.kind != "stage1" else None
        major = (
            f"Correction and evidence of corrective action within {self.profile.major_days} days "
            "of the end of stage 2"
        )
        if end:
            major += f" (by {end + dt.timedelta(days=self.profile.major_days)} if it ends on {end})"
        major += (
            f"; verified within {self.profile.major_verify_months} months, or stage 2 is repeated."
        )
        return {
            "major": major,
            "minor": (
                "A corrective action plan accepted by the certification body before the "
                "certification decision; its effectiveness is checked at the first surveillance "
                "audit."
            ),
            "ofi": "No deadline: advice the organisation may take or leave.",
        }


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
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Run the rules as of ``as_of`` (default today). Same data and date give the same result.

    ``progress(done, total)``, when given, is called after each rule (a background run shows it;
    the callback decides how often to record it)."""
    as_of = as_of or timezone.localdate()
    rules = select_rules(stage, select, ignore)
    context = RuleContext(organisation=organisation, as_of=as_of, stage=stage)
    observations: list[Observation] = []
    advisories: list[Advisory] = []
    errors: list[RuleError] = []
    for done, rule in enumerate(rules, start=1):
        context.rule = rule
        try:
            seen = list(rule.check(context))
        except Exception as error:  # a broken rule must not hide the others' findings
            last = traceback.extract_tb(error.__traceback__)[-1]
            errors.append(
                RuleError(rule.code, f"{type(error).__name__}: {error} (line {last.lineno})")
            )
            continue
        finally:
            if progress is not None:
                progress(done, len(rules))
        if rule.advisory:
            advisories.extend(
                Advisory(rule.code, o.reference, o.subject, rule.title, o.detail) for o in seen
            )
        else:
            observations.extend(seen)
    context.rule = None

    log = credit.load_log(organisation, as_of)
    index = credit.Index(log)
    upcoming = _upcoming_audit(organisation, as_of)
    surveillance = _certified(organisation, as_of) or (
        upcoming is not None and upcoming.kind in ("surveillance", "recertification")
    )
    findings, credited = [], []
    by_code = {rule.code: rule for rule in rules}

    def issue_of(code):
        rule = by_code.get(code) or _registered(code)
        return rule.issue if rule else None

    for draft in consolidate(observations, credit.record_links(log, issue_of)):
        judgement = credit.judge(index.linked(draft.instances), draft.instances, as_of)
        if judgement.credited:
            part = draft.part(judgement.credited)
            on_time = credit.Judgement("credited", judgement.ncs, judgement.decisive, whole=True)
            credited.append(_finding(part, on_time, profile, as_of, by_code))
        if judgement.outcome != "credited":
            rest = draft.part([o for o in draft.instances if o not in judgement.credited])
            findings.append(_finding(rest, judgement, profile, as_of, by_code, surveillance))
    found_patterns = patterns(findings, profile)
    findings = _escalate_ownership(findings, found_patterns)
    findings = [_with_due(f, as_of, profile, upcoming) for f in findings]
    findings.sort(key=_finding_order)
    credited.sort(key=_finding_order)
    advisories.sort(key=lambda a: (a.code, a.subject))
    result = Result(
        organisation,
        as_of,
        stage,
        profile,
        findings,
        errors,
        rules,
        observations=sorted(observations, key=lambda o: (o.code, o.subject, o.detail)),
        credited=credited,
        patterns=found_patterns,
        advisories=advisories,
        upcoming=upcoming,
    )
    result.figures = _figures(result, context)
    return result


def _title(draft: Draft, lead_rule, rules: dict) -> str:
    """The issue rule's title, unless that rule observed nothing here: then the title of the
    rule that did (acme's RSK014 issue holds only a retained risk, not one off the scales)."""
    if any(o.code == lead_rule.code for o in draft.instances):
        return lead_rule.title
    first = draft.lead[0].code
    return (rules.get(first) or get_rule(first)).title


def _finding(
    draft: Draft, judgement, profile: Profile, as_of, rules: dict, surveillance=False
) -> Finding:
    lead_rule = rules.get(draft.issue) or get_rule(draft.issue)
    lead = draft.lead
    cb_minor = credit.open_cb_minor(judgement.ncs, as_of) if surveillance else None
    if cb_minor is not None and judgement.outcome == "credited":
        cb_minor = None  # credited findings are not findings
    grade, reason = grade_draft(draft, judgement, profile, cb_minor)
    lead_references = {o.reference for o in lead}
    # The rule's own reference leads unless every instance cites one other requirement (a
    # per-control rule about a single control cites that control).
    reference = (
        lead_references.pop()
        if len(lead_references) == 1 and lead_rule.reference not in lead_references
        else lead_rule.reference
    )
    others = sorted({o.reference for o in draft.instances} - {reference}, key=reference_key)
    statement = lead_rule.statement
    nc = judgement.decisive
    if judgement.outcome == "overdue":
        late = (
            f"The organisation has not completed the corrective action of {nc.ref}"
            f"{f', due {nc.due_on}' if nc.due_on else ''}, so the problem it was raised for is "
            "still present"
        )
        if judgement.whole:
            others = sorted(set(others) | {reference}, key=reference_key)
            reference = "10.2"
            statement = f"{late}: {statement[:1].lower()}{statement[1:]}"
        else:
            others = sorted(set(others) | {"10.2"}, key=reference_key)
            statement = (
                f"{statement} The corrective action of {nc.ref}, raised for part of it"
                f"{f' and due {nc.due_on}' if nc.due_on else ''}, has not been completed."
            )
        if grade is Grade.OFI:
            grade, reason = Grade.MINOR, "Minor: a corrective action is overdue (10.2)."
    elif judgement.outcome in _LOG_SENTENCES:
        others = sorted(set(others) | {"10.2"}, key=reference_key)
        statement += " " + _LOG_SENTENCES[judgement.outcome].format(nc=nc)
    elif judgement.outcome == "credited":
        refs = ", ".join(n.ref for n in judgement.ncs)
        reason = (
            f"Credited: the organisation found this itself ({refs}), analysed its root cause "
            "and is correcting it on time: positive evidence that 10.2 works."
        )
    departments = sorted({o.department for o in draft.instances} - {None})
    processes = sorted({o.process for o in draft.instances} - {None})
    return Finding(
        key=draft.issue,
        code=lead_rule.code,
        name=lead_rule.name,
        grade=grade,
        grade_reason=reason,
        stage=max(o.stage for o in draft.instances),
        reference=reference,
        references=(reference, *others),
        requirement=requirement_summary(reference),
        title=_title(draft, lead_rule, rules),
        statement=statement,
        instances=tuple(draft.instances),
        extent=draft.extent,
        advice=lead_rule.sections["How to fix"],
        ncs=tuple(n.link(as_of) for n in judgement.ncs),
        department=departments[0] if len(departments) == 1 else None,
        process=processes[0] if len(processes) == 1 else None,
    )


#: What the statement adds when the NC log bears on a finding that stands (see credit.py).
_LOG_SENTENCES = {
    "recurrence": (
        "The same issue was the subject of {nc.ref}, whose corrective action was verified "
        "effective, yet it is present again."
    ),
    "reopened": (
        "{nc.ref} was closed on {nc.closed_on} without an effective verification, and the "
        "problem is still present."
    ),
    "unplanned": (
        "{nc.ref} was raised on {nc.raised_on} for it, but its cause, corrective action or due "
        "date has not been determined."
    ),
}


def _registered(code: str) -> Rule | None:
    try:
        return get_rule(code)
    except KeyError:
        return None


def _escalate_ownership(findings: list[Finding], found: list[Pattern]) -> list[Finding]:
    """One major per escalated pattern, grouping its findings (which no longer stand alone)."""
    by_key = {f.key: f for f in findings}
    taken: set[str] = set()
    escalated = []
    for pattern in found:
        if not pattern.escalated:
            continue
        group = tuple(by_key[k] for k in pattern.findings if k not in taken)
        if len(group) < 2:
            continue
        taken.update(f.key for f in group)
        instances = tuple(o for f in group for o in f.instances)
        references = tuple(sorted({r for f in group for r in f.references}, key=reference_key))
        escalated.append(
            Finding(
                key=f"{OWNERSHIP_CODE} {pattern.dimension}:{pattern.value}",
                code=OWNERSHIP_CODE,
                name=OWNERSHIP_NAME,
                grade=Grade.MAJOR,
                grade_reason=(
                    f"Major: {len(group)} nonconformities in the {pattern.value} "
                    f"{pattern.dimension} all have one accountable owner, {pattern.owners[0]}: "
                    "ownership of the area has failed."
                ),
                stage=max(f.stage for f in group),
                reference="5.3",
                references=("5.3", *[r for r in references if r != "5.3"]),
                requirement=requirement_summary("5.3"),
                title=f"Failure of ownership in the {pattern.value} {pattern.dimension}",
                statement=(
                    f"The organisation has not ensured that {pattern.owners[0]}, accountable for "
                    f"the {pattern.value} {pattern.dimension}, fulfils the responsibilities "
                    "assigned: "
                    + "; ".join(f"{f.reference} {f.title.lower()}" for f in group)
                    + "."
                ),
                instances=instances,
                extent=Extent(len(group), None, "nonconformities"),
                advice=(
                    "Treat the cluster as one nonconformity: find the common cause in how the "
                    "area is owned and resourced, correct every instance, and show it works."
                ),
                department=pattern.value if pattern.dimension == "department" else None,
                process=pattern.value if pattern.dimension == "process" else None,
                grouped=group,
            )
        )
    return [f for f in findings if f.key not in taken] + escalated


def _with_due(finding: Finding, as_of, profile: Profile, upcoming: UpcomingAudit | None):
    if finding.grade is Grade.OFI:
        return finding
    if upcoming is not None:
        due = upcoming.first_day - dt.timedelta(days=1)
    else:
        days = profile.major_days if finding.grade is Grade.MAJOR else profile.minor_days
        due = as_of + dt.timedelta(days=days)
    return replace(finding, due=due)


def _upcoming_audit(organisation, as_of) -> UpcomingAudit | None:
    from isms.audits.models import ExternalAudit

    audit = (
        ExternalAudit.objects.filter(organisation=organisation, planned_on__gt=as_of)
        .filter(Q(held_on__isnull=True) | Q(held_on__gt=as_of))
        .order_by("planned_on", "ref")
        .values("ref", "kind", "planned_on")
        .first()
    )
    return UpcomingAudit(audit["ref"], audit["kind"], audit["planned_on"]) if audit else None


def _certified(organisation, as_of) -> bool:
    """Whether a certificate is in force: the next audits are surveillance audits."""
    from isms.audits.models import ExternalAudit

    return (
        ExternalAudit.objects.filter(
            organisation=organisation, recommended=True, decision_on__lte=as_of
        )
        .exclude(certificate_expires_on__lt=as_of)
        .exists()
    )


def _figures(result: Result, context: RuleContext) -> dict:
    """Figures that mean something to an auditor: requirements conforming, by grade."""
    from isms.controls.models import SoAEntry

    cited = {r for f in result.findings if f.grade is not Grade.OFI for r in f.references}
    clauses = [row["id"] for row in read_rows("clauses") if _is_requirement(row["id"])]
    clauses_hit = {c for c in clauses if any(_cites(r, c) for r in cited)}
    applicable = list(
        context.q(SoAEntry).filter(applicable=True).values_list("control__ref", flat=True)
    )
    controls_hit = {c for c in applicable if f"A.{c}" in cited}
    return {
        "clauses": {"total": len(clauses), "conforming": len(clauses) - len(clauses_hit)},
        "controls": {
            "total": len(applicable),
            "conforming": len(applicable) - len(controls_hit),
        },
        "findings": result.counts,
        "credited": len(result.credited),
        "advisories": len(result.advisories),
    }


_CLAUSE_IDS = None


def _is_requirement(clause: str) -> bool:
    """A clause that carries requirements itself: a leaf of clauses 4 to 10."""
    global _CLAUSE_IDS
    if _CLAUSE_IDS is None:
        _CLAUSE_IDS = [row["id"] for row in read_rows("clauses")]
    return not any(other.startswith(f"{clause}.") for other in _CLAUSE_IDS)


def _cites(reference: str, clause: str) -> bool:
    head = reference.split()[0]
    # "9.2" concerns both 9.2.1 and 9.2.2; "6.1.3 d" concerns 6.1.3.
    return not head.startswith("A.") and (
        head == clause or head.startswith(f"{clause}.") or clause.startswith(f"{head}.")
    )


def requirement_summary(reference: str) -> str:
    """The requirement in one line: id, title and our own summary (never the standard's text)."""
    catalogue = _catalogue()
    head = reference.split()[0] if reference != "Annex A" else reference
    row = catalogue.get(head)
    if row is None:
        return reference
    return f"{reference} {row['title']}: {row['summary']}"


_CATALOGUE: dict | None = None


def _catalogue() -> dict:
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = {row["id"]: row for row in read_rows("clauses")}
        _CATALOGUE.update({f"A.{row['id']}": row for row in read_rows("controls")})
    return _CATALOGUE


def reference_key(reference: str) -> tuple:
    head = reference.split()[0]
    parts = []
    for part in head.split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def _finding_order(finding: Finding) -> tuple:
    return (-finding.grade.rank, reference_key(finding.reference), finding.key)
