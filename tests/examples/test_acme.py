"""The demo organisation's workbook: in sync with its generator, imports cleanly, round-trips."""

import subprocess
import sys
from pathlib import Path

import pytest

from isms.core.models import Organisation
from isms.exchange.exporter import export_organisation
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path

ACME = Path(__file__).parents[2] / "examples" / "acme"


def test_workbook_is_what_the_generator_writes(tmp_path):
    out = tmp_path / "acme.xlsx"
    subprocess.run(
        [sys.executable, str(ACME / "build_workbook.py"), str(out)], check=True, timeout=300
    )
    assert out.read_bytes() == (ACME / "acme.xlsx").read_bytes(), (
        "examples/acme/acme.xlsx is stale: run examples/acme/build_workbook.py and commit it"
    )


@pytest.mark.django_db
def test_acme_imports_and_round_trips(tmp_path, organisation):
    report = import_sheets(organisation, read_path(ACME / "acme.xlsx"))
    counts = {sheet: result.created for sheet, result in report.sheets.items()}
    assert counts["People"] == 250
    assert counts["Departments"] == 10
    assert counts["Suppliers"] == 40
    assert counts["SoA"] == 93
    assert counts["Assets"] >= 120 and counts["Risks"] >= 80
    assert all(counts.values()), "every register has rows"

    exported = export_organisation(organisation)
    path = tmp_path / "acme-export.xlsx"
    from isms.exchange.exporter import write_export

    write_export(exported, path)
    copy = Organisation.objects.create(slug="copy", name="Copy")
    import_sheets(copy, read_path(path))
    assert export_organisation(copy) == exported
