"""SoA rules. Each rule has a test where it fires and one where it stays quiet
(test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db


def full_soa(organisation, **overrides):
    """All 93 controls applicable and implemented, with reasons; overrides by control ref."""
    defaults = {
        "applicable": True,
        "inclusion_reasons": "risk",
        "implementation_status": "implemented",
    }
    SoAEntry.objects.bulk_create(
        SoAEntry(
            organisation=organisation,
            control=control,
            **{**defaults, **overrides.get(control.ref, {})},
        )
        for control in Control.objects.all()
    )


def test_soa001_fires_when_controls_are_missing(organisation, findings):
    full_soa(organisation)
    SoAEntry.objects.filter(control__ref__in=["5.7", "8.23"]).delete()
    (finding,) = findings("SOA001")
    assert finding.grade == "minor"
    assert "5.7, 8.23" in finding.detail
    refs = [c.ref for c in Control.objects.order_by("sort_key")]
    SoAEntry.objects.all().delete()
    full_soa(organisation)
    SoAEntry.objects.filter(control__ref__in=refs[:46]).delete()
    assert findings("SOA001")[0].grade == "minor", "47 of 93 addressed: incomplete, a lapse"
    SoAEntry.objects.filter(control__ref=refs[46]).delete()
    assert findings("SOA001")[0].grade == "major", "46 of 93: never completed"
    SoAEntry.objects.all().delete()
    (absent,) = findings("SOA001")
    assert absent.grade == "major", "no SoA at all"
    assert "No Statement of Applicability" in absent.detail


def test_soa001_passes_with_all_93(organisation, findings):
    full_soa(organisation)
    assert findings("SOA001") == []


def test_soa002_fires_for_unjustified_exclusions(organisation, findings):
    full_soa(organisation, **{"7.4": {"applicable": False}, "8.23": {"applicable": False}})
    found = findings("SOA002")
    assert keys(found) == ["7.4", "8.23"]
    assert (found[0].issue, found[0].population.label, found[0].population.size) == (
        "SOA002",
        "SoA entries",
        93,
    )


def test_soa002_passes_for_justified_exclusions(organisation, findings):
    full_soa(organisation, **{"7.4": {"applicable": False, "justification": "No premises"}})
    assert findings("SOA002") == []


def test_soa003_fires_without_reason_or_justification(organisation, findings):
    full_soa(organisation, **{"5.7": {"inclusion_reasons": ""}})
    (found,) = findings("SOA003")
    assert (found.subject.key, found.issue, found.population.label) == (
        "5.7",
        "SOA002",
        "SoA entries",
    )


def test_soa003_passes_with_a_justification_only(organisation, findings):
    full_soa(organisation, **{"5.7": {"inclusion_reasons": "", "justification": "Board ask"}})
    assert findings("SOA003") == []


def test_soa004_fires_without_status(organisation, findings):
    full_soa(organisation, **{"5.7": {"implementation_status": ""}})
    (found,) = findings("SOA004")
    assert (found.subject.key, found.issue) == ("5.7", "SOA002")
    SoAEntry.objects.exclude(control__ref="5.7").delete()
    assert findings("SOA004")[0].population.size == 93, "the 93 controls when the SoA is short"


def test_soa004_passes_when_every_status_is_set(organisation, findings):
    full_soa(organisation)
    assert findings("SOA004") == []


def test_soa005_fires_without_an_approved_version(organisation, findings, load):
    full_soa(organisation)
    load("SoA versions:\n  - {version: '1.0', approved_on: 2026-01-10}\n")
    (found,) = findings("SOA005")
    assert (found.subject.key, found.reference) == ("Statement of Applicability", "7.5.2")


def test_soa005_passes_with_an_approved_version(organisation, findings, load):
    full_soa(organisation)
    load(
        "SoA versions:\n"
        "  - {version: '1.0', approved_by: ceo@acme.example, approved_on: 2026-01-10}\n"
    )
    assert findings("SOA005") == []
    assert findings("SOA005", as_of=dt.date(2025, 12, 31)) != [], "approved after that date"


def test_soa006_fires_for_not_started_controls_with_no_plan(organisation, findings, load):
    full_soa(
        organisation,
        **{
            "8.16": {"implementation_status": "not_started"},
            "8.12": {"implementation_status": "not_started", "implementation_notes": "DLP tool"},
            "8.11": {"implementation_status": "not_started"},
        },
    )
    load(RISK_WITH_ACTIONS.replace("STATUS", "done").replace("COMPLETED", "2026-10-01"))
    found = findings("SOA006")
    assert keys(found) == ["8.11", "8.12", "8.16"], "a completed action is no plan"
    by_key = {f.subject.key: f for f in found}
    assert (by_key["8.16"].reference, by_key["8.16"].issue) == ("A.8.16", "SOA006")
    assert by_key["8.16"].population.label == "applicable controls"


RISK_WITH_ACTIONS = """
Risks:
  - {ref: R-001, title: Data leaks, owner: eng@acme.example, likelihood: 3, impact: 3,
     treatment: modify}
Treatment plan:
  - {ref: RTP-001, risk: R-001, action: Deploy masking, owner: eng@acme.example,
     due_on: 2027-03-31, status: STATUS, completed_on: COMPLETED, controls: "8.11"}
"""


def test_soa006_passes_when_planned_or_done(organisation, findings, load):
    full_soa(
        organisation,
        **{
            "8.16": {"implementation_status": "planned"},
            "8.12": {"implementation_status": "not_started", "implementation_notes": "Q2 2027"},
            "8.11": {"implementation_status": "not_started"},
        },
    )
    load(RISK_WITH_ACTIONS.replace("STATUS", "planned").replace("COMPLETED", "''"))
    assert findings("SOA006") == [], "a date in the SoA or an open action is a plan (6.1.3 d)"


EVIDENCE = """
Evidence:
  - {ref: EV-1, title: Access review export, kind: note, collected_on: 2026-10-01}
  - {ref: EV-2, title: Old log review, kind: note, collected_on: 2026-01-15}
  - {ref: EV-3, title: Future evidence, kind: note, collected_on: 2026-12-15}
Evidence links:
  - {evidence: EV-1, record_type: SoA, record_key: "5.18"}
  - {evidence: EV-2, record_type: SoA, record_key: "8.15"}
  - {evidence: EV-3, record_type: SoA, record_key: "8.16"}
"""


def test_evd001_fires_for_implemented_controls_without_evidence(organisation, findings, load):
    full_soa(organisation)
    load(EVIDENCE)
    found = keys(findings("EVD001"))
    assert "5.18" not in found and "8.15" not in found
    assert "8.16" in found, "evidence collected after the audit date does not count"
    assert len(found) == 91


def test_evd001_passes_for_controls_with_evidence(organisation, findings, load):
    full_soa(organisation)
    SoAEntry.objects.exclude(control__ref__in=["5.18", "8.15"]).update(
        implementation_status="planned"
    )
    load(EVIDENCE)
    assert findings("EVD001") == []


def test_evd002_fires_when_evidence_is_older_than_committed(organisation, findings, load):
    full_soa(organisation, **{"8.15": {"evidence_frequency": "quarterly"}})
    load(EVIDENCE)
    (finding,) = findings("EVD002")
    assert finding.subject.key == "8.15"
    assert "2026-01-15" in finding.detail


def test_evd002_passes_within_the_period(organisation, findings, load):
    full_soa(
        organisation,
        **{"8.15": {"evidence_frequency": "annual"}, "5.18": {"evidence_frequency": "quarterly"}},
    )
    load(EVIDENCE)
    assert findings("EVD002") == []
