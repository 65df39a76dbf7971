"""Calibration: the mock audit's prediction against the certification body's graded findings."""

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from isms.audits.models import ExternalAudit
from isms.cli.app import app
from isms.readiness.calibration import (
    Recorded,
    audit_point,
    calibrate,
    compare,
    normalise,
)
from isms.readiness.engine import run_assessment
from isms.readiness.finding import Grade
from tests.readiness.rules.test_soa import full_soa


def predicted(key, grade, reference, *others, title=""):
    """A stand-in for an engine finding with the attributes calibration reads."""
    return SimpleNamespace(
        key=key,
        code=key[:6],
        grade=Grade(grade),
        reference=reference,
        references=(reference, *others),
        title=title or key,
    )


def recorded(ref, grade, reference):
    return Recorded(ref=ref, grade=grade, reference=reference, statement=f"{ref} statement")


def pairs(comparison):
    return [(m.recorded.ref, m.predicted.key, m.grade_agrees) for m in comparison.matched]


def test_references_compare_clause_without_letter_and_keep_controls_apart():
    assert normalise("6.1.3 d") == normalise("6.1.3") == ("clause", "6.1.3")
    assert normalise("A.5.18") == ("control", "A.5.18")
    assert normalise("5.1") != normalise("A.5.1")
    assert normalise("9.2") != normalise("9.2.2")
    assert normalise("Annex A") == ("annex", "Annex A")


def test_matched_missed_and_unexpected():
    findings = [
        predicted("SOA002", "minor", "6.1.3 d"),
        predicted("ACC003", "major", "A.5.18", "A.5.11"),
        predicted("POL001", "minor", "A.5.1"),
        predicted("SUP002", "ofi", "A.5.19", "A.5.22"),
    ]
    found = [
        recorded("CB-03", "area_of_concern", "6.1.3"),  # letter dropped; AoC compared as minor
        recorded("CB-01", "minor", "A.5.11"),  # a reference the finding cites besides its lead
        recorded("CB-02", "ofi", "5.1"),  # the clause, not control A.5.1
        recorded("CB-04", "ofi", "A.5.22"),
    ]
    result = compare(findings, found)
    assert pairs(result) == [
        ("CB-01", "ACC003", False),
        ("CB-03", "SOA002", True),
        ("CB-04", "SUP002", True),
    ]
    assert [f.key for f in result.missed] == ["POL001"]
    assert [r.ref for r in result.unexpected] == ["CB-02"]
    assert (result.precision, result.recall, result.grade_agreement) == (0.75, 0.75, 0.667)

    rows = {row.grade: row for row in result.by_grade()}
    assert [m.predicted.key for m in rows["minor"].matched] == ["ACC003", "SOA002"]
    assert (rows["major"].predicted, rows["major"].found, rows["major"].matched) == (1, 0, ())
    assert (rows["minor"].predicted, rows["minor"].found, rows["minor"].agreed) == (2, 2, 1)
    assert [p.key for p in rows["minor"].missed] == ["POL001"]
    assert [r.ref for r in rows["ofi"].unexpected] == ["CB-02"]


def test_one_to_one_same_grade_first_and_lead_reference_preferred():
    findings = [
        predicted("RSK001", "major", "6.1.3 e"),
        predicted("RSK002", "minor", "6.1.3 b"),
        predicted("RTP001", "minor", "8.3", "6.1.3 e"),
    ]
    found = [
        recorded("CB-01", "major", "6.1.3"),
        recorded("CB-02", "minor", "6.1.3"),
        recorded("CB-03", "minor", "6.1.3"),
        recorded("CB-04", "minor", "6.1.3"),
    ]
    result = compare(findings, found)
    # CB-01 takes the major; CB-02 the minor citing 6.1.3 as its lead, CB-03 the minor citing
    # it among others; CB-04 finds nothing left: each prediction is used once.
    assert pairs(result) == [
        ("CB-01", "RSK001", True),
        ("CB-02", "RSK002", True),
        ("CB-03", "RTP001", True),
    ]
    assert [r.ref for r in result.unexpected] == ["CB-04"]
    assert result.missed == ()

    # Same grade is tried first for every recorded finding, before any grade.
    regraded = compare(findings[:2], [recorded("CB-01", "minor", "6.1.3")])
    assert pairs(regraded) == [("CB-01", "RSK002", True)]
    only_major = compare(findings[:1], [recorded("CB-01", "ofi", "6.1.3 e")])
    assert pairs(only_major) == [("CB-01", "RSK001", False)]


def test_equal_citations_are_decided_by_the_words_of_the_statement():
    findings = [
        predicted(
            "RSK003", "minor", "6.1.3 d", title="Risk to be modified with no Annex A control"
        ),
        predicted("SOA002", "minor", "6.1.3 d", "A.7.4", title="Control excluded without a reason"),
    ]
    soa = Recorded("CB-01", "area_of_concern", "6.1.3 d", "The SoA excludes 7.4 without reason")
    assert pairs(compare(findings, [soa])) == [("CB-01", "SOA002", True)]
    risk = Recorded("CB-01", "minor", "6.1.3 d", "Risks to be modified name no control")
    assert pairs(compare(findings, [risk])) == [("CB-01", "RSK003", True)]
    # Words never beat a better citation: the lead reference as written comes first.
    lead = predicted("RSK007", "minor", "6.1.3 e", title="Control excluded without a reason")
    assert pairs(compare([lead, findings[0]], [soa])) == [("CB-01", "RSK003", True)]


