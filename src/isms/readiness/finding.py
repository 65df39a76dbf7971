"""What the mock audit works with.

A rule reports **observations**: one record it saw (a risk, a supplier, an SoA row), what was seen
there, the population the record was drawn from, and the *issue* it belongs to (the requirement
plus the kind of problem). The engine consolidates observations into **findings** as a
certification auditor writes them: one per requirement and issue, every instance as objective
evidence, the extent as "k of N", graded by extent and effect (see grading.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Grade(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OFI = "ofi"

    @property
    def rank(self) -> int:
        """Higher is more severe: major 3, minor 2, ofi 1."""
        return {"major": 3, "minor": 2, "ofi": 1}[self.value]

    @property
    def label(self) -> str:
        return {
            "major": "Major nonconformity",
            "minor": "Minor nonconformity",
            "ofi": "Opportunity for improvement",
        }[self.value]

    @property
    def stage1_label(self) -> str:
        """How a stage 1 report words the same grade."""
        return {
            "major": "Area of concern (potential major)",
            "minor": "Area of concern",
            "ofi": "Opportunity for improvement",
        }[self.value]


@dataclass(frozen=True, order=True)
class Subject:
    """A record: its register (or Clause/Control/Organisation) and key."""

    type: str
    key: str

    def __str__(self) -> str:
        return f"{self.type} {self.key}"

    @property
    def label(self) -> str:
        """``Type: key``, the form the nonconformity log stores in ``finding_subject``."""
        return f"{self.type}: {self.key}"

    @classmethod
    def parse(cls, label: str) -> "Subject | None":
        kind, sep, key = label.partition(": ")
        return cls(kind.strip(), key.strip()) if sep and kind.strip() and key.strip() else None


@dataclass(frozen=True)
class Population:
    """What an instance was drawn from, for the extent ("3 of 83 risks")."""

    label: str
    size: int


@dataclass(frozen=True)
class Observation:
    """One record a rule saw that does not meet a requirement."""

    code: str
    issue: str
    reference: str
    grade: Grade
    stage: int
    subject: Subject
    detail: str
    population: Population | None = None
    #: Other records this observation concerns: the supplier an NC is about, the account a review
    #: missed. Observations that share a record with another finding merge into it.
    related: tuple[Subject, ...] = ()
    #: A direct security effect seen in the data (why it makes the finding major), or "".
    effect: str = ""
    department: str | None = None
    process: str | None = None
    #: The accountable person (email) behind the record, for the ownership pattern.
    owner: str | None = None

    @property
    def records(self) -> tuple[Subject, ...]:
        return (self.subject, *self.related)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "issue": self.issue,
            "reference": self.reference,
            "grade": self.grade.value,
            "subject": {"type": self.subject.type, "key": self.subject.key},
            "detail": self.detail,
            "population": (
                {"label": self.population.label, "size": self.population.size}
                if self.population
                else None
            ),
            "related": [{"type": s.type, "key": s.key} for s in self.related],
            "effect": self.effect or None,
            "department": self.department,
            "process": self.process,
            "owner": self.owner,
        }


@dataclass(frozen=True)
class Extent:
    """How far an issue reaches: ``count`` distinct records of ``size`` in the population."""

    count: int
    size: int | None = None
    label: str = "records"

    @property
    def share(self) -> float | None:
        return self.count / self.size if self.size else None

    def __str__(self) -> str:
        if self.size:
            return f"{self.count} of {self.size} {self.label}"
        return f"{self.count} {self.label if self.count != 1 else _singular(self.label)}"


def _singular(label: str) -> str:
    if label.endswith("ies"):
        return label[:-3] + "y"
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


@dataclass(frozen=True)
class NcLink:
    """A nonconformity of the organisation's own log that concerns a finding."""

    ref: str
    status: str
    due_on: dt.date | None
    #: on_time | overdue | closed_effective | closed_unverified
    state: str

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "status": self.status,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "state": self.state,
        }


@dataclass(frozen=True)
class Finding:
    """One nonconformity or OFI as a certification auditor writes it."""

    #: Stable identity across runs: the issue key of the lead issue (a rule code).
    key: str
    code: str
    name: str
    grade: Grade
    #: Why this grade, in one sentence an auditor would accept.
    grade_reason: str
    stage: int
    reference: str
    #: Every reference the finding cites, the lead reference first.
    references: tuple[str, ...]
    requirement: str
    title: str
    statement: str
    instances: tuple[Observation, ...]
    extent: Extent
    advice: str
    #: The nonconformities of the organisation's own log this finding concerns.
    ncs: tuple[NcLink, ...] = ()
    due: dt.date | None = None
    department: str | None = None
    process: str | None = None
    #: For an ownership major: the findings it groups.
    grouped: tuple["Finding", ...] = field(default=(), compare=False)

    @property
    def subject(self) -> Subject:
        """The lead record (first instance)."""
        return self.instances[0].subject if self.instances else Subject("Requirement", self.key)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted({o.code for o in self.instances}))

    @property
    def identity(self) -> str:
        return self.key

    @property
    def evidence(self) -> list[str]:
        return [o.detail for o in self.instances]

    def as_dict(self) -> dict:
        data = {
            "key": self.key,
            "code": self.code,
            "name": self.name,
            "grade": self.grade.value,
            "grade_reason": self.grade_reason,
            "stage": self.stage,
            "reference": self.reference,
            "references": list(self.references),
            "requirement": self.requirement,
            "title": self.title,
            "statement": self.statement,
            "extent": {
                "count": self.extent.count,
                "size": self.extent.size,
                "label": self.extent.label,
                "text": str(self.extent),
            },
            "evidence": [o.as_dict() for o in self.instances],
            "rules": list(self.codes),
            "nonconformities": [nc.as_dict() for nc in self.ncs],
            "advice": self.advice,
            "due": self.due.isoformat() if self.due else None,
            "department": self.department,
            "process": self.process,
        }
        if self.grouped:
            data["grouped"] = [finding.key for finding in self.grouped]
        return data
