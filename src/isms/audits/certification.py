"""The certification cycle with the certification body, computed from the external audits.

ISO/IEC 17021-1 practice, as DOMAIN.md describes it:

- a **certification decision** follows a stage 2 (or a recertification) audit that recommended
  certification: its date is ``decision_on`` when recorded, else the day the audit was held;
- the **certificate** is valid three years: ``certificate_expires_on`` when recorded, else three
  years after the decision less a day; a recertification decided before the old certificate
  expires continues it (new expiry = old expiry + three years);
- **surveillance** audits: at least one each calendar year of the cycle (from the year after the
  decision to the year before the expiry), the first within 12 months of the decision;
- **recertification**: a recertification audit held before the certificate expires. Its decision
  starts the next cycle, and the surveillance schedule starts again from that decision.

:func:`certification_status` is a pure function of ExternalAudit rows and an as-of date: it
never queries or writes, so it can be tested on unsaved rows. A surveillance or recertification
audit counts for a calendar year when it was *held* in that year (by the as-of date); one that is
only planned is shown as planned. The functions at the end (decision, appeal) are the writes,
with :class:`~isms.audits.nonconformities.TransitionRefused` saying why a step is not allowed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.db import transaction

from isms.audits.models import ExternalAudit
from isms.audits.nonconformities import TransitionRefused

VALIDITY_YEARS = 3
FIRST_SURVEILLANCE_MONTHS = 12
#: A major at stage 2 must be closed within this many months or stage 2 is repeated.
MAJOR_CLOSURE_MONTHS = 6

Kind = ExternalAudit.Kind
DECIDING = (Kind.STAGE_2, Kind.RECERTIFICATION)
CYCLE_AUDITS = (Kind.SURVEILLANCE, Kind.RECERTIFICATION)


class State(StrEnum):
    NOT_CERTIFIED = "not_certified"
    CERTIFIED = "certified"
    AT_RISK = "at_risk"  # certified, but a surveillance audit is overdue (suspension risk)
    EXPIRED = "expired"


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    MISSED = "missed"  # not done in a cycle that has ended


@dataclass(frozen=True)
class Requirement:
    """One audit the cycle needs: a surveillance year, the recertification, a stage 2."""

    name: str
    due_on: dt.date
    status: Status
    audit: str | None = None
    done_on: dt.date | None = None
    planned_on: dt.date | None = None
    late: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        """The status in words: 'done on …', 'due on …', 'overdue since …', 'missed …'."""
        if self.status is Status.DONE:
            return f"done on {self.done_on}" + (" (late)" if self.late else "")
        if self.status is Status.DUE:
            return f"due on {self.due_on}"
        if self.status is Status.OVERDUE:
            return f"overdue since {self.due_on}"
        return f"missed (due {self.due_on})"


@dataclass(frozen=True)
class Cycle:
    """Three years of one certificate, from its decision to its expiry or its renewal."""

    number: int
    decided_by: str
    decision_kind: str  # "initial" (stage 2) or "recertification"
    decision_on: dt.date
    expires_on: dt.date
    expiry_recorded: bool
    ended_on: dt.date | None
    outcome: str
    requirements: tuple[Requirement, ...]
    audits: tuple[str, ...]


@dataclass(frozen=True)
class Appeal:
    ref: str
    raised_on: dt.date | None
    appeal: str
    outcome: str
    outcome_note: str
    resolved_on: dt.date | None

    @property
    def open(self) -> bool:
        return not self.outcome


@dataclass(frozen=True)
class CertificationStatus:
    as_of: dt.date
    state: State
    summary: str
    current: Cycle | None
    cycles: tuple[Cycle, ...]
    next_due: tuple[Requirement, ...]
    notes: tuple[str, ...]
    appeals: tuple[Appeal, ...]

    @property
    def next_due_on(self) -> dt.date | None:
        return self.next_due[0].due_on if self.next_due else None

    def as_dict(self) -> dict:
        """Plain JSON-ready data (dates as ISO strings); the shape of ``--format json``."""
        data = _plain(self)
        data["next_due_on"] = _plain(self.next_due_on)
        return data


def _plain(value):
    if is_dataclass(value):
        data = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, Requirement):
            data["text"] = value.text
        if isinstance(value, Appeal):
            data["open"] = value.open
        return data
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


# -- dates of audits --------------------------------------------------------------------------


def audit_date(audit: ExternalAudit) -> dt.date:
    """When the audit happened or is expected: the day held, else the planned day."""
    return audit.held_on or audit.planned_on


def _held(audit: ExternalAudit, as_of: dt.date) -> bool:
    return audit.held_on is not None and audit.held_on <= as_of


def decision_date(audit: ExternalAudit, as_of: dt.date) -> dt.date | None:
    """The day ``audit`` led to a certification decision known by ``as_of``, or None.

    A stage 2 or recertification audit held by then decides when it recommended certification,
    recorded a decision date, or recorded a certificate expiry; not when ``recommended`` is
    no."""
    if audit.kind not in DECIDING or not _held(audit, as_of) or audit.recommended is False:
        return None
    if audit.recommended is None and not (audit.decision_on or audit.certificate_expires_on):
        return None
    day = audit.decision_on or audit.held_on
    return day if day <= as_of else None


def default_expiry(decision_on: dt.date, *, continues: dt.date | None = None) -> dt.date:
    """Three years from the decision less a day, or three years after ``continues`` (the
    expiry of the certificate a timely recertification renews)."""
    if continues is not None:
        return continues + relativedelta(years=VALIDITY_YEARS)
    return decision_on + relativedelta(years=VALIDITY_YEARS) - dt.timedelta(days=1)


# -- the computation --------------------------------------------------------------------------


def certification_status(audits: Iterable[ExternalAudit], as_of: dt.date) -> CertificationStatus:
    """The certification cycle(s) as of ``as_of``: state, every cycle's requirements with their
    status, the next due dates, notes and appeals."""
    audits = sorted(audits, key=lambda a: (audit_date(a), a.ref))
    decisions = sorted(
        ((day, audit) for audit in audits if (day := decision_date(audit, as_of))),
        key=lambda pair: (pair[0], pair[1].ref),
    )
    cycles: list[Cycle] = []
    for index, (day, audit) in enumerate(decisions):
        following = decisions[index + 1] if index + 1 < len(decisions) else None
        cycles.append(_cycle(index + 1, day, audit, following, cycles, audits, as_of))

    current = cycles[-1] if cycles else None
    notes: list[str] = []
    if current is None:
        state = State.NOT_CERTIFIED
        next_due = _initial_steps(audits, as_of, notes)
    elif as_of > current.expires_on:
        state = State.EXPIRED
        next_due = _initial_steps(
            [a for a in audits if audit_date(a) > current.decision_on], as_of, notes
        )
        next_due = [r for r in current.requirements if r.status is not Status.DONE] + next_due
    else:
        overdue = [r for r in current.requirements if r.status is Status.OVERDUE]
        state = State.AT_RISK if overdue else State.CERTIFIED
        next_due = [r for r in current.requirements if r.status is not Status.DONE]
        for audit in audits:
            if (
                audit.kind in (Kind.STAGE_1, Kind.STAGE_2)
                and not _held(audit, as_of)
                and audit_date(audit) > current.decision_on
            ):
                notes.append(
                    f"{audit.get_kind_display()} {audit.ref} is planned on {audit_date(audit)}: "
                    "a new initial certification, outside this cycle."
                )
    next_due.sort(key=lambda r: (r.due_on, r.name))
    appeals = tuple(
        Appeal(
            ref=a.ref,
            raised_on=a.appeal_raised_on,
            appeal=a.appeal,
            outcome=a.appeal_outcome,
            outcome_note=a.appeal_outcome_note,
            resolved_on=a.appeal_resolved_on,
        )
        for a in sorted(audits, key=lambda a: (a.appeal_raised_on or audit_date(a), a.ref))
        if (a.appeal or "").strip()
    )
    for appeal in appeals:
        if appeal.open:
            notes.append(f"Appeal on {appeal.ref} raised on {appeal.raised_on} is still open.")
    return CertificationStatus(
        as_of=as_of,
        state=state,
        summary=_summary(state, current, next_due, as_of),
        current=current,
        cycles=tuple(cycles),
        next_due=tuple(next_due),
        notes=tuple(notes),
        appeals=appeals,
    )


def _cycle(number, day, audit, following, earlier: list[Cycle], audits, as_of) -> Cycle:
    previous = earlier[-1] if earlier else None
    if audit.certificate_expires_on:
        expires = audit.certificate_expires_on
    else:
        renews = (
            previous.expires_on
            if audit.kind == Kind.RECERTIFICATION and previous and day <= previous.expires_on
            else None
        )
        expires = default_expiry(day, continues=renews)
    end, successor = following if following else (None, None)
    window = [
        a
        for a in audits
        if a.kind in CYCLE_AUDITS
        and audit_date(a) > day
        and (end is None or audit_date(a) < end or a is successor)
    ]
    judged_on = min(as_of, end) if end else as_of
    requirements = _surveillance(day, expires, window, as_of, judged_on)
    requirements.append(_recertification(expires, window, successor, as_of, judged_on))
    if end is not None:
        # Once the cycle ended, what fell due after its end no longer applies.
        requirements = [
            r if r.status is Status.DONE else _missed(r)
            for r in requirements
            if r.status is Status.DONE or r.due_on < end
        ]
    if successor is None:
        outcome = "lapsed" if as_of > expires else "current"
    elif end <= expires:
        outcome = f"recertified by {successor.ref} on {end}"
    else:
        outcome = f"lapsed on {expires}; certified again by {successor.ref} on {end}"
    return Cycle(
        number=number,
        decided_by=audit.ref,
        decision_kind="initial" if audit.kind == Kind.STAGE_2 else "recertification",
        decision_on=day,
        expires_on=expires,
        expiry_recorded=audit.certificate_expires_on is not None,
        ended_on=end,
        outcome=outcome,
        requirements=tuple(requirements),
        audits=tuple(a.ref for a in window),
    )


def _missed(requirement: Requirement) -> Requirement:
    return Requirement(
        name=requirement.name,
        due_on=requirement.due_on,
        status=Status.MISSED,
        audit=requirement.audit,
        planned_on=requirement.planned_on,
        note=requirement.note,
    )


def _open_status(due_on: dt.date, judged_on: dt.date) -> Status:
    return Status.OVERDUE if judged_on > due_on else Status.DUE


def _planned_note(
    upcoming: list[ExternalAudit], as_of: dt.date
) -> tuple[str | None, dt.date | None, str]:
    if not upcoming:
        return None, None, "none planned"
    audit = upcoming[0]
    when = audit_date(audit)
    if when < as_of:
        return audit.ref, when, f"{audit.ref} was planned on {when} but is not recorded as held"
    return audit.ref, when, f"{audit.ref} planned on {when}"


def _surveillance(day, expires, window, as_of, judged_on) -> list[Requirement]:
    held = sorted((a for a in window if _held(a, as_of)), key=lambda a: (a.held_on, a.ref))
    upcoming = [a for a in window if not _held(a, as_of)]
    requirements = []
    early = [a for a in held if a.held_on.year == day.year]
    if early:
        requirements.append(
            Requirement(
                name=f"Surveillance {day.year} (first)",
                due_on=day + relativedelta(months=FIRST_SURVEILLANCE_MONTHS),
                status=Status.DONE,
                audit=early[0].ref,
                done_on=early[0].held_on,
            )
        )
    for year in range(day.year + 1, expires.year):
        first = year == day.year + 1 and not early
        due = (
            day + relativedelta(months=FIRST_SURVEILLANCE_MONTHS)
            if first
            else dt.date(year, 12, 31)
        )
        name = f"Surveillance {year}" + (" (first)" if first else "")
        in_year = [a for a in held if a.held_on.year == year]
        if in_year:
            audit = in_year[0]
            late = audit.held_on > due
            requirements.append(
                Requirement(
                    name=name,
                    due_on=due,
                    status=Status.DONE,
                    audit=audit.ref,
                    done_on=audit.held_on,
                    late=late,
                    note=(
                        f"held {(audit.held_on - due).days} days after the 12-month limit"
                        if late
                        else ""
                    ),
                )
            )
            continue
        ref, planned_on, note = _planned_note(
            [a for a in upcoming if audit_date(a).year == year], as_of
        )
        requirements.append(
            Requirement(
                name=name,
                due_on=due,
                status=_open_status(due, judged_on),
                audit=ref,
                planned_on=planned_on,
                note=note,
            )
        )
    return requirements


def _recertification(expires, window, successor, as_of, judged_on) -> Requirement:
    name = "Recertification"
    if successor is not None and successor.kind == Kind.RECERTIFICATION:
        late = successor.held_on > expires
        return Requirement(
            name=name,
            due_on=expires,
            status=Status.DONE,
            audit=successor.ref,
            done_on=successor.held_on,
            late=late,
            note="held after the expiry: the certificate lapsed in between" if late else "",
        )
    recerts = [a for a in window if a.kind == Kind.RECERTIFICATION]
    held = [a for a in recerts if _held(a, as_of)]
    if held:
        audit = max(held, key=lambda a: (a.held_on, a.ref))
        if audit.recommended is not False:
            late = audit.held_on > expires
            return Requirement(
                name=name,
                due_on=expires,
                status=Status.DONE,
                audit=audit.ref,
                done_on=audit.held_on,
                late=late,
                note="held; the body's decision is pending"
                + ("; held after the expiry" if late else ""),
            )
        note = f"{audit.ref} ({audit.held_on}) did not recommend recertification"
        return Requirement(
            name=name,
            due_on=expires,
            status=_open_status(expires, judged_on),
            audit=audit.ref,
            note=note,
        )
    ref, planned_on, note = _planned_note(
        sorted((a for a in recerts if not _held(a, as_of)), key=audit_date), as_of
    )
    if planned_on is not None and planned_on > expires:
        note += f", after the expiry on {expires}"
    return Requirement(
        name=name,
        due_on=expires,
        status=_open_status(expires, judged_on),
        audit=ref,
        planned_on=planned_on,
        note=note,
    )


def _initial_steps(audits, as_of: dt.date, notes: list[str]) -> list[Requirement]:
    """Before (re-)certification: the stage 1 and stage 2 audits still to come, and where a held
    stage 2 stands."""
    steps = []
    for kind, label in ((Kind.STAGE_1, "Stage 1"), (Kind.STAGE_2, "Stage 2")):
        upcoming = [a for a in audits if a.kind == kind and not _held(a, as_of)]
        if upcoming:
            audit = upcoming[0]
            when = audit_date(audit)
            steps.append(
                Requirement(
                    name=label,
                    due_on=when,
                    status=_open_status(when, as_of),
                    audit=audit.ref,
                    planned_on=when,
                    note=(
                        f"{audit.ref} planned with {audit.certification_body}"
                        if when >= as_of
                        else f"{audit.ref} was planned on {when} but is not recorded as held"
                    ),
                )
            )
    stage2s = [a for a in audits if a.kind == Kind.STAGE_2 and _held(a, as_of)]
    if stage2s:
        last = max(stage2s, key=lambda a: (a.held_on, a.ref))
        if last.recommended is False:
            deadline = last.held_on + relativedelta(months=MAJOR_CLOSURE_MONTHS)
            steps.append(
                Requirement(
                    name="Close the stage 2 major nonconformities",
                    due_on=deadline,
                    status=_open_status(deadline, as_of),
                    audit=last.ref,
                    note=(
                        f"{last.ref} ({last.held_on}) did not recommend certification "
                        f"({last.majors} major); the body must verify their correction and "
                        "corrective action, or stage 2 is repeated"
                    ),
                )
            )
        elif decision_date(last, as_of) is None:
            notes.append(
                f"Stage 2 {last.ref} was held on {last.held_on}; the certification decision is "
                "pending (record it with isms certification decision)."
            )
    return steps


def _summary(state: State, current: Cycle | None, next_due: list[Requirement], as_of) -> str:
    upcoming = f" Next: {next_due[0].name}, {next_due[0].text}." if next_due else ""
    if state is State.NOT_CERTIFIED:
        return f"Not certified as of {as_of}.{upcoming}"
    since = f"Certified since {current.decision_on} ({current.decided_by})"
    if state is State.EXPIRED:
        return (
            f"The certificate from {current.decided_by} expired on {current.expires_on}; no "
            f"recertification decision by {as_of}.{upcoming}"
        )
    if state is State.AT_RISK:
        overdue = next(r for r in next_due if r.status is Status.OVERDUE)
        return (
            f"{since}, valid until {current.expires_on}, but {overdue.name} is overdue since "
            f"{overdue.due_on}: the certificate is at risk of suspension."
        )
    return f"{since}; certificate valid until {current.expires_on}.{upcoming}"


def status_for(organisation, as_of: dt.date) -> CertificationStatus:
    """:func:`certification_status` over an organisation's external audits."""
    return certification_status(ExternalAudit.objects.for_organisation(organisation), as_of)


