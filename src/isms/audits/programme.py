"""The internal audit programme (9.2): the cycle, what an audit covers, where each audit
stands, who audits it, and the checklist of sampled records.

This module holds what needs only the audits register and the catalogue. What needs other
registers lives one layer up, in :mod:`isms.loop.audit_programme`: the coverage matrix
(it reads the SoA), the independence check that guards :func:`set_auditor` (people,
processes, documents, the ISMS manager's own processes) and the drawing of samples
(operations, people). The mock-audit
rules AUD002-AUD006 use the same definitions, so the CLI, the API and the mock audit agree.

*The cycle* ending at a date D is the 36 months up to D; the *programme* at D is every audit
not cancelled that is planned in that cycle or in the 12 months after D (planned audits count
towards coverage, as they do for a certification auditor reviewing the programme).
"""

import csv
import datetime as dt
import hashlib
import io
import json
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction

from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.audits.nonconformities import TransitionRefused
from isms.catalog.models import Clause

#: The certification cycle the audit programme must cover.
PROGRAMME_MONTHS = 36

#: How far ahead planned audits still count as part of the current programme.
PLANNED_AHEAD_MONTHS = 12

#: Days after its planned start before an unfinished audit counts as overdue.
OVERDUE_GRACE_DAYS = 30

#: The default sampling period: the months before the audit's planned start.
SAMPLE_MONTHS = 12

Status = InternalAudit.Status
Kind = AuditChecklistItem.Kind


class AssignmentRefused(TransitionRefused):
    """An auditor cannot be assigned to this audit; the messages say why."""


@dataclass(frozen=True)
class Cycle:
    """The three-year cycle ending on ``end``; ``planned_until`` bounds the planned audits."""

    start: dt.date  # exclusive
    end: dt.date
    planned_until: dt.date

    @classmethod
    def ending(cls, as_of: dt.date) -> "Cycle":
        return cls(
            start=as_of - relativedelta(months=PROGRAMME_MONTHS),
            end=as_of,
            planned_until=as_of + relativedelta(months=PLANNED_AHEAD_MONTHS),
        )

    def describe(self) -> str:
        return (
            f"cycle {self.start + dt.timedelta(days=1)} to {self.end}, with audits planned up "
            f"to {self.planned_until}"
        )


def programme(organisation, as_of: dt.date, *, with_cancelled: bool = False):
    """The audits of the programme at ``as_of`` (see the module docstring)."""
    cycle = Cycle.ending(as_of)
    audits = InternalAudit.objects.filter(
        organisation=organisation,
        planned_on__gt=cycle.start,
        planned_on__lte=cycle.planned_until,
    )
    return audits if with_cancelled else audits.exclude(status=Status.CANCELLED)


def done_on(audit: InternalAudit) -> dt.date | None:
    """When a completed audit was done: its report date, else its planned start."""
    if audit.status != Status.COMPLETED:
        return None
    return audit.completed_on or audit.planned_on


def completed_by(audit: InternalAudit, as_of: dt.date) -> bool:
    """The audit was completed on or before ``as_of``."""
    done = done_on(audit)
    return done is not None and done <= as_of


def is_overdue(audit: InternalAudit, as_of: dt.date) -> bool:
    """Planned to start more than OVERDUE_GRACE_DAYS before ``as_of`` but not completed by
    then and not cancelled (the rule AUD004 reports these)."""
    if audit.status == Status.CANCELLED or completed_by(audit, as_of):
        return False
    return audit.planned_on < as_of - dt.timedelta(days=OVERDUE_GRACE_DAYS)


def requirement_clauses():
    """The requirement clauses the programme must cover: the 23 second-level clauses 4.1-10.2."""
    return Clause.objects.filter(parent__isnull=False, parent__parent__isnull=True).order_by(
        "sort_key"
    )


def clause_covered(requirement: str, listed: set[str]) -> bool:
    """A clause is covered when it, a clause above it (6 covers 6.1) or one below it (6.1.2
    counts for 6.1) is in scope."""
    return bool(matching_clauses(requirement, listed))


def matching_clauses(requirement: str, listed) -> list[str]:
    """The refs in ``listed`` that cover ``requirement`` (see :func:`clause_covered`)."""
    return sorted(
        ref
        for ref in listed
        if ref == requirement
        or requirement.startswith(ref + ".")
        or ref.startswith(requirement + ".")
    )


# The programme listing -------------------------------------------------------------------


