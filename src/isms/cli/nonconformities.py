"""``isms nc``: the nonconformity log and its corrective-action workflow (10.2)."""

import datetime as dt

import typer
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.audits.models import Nonconformity
from isms.audits.nonconformities import mark_implemented, plan_action
from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.nonconformities import raise_from_assessment, verify_closing
from isms.people.models import Person
from isms.readiness.models import Assessment

app = typer.Typer(help="Nonconformities and corrective actions (10.2).")

ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_USER = typer.Option(None, "--as", help="Record the change in history as made by this user.")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date like 2026-11-30, got {value!r}")


def _nc(organisation, ref: str) -> Nonconformity:
    nc = Nonconformity.objects.filter(organisation=organisation, ref=ref).first()
    if nc is None:
        fail(f"no nonconformity {ref!r} in {organisation.slug}")
    return nc


def _person(organisation, email: str) -> Person:
    person = Person.objects.filter(organisation=organisation, email=email).first()
    if person is None:
        fail(f"no person with email {email!r} in {organisation.slug}")
    return person


def _refused(error: ValidationError):
    fail("refused", list(error.messages))


@app.command("raise")
def raise_command(
    org: str = ORG,
    from_assessment: str = typer.Option(
        "latest", "--from-assessment", help="'latest' or the id of a stored mock-audit run."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Raise one NC per major and minor finding of a mock-audit run (never twice)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    runs = Assessment.objects.filter(organisation=organisation)
    if from_assessment == "latest":
        assessment = runs.first()
    elif from_assessment.isdigit():
        assessment = runs.filter(pk=int(from_assessment)).first()
    else:
        fail(f"--from-assessment takes 'latest' or a run id, not {from_assessment!r}")
    if assessment is None:
        fail(f"no stored mock-audit run for {organisation.slug}; run isms assess first")
    with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_NONCONFORMITIES)):
        created, skipped = raise_from_assessment(organisation, assessment)
    for nc in created:
        console.print(
            f"{nc.ref} {nc.grade:5} {nc.finding_code} {nc.finding_subject} due {nc.due_on}"
        )
    console.print(
        f"Raised {len(created)} nonconformities from the run as of {assessment.as_of}; "
        f"{skipped} finding(s) already had one."
    )


@app.command("list")
def list_command(
    org: str = ORG,
    status: Nonconformity.Status | None = typer.Option(None, "--status"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List nonconformities, oldest first, with where each stands."""
    ensure_database()
    organisation = organisation_or_exit(org)
    queryset = Nonconformity.objects.for_organisation(organisation).select_related(
        "owner", "effectiveness_checked_by"
    )
    if status is not None:
        queryset = queryset.filter(status=status)
    today = timezone.localdate()
    rows = [
        {
            "ref": nc.ref,
            "grade": nc.grade,
            "status": nc.status,
            "source": nc.source,
            "reference": nc.reference,
            "finding": f"{nc.finding_code} {nc.finding_subject}".strip() or None,
            "raised_on": nc.raised_on.isoformat(),
            "owner": nc.owner.email if nc.owner else None,
            "due_on": nc.due_on.isoformat() if nc.due_on else None,
            "overdue": bool(nc.due_on and nc.due_on < today and nc.status != "closed"),
            "root_cause": nc.root_cause or None,
            "corrective_action": nc.corrective_action or None,
            "process_changed": nc.process_changed or None,
            "implemented_on": nc.implemented_on.isoformat() if nc.implemented_on else None,
            "effectiveness_checked_by": (
                nc.effectiveness_checked_by.email if nc.effectiveness_checked_by else None
            ),
            "effective": nc.effective,
            "closed_on": nc.closed_on.isoformat() if nc.closed_on else None,
            "description": nc.description,
        }
        for nc in queryset.order_by("raised_on", "ref")
    ]
    columns = ["ref", "grade", "status", "reference", "owner", "due_on", "overdue"]
    if fmt is not OutputFormat.table:
        columns = list(rows[0]) if rows else columns
    emit(rows, columns, fmt, title=f"Nonconformities of {organisation.slug}")


@app.command("plan")
def plan_command(
    ref: str = typer.Argument(..., help="NC id, e.g. NC-2026-004."),
    org: str = ORG,
    root_cause: str = typer.Option(..., "--root-cause", help="Why it happened."),
    action: str = typer.Option(..., "--action", help="What changes so it does not recur."),
    process: str = typer.Option(..., "--process", help="The process or control changed."),
    owner: str = typer.Option(..., "--owner", help="Email of the action's owner."),
    due: str | None = typer.Option(None, "--due", help="Due date YYYY-MM-DD."),
    correction: str | None = typer.Option(None, "--correction", help="The immediate fix."),
    as_user: str | None = AS_USER,
) -> None:
    """Record root cause and corrective action (moves the NC to action_planned)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    nc, person, due_on = _nc(organisation, ref), _person(organisation, owner), _date(due, "--due")
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_NONCONFORMITIES)):
            plan_action(
                nc,
                root_cause=root_cause,
                corrective_action=action,
                process_changed=process,
                owner=person,
                due_on=due_on,
                correction=correction,
            )
    except ValidationError as error:
        _refused(error)
    console.print(f"{nc.ref}: corrective action planned, owner {person.email}, due {nc.due_on}.")


@app.command("implemented")
def implemented_command(
    ref: str = typer.Argument(...),
    org: str = ORG,
    on: str | None = typer.Option(None, "--on", help="Date implemented (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """The corrective action is in place (moves the NC to verifying)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    nc = _nc(organisation, ref)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.MANAGE_NONCONFORMITIES)):
            mark_implemented(nc, _date(on, "--on") or timezone.localdate())
    except ValidationError as error:
        _refused(error)
    console.print(f"{nc.ref}: implemented on {nc.implemented_on}; awaiting effectiveness check.")


@app.command("verify")
def verify_command(
    ref: str = typer.Argument(...),
    org: str = ORG,
    by: str = typer.Option(..., "--by", help="Email of who checked (not the action's owner)."),
    effective: bool = typer.Option(..., "--effective/--not-effective"),
    on: str | None = typer.Option(None, "--on", help="Date of the check (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """Record the effectiveness check: effective closes the NC, not effective re-opens the plan."""
    ensure_database()
    organisation = organisation_or_exit(org)
    nc, checker = _nc(organisation, ref), _person(organisation, by)
    user = user_or_exit(as_user, organisation, Action.MANAGE_NONCONFORMITIES)
    if user is not None and user.email and user.email.lower() != checker.email.lower():
        fail(f"--by {by}: the check is recorded in the name of the --as user ({user.email})")
    try:
        with acting_as(user):
            verify_closing(
                nc,
                checked_by=checker,
                on=_date(on, "--on") or timezone.localdate(),
                effective=effective,
            )
    except ValidationError as error:
        _refused(error)
    state = "closed" if nc.status == "closed" else "back to action planned (not effective)"
    console.print(f"{nc.ref}: effectiveness checked by {checker.email}; {state}.")
