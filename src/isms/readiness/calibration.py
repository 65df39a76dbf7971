"""Calibration: how accurate is the mock audit? Compare its prediction with the findings a
certification body actually graded at an external audit of the same date and stage.

The inputs are a mock-audit result (:func:`isms.readiness.engine.run_assessment`) and the CB's
findings recorded in the *External audit findings* register. The comparison is pure and
deterministic (:func:`compare`); :func:`calibrate` only adds the database look-up.

**When a prediction matches a recorded finding.** The recorded reference must equal one of the
references the predicted finding cites (its lead reference and every other one), compared as
follows:

- A clause is compared without its item letter: a recorded ``6.1.3`` or ``6.1.3 d`` matches a
  finding citing ``6.1.3 d`` (or ``6.1.3 b``). Sub-clauses are distinct: ``9.2`` does not match
  ``9.2.2``.
- A control is written with its ``A.`` prefix and compared exactly: ``A.5.18`` matches only
  ``A.5.18``. A bare number is always the clause, so a recorded ``5.1`` (leadership) never
  matches a finding on control ``A.5.1`` (policies); write ``A.5.1`` to mean the control.
- ``Annex A`` matches only ``Annex A``.

**One-to-one, greedy, deterministic.** Recorded findings are taken in the order of their ref,
predicted findings in the order grade (major first), lead reference, key. A first pass pairs
each recorded finding with the first unpaired prediction that matches *and has the same grade*;
a second pass pairs what is left with the first unpaired prediction that matches at any grade.
Within a pass the candidates are ranked by how they cite the reference: the lead reference as
written, the lead reference compared as above, another reference as written, another compared.
Among candidates that cite it equally well, the one whose title, statement and references share
the most words with the CB's statement wins (a crude topic check: words of four letters or more
compared by their first six, and ids such as 7.4); remaining ties go to the order above. Each
prediction and each recorded finding is used at most once.

**Grades.** A stage 1 *area of concern* is compared as a minor. A pair agrees on grade when the
predicted grade equals the recorded one (after that mapping).

**Figures.** Precision = matched / predicted (how many predictions the CB confirmed); recall =
matched / recorded (how many CB findings the mock audit foresaw); grade agreement = agreeing
pairs / matched. A figure with a zero denominator is ``None``. Per grade, a pair is counted under
the CB's grade (the CB's report is the reference), a missed prediction under its predicted grade
and an unexpected CB finding under the CB's grade.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from isms.audits.models import ExternalAudit, ExternalAuditFinding

GRADES = ("major", "minor", "ofi")
_RANK = {"major": 0, "minor": 1, "ofi": 2}
#: How a recorded CB grade is compared with the mock audit's grades.
COMPARED_AS = {"major": "major", "minor": "minor", "ofi": "ofi", "area_of_concern": "minor"}
SCHEMA_VERSION = "1.0"
_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W\d_]{4,}")
_STOPWORDS = frozenset(
    {"organisation", "could", "would", "should", "that", "this", "with", "from", "have", "been",
     "does", "were", "their", "there", "which", "when", "will", "than", "also", "into"}
)  # fmt: skip


def words(text: str) -> frozenset[str]:
    """The words calibration compares topics by: ids (7.4, 6.1.3) whole, other words of four
    letters or more by their first six, lower case, common words left out."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if word[0].isdigit():
            found.add(word)
        elif word not in _STOPWORDS:
            found.add(word[:6])
    return frozenset(found)


def normalise(reference: str) -> tuple[str, str]:
    """The comparable form of a reference: ("control", "A.5.18"), ("clause", "6.1.3") or
    ("annex", "Annex A"). See the module doc."""
    text = " ".join(str(reference).split())
    if text == "Annex A":
        return ("annex", text)
    if text.startswith("A."):
        return ("control", text)
    head, _, tail = text.partition(" ")
    if len(tail) == 1 and tail.isalpha():
        return ("clause", head)
    return ("clause", text)


@dataclass(frozen=True)
class Predicted:
    """A mock-audit finding, reduced to what calibration compares."""

    key: str
    code: str
    grade: str
    reference: str
    references: tuple[str, ...]
    title: str
    subject: str = ""
    statement: str = ""

    @property
    def words(self) -> frozenset[str]:
        references = " ".join(r.removeprefix("A.") for r in self.references)
        return words(f"{self.title} {self.statement} {references}")

    @classmethod
    def from_finding(cls, finding) -> "Predicted":
        reference = finding.reference
        references = tuple(getattr(finding, "references", None) or (reference,))
        if reference not in references:
            references = (reference, *references)
        subject = getattr(finding, "subject", None)
        return cls(
            key=str(getattr(finding, "key", None) or finding.code),
            code=finding.code,
            grade=getattr(finding.grade, "value", finding.grade),
            reference=reference,
            references=references,
            title=finding.title,
            subject=str(subject) if subject is not None else "",
            statement=str(getattr(finding, "statement", None) or getattr(finding, "detail", "")),
        )

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "code": self.code,
            "grade": self.grade,
            "reference": self.reference,
            "references": list(self.references),
            "title": self.title,
            "subject": self.subject,
        }


