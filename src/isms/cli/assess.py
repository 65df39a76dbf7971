"""``isms assess`` (the mock certification audit) and ``isms rules`` (the rule catalogue)."""

import datetime as dt
import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core.permissions import Action
from isms.readiness.engine import DEFAULT_PROFILE, Profile, run_assessment
from isms.readiness.finding import Grade
from isms.readiness.registry import all_rules
from isms.readiness.reports.json import result_to_dict
from isms.readiness.store import diff_with_previous, latest_assessment, save_result

EXIT_FINDINGS = 1


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


class FailOn(StrEnum):
    major = "major"
    minor = "minor"


def _codes(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of expects a date like 2026-11-30, got {value!r}")


def assess_command(
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Audit date YYYY-MM-DD; rules judge at this date. Default today."
    ),
    stage: int = typer.Option(
        2, "--stage", min=1, max=2, help="1 = documents and readiness; 2 = implementation too."
    ),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report here (required for pdf)."
    ),
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit 1 when a finding of this grade or worse exists."
    ),
    select: str | None = typer.Option(
        None, "--select", help="Only these rules: codes or prefixes, comma-separated (SOA,RSK001)."
    ),
    ignore: str | None = typer.Option(None, "--ignore", help="Skip these rules (codes/prefixes)."),
    diff: bool = typer.Option(
        False, "--diff", help="Show findings new and resolved since the last run."
    ),
    save: bool = typer.Option(
        True, "--save/--no-save", help="Store the run for trends and --diff."
    ),
    as_user: str | None = typer.Option(None, "--as", help="Record the run as made by this user."),
    major_days: int = typer.Option(
        DEFAULT_PROFILE.major_days,
        "--major-days",
        min=1,
        help="Days after stage 2 to show correction and corrective action of a major.",
    ),
    minor_days: int = typer.Option(
        DEFAULT_PROFILE.minor_days,
        "--minor-days",
        min=1,
        help="Days for a minor's corrective action plan when no external audit is planned.",
    ),
    escalate_at: int = typer.Option(
        DEFAULT_PROFILE.pervasive_count,
        "--escalate-at",
        min=0,
        help="Records of one issue that, with --pervasive-share, make it pervasive (0: never).",
    ),
    pervasive_share: float = typer.Option(
        DEFAULT_PROFILE.pervasive_share,
        "--pervasive-share",
        min=0.0,
        max=1.0,
        help="Share of the population an issue must reach to be pervasive (0.2 = 20%).",
    ),
    ownership: bool = typer.Option(
        DEFAULT_PROFILE.ownership_escalation,
        "--ownership-escalation/--no-ownership-escalation",
        help="Grade a cluster of minors with one accountable owner as one major.",
    ),
    calibrate: str | None = typer.Option(
        None,
        "--calibrate",
        metavar="CB-REF",
        help=(
            "Compare the mock audit with the findings recorded for this external audit. The date "
            "(held_on, else planned_on) and stage (1 for a stage 1 audit, else 2) are always "
            "taken from the audit; --as-of, --stage, --select, --diff and the grading options do "
            "not apply, and the run is not stored. Table or JSON."
        ),
    ),
) -> None:
    """Run the mock certification audit and report what an auditor would raise."""
    if calibrate is not None:
        from isms.cli.calibrate import run_calibration

        run_calibration(org, calibrate, fmt.value, output)
        return
    ensure_database()
    organisation = organisation_or_exit(org)
    user = user_or_exit(as_user, organisation, Action.RUN_ASSESSMENT)
    audit_date = _as_of(as_of)
    selected, ignored = _codes(select), _codes(ignore)
    known = {r.code for r in all_rules()} | {r.name for r in all_rules()}
    for value in (selected or []) + (ignored or []):
        if not any(code.startswith(value) for code in known) and value not in known:
            fail(f"no rule matches {value!r}; see isms rules")
    if fmt is ReportFormat.pdf and output is None:
        fail("--format pdf needs --output PATH.pdf")

    with console.status("Running the mock audit...") if fmt is ReportFormat.table else _quiet():
        profile = Profile(
            major_days=major_days,
            minor_days=minor_days,
            pervasive_count=escalate_at,
            pervasive_share=pervasive_share,
            ownership_escalation=ownership,
        )
        if profile != DEFAULT_PROFILE:
            profile = replace(profile, name="custom")
        result = run_assessment(organisation, audit_date, stage, selected, ignored, profile)
    previous = latest_assessment(organisation) if diff else None
    if save:
        save_result(result, user, {"select": selected, "ignore": ignored})

    if fmt is ReportFormat.json:
        data = result_to_dict(result)
        if diff:
            changes = diff_with_previous(result, previous)
            data["diff"] = {
                "previous_run_at": changes.previous.run_at.isoformat()
                if changes.previous
                else None,
                "new": [f.as_dict() for f in changes.new],
                "resolved": [
                    {"key": f.key, "code": f.code, "title": f.title} for f in changes.resolved
                ],
            }
        _write(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
    elif fmt is ReportFormat.html:
        from isms.readiness.reports.html import render_html

        _write(render_html(result), output)
    elif fmt is ReportFormat.pdf:
        from isms.readiness.reports.pdf import write_pdf

        pages = write_pdf(result, output)
        console.print(f"Wrote {output} ({pages} pages).")
    else:
        _print_table(result)
        if diff:
            _print_diff(result, previous)
        if output:
            fail("--output is for json, html and pdf; the table prints to the terminal")

    if result.errors:
        for error in result.errors:
            console.print(f"[red]rule {error.code} failed:[/] {error.message}", highlight=False)
    if fail_on is not None:
        threshold = Grade(fail_on.value).rank
        if any(f.grade.rank >= threshold for f in result.findings):
            raise typer.Exit(EXIT_FINDINGS)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error}")
    console.print(f"Wrote {output}.")


