"""``isms catalog``: load and browse the reference frameworks."""

from enum import StrEnum

import typer
from django.db.models import Prefetch

from isms.catalog.loader import CatalogError, load_catalog
from isms.catalog.models import Clause, Control, ControlAttribute, LegacyControl, Soc2Criterion
from isms.cli.database import ensure_database
from isms.cli.output import OutputFormat, console, emit, fail

app = typer.Typer(help="The reference catalogue: clauses, Annex A controls, SOC 2, mappings.")

FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")


class Theme(StrEnum):
    Organizational = "Organizational"
    People = "People"
    Physical = "Physical"
    Technological = "Technological"


class MappingSource(StrEnum):
    all = "all"
    iso2013 = "iso27001-2013"
    soc2 = "soc2"


@app.command("load")
def load() -> None:
    """Load or refresh the catalogue from the packaged data files (safe to run again)."""
    ensure_database()
    try:
        report = load_catalog()
    except CatalogError as error:
        fail("the packaged catalogue data is inconsistent", error.problems)
    for label, total in report.totals.items():
        console.print(
            f"{label:>20}: {total:4d}  (created {report.created[label]}, "
            f"updated {report.updated[label]}, removed {report.removed[label]})"
        )
    console.print("Catalogue loaded." if report.changed else "Catalogue already up to date.")


@app.command("controls")
def controls(
    theme: Theme | None = typer.Option(None, "--theme", "-t", help="Only this theme."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """The 93 Annex A controls of ISO/IEC 27001:2022 with their ISO/IEC 27002 attributes."""
    ensure_database()
    queryset = Control.objects.prefetch_related(
        Prefetch("attributes", queryset=ControlAttribute.objects.order_by("kind", "value"))
    )
    if theme is not None:
        queryset = queryset.filter(theme=theme.value)
    rows = []
    for control in queryset:
        row = {
            "id": control.ref,
            "title": control.title,
            "theme": control.theme,
            "new_in_2022": control.new_in_2022,
            "summary": control.summary,
        }
        for kind in ControlAttribute.Kind.values:
            row[kind] = [a.value for a in control.attributes.all() if a.kind == kind]
        rows.append(row)
    columns = ["id", "title", "theme", "new_in_2022"]
    if fmt is not OutputFormat.table:
        columns += ["summary", *ControlAttribute.Kind.values]
    emit(rows, columns, fmt, title=f"ISO/IEC 27001:2022 Annex A ({len(rows)} controls)")


@app.command("clauses")
def clauses(fmt: OutputFormat = FORMAT) -> None:
    """Clauses 4-10 of ISO/IEC 27001:2022 and the documented information each requires."""
    ensure_database()
    rows = [
        {
            "id": clause.ref,
            "title": clause.title,
            "parent": clause.parent.ref if clause.parent else None,
            "documented_information": clause.documented_information or None,
            "documented_information_note": clause.documented_information_note or None,
            "summary": clause.summary,
        }
        for clause in Clause.objects.select_related("parent")
    ]
    columns = ["id", "title", "documented_information"]
    if fmt is not OutputFormat.table:
        columns += ["parent", "documented_information_note", "summary"]
    emit(rows, columns, fmt, title="ISO/IEC 27001:2022 clauses")


@app.command("soc2")
def soc2(fmt: OutputFormat = FORMAT) -> None:
    """The 61 SOC 2 Trust Services Criteria (2017) with short titles in our own words."""
    ensure_database()
    rows = [
        {
            "id": criterion.ref,
            "title": criterion.title,
            "series": criterion.series,
            "series_name": criterion.series_name,
            "category": criterion.category,
        }
        for criterion in Soc2Criterion.objects.all()
    ]
    emit(rows, ["id", "title", "series_name", "category"], fmt, title="SOC 2 TSC 2017")


@app.command("mapping")
def mapping(
    source: MappingSource = typer.Option(
        MappingSource.all, "--from", help="Which framework to map from."
    ),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Mappings onto ISO/IEC 27001:2022: the 2013 edition's controls and SOC 2 criteria."""
    ensure_database()
    rows: list[dict] = []
    if source in (MappingSource.all, MappingSource.iso2013):
        for legacy in LegacyControl.objects.prefetch_related("controls"):
            rows.extend(
                {
                    "source": "ISO/IEC 27001:2013",
                    "source_id": legacy.ref,
                    "source_title": legacy.title,
                    "target_type": "control",
                    "target_id": control.ref,
                    "target_title": control.title,
                    "rationale": None,
                }
                for control in sorted(legacy.controls.all(), key=lambda c: c.sort_key)
            )
    if source in (MappingSource.all, MappingSource.soc2):
        for criterion in Soc2Criterion.objects.prefetch_related("links__clause", "links__control"):
            for link in criterion.links.all():
                rows.append(
                    {
                        "source": "SOC 2 TSC 2017",
                        "source_id": criterion.ref,
                        "source_title": criterion.title,
                        "target_type": link.target_type,
                        "target_id": link.target.ref,
                        "target_title": link.target.title,
                        "rationale": link.rationale,
                    }
                )
    columns = ["source", "source_id", "target_type", "target_id", "target_title"]
    if fmt is not OutputFormat.table:
        columns = [*columns[:2], "source_title", *columns[2:], "rationale"]
    emit(rows, columns, fmt, title="Mappings onto ISO/IEC 27001:2022")
