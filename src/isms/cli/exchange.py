"""``isms import``, ``isms export`` and ``isms template``: the registers as spreadsheets."""

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
from isms.exchange.exporter import export_organisation, write_export
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected, printable
from isms.exchange.readers import ReadError, read_path
from isms.exchange.template import write_template


def import_command(
    path: Path = typer.Argument(..., help="An .xlsx workbook, a .yaml file or a folder of .csv."),
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    as_user: str | None = typer.Option(
        None, "--as", help="Record the changes in history as made by this user."
    ),
    problems_json: bool = typer.Option(
        False, "--json", help="On bad input, print the problems as JSON on stdout."
    ),
) -> None:
    """Import registers into an organisation: everything is validated first, then written in
    one transaction; on any problem nothing is written and every problem is listed (exit 2)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    user = user_or_exit(as_user, organisation, Action.IMPORT)
    try:
        sheets = read_path(path)
        with import_progress() as progress, acting_as(user):
            report = import_sheets(organisation, sheets, progress)
    except (ReadError, ImportRejected) as error:
        if problems_json:
            console.print_json(json.dumps([p.as_dict() for p in error.problems]))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        fail(
            f"{escape(printable(path.name))}: {len(error.problems)} problem(s); "
            "nothing was imported",
            [str(problem) for problem in error.problems],
        )
    for sheet, result in report.sheets.items():
        console.print(
            f"{sheet:>22}: {result.created:5d} created, {result.updated:5d} updated, "
            f"{result.unchanged:5d} unchanged"
        )
    console.print(
        f"Imported {path.name} into {organisation.slug}."
        if report.changed
        else f"Nothing changed: {organisation.slug} already matches {path.name}."
    )


@contextlib.contextmanager
def import_progress():
    """A progress bar on a terminal; silent otherwise. Yields the importer's callback."""
    if not err_console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description:>22}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        tasks: dict[str, int] = {}

        def update(sheet: str, done: int, total: int) -> None:
            if sheet not in tasks:
                tasks[sheet] = progress.add_task(sheet, total=total)
            progress.update(tasks[sheet], completed=done)

        yield update


def export_command(
    path: Path = typer.Argument(
        ..., help="Where to write: file.xlsx, file.yaml, or a folder name for CSV files."
    ),
    org: str = typer.Option(..., "--org", help="Organisation slug."),
) -> None:
    """Export every register of an organisation in the import format."""
    ensure_database()
    organisation = organisation_or_exit(org)
    try:
        data = export_organisation(organisation)
        kind = write_export(data, path)
    except (ValueError, OSError) as error:
        fail(str(error))
    rows = sum(len(rows) for rows in data.values())
    console.print(f"Exported {rows} rows of {organisation.slug} to {path} ({kind}).")


def template_command(
    path: Path = typer.Argument(Path("isms-template.xlsx"), help="Where to write the .xlsx."),
) -> None:
    """Write a blank import workbook with instructions and drop-down lists."""
    ensure_database()
    if path.suffix.lower() != ".xlsx":
        fail(f"the template is an .xlsx workbook; got {path.name}")
    try:
        write_template(path)
    except OSError as error:
        fail(str(error))
    console.print(f"Wrote the blank import workbook to {path}.")
