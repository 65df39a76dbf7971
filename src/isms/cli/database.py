"""Bring the database up to date before a command runs: migrations, then the catalogue.

A command never creates a database where nobody asked for one: run from a folder with no
``var/`` and no ``ISMS_DATA_DIR``, ``isms`` used to create an empty database there silently, and
the user's records seemed to have vanished. Now a new SQLite database is created only when
``ISMS_DATA_DIR`` names the data folder, ``ISMS_CREATE_DATABASE=1`` is set, or the command is
``isms demo``; and the path is printed when it is.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from isms.catalog.loader import load_catalog
from isms.catalog.models import Control
from isms.cli.output import console, fail


def pending_migrations() -> list:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def new_sqlite_file() -> Path | None:
    """The SQLite file this command would create, or None when it exists (or is not a file)."""
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    name = str(database["NAME"])
    if "sqlite" not in database["ENGINE"] or not os.path.isabs(name):
        return None
    path = Path(name)
    return None if path.exists() else path


def ensure_database(verbose: bool = False, create: bool = False) -> dict[str, bool]:
    """Apply pending migrations and load the catalogue when it is empty; says what it did.

    ``create``: a new SQLite database may be made without ISMS_DATA_DIR (``isms demo``)."""
    did = {"migrated": False, "catalog_loaded": False}
    new = new_sqlite_file()
    if new is not None:
        asked = create or "ISMS_DATA_DIR" in os.environ or os.environ.get("ISMS_CREATE_DATABASE")
        if not asked:
            fail(
                f"no isms database in {settings.DATA_DIR}: set ISMS_DATA_DIR to the folder that "
                "holds it (./run isms does), or ISMS_CREATE_DATABASE=1 to create a new one there"
            )
        console.print(f"Creating a new database: {new}", highlight=False, soft_wrap=True)
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
