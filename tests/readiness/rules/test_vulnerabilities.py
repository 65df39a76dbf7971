"""Technical vulnerability management rules (VUL)."""

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

SYSTEMS = """
Systems:
  - {name: ERP, owner: fin@acme.example, criticality: critical}
  - {name: CRM, criticality: high}
  - {name: Wiki, criticality: low}
Remediation targets:
  - {severity: critical, days_allowed: 14}
  - {severity: high, days_allowed: 30}
  - {severity: medium, days_allowed: 90}
"""


def test_vul001_fires_for_open_overdue_serious_vulnerabilities(load, findings):
    load(
        SYSTEMS
        + """
Vulnerabilities:
  - {ref: CVE-1, system: ERP, severity: critical, found_on: 2026-10-01,
     description: Remote code execution in the web tier}
  - {ref: CVE-2, system: ERP, severity: high, found_on: 2026-09-01, fixed_on: 2026-12-10}
  - {ref: CVE-3, system: ERP, severity: critical, found_on: 2026-06-01, fixed_on: 2026-07-20}
  - {ref: CVE-4, system: CRM, severity: high, found_on: 2026-11-10}
  - {ref: CVE-5, system: CRM, severity: high, found_on: 2026-08-01, fixed_on: 2026-08-20}
  - {ref: CVE-6, system: CRM, severity: medium, found_on: 2026-01-01}
  - {ref: CVE-7, system: CRM, severity: critical, found_on: 2026-05-01,
     risk_accepted_by: ceo@acme.example, risk_accepted_until: 2027-01-31}
  - {ref: CVE-8, system: CRM, severity: critical, found_on: 2026-05-01,
     risk_accepted_by: ceo@acme.example, risk_accepted_until: 2026-10-31}
"""
    )
    found = {f.subject.key: f for f in findings("VUL001")}
    assert sorted(found) == ["CVE-1 / ERP", "CVE-2 / ERP", "CVE-8 / CRM"]
    first = found["CVE-1 / ERP"]
    assert first.grade == "minor"
    assert first.related == (Subject("Systems", "ERP"),)
    assert first.population == Population("critical and high vulnerabilities", 7)
    assert "due by 2026-10-15" in first.detail and "46 days late" in first.detail
    assert "1 other critical or high vulnerability on ERP was fixed after" in first.detail
    assert first.department == "Finance"
    assert "expired on 2026-10-31" in found["CVE-8 / CRM"].detail


def test_vul001_passes_when_fixed_in_time_or_within_deadline(load, findings):
    load(
        SYSTEMS
        + """
Vulnerabilities:
  - {ref: CVE-1, system: ERP, severity: critical, found_on: 2026-11-20}
  - {ref: CVE-2, system: ERP, severity: high, found_on: 2026-09-01, fixed_on: 2026-09-20}
"""
    )
    assert findings("VUL001") == []


def test_vul002_fires_for_serious_systems_without_a_recent_scan(load, findings):
    load(
        SYSTEMS
        + """
Vulnerability scans:
  - {system: ERP, scanned_on: 2025-10-01, tool: Tenable.io, findings_count: 3}
  - {system: ERP, scanned_on: 2026-12-05, tool: Tenable.io}
  - {system: CRM, scanned_on: 2026-06-01, tool: Tenable.io}
"""
    )
    (finding,) = findings("VUL002")
    assert finding.subject == Subject("Systems", "ERP")
    assert "last scan was on 2025-10-01" in finding.detail
    assert finding.population == Population("critical and high systems", 2)


def test_vul002_passes_without_any_vulnerability_records_or_when_scanned(load, findings):
    load(SYSTEMS)
    assert findings("VUL002") == [], "the registers are not in use yet"
    load(
        """
Vulnerability scans:
  - {system: ERP, scanned_on: 2026-03-01, tool: Tenable.io}
  - {system: CRM, scanned_on: 2026-06-01, tool: Tenable.io}
"""
    )
    assert findings("VUL002") == []


def test_vul003_fires_for_severities_without_days(load, findings):
    load(
        SYSTEMS
        + """
  - {severity: low, notes: Next maintenance window}
Vulnerabilities:
  - {ref: CVE-1, system: ERP, severity: low, found_on: 2026-10-01}
  - {ref: CVE-2, system: CRM, severity: low, found_on: 2026-10-01}
  - {ref: CVE-3, system: CRM, severity: high, found_on: 2026-10-01}
"""
    )
    (finding,) = findings("VUL003", stage=1)
    assert finding.subject == Subject("Remediation targets", "low")
    assert finding.grade == "ofi"
    assert "2 low vulnerabilities" in finding.detail


def test_vul003_passes_when_every_recorded_severity_has_a_target(load, findings):
    load(
        SYSTEMS
        + """
Vulnerabilities:
  - {ref: CVE-3, system: CRM, severity: high, found_on: 2026-10-01}
"""
    )
    assert keys(findings("VUL003", stage=1)) == []
