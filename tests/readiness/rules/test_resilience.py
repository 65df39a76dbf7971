"""Backup and continuity rules (BCK, BCP)."""

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


def test_bck001_fires_for_important_systems_without_a_recent_passed_restore(load, findings):
    load(
        SYSTEMS
        + """
Backup policies:
  - {system: ERP, backup_frequency: daily, restore_test_months: 6, offsite: yes, immutable: yes}
Restore tests:
  - {system: ERP, tested_on: 2026-03-10, result: passed, rto_met: yes}
  - {system: ERP, tested_on: 2026-10-01, result: failed, follow_up: INC-2026-014}
  - {system: CRM, tested_on: 2026-02-01, result: passed}
  - {system: Wiki, tested_on: 2020-01-01, result: passed}
"""
    )
    found = findings("BCK001")
    assert keys(found) == ["ERP"], "CRM is within the default 12 months; Wiki is low"
    (finding,) = found
    assert "every 6 months" in finding.detail and "2026-03-10" in finding.detail
    assert finding.population == Population("high and critical systems", 2)
    assert (finding.grade, finding.department) == ("minor", "Finance")


def test_bck001_fires_for_a_system_never_restored_and_uses_the_default(load, findings):
    load(
        SYSTEMS
        + """
Restore tests:
  - {system: ERP, tested_on: 2025-10-01, result: passed}
  - {system: CRM, tested_on: 2026-12-15, result: passed}
"""
    )
    found = {f.subject.key: f for f in findings("BCK001")}
    assert sorted(found) == ["CRM", "ERP"], "a test after the audit date does not count"
    assert "no passed restore test is recorded" in found["CRM"].detail
    assert "no backup policy" in found["ERP"].detail


def test_bck001_passes_with_recent_restores_or_without_backup_registers(load, findings):
    load(SYSTEMS)
    assert findings("BCK001") == [], "no backup registers kept: not judged"
    load(
        """
Restore tests:
  - {system: ERP, tested_on: 2026-09-01, result: passed}
  - {system: CRM, tested_on: 2026-01-05, result: passed}
"""
    )
    assert findings("BCK001") == []


def test_bck002_fires_for_failed_restore_without_follow_up(load, findings):
    load(
        SYSTEMS
        + """
Restore tests:
  - {system: ERP, tested_on: 2026-08-01, result: failed}
  - {system: CRM, tested_on: 2026-05-01, result: partial}
  - {system: CRM, tested_on: 2026-06-01, result: passed}
  - {system: Wiki, tested_on: 2026-07-01, result: failed, follow_up: CHG-101 fix the snapshot job}
"""
    )
    (finding,) = findings("BCK002")
    assert finding.subject == Subject("Restore tests", "ERP / 2026-08-01")
    assert finding.related == (Subject("Backup policies", "ERP"),)
    assert finding.grade == "minor"


def test_bck002_passes_when_failures_are_followed_up(load, findings):
    load(
        SYSTEMS
        + """
Restore tests:
  - {system: ERP, tested_on: 2026-08-01, result: failed, follow_up: NC-2026-03}
"""
    )
    assert findings("BCK002") == []


PLANS = """
Continuity plans:
  - {ref: BCP-001, title: Loss of the office, approved_on: 2024-01-10}
  - {ref: DRP-001, title: ERP disaster recovery, ict_readiness: yes, approved_on: 2024-01-10}
  - {ref: BCP-002, title: Pandemic, approved_on: 2026-06-01}
"""


def test_bcp001_fires_for_plans_not_exercised_in_twelve_months(load, findings):
    load(
        PLANS
        + """
Continuity exercises:
  - {plan: BCP-001, exercised_on: 2026-03-04, kind: tabletop, result: passed}
  - {plan: DRP-001, exercised_on: 2025-05-20, kind: simulation, result: passed}
"""
    )
    (finding,) = findings("BCP001")
    assert finding.subject.key == "DRP-001"
    assert finding.reference == "A.5.30", "ICT readiness plans are judged against 5.30"
    assert "2025-05-20" in finding.detail
    assert finding.population == Population("continuity plans", 3)


def test_bcp001_passes_for_exercised_or_new_plans(load, findings):
    load(
        PLANS
        + """
Continuity exercises:
  - {plan: BCP-001, exercised_on: 2026-03-04, kind: tabletop, result: passed}
  - {plan: DRP-001, exercised_on: 2026-09-20, kind: full, result: passed}
"""
    )
    assert findings("BCP001") == [], "BCP-002 was approved in 2026: not yet due"


def test_bcp002_fires_without_any_plan_while_important_systems_exist(load, findings):
    load(SYSTEMS)
    (finding,) = findings("BCP002", stage=1)
    assert (finding.subject.key, finding.grade) == ("Continuity plans", "major")
    assert "ERP" in finding.detail


def test_bcp002_passes_with_a_plan_a_plan_document_or_no_critical_system(load, findings):
    load("Systems:\n  - {name: Wiki, criticality: low}\n")
    assert findings("BCP002") == [], "no high or critical system"
    load(
        SYSTEMS
        + """
Documents:
  - {ref: PLN-001, title: Continuity plan, kind: plan, controls: "5.29|5.30"}
"""
    )
    assert findings("BCP002") == []


def test_bcp002_passes_with_the_continuity_register(load, findings):
    load(SYSTEMS + PLANS)
    assert findings("BCP002") == []


def test_bcp003_fires_for_failed_exercises_without_actions(load, findings):
    load(
        PLANS
        + """
Continuity exercises:
  - {plan: DRP-001, exercised_on: 2026-04-02, kind: simulation, result: failed,
     lessons: Restore took 9 hours against an RTO of 4}
  - {plan: BCP-001, exercised_on: 2026-03-04, kind: tabletop, result: partial,
     actions: CHG-200 update the call tree}
"""
    )
    (finding,) = findings("BCP003")
    assert finding.subject == Subject("Continuity exercises", "DRP-001 / 2026-04-02")
    assert (finding.reference, finding.grade) == ("A.5.30", "minor")
    assert finding.related == (Subject("Continuity plans", "DRP-001"),)


def test_bcp003_passes_for_passed_exercises(load, findings):
    load(
        PLANS
        + """
Continuity exercises:
  - {plan: BCP-001, exercised_on: 2026-03-04, kind: tabletop, result: passed}
"""
    )
    assert findings("BCP003") == []
