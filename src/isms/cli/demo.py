"""``isms demo``: the main job on the embedded database.

Rebuilds the demo organisation ``acme`` from examples/acme/acme.xlsx (other organisations in the
database are left alone), runs the mock audit as of the demo's reference date, prints the summary
and writes the HTML and PDF reports."""

import datetime as dt
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from rich.table import Table

from isms.cli.database import ensure_database
from isms.cli.exchange import import_progress
from isms.cli.output import console, fail
from isms.core.models import Organisation
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import ReadError, read_path
from isms.readiness.engine import DISCLAIMER, run_assessment
from isms.readiness.finding import Grade
from isms.readiness.store import save_result

DEMO_SLUG = "acme"
DEMO_NAME = "Acme Components Ltd"
#: The audit date the demo data is written for (examples/acme/README.md).
DEMO_AS_OF = dt.date(2026, 11, 30)


def demo_workbook() -> Path:
    """examples/acme/acme.xlsx: from the source tree, or as installed inside the package."""
    candidates = [
        Path(__file__).resolve().parents[3] / "examples" / "acme" / "acme.xlsx",
        Path(__file__).resolve().parents[1] / "examples" / "acme" / "acme.xlsx",
    ]
    for path in candidates:
        if path.exists():
            return path
    fail("the demo workbook examples/acme/acme.xlsx is missing from this installation")


def load_demo() -> tuple[Organisation, int]:
    """A fresh ``acme`` organisation filled from the workbook; returns (org, rows imported)."""
    workbook = demo_workbook()
    try:
        sheets = read_path(workbook)
        with transaction.atomic():
            Organisation.objects.filter(slug=DEMO_SLUG).delete()
            organisation = Organisation.objects.create(slug=DEMO_SLUG, name=DEMO_NAME)
            with import_progress() as progress:
                report = import_sheets(organisation, sheets, progress)
    except (ReadError, ImportRejected) as error:
        fail(f"the demo workbook {workbook} is invalid", [str(p) for p in error.problems])
    return organisation, sum(r.created for r in report.sheets.values())


def demo() -> None:
    """Build the demo organisation `acme`, run the mock audit and write its reports."""
    from isms.catalog.models import Control
    from isms.readiness.reports.html import render_html
    from isms.readiness.reports.pdf import write_pdf

    did = ensure_database(verbose=True, create=True)
    if did["catalog_loaded"]:
        console.print(f"Catalogue loaded: {Control.objects.count()} Annex A controls and more.")
    organisation, rows = load_demo()
    console.print(
        f"Demo organisation [bold]{organisation.slug}[/] ({organisation.name}): {rows} register "
        "rows loaded from examples/acme/acme.xlsx."
    )

    with console.status("Running the mock audit..."):
        result = run_assessment(organisation, DEMO_AS_OF, stage=2)
        save_result(result)
    _print_summary(result)

    reports = Path(settings.DATA_DIR) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    stem = reports / f"{organisation.slug}-mock-audit-{result.as_of}"
    html_path = stem.with_suffix(".html")
    html_path.write_text(render_html(result), encoding="utf-8")
    with console.status("Writing the PDF report..."):
        pages = write_pdf(result, stem.with_suffix(".pdf"))
    console.print(f"HTML report: {html_path}")
    console.print(f"PDF report:  {stem.with_suffix('.pdf')} ({pages} pages)")


def _print_summary(result) -> None:
    counts = result.counts
    table = Table(title=f"Mock audit of {result.organisation.name} as of {result.as_of}")
    for column in ("area", "major", "minor", "ofi"):
        table.add_column(column, justify="left" if column == "area" else "right")
    by_area: dict[str, Counter] = {}
    for finding in result.findings:
        area = _area(finding.reference)
        by_area.setdefault(area, Counter())[finding.grade.value] += 1
    for area in sorted(by_area, key=_area_order):
        tally = by_area[area]
        table.add_row(area, str(tally["major"]), str(tally["minor"]), str(tally["ofi"]))
    table.add_row(
        "[bold]total[/]",
        f"[bold]{counts['major']}[/]",
        f"[bold]{counts['minor']}[/]",
        f"[bold]{counts['ofi']}[/]",
    )
    console.print(table)
    for finding in result.findings:
        if finding.grade is not Grade.OFI:
            console.print(
                f"  {finding.grade.value:5} {finding.reference:8} {finding.title} "
                f"({finding.extent})",
                highlight=False,
            )
    console.print(
        f"{len(result.rules_run)} rules ran; {len(result.credited)} issue(s) credited to the "
        f"organisation's own NC log; clauses conforming {result.figures['clauses']['conforming']}"
        f" of {result.figures['clauses']['total']}. Verdict: [bold]certification "
        f"{result.verdict}[/].",
        highlight=False,
    )
    console.print(DISCLAIMER, highlight=False)
    for error in result.errors:
        console.print(f"[red]rule {error.code} failed:[/] {error.message}", highlight=False)


CLAUSE_AREAS = {
    "4": "4 Context",
    "5": "5 Leadership",
    "6": "6 Planning",
    "7": "7 Support",
    "8": "8 Operation",
    "9": "9 Performance evaluation",
    "10": "10 Improvement",
}
THEMES = {
    "5": "A.5 Organizational",
    "6": "A.6 People",
    "7": "A.7 Physical",
    "8": "A.8 Technological",
}


def _area(reference: str) -> str:
    """Clause 4-10 for clause references ("9.2"), the Annex A theme for controls ("A.5.18")."""
    head = reference.split()[0].split(",")[0]
    if head.startswith("A."):
        return THEMES.get(head[2:].split(".")[0], "Annex A")
    if head == "Annex":
        return "Annex A"
    return CLAUSE_AREAS.get(head.split(".")[0], head)


def _area_order(area: str) -> tuple:
    if area.startswith("A."):
        return (1, area)
    number = area.split()[0]
    return (0, int(number)) if number.isdigit() else (2, area)
