"""``isms assess --calibrate CB-REF``: the mock audit's prediction against the findings the
certification body graded at that external audit (see isms.readiness.calibration)."""

import json
import sys
from pathlib import Path

from rich.table import Table

from isms.audits.models import ExternalAudit, ExternalAuditFinding
from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit
from isms.cli.output import console, fail
from isms.readiness.calibration import Calibration, audit_point, calibrate
from isms.readiness.engine import run_assessment

GRADE_STYLE = {"major": "bold red", "minor": "yellow", "ofi": "cyan"}


def run_calibration(org: str, ref: str, fmt: str, output: Path | None) -> None:
    """Look up the external audit, run the mock audit at its date and stage, print the
    comparison as a table or (``fmt`` json) as JSON. Exits 2 on bad input."""
    ensure_database()
    organisation = organisation_or_exit(org)
    if fmt not in ("table", "json"):
        fail("--calibrate prints a table or JSON (--format table|json)")
    if fmt == "table" and output is not None:
        fail("--output is for --format json; the table prints to the terminal")
    audit = ExternalAudit.objects.filter(organisation=organisation, ref=ref).first()
    if audit is None:
        known = list(
            ExternalAudit.objects.filter(organisation=organisation)
            .order_by("ref")
            .values_list("ref", flat=True)
        )
        fail(
            f"no external audit {ref!r} in {organisation.slug}; "
            + (f"the external audits are: {', '.join(known)}" if known else "none is recorded")
        )
    if not ExternalAuditFinding.objects.filter(organisation=organisation, audit=audit).exists():
        fail(
            f"{ref} has no recorded findings to compare with; add the certification body's "
            "findings to the External audit findings sheet and import it"
        )
    as_of, stage = audit_point(audit)
    if fmt == "table":
        with console.status(f"Running the mock audit as of {as_of}, stage {stage}..."):
            result = run_assessment(organisation, as_of=as_of, stage=stage)
    else:
        result = run_assessment(organisation, as_of=as_of, stage=stage)
    calibration = calibrate(result, audit)
    if fmt == "json":
        text = json.dumps(calibration.as_dict(), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                fail(f"cannot write {output}: {error}")
            console.print(f"Wrote {output}.")
        return
    print_calibration(calibration)


def _grade(grade: str, label: str | None = None) -> str:
    return f"[{GRADE_STYLE.get(grade, '')}]{label or grade}[/]"


def print_calibration(calibration: Calibration) -> None:
    audit = calibration.audit
    held = f"held {audit.held_on}" if audit.held_on else f"planned {audit.planned_on}"
    table = Table(
        title=(
            f"Calibration of the mock audit against {audit.ref} "
            f"({audit.get_kind_display()}, {audit.certification_body}, {held}): "
            f"mock audit as of {calibration.as_of}, stage {calibration.stage}"
        )
    )
    for column in ("grade", "outcome", "CB finding", "mock-audit finding", "grades"):
        table.add_column(column)
    for row in calibration.rows:
        for match in row.matched:
            found, predicted = match.recorded, match.predicted
            table.add_row(
                _grade(row.grade),
                "[green]predicted and found[/]",
                f"{found.ref} {found.reference} ({found.grade}): {found.statement}",
                f"{predicted.key} {predicted.reference}: {predicted.title}",
                "agrees"
                if match.grade_agrees
                else f"[red]predicted {predicted.grade}[/], CB {found.grade}",
            )
        for found in row.unexpected:
            table.add_row(
                _grade(row.grade),
                "[red]found, not predicted[/]",
                f"{found.ref} {found.reference} ({found.grade}): {found.statement}",
                "",
                "",
            )
        for predicted in row.missed:
            table.add_row(
                _grade(row.grade),
                "[yellow]predicted, not found[/]",
                "",
                f"{predicted.key} {predicted.reference}: {predicted.title}",
                "",
            )
    console.print(table)

    summary = Table(title="Per grade")
    columns = (
        "grade",
        "predicted",
        "found by CB",
        "matched",
        "grade agreed",
        "predicted, not found",
        "found, not predicted",
    )
    for column in columns:
        summary.add_column(column, justify="left" if column == "grade" else "right")
    for row in calibration.rows:
        summary.add_row(
            _grade(row.grade),
            str(row.predicted),
            str(row.found),
            str(len(row.matched)),
            str(row.agreed),
            str(len(row.missed)),
            str(len(row.unexpected)),
        )
    console.print(summary)

    comparison = calibration.comparison
    matched = len(comparison.matched)
    console.print(
        f"Precision {_figure(matched, comparison.predicted_count)}: predictions the CB also "
        f"raised. Recall {_figure(matched, comparison.found_count)}: CB findings the mock audit "
        f"predicted. Grade agreed on {_figure(comparison.agreed, matched)} of the pairs "
        "(an area of concern counts as a minor).",
        highlight=False,
    )
    for note in calibration.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(
        "A self-assessment: the mock audit predicts, the certification body decides.",
        highlight=False,
    )


def _figure(numerator: int, denominator: int) -> str:
    if not denominator:
        return f"{numerator}/0 (n/a)"
    return f"{numerator}/{denominator} ({numerator / denominator:.0%})"
