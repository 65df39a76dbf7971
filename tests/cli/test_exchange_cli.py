import json

import pytest
import yaml
from openpyxl import load_workbook

from isms.core.models import Organisation
from isms.people.models import Person
from tests.exchange.conftest import example_rows


@pytest.fixture
def acme(db):
    return Organisation.objects.create(slug="acme", name="Acme")


def test_template_has_instructions_every_sheet_and_drop_downs(cli, tmp_path):
    path = tmp_path / "blank.xlsx"
    result = cli("template", path)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == ["Instructions", "Lists"]
    assert "People" in workbook.sheetnames and "SoA" in workbook.sheetnames
    soa = workbook["SoA"]
    assert [cell.value for cell in soa[1]][:3] == ["control", "applicable", "inclusion_reasons"]
    formulas = {v.formula1 for v in soa.data_validations.dataValidation}
    assert '"yes,no"' in formulas
    assert any(f.startswith("Lists!$A$1") for f in formulas)
    assert '"monthly,quarterly,semiannual,annual,biennial"' in formulas


def test_import_yaml_then_export_and_reimport(cli, tmp_path, acme):
    data = tmp_path / "acme.yaml"
    data.write_text(yaml.safe_dump(example_rows(), sort_keys=False))
    result = cli("import", data, "--org", "acme")
    assert result.exit_code == 0, result.output
    assert "Imported acme.yaml into acme." in result.stdout
    again = cli("import", data, "--org", "acme")
    assert "Nothing changed" in again.stdout
    out = tmp_path / "out.xlsx"
    result = cli("export", out, "--org", "acme")
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["People"].max_row > 2


def test_import_problems_exit_2_with_every_problem(cli, tmp_path, acme):
    data = tmp_path / "bad.yaml"
    data.write_text(
        "People:\n  - {email: a@acme.example, name: A, start_date: soon}\n"
        "  - {email: b@acme.example, name: B, manager: nobody@acme.example}\n"
    )
    result = cli("import", data, "--org", "acme")
    assert result.exit_code == 2
    assert "bad.yaml: 2 problem(s); nothing was imported" in result.output
    assert "People, item 1, column start_date: expected a date" in result.output
    assert "People, item 2, column manager: unknown person 'nobody@acme.example'" in result.output
    assert not Person.objects.exists()


def test_import_problems_as_json(cli, tmp_path, acme):
    data = tmp_path / "bad.yaml"
    data.write_text("People:\n  - {email: a@acme.example}\n")
    result = cli("import", data, "--org", "acme", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == [
        {"sheet": "People", "row": 1, "column": "name", "message": "a value is required"}
    ]


def test_import_into_unknown_org_or_from_missing_file(cli, tmp_path, acme):
    result = cli("import", tmp_path / "none.xlsx", "--org", "acme")
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    result = cli("import", tmp_path / "none.xlsx", "--org", "initech")
    assert result.exit_code == 2
    assert "no organisation with slug 'initech'" in result.output


def test_export_refuses_unknown_format(cli, tmp_path, acme):
    result = cli("export", tmp_path / "out.pdf", "--org", "acme")
    assert result.exit_code == 2
    assert "use .xlsx, .yaml or a folder" in result.output


def test_generated_docs_are_current(cli, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).parents[2])
    result = cli("docs")
    assert result.exit_code == 0, result.output
