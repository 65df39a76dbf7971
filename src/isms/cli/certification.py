"""``isms certification``: the certification cycle with the certification body, and appeals."""

import datetime as dt
import json
import sys
from enum import StrEnum

import typer
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.audits.certification import (
    State,
    raise_appeal,
    record_decision,
    resolve_appeal,
    status_for,
)
from isms.audits.models import ExternalAudit
from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action

app = typer.Typer(help="The certification cycle: surveillance, recertification, appeals.")

ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_USER = typer.Option(None, "--as", help="Record the change in history as made by this user.")
STATE_STYLE = {
    State.CERTIFIED: "green",
    State.AT_RISK: "yellow",
    State.EXPIRED: "red",
    State.NOT_CERTIFIED: "yellow",
}


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date like 2026-11-30, got {value!r}")


def _audit(organisation, ref: str) -> ExternalAudit:
    audit = ExternalAudit.objects.filter(organisation=organisation, ref=ref).first()
    if audit is None:
        fail(f"no external audit {ref!r} in {organisation.slug}")
    return audit


def _requirement_rows(requirements) -> list[dict]:
    return [
        {
            "requirement": r.name,
            "due_on": r.due_on.isoformat(),
            "status": r.text,
            "audit": r.audit,
            "note": r.note or None,
        }
        for r in requirements
    ]


@app.command("status")
def status_command(
    org: str = ORG,
    as_of: str | None = typer.Option(None, "--as-of", help="Judge as of this date (YYYY-MM-DD)."),
    fmt: StatusFormat = typer.Option(StatusFormat.table, "--format", "-f"),
) -> None:
    """The certification cycle: whether the certificate is valid, each surveillance and the
    recertification (done, due on DATE or overdue), and the next due dates."""
    ensure_database()
    organisation = organisation_or_exit(org)
    day = _date(as_of, "--as-of") or timezone.localdate()
    status = status_for(organisation, day)
    if fmt is StatusFormat.json:
        sys.stdout.write(json.dumps(status.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    style = STATE_STYLE[status.state]
    console.print(
        f"[bold]Certification of {organisation.slug} as of {day}:[/] "
        f"[{style}]{status.state.value.replace('_', ' ')}[/]"
    )
    console.print(status.summary, highlight=False)
    for cycle in reversed(status.cycles):
        title = (
            f"Cycle {cycle.number}: {cycle.decision_kind} decision {cycle.decision_on} "
            f"({cycle.decided_by}), expires {cycle.expires_on}"
            + ("" if cycle.expiry_recorded else " (computed)")
            + f": {cycle.outcome}"
        )
        emit(_requirement_rows(cycle.requirements), _COLUMNS, OutputFormat.table, title=title)
    in_cycle = status.current.requirements if status.current else ()
    steps = [r for r in status.next_due if r not in in_cycle]
    if steps:
        emit(_requirement_rows(steps), _COLUMNS, OutputFormat.table, title="Next steps")
    for note in status.notes:
        console.print(f"note: {note}", highlight=False)
    for appeal in status.appeals:
        outcome = (
            f"{appeal.outcome} on {appeal.resolved_on}"
            + (f": {appeal.outcome_note}" if appeal.outcome_note else "")
            if not appeal.open
            else "open"
        )
        console.print(
            f"appeal on {appeal.ref} (raised {appeal.raised_on}): {appeal.appeal} -> {outcome}",
            highlight=False,
        )


_COLUMNS = ["requirement", "due_on", "status", "audit", "note"]


@app.command("decision")
def decision_command(
    ref: str = typer.Argument(..., help="The stage 2 or recertification audit, e.g. CB-2026-S2."),
    org: str = ORG,
    on: str = typer.Option(..., "--on", help="Date of the certification decision."),
    expires: str | None = typer.Option(
        None, "--expires", help="Certificate expiry (default: computed for the cycle)."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Record the body's decision to certify or recertify, and the certificate's expiry."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit = _audit(organisation, ref)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_AUDITS)):
            record_decision(audit, on=_date(on, "--on"), expires_on=_date(expires, "--expires"))
    except ValidationError as error:
        fail("refused", list(error.messages))
    console.print(
        f"{audit.ref}: certification decided on {audit.decision_on}; certificate valid until "
        f"{audit.certificate_expires_on}."
    )


@app.command("appeal")
def appeal_command(
    ref: str = typer.Argument(..., help="The external audit whose findings are disputed."),
    org: str = ORG,
    reason: str = typer.Option(..., "--reason", help="What is disputed and why."),
    on: str | None = typer.Option(None, "--on", help="Date raised (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """Record an appeal or disagreement with the body's findings or decision."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit = _audit(organisation, ref)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_AUDITS)):
            raise_appeal(audit, text=reason, on=_date(on, "--on") or timezone.localdate())
    except ValidationError as error:
        fail("refused", list(error.messages))
    console.print(f"{audit.ref}: appeal raised on {audit.appeal_raised_on}; outcome open.")


@app.command("appeal-outcome")
def appeal_outcome_command(
    ref: str = typer.Argument(..., help="The external audit whose appeal is settled."),
    org: str = ORG,
    outcome: ExternalAudit.AppealOutcome = typer.Option(..., "--outcome"),
    note: str = typer.Option("", "--note", help="What was decided."),
    on: str | None = typer.Option(None, "--on", help="Date of the outcome (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """Record how the certification body settled the appeal."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit = _audit(organisation, ref)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_AUDITS)):
            resolve_appeal(
                audit,
                outcome=outcome.value,
                note=note,
                on=_date(on, "--on") or timezone.localdate(),
            )
    except ValidationError as error:
        fail("refused", list(error.messages))
    console.print(
        f"{audit.ref}: appeal settled on {audit.appeal_resolved_on}: "
        f"{audit.get_appeal_outcome_display().lower()}."
    )
