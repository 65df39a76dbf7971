"""Bring the database up to date before a command runs: migrations, then the catalogue."""

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from isms.catalog.loader import load_catalog
from isms.catalog.models import Control
from isms.cli.output import console


def pending_migrations() -> list:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def ensure_database(verbose: bool = False) -> dict[str, bool]:
    """Apply pending migrations and load the catalogue when it is empty; says what it did."""
    did = {"migrated": False, "catalog_loaded": False}
    if pending_migrations():
        with console.status("Creating or upgrading the database..."):
            call_command("migrate", interactive=False, verbosity=0)
        did["migrated"] = True
    if not Control.objects.exists():
        with console.status("Loading the ISO/IEC 27001:2022 catalogue..."):
            load_catalog()
        did["catalog_loaded"] = True
    if verbose:
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        console.print(
            f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"
            + (" (migrations applied)" if did["migrated"] else " (up to date)")
        )
    return did
