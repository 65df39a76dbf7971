"""``isms backup`` and ``isms restore``: the whole database and every evidence file in one
archive, and back into an empty database (docs/operations.md)."""

import datetime as dt
from pathlib import Path

import typer

from isms.cli.output import console, err_console, fail

TOKENS_NOTE = (
    "Not in the archive: API tokens (re-issue them: isms token create), the personal links of "
    "awareness campaigns (re-issue: isms awareness links) and sessions."
)
KEEP_SAFE_NOTE = (
    "The archive holds password hashes and the evidence files: keep it encrypted and readable "
    "only by the people who may restore it (docs/operations.md)."
)


def _database() -> str:
    from django.db import DEFAULT_DB_ALIAS, connections

    settings = connections[DEFAULT_DB_ALIAS].settings_dict
    return f"{settings['ENGINE'].rsplit('.', 1)[-1]} {settings['NAME']}"


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)  # pragma: no cover


def _model_line(label: str, count: int) -> None:
    if count:
        console.print(f"  {label:<48} {count:>8}", highlight=False)


def backup_command(
    path: Path = typer.Argument(
        ...,
        help="The archive to write (a .zip), or an existing folder to write "
        "isms-backup-<UTC time>.zip into.",
    ),
    force: bool = typer.Option(False, "--force", help="Replace the archive if it exists."),
) -> None:
    """Back up every organisation, user, membership, history row, assessment run and evidence
    file into one archive (mode 0600), with a manifest of SHA-256 hashes.

    API tokens are not included (re-issue them after a restore)."""
    from django.db import DatabaseError

    from isms.cli.database import ensure_database
    from isms.exchange.backup import BackupError, write_backup

    ensure_database()
    if path.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = path / f"isms-backup-{stamp}.zip"
    console.print(f"Backing up {_database()} to {path}", highlight=False)
    try:
        summary = write_backup(
            path,
            overwrite=force,
            on_model=_model_line,
            on_step=lambda message: console.print(message, highlight=False),
        )
    except BackupError as error:
        fail(f"no backup written: {error.message}", error.problems)
    except DatabaseError as error:
        fail(f"no backup written: the database failed: {error}")
    except OSError as error:
        fail(f"no backup written: cannot write {path}: {error.strerror or error}")
    for problem in summary.file_problems:
        err_console.print(
            f"[yellow]warning:[/] {problem['model']} {problem['pk']}: file {problem['file']} is "
            f"{problem['state']} (isms verify); backed up as it is",
            highlight=False,
        )
    console.print(
        f"Backup written: {path} ({_size(summary.archive_bytes)}, mode 0600): "
        f"{summary.records} records of {len(summary.models)} models "
        f"({summary.count('core.organisation')} organisation(s), "
        f"{summary.count('auth.user')} user(s), {summary.count('core.membership')} "
        f"membership(s)), {summary.files} evidence file(s) ({_size(summary.file_bytes)}).",
        highlight=False,
    )
    console.print(TOKENS_NOTE, highlight=False)
    console.print(KEEP_SAFE_NOTE, highlight=False)


def restore_command(
    path: Path = typer.Argument(..., help="An archive written by isms backup."),
) -> None:
    """Restore an archive into an empty database (a new ISMS_DATA_DIR or DATABASE_URL).

    The archive is checked first (every member's SHA-256, the migration state); everything is
    loaded in one transaction, and every evidence file is re-hashed before it commits. A
    database that already holds organisations, users or records is refused."""
    from django.db import DatabaseError

    from isms.cli.database import ensure_database
    from isms.exchange.restore import (
        RestoreRefused,
        check_migrations,
        occupied,
        open_archive,
        restore,
        verify_members,
    )

    archive = None
    try:
        archive = open_archive(path)
        manifest = archive.manifest
        console.print(
            f"Archive {path}: made by isms {manifest.get('isms_version', '?')} on "
            f"{manifest.get('created_at', '?')} from {manifest.get('database', '?')}; "
            f"{len(manifest['members'])} members, {_size(archive.total_bytes)}.",
            highlight=False,
        )
        with console.status("Checking the SHA-256 of every member..."):
            verify_members(archive)
        console.print("Every member matches the manifest's SHA-256.")
        check_migrations(archive)
        for warning in archive.warnings:
            err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
        ensure_database()
        held = occupied()
        if held:
            raise RestoreRefused(
                f"{_database()} is not empty; nothing was restored. Restore only into a new "
                "database: point ISMS_DATA_DIR at a new folder (or DATABASE_URL at a new, "
                "empty database) and run isms restore there",
                held,
            )
        console.print(f"Restoring into {_database()}:", highlight=False)
        summary = restore(
            archive,
            on_model=_model_line,
            on_step=lambda message: console.print(message, highlight=False),
        )
    except RestoreRefused as error:
        fail(error.message, error.problems)
    except DatabaseError as error:
        fail(f"nothing was restored: the database failed: {error}")
    except OSError as error:
        fail(f"nothing was restored: {error.strerror or error}: {error.filename or path}")
    finally:
        if archive is not None:
            archive.close()
    counts = dict(summary.models)
    for problem in summary.known_problems:
        err_console.print(
            f"[yellow]warning:[/] {problem['model']} {problem['pk']}: file {problem['file']} was "
            f"already {problem['state']} when the archive was made",
            highlight=False,
        )
    console.print(
        f"Restored {summary.records} records of {len(summary.models)} models "
        f"({counts.get('core.organisation', 0)} organisation(s), {counts.get('auth.user', 0)} "
        f"user(s), {counts.get('core.membership', 0)} membership(s)) and "
        f"{summary.files} evidence file(s) ({_size(summary.file_bytes)}); "
        f"{summary.files_checked} evidence file(s) re-hashed: "
        + (
            f"{len(summary.known_problems)} as damaged as in the source (above), the rest match."
            if summary.known_problems
            else "all match."
        ),
        highlight=False,
    )
    console.print(TOKENS_NOTE, highlight=False)
