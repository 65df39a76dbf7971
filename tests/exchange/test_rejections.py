"""Bad input: every problem reported at once, located precisely, and nothing written."""

import pytest
from openpyxl import Workbook

from isms.core.models import Organisation
from isms.core.registers import all_registers
from isms.exchange.exporter import export_organisation
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import ReadError, read_path, read_yaml
from isms.people.models import Person
from tests.exchange.conftest import as_sheets

pytestmark = pytest.mark.django_db


def write_workbook(path, data: dict[str, list[list]]):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in data.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def test_ten_planted_errors_are_reported_exactly_and_nothing_changes(tmp_path, organisation):
    Person.objects.create(organisation=organisation, email="kept@acme.example", name="Kept")
    before = export_organisation(organisation)
    path = tmp_path / "bad.xlsx"
    write_workbook(
        path,
        {
            "Departments": [["name", "manager"], ["Engineering", "ghost@acme.example"]],  # 1
            "People": [
                ["email", "name", "department", "start_date", "kind"],
                ["ann@acme.example", "Ann", "Engineering", "next monday", "employee"],  # 2
                ["bob@acme.example", "Bob", "Engineering", "2024-01-01", "intern"],  # 3
                ["ann@acme.example", "Ann again", "Engineering", "2024-01-01", "employee"],  # 4
                ["not-an-email", "Carl", "", "", ""],  # 5
            ],
            "Systems": [["owner", "criticality"], ["ann@acme.example", "high"]],  # 6
            "SoA": [
                ["control", "applicable", "owner"],
                ["5.15", "yes", "bob@acme.example"],
                ["5.99", "yes", ""],  # 7
                ["5.16", "maybe", ""],  # 8
            ],
            "Risk method": [
                ["name", "acceptance_threshold", "high_threshold", "review_interval_months"],
                ["Method", "6", "15", "twelve"],  # 9
            ],
            "Budgets": [["what"], ["x"]],  # 10
        },
    )
    with pytest.raises(ImportRejected) as rejected:
        import_sheets(organisation, read_path(path))
    assert [str(problem) for problem in rejected.value.problems] == [
        "Budgets: unknown sheet; the sheets are: "
        + ", ".join(register.sheet for register in all_registers()),
        "Departments, row 2, column manager: unknown person 'ghost@acme.example' "
        "(not in the People sheet or the database)",
        "People, row 2, column start_date: expected a date like 2026-03-31, got 'next monday'",
        "People, row 3, column kind: expected one of employee, contractor; got 'intern'",
        "People, row 4, column email: duplicate key 'ann@acme.example': also in row 2",
        "People, row 5, column email: Enter a valid email address.",
        "Risk method, row 2, column review_interval_months: expected a whole number, got 'twelve'",
        "SoA, row 3, column control: unknown Annex A control '5.99' (not in the catalogue)",
        "SoA, row 4, column applicable: expected yes or no, got 'maybe'",
        "Systems, column name: required column is missing",
    ]
    assert export_organisation(organisation) == before


def test_required_values_and_model_rules(organisation):
    sheets = as_sheets(
        {
            "Risk method": [
                {"name": "", "acceptance_threshold": "6", "high_threshold": "15"},
                {"name": "Upside down", "acceptance_threshold": "16", "high_threshold": "15"},
            ]
        }
    )
    with pytest.raises(ImportRejected) as rejected:
        import_sheets(organisation, sheets)
    assert [str(p) for p in rejected.value.problems] == [
        "Risk method, row 2, column name: a value is required",
        "Risk method, row 3, column acceptance_threshold: must be lower than high_threshold",
    ]


def test_references_never_cross_organisations(organisation):
    other = Organisation.objects.create(slug="globex", name="Globex")
    Person.objects.create(organisation=other, email="spy@globex.example", name="Spy")
    sheets = as_sheets({"Departments": [{"name": "R&D", "manager": "spy@globex.example"}]})
    with pytest.raises(ImportRejected, match="1 problem"):
        import_sheets(organisation, sheets)


def test_an_unreadable_workbook_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(ReadError) as error:
        read_path(path)
    assert error.value.problems[0].sheet == "fake.xlsx"
    assert "not a readable .xlsx workbook" in error.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list", "expected a mapping of sheet names to lists of rows"),
        ("People: {email: x}", "expected a list of rows"),
        ("People: [1, 2]", "expected a mapping of column to value"),
        ("People: [\n  - {email: a", "not valid YAML"),
    ],
)
def test_bad_yaml_shapes(text, message):
    with pytest.raises(ReadError) as error:
        read_yaml(text, "data.yaml")
    assert message in str(error.value)


def test_csv_that_is_not_utf8(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_bytes("email,name\nz@x.example,Zo\xe9\n".encode("latin-1"))
    with pytest.raises(ReadError, match="not UTF-8"):
        read_path(folder)


def test_unknown_and_duplicated_columns(organisation):
    sheet = as_sheets({"Departments": [{"name": "Ops", "colour": "blue"}]})
    with pytest.raises(ImportRejected) as rejected:
        import_sheets(organisation, sheet)
    assert "Departments, column colour: unknown column; the columns are: name, manager" in [
        str(p) for p in rejected.value.problems
    ]
