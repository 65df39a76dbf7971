"""Risk treatment rules (6.1.3, 8.3): controls linked and in the SoA, the treatment plan,
acceptance. Each rule has a test where it fires and one where it stays quiet (test names carry the
rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.readiness.finding import Subject
from isms.risk.models import TreatmentAction
from tests.readiness.conftest import keys
from tests.readiness.rules.risk_register import LEAVER, action, clean, risk

pytestmark = pytest.mark.django_db


# -- RSK003 ------------------------------------------------------------------------------------


def test_rsk003_fires_for_modify_and_share_without_controls(build, findings):
    build(
        risks=[
            risk("R-001", controls=None),
            risk("R-002", treatment="share", controls=None),
            risk("R-003", treatment="avoid", controls=None),
            risk("R-004", treatment="retain", controls=None),
        ],
        actions=[
            action("RTP-001", "R-001", controls=None),
            action("RTP-002", "R-002", controls=None),
            action("RTP-003", "R-003", controls=None),
        ],
    )
    found = findings("RSK003")
    assert keys(found) == ["R-001", "R-002"]
    assert (found[0].issue, found[0].population.label, found[0].population.size) == (
        "RSK003",
        "risks to be treated",
        3,
    )
    assert found[0].department == "Engineering" and found[0].process == "Software delivery"


def test_rsk003_passes_when_the_risk_or_its_action_links_a_control(build, findings):
    build(
        risks=[risk("R-001"), risk("R-002", controls=None)],
        actions=[action("RTP-001", "R-001", controls=None), action("RTP-002", "R-002")],
    )
    assert findings("RSK003") == []


# -- RSK004 ------------------------------------------------------------------------------------


def soa(organisation, excluded=(), missing=()):
    SoAEntry.objects.bulk_create(
        SoAEntry(
            organisation=organisation,
            control=control,
            applicable=control.ref not in excluded,
            justification="No such activity" if control.ref in excluded else "",
            inclusion_reasons="" if control.ref in excluded else "risk",
            implementation_status="" if control.ref in excluded else "implemented",
        )
        for control in Control.objects.exclude(ref__in=missing)
    )


def test_rsk004_fires_for_controls_the_soa_excludes_or_lacks(build, findings, organisation):
    build(
        risks=[risk("R-001", controls="8.8|8.11"), risk("R-002")],
        actions=[
            action("RTP-001", "R-001"),
            action("RTP-002", "R-002", controls="8.23"),
            action("RTP-003", "R-002", controls="8.11", status="cancelled"),
        ],
    )
    soa(organisation, excluded=["8.11"], missing=["8.23"])
    found = {f.subject: f for f in findings("RSK004")}
    assert sorted(f"{s.type} {s.key}" for s in found) == ["Risks R-001", "Treatment plan RTP-002"]
    risk_finding = next(f for s, f in found.items() if s.key == "R-001")
    assert "8.11 (Data masking, marked not applicable)" in risk_finding.detail
    action_finding = next(f for s, f in found.items() if s.key == "RTP-002")
    assert "8.23" in action_finding.detail and "missing from the SoA" in action_finding.detail
    assert {f.issue for f in found.values()} == {"RSK003"}
    assert action_finding.related == (Subject("Risks", "R-002"),)


def test_rsk004_passes_when_every_cited_control_is_applicable(build, findings, organisation):
    clean(build)
    assert findings("RSK004") == [], "quiet while there is no SoA at all"
    soa(organisation, excluded=["8.11"])
    assert findings("RSK004") == []


# -- RSK007 ------------------------------------------------------------------------------------


def test_rsk007_fires_for_treated_risks_without_actions(build, findings):
    build(
        risks=[
            risk("R-001"),
            risk("R-002"),
            risk("R-003", treatment="avoid", controls=None),
            risk("R-004", treatment="retain"),
        ],
        actions=[action("RTP-001", "R-002", status="cancelled")],
    )
    found = findings("RSK007")
    assert keys(found) == ["R-001", "R-002", "R-003"]
    assert "residual score of 4" in found[0].detail
    assert found[0].issue == "RSK007"
    assert found[0].population.label == "risks to be treated and open actions"
    assert found[0].population.size == 3 + 0, "three risks to be treated, no open action"


def test_rsk007_passes_when_each_treated_risk_has_an_action(build, findings):
    clean(build)
    assert findings("RSK007") == []


# -- RSK008 ------------------------------------------------------------------------------------


def test_rsk008_fires_for_open_actions_without_a_current_owner(build, findings, load):
    load(LEAVER, with_people=False)
    build(
        risks=[risk("R-001")],
        actions=[
            action("RTP-001", "R-001", owner=None),
            action("RTP-002", "R-001", owner="gone@acme.example", status="planned"),
            action("RTP-003", "R-001", owner=None, status="done", completed_on="2026-05-01"),
            action("RTP-004", "R-001", owner=None, status="done", completed_on="2026-12-15"),
        ],
    )
    found = findings("RSK008")
    assert keys(found) == ["RTP-001", "RTP-002", "RTP-004"]
    assert "gone@acme.example, who left on 2026-06-30" in found[1].detail
    assert {f.issue for f in found} == {"RSK007"}
    assert found[0].population.size == 1 + 3, "one risk to be treated and three open actions"


def test_rsk008_passes_when_open_actions_are_owned(build, findings, load):
    load(LEAVER, with_people=False)
    clean(build)
    assert findings("RSK008") == []
    TreatmentAction.objects.update(owner=None, status="cancelled")
    assert findings("RSK008") == []


# -- RSK009 ------------------------------------------------------------------------------------


def test_rsk009_fires_for_open_actions_without_a_due_date(build, findings):
    build(
        risks=[risk("R-001")],
        actions=[
            action("RTP-001", "R-001", due_on=None, status="planned"),
            action("RTP-002", "R-001", due_on=None, status="done", completed_on="2026-05-01"),
        ],
    )
    (found,) = findings("RSK009")
    assert (found.subject.key, found.issue) == ("RTP-001", "RSK007")


def test_rsk009_passes_when_open_actions_have_dates(build, findings):
    clean(build)
    assert findings("RSK009") == []


# -- RSK010 ------------------------------------------------------------------------------------


def test_rsk010_fires_for_open_actions_without_budget_or_resources(build, findings):
    build(
        risks=[risk("R-001")],
        actions=[
            action("RTP-001", "R-001", budget=None),
            action("RTP-002", "R-001", budget=0, resources="  "),
            action("RTP-003", "R-001", budget=None, resources="Two engineers, 5 days"),
            action("RTP-004", "R-001", budget=None, status="done", completed_on="2026-02-01"),
        ],
    )
    found = findings("RSK010")
    assert keys(found) == ["RTP-001", "RTP-002"]
    assert {(f.grade, f.issue) for f in found} == {("ofi", "RSK010")}


def test_rsk010_passes_with_a_budget_or_resources(build, findings):
    build(
        risks=[risk("R-001")],
        actions=[
            action("RTP-001", "R-001"),
            action("RTP-002", "R-001", budget=None, resources="0.2 FTE platform team"),
        ],
    )
    assert findings("RSK010") == []


# -- RSK011 ------------------------------------------------------------------------------------


def test_rsk011_fires_for_open_actions_past_due(build, findings):
    build(
        risks=[risk("R-001")],
        actions=[
            action("RTP-001", "R-001", due_on=dt.date(2026, 10, 31)),
            action(
                "RTP-002",
                "R-001",
                due_on=dt.date(2026, 10, 31),
                status="done",
                completed_on="2026-12-10",
            ),
            action(
                "RTP-003",
                "R-001",
                due_on=dt.date(2026, 10, 31),
                status="done",
                completed_on="2026-10-30",
            ),
            action("RTP-004", "R-001", due_on=dt.date(2026, 10, 31), status="cancelled"),
            action("RTP-005", "R-001", due_on=dt.date(2026, 11, 30)),
        ],
    )
    found = findings("RSK011")
    assert keys(found) == ["RTP-001", "RTP-002"]
    assert "30 days late" in found[0].detail
    assert found[0].related == (Subject("Risks", "R-001"), Subject("Assets", "Customer database"))
    assert found[0].population.label == "open treatment actions"


def test_rsk011_passes_when_nothing_open_is_late(build, findings):
    clean(build)
    assert findings("RSK011") == []


# -- RSK012 ------------------------------------------------------------------------------------


def test_rsk012_fires_when_the_owner_did_not_accept(build, findings):
    build(
        risks=[
            risk("R-001", accepted_by=None, accepted_on=None),
            risk("R-002", accepted_by="isms@acme.example"),
            risk("R-003", accepted_on=dt.date(2026, 12, 10)),
            risk("R-004"),
        ],
    )
    found = findings("RSK012")
    assert keys(found) == ["R-001", "R-002", "R-003"]
    assert "not by the risk owner eng@acme.example" in found[1].detail
    assert found[0].population.label == "risks"


def test_rsk012_passes_when_owners_accepted(build, findings):
    clean(build)
    assert findings("RSK012") == []


def test_rsk011_names_only_the_risk_when_it_has_no_asset(build, findings):
    build(
        risks=[risk("R-001", asset=None)],
        actions=[action("RTP-001", "R-001", due_on=dt.date(2026, 10, 31))],
    )
    (found,) = findings("RSK011")
    assert found.related == (Subject("Risks", "R-001"),)


# -- RSK019 ------------------------------------------------------------------------------------

APPROVED = {"plan_approved_by": "eng@acme.example", "plan_approved_on": dt.date(2026, 3, 5)}


def test_rsk019_fires_when_the_owner_did_not_approve_the_plan(build, findings):
    build(
        risks=[
            risk("R-001", **APPROVED),
            risk("R-002"),
            risk("R-003", **{**APPROVED, "plan_approved_by": "isms@acme.example"}),
            risk("R-004", **{**APPROVED, "plan_approved_on": dt.date(2026, 12, 10)}),
            risk("R-005"),
        ],
        actions=[action(f"RTP-00{n}", f"R-00{n}") for n in (1, 2, 3, 4)],
    )
    found = findings("RSK019")
    assert keys(found) == ["R-002", "R-003", "R-004"], "R-005 has no action: RSK007's"
    assert "no approval of its treatment plan is recorded" in found[0].detail
    assert "approved by isms@acme.example on 2026-03-05, not by the risk owner" in found[1].detail
    assert "after 2026-11-30" in found[2].detail
    assert {(f.issue, f.grade) for f in found} == {("RSK012", "minor")}


def test_rsk019_passes_when_owners_approved_or_approval_is_kept_elsewhere(build, findings):
    clean(build)
    assert findings("RSK019") == [], "no approval recorded for any risk: kept outside the tool"
    build(
        risks=[risk("R-001", **APPROVED), risk("R-002", treatment="retain", controls=None)],
        actions=[action("RTP-001", "R-001")],
    )
    assert findings("RSK019") == []
