"""Risk rules (6.1.2, 6.1.3, 8.2, 8.3, 5.9). Each rule has a test where it fires and one where
it stays quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest
import yaml

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.risk.models import Risk, RiskMethod, TreatmentAction
from tests.readiness.conftest import PEOPLE, keys

pytestmark = pytest.mark.django_db

METHOD = {
    "name": "Risk method v2",
    "likelihood_levels": 5,
    "impact_levels": 5,
    "acceptance_threshold": 6,
    "high_threshold": 15,
    "review_interval_months": 12,
    "approved_by": "ceo@acme.example",
    "approved_on": dt.date(2026, 1, 10),
}
BASE = """
Processes:
  - {name: Order to cash, department: Finance, owner: fin@acme.example}
  - {name: Software delivery, department: Engineering, owner: eng@acme.example}
Assets:
  - {name: Customer database, kind: information, owner: eng@acme.example,
     department: Engineering, process: Software delivery}
  - {name: Billing system, kind: software, owner: fin@acme.example, department: Finance,
     process: Order to cash}
"""


def risk(ref, **overrides):
    """A well-formed risk: tied to an asset, owned, scored, treated and accepted by its owner."""
    row = {
        "ref": ref,
        "title": f"Risk {ref}",
        "asset": "Customer database",
        "process": "Software delivery",
        "threat": f"Threat of {ref}",
        "vulnerability": f"Weakness of {ref}",
        "owner": "eng@acme.example",
        "likelihood": 4,
        "impact": 4,
        "treatment": "modify",
        "controls": "8.8",
        "residual_likelihood": 2,
        "residual_impact": 2,
        "last_assessed_on": dt.date(2026, 3, 1),
        "accepted_by": "eng@acme.example",
        "accepted_on": dt.date(2026, 3, 5),
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def action(ref, risk_ref, **overrides):
    """A well-formed open action: owner, due date after the audit date, budget, control."""
    row = {
        "ref": ref,
        "risk": risk_ref,
        "action": f"Action {ref} for {risk_ref}",
        "owner": "isms@acme.example",
        "due_on": dt.date(2027, 1, 31),
        "budget": 1000,
        "status": "in_progress",
        "controls": "8.8",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


@pytest.fixture
def build(load):
    """build(risks=[...], actions=[...], method=METHOD|None, extra=''): a small risk register."""

    def build(risks=(), actions=(), method=METHOD, extra=""):
        sheets = {}
        if method is not None:
            sheets["Risk method"] = [method]
        if risks:
            sheets["Risks"] = list(risks)
        if actions:
            sheets["Treatment plan"] = list(actions)
        text = BASE + extra + (yaml.safe_dump(sheets, sort_keys=False) if sheets else "")
        return load(text)

    return build


CLEAN_RISKS = [risk("R-001"), risk("R-002", treatment="retain", controls=None)]
CLEAN_ACTIONS = [action("RTP-001", "R-001")]


def clean(build, **overrides):
    build(risks=CLEAN_RISKS, actions=CLEAN_ACTIONS, **overrides)


# -- RSK001 ------------------------------------------------------------------------------------


def test_rsk001_fires_without_a_method(build, findings):
    clean(build, method=None)
    (finding,) = findings("RSK001")
    assert (finding.grade, finding.subject.key) == ("major", "6.1.2")


def test_rsk001_fires_minor_for_an_unapproved_method(build, findings):
    clean(build, method={**METHOD, "approved_by": None, "approved_on": None})
    (finding,) = findings("RSK001")
    assert (finding.grade, finding.subject.key) == ("minor", "Risk method v2")


def test_rsk001_passes_with_an_approved_method(build, findings):
    clean(build)
    assert findings("RSK001") == []
    found = findings("RSK001", as_of=dt.date(2025, 12, 31))
    assert found[0].grade == "major", "approved after that date: it did not exist yet"


# -- RSK002 ------------------------------------------------------------------------------------


def test_rsk002_fires_when_the_register_is_empty(build, findings):
    build()
    assert keys(findings("RSK002")) == ["Risk register"]


def test_rsk002_passes_with_risks(build, findings):
    clean(build)
    assert findings("RSK002") == []
    assert findings("RSK002", as_of=dt.date(2026, 2, 1)) != [], "risks assessed later"


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


def test_rsk004_passes_when_every_cited_control_is_applicable(build, findings, organisation):
    clean(build)
    assert findings("RSK004") == [], "quiet while there is no SoA at all"
    soa(organisation, excluded=["8.11"])
    assert findings("RSK004") == []


# -- RSK005 ------------------------------------------------------------------------------------


def test_rsk005_fires_for_risks_tied_to_nothing(build, findings):
    build(
        risks=[
            risk("R-001", asset=None, process=None),
            risk("R-002", asset=None),
            risk("R-003", process=None),
        ],
        actions=[action(f"RTP-00{n}", f"R-00{n}") for n in (1, 2, 3)],
    )
    assert keys(findings("RSK005")) == ["R-001"]


def test_rsk005_passes_when_each_risk_has_an_asset_or_process(build, findings):
    clean(build)
    assert findings("RSK005") == []


# -- RSK006 ------------------------------------------------------------------------------------


def test_rsk006_fires_once_per_duplicate_set(build, findings):
    same = {"threat": "Hackers gain access", "vulnerability": "Weak controls"}
    build(
        risks=[
            risk("R-001", **same),
            risk("R-002", threat=" hackers GAIN access ", vulnerability="weak controls"),
            risk("R-003", **same),
            risk("R-004", threat="Flood", vulnerability="Ground floor"),
            risk("R-005", threat="Flood", vulnerability="Ground floor"),
            risk("R-006", threat="Flood", vulnerability="No pumps"),
        ],
    )
    found = findings("RSK006")
    assert keys(found) == ["R-001", "R-004"]
    assert "R-001, R-002, R-003" in found[0].detail


def test_rsk006_passes_when_texts_differ_or_are_empty(build, findings):
    build(
        risks=[
            risk("R-001"),
            risk("R-002"),
            risk("R-003", threat=None, vulnerability=None),
            risk("R-004", threat=None, vulnerability=None),
        ]
    )
    assert findings("RSK006") == []


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


def test_rsk007_passes_when_each_treated_risk_has_an_action(build, findings):
    clean(build)
    assert findings("RSK007") == []


# -- RSK008 ------------------------------------------------------------------------------------

#: The standard people plus one who left on 2026-06-30 (load with with_people=False).
LEAVER = (
    PEOPLE
    + """  - {email: gone@acme.example, name: Gone Person, department: Engineering,
     start_date: 2020-01-01, leave_date: 2026-06-30}
