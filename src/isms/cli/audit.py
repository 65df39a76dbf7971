"""``isms audit``: the internal audit programme (9.2): programme, coverage, independent
auditors, sampling and checklists."""

import datetime as dt
import json
import sys
from enum import StrEnum

import typer
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.audits.models import InternalAudit
from isms.audits.programme import checklist_rows, programme_rows, render_checklist
from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.audit_programme import assign_auditor, coverage_matrix, sample_audit
from isms.people.models import Person

app = typer.Typer(help="Internal audit programme (9.2): coverage, auditors, sampling.")

ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_OF = typer.Option(None, "--as-of", help="End of the three-year cycle (default today).")
AS_USER = typer.Option(None, "--as", help="Record the change in history as made by this user.")
REF = typer.Argument(..., help="Audit id, e.g. IA-2026-02.")


class ChecklistFormat(StrEnum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date like 2026-11-30, got {value!r}")


def _audit(organisation, ref: str) -> InternalAudit:
    audit = InternalAudit.objects.filter(organisation=organisation, ref=ref).first()
    if audit is None:
        fail(f"no internal audit {ref!r} in {organisation.slug}")
    return audit


def _person(organisation, email: str) -> Person:
    person = Person.objects.filter(organisation=organisation, email=email).first()
    if person is None:
        fail(f"no person with email {email!r} in {organisation.slug}")
    return person


@app.command("programme")
def programme_command(
    org: str = ORG,
    as_of: str | None = AS_OF,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List the audits of the programme: status, dates, lead, scope size, overdue."""
    ensure_database()
    organisation = organisation_or_exit(org)
    day = _date(as_of, "--as-of") or timezone.localdate()
    rows = programme_rows(organisation, day)
    columns = ["ref", "title", "status", "planned_on", "completed_on", "lead_auditor"]
    columns += ["team", "scope_size", "overdue"]
    if fmt is OutputFormat.csv:
        for row in rows:
            row["scope"] = "; ".join(f"{k} {v}" for k, v in row["scope"].items())
        columns.append("scope")
    emit(rows, columns, fmt, title=f"Internal audit programme of {organisation.slug} at {day}")
    if fmt is OutputFormat.table:
        overdue = [row["ref"] for row in rows if row["overdue"]]
        console.print(
            f"{len(rows)} audit(s); overdue: {', '.join(overdue)}"
            if overdue
            else f"{len(rows)} audit(s); none overdue."
        )


@app.command("coverage")
def coverage_command(
    org: str = ORG,
    as_of: str | None = AS_OF,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    gaps: bool = typer.Option(False, "--gaps", help="Show only what no audit covers."),
) -> None:
    """Which audit covers each clause 4.1-10.2 and each applicable control, and what is left."""
    ensure_database()
    organisation = organisation_or_exit(org)
    coverage = coverage_matrix(organisation, _date(as_of, "--as-of") or timezone.localdate())
    if fmt is OutputFormat.json:
        data = coverage.as_dict()
        if gaps:
            data["rows"] = [row for row in data["rows"] if row["status"] == "uncovered"]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    rows = [row.as_dict() for row in coverage.rows]
    if gaps:
        rows = [row for row in rows if row["status"] == "uncovered"]
    columns = ["kind", "ref", "title", "status", "completed", "planned"]
    emit(
        rows,
        columns,
        fmt,
        title=f"Audit coverage of {organisation.slug}, {coverage.cycle.describe()}",
    )
    if fmt is OutputFormat.table:
        for kind, counts in coverage.summary().items():
            left = ", ".join(counts["left"]) or "nothing"
            console.print(
                f"{kind.capitalize()}: {counts['covered']} of {counts['total']} covered by "
                f"completed audits, {counts['planned']} only by planned ones, "
                f"{counts['uncovered']} uncovered; left: {left}."
            )


@app.command("assign")
def assign_command(
    ref: str = REF,
    org: str = ORG,
    auditor: str = typer.Option(..., "--auditor", help="Email of the auditor."),
    lead: bool = typer.Option(False, "--lead", help="As lead auditor (default: team member)."),
    on: str | None = typer.Option(None, "--on", help="Date of the assignment (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """Assign an auditor; refused (exit 2, with the reasons) when not independent of the scope."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit, person = _audit(organisation, ref), _person(organisation, auditor)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_AUDITS)):
            change = assign_auditor(audit, person, lead, _date(on, "--on"))
    except ValidationError as error:
        fail(f"{person.email} cannot be assigned to {audit.ref}", list(error.messages))
    console.print(change + ".")


@app.command("sample")
def sample_command(
    ref: str = REF,
    org: str = ORG,
    access_reviews: int | None = typer.Option(None, "--access-reviews", min=0),
    joiners: int | None = typer.Option(None, "--joiners", min=0),
    leavers: int | None = typer.Option(None, "--leavers", min=0),
    suppliers: int | None = typer.Option(None, "--suppliers", min=0),
    incidents: int | None = typer.Option(None, "--incidents", min=0),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the random draw (default: derived from the audit id)."
    ),
    since: str | None = typer.Option(None, "--since", help="Start of the sampling period."),
    until: str | None = typer.Option(
        None, "--until", help="End of the sampling period (default: the audit's planned start)."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Draw a reproducible random sample of records and store it as the audit's checklist."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit = _audit(organisation, ref)
    counts = {
        kind: size
        for kind, size in (
            ("access_review", access_reviews),
            ("joiner", joiners),
            ("leaver", leavers),
            ("supplier", suppliers),
            ("incident", incidents),
        )
        if size is not None
    }
    if not counts:
        fail(
            "say what to sample: --access-reviews, --joiners, --leavers, --suppliers and/or "
            "--incidents with a number each"
        )
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_AUDITS)):
            sample = sample_audit(
                audit,
                counts,
                seed=seed,
                since=_date(since, "--since"),
                until=_date(until, "--until"),
            )
    except ValueError as error:
        fail(str(error))
    console.print(
        f"{audit.ref}: sample drawn with seed {sample.seed} from records of "
        f"{sample.since} to {sample.until}."
    )
    for drawn in sample.kinds:
        short = drawn.requested > drawn.available
        console.print(
            f"  {drawn.kind:13} {min(drawn.requested, drawn.available):3d} of "
            f"{drawn.requested:3d} requested"
            + (f" (only {drawn.available} in the period and scope)" if short else "")
            + f"; {drawn.added} added, {drawn.kept} already listed, {drawn.removed} removed",
            highlight=False,
        )
    console.print(f"Print it with: isms audit checklist {audit.ref} --org {organisation.slug}")


@app.command("checklist")
def checklist_command(
    ref: str = REF,
    org: str = ORG,
    fmt: ChecklistFormat = typer.Option(ChecklistFormat.markdown, "--format", "-f"),
) -> None:
    """Print the audit's checklist as markdown, CSV or JSON."""
    ensure_database()
    organisation = organisation_or_exit(org)
    audit = _audit(organisation, ref)
    sys.stdout.write(render_checklist(audit, checklist_rows(audit), fmt.value))
