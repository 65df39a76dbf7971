"""Objective rules (6.2, 9.1). Each rule has a test where it fires and one where it stays quiet
(test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.controls.models import Measurement, Objective
from isms.people.models import Person
from isms.readiness.finding import Subject
from tests.readiness.conftest import PEOPLE, keys

pytestmark = pytest.mark.django_db

OBJECTIVES = """
Objectives:
  - {ref: OBJ-01, statement: Patch critical vulnerabilities quickly,
     metric: Median days to patch critical CVEs, target: 7, higher_is_better: no, unit: days,
     measurement_frequency: monthly, owner: eng@acme.example, due_on: 2026-12-31,
     strategic_goal: Win customers who audit our security}
  - {ref: OBJ-02, statement: Keep awareness training current,
     metric: Share of staff with in-date training, target: 98, higher_is_better: yes,
     unit: "%", measurement_frequency: quarterly, owner: fin@acme.example,
     due_on: 2026-12-31, strategic_goal: Certification by 2027}
Measurements:
  - {objective: OBJ-01, measured_on: 2026-09-30, value: 9}
  - {objective: OBJ-01, measured_on: 2026-10-31, value: 8}
  - {objective: OBJ-02, measured_on: 2026-06-30, value: 91}
  - {objective: OBJ-02, measured_on: 2026-09-30, value: 95}
"""


@pytest.fixture
def objectives(load):
    load(OBJECTIVES)


# -- OBJ001 ------------------------------------------------------------------------------------


def test_obj001_fires_without_objectives(load, findings):
    load("Scope:\n  - {version: '1.0', statement: Everything}\n")
    assert keys(findings("OBJ001")) == ["6.2"]


def test_obj001_passes_with_objectives(objectives, findings):
    assert findings("OBJ001") == []


# -- OBJ002 ------------------------------------------------------------------------------------


def test_obj002_fires_for_objectives_that_cannot_be_measured(objectives, findings, load):
    load(
        "Objectives:\n"
        "  - {ref: OBJ-09, statement: Improve the security culture, owner: eng@acme.example,"
        " due_on: 2026-12-31, strategic_goal: Operational excellence}\n"
        "  - {ref: OBJ-11, statement: Fewer incidents, metric: Incidents a quarter,"
        " measurement_frequency: quarterly}\n"
    )
    found = findings("OBJ002")
    assert keys(found) == ["OBJ-09", "OBJ-11"]
    assert "has no metric, target or measurement frequency" in found[0].detail
    assert found[0].department == "Engineering"
    assert found[1].detail.endswith("has no target.")
    assert (found[0].issue, found[0].population.label, found[0].population.size) == (
        "OBJ002",
        "objectives",
        4,
    )
    assert found[0].owner == "eng@acme.example"


def test_obj002_passes_when_metric_target_and_frequency_are_set(objectives, findings):
    assert findings("OBJ002") == []


# -- OBJ003 ------------------------------------------------------------------------------------


def test_obj003_fires_without_a_current_owner_or_a_date(objectives, findings, load):
    load(
        PEOPLE + "  - {email: gone@acme.example, name: Gone Person, leave_date: 2026-06-30}\n",
        with_people=False,
    )
    Objective.objects.filter(ref="OBJ-01").update(owner=None, due_on=None)
    Objective.objects.filter(ref="OBJ-02").update(
        owner=Person.objects.get(email="gone@acme.example")
    )
    found = findings("OBJ003")
    assert keys(found) == ["OBJ-01", "OBJ-02"]
    assert "has no owner and has no due date" in found[0].detail
    assert (found[0].issue, found[0].related) == ("OBJ002", ())
    assert "gone@acme.example, who left on 2026-06-30" in found[1].detail
    assert found[1].issue == "LDR003", "a leaver's objective is the leaver issue"
    assert found[1].related == (Subject("People", "gone@acme.example"),)
    assert found[1].population.label == "ISMS responsibilities"
    Objective.objects.filter(ref="OBJ-02").update(due_on=None)
    both = sorted(
        (o for o in findings("OBJ003") if o.subject.key == "OBJ-02"), key=lambda o: o.issue
    )
    assert [o.issue for o in both] == ["LDR003", "OBJ002"]
    assert both[1].detail.endswith("has no due date.")


def test_obj003_passes_with_owners_and_dates(objectives, findings):
    assert findings("OBJ003") == []


# -- OBJ004 ------------------------------------------------------------------------------------


def test_obj004_fires_for_objectives_without_a_business_goal(objectives, findings):
    Objective.objects.filter(ref="OBJ-02").update(strategic_goal=" ")
    found = findings("OBJ004")
    assert keys(found) == ["OBJ-02"]
    assert found[0].grade == "ofi"


def test_obj004_passes_when_every_objective_serves_a_goal(objectives, findings):
    assert findings("OBJ004") == []


# -- OBJ005 ------------------------------------------------------------------------------------


def test_obj005_fires_when_measurements_stop(objectives, findings, load):
    load(
        "Objectives:\n"
        "  - {ref: OBJ-03, statement: Restore quickly, metric: Hours to restore, target: 4,"
        " measurement_frequency: annual}\n"
    )
    # monthly OBJ-01: last 2026-10-31 is fine at 2026-11-30, stale at 2027-01-01 (> 2 months)
    # quarterly OBJ-02: last 2026-09-30, stale from 2027-02-01 (> 4 months)
    # annual OBJ-03: never measured
    assert keys(findings("OBJ005")) == ["OBJ-03"]
    assert keys(findings("OBJ005", as_of=dt.date(2027, 1, 1))) == ["OBJ-01", "OBJ-03"]
    found = findings("OBJ005", as_of=dt.date(2027, 2, 1))
    assert keys(found) == ["OBJ-01", "OBJ-02", "OBJ-03"]
    assert "measured quarterly but was last measured on 2026-09-30" in found[1].detail
    # measurements after the audit date do not count: OBJ-01 has none by 2026-09-29
    assert keys(findings("OBJ005", as_of=dt.date(2026, 9, 29))) == ["OBJ-01", "OBJ-03"]


def test_obj005_passes_within_period_and_grace(objectives, findings):
    assert findings("OBJ005") == []
    assert findings("OBJ005", as_of=dt.date(2026, 12, 31)) == []
    Objective.objects.filter(ref="OBJ-01").delete()
    assert findings("OBJ005", as_of=dt.date(2027, 1, 31)) == [], "exactly 4 months is on time"


# -- OBJ006 ------------------------------------------------------------------------------------


def test_obj006_fires_for_missed_targets_after_the_due_date(objectives, findings):
    Objective.objects.update(due_on=dt.date(2026, 10, 31))
    found = findings("OBJ006")
    assert keys(found) == ["OBJ-01", "OBJ-02"]
    assert "target of at most 7 days" in found[0].detail
    assert "on 2026-10-31, is 8 days" in found[0].detail
    assert {f.grade for f in found} == {"ofi"}


def test_obj006_passes_when_met_or_not_yet_due(objectives, findings):
    assert findings("OBJ006") == [], "due 2026-12-31, after the audit date"
    Objective.objects.update(due_on=dt.date(2026, 10, 31))
    Measurement.objects.filter(objective__ref="OBJ-01", measured_on="2026-10-31").update(value=7)
    Measurement.objects.filter(objective__ref="OBJ-02", measured_on="2026-09-30").update(value=98)
    assert findings("OBJ006") == []
