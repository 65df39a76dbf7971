"""template -> fill -> import -> export -> import elsewhere -> export gives the same content."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from isms.core.models import Organisation
from isms.core.registers import all_registers
from isms.exchange.exporter import export_organisation, write_export
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from isms.exchange.template import write_template

pytestmark = pytest.mark.django_db


def fill_template(template: Path, data: dict[str, list[dict]]) -> None:
    workbook = load_workbook(template)
    for sheet_name, rows in data.items():
        sheet = workbook[sheet_name]
        header = [cell.value for cell in sheet[1]]
        for row in rows:
            sheet.append([row.get(column) for column in header])
    workbook.save(template)


def test_template_fill_import_export_round_trip(tmp_path, example_data, organisation):
    template = tmp_path / "template.xlsx"
    write_template(template)
    fill_template(template, example_data)

    report = import_sheets(organisation, read_path(template))
    assert all(result.created >= 1 for result in report.sheets.values())
    assert set(report.sheets) == {r.sheet for r in all_registers()}

    first = export_organisation(organisation)
    assert all(first[r.sheet] for r in all_registers()), "every sheet has a row"
    exported = tmp_path / "export.xlsx"
    write_export(first, exported)

    copy = Organisation.objects.create(slug="copy", name="Copy")
    import_sheets(copy, read_path(exported))
    assert export_organisation(copy) == first


@pytest.mark.parametrize("target", ["export.yaml", "export-csv"])
def test_yaml_and_csv_round_trip(tmp_path, example_data, organisation, target):
    from tests.exchange.conftest import as_sheets

    import_sheets(organisation, as_sheets(example_data))
    first = export_organisation(organisation)
    path = tmp_path / target
    write_export(first, path)
    copy = Organisation.objects.create(slug="copy", name="Copy")
    import_sheets(copy, read_path(path))
    assert export_organisation(copy) == first


def test_reimport_changes_nothing_and_edit_updates(tmp_path, example_data, organisation):
    from tests.exchange.conftest import as_sheets

    import_sheets(organisation, as_sheets(example_data))
    again = import_sheets(organisation, as_sheets(example_data))
    assert not again.changed
    assert all(r.created == r.updated == 0 for r in again.sheets.values())

    example_data["Risks"][0]["likelihood"] = "2"
    example_data["Risks"][0]["controls"] = "8.8"
    edited = import_sheets(organisation, as_sheets(example_data))
    assert edited.sheets["Risks"].updated == 1
    assert sum(r.updated for r in edited.sheets.values()) == 1
    risk = export_organisation(organisation)["Risks"][0]
    assert (risk["likelihood"], risk["inherent_score"], risk["controls"]) == (2, 10, "8.8")


def test_a_link_only_edit_counts_as_an_update(example_data, organisation):
    from tests.exchange.conftest import as_sheets

    import_sheets(organisation, as_sheets(example_data))
    example_data["Documents"][0]["controls"] = "5.1|5.2"
    report = import_sheets(organisation, as_sheets(example_data))
    assert (report.sheets["Documents"].updated, report.sheets["Documents"].unchanged) == (1, 0)


def test_evidence_can_link_records_of_any_register_in_the_same_file(organisation):
    from isms.evidence.models import EvidenceLink
    from isms.exchange.readers import read_yaml

    text = """
People: [{email: a@x.example, name: A}]
Internal audits: [{ref: IA-1, title: Access, planned_on: 2026-01-10, lead_auditor: a@x.example}]
Evidence: [{ref: EV-1, title: Audit report, kind: note, collected_on: 2026-02-01}]
Evidence links: [{evidence: EV-1, record_type: Internal audits, record_key: IA-1}]
"""
    import_sheets(organisation, read_yaml(text))
    link = EvidenceLink.objects.get()
    assert link.record.ref == "IA-1"
