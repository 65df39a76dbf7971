"""``isms benchmark``: the speed targets, measured on the demo organisation.

Targets (docs/benchmarks.md): importing the demo workbook under 15 s, the full mock audit under
3 s, the export under 5 s, and no rule above 12 queries (rules aggregate in the database, so the
count must not grow with the data)."""

import time

import typer
from django.db import transaction
from rich.table import Table

from isms.cli.database import ensure_database
from isms.cli.demo import DEMO_AS_OF, demo_workbook
from isms.cli.output import console
from isms.core.models import Organisation
from isms.exchange.exporter import export_organisation
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from isms.readiness.engine import run_assessment
from isms.readiness.profiling import profile_rules

TARGETS = {"import": 15.0, "assess": 3.0, "export": 5.0}
MAX_QUERIES_PER_RULE = 12
BENCH_SLUG = "benchmark-acme"


class _Rollback(Exception):
    pass


def benchmark_command(
    rules: bool = typer.Option(False, "--rules", help="Also list the cost of every rule."),
) -> None:
    """Measure import, mock audit and export on the demo data (in a transaction rolled back)."""
    ensure_database()
    timings: dict[str, float] = {}
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(slug=BENCH_SLUG, name="Benchmark")
            started = time.perf_counter()
            import_sheets(organisation, read_path(demo_workbook()))
            timings["import"] = time.perf_counter() - started
            started = time.perf_counter()
            result = run_assessment(organisation, DEMO_AS_OF)
            timings["assess"] = time.perf_counter() - started
            started = time.perf_counter()
            export_organisation(organisation)
            timings["export"] = time.perf_counter() - started
            costs = profile_rules(organisation, DEMO_AS_OF)
            raise _Rollback
    except _Rollback:
        pass

    table = Table(title="isms benchmark (demo organisation)")
    for column in ("step", "seconds", "target", "ok"):
        table.add_column(column)
    failed = False
    for step, seconds in timings.items():
        ok = seconds <= TARGETS[step]
        failed |= not ok
        table.add_row(step, f"{seconds:.2f}", f"≤ {TARGETS[step]:.0f}", "yes" if ok else "NO")
    worst = max(costs, key=lambda c: c.queries)
    ok = worst.queries <= MAX_QUERIES_PER_RULE
    failed |= not ok
    table.add_row(
        f"queries per rule (worst: {worst.code})",
        str(worst.queries),
        f"≤ {MAX_QUERIES_PER_RULE}",
        "yes" if ok else "NO",
    )
    console.print(table)
    console.print(f"{len(result.findings)} findings from {len(result.rules_run)} rules.")
    if rules:
        detail = Table(title="cost per rule")
        for column in ("rule", "queries", "ms", "findings"):
            detail.add_column(column)
        for cost in sorted(costs, key=lambda c: -c.seconds):
            detail.add_row(
                cost.code, str(cost.queries), f"{cost.seconds * 1000:.1f}", str(cost.findings)
            )
        console.print(detail)
    if failed:
        raise typer.Exit(1)