def programme_rows(organisation, as_of: dt.date) -> list[dict]:
    """One row per audit of the programme (cancelled ones included, marked so), oldest first:
    status, dates, lead, team, scope size and whether it is overdue at ``as_of``."""
    audits = (
        programme(organisation, as_of, with_cancelled=True)
        .select_related("lead_auditor")
        .prefetch_related("team", "clauses", "controls", "departments", "processes")
        .order_by("planned_on", "ref")
    )
    rows = []
    for audit in audits:
        scope = {
            "clauses": len(audit.clauses.all()),
            "controls": len(audit.controls.all()),
            "departments": len(audit.departments.all()),
            "processes": len(audit.processes.all()),
        }
        rows.append(
            {
                "ref": audit.ref,
                "title": audit.title,
                "status": audit.status,
                "planned_on": audit.planned_on.isoformat(),
                "completed_on": audit.completed_on.isoformat() if audit.completed_on else None,
                "lead_auditor": audit.lead_auditor.email if audit.lead_auditor else None,
                "team": sorted(p.email for p in audit.team.all()),
                "scope_size": sum(scope.values()),
                "scope": scope,
                "overdue": is_overdue(audit, as_of),
            }
        )
    return rows


# Assigning auditors --------------------------------------------------------------------------


def assignment_problems(audit: InternalAudit, person, *, as_lead: bool, on: dt.date) -> list[str]:
    """Why ``person`` cannot join ``audit`` on ``on``, apart from independence (which
    :func:`isms.readiness.independence.independence_conflicts` judges)."""
    problems = []
    if audit.status in (Status.COMPLETED, Status.CANCELLED):
        problems.append(
            f"{audit.ref} is {audit.get_status_display().lower()}; auditors can be assigned "
            "only to planned or in-progress audits"
        )
    if person.leave_date is not None and person.leave_date < on:
        problems.append(
            f"{person.email} left the organisation on {person.leave_date} and cannot audit "
            f"{audit.ref}"
        )
    if not as_lead and audit.lead_auditor_id == person.pk:
        problems.append(
            f"{person.email} is the lead auditor of {audit.ref}; a lead is not also a team member"
        )
    return problems


@transaction.atomic
def set_auditor(audit: InternalAudit, person, *, as_lead: bool, on: dt.date) -> str:
    """Put ``person`` on ``audit`` as lead auditor or team member; returns what changed.

    Refuses what :func:`assignment_problems` reports but does NOT check independence: call
    :func:`isms.loop.audit_programme.assign_auditor`, which checks both.
    """
    problems = assignment_problems(audit, person, as_lead=as_lead, on=on)
    if problems:
        raise AssignmentRefused(problems)
    in_team = audit.team.filter(pk=person.pk).exists()
    if as_lead:
        if audit.lead_auditor_id == person.pk:
            return f"{person.email} is already the lead auditor of {audit.ref}"
        previous = audit.lead_auditor
        if in_team:
            audit.team.remove(person)
        audit.lead_auditor = person
        audit.save()
        change = f"{person.email} is now the lead auditor of {audit.ref}"
        return change + (f" (replacing {previous.email})" if previous else "")
    if in_team:
        return f"{person.email} is already on the audit team of {audit.ref}"
    audit.team.add(person)
    audit.save()  # a history row records when and by whom the team changed
    return f"{person.email} joined the audit team of {audit.ref}"


# Sampling -----------------------------------------------------------------------------------


def default_seed(audit_ref: str) -> int:
    """The seed used when none is given: derived from the audit's ref, so stable across runs,
    machines and Python versions."""
    return int.from_bytes(hashlib.sha256(audit_ref.encode()).digest()[:4], "big")


