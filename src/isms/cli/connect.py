"""``isms connect``: accounts and people from an export of the system that holds them."""

import contextlib
import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import EXIT_BAD_INPUT, console, err_console, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.exchange.problems import printable

FORMAT_HELP = "aws-iam, entra, google, okta, github, ldif or hr-leavers (see docs/connectors.md)."


@contextlib.contextmanager
def _progress(path: Path):
    """On a terminal, one display for both steps: a count of the records read, then a bar per
    sheet written. Yields (reading callback, importer callback); both None otherwise."""
    if not err_console.is_terminal:
        yield None, None
        return
    with Progress(
        TextColumn("{task.description:>22}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        reading = progress.add_task(f"reading {escape(printable(path.name, 40))}", total=None)
        tasks: dict[str, int] = {}

        def read(count: int) -> None:
            progress.update(reading, completed=count)

        def write(sheet: str, done: int, total: int) -> None:
            if sheet not in tasks:
                progress.update(reading, visible=False)
                tasks[sheet] = progress.add_task(sheet, total=total)
            progress.update(tasks[sheet], completed=done)

        yield read, write


def connect_command(
    format_name: str = typer.Argument(..., metavar="FORMAT", help=FORMAT_HELP),
    path: Path = typer.Argument(..., metavar="FILE", help="The export file."),
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    system: str | None = typer.Option(
        None, "--system", help="The system the accounts belong to (a row of Systems)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the report (or problems) as JSON."),
    as_user: str | None = typer.Option(
        None, "--as", help="Record the changes in history as made by this user."
    ),
) -> None:
    """Bring an export of accounts (or HR leavers) into the registers, through the same
    validation as ``isms import``, all or nothing; report new, disabled and missing accounts and
    leavers who still have an active account. Nothing is ever deleted."""
    from isms.exchange.connectors import FORMATS, ConnectorError, connect

    ensure_database()
    if format_name not in FORMATS:
        fail(
            f"unknown format {printable(format_name, 40)!r}; the formats are: {', '.join(FORMATS)}"
        )
    organisation = organisation_or_exit(org)
    user = user_or_exit(as_user, organisation, Action.IMPORT)
    try:
        with _progress(path) as (reading, progress), acting_as(user):
            report = connect(
                organisation,
                format_name,
                path,
                system,
                dry_run=dry_run,
                progress=progress,
                read_progress=reading,
            )
    except ConnectorError as error:
        if as_json:
            console.print_json(json.dumps([p.as_dict() for p in error.problems]))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        fail(
            f"{escape(printable(path.name))}: {len(error.problems)} problem(s); "
            "nothing was written",
            [str(problem) for problem in error.problems],
        )
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
        return
    _print(report)


def _print(report) -> None:
    verb = "Would write" if report.dry_run else "Wrote"
    target = f" of {report.system}" if report.system else ""
    console.print(
        f"{verb} {report.records} record(s){target} from {escape(printable(report.file))}: "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged.",
        highlight=False,
    )
    sections = [
        ("new_accounts", "New accounts"),
        ("disabled", "Disabled since the last run"),
        ("enabled", "Enabled again since the last run"),
        ("missing", "In the register but no longer in the export (not deleted)"),
        ("unmatched_emails", "Emails not in People (account left without a person)"),
        ("new_people", "New people"),
        ("leave_dates_set", "Leave dates set or changed"),
    ]
    for kind, title in sections:
        names = getattr(report, kind)
        if names:
            count = report.counts.get(kind, len(names))
            shown = ", ".join(printable(name, 80) for name in names[:20])
            more = f" and {count - 20} more" if count > 20 else ""
            console.print(f"{title} ({count}): {escape(shown)}{more}", highlight=False)
    leavers = report.leavers_still_active
    if leavers:
        console.print(
            "[bold red]Leavers with an active account "
            f"({report.counts['leavers_still_active']}):[/]"
        )
        for row in leavers:
            console.print(
                f"  - {escape(printable(row['person']))} (left {row['leave_date']}): "
                f"{escape(printable(row['username']))} in {escape(printable(row['system']))}",
                highlight=False,
            )
    else:
        console.print("No leaver has an active account.")
