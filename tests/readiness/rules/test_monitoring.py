"""Monitoring and measurement rules (MON)."""

import pytest

from isms.monitoring.models import Metric, MetricResult
from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

METRICS = """
Objectives:
  - {ref: OBJ-01, statement: Patch critical vulnerabilities fast, metric: "% in 14 days",
     target: 95, measurement_frequency: monthly, owner: isms@acme.example}
Metrics:
  - {ref: MET-01, measures: Critical patches within 14 days, method: Patch tool report,
     frequency: monthly, owner: eng@acme.example, analysed_by: isms@acme.example,
     objective: OBJ-01, control: "8.8"}
  - {ref: MET-02, measures: Phishing simulation click rate, frequency: quarterly,
     owner: isms@acme.example, analysed_by: ceo@acme.example}
  - {ref: MET-03, measures: Backup restore tests passed, frequency: annual,
     owner: eng@acme.example}
"""


def test_metrics_sheets_import(load, organisation):
    load(
        METRICS
        + """
Metric results:
  - {metric: MET-01, measured_on: 2026-10-31, value: 96.5, analysed_on: 2026-11-05,
     analysis: On target}
"""
    )
    metric = Metric.objects.get(organisation=organisation, ref="MET-01")
    assert metric.objective.ref == "OBJ-01" and metric.control.ref == "8.8"
    assert metric.analysed_by.email == "isms@acme.example"
    assert MetricResult.objects.get(metric=metric).analysis == "On target"


def test_mon001_fires_for_metrics_without_a_recent_result(load, findings):
    load(
        METRICS
        + """
Metric results:
  - {metric: MET-01, measured_on: 2026-06-30, value: 97, analysis: ok}
  - {metric: MET-01, measured_on: 2026-12-31, value: 97, analysis: future}
  - {metric: MET-02, measured_on: 2026-09-30, value: 4.1, analysis: ok}
"""
    )
    found = {f.subject.key: f for f in findings("MON001")}
    assert sorted(found) == ["MET-01", "MET-03"]
    assert "last result is dated 2026-06-30" in found["MET-01"].detail
    assert "no result on or before 2026-11-30" in found["MET-03"].detail
    assert found["MET-01"].related == (Subject("Objectives", "OBJ-01"), Subject("SoA", "8.8"))
    assert found["MET-01"].population == Population("metrics", 3)
    assert found["MET-01"].owner == "eng@acme.example"
    assert {f.grade for f in found.values()} == {"minor"}


def test_mon001_passes_when_measured_in_time_or_no_register(load, findings):
    assert findings("MON001") == []
    load(
        METRICS
        + """
Metric results:
  - {metric: MET-01, measured_on: 2026-10-31, value: 97, analysis: ok}
  - {metric: MET-02, measured_on: 2026-08-31, value: 4.1, analysis: ok}
  - {metric: MET-03, measured_on: 2025-11-15, value: 100, analysis: ok}
"""
    )
    assert findings("MON001") == []


def test_mon002_fires_for_results_never_analysed(load, findings):
    load(
        METRICS
        + """
Metric results:
  - {metric: MET-01, measured_on: 2026-08-31, value: 97}
  - {metric: MET-01, measured_on: 2026-09-30, value: 91, analysed_on: 2026-12-02}
  - {metric: MET-01, measured_on: 2026-10-31, value: 96, analysed_on: 2026-11-04}
  - {metric: MET-01, measured_on: 2026-11-30, value: 96}
  - {metric: MET-02, measured_on: 2026-06-30, value: 4.1, analysis: Down from 6%}
  - {metric: MET-02, measured_on: 2026-09-30, value: 3.9}
  - {metric: MET-03, measured_on: 2024-11-15, value: 100}
"""
    )
    (finding,) = findings("MON002")
    assert finding.subject == Subject("Metrics", "MET-01")
    assert "2 result(s) dated 2026-08-31 to 2026-09-30" in finding.detail
    assert "isms@acme.example is named to analyse it" in finding.detail
    assert finding.grade == "minor"


def test_mon002_passes_when_every_due_result_is_analysed(load, findings):
    load(
        METRICS
        + """
Metric results:
  - {metric: MET-01, measured_on: 2026-09-30, value: 91, analysed_on: 2026-10-06}
  - {metric: MET-01, measured_on: 2026-10-31, value: 96, analysis: On target}
  - {metric: MET-01, measured_on: 2026-11-20, value: 96}
"""
    )
    assert keys(findings("MON002")) == []
