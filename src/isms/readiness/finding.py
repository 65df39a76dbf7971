"""What a rule reports: a typed finding about one subject."""

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


@dataclass(frozen=True, order=True)
class Subject:
    """The record a finding is about: its register (or Clause/Control/Organisation) and key."""

    type: str
    key: str

    def __str__(self) -> str:
        return f"{self.type} {self.key}"


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    grade: Grade
    stage: int
    reference: str
    subject: Subject
    title: str
    detail: str
    recommendation: str
    due: dt.date | None = None
    #: Grouping used by escalation (several minors in one department or process).
    department: str | None = None
    process: str | None = None
    #: For an escalated major: the minors it groups.
    grouped: tuple["Finding", ...] = field(default=(), compare=False)

    @property
    def identity(self) -> tuple[str, str, str]:
        """Stable identity across runs, used by --diff and by raising nonconformities."""
        return (self.code, self.subject.type, self.subject.key)

    def as_dict(self) -> dict:
        data = {
            "code": self.code,
            "name": self.name,
            "grade": self.grade.value,
            "stage": self.stage,
            "reference": self.reference,
            "subject": {"type": self.subject.type, "key": self.subject.key},
            "title": self.title,
            "detail": self.detail,
            "recommendation": self.recommendation,
            "due": self.due.isoformat() if self.due else None,
            "department": self.department,
            "process": self.process,
        }
        if self.grouped:
            data["grouped"] = [finding.as_dict() for finding in self.grouped]
        return data
