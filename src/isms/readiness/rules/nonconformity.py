"""Nonconformity and corrective action (10.2): a living NC log whose entries get a root cause,
a corrective action that changes something, an independent effectiveness check and a timely
close (F22).

Status is judged at the audit date: a nonconformity counts as closed only when its status is
closed and its close date (if any) is on or before the audit date.
"""

from django.db.models import F, Q, Sum

from isms.audits.models import ExternalAudit, Nonconformity
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.internal_audit import (
    PROGRAMME_MONTHS,
    blank,
    completed_audits,
    is_blank,
)

#: Days after which an open nonconformity is worth a look (NCR006, an opportunity for improvement).
LONG_OPEN_DAYS = 90

#: Days after which a nonconformity should have an owner and a due date.
PLANNING_DAYS = 30

CLOSED = Nonconformity.Status.CLOSED


def closed_q(ctx) -> Q:
    """Nonconformities closed on or before the audit date."""
    return Q(status=CLOSED) & (Q(closed_on=None) | Q(closed_on__lte=ctx.as_of))


def raised(ctx):
    """Nonconformities raised on or before the audit date."""
    return ctx.q(Nonconformity).filter(raised_on__lte=ctx.as_of)


def recent(ctx):
    """Nonconformities of the certification cycle (raised in the last 36 months)."""
    return raised(ctx).filter(raised_on__gt=ctx.months_ago(PROGRAMME_MONTHS))


def _open(ctx):
    return raised(ctx).exclude(closed_q(ctx))


def _subject(nc) -> Subject:
    """Observations about an NC are about the NC record; the engine links the NC to the record
    in its ``finding_subject``, so they join the finding about that record."""
    return Subject("Nonconformities", nc.ref)


def _cycle_population(ctx):
    """Nonconformities of the certification cycle (raised in the last 36 months)."""
    return ctx.population("nonconformities of the cycle", recent(ctx))


def _open_population(ctx):
    return ctx.population("open nonconformities", _open(ctx))


def _name(nc) -> str:
    reference = f", {nc.reference}" if nc.reference else ""
    return f"Nonconformity {nc.ref} ({nc.grade}{reference}, raised {nc.raised_on})"


@rule(
    code="NCR001",
    name="nonconformity-log-empty",
    reference="10.2",
    stage=2,
    grade=Grade.OFI,
    title="Nonconformity log is empty although audits took place",
    statement=(
        "The organisation has not shown that it reacts to nonconformities and retains "
        "documented information of them: its nonconformity log is empty although audits took "
        "place."
    ),
)
def nonconformity_log_empty(ctx):
    """
    What it checks: that the nonconformity log holds at least one entry raised by the audit
    date once internal audits have been completed.

    Why an auditor cares: a management system that has run for a while always has
    nonconformities. An empty log after audits suggests that problems are fixed quietly or not
    recorded, and leaves no evidence that 10.2 (react, find the cause, act, check) works.
    Certification body findings that never reach the log are worse: the organisation is not
    tracking what it was told to correct.

    How to fix: log the findings of the internal and external audits, incidents and complaints
    as nonconformities with their correction, root cause and corrective action.

    Grade: minor when two or more internal audits were completed, or a certification body audit
    raised nonconformities; opportunity for improvement after a single internal audit. One
    instance, never major by effect.
    """
    if raised(ctx).exists():
        return
    audits = completed_audits(ctx).count()
    if not audits:
        return
    external = (
        ctx.q(ExternalAudit)
        .filter(held_on__lte=ctx.as_of)
        .aggregate(found=Sum(F("majors") + F("minors")))["found"]
        or 0
    )
    grade = Grade.MINOR if audits >= 2 or external else Grade.OFI
    detail = (
        f"No nonconformity was raised by {ctx.as_of}, although {audits} internal audit(s) were "
        "completed"
    )
    if external:
        detail += f" and certification body audits raised {external} nonconformities"
    yield ctx.observe(Subject("Nonconformities", "Nonconformity log"), detail + ".", grade=grade)


