"""The packaged catalogue against the public reference data (tests/catalog/reference, a copy of
shared/reference) and its own internal consistency."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from isms.catalog.loader import ATTRIBUTE_VOCABULARY, DATA_FILES, read_rows, validate

REFERENCE = Path(__file__).parent / "reference"
SHARED_REFERENCE = Path(__file__).parents[3] / "shared" / "reference"
NEW_IN_2022 = {"5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28"}


def reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_controls_match_reference_ids_titles_themes_and_order():
    expected = [
        (r["id"], r["title"], r["theme"], r["new_in_2022"])
        for r in reference("iso27001-2022-annex-a.csv")
    ]
    actual = [(r["id"], r["title"], r["theme"], r["new_in_2022"]) for r in read_rows("controls")]
    assert actual == expected
    assert len(actual) == 93
    assert Counter(theme for _, _, theme, _ in actual) == {
        "Organizational": 37,
        "People": 8,
        "Physical": 14,
        "Technological": 34,
    }
    assert {ref for ref, _, _, new in actual if new == "yes"} == NEW_IN_2022


def test_every_control_has_every_attribute_from_the_vocabulary():
    for row in read_rows("controls"):
        assert row["summary"].strip(), row["id"]
        for kind, vocabulary in ATTRIBUTE_VOCABULARY.items():
            values = row[kind].split("|")
            assert values and set(values) <= vocabulary, (row["id"], kind, values)


def test_attribute_facts_spot_checks():
    rows = {row["id"]: row for row in read_rows("controls")}
    assert rows["5.24"]["control_type"] == "Corrective"
    assert "Detective" in rows["8.16"]["control_type"].split("|")
    assert rows["5.30"]["operational_capabilities"] == "Continuity"
    assert "Detect" in rows["7.4"]["cybersecurity_concepts"].split("|")
    assert "Identity_and_access_management" in rows["5.18"]["operational_capabilities"]


def test_clauses_match_reference_and_mark_mandatory_documents():
    expected = [(r["id"], r["title"]) for r in reference("iso27001-2022-clauses.csv")]
    rows = read_rows("clauses")
    assert [(r["id"], r["title"]) for r in rows] == expected
    documented = {r["id"]: r["documented_information"] for r in rows}
    for ref in reference("iso27001-2022-clauses.csv"):
        note = ref["mandatory_documented_information_or_note"]
        kind = note.split(":", 1)[0].lower() if note[:1].isupper() and ":" in note else ""
        if kind in {"maintain", "retain", "available"}:
            assert documented[ref["id"]] == kind, ref["id"]
    summary_41 = next(r["summary"] for r in rows if r["id"] == "4.1").lower()
    assert "climate" in summary_41


def test_soc2_criteria_match_reference():
    expected = [
        (r["criterion_id"], r["series"], r["trust_services_category"])
        for r in reference("soc2-tsc-2017-criteria-ids.csv")
    ]
    actual = [(r["id"], r["series"], r["category"]) for r in read_rows("soc2")]
    assert actual == expected
    assert len(actual) == 61
    assert all(r["title"].strip() for r in read_rows("soc2"))


def test_every_2013_control_is_mapped_and_every_target_exists():
    legacy = read_rows("legacy_controls")
    assert len(legacy) == 114
    assert len({r["domain_id"] for r in legacy}) == 14
    data = {name: read_rows(name) for name in DATA_FILES}
    assert validate(data) == []
    mapped = {r["iso2013_id"] for r in data["legacy_mapping"]}
    assert mapped == {r["id"] for r in legacy}
    targets = {r["iso2022_id"] for r in data["legacy_mapping"]}
    # Only the controls new in 2022 have no 2013 predecessor.
    assert {r["id"] for r in data["controls"]} - targets == NEW_IN_2022


def test_every_soc2_criterion_is_mapped_with_a_rationale():
    data = {name: read_rows(name) for name in DATA_FILES}
    links = data["soc2_mapping"]
    assert {r["soc2_id"] for r in links} == {r["id"] for r in data["soc2"]}
    assert all(r["rationale"].strip() for r in links)
    keys = [(r["soc2_id"], r["target_type"], r["target_id"]) for r in links]
    assert len(keys) == len(set(keys))


def test_validate_reports_every_broken_reference():
    data = {name: read_rows(name) for name in DATA_FILES}
    data["legacy_mapping"] = [r for r in data["legacy_mapping"] if r["iso2013_id"] != "A.9.2.5"]
    data["legacy_mapping"].append({"iso2013_id": "A.99.1.1", "iso2022_id": "5.1"})
    data["soc2_mapping"].append(
        {"soc2_id": "CC1.1", "target_type": "control", "target_id": "9.9", "rationale": "x"}
    )
    data["controls"][0] = {**data["controls"][0], "control_type": "Preventive|Magical"}
    problems = validate(data)
    assert problems == [
        "control 5.1: control_type 'Magical' is not one of "
        "['Corrective', 'Detective', 'Preventive']",
        "2013 mapping: A.99.1.1 is not a 2013 control",
        "2013 control A.9.2.5 is not mapped to any 2022 control",
        "SOC 2 mapping CC1.1: control 9.9 does not exist",
    ]


@pytest.mark.skipif(not SHARED_REFERENCE.is_dir(), reason="no shared/ folder beside the clone")
@pytest.mark.parametrize("name", sorted(p.name for p in REFERENCE.glob("*.csv")))
def test_reference_copy_is_current(name):
    assert (REFERENCE / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes()