"""
)


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
    assert keys(findings("RSK009")) == ["RTP-001"]


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
    assert keys(findings("RSK010")) == ["RTP-001", "RTP-002"]


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


def test_rsk012_passes_when_owners_accepted(build, findings):
    clean(build)
    assert findings("RSK012") == []


# -- RSK013 ------------------------------------------------------------------------------------


def test_rsk013_fires_for_retained_risks_above_the_threshold(build, findings):
    build(
        risks=[
            risk("R-001", treatment="retain", residual_likelihood=4, residual_impact=4),
            risk(
                "R-002",
                treatment="retain",
                likelihood=3,
                impact=3,
                residual_likelihood=None,
                residual_impact=None,
            ),
            risk("R-003", treatment="retain", residual_likelihood=2, residual_impact=3),
            risk("R-004", treatment="modify", residual_likelihood=4, residual_impact=4),
        ],
    )
    found = findings("RSK013")
    assert keys(found) == ["R-001", "R-002"]
    assert "score of 16 (a high risk)" in found[0].detail


def test_rsk013_passes_when_retained_risks_are_within_the_threshold(build, findings):
    clean(build)
    assert findings("RSK013") == []


# -- RSK014 ------------------------------------------------------------------------------------


def test_rsk014_fires_for_scores_outside_the_scales(build, findings):
    build(
        method={**METHOD, "likelihood_levels": 4, "impact_levels": 4},
        risks=[
            risk("R-001", likelihood=5),
            risk("R-002", residual_impact=6),
            risk("R-003", residual_likelihood=0),
            risk("R-004"),
        ],
    )
    found = findings("RSK014")
    assert keys(found) == ["R-001", "R-002", "R-003"]
    assert "likelihood 5 (scale 1-4)" in found[0].detail


def test_rsk014_passes_within_the_scales(build, findings):
    clean(build)
    assert findings("RSK014") == []


# -- RSK015 ------------------------------------------------------------------------------------


def test_rsk015_fires_for_risks_not_reassessed_in_time(build, findings):
    build(
        method={**METHOD, "review_interval_months": 6},
        risks=[
            risk("R-001", last_assessed_on=dt.date(2026, 5, 29)),
            risk("R-002", last_assessed_on=None),
            risk("R-003", last_assessed_on=dt.date(2026, 5, 30)),
            risk("R-004", last_assessed_on=dt.date(2026, 12, 5)),
        ],
    )
    assert keys(findings("RSK015")) == ["R-001", "R-002"]


def test_rsk015_passes_within_the_interval(build, findings):
    clean(build)
    assert findings("RSK015") == []
    RiskMethod.objects.all().delete()
    assert findings("RSK015") == [], "12 months by default"


# -- RSK016 ------------------------------------------------------------------------------------


def test_rsk016_fires_when_residual_exceeds_inherent(build, findings):
    build(risks=[risk("R-001", likelihood=2, impact=2, residual_likelihood=3), risk("R-002")])
    (finding,) = findings("RSK016")
    assert finding.subject.key == "R-001"
    assert "residual score of 6 (3x2), higher than its inherent score of 4 (2x2)" in (
        finding.detail
    )


def test_rsk016_passes_when_residual_is_not_higher(build, findings):
    build(risks=[risk("R-001", likelihood=2, impact=2, residual_likelihood=2)])
    assert findings("RSK016") == []


# -- RSK017 ------------------------------------------------------------------------------------


def test_rsk017_fires_for_risks_without_a_current_owner(build, findings, load):
    load(LEAVER, with_people=False)
    build(
        risks=[risk("R-001", owner=None), risk("R-002", owner="gone@acme.example"), risk("R-003")]
    )
    assert keys(findings("RSK017")) == ["R-001", "R-002"]


def test_rsk017_passes_before_the_owner_left(build, findings, load):
    load(LEAVER, with_people=False)
    build(risks=[risk("R-001", owner="gone@acme.example")])
    assert findings("RSK017", as_of=dt.date(2026, 6, 29)) == []


# -- RSK018 ------------------------------------------------------------------------------------


def test_rsk018_fires_for_assets_without_a_current_owner(build, findings, load):
    load(LEAVER, with_people=False)
    build(
        extra="""
  - {name: Test lab, kind: site, owner: gone@acme.example, department: Engineering}
  - {name: Prototype devices, kind: hardware}
""",
    )
    found = findings("RSK018")
    assert keys(found) == ["Prototype devices", "Test lab"]
    assert found[1].department == "Engineering"


def test_rsk018_passes_when_every_asset_has_a_current_owner(build, findings):
    clean(build)
    assert findings("RSK018") == []
    assert Risk.objects.count() == 2