@rule(
    code="NCR002",
    name="nonconformity-closed-without-analysis",
    reference="10.2",
    stage=2,
    grade=Grade.MINOR,
    title="Nonconformity closed without root cause, action or effectiveness check",
    statement=(
        "The organisation has not determined the causes of nonconformities, taken action to "
        "eliminate them and reviewed the effectiveness of that action before closing them."
    ),
)
def nonconformity_closed_without_analysis(ctx):
    """
    What it checks: nonconformities of the last 36 months closed by the audit date without a
    root cause, without a corrective action, or without an effectiveness check (a date and a
    positive result), or closed although the check found the action not effective.

    Why an auditor cares: 10.2 asks for more than a correction: the cause must be found, action
    taken so the problem does not recur, and the action shown to work. A nonconformity closed
    as soon as the instance was fixed ("fixed the file") is the most common 10.2 finding.

    How to fix: reopen it, analyse the root cause (five whys, cause and effect), define and
    implement the corrective action, then verify after a while that it worked before closing.

    Grade: minor for each nonconformity; never major by effect. Counted among the
    nonconformities of the cycle, so the finding is major only when pervasive.
    """
    lacking = (
        blank("root_cause")
        | blank("corrective_action")
        | Q(effectiveness_checked_on=None)
        | Q(effectiveness_checked_on__gt=ctx.as_of)
        | ~Q(effective=True)
    )
    for nc in recent(ctx).filter(closed_q(ctx)).filter(lacking).order_by("raised_on", "ref"):
        missing = []
        if is_blank(nc.root_cause):
            missing.append("no root cause")
        if is_blank(nc.corrective_action):
            missing.append("no corrective action")
        checked = nc.effectiveness_checked_on
        if checked is None or checked > ctx.as_of:
            missing.append("no effectiveness check")
        elif nc.effective is None:
            missing.append("no result of the effectiveness check")
        elif nc.effective is False:
            missing.append(f"an effectiveness check on {checked} that found the action ineffective")
        closed = f"on {nc.closed_on}" if nc.closed_on else "(no close date)"
        yield ctx.observe(
            _subject(nc),
            f"{_name(nc)} was closed {closed} with {', '.join(missing)}.",
            population=_cycle_population(ctx),
        )


@rule(
    code="NCR003",
    name="corrective-action-without-process-change",
    reference="10.2",
    stage=2,
    grade=Grade.OFI,
    title="Corrective action names no process or control it changed",
    statement=(
        "The organisation could record which process or control each corrective action changed "
        "to remove the cause."
    ),
    version=2,
)
def corrective_action_without_process_change(ctx):
    """
    What it checks: nonconformities of the last 36 months awaiting their effectiveness check or
    closed, whose record names no process or control that the corrective action changed.
    Closed ones with no corrective action at all are left to NCR002.

    Why an auditor cares: a corrective action removes the cause by changing how something is
    done: a procedure, a workflow, a control. When no process changed, the same nonconformity
    tends to come back, and the auditor suspects that only the instance was corrected.

    How to fix: record which process, procedure or control the action changed (with the
    document or ticket), or, if none needed to change, why the cause is removed anyway.

    Grade: opportunity for improvement for each nonconformity, since a process change is not
    always needed (a record with only a correction says so in its detail); never major.
    """
    ncs = (
        recent(ctx)
        .filter(status__in=[Nonconformity.Status.VERIFYING, CLOSED])
        .filter(blank("process_changed"))
        .exclude(closed_q(ctx) & blank("corrective_action"))
        .order_by("raised_on", "ref")
    )
    for nc in ncs:
        if is_blank(nc.corrective_action):
            detail = (
                f"{_name(nc)} awaits its effectiveness check with only a correction recorded: no "
                "corrective action and no process or control changed."
            )
        else:
            state = "is closed" if nc.status == CLOSED else "awaits its effectiveness check"
            detail = (
                f"{_name(nc)} {state}, but its corrective action names no process or control "
                "that was changed."
            )
        yield ctx.observe(_subject(nc), detail, population=_cycle_population(ctx))


@rule(
    code="NCR004",
    name="corrective-action-overdue",
    reference="10.2",
    stage=2,
    grade=Grade.MINOR,
    title="Corrective action past its due date",
    statement=(
        "The organisation has not taken the corrective actions for its nonconformities by the "
        "dates it set."
    ),
)
def corrective_action_overdue(ctx):
    """
    What it checks: nonconformities not closed by the audit date whose corrective action due
    date has passed. Those awaiting their effectiveness check are left out: their action was
    implemented.

    Why an auditor cares: overdue corrective actions show that nonconformities are logged but
    not managed, and certification bodies check that actions agreed at the last audit were done
    on time.

    How to fix: finish the action, or agree a new date with a reason (recorded), and follow
    open actions at the ISMS meetings and in the management review.

    Grade: minor for each nonconformity; never major by effect. The observation is about the
    NC, which the engine links to the record it concerns.
    """
    ncs = (
        _open(ctx)
        .exclude(status=Nonconformity.Status.VERIFYING)
        .filter(due_on__lt=ctx.as_of)
        .select_related("owner")
        .order_by("due_on", "ref")
    )
    for nc in ncs:
        days = (ctx.as_of - nc.due_on).days
        owner = f", owner {nc.owner.email}" if nc.owner else ""
        yield ctx.observe(
            _subject(nc),
            f"{_name(nc)} is {nc.get_status_display().lower()}{owner}: its corrective action "
            f"was due on {nc.due_on}, {days} days before {ctx.as_of}.",
            population=_open_population(ctx),
            owner=nc.owner.email if nc.owner else None,
        )


