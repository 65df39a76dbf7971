"""``isms demo``: the main job on the embedded database."""

from pathlib import Path

from isms.cli.database import ensure_database
from isms.cli.exchange import import_progress
from isms.cli.output import console, fail
from isms.core.models import Organisation
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import ReadError, read_path

DEMO_SLUG = "acme"
DEMO_NAME = "Acme Components Ltd"


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


def demo() -> None:
    """Set up the embedded database, load the demo organisation `acme` from examples/acme."""
    from isms.catalog.models import Clause, Control, LegacyControl, Soc2Criterion

    did = ensure_database(verbose=True)
    console.print(
        f"Catalogue: {Clause.objects.count()} clauses, {Control.objects.count()} Annex A "
        f"controls, {LegacyControl.objects.count()} ISO 27001:2013 controls mapped, "
        f"{Soc2Criterion.objects.count()} SOC 2 criteria"
        + (" (loaded now)" if did["catalog_loaded"] else "")
    )
    organisation, created = Organisation.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": DEMO_NAME}
    )
    workbook = demo_workbook()
    try:
        with import_progress() as progress:
            report = import_sheets(organisation, read_path(workbook), progress)
    except (ReadError, ImportRejected) as error:
        fail(f"the demo workbook {workbook} is invalid", [str(p) for p in error.problems])
    rows = {sheet: r.created + r.updated + r.unchanged for sheet, r in report.sheets.items()}
    console.print(
        f"Demo organisation: [bold]{organisation.slug}[/] ({organisation.name})"
        + (" created" if created else " already present")
        + f"; {sum(rows.values())} register rows from {workbook.name}"
        + ("" if report.changed else " (already up to date)")
    )
    busiest = sorted(rows.items(), key=lambda item: -item[1])[:6]
    console.print("  " + ", ".join(f"{sheet}: {count}" for sheet, count in busiest) + ", ...")
    console.print(
        "Next: isms export --org acme acme.xlsx; the mock audit arrives with the next issue."
    )
