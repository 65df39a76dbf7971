"""Context rules (4.1, 4.2, 4.3). Each rule has a test where it fires and one where it stays
quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.context.models import ContextIssue, PartyRequirement, Scope
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

SCOPE = """
Scope:
  - version: "1.0"
    statement: Design and support of sensors from Leeds
    in_scope: Leeds HQ; engineering; support
    out_of_scope: The retail subsidiary, which runs its own ISMS
    boundaries: Shared HR service with the group, through the HR contract
    approved_by: ceo@acme.example
    approved_on: 2026-01-20
"""

ISSUES = """
Context issues:
  - {title: Climate change, kind: external, category: climate_change, is_relevant: yes,
     rationale: Flood zone site; covered by risk R-031, reviewed_on: 2026-03-02}
  - {title: Key-person dependency, kind: internal, category: organisational,
     reviewed_on: 2026-03-02}
  - {title: NIS regulations, kind: external, category: legal, reviewed_on: 2026-03-02}
"""

PARTIES = """
Interested parties:
  - {name: Customers, kind: external}
  - {name: Staff, kind: internal}
Party requirements:
  - {party: Customers, requirement: Incident notice within 24 hours,
     how_addressed: Incident procedure PRO-007}
  - {party: Staff, requirement: Privacy of personnel records, how_addressed: HR policy}
"""


# -- CTX001 ------------------------------------------------------------------------------------


def test_ctx001_fires_without_any_scope(load, findings):
    load(ISSUES)
    (finding,) = findings("CTX001")
    assert (finding.grade, finding.subject.key) == ("major", "4.3")


def test_ctx001_fires_minor_for_drafts_only(load, findings):
    load(SCOPE)
    Scope.objects.update(approved_by=None)
    (finding,) = findings("CTX001")
    assert (finding.grade, finding.subject.key) == ("minor", "1.0")


def test_ctx001_passes_with_an_approved_scope(load, findings):
    load(SCOPE)
    assert findings("CTX001") == []
    assert findings("CTX001", as_of=dt.date(2026, 1, 19))[0].grade == "minor", "not approved yet"


# -- CTX002 ------------------------------------------------------------------------------------


def test_ctx002_fires_when_exclusions_and_boundaries_are_missing(load, findings):
    load(SCOPE)
    Scope.objects.update(out_of_scope="", boundaries=" ")
    (finding,) = findings("CTX002")
    assert (finding.grade, finding.subject.key) == ("minor", "1.0")
    assert "out of scope and boundaries" in finding.detail
    Scope.objects.update(out_of_scope="Retail subsidiary")
    (finding,) = findings("CTX002")
    assert finding.grade == "ofi"


def test_ctx002_passes_with_both_stated(load, findings):
    load(SCOPE)
    assert findings("CTX002") == []


def test_ctx002_passes_judging_only_the_scope_in_force(load, findings):
    load(SCOPE)
    load(
        "Scope:\n  - {version: '2.0', statement: Draft of everything}\n"
        "  - {version: '0.9', statement: Old, approved_by: ceo@acme.example, "
        "approved_on: 2025-01-01}\n"
    )
    assert findings("CTX002") == []


# -- CTX003 ------------------------------------------------------------------------------------


def test_ctx003_fires_without_a_climate_issue(load, findings):
    load(ISSUES)
    ContextIssue.objects.filter(category="climate_change").delete()
    (finding,) = findings("CTX003")
    assert (finding.subject.key, finding.grade) == ("4.1", "ofi"), "an OFI, not a nonconformity"


def test_ctx003_fires_for_a_determination_without_rationale(load, findings):
    load(ISSUES)
    ContextIssue.objects.filter(category="climate_change").update(is_relevant=False, rationale="")
    (finding,) = findings("CTX003")
    assert finding.subject.key == "Climate change"
    assert "not relevant but gives no rationale" in finding.detail


def test_ctx003_passes_with_a_reasoned_determination(load, findings):
    load(ISSUES)
    ContextIssue.objects.filter(category="climate_change").update(
        is_relevant=False, rationale="Offices only, no climate-sensitive operations"
    )
    assert findings("CTX003") == []


# -- CTX004 ------------------------------------------------------------------------------------


def test_ctx004_fires_when_one_kind_is_missing(load, findings):
    load(ISSUES)
    ContextIssue.objects.filter(kind="internal").update(is_relevant=False)
    (finding,) = findings("CTX004")
    assert (finding.grade, finding.subject.key) == ("minor", "internal")


def test_ctx004_fires_major_without_issues(load, findings):
    load(SCOPE)
    (finding,) = findings("CTX004")
    assert (finding.grade, finding.subject.key) == ("major", "4.1")


def test_ctx004_passes_with_both_kinds(load, findings):
    load(ISSUES)
    assert findings("CTX004") == []


# -- CTX005 ------------------------------------------------------------------------------------


def test_ctx005_fires_for_requirements_with_no_response(load, findings):
    load(PARTIES)
    PartyRequirement.objects.filter(party__name="Customers").update(how_addressed="  ")
    (finding,) = findings("CTX005")
    assert finding.subject.key == "Customers / Incident notice within 24 hours"
    assert finding.population.label == "interested-party requirements"
    assert finding.population.size == PartyRequirement.objects.count()


def test_ctx005_passes_when_every_requirement_is_addressed(load, findings):
    load(PARTIES)
    assert findings("CTX005") == []


# -- CTX006 ------------------------------------------------------------------------------------


def test_ctx006_fires_for_issues_not_reviewed_in_a_year(load, findings):
    load(ISSUES)
    ContextIssue.objects.filter(title="NIS regulations").update(reviewed_on=dt.date(2025, 11, 29))
    ContextIssue.objects.filter(title="Key-person dependency").update(reviewed_on=None)
    found = findings("CTX006")
    assert keys(found) == ["Key-person dependency", "NIS regulations"]
    assert {f.grade for f in found} == {"ofi"}


def test_ctx006_passes_when_reviewed_within_a_year(load, findings):
    load(ISSUES)
    ContextIssue.objects.update(reviewed_on=dt.date(2025, 11, 30))
    assert findings("CTX006") == []


# -- CTX007 ------------------------------------------------------------------------------------


def test_ctx007_fires_without_interested_parties(load, findings):
    load(ISSUES)
    (finding,) = findings("CTX007")
    assert (finding.grade, finding.subject.key) == ("major", "4.2")


def test_ctx007_fires_ofi_for_a_party_without_requirements(load, findings):
    load(PARTIES)
    load("Interested parties:\n  - {name: Insurers, kind: external}\n")
    (finding,) = findings("CTX007")
    assert (finding.grade, finding.subject.key) == ("ofi", "Insurers")


def test_ctx007_passes_when_every_party_has_requirements(load, findings):
    load(PARTIES)
    assert findings("CTX007") == []