@rule(
    code="NCR005",
    name="effectiveness-checked-by-action-owner",
    reference="10.2",
    stage=2,
    grade=Grade.OFI,
    title="Effectiveness of a corrective action verified by its own owner",
    statement=(
        "The organisation could have the effectiveness of corrective actions verified by "
        "someone other than their owner."
    ),
)
def effectiveness_checked_by_action_owner(ctx):
    """
    What it checks: nonconformities of the last 36 months whose effectiveness check (dated on
    or before the audit date) was done by the same person who owns the corrective action.

    Why an auditor cares: owners tend to find their own actions effective. An independent check
    (the ISMS manager, an internal auditor) gives a result the certification body can rely on.

    How to fix: have someone other than the action owner verify effectiveness, with the
    evidence looked at, and record who did it.

    Grade: opportunity for improvement for each nonconformity (the standard does not require an
    independent check); never major.
    """
    ncs = (
        recent(ctx)
        .filter(owner__isnull=False, effectiveness_checked_by=F("owner"))
        .filter(effectiveness_checked_on__lte=ctx.as_of)
        .select_related("owner")
        .order_by("raised_on", "ref")
    )
    for nc in ncs:
        yield ctx.observe(
            _subject(nc),
            f"{_name(nc)}: the effectiveness of the corrective action was verified on "
            f"{nc.effectiveness_checked_on} by its own owner, {nc.owner.email}.",
            population=_cycle_population(ctx),
        )


@rule(
    code="NCR006",
    name="nonconformity-open-too-long",
    reference="10.2",
    stage=2,
    grade=Grade.OFI,
    title="Nonconformity open for more than 90 days or its due date moved",
    statement=(
        "The organisation could bring long-open nonconformities to a close on the dates it "
        "first set, with their corrective action verified."
    ),
    version=2,
)
def nonconformity_open_too_long(ctx):
    """
    What it checks: nonconformities of any grade, not closed by the audit date and not awaiting
    their effectiveness check, whose corrective action is not yet overdue (an overdue one is
    NCR004's minor) and that were raised more than 90 days before the audit date, or whose due
    date was moved later (the record's history holds an earlier due date than the current one).

    Why an auditor cares: the standard sets no time limit for corrective action: the
    organisation sets its own due dates, and missing them is NCR004. The organisation's own
    "major" label is not a certification-body grade either, so the label does not make an
    open NC worse, and it is not graded by it. Still, a nonconformity open for a quarter with no
    action implemented, or whose date keeps moving, is one the auditor will ask about; and a
    certification body's own major must show its correction and corrective action within the
    body's deadline (commonly 90 days).

    How to fix: put the corrective action first in the ISMS plan, give it resources and a near
    date, record why a due date had to move, and verify its effectiveness so that it can be
    closed.

    Grade: opportunity for improvement for each nonconformity, whatever its label; never major.
    The observation is about the NC, which the engine links to the record it concerns.
    """
    ncs = (
        _open(ctx)
        .exclude(status=Nonconformity.Status.VERIFYING)
        .exclude(due_on__lt=ctx.as_of)
        .select_related("owner")
        .order_by("raised_on", "ref")
    )
    for nc in ncs:
        days = (ctx.as_of - nc.raised_on).days
        earlier = _earlier_due_dates(nc)
        if days <= LONG_OPEN_DAYS and not earlier:
            continue
        due = f", corrective action due {nc.due_on}" if nc.due_on else ""
        moved = (
            f"; its due date was moved from {', '.join(str(d) for d in earlier)}" if earlier else ""
        )
        yield ctx.observe(
            _subject(nc),
            f"{_name(nc)}, from {nc.get_source_display().lower()}, was still "
            f"{nc.get_status_display().lower()} on {ctx.as_of}, {days} days after it was "
            f"raised{due}{moved}.",
            population=_open_population(ctx),
            owner=nc.owner.email if nc.owner else None,
        )


def _earlier_due_dates(nc) -> list:
    """Due dates the record held before, earlier than the current one (from its history)."""
    if nc.due_on is None:
        return []
    past = nc.history.exclude(due_on=None).values_list("due_on", flat=True)
    return sorted({due for due in past if due < nc.due_on})


@rule(
    code="NCR007",
    name="corrective-action-not-planned",
    reference="10.2",
    stage=2,
    grade=Grade.MINOR,
    title="Nonconformity without an owner or a due date",
    statement=(
        "The organisation has not planned the corrective action for its nonconformities, with "
        "who is responsible and when it will be completed."
    ),
)
def corrective_action_not_planned(ctx):
    """
    What it checks: nonconformities raised more than 30 days before the audit date, not closed
    by then, that still have no action owner or no due date.

    Why an auditor cares: a nonconformity with nobody responsible and no date is a note, not a
    corrective action. It will not be dealt with, and the auditor sees a log that is kept for
    show.

    How to fix: give each open nonconformity an owner and a realistic due date within a month
    of raising it, and plan the correction and corrective action.

    Grade: minor for each nonconformity; never major by effect.
    """
    ncs = (
        _open(ctx)
        .filter(raised_on__lt=ctx.days_ago(PLANNING_DAYS))
        .filter(Q(owner=None) | Q(due_on=None))
        .order_by("raised_on", "ref")
    )
    for nc in ncs:
        missing = [
            label
            for label, absent in (("no owner", nc.owner_id is None), ("no due date", not nc.due_on))
            if absent
        ]
        days = (ctx.as_of - nc.raised_on).days
        yield ctx.observe(
            _subject(nc),
            f"{_name(nc)} is still {nc.get_status_display().lower()} {days} days later with "
            f"{' and '.join(missing)}.",
            population=_open_population(ctx),
        )
