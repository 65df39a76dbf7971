"""Shared output helpers: tables, JSON and CSV from the same rows, and error exits."""

import csv
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str, problems: Sequence[str] = ()) -> NoReturn:
    """Print an error (and every problem) to stderr and exit with the bad-input code."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    for problem in problems:
        err_console.print(f"  - {problem}", highlight=False, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def emit(rows: list[dict], columns: Sequence[str], fmt: OutputFormat, title: str = "") -> None:
    """Write ``rows`` (dicts) as a Rich table, a JSON list of objects or CSV with a header."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(row.get(key)) for key in columns})
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column.replace("_", " "))
        for row in rows:
            table.add_row(*(_cell(row.get(column)) for column in columns))
        console.print(table)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_cell(item)}" for key, item in value.items())
    return str(value)
