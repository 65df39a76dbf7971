"""`isms nc raise --from-assessment latest`: one NC per major/minor finding, never twice."""

import pytest
from typer.testing import CliRunner

from isms.audits.models import Nonconformity
from isms.cli.app import app
from tests.readiness.conftest import AS_OF
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_raise_from_the_latest_run_once(organisation, load):
    """One finding (two SoA rows, seen by two rules) is one NC covering both rows; raising again
    adds nothing; once the NC is analysed and planned, the next run credits it."""
    load("Interested parties:\n  - {name: ICO, kind: external, description: Regulator}\n")
    full_soa(organisation, **{"7.4": {"applicable": False}, "5.7": {"implementation_status": ""}})
    cli("assess", "--org", "acme", "--as-of", "2026-11-30", "--select", "SOA002,SOA004")
    result = cli("nc", "raise", "--org", "acme")
    assert result.exit_code == 0, result.output
    assert "Raised 1 nonconformit" in result.stdout
    (nc,) = Nonconformity.objects.all()
    assert (nc.ref, nc.source, nc.grade) == ("NC-2026-001", "mock_audit", "minor")
    assert (nc.finding_code, nc.finding_subject, nc.reference) == ("SOA002", "", "6.1.3 d")
    assert str(nc.due_on) == "2027-01-29"
    assert "7.4" in nc.description and "5.7" in nc.description
    assert "2 of 93 SoA entries" in nc.description

    cli("assess", "--org", "acme", "--as-of", "2026-11-30", "--select", "SOA002,SOA004")
    again = cli("nc", "raise", "--org", "acme")
    assert (
        "Raised 0 nonconformities" in again.stdout
        and "1 finding(s) already had one" in again.stdout
    )
    assert Nonconformity.objects.count() == 1

    planned = cli(
        "nc", "plan", "NC-2026-001", "--org", "acme", "--root-cause", "No SoA review step",
        "--action", "SoA reviewed against the risk register at every change",
        "--process", "SoA maintenance", "--owner", "isms@acme.example", "--due", "2027-01-15",
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    from isms.readiness.engine import run_assessment

    after = run_assessment(organisation, AS_OF, select=["SOA002", "SOA004"])
    assert after.findings == []
    assert [f.key for f in after.credited] == ["SOA002"]
    assert [nc.ref for nc in after.credited[0].ncs] == ["NC-2026-001"]


def test_raise_without_a_run_is_bad_input(organisation):
    result = cli("nc", "raise", "--org", "acme")
    assert result.exit_code == 2 and "no stored mock-audit run" in result.output


def test_workflow_through_the_cli(organisation, load):
    load(
        "Nonconformities:\n  - {ref: NC-1, source: complaint, grade: minor, raised_on: 2026-05-01,"
        " description: Customer data emailed to the wrong customer}\n"
    )
    refused = cli(
        "nc",
        "plan",
        "NC-1",
        "--org",
        "acme",
        "--root-cause",
        "Autocomplete",
        "--action",
        "",
        "--process",
        "Email handling",
        "--owner",
        "eng@acme.example",
    )
    assert refused.exit_code == 2 and "corrective action" in refused.output
    ok = cli(
        "nc",
        "plan",
        "NC-1",
        "--org",
        "acme",
        "--root-cause",
        "Autocomplete",
        "--action",
        "Disable autocomplete for external addresses",
        "--process",
        "Email handling",
        "--owner",
        "eng@acme.example",
        "--due",
        "2026-07-01",
    )
    assert ok.exit_code == 0, ok.output
    assert cli("nc", "implemented", "NC-1", "--org", "acme", "--on", "2026-06-01").exit_code == 0
    self_check = cli(
        "nc",
        "verify",
        "NC-1",
        "--org",
        "acme",
        "--by",
        "eng@acme.example",
        "--effective",
        "--on",
        "2026-08-01",
    )
    assert self_check.exit_code == 2 and "cannot verify" in self_check.output
    done = cli(
        "nc",
        "verify",
        "NC-1",
        "--org",
        "acme",
        "--by",
        "auditor@acme.example",
        "--effective",
        "--on",
        "2026-08-01",
    )
    assert done.exit_code == 0 and "closed" in done.stdout
    listing = cli("nc", "list", "--org", "acme", "--format", "json").stdout
    assert '"status": "closed"' in listing
