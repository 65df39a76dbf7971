"""From observations to findings: one finding per requirement and issue, as an auditor writes.

1. Observations are grouped by their issue key (a rule's own code, or the code of the rule that
   owns the same issue).
2. An observation about a record that a weightier issue already covers joins that issue's
   finding instead of standing on its own: the SoA row excluded without justification and the same
   row excluded although the activity exists are one finding; the supplier never assessed and the
   overdue NC about it are one finding. Issues are weighed by the grade of their worst instance,
   then by the number of records, then by code, so the result never depends on the order the
   rules ran in.
3. The lead issue names the finding (its reference, statement and advice); the other issues'
   references are cited beside it.

An NC of the organisation's log that a rule observes joins the finding about the record (or
the issue) the NC is about.

Records of the kinds in ``NOT_MERGED`` (the organisation itself, a clause) are shared by
unrelated problems and never join findings.
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from isms.readiness.finding import Extent, Observation, Subject

NOT_MERGED = frozenset({"Organisation", "Clause", "Control", "Requirement"})
#: The record every observation of an issue shares: an NC the log raised for a whole issue
#: (``finding_code`` without ``finding_subject``) links its own observations to it.
ISSUE = "Issue"


@dataclass
class Draft:
    """A finding before grading: its lead issue and every instance."""

    issue: str
    instances: list[Observation]

    @property
    def lead(self) -> list[Observation]:
        return [o for o in self.instances if o.issue == self.issue]

    def part(self, instances) -> "Draft":
        """The same finding narrowed to ``instances`` (led by its own issue when it can be)."""
        instances = list(instances)
        issues = {o.issue for o in instances}
        if self.issue in issues:
            return Draft(self.issue, instances)
        lead = min(issues, key=lambda i: _weight(i, [o for o in instances if o.issue == i]))
        return Draft(lead, instances)

    @property
    def extent(self) -> Extent:
        lead = self.lead
        subjects = {o.subject for o in lead}
        population = next((o.population for o in lead if o.population), None)
        if population is None:
            return Extent(len(subjects), None, _plural(lead[0].subject.type) if lead else "records")
        return Extent(len(subjects), max(population.size, len(subjects)), population.label)


def _plural(kind: str) -> str:
    kind = kind.lower()
    return kind if kind.endswith("s") else f"{kind} records"


def _weight(issue: str, observations: list[Observation]) -> tuple:
    worst = max(o.grade.rank for o in observations)
    return (-worst, -len({o.subject for o in observations}), issue)


def consolidate(observations: list[Observation], links: dict[Subject, tuple[Subject, ...]]):
    """Drafts, one per finding. ``links`` adds records an observation concerns implicitly (an NC
    observation also concerns the record the NC is about)."""
    observations = [
        _with_links(o, links) if any(r in links for r in o.records) else o for o in observations
    ]
    by_issue: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_issue[observation.issue].append(observation)
    order = sorted(by_issue, key=lambda issue: _weight(issue, by_issue[issue]))
    drafts: dict[str, Draft] = {}
    claimed: dict[Subject, str] = {}
    for issue in order:
        for observation in sorted(by_issue[issue], key=_observation_key):
            mergeable = [r for r in observation.records if r.type not in NOT_MERGED]
            mergeable.append(Subject(ISSUE, observation.issue))
            owner = next((claimed[r] for r in mergeable if r in claimed), issue)
            drafts.setdefault(owner, Draft(owner, [])).instances.append(observation)
            for record in mergeable:
                claimed.setdefault(record, owner)
    # Every draft holds at least one observation of its own issue: an issue claims records
    # only through observations that stayed with it.
    result = list(drafts.values())
    return sorted(result, key=lambda d: _weight(d.issue, d.lead))


def _observation_key(observation: Observation) -> tuple:
    return (observation.subject, observation.code, observation.detail)


def _with_links(observation: Observation, links) -> Observation:
    extra = tuple(
        linked
        for record in observation.records
        for linked in links.get(record, ())
        if linked not in observation.records
    )
    return replace(observation, related=observation.related + extra) if extra else observation
