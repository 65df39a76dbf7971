"""Retention and deletion rules (RET)."""

import pytest

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.readiness.engine import run_assessment
from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import AS_OF, keys

pytestmark = pytest.mark.django_db

SCHEDULE = """
Systems:
  - {name: BambooHR, owner: fin@acme.example, criticality: high}
  - {name: Salesforce, criticality: high}
Retention schedule:
  - {data_category: Recruitment candidate records, system: BambooHR, retention_months: 6,
     deletion_method: Delete unsuccessful candidates}
  - {data_category: Sales leads, system: Salesforce, retention_months: 24,
     deletion_method: Scheduled purge}
"""


def test_ret001_fires_for_data_older_than_its_period(load, findings):
    load(
        SCHEDULE
        + """
Data inventory:
  - {data_category: Recruitment candidate records, system: BambooHR,
     oldest_record_on: 2023-05-14, record_count: 2870, checked_on: 2026-10-28}
  - {data_category: Sales leads, system: Salesforce, oldest_record_on: 2024-12-09}
"""
    )
    (finding,) = findings("RET001")
    assert finding.subject.key == "Recruitment candidate records / BambooHR"
    assert finding.related == (
        Subject("Retention schedule", "Recruitment candidate records"),
        Subject("Assets", "Recruitment candidate records"),
    )
    assert finding.population == Population("retention schedule categories", 2)
    assert "2,870 records" in finding.detail and "2023-05-14" in finding.detail
    assert finding.department == "Finance"


def test_ret001_passes_within_period_or_after_a_later_deletion(load, findings):
    load(
        SCHEDULE
        + """
Data inventory:
  - {data_category: Recruitment candidate records, system: BambooHR,
     oldest_record_on: 2023-05-14, checked_on: 2026-10-28}
  - {data_category: Sales leads, system: Salesforce, oldest_record_on: 2024-12-09,
     checked_on: 2026-11-01}
Deletion records:
  - {retention_rule: Recruitment candidate records, deleted_on: 2026-11-10,
     records_purged: 2800}
"""
    )
    assert findings("RET001") == [], "the deletion after the check makes the inventory stale"


def test_ret002_fires_for_categories_without_recent_deletions(load, findings):
    load(
        SCHEDULE
        + """
  - {data_category: Old archive, retention_months: 120}
Deletion records:
  - {retention_rule: Sales leads, deleted_on: 2026-07-06, records_purged: 40}
  - {retention_rule: Old archive, deleted_on: 2025-01-10, records_purged: 5}
"""
    )
    found = {f.subject.key: f for f in findings("RET002")}
    assert sorted(found) == ["Old archive", "Recruitment candidate records"]
    assert "no deletion has ever been recorded" in found["Recruitment candidate records"].detail
    assert "last deletion was on 2025-01-10" in found["Old archive"].detail
    assert {f.grade for f in found.values()} == {"minor"}
    assert {f.issue for f in found.values()} == {"RET001"}, "one finding: data kept too long"


def test_ret002_fires_for_every_category_when_nothing_is_ever_deleted(load, findings, organisation):
    load(SCHEDULE + "  - {data_category: Support tickets, retention_months: 6}\n")
    found = findings("RET002")
    assert keys(found) == ["Recruitment candidate records", "Sales leads", "Support tickets"]
    assert {o.grade for o in found} == {"minor"}, "no rule of its own makes it major"
    assert {(o.issue, o.population) for o in found} == {
        ("RET001", Population("retention schedule categories", 3))
    }
    assert found[0].related == (Subject("Assets", "Recruitment candidate records"),)
    # Every category without a deletion: pervasive, so the engine grades the finding major.
    result = run_assessment(organisation, AS_OF, 2, select=["RET002"])
    (finding,) = result.findings
    assert (finding.key, finding.grade) == ("RET001", "major")


def test_ret002_passes_with_deletions_or_nothing_yet_due(load, findings):
    load(
        SCHEDULE
        + """
  - {data_category: Test records, system: Salesforce, retention_months: 120}
Data inventory:
  - {data_category: Test records, system: Salesforce, oldest_record_on: 2019-02-13}
Deletion records:
  - {retention_rule: Sales leads, deleted_on: 2026-07-06, records_purged: 40}
  - {retention_rule: Recruitment candidate records, deleted_on: 2026-11-02,
     records_purged: 12}
"""
    )
    assert findings("RET002") == []


def test_ret003_fires_without_a_deletion_method(load, findings):
    load(
        """
Retention schedule:
  - {data_category: Support tickets, retention_months: 36}
  - {data_category: Sales leads, retention_months: 24, deletion_method: Scheduled purge}
"""
    )
    (finding,) = findings("RET003", stage=1)
    assert (finding.subject.key, finding.grade) == ("Support tickets", "ofi")


def test_ret003_passes_when_every_method_is_set(load, findings):
    load(SCHEDULE)
    assert findings("RET003") == []


def test_ret004_fires_without_a_retention_schedule(load, findings):
    load("Systems:\n  - {name: CRM, criticality: high}\n")
    assert keys(findings("RET004", stage=1)) == ["Retention schedule"]


def test_ret004_passes_with_a_schedule_or_a_justified_exclusion(load, findings, organisation):
    assert findings("RET004") == [], "no systems: nothing to judge"
    load("Systems:\n  - {name: CRM, criticality: high}\n")
    SoAEntry.objects.create(
        organisation=organisation,
        control=Control.objects.get(ref="8.10"),
        applicable=False,
        justification="All data is held by the group under its own ISMS",
    )
    assert findings("RET004") == []
    load(SCHEDULE)
    SoAEntry.objects.all().delete()
    assert findings("RET004") == []
