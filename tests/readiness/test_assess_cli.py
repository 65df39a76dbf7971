"""`isms assess` and `isms rules`: formats, exit codes, --diff, stored runs, bad input."""

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from isms.cli.app import app
from isms.readiness.models import Assessment
from isms.readiness.registry import all_rules
from tests.readiness.rules.test_soa import full_soa

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "assessment.schema.json").read_text())


@pytest.fixture
def cli(db):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def acme(organisation):
    full_soa(organisation, **{"7.4": {"applicable": False}})
    return organisation


def test_json_output_validates_against_the_schema(cli, acme):
    result = cli("assess", "--org", "acme", "--as-of", "2026-11-30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert data["as_of"] == "2026-11-30" and data["stage"] == 2
    (soa,) = [f for f in data["findings"] if f["key"] == "SOA002"]
    assert [e["subject"]["key"] for e in soa["evidence"]] == ["7.4"]
    assert soa["statement"].startswith("The organisation has not")
    assert soa["extent"]["text"] == "1 of 93 SoA entries"
    assert data["counts"]["minor"] >= 1
    assert "decision to certify belongs to the certification body" in data["self_assessment"]


def test_schema_rejects_a_malformed_result():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": "2.0", "verdict": "maybe"}, SCHEMA)


def test_fail_on_sets_the_exit_code(cli, acme):
    args = ("assess", "--org", "acme", "--as-of", "2026-11-30", "--select", "SOA002")
    assert cli(*args, "--fail-on", "minor").exit_code == 1
    assert cli(*args, "--fail-on", "major").exit_code == 0
    assert cli(*args).exit_code == 0


def test_table_output_and_stage_1(cli, acme):
    result = cli("assess", "--org", "acme", "--as-of", "2026-11-30", "--stage", "1")
    assert result.exit_code == 0
    assert "SOA002" in result.stdout and "potential" in result.stdout
    assert "Readiness: not ready for stage 2." in result.stdout
    assert "Not ready for stage 2: " in result.stdout and "no approved isms scope" in result.stdout
    assert "recommend" not in result.stdout
    assert "EVD001" not in result.stdout, "evidence rules are stage 2"


def test_runs_are_stored_and_diff_shows_new_and_resolved(cli, acme):
    base = ("assess", "--org", "acme", "--as-of", "2026-11-30", "--select", "SOA")
    cli(*base)
    assert Assessment.objects.count() == 1
    stored = Assessment.objects.get()
    assert stored.rule_versions["SOA002"] == 1 and stored.findings.filter(code="SOA002").exists()

    from isms.controls.models import SoAEntry

    SoAEntry.objects.filter(control__ref="7.4").update(justification="No offices")
    SoAEntry.objects.filter(control__ref="5.8").delete()
    result = cli(*base, "--diff")
    # SOA005 (no approved SoA version) merged with the new SOA001 (rows missing) about the same
    # SoA: the same finding, not "new and resolved".
    assert "0 new, 1 resolved, 1 unchanged" in result.stdout, result.stdout
    assert "- SOA002" in result.stdout
    SoAEntry.objects.filter(control__ref="7.4").update(justification="")
    again = cli(*base, "--diff")
    assert "1 new, 0 resolved, 1 unchanged" in again.stdout and "+ SOA002" in again.stdout
    data = json.loads(cli(*base, "--diff", "--format", "json", "--no-save").stdout)
    assert data["diff"]["new"] == [] and data["diff"]["resolved"] == []
    assert Assessment.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "30/11/2026"), "--as-of expects a date like 2026-11-30"),
        (("--select", "XYZ"), "no rule matches 'XYZ'"),
        (("--format", "pdf"), "--format pdf needs --output"),
        (("--stage", "3"), "less than or equal to 2"),
    ],
)
def test_bad_input_exits_2(cli, acme, args, message):
    result = cli("assess", "--org", "acme", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_unknown_org_exits_2(cli, db):
    result = cli("assess", "--org", "nobody")
    assert result.exit_code == 2 and "no organisation with slug 'nobody'" in result.output


def test_rules_json_lists_every_rule_with_its_metadata(cli):
    rules = json.loads(cli("rules", "--format", "json").stdout)
    assert [r["code"] for r in rules] == [r.code for r in all_rules()]
    assert {"code", "name", "reference", "stage", "grade", "summary"} <= set(rules[0])


def test_certification_body_profile_options(cli, acme):
    args = ("assess", "--org", "acme", "--as-of", "2026-11-30", "--format", "json", "--no-save")
    data = json.loads(cli(*args, "--select", "SOA002", "--minor-days", "30").stdout)
    assert data["profile"]["name"] == "custom" and data["profile"]["minor_days"] == 30
    assert data["findings"][0]["due"] == "2026-12-30"
    from isms.controls.models import SoAEntry

    # 7.4 plus 17 more exclusions without justification: 18 of 93 (19%) stays minor ...
    refs = [f"8.{n}" for n in range(1, 18)]
    SoAEntry.objects.filter(control__ref__in=refs).update(applicable=False)
    wide = json.loads(cli(*args, "--select", "SOA002").stdout)
    assert [(f["key"], f["grade"]) for f in wide["findings"]] == [("SOA002", "minor")]
    assert wide["findings"][0]["extent"]["text"] == "18 of 93 SoA entries"
    # ... and 19 of 93 (20%) is pervasive: one major with every instance as evidence.
    SoAEntry.objects.filter(control__ref="8.18").update(applicable=False)
    pervasive = json.loads(cli(*args, "--select", "SOA002").stdout)
    (finding,) = pervasive["findings"]
    assert finding["grade"] == "major" and "pervasive" in finding["grade_reason"]
    assert len(finding["evidence"]) == 19
    flat = json.loads(cli(*args, "--select", "SOA002", "--escalate-at", "0").stdout)
    assert [f["grade"] for f in flat["findings"]] == ["minor"]
    share = json.loads(cli(*args, "--select", "SOA002", "--pervasive-share", "0.5").stdout)
    assert [f["grade"] for f in share["findings"]] == ["minor"]