@dataclass(frozen=True)
class Recorded:
    """A finding the certification body recorded."""

    ref: str
    grade: str
    reference: str
    statement: str
    nonconformity: str | None = None

    @property
    def compared_grade(self) -> str:
        return COMPARED_AS[self.grade]

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "grade": self.grade,
            "compared_as": self.compared_grade,
            "reference": self.reference,
            "statement": self.statement,
            "nonconformity": self.nonconformity,
        }


@dataclass(frozen=True)
class Match:
    predicted: Predicted
    recorded: Recorded

    @property
    def grade_agrees(self) -> bool:
        return self.predicted.grade == self.recorded.compared_grade

    def as_dict(self) -> dict:
        return {
            "predicted": self.predicted.as_dict(),
            "found": self.recorded.as_dict(),
            "grade_agrees": self.grade_agrees,
        }


@dataclass(frozen=True)
class GradeComparison:
    """One grade's row: pairs (by the CB's grade), missed predictions, unexpected CB findings."""

    grade: str
    predicted: int
    found: int
    matched: tuple[Match, ...]
    missed: tuple[Predicted, ...]
    unexpected: tuple[Recorded, ...]

    @property
    def agreed(self) -> int:
        return sum(1 for match in self.matched if match.grade_agrees)

    def as_dict(self) -> dict:
        return {
            "predicted": self.predicted,
            "found": self.found,
            "matched": [match.as_dict() for match in self.matched],
            "grade_agreed": self.agreed,
            "missed": [finding.as_dict() for finding in self.missed],
            "unexpected": [finding.as_dict() for finding in self.unexpected],
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


@dataclass(frozen=True)
class Comparison:
    """The pure result of :func:`compare`."""

    matched: tuple[Match, ...]
    missed: tuple[Predicted, ...]
    unexpected: tuple[Recorded, ...]
    predicted_count: int
    found_count: int

    @property
    def agreed(self) -> int:
        return sum(1 for match in self.matched if match.grade_agrees)

    @property
    def precision(self) -> float | None:
        return _ratio(len(self.matched), self.predicted_count)

    @property
    def recall(self) -> float | None:
        return _ratio(len(self.matched), self.found_count)

    @property
    def grade_agreement(self) -> float | None:
        return _ratio(self.agreed, len(self.matched))

    def by_grade(self) -> list[GradeComparison]:
        rows = []
        for grade in GRADES:
            matched = tuple(m for m in self.matched if m.recorded.compared_grade == grade)
            missed = tuple(p for p in self.missed if p.grade == grade)
            unexpected = tuple(r for r in self.unexpected if r.compared_grade == grade)
            predicted = sum(1 for m in self.matched if m.predicted.grade == grade) + len(missed)
            rows.append(
                GradeComparison(
                    grade=grade,
                    predicted=predicted,
                    found=len(matched) + len(unexpected),
                    matched=matched,
                    missed=missed,
                    unexpected=unexpected,
                )
            )
        return rows


def _predicted_order(finding: Predicted) -> tuple:
    return (
        _RANK.get(finding.grade, 9),
        _reference_sort(finding.reference),
        finding.key,
        finding.subject,
        finding.title,
    )


def _reference_sort(reference: str) -> tuple:
    kind, text = normalise(reference)
    parts = []
    for part in text.removeprefix("A.").split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return ({"clause": 0, "control": 1, "annex": 2}[kind], tuple(parts), reference)


def _cites(finding: Predicted, recorded: Recorded) -> int | None:
    """How well ``finding`` cites the recorded reference, best first: 0 its lead reference as
    written, 1 its lead reference compared (see :func:`normalise`), 2 another reference as
    written, 3 another reference compared, 4 its lead reference is a sub-clause of the recorded
    clause (9.2.1 under 9.2), 5 another reference is; None when it does not cite it."""
    text = " ".join(recorded.reference.split())
    wanted = normalise(text)
    others = tuple(r for r in finding.references if r != finding.reference)
    if finding.reference == text:
        return 0
    if normalise(finding.reference) == wanted:
        return 1
    if text in others:
        return 2
    if any(normalise(reference) == wanted for reference in others):
        return 3
    if _within(finding.reference, wanted):
        return 4
    if any(_within(reference, wanted) for reference in others):
        return 5
    return None


def _within(reference: str, wanted: tuple[str, str]) -> bool:
    """A predicted sub-clause under the recorded clause: the CB wrote 9.2, we cited 9.2.1."""
    kind, clause = normalise(reference)
    return kind == wanted[0] == "clause" and clause.startswith(f"{wanted[1]}.")


def compare(findings, recorded) -> Comparison:
    """Pair predicted findings (mock-audit findings or :class:`Predicted`) with the recorded CB
    findings (:class:`Recorded`), one to one; see the module doc for the rules."""
    predicted = sorted(
        (f if isinstance(f, Predicted) else Predicted.from_finding(f) for f in findings),
        key=_predicted_order,
    )
    found = sorted(recorded, key=lambda r: r.ref)
    used: set[int] = set()
    pairs: dict[int, Match] = {}
    for same_grade in (True, False):
        for index, record in enumerate(found):
            if index in pairs:
                continue
            topic = words(record.statement)
            best: tuple[int, int, int] | None = None
            for position, finding in enumerate(predicted):
                if position in used:
                    continue
                if same_grade and finding.grade != record.compared_grade:
                    continue
                how = _cites(finding, record)
                if how is None:
                    continue
                rank = (how, -len(topic & finding.words), position)
                if best is None or rank < best:
                    best = rank
            if best is not None:
                used.add(best[2])
                pairs[index] = Match(predicted[best[2]], record)
    return Comparison(
        matched=tuple(pairs[index] for index in sorted(pairs)),
        missed=tuple(f for position, f in enumerate(predicted) if position not in used),
        unexpected=tuple(r for index, r in enumerate(found) if index not in pairs),
        predicted_count=len(predicted),
        found_count=len(found),
    )


def audit_point(audit: ExternalAudit) -> tuple[dt.date, int]:
    """The date and stage to run the mock audit at for ``audit``: the day it was held (else the
    day planned); stage 1 for a stage 1 audit, stage 2 for every other kind."""
    stage = 1 if audit.kind == ExternalAudit.Kind.STAGE_1 else 2
    return (audit.held_on or audit.planned_on, stage)


def recorded_findings(audit: ExternalAudit) -> list[Recorded]:
    """The CB findings recorded for ``audit``, in ref order."""
    rows = (
        ExternalAuditFinding.objects.filter(organisation_id=audit.organisation_id, audit=audit)
        .select_related("nonconformity")
        .order_by("ref")
    )
    return [
        Recorded(
            ref=row.ref,
            grade=row.grade,
            reference=row.reference,
            statement=row.statement,
            nonconformity=row.nonconformity.ref if row.nonconformity else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Calibration:
    """The mock audit's prediction compared with one external audit's recorded findings."""

    organisation: str
    audit: ExternalAudit
    as_of: dt.date
    stage: int
    comparison: Comparison
    notes: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> list[GradeComparison]:
        return self.comparison.by_grade()

    def as_dict(self) -> dict:
        comparison = self.comparison
        return {
            "schema_version": SCHEMA_VERSION,
            "self_assessment": True,
            "organisation": self.organisation,
            "external_audit": {
                "ref": self.audit.ref,
                "kind": self.audit.kind,
                "certification_body": self.audit.certification_body,
                "planned_on": self.audit.planned_on.isoformat(),
                "held_on": self.audit.held_on.isoformat() if self.audit.held_on else None,
            },
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "summary": {
                "predicted": comparison.predicted_count,
                "found": comparison.found_count,
                "matched": len(comparison.matched),
                "grade_agreed": comparison.agreed,
                "precision": comparison.precision,
                "recall": comparison.recall,
                "grade_agreement": comparison.grade_agreement,
            },
            "grades": {row.grade: row.as_dict() for row in self.rows},
            "notes": list(self.notes),
        }


def _count_notes(audit: ExternalAudit, recorded: list[Recorded]) -> tuple[str, ...]:
    """Where the audit's own counts (majors, minors, OFIs) differ from the findings recorded."""
    notes = []
    for grade, counted in (("major", audit.majors), ("minor", audit.minors), ("ofi", audit.ofis)):
        listed = sum(1 for r in recorded if r.compared_grade == grade)
        if listed != counted:
            notes.append(
                f"{audit.ref} records {counted} {grade} finding(s) but {listed} are listed in "
                "External audit findings"
            )
    return tuple(notes)


def calibrate(result, external_audit: ExternalAudit) -> Calibration:
    """Compare the mock-audit ``result`` with the findings recorded for ``external_audit``.

    The caller chooses the run; :func:`audit_point` gives the date and stage that make the
    comparison fair (the CLI always uses it)."""
    recorded = recorded_findings(external_audit)
    notes = _count_notes(external_audit, recorded)
    on, stage = audit_point(external_audit)
    if (result.as_of, result.stage) != (on, stage):
        notes += (
            f"the mock audit ran as of {result.as_of} at stage {result.stage}; "
            f"{external_audit.ref} was on {on} at stage {stage}",
        )
    return Calibration(
        organisation=external_audit.organisation.slug,
        audit=external_audit,
        as_of=result.as_of,
        stage=result.stage,
        comparison=compare(result.findings, recorded),
        notes=notes,
    )
