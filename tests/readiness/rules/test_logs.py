"""Logging and monitoring rules (LOG)."""

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

SYSTEMS = """
Systems:
  - {name: ERP, owner: fin@acme.example, criticality: critical}
  - {name: CRM, criticality: high}
  - {name: Wiki, criticality: low}
"""


def test_log001_fires_for_serious_systems_without_a_log_source(load, findings):
    load(
        SYSTEMS
        + """
Log sources:
  - {system: CRM, destination: Sentinel, alerts_reviewed: yes, alert_review_frequency: daily,
     last_alert_review_on: 2026-11-29}
"""
    )
    (finding,) = findings("LOG001")
    assert finding.subject == Subject("Systems", "ERP")
    assert finding.population == Population("critical and high systems", 2)
    assert finding.department == "Finance"
    assert finding.grade == "minor"


def test_log001_passes_when_covered_or_when_no_log_source_is_recorded(load, findings):
    load(SYSTEMS)
    assert findings("LOG001") == [], "the register is not in use yet"
    load(
        """
Log sources:
  - {system: ERP, destination: Sentinel}
  - {system: CRM, destination: Sentinel}
"""
    )
    assert findings("LOG001") == []


def test_log002_fires_for_unreviewed_or_stale_alerts(load, findings):
    load(
        SYSTEMS
        + """
Log sources:
  - {system: ERP, destination: Sentinel, alerts_reviewed: yes, alert_review_frequency: weekly,
     last_alert_review_on: 2026-10-02, reviewer: eng@acme.example}
  - {system: CRM, destination: Sentinel, alerts_reviewed: no}
  - {system: CRM, destination: Syslog, alerts_reviewed: yes, alert_review_frequency: monthly}
  - {system: Wiki, destination: Sentinel, alerts_reviewed: yes, alert_review_frequency: daily,
     last_alert_review_on: 2026-11-28}
  - {system: ERP, destination: Splunk, alerts_reviewed: yes, alert_review_frequency: daily,
     last_alert_review_on: 2026-12-01}
"""
    )
    found = {f.subject.key: f for f in findings("LOG002")}
    assert sorted(found) == ["CRM / Sentinel", "CRM / Syslog", "ERP / Sentinel"]
    stale = found["ERP / Sentinel"]
    assert "59 days before 2026-11-30" in stale.detail
    assert stale.related == (Subject("Systems", "ERP"),)
    assert stale.department == "Engineering", "the reviewer's department"
    assert stale.population == Population("log sources", 5)
    assert "not reviewed by anyone" in found["CRM / Sentinel"].detail
    assert "no review is recorded" in found["CRM / Syslog"].detail


def test_log002_passes_when_reviews_are_current(load, findings):
    load(
        SYSTEMS
        + """
Log sources:
  - {system: ERP, destination: Sentinel, alerts_reviewed: yes, alert_review_frequency: weekly,
     last_alert_review_on: 2026-11-25}
"""
    )
    assert keys(findings("LOG002")) == []