# -- writes: the decision and appeals -----------------------------------------------------------


@transaction.atomic
def record_decision(
    audit: ExternalAudit, *, on: dt.date, expires_on: dt.date | None = None
) -> ExternalAudit:
    """Record the body's decision to certify (after stage 2) or recertify, and the certificate's
    expiry (default: as the cycle computes it)."""
    if audit.kind not in DECIDING:
        raise TransitionRefused(
            f"{audit.ref} is a {audit.get_kind_display().lower()} audit; only a stage 2 or "
            "recertification audit leads to a certification decision"
        )
    if audit.held_on is None:
        raise TransitionRefused(f"{audit.ref} has no held_on date: record the audit as held first")
    if on < audit.held_on:
        raise TransitionRefused(
            f"{audit.ref}: the decision ({on}) cannot precede the audit ({audit.held_on})"
        )
    if audit.recommended is False:
        raise TransitionRefused(
            f"{audit.ref} did not recommend certification; a decision needs a recommendation "
            "(record the follow-up audit that verified the majors' closure)"
        )
    if expires_on is None:
        others = ExternalAudit.objects.for_organisation(audit.organisation).exclude(pk=audit.pk)
        before = certification_status(others, on).current
        renews = (
            before.expires_on
            if before and audit.kind == Kind.RECERTIFICATION and on <= before.expires_on
            else None
        )
        expires_on = default_expiry(on, continues=renews)
    elif expires_on <= on:
        raise TransitionRefused(
            f"{audit.ref}: the certificate expires ({expires_on}) on or before the decision ({on})"
        )
    audit.recommended, audit.decision_on, audit.certificate_expires_on = True, on, expires_on
    audit.save()
    return audit


