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
    SoAEntry.objects.all().delete()
    assert findings("SOA001")[0].grade == "major"


def test_soa001_passes_with_all_93(organisation, findings):
    full_soa(organisation)
    assert findings("SOA001") == []


def test_soa002_fires_for_unjustified_exclusions(organisation, findings):
    full_soa(organisation, **{"7.4": {"applicable": False}, "8.23": {"applicable": False}})
    assert keys(findings("SOA002")) == ["7.4", "8.23"]


def test_soa002_passes_for_justified_exclusions(organisation, findings):
    full_soa(organisation, **{"7.4": {"applicable": False, "justification": "No premises"}})
    assert findings("SOA002") == []


def test_soa003_fires_without_reason_or_justification(organisation, findings):
    full_soa(organisation, **{"5.7": {"inclusion_reasons": ""}})
    assert keys(findings("SOA003")) == ["5.7"]


def test_soa003_passes_with_a_justification_only(organisation, findings):
    full_soa(organisation, **{"5.7": {"inclusion_reasons": "", "justification": "Board ask"}})
    assert findings("SOA003") == []


def test_soa004_fires_without_status(organisation, findings):
    full_soa(organisation, **{"5.7": {"implementation_status": ""}})
    assert keys(findings("SOA004")) == ["5.7"]


def test_soa004_passes_when_every_status_is_set(organisation, findings):
    full_soa(organisation)
    assert findings("SOA004") == []


def test_soa005_fires_without_an_approved_version(organisation, findings, load):
    full_soa(organisation)
    load("SoA versions:\n  - {version: '1.0', approved_on: 2026-01-10}\n")
    assert keys(findings("SOA005")) == ["Statement of Applicability"]


def test_soa005_passes_with_an_approved_version(organisation, findings, load):
    full_soa(organisation)
    load(
        "SoA versions:\n"
        "  - {version: '1.0', approved_by: ceo@acme.example, approved_on: 2026-01-10}\n"
    )
    assert findings("SOA005") == []
    assert findings("SOA005", as_of=dt.date(2025, 12, 31)) != [], "approved after that date"


def test_soa006_fires_for_not_started_controls(organisation, findings):
    full_soa(organisation, **{"8.16": {"implementation_status": "not_started"}})
    (finding,) = findings("SOA006")
    assert (finding.subject.key, finding.reference) == ("8.16", "A.8.16")


def test_soa006_passes_when_planned_or_done(organisation, findings):
    full_soa(organisation, **{"8.16": {"implementation_status": "planned"}})
    assert findings("SOA006") == []


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
