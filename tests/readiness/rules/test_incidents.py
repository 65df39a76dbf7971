"""Incident rules (INC): a credible log, lessons learned, timely handling and reporting."""

import datetime as dt

import pytest

from isms.readiness.finding import Population
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

DONE = "root_cause: Look-alike domain not blocked, lessons_learned: Added domain monitoring"


def incidents(*rows: str) -> str:
    return "Incidents:\n" + "".join(f"  - {{{row}}}\n" for row in rows)


def test_inc001_fires_when_nothing_was_reported_for_a_year(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Phishing, kind: near_miss, severity: low, reported_on: 2025-10-01",
            "ref: INC-2, title: Later, kind: event, severity: low, reported_on: 2026-12-05",
        )
    )
    (finding,) = findings("INC001")
    assert finding.subject.key == "Incident log"
    assert "last record was reported on 2025-10-01" in finding.detail


def test_inc001_fires_for_an_empty_log(findings):
    (finding,) = findings("INC001")
    assert finding.grade == "minor"


def test_inc001_passes_with_a_recent_record(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Phishing, kind: near_miss, severity: low, reported_on: 2026-10-01",
        )
    )
    assert findings("INC001") == []


def test_inc002_fires_when_only_incidents_are_logged(load, findings):
    load(
        incidents(
            f"ref: INC-1, title: Laptop stolen, kind: incident, severity: low,"
            f" reported_on: 2026-03-01, closed_on: 2026-03-05, {DONE}",
            "ref: INC-2, title: Old near miss, kind: near_miss, severity: low,"
            " reported_on: 2025-06-01",
        )
    )
    (finding,) = findings("INC002")
    assert (finding.subject.key, finding.grade) == ("Incident log", "ofi")


def test_inc002_fires_as_minor_when_only_major_breaches_are_logged(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Ransomware, kind: incident, severity: critical,"
            " reported_on: 2026-03-01",
            "ref: INC-2, title: Customer data leak, kind: data_breach, severity: high,"
            " reported_on: 2026-05-01",
        )
    )
    (finding,) = findings("INC002")
    assert finding.grade == "minor"
    assert "every one of high or critical severity" in finding.detail


def test_inc002_passes_with_near_misses_and_events(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Ransomware, kind: incident, severity: critical,"
            " reported_on: 2026-03-01",
            "ref: INC-2, title: Phishing reported, kind: near_miss, severity: low,"
            " reported_on: 2026-04-01",
        )
    )
    assert findings("INC002") == []
    assert findings("INC002", as_of=dt.date(2024, 1, 1)) == [], "nothing to judge yet"


def test_inc003_fires_for_closed_incidents_without_analysis(load, findings):
    load(
        incidents(
            "ref: INC-2026-011, title: Wrong customer emailed, kind: incident, severity: medium,"
            " reported_on: 2026-09-08, closed_on: 2026-09-15",
            "ref: INC-2, title: Lost phone, kind: incident, severity: low,"
            " reported_on: 2026-03-01, closed_on: 2026-03-02, root_cause: Left on train,"
            " lessons_learned: '  '",
        )
    )
    observed = findings("INC003")
    assert {(o.issue, o.population) for o in observed} == {
        ("INC003", Population("closed incidents and breaches", 2))
    }
    found = {f.subject.key: f.detail for f in observed}
    assert sorted(found) == ["INC-2", "INC-2026-011"]
    assert "no root cause and no lessons learned" in found["INC-2026-011"]
    assert "no lessons learned" in found["INC-2"] and "root cause" not in found["INC-2"]


def test_inc003_passes_for_analysed_open_or_small_records(load, findings):
    load(
        incidents(
            f"ref: INC-1, title: Done right, kind: incident, severity: medium,"
            f" reported_on: 2026-09-08, closed_on: 2026-09-15, {DONE}",
            "ref: INC-2, title: Still open, kind: incident, severity: medium,"
            " reported_on: 2026-11-09",
            "ref: INC-3, title: Closes later, kind: incident, severity: low,"
            " reported_on: 2026-11-20, closed_on: 2026-12-02",
            "ref: INC-4, title: Blocked scan, kind: event, severity: low,"
            " reported_on: 2026-10-01, closed_on: 2026-10-01",
            "ref: INC-5, title: Breach, kind: data_breach, severity: medium,"
            " reported_on: 2026-10-01, closed_on: 2026-10-05",
        )
    )
    assert findings("INC003") == []


def test_inc004_fires_for_old_open_high_severity_incidents(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Ransomware, kind: incident, severity: high,"
            " reported_on: 2026-09-01",
            "ref: INC-2, title: Leak, kind: data_breach, severity: critical,"
            " reported_on: 2026-10-01, closed_on: 2026-12-10",
        )
    )
    found = findings("INC004")
    assert keys(found) == ["INC-1", "INC-2"], "INC-2 closes only after the audit date"
    assert "90 days later" in found[0].detail
    # The standard sets no 30-day limit and the register holds no target time of the
    # organisation's own procedure: an opportunity for improvement, not a nonconformity.
    assert {f.grade for f in found} == {"ofi"}


def test_inc004_passes_for_recent_closed_or_lower_severity(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Ransomware, kind: incident, severity: high,"
            f" reported_on: 2026-09-01, closed_on: 2026-09-20, {DONE}",
            "ref: INC-2, title: OAuth consent, kind: incident, severity: critical,"
            " reported_on: 2026-11-09",
            "ref: INC-3, title: Slow case, kind: incident, severity: medium,"
            " reported_on: 2026-05-01",
        )
    )
    assert findings("INC004") == []


def test_inc005_fires_for_breaches_closed_without_lessons(load, findings):
    load(
        incidents(
            "ref: INC-7, title: Contact list emailed to wrong utility, kind: data_breach,"
            " severity: medium, reported_on: 2026-05-20, closed_on: 2026-05-30,"
            " root_cause: Autocomplete",
        )
    )
    (finding,) = findings("INC005")
    assert (finding.subject.key, finding.reference) == ("INC-7", "A.5.27")
    assert finding.issue == "INC003", "one finding with INC003: lessons not learned"
    assert finding.population == Population("closed incidents and breaches", 1)
    assert "no lessons learned" in finding.detail


def test_inc005_passes_for_analysed_or_open_breaches(load, findings):
    load(
        incidents(
            "ref: INC-7, title: Contact list emailed, kind: data_breach, severity: medium,"
            f" reported_on: 2026-05-20, closed_on: 2026-05-30, {DONE}",
            "ref: INC-8, title: Being analysed, kind: data_breach, severity: medium,"
            " reported_on: 2026-11-20",
        )
    )
    assert findings("INC005") == []


def test_inc006_fires_for_late_reports(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Contractor access found late, kind: incident, severity: low,"
            " occurred_on: 2026-05-01, reported_on: 2026-05-20",
            "ref: INC-2, title: Old late one, kind: event, severity: low,"
            " occurred_on: 2025-01-01, reported_on: 2025-03-01",
        )
    )
    (finding,) = findings("INC006")
    assert (finding.subject.key, finding.grade) == ("INC-1", "ofi")
    assert "19 days later" in finding.detail


def test_inc006_passes_for_timely_reports(load, findings):
    load(
        incidents(
            "ref: INC-1, title: Found four days on, kind: incident, severity: low,"
            " occurred_on: 2026-05-01, reported_on: 2026-05-08",
            "ref: INC-2, title: No occurrence date, kind: event, severity: low,"
            " reported_on: 2026-06-01",
        )
    )
    assert findings("INC006") == []
