"""Credit for a living system: how the organisation's own nonconformity log bears on a finding.

An NC of the log concerns a finding when
- its ``finding_subject`` ("Suppliers: Don Valley PCB Assembly Ltd") names a record of one of the
  finding's instances, with ``finding_code`` empty or equal to the issue or rule; or
- its ``finding_code`` names the finding's issue or one of its rules and ``finding_subject`` is
  empty (the NC covers the whole issue: this is how ``isms nc raise`` records it); or
- the NC itself is an instance (a rule observed the NC); or
- it was raised for an ownership major (``ESC001`` with "Departments: X" or "Processes: X") and
  the instance belongs to that department or process.

Each linked NC is in one state at the audit date (``LoggedNc.state``); ``judge`` turns the
states into the outcome the engine applies:

- ``credited``: every linked NC is being corrected on time and no instance has a direct security
  effect: the finding raises no new NC and is listed as positive evidence under 10.2;
- ``overdue``: a corrective action is past its due date: the finding becomes an NC on 10.2 naming
  the original issue;
- ``recurrence``: an NC about the same issue was verified effective, yet the problem is present:
  an NC on the original requirement that cites 10.2 too, and a candidate major;
- ``reopened``: an NC was closed without an effective verification and the problem is present;
- ``unplanned``: an NC was raised but has no root cause, corrective action or due date;
- ``none``: the log says nothing about it.
"""

import datetime as dt
from dataclasses import dataclass

from isms.readiness.consolidate import ISSUE
from isms.readiness.finding import NcLink, Observation, Subject

NC_TYPE = "Nonconformities"
#: The code of the engine's ownership major (credit sits below the engine, which imports it).
OWNERSHIP_CODE = "ESC001"


@dataclass(frozen=True)
class LoggedNc:
    ref: str
    code: str
    subject: Subject | None
    status: str
    raised_on: dt.date
    due_on: dt.date | None
    implemented_on: dt.date | None
    closed_on: dt.date | None
    effective: bool | None
    analysed: bool
    source: str = ""
    grade: str = ""

    def state(self, as_of: dt.date) -> str:
        if self.status == "closed" or (self.closed_on and self.closed_on <= as_of):
            return "closed_effective" if self.effective else "closed_unverified"
        if self.implemented_on and self.implemented_on <= as_of:
            return "on_time"  # done, waiting for its effectiveness check
        if self.due_on and self.due_on < as_of:
            return "overdue"
        if not self.analysed or self.due_on is None:
            return "unplanned"
        return "on_time"

    def link(self, as_of: dt.date) -> NcLink:
        return NcLink(self.ref, self.status, self.due_on, self.state(as_of))


def load_log(organisation, as_of: dt.date) -> list[LoggedNc]:
    """The NCs raised on or before the audit date (one query)."""
    from isms.audits.models import Nonconformity

    rows = Nonconformity.objects.filter(organisation=organisation, raised_on__lte=as_of).values(
        "ref",
        "finding_code",
        "finding_subject",
        "status",
        "raised_on",
        "due_on",
        "implemented_on",
        "closed_on",
        "effective",
        "root_cause",
        "corrective_action",
        "source",
        "grade",
    )
    return [
        LoggedNc(
            ref=row["ref"],
            code=row["finding_code"].strip(),
            subject=Subject.parse(row["finding_subject"]),
            status=row["status"],
            raised_on=row["raised_on"],
            due_on=row["due_on"],
            implemented_on=row["implemented_on"],
            closed_on=row["closed_on"] if row["closed_on"] and row["closed_on"] <= as_of else None,
            effective=row["effective"],
            analysed=bool(row["root_cause"].strip() and row["corrective_action"].strip()),
            source=row["source"],
            grade=row["grade"],
        )
        for row in sorted(rows, key=lambda r: r["ref"])
    ]


def record_links(log: list[LoggedNc], issue_of) -> dict[Subject, tuple[Subject, ...]]:
    """An observation of an NC also concerns the record the NC is about, or the whole issue
    when the NC names only a rule (``issue_of`` maps a rule code to its issue, or None)."""
    links = {}
    for nc in log:
        if nc.subject:
            links[Subject(NC_TYPE, nc.ref)] = (nc.subject,)
        elif nc.code and issue_of(nc.code):
            links[Subject(NC_TYPE, nc.ref)] = (Subject(ISSUE, issue_of(nc.code)),)
    return links