@transaction.atomic
def raise_appeal(audit: ExternalAudit, *, text: str, on: dt.date) -> ExternalAudit:
    """Record an appeal or disagreement with the body's findings or decision on ``audit``."""
    if not (text or "").strip():
        raise TransitionRefused(
            f"{audit.ref}: say what is disputed and why (which finding, which evidence)"
        )
    if audit.held_on is None:
        raise TransitionRefused(f"{audit.ref} has not been held: there is nothing to appeal yet")
    if on < audit.held_on:
        raise TransitionRefused(
            f"{audit.ref}: an appeal raised on {on} precedes the audit ({audit.held_on})"
        )
    if (audit.appeal or "").strip():
        state = "resolved" if audit.appeal_outcome else "still open"
        raise TransitionRefused(
            f"{audit.ref} already has an appeal raised on {audit.appeal_raised_on} ({state}); "
            "one appeal is recorded per audit"
        )
    audit.appeal, audit.appeal_raised_on = text.strip(), on
    audit.save()
    return audit


@transaction.atomic
def resolve_appeal(
    audit: ExternalAudit, *, outcome: str, on: dt.date, note: str = ""
) -> ExternalAudit:
    """Record how the body settled the appeal: upheld, partly upheld, rejected or withdrawn."""
    if not (audit.appeal or "").strip():
        raise TransitionRefused(f"{audit.ref} has no appeal to resolve; raise one first")
    if audit.appeal_outcome:
        raise TransitionRefused(
            f"{audit.ref}: the appeal was already resolved on {audit.appeal_resolved_on} "
            f"({audit.get_appeal_outcome_display().lower()})"
        )
    if outcome not in ExternalAudit.AppealOutcome.values:
        raise TransitionRefused(
            f"{audit.ref}: outcome {outcome!r} is not one of "
            + ", ".join(ExternalAudit.AppealOutcome.values)
        )
    if audit.appeal_raised_on and on < audit.appeal_raised_on:
        raise TransitionRefused(
            f"{audit.ref}: resolved on {on}, before the appeal was raised on "
            f"{audit.appeal_raised_on}"
        )
    audit.appeal_outcome, audit.appeal_outcome_note = outcome, (note or "").strip()
    audit.appeal_resolved_on = on
    audit.save()
    return audit