def test_the_comparison_does_not_depend_on_input_order():
    findings = [predicted(f"RUL00{n}", "minor", "9.2") for n in range(1, 5)]
    found = [recorded(f"CB-0{n}", "minor", "9.2") for n in range(1, 4)]
    first = compare(findings, found)
    again = compare(list(reversed(findings)), list(reversed(found)))
    assert pairs(first) == pairs(again)
    assert [f.key for f in first.missed] == [f.key for f in again.missed] == ["RUL004"]


def test_findings_without_references_or_key_fall_back_to_reference_and_code():
    old_style = SimpleNamespace(code="SOA002", grade=Grade.MINOR, reference="6.1.3 d", title="x")
    result = compare([old_style], [recorded("CB-01", "minor", "6.1.3 d")])
    assert pairs(result) == [("CB-01", "SOA002", True)]


AUDITS = """
Nonconformities:
  - {ref: NC-2026-004, source: external_audit, grade: minor, reference: "9.2",
     raised_on: 2026-05-22, description: Audit programme misses 6.3}
External audits:
  - {ref: CB-2026-S1, kind: stage1, certification_body: Albion Certification Ltd,
     planned_on: 2026-05-18, held_on: 2026-05-19, minors: 2, ofis: 1}
  - {ref: CB-2027-S2, kind: stage2, certification_body: Albion Certification Ltd,
     planned_on: 2027-01-18}
External audit findings:
  - {ref: CB-2026-S1-01, audit: CB-2026-S1, grade: area_of_concern, reference: 6.1.3 d,
     statement: Control 7.4 is excluded without a justification}
  - {ref: CB-2026-S1-02, audit: CB-2026-S1, grade: area_of_concern, reference: "9.2",
     statement: The programme does not show when 6.3 is audited, nonconformity: NC-2026-004}
  - {ref: CB-2026-S1-03, audit: CB-2026-S1, grade: ofi, reference: A.5.37,
     statement: Operating procedures could be documented for the on-call rota}
"""


@pytest.fixture
def stage1(organisation, load):
    full_soa(organisation, **{"7.4": {"applicable": False}})
    load(AUDITS, with_people=False)
    return ExternalAudit.objects.get(organisation=organisation, ref="CB-2026-S1")


def test_calibrate_an_organisation(organisation, stage1):
    assert audit_point(stage1) == (dt.date(2026, 5, 19), 1)
    result = run_assessment(organisation, dt.date(2026, 5, 19), 1, select=["SOA"])
    calibration = calibrate(result, stage1)
    comparison = calibration.comparison
    assert [(m.recorded.ref, m.predicted.code) for m in comparison.matched] == [
        ("CB-2026-S1-01", "SOA002")
    ]
    assert comparison.matched[0].grade_agrees
    assert [r.ref for r in comparison.unexpected] == ["CB-2026-S1-02", "CB-2026-S1-03"]
    assert {f.code for f in comparison.missed} <= {"SOA003", "SOA004", "SOA005", "SOA006"}
    assert calibration.notes == ()
    data = calibration.as_dict()
    assert data["summary"]["found"] == 3 and data["summary"]["matched"] == 1
    assert data["grades"]["minor"]["unexpected"][0]["nonconformity"] == "NC-2026-004"
    assert data["grades"]["minor"]["unexpected"][0]["compared_as"] == "minor"


def test_calibrate_notes_a_run_at_another_date_or_stage(organisation, stage1):
    result = run_assessment(organisation, dt.date(2026, 11, 30), 2, select=["SOA002"])
    notes = calibrate(result, stage1).notes
    assert notes == (
        "the mock audit ran as of 2026-11-30 at stage 2; CB-2026-S1 was on 2026-05-19 at stage 1",
    )


@pytest.fixture
def cli(db):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_cli_json_runs_at_the_audit_date_and_stage(cli, stage1):
    result = cli("assess", "--org", "acme", "--calibrate", "CB-2026-S1", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["as_of"], data["stage"]) == ("2026-05-19", 1)
    assert data["external_audit"]["ref"] == "CB-2026-S1"
    pairs = {m["found"]["ref"]: m for m in data["grades"]["minor"]["matched"]}
    assert pairs["CB-2026-S1-01"]["predicted"]["code"] == "SOA002"
    assert pairs["CB-2026-S1-01"]["grade_agrees"] is True
    assert data["summary"]["found"] == 3
    assert data["summary"]["recall"] == pytest.approx(round(data["summary"]["matched"] / 3, 3))
    from isms.readiness.models import Assessment

    assert not Assessment.objects.exists(), "a calibration run is not stored"


def test_cli_table(cli, stage1):
    result = cli("assess", "--org", "acme", "--calibrate", "CB-2026-S1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # the table wraps cells in a narrow terminal
    assert "CB-2026-S1-01" in text and "predicted and" in text and "predicted, not" in text
    assert "Per grade" in text
    assert re.search(r"Recall [1-3]/3 \(\d+%\)", text) and "self-assessment" in text


@pytest.mark.parametrize(
    ("ref", "message"),
    [("CB-2099-S1", "no external audit 'CB-2099-S1'"), ("CB-2027-S2", "no recorded findings")],
)
def test_cli_unknown_audit_or_no_findings_exits_2(cli, stage1, ref, message):
    result = cli("assess", "--org", "acme", "--calibrate", ref)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