def covers(nc: LoggedNc, observation: Observation) -> bool:
    """Whether ``nc`` is about the problem ``observation`` shows (see the module docstring).

    An observation *of* the NC (its subject is the NC) is never covered by it: there the NC's
    own handling is the problem."""
    if observation.subject == Subject(NC_TYPE, nc.ref):
        return False
    if nc.code == OWNERSHIP_CODE and nc.subject is not None:
        # An NC raised for an ownership major covers the area's instances.
        return nc.subject in _areas(observation)
    if nc.subject is not None:
        return nc.subject in observation.records and nc.code in (
            "",
            observation.code,
            observation.issue,
        )
    return bool(nc.code) and nc.code in (observation.code, observation.issue)


class Index:
    """The log indexed by what links an NC to an observation, so that finding the NCs of a
    finding costs a few lookups per instance, however long the log."""

    def __init__(self, log: list[LoggedNc]):
        self.by_ref = {nc.ref: nc for nc in log}
        self.by_subject: dict[Subject, list[LoggedNc]] = {}
        self.by_code: dict[str, list[LoggedNc]] = {}
        for nc in log:
            if nc.subject is not None:
                self.by_subject.setdefault(nc.subject, []).append(nc)
            elif nc.code:
                self.by_code.setdefault(nc.code, []).append(nc)

    def linked(self, instances: list[Observation]) -> list[LoggedNc]:
        """The NCs that cover an instance or are themselves an instance, in log order."""
        found: dict[str, LoggedNc] = {}
        for observation in instances:
            candidates = [
                nc
                for record in (*observation.records, *_areas(observation))
                for nc in self.by_subject.get(record, ())
            ]
            candidates += self.by_code.get(observation.code, [])
            candidates += self.by_code.get(observation.issue, [])
            for nc in candidates:
                if covers(nc, observation):
                    found[nc.ref] = nc
            for record in observation.records:
                if record.type == NC_TYPE and record.key in self.by_ref:
                    found[record.key] = self.by_ref[record.key]
        return [found[ref] for ref in sorted(found)]


def _areas(observation: Observation) -> tuple[Subject, ...]:
    """The department and process of an observation, as an ownership NC names them."""
    areas = (("Departments", observation.department), ("Processes", observation.process))
    return tuple(Subject(kind, value) for kind, value in areas if value)


@dataclass(frozen=True)
class Judgement:
    outcome: str
    ncs: tuple[LoggedNc, ...]
    #: The NC that decides the outcome (the effective one of a recurrence, the overdue one).
    decisive: LoggedNc | None = None
    #: Instances the organisation is correcting on time (moved to the credited list).
    credited: tuple[Observation, ...] = ()
    #: Whether every remaining instance is covered by the decisive NC.
    whole: bool = False


def judge(ncs: list[LoggedNc], instances: list[Observation], as_of: dt.date) -> Judgement:
    if not ncs:
        return Judgement("none", ())
    states = {nc.ref: nc.state(as_of) for nc in ncs}
    problems = [o for o in instances if o.subject.type != NC_TYPE]

    def covering(observation, *wanted):
        return [nc for nc in ncs if states[nc.ref] in wanted and covers(nc, observation)]

    effective = [nc for o in problems for nc in covering(o, "closed_effective")]
    if effective:
        # The problem is present again although an action on it was verified effective.
        return Judgement("recurrence", tuple(ncs), effective[-1], whole=True)
    credited = tuple(
        o
        for o in instances
        if not o.effect
        and covering(o, "on_time")
        and not covering(o, "overdue", "unplanned", "closed_unverified")
    )
    remaining = [o for o in instances if o not in credited]
    if not remaining:
        decisive = next(nc for nc in ncs if states[nc.ref] == "on_time")
        return Judgement("credited", tuple(ncs), decisive, credited, whole=True)
    overdue = [nc for nc in ncs if states[nc.ref] == "overdue"]
    if overdue and any(o.subject.type != NC_TYPE for o in remaining):
        nc = overdue[0]
        whole = all(covers(nc, o) or o.subject == Subject(NC_TYPE, nc.ref) for o in remaining)
        return Judgement("overdue", tuple(ncs), nc, credited, whole)
    reopened = [nc for o in remaining for nc in covering(o, "closed_unverified")]
    if reopened:
        return Judgement("reopened", tuple(ncs), reopened[-1], credited)
    unplanned = [nc for o in remaining for nc in covering(o, "unplanned")]
    if unplanned:
        return Judgement("unplanned", tuple(ncs), unplanned[0], credited)
    return Judgement("none", tuple(ncs), None, credited)


def open_cb_minor(ncs, as_of: dt.date) -> LoggedNc | None:
    """A minor the certification body raised that is not closed: at surveillance, a major."""
    return next(
        (
            nc
            for nc in ncs
            if nc.source == "external_audit"
            and nc.grade == "minor"
            and not nc.state(as_of).startswith("closed")
        ),
        None,
    )