GRADE_STYLE = {"major": "bold red", "minor": "yellow", "ofi": "cyan"}


def _print_table(result) -> None:
    stage1 = result.stage == 1
    table = Table(
        title=(
            f"Mock audit of {result.organisation.slug} as of {result.as_of}, stage {result.stage}"
        ),
        show_lines=True,
    )
    for column in ("grade", "key", "reference", "extent", "statement", "due"):
        table.add_column(column, overflow="fold")
    for finding in result.findings:
        grade = finding.grade.value
        label = {"major": "potential major", "minor": "concern"}.get(grade, grade)
        table.add_row(
            f"[{GRADE_STYLE[grade]}]{label if stage1 else grade}[/]",
            finding.key,
            ", ".join(finding.references),
            str(finding.extent),
            _first_sentence(finding.statement),
            finding.due.isoformat() if finding.due else "",
        )
    console.print(table)
    counts = result.counts
    figures = result.figures
    kind = "area(s) of concern" if stage1 else "nonconformities"
    console.print(
        f"{counts['major']} major and {counts['minor']} minor {kind}, {counts['ofi']} OFI; "
        f"{len(result.credited)} issue(s) credited to the organisation's own NC log; "
        f"{len(result.advisories)} advisory note(s). Clauses conforming "
        f"{figures['clauses']['conforming']} of {figures['clauses']['total']}; applicable "
        f"controls with no nonconformity {figures['controls']['conforming']} of "
        f"{figures['controls']['total']}.",
        highlight=False,
    )
    for pattern in result.patterns:
        console.print(f"Pattern: {pattern.note}", highlight=False)
    for advisory in result.advisories:
        console.print(f"Advisory ({advisory.code}): {advisory.detail}", highlight=False)
    word = "Readiness:" if stage1 else "Verdict: certification"
    console.print(f"{word} [bold]{result.verdict}[/].", highlight=False)
    console.print(result.conclusion, highlight=False)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _print_diff(result, previous) -> None:
    changes = diff_with_previous(result, previous)
    if changes.previous is None:
        console.print("No previous run to compare with.")
        return
    console.print(
        f"Since the run of {changes.previous.run_at:%Y-%m-%d %H:%M} (as of "
        f"{changes.previous.as_of}): {len(changes.new)} new, {len(changes.resolved)} resolved, "
        f"{changes.unchanged} unchanged."
    )
    for finding in changes.new:
        console.print(f"  [red]+ {finding.key}[/] {finding.title}", highlight=False)
    for finding in changes.resolved:
        console.print(f"  [green]- {finding.key}[/] {finding.title}", highlight=False)


def rules_command(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List every rule of the mock audit: code, name, reference, stage, grade, summary."""
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "reference": r.reference,
            "stage": r.stage,
            "grade": r.grade.value,
            "summary": r.sections["What it checks"],
            "why": r.sections["Why an auditor cares"],
            "fix": r.sections["How to fix"],
            "grading": r.sections["Grade"],
            "version": r.version,
        }
        for r in all_rules()
    ]
    columns = ["code", "name", "reference", "stage", "grade"]
    if fmt is not OutputFormat.table:
        columns += ["summary", "why", "fix", "grading", "version"]
    emit(rows, columns, fmt, title=f"{len(rows)} mock-audit rules")
