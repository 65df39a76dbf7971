"""The nonconformity workflow (10.2): raise, plan the corrective action, implement, verify.

The states are enforced here (the CLI and the API go through these functions):

    open --plan--> action_planned --implemented--> verifying --verify(effective)--> closed
                        ^                                 |
                        +-------- verify(not effective) --+

An NC cannot close without a root cause, a corrective action that names the process changed,
and an effectiveness check by someone other than the action's owner, made at least
``EFFECTIVENESS_DELAY_DAYS`` after the action was implemented. Records imported from a
spreadsheet are taken as they are (the mock audit judges them: rules NCR001-NCR007).
Raising NCs from mock-audit findings lives in isms.loop.nonconformities (a register app
never imports the engine).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isms.audits.models import Nonconformity

EFFECTIVENESS_DELAY_DAYS = 30
Status = Nonconformity.Status


class TransitionRefused(ValidationError):
    """The requested step is not allowed now; the message says why and what is missing."""


def next_ref(organisation, year: int) -> str:
    prefix = f"NC-{year}-"
    refs = Nonconformity.objects.filter(organisation=organisation, ref__startswith=prefix)
    numbers = [
        int(ref[len(prefix) :])
        for ref in refs.values_list("ref", flat=True)
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _not_future(nc: Nonconformity, on: dt.date, what: str) -> None:
    """Workflow dates are facts: nothing is implemented or checked on a day still to come."""
    today = timezone.localdate()
    if on > today:
        raise TransitionRefused(f"{nc.ref}: {what} on {on}, a date after today ({today})")


def _require(nc: Nonconformity, allowed: set[str], step: str) -> None:
    if nc.status not in allowed:
        raise TransitionRefused(
            f"{nc.ref} is {nc.get_status_display().lower()}; {step} needs it to be "
            + " or ".join(Status(s).label.lower() for s in sorted(allowed))
        )


@transaction.atomic
def plan_action(
    nc,
    *,
    root_cause: str,
    corrective_action: str,
    process_changed: str,
    owner,
    due_on: dt.date | None = None,
    correction: str | None = None,
) -> Nonconformity:
    """Record the analysis and the corrective action; the NC moves to action_planned."""
    _require(nc, {Status.OPEN, Status.ACTION_PLANNED}, "planning the corrective action")
    missing = [
        name
        for name, value in (
            ("root cause", root_cause),
            ("corrective action", corrective_action),
            ("process changed", process_changed),
        )
        if not (value or "").strip()
    ]
    if owner is None:
        missing.append("owner")
    if missing:
        raise TransitionRefused(
            f"{nc.ref}: a corrective action plan needs {', '.join(missing)}; fixing the record "
            "alone (a correction) does not stop the nonconformity coming back"
        )
    nc.root_cause, nc.corrective_action = root_cause.strip(), corrective_action.strip()
    nc.process_changed, nc.owner = process_changed.strip(), owner
    if correction is not None:
        nc.correction = correction.strip()
    if due_on is not None:
        nc.due_on = due_on
    nc.status = Status.ACTION_PLANNED
    nc.save()
    return nc


@transaction.atomic
def mark_implemented(nc, on: dt.date) -> Nonconformity:
    """The corrective action is in place; the NC waits for its effectiveness check."""
    _require(nc, {Status.ACTION_PLANNED}, "marking the action implemented")
    if on < nc.raised_on:
        raise TransitionRefused(f"{nc.ref}: implemented on {on}, before it was raised")
    _not_future(nc, on, "implemented")
    nc.implemented_on = on
    nc.status = Status.VERIFYING
    nc.save()
    return nc


@transaction.atomic
def verify(nc, *, checked_by, on: dt.date, effective: bool) -> Nonconformity:
    """Record the effectiveness check; effective closes the NC, not effective re-opens the plan."""
    _require(nc, {Status.VERIFYING}, "the effectiveness check")
    if checked_by is None:
        raise TransitionRefused(f"{nc.ref}: the effectiveness check needs who made it")
    if nc.owner_id is not None and checked_by.pk == nc.owner_id:
        raise TransitionRefused(
            f"{nc.ref}: {checked_by.email} owns the corrective action and cannot verify its "
            "effectiveness; ask someone independent of it"
        )
    if nc.implemented_on is None:
        raise TransitionRefused(
            f"{nc.ref}: no implementation date is recorded; mark the action implemented first"
        )
    _not_future(nc, on, "effectiveness checked")
    earliest = nc.implemented_on + dt.timedelta(days=EFFECTIVENESS_DELAY_DAYS)
    if on < earliest:
        raise TransitionRefused(
            f"{nc.ref}: effectiveness can be judged from {earliest} "
            f"({EFFECTIVENESS_DELAY_DAYS} days after the action was implemented on "
            f"{nc.implemented_on}), not on {on}"
        )
    nc.effectiveness_checked_by, nc.effectiveness_checked_on = checked_by, on
    nc.effective = effective
    if effective:
        nc.status, nc.closed_on = Status.CLOSED, on
    else:
        nc.status, nc.implemented_on = Status.ACTION_PLANNED, None
    nc.save()
    return nc
