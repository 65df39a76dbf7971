"""``isms verify``: re-hash every stored evidence file and name each one missing or changed."""

import typer
from rich.table import Table

from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit
from isms.cli.output import console

EXIT_PROBLEMS = 1


def verify_command(
    org: str | None = typer.Option(None, "--org", help="Only this organisation (default: all)."),
) -> None:
    """Check every evidence file version against the SHA-256 recorded at upload.

    Exits 1 naming each file that is missing or whose bytes changed; 0 when all are intact."""
    from isms.evidence.models import EvidenceFileVersion
    from isms.evidence.services import file_state

    ensure_database()
    versions = EvidenceFileVersion.objects.select_related("evidence", "organisation")
    if org:
        versions = versions.filter(organisation=organisation_or_exit(org))
    problems, checked = [], 0
    with console.status("Re-hashing evidence files..."):
        for version in versions.order_by("organisation__slug", "evidence__ref", "number").iterator(
            chunk_size=500
        ):
            checked += 1
            state = file_state(version)
            if state != "ok":
                problems.append((version, state))
    if not problems:
        console.print(f"{checked} evidence file(s) checked: all match their SHA-256.")
        return
    table = Table(title=f"{len(problems)} of {checked} evidence file(s) failed the check")
    for column in ("organisation", "evidence", "version", "file", "problem"):
        table.add_column(column)
    for version, state in problems:
        table.add_row(
            version.organisation.slug,
            version.evidence.ref,
            str(version.number),
            version.file_name,
            "missing" if state == "missing" else "changed since upload (SHA-256 differs)",
        )
    console.print(table)
    raise typer.Exit(EXIT_PROBLEMS)
