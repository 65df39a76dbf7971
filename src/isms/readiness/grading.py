"""Grading by extent and effect: the one place that decides a finding's grade.

The first that applies (docs/mock-audit.md has the table, with examples):

- major: a required process or record is absent or has broken down altogether (an instance of
  a rule whose own grade is major: no internal audit, no management review, no risk
  assessment, no SoA, no policy, no objectives, no scope);
- major: a lapse with a direct security effect seen in the data (an account used after its
  holder left, a breach not handled);
- major: a recurrence: a corrective action on this issue was verified effective, and the
  problem is present again;
- major: at a surveillance or recertification audit, a minor the certification body raised is
  still open;
- major: pervasive: at least ``pervasive_count`` independent records (default 3) and at least
  ``pervasive_share`` of the population (default 20%);
- minor: the requirement is implemented but a lapse was found (any instance graded minor);
- OFI: no requirement breached: register hygiene, good practice.

Only a finding's own instances count: several minors become one major only when they concern
the same requirement and issue. A cluster of findings in one department or process is reported as
a pattern and changes no grade, unless every instance in it has one accountable owner (the "risk
ownership" failure of the seed), and the profile allows it.
"""

from collections import defaultdict
from dataclasses import dataclass

from isms.readiness.consolidate import Draft
from isms.readiness.credit import Judgement
from isms.readiness.finding import Finding, Grade


def grade_draft(
    draft: Draft, judgement: Judgement, profile, surveillance_minor=None
) -> tuple[Grade, str]:
    instances = draft.instances
    worst = max(instances, key=lambda o: o.grade.rank)
    extent = draft.extent
    if worst.grade is Grade.MAJOR:
        return Grade.MAJOR, (
            f"Major: a required process or record is absent or has broken down ({worst.detail})"
        )
    effect = next((o for o in instances if o.effect), None)
    if effect is not None:
        return Grade.MAJOR, f"Major: the lapse has a direct security effect ({effect.effect})."
    if judgement.outcome == "recurrence":
        nc = judgement.decisive
        return Grade.MAJOR, (
            f"Major: the problem recurred after the corrective action of {nc.ref} was verified "
            "effective, so the corrective action did not work."
        )
    if surveillance_minor is not None:
        return Grade.MAJOR, (
            f"Major: the certification body raised this as a minor nonconformity "
            f"({surveillance_minor.ref}) and it is still not addressed at a surveillance or "
            "recertification audit."
        )
    share = extent.share
    if (
        worst.grade is Grade.MINOR
        and profile.pervasive_count
        and extent.count >= profile.pervasive_count
        and share is not None
        and share >= profile.pervasive_share
    ):
        return Grade.MAJOR, (
            f"Major: the lapse is pervasive ({extent}, {share:.0%} of the population; the "
            f"profile treats {profile.pervasive_count} or more records and "
            f"{profile.pervasive_share:.0%} or more as a systemic failure)."
        )
    if worst.grade is Grade.MINOR:
        return Grade.MINOR, (
            f"Minor: the requirement is implemented but a lapse was found ({extent}); it does "
            "not show the process has broken down."
        )
    return Grade.OFI, "Opportunity for improvement: no requirement is breached."


@dataclass(frozen=True)
class Pattern:
    """Several findings in one department or process: reported, not graded."""

    dimension: str  # department | process
    value: str
    findings: tuple[str, ...]
    owners: tuple[str, ...]
    escalated: bool = False

    @property
    def note(self) -> str:
        where = f"the {self.value} {self.dimension}"
        if self.escalated:
            owner = (
                f" All of them have one accountable owner, {self.owners[0]}: a failure of "
                "ownership, graded as one major nonconformity."
            )
        elif len(self.owners) > 1:
            owner = (
                f" They have different accountable owners ({', '.join(self.owners)}), so each "
                "keeps its own grade; the cluster is worth raising with the area's management."
            )
        else:
            owner = (
                " The records name no single accountable owner behind all of them, so each keeps "
                "its own grade; the cluster is worth raising with the area's management."
            )
        return f"{len(self.findings)} findings concern {where} ({', '.join(self.findings)}).{owner}"

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "value": self.value,
            "findings": list(self.findings),
            "owners": list(self.owners),
            "escalated": self.escalated,
            "note": self.note,
        }


def patterns(findings: list[Finding], profile) -> list[Pattern]:
    """Clusters of ``profile.pattern_size`` or more nonconformities in one department or process.

    A cluster is escalated only when every instance in it names the same accountable owner and
    the profile's ``ownership_escalation`` is on."""
    if profile.pattern_size < 2:
        return []
    found = []
    for dimension in ("department", "process"):
        members: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.grade is not Grade.MINOR:
                continue
            for value in sorted({getattr(o, dimension) for o in finding.instances} - {None}):
                members[value].append(finding)
        for value, group in sorted(members.items()):
            if len(group) < profile.pattern_size:
                continue
            owners = {o.owner for f in group for o in f.instances}
            escalated = profile.ownership_escalation and len(owners) == 1 and None not in owners
            found.append(
                Pattern(
                    dimension,
                    value,
                    tuple(f.key for f in group),
                    tuple(sorted(o for o in owners if o)),
                    bool(escalated),
                )
            )
    return found
