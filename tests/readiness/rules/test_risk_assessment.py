"""Risk assessment rules (6.1.2, 8.2, 5.9): the method, the register, risks tied to assets and
processes, scores, reassessment, owners of risks and assets. Each rule has a test where it fires
and one where it stays quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.readiness.finding import Subject
from isms.risk.models import Risk, RiskMethod
from tests.readiness.conftest import keys
from tests.readiness.rules.risk_register import LEAVER, METHOD, clean, risk

pytestmark = pytest.mark.django_db


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


# -- RSK005 ------------------------------------------------------------------------------------

COPIED = {"threat": "Cyber attack", "vulnerability": "Weak security"}
ASSET_BASED = {**METHOD, "description": "Asset-based: risks are identified for each asset."}


def test_rsk005_fires_for_copied_risks_tied_to_nothing(build, findings):
    build(
        risks=[
            risk("R-001", asset=None, process=None, **COPIED),
            risk("R-002", **COPIED),
            risk("R-003", asset=None, process=None),
            risk("R-004", asset=None),
        ],
    )
    (found,) = findings("RSK005")
    assert found.subject.key == "R-001"
    assert "same as those of R-002" in found.detail
    assert (found.issue, found.grade, found.population.label) == ("RSK005", "minor", "risks")
    assert found.population.size == 4


def test_rsk005_fires_for_risks_without_an_asset_when_the_method_is_asset_based(build, findings):
    build(
        method=ASSET_BASED,
        risks=[risk("R-001", asset=None, process=None), risk("R-002", asset=None), risk("R-003")],
    )
    found = findings("RSK005")
    assert keys(found) == ["R-001", "R-002"]
    assert "identifies risks per asset" in found[1].detail
    assert "tied to process Software delivery" in found[1].detail


def test_rsk005_passes_for_own_risks_when_identification_is_not_asset_based(build, findings):
    build(
        risks=[
            risk("R-001", asset=None, process=None),
            risk("R-002", asset=None),
            risk("R-003", asset=None, **COPIED),
            risk("R-004", process=None, **COPIED),
        ],
    )
    assert findings("RSK005") == [], "not required by the standard, not copied, or tied"
    clean(build)
    assert findings("RSK005") == []


# -- RSK006 ------------------------------------------------------------------------------------


def test_rsk006_fires_for_copies_tied_to_the_same_records(build, findings):
    same = {"threat": "Hackers gain access", "vulnerability": "Weak controls"}
    build(
        risks=[
            risk("R-001", **same),
            risk("R-002", threat=" hackers GAIN access ", vulnerability="weak controls"),
            risk("R-003", **same),
            risk("R-004", threat="Flood", vulnerability="Ground floor"),
            risk("R-005", threat="Flood", vulnerability="Ground floor"),
            risk("R-006", threat="Flood", vulnerability="No pumps"),
            risk("R-007", asset="Billing system", process="Order to cash", **same),
        ],
    )
    found = findings("RSK006")
    assert keys(found) == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert "as R-002, R-003" in found[0].detail and "R-007" not in found[0].detail
    assert {(f.issue, f.population.label) for f in found} == {("RSK005", "risks")}


def test_rsk006_passes_for_one_threat_on_different_assets(build, findings):
    same = {"threat": "Ransomware encrypts data", "vulnerability": "Unpatched hosts"}
    build(
        risks=[
            risk("R-001", **same),
            risk("R-002", asset="Billing system", process="Order to cash", **same),
            risk("R-003", asset=None, process="Order to cash", **same),
            risk("R-004", threat=None, vulnerability=None),
            risk("R-005", threat=None, vulnerability=None),
        ]
    )
    assert findings("RSK006") == []


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
    assert {f.issue for f in found} == {"RSK014"}
    assert "score of 16 (a high risk)" in found[0].detail


def test_rsk013_passes_when_retained_risks_are_within_the_threshold(build, findings):
    clean(build)
    assert findings("RSK013") == []


# -- RSK014 ------------------------------------------------------------------------------------


def test_rsk014_fires_for_scores_outside_the_scales(build, findings):
    """The importer refuses levels off the method's scales, so risks get there when the method
    changes after they were scored: scored on six levels, the method then narrowed to four."""
    build(
        method={**METHOD, "likelihood_levels": 6, "impact_levels": 6},
        risks=[
            risk("R-001", likelihood=5),
            risk("R-002", residual_impact=6),
            risk("R-003"),
            risk("R-004"),
        ],
    )
    RiskMethod.objects.update(likelihood_levels=4, impact_levels=4)
    Risk.objects.filter(ref="R-003").update(residual_likelihood=0)  # stored before the check
    found = findings("RSK014")
    assert keys(found) == ["R-001", "R-002", "R-003"]
    assert (found[0].issue, found[0].population.label, found[0].population.size) == (
        "RSK014",
        "risks",
        4,
    )
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
    assert (finding.subject.key, finding.grade, finding.issue) == ("R-001", "ofi", "RSK016")
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
    nobody, gone = findings("RSK017")
    assert (nobody.subject.key, nobody.issue, nobody.related) == ("R-001", "RSK017", ())
    assert (gone.subject.key, gone.issue) == ("R-002", "LDR003")
    assert gone.related == (Subject("People", "gone@acme.example"),)
    assert gone.population.label == "ISMS responsibilities"
    assert gone.population.size == 3 + 2, "three risks and two assets"


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
    assert (found[0].issue, found[0].population.label) == ("RSK018", "assets")
    assert (found[1].issue, found[1].related) == (
        "LDR003",
        (Subject("People", "gone@acme.example"),),
    )


def test_rsk018_passes_when_every_asset_has_a_current_owner(build, findings):
    clean(build)
    assert findings("RSK018") == []
    assert Risk.objects.count() == 2
