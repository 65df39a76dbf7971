"""The internal audit programme where it needs several registers: the coverage matrix (SoA),
assigning auditors who are independent of the audit's scope (their department, processes they
own, documents they wrote or approved, the ISMS processes they run) and sampling records for an
audit's checklist (operations, people).

The independence conflicts are defined once, in
:func:`isms.readiness.independence.independence_conflicts`: ``isms audit assign`` refuses an
assignment that has one, and the mock-audit rule AUD006 reports audits of the programme that have
one. The programme window and the clause-coverage rule come from :mod:`isms.audits.programme`,
which the rules AUD002-AUD004 use too, so the matrix's gaps are exactly what the mock audit
reports.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.audits.programme import (
    AssignmentRefused,
    Cycle,
    Drawn,
    Line,
    assignment_problems,
    completed_by,
    default_seed,
    done_on,
    draw,
    is_overdue,
    matching_clauses,
    programme,
    requirement_clauses,
    sample_period,
    set_auditor,
    store_sample,
)
from isms.controls.models import SoAEntry
from isms.operations.models import AccessReview, Account, Incident, Supplier
from isms.people.models import Person, TrainingCompletion
from isms.readiness.independence import independence_conflicts

Kind = AuditChecklistItem.Kind

# Coverage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """One audit covering a clause or control."""

    audit: str
    title: str
    state: str  # "completed" (by the date) or "planned" (planned or in progress)
    on: dt.date  # the report date when completed, else the planned start
    via: tuple[str, ...] = ()  # for clauses: the refs listed on the audit that cover it
    overdue: bool = False  # planned, but its start is past (see isms.audits.programme)

    @property
    def label(self) -> str:
        return self.audit + (" (overdue)" if self.overdue else "")


@dataclass
class CoverageRow:
    kind: str  # "clause" or "control"
    ref: str
    title: str
    group: str  # the top clause ("9 Performance evaluation") or the control's theme
    audits: list[Cover] = field(default_factory=list)

    @property
    def status(self) -> str:
        """covered (by a completed audit), planned (only by planned audits) or uncovered."""
        if any(cover.state == "completed" for cover in self.audits):
            return "covered"
        return "planned" if self.audits else "uncovered"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "title": self.title,
            "group": self.group,
            "status": self.status,
            "completed": [c.label for c in self.audits if c.state == "completed"],
            "planned": [c.label for c in self.audits if c.state == "planned"],
            "audits": [
                {
                    "ref": c.audit,
                    "title": c.title,
                    "state": c.state,
                    "on": c.on.isoformat(),
                    "via": list(c.via),
                    "overdue": c.overdue,
                }
                for c in self.audits
            ],
        }


@dataclass
class Coverage:
    as_of: dt.date
    cycle: Cycle
    audits: list[str]
    rows: list[CoverageRow]

    def of(self, kind: str) -> list[CoverageRow]:
        return [row for row in self.rows if row.kind == kind]

    def uncovered(self, kind: str) -> list[str]:
        return [row.ref for row in self.of(kind) if row.status == "uncovered"]

    def summary(self) -> dict:
        result = {}
        for kind in ("clause", "control"):
            rows = self.of(kind)
            counts = {status: 0 for status in ("covered", "planned", "uncovered")}
            for row in rows:
                counts[row.status] += 1
            result[kind + "s"] = {"total": len(rows), **counts, "left": self.uncovered(kind)}
        return result

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "cycle": {
                "start": (self.cycle.start + dt.timedelta(days=1)).isoformat(),
                "end": self.cycle.end.isoformat(),
                "planned_until": self.cycle.planned_until.isoformat(),
            },
            "audits": self.audits,
            "summary": self.summary(),
            "rows": [row.as_dict() for row in self.rows],
        }


def coverage_matrix(organisation, as_of: dt.date) -> Coverage:
    """Which audit of the programme at ``as_of`` covers each requirement clause (4.1-10.2)
    and each control the SoA marks applicable, and what is left uncovered.

    Clauses are listed at the second level (4.1 ... 10.2, the 23 requirements the programme
    must cover, as rule AUD002 counts them): an audit listing a top clause (9) covers all of
    its sub-clauses, one listing a deeper clause (9.2.2) counts for its parent (9.2), and
    ``via`` says which listed clause did it. Controls must be listed themselves.
    """
    cycle = Cycle.ending(as_of)
    audits = list(
        programme(organisation, as_of)
        .prefetch_related("clauses", "controls")
        .order_by("planned_on", "ref")
    )

    def cover(audit, via=()) -> Cover:
        completed = completed_by(audit, as_of)
        return Cover(
            audit=audit.ref,
            title=audit.title,
            state="completed" if completed else "planned",
            on=done_on(audit) if completed else audit.planned_on,
            via=tuple(via),
            overdue=is_overdue(audit, as_of),
        )

    rows = []
    tops = {}
    for clause in requirement_clauses().select_related("parent"):
        top = clause.parent
        tops.setdefault(top.ref, f"{top.ref} {top.title}")
        row = CoverageRow("clause", clause.ref, clause.title, tops[top.ref])
        for audit in audits:
            via = matching_clauses(clause.ref, {c.ref for c in audit.clauses.all()})
            if via:
                row.audits.append(cover(audit, via))
        rows.append(row)
    applicable = (
        SoAEntry.objects.filter(organisation=organisation, applicable=True)
        .select_related("control")
        .order_by("control__sort_key")
    )
    for entry in applicable:
        control = entry.control
        row = CoverageRow("control", control.ref, control.title, control.theme)
        for audit in audits:
            if any(c.pk == control.pk for c in audit.controls.all()):
                row.audits.append(cover(audit))
        rows.append(row)
    return Coverage(as_of=as_of, cycle=cycle, audits=[a.ref for a in audits], rows=rows)


# Assignment ----------------------------------------------------------------------------------


@transaction.atomic
def assign_auditor(
    audit: InternalAudit, person: Person, as_lead: bool, on: dt.date | None = None
) -> str:
    """Assign ``person`` to ``audit`` as lead auditor (``as_lead``) or team member, unless they
    are not independent of its scope (see
    :func:`~isms.readiness.independence.independence_conflicts`, judged at ``on``, default today)
    or cannot audit at all (a completed or cancelled audit, a leaver).

    Raises :class:`~isms.audits.programme.AssignmentRefused` listing every reason; returns a
    sentence saying what changed."""
    on = on or timezone.localdate()
    problems = assignment_problems(audit, person, as_lead=as_lead, on=on)
    current = InternalAudit.objects.get(pk=audit.pk)  # the scope as stored now, not as cached
    conflicts = independence_conflicts(audit.organisation, [(current, person)], on)
    problems += [conflict.reason for conflict in conflicts]
    if problems:
        raise AssignmentRefused(problems)
    return set_auditor(audit, person, as_lead=as_lead, on=on)


# Sampling ------------------------------------------------------------------------------------

#: Days after the start date within which a joiner's awareness training is expected.
JOINER_TRAINING_DAYS = 30


@dataclass
class Sample:
    """The outcome of one draw for an audit."""

    audit: str
    seed: int
    since: dt.date
    until: dt.date
    kinds: list[Drawn]

    def as_dict(self) -> dict:
        return {
            "audit": self.audit,
            "seed": self.seed,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "kinds": [
                {
                    "kind": d.kind,
                    "requested": d.requested,
                    "available": d.available,
                    "drawn": min(d.requested, d.available),
                    "added": d.added,
                    "kept": d.kept,
                    "removed": d.removed,
                }
                for d in self.kinds
            ],
        }


def sample_audit(
    audit: InternalAudit,
    counts: dict[str, int],
    *,
    seed: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Sample:
    """Draw, for each kind in ``counts`` (access_review, joiner, leaver, supplier, incident),
    that many records of the sampling period and store them as ``audit``'s checklist.

    The population of each kind, sorted by its key, is:
      access_review: access reviews completed in the period;
      joiner / leaver: people who started / left in the period, of the audited departments
        when the audit names departments;
      supplier: suppliers whose contract, if dated, was signed by the end of the period;
      incident: events, near misses and incidents reported in the period.
    The seed (default: derived from the audit's ref) makes the draw reproducible; storing it
    again changes nothing (see :func:`isms.audits.programme.store_sample`).
    """
    unknown = sorted(set(counts) - set(SAMPLERS))
    if unknown:
        raise ValueError(f"cannot sample {', '.join(unknown)}: one of {', '.join(SAMPLERS)}")
    negative = sorted(kind for kind, size in counts.items() if size < 0)
    if negative:
        raise ValueError(f"sample sizes must be 0 or more: {', '.join(negative)}")
    seed = default_seed(audit.ref) if seed is None else seed
    if not 0 <= seed < 2**63:
        raise ValueError(f"the seed must be a whole number from 0 to {2**63 - 1}, not {seed}")
    since, until = sample_period(audit, since, until)
    results = []
    with transaction.atomic():
        for kind in SAMPLERS:
            if kind not in counts:
                continue
            population = SAMPLERS[kind](audit, since, until)
            picked = draw(list(population), counts[kind], seed, kind)
            lines = [QUESTIONS[kind](population[key], key, since, until) for key in picked]
            results.append(store_sample(audit, kind, lines, seed, counts[kind], len(population)))
    return Sample(audit=audit.ref, seed=seed, since=since, until=until, kinds=results)


def _audited_departments(audit) -> set[int]:
    return set(audit.departments.values_list("pk", flat=True))


def _access_reviews(audit, since, until) -> dict:
    reviews = AccessReview.objects.filter(
        organisation=audit.organisation, reviewed_on__range=(since, until)
    ).select_related("system", "reviewer")
    return {f"{review.system.name} {review.reviewed_on}": review for review in reviews}


def _people(audit, **period) -> dict:
    people = Person.objects.filter(organisation=audit.organisation, **period).select_related(
        "department", "manager"
    )
    departments = _audited_departments(audit)
    if departments:
        people = people.filter(department__in=departments)
    return {person.email: person for person in people}


def _joiners(audit, since, until) -> dict:
    return _people(audit, start_date__range=(since, until))


def _leavers(audit, since, until) -> dict:
    return _people(audit, leave_date__range=(since, until))


def _suppliers(audit, since, until) -> dict:
    suppliers = Supplier.objects.filter(organisation=audit.organisation).filter(
        Q(contract_signed_on=None) | Q(contract_signed_on__lte=until)
    )
    return {supplier.name: supplier for supplier in suppliers.select_related("owner")}


def _incidents(audit, since, until) -> dict:
    incidents = Incident.objects.filter(
        organisation=audit.organisation, reported_on__range=(since, until)
    )
    return {incident.ref: incident for incident in incidents}


SAMPLERS = {
    Kind.ACCESS_REVIEW.value: _access_reviews,
    Kind.JOINER.value: _joiners,
    Kind.LEAVER.value: _leavers,
    Kind.SUPPLIER.value: _suppliers,
    Kind.INCIDENT.value: _incidents,
}


def _access_review_question(review, key, since, until) -> Line:
    reviewer = review.reviewer.email if review.reviewer else "no recorded reviewer"
    return Line(
        key,
        f"Access review of {review.system.name} on {review.reviewed_on} by {reviewer} "
        f"({review.accounts_reviewed} accounts reviewed, {review.accounts_removed} removed): "
        "are removals traceable to tickets and done in the system? Was every account checked "
        "against current staff and their roles?",
        "5.15, 5.18",
    )


def _joiner_question(person, key, since, until) -> Line:
    department = f", {person.department.name}" if person.department else ""
    deadline = person.start_date + dt.timedelta(days=JOINER_TRAINING_DAYS)
    trained = (
        TrainingCompletion.objects.filter(
            person=person, completed_on__range=(person.start_date, deadline)
        )
        .order_by("completed_on")
        .first()
    )
    record = (
        f"training records show {trained.course.name} on {trained.completed_on}"
        if trained
        else f"training records show nothing by {deadline}"
    )
    return Line(
        key,
        f"Joiner {person.name} ({person.email}{department}) started {person.start_date}: "
        "screening evidence before the start? Terms and conditions with security "
        f"responsibilities signed? Awareness training within {JOINER_TRAINING_DAYS} days "
        f"({record})? Access requested and approved before accounts were created?",
        "6.1, 6.2, 6.3, 5.18",
    )


def _leaver_question(person, key, since, until) -> Line:
    active = sorted(
        Account.objects.filter(person=person, is_active=True).values_list("system__name", flat=True)
    )
    accounts = (
        f"registers still show active accounts on {', '.join(active)}"
        if active
        else "registers show no active account"
    )
    return Line(
        key,
        f"Leaver {person.name} ({person.email}) left on {person.leave_date}: every account "
        f"disabled by the last day ({accounts})? Equipment and information returned? "
        "Remaining confidentiality duties communicated?",
        "5.11, 5.18, 6.5",
    )


def _supplier_question(supplier, key, since, until) -> Line:
    contract = supplier.contract_reference or "none recorded"
    result = (supplier.get_last_assessment_result_display() or "no result recorded").lower()
    assessed = f"{supplier.last_assessed_on}, {result}" if supplier.last_assessed_on else "never"
    frequency = supplier.get_review_frequency_display().lower() or "no frequency set"
    cloud = (
        " As a cloud service: are exit, data location and shared responsibilities agreed?"
        if supplier.is_cloud_service
        else ""
    )
    return Line(
        key,
        f"Supplier {supplier.name} ({supplier.get_tier_display().lower()} tier; "
        f"{supplier.service}; {supplier.get_data_access_display().lower()}): does the contract "
        f"({contract}) carry the security requirements? Was it assessed as often as required "
        f"({frequency}; last assessed {assessed}) and were its findings followed up?" + cloud,
        "5.19, 5.20, 5.22" + (", 5.23" if supplier.is_cloud_service else ""),
    )


def _incident_question(incident, key, since, until) -> Line:
    closed = f"closed {incident.closed_on}" if incident.closed_on else "still open"
    return Line(
        key,
        f"{incident.get_kind_display()} {incident.ref} ({incident.get_severity_display().lower()}"
        f" severity, reported {incident.reported_on}, {closed}): {incident.title}. Was it "
        "assessed and classified, handled by the documented procedure, its evidence kept, and "
        "its root cause and lessons learned recorded and acted on?",
        "5.24, 5.25, 5.26, 5.27, 5.28",
    )


QUESTIONS = {
    Kind.ACCESS_REVIEW.value: _access_review_question,
    Kind.JOINER.value: _joiner_question,
    Kind.LEAVER.value: _leaver_question,
    Kind.SUPPLIER.value: _supplier_question,
    Kind.INCIDENT.value: _incident_question,
}