def sample_period(
    audit: InternalAudit, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period records are sampled from: by default the 12 months up to the audit's
    planned start (a fixed window, so the same data always gives the same sample)."""
    until = until or audit.planned_on
    since = since or until - relativedelta(months=SAMPLE_MONTHS) + dt.timedelta(days=1)
    if since > until:
        raise ValueError(f"the sampling period starts on {since}, after its end {until}")
    return since, until


def draw(keys: list[str], size: int, seed: int, kind: str) -> list[str]:
    """A reproducible random sample of ``size`` of ``keys``: the same keys, size, seed and kind
    always give the same sample, in the order drawn. Each kind has its own stream, so asking
    for more joiners does not change which suppliers are drawn."""
    population = sorted(set(keys))
    generator = random.Random(f"{seed}/{kind}")  # noqa: S311  (sampling, not security)
    return generator.sample(population, min(size, len(population)))


@dataclass(frozen=True)
class Line:
    """A checklist line to store: the sampled record's key, the question and what it tests."""

    record: str
    question: str
    reference: str


@dataclass
class Drawn:
    """What happened to one kind's checklist when a sample was stored."""

    kind: str
    requested: int
    available: int
    added: int = 0
    kept: int = 0
    removed: int = 0


@transaction.atomic
def store_sample(
    audit: InternalAudit, kind: str, lines: list[Line], seed: int, requested: int, available: int
) -> Drawn:
    """Make ``lines`` the drawn checklist of ``kind`` for ``audit``.

    New lines are added; lines already on the checklist keep their answers (an open one gets
    the current question text); open lines of an earlier draw that this draw did not pick are
    removed. Answered lines and lines added by hand (no seed) are never removed, so the same
    seed on the same data changes nothing, and no evidence is lost by drawing again.
    """
    result = Drawn(kind=kind, requested=requested, available=available)
    existing = {
        item.record: item for item in AuditChecklistItem.objects.filter(audit=audit, kind=kind)
    }
    wanted = {line.record for line in lines}
    for line in lines:
        item = existing.get(line.record)
        if item is None:
            AuditChecklistItem.objects.create(
                organisation=audit.organisation,
                audit=audit,
                kind=kind,
                record=line.record,
                question=line.question,
                reference=line.reference,
                seed=seed,
            )
            result.added += 1
            continue
        result.kept += 1
        if item.result == AuditChecklistItem.Result.OPEN and (
            item.question != line.question or item.reference != line.reference or item.seed != seed
        ):
            item.question, item.reference, item.seed = line.question, line.reference, seed
            item.save()
    for record, item in existing.items():
        if record in wanted or item.seed is None or item.result != AuditChecklistItem.Result.OPEN:
            continue
        item.delete()
        result.removed += 1
    return result


# The checklist --------------------------------------------------------------------------------

CHECKLIST_COLUMNS = (
    "audit",
    "kind",
    "record",
    "question",
    "reference",
    "result",
    "notes",
    "checked_by",
    "checked_on",
    "seed",
)


def checklist_rows(audit: InternalAudit) -> list[dict]:
    """The audit's checklist, by kind (in the order of :class:`Kind`) and record."""
    order = {value: index for index, value in enumerate(Kind.values)}
    items = sorted(
        AuditChecklistItem.objects.filter(audit=audit).select_related("checked_by"),
        key=lambda item: (order.get(item.kind, len(order)), item.record),
    )
    return [
        {
            "audit": audit.ref,
            "kind": item.kind,
            "record": item.record,
            "question": item.question,
            "reference": item.reference,
            "result": item.result or None,
            "notes": item.notes or None,
            "checked_by": item.checked_by.email if item.checked_by else None,
            "checked_on": item.checked_on.isoformat() if item.checked_on else None,
            "seed": item.seed,
        }
        for item in items
    ]


def render_checklist(audit: InternalAudit, rows: list[dict], fmt: str) -> str:
    """The checklist as ``markdown`` (a task list per kind), ``csv`` or ``json``."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CHECKLIST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row[k] is None else row[k] for k in CHECKLIST_COLUMNS})
        return out.getvalue()
    if fmt != "markdown":
        raise ValueError(f"unknown checklist format {fmt!r}: markdown, csv or json")
    lines = [f"# Audit checklist {audit.ref}: {audit.title}", ""]
    lead = audit.lead_auditor.email if audit.lead_auditor else "no lead auditor yet"
    lines += [f"Planned {audit.planned_on}; lead auditor {lead}; {len(rows)} item(s).", ""]
    if not rows:
        lines += ["No items yet: draw a sample with `isms audit sample`.", ""]
    labels = dict(Kind.choices)
    for index, row in enumerate(rows):
        if index == 0 or rows[index - 1]["kind"] != row["kind"]:
            lines += [f"## {labels.get(row['kind'], row['kind'])}", ""]
        box = "x" if row["result"] else " "
        reference = f" ({row['reference']})" if row["reference"] else ""
        lines.append(f"- [{box}] **{row['record']}**{reference}: {row['question']}")
        if row["result"]:
            by = f" by {row['checked_by']}" if row["checked_by"] else ""
            on = f" on {row['checked_on']}" if row["checked_on"] else ""
            notes = f": {row['notes']}" if row["notes"] else ""
            lines.append(f"  - Result: {row['result']}{by}{on}{notes}")
        if index == len(rows) - 1 or rows[index + 1]["kind"] != row["kind"]:
            lines.append("")
    seeds = sorted({row["seed"] for row in rows if row["seed"] is not None})
    if seeds:
        lines += [f"Drawn with seed {', '.join(str(s) for s in seeds)}."]
    return "\n".join(lines).rstrip() + "\n"
