import csv
import io
import json
from collections import Counter


def test_controls_json_lists_93_with_theme_counts(cli):
    result = cli("catalog", "controls", "--format", "json")
    assert result.exit_code == 0, result.output
    controls = json.loads(result.stdout)
    assert len(controls) == 93
    assert Counter(c["theme"] for c in controls) == {
        "Organizational": 37,
        "People": 8,
        "Physical": 14,
        "Technological": 34,
    }
    access = next(c for c in controls if c["id"] == "5.15")
    assert access["title"] == "Access control"
    assert access["control_type"] == ["Preventive"]


def test_controls_filtered_by_theme_as_csv(cli):
    result = cli("catalog", "controls", "--theme", "People", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == [f"6.{n}" for n in range(1, 9)]
    assert rows[0]["theme"] == "People"


def test_unknown_theme_is_bad_input(cli):
    result = cli("catalog", "controls", "--theme", "Magic")
    assert result.exit_code == 2
    assert "Magic" in result.output


def test_clauses_json_marks_documented_information(cli):
    clauses = json.loads(cli("catalog", "clauses", "--format", "json").stdout)
    by_id = {clause["id"]: clause for clause in clauses}
    assert by_id["4.3"]["documented_information"] == "maintain"
    assert by_id["9.3.3"]["documented_information"] == "available"
    assert by_id["4.1"]["documented_information"] is None
    assert by_id["9.2.2"]["parent"] == "9.2"


def test_soc2_lists_61_criteria(cli):
    criteria = json.loads(cli("catalog", "soc2", "--format", "json").stdout)
    assert len(criteria) == 61
    assert criteria[0]["id"] == "CC1.1"


def test_mapping_from_2013_covers_all_114_controls(cli):
    links = json.loads(cli("catalog", "mapping", "--from", "iso27001-2013", "-f", "json").stdout)
    assert len({link["source_id"] for link in links}) == 114
    assert {"source_id": "A.9.2.5", "target_id": "5.18"}.items() <= next(
        link for link in links if link["source_id"] == "A.9.2.5"
    ).items()


def test_mapping_from_soc2_carries_rationale(cli):
    links = json.loads(cli("catalog", "mapping", "--from", "soc2", "-f", "json").stdout)
    assert {link["source_id"] for link in links} >= {"CC6.1", "P8.1"}
    assert all(link["rationale"] for link in links)
    assert {link["target_type"] for link in links} == {"clause", "control"}


def test_catalog_load_is_idempotent(cli):
    result = cli("catalog", "load")
    assert result.exit_code == 0
    assert "Catalogue already up to date." in result.stdout
