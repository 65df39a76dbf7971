"""Nonconformity rules (10.2). Each rule has a test where it fires and one where it stays quiet
(test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

AUDITS = """
Internal audits:
  - {ref: IA-2025-01, title: Clauses 4-6, planned_on: 2025-06-02, completed_on: 2025-06-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: One minor}
  - {ref: IA-2026-01, title: Clauses 7-10, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: Two minors}
"""


def nc(ref="NC-1", **overrides) -> str:
    """One clean, closed nonconformity as YAML; overrides replace columns (None drops one)."""
    values = {
        "source": "internal_audit",
        "audit": "IA-2026-01",
        "grade": "minor",
        "reference": '"5.18"',
        "raised_on": "2026-03-20",
        "description": "Two leavers still had Salesforce accounts 40 days after leaving",
        "correction": "Accounts disabled on 2026-03-21",
        "root_cause": "HR leaver notice did not reach sales operations",
        "corrective_action": "Leaver workflow now opens a ticket for every system owner",
        "process_changed": "Leaver process (PRO-002)",
        "owner": "eng@acme.example",
        "due_on": "2026-05-31",
        "effectiveness_checked_by": "isms@acme.example",
        "effectiveness_checked_on": "2026-09-15",
        "effective": "yes",
        "closed_on": "2026-09-15",
        "status": "closed",
    }
    values.update(overrides)
    lines = [f"  - ref: {ref}"]
    lines += [f"    {key}: {value}" for key, value in values.items() if value is not None]
    return "\n".join(lines) + "\n"


def log(*rows: str) -> str:
    return AUDITS + "Nonconformities:\n" + "".join(rows)


OPEN = {
    "effectiveness_checked_by": None,
    "effectiveness_checked_on": None,
    "effective": None,
    "closed_on": None,
}


# NCR001 nonconformity-log-empty


def test_ncr001_fires_for_an_empty_log_after_audits(load, findings):
    load(AUDITS)
    (finding,) = findings("NCR001")
    assert finding.grade == "minor"
    assert "2 internal audit(s)" in finding.detail
    (early,) = findings("NCR001", as_of=dt.date(2025, 12, 31))
    assert early.grade == "ofi", "one audit only by then"


def test_ncr001_fires_minor_when_the_certification_body_found_nonconformities(load, findings):
    load(
        AUDITS.split("  - {ref: IA-2026-01")[0]
        + """
External audits:
  - {ref: CB-S1, kind: stage1, certification_body: Example Cert, planned_on: 2025-09-01,
     held_on: 2025-09-01, minors: 2}
"""
    )
    (finding,) = findings("NCR001")
    assert finding.grade == "minor"
    assert "raised 2 nonconformities" in finding.detail


def test_ncr001_passes_with_a_logged_nonconformity(load, findings):
    load(log(nc()))
    assert findings("NCR001") == []


def test_ncr001_passes_before_any_audit(load, findings):
    load(AUDITS)
    assert findings("NCR001", as_of=dt.date(2025, 6, 1)) == []


# NCR002 nonconformity-closed-without-analysis


def test_ncr002_fires_for_nonconformities_closed_on_paper(load, findings):
    load(
        log(
            nc("NC-1", root_cause="", corrective_action="'-'"),
            nc("NC-2", effectiveness_checked_on=None, effectiveness_checked_by=None),
            nc("NC-3", effective="no"),
            nc("NC-4", effective=None),
        )
    )
    found = findings("NCR002")
    assert keys(found) == ["NC-1", "NC-2", "NC-3", "NC-4"]
    by_key = {f.subject.key: f for f in found}
    assert "no root cause, no corrective action" in by_key["NC-1"].detail
    assert "no effectiveness check" in by_key["NC-2"].detail
    assert "ineffective" in by_key["NC-3"].detail
    assert "no result" in by_key["NC-4"].detail


def test_ncr002_passes_for_properly_closed_and_open_ones(load, findings):
    load(log(nc("NC-1"), nc("NC-2", root_cause="", status="open", **OPEN)))
    assert findings("NCR002") == []
    assert findings("NCR002", as_of=dt.date(2026, 9, 1)) == [], "closed only later"


# NCR003 corrective-action-without-process-change


def test_ncr003_fires_without_a_process_change(load, findings):
    load(
        log(
            nc("NC-1", process_changed=""),
            nc("NC-2", process_changed="", corrective_action="", status="verifying", **OPEN),
        )
    )
    found = {f.subject.key: f for f in findings("NCR003")}
    assert sorted(found) == ["NC-1", "NC-2"]
    assert {f.grade for f in found.values()} == {"ofi"}, "a process change is not always needed"
    assert "only a correction recorded" in found["NC-2"].detail


def test_ncr003_passes_with_a_process_change_or_left_to_ncr002(load, findings):
    load(
        log(
            nc("NC-1"),
            nc("NC-2", process_changed="", corrective_action=""),
            nc("NC-3", process_changed="", status="open", **OPEN),
        )
    )
    assert findings("NCR003") == []


# NCR004 corrective-action-overdue


def test_ncr004_fires_for_overdue_actions(load, findings):
    load(
        log(
            nc("NC-1", status="action_planned", due_on="2026-09-30", **OPEN),
            nc("NC-2", due_on="2026-09-30", closed_on="2026-12-10"),
        )
    )
    found = findings("NCR004")
    assert keys(found) == ["NC-1", "NC-2"], "NC-2 was still open on the audit date"
    first = {f.subject.key: f for f in found}["NC-1"]
    assert "61 days" in first.detail
    assert (first.subject, first.grade, first.reference) == (
        Subject("Nonconformities", "NC-1"),
        "minor",
        "10.2",
    )
    assert first.population == Population("open nonconformities", 2)
    assert first.owner == "eng@acme.example"


def test_ncr004_passes_when_closed_or_not_yet_due(load, findings):
    load(
        log(
            nc("NC-1"),
            nc("NC-2", status="action_planned", due_on="2026-12-31", **OPEN),
            nc("NC-3", status="verifying", due_on="2026-05-31", **OPEN),
        )
    )
    assert findings("NCR004") == []


# NCR005 effectiveness-checked-by-action-owner


def test_ncr005_fires_when_the_owner_checks_their_own_action(load, findings):
    load(log(nc("NC-1", effectiveness_checked_by="eng@acme.example")))
    (finding,) = findings("NCR005")
    assert finding.subject.key == "NC-1"
    assert finding.grade == "ofi"


def test_ncr005_passes_for_an_independent_check(load, findings):
    load(log(nc("NC-1"), nc("NC-2", owner=None, effectiveness_checked_by="eng@acme.example")))
    assert findings("NCR005") == []


# NCR006 nonconformity-open-too-long


def test_ncr006_fires_as_an_ofi_whatever_the_organisations_label(load, findings):
    load(
        log(
            nc("NC-1", grade="major", status="action_planned", due_on="2026-12-31", **OPEN),
            nc(
                "NC-2",
                grade="minor",
                source="external_audit",
                audit=None,
                raised_on="2026-05-20",
                status="open",
                due_on=None,
                **OPEN,
            ),
        )
    )
    found = {f.subject.key: f for f in findings("NCR006")}
    assert sorted(found) == ["NC-1", "NC-2"]
    # The organisation's own "major" label is not a certification-body grade.
    assert {f.grade for f in found.values()} == {"ofi"}
    assert "255 days" in found["NC-1"].detail
    assert "corrective action due 2026-12-31" in found["NC-1"].detail
    assert found["NC-1"].subject == Subject("Nonconformities", "NC-1")


def test_ncr006_fires_when_the_due_date_was_moved(load, findings):
    from isms.audits.models import Nonconformity

    load(
        log(
            nc("NC-1", raised_on="2026-10-01", status="action_planned", due_on="2026-11-15", **OPEN)
        )
    )
    assert findings("NCR006") == [], "60 days open and on time"
    record = Nonconformity.objects.get(ref="NC-1")
    record.due_on = dt.date(2027, 2, 28)
    record.save()
    (finding,) = findings("NCR006")
    assert "due date was moved from 2026-11-15" in finding.detail
    assert finding.grade == "ofi"


def test_ncr006_passes_for_recent_closed_overdue_or_verifying_ones(load, findings):
    load(
        log(
            nc("NC-1", grade="major"),
            nc("NC-2", grade="major", raised_on="2026-10-23", status="open", **OPEN),
            nc("NC-3", status="action_planned", due_on="2026-09-30", **OPEN),
            nc("NC-4", grade="major", status="verifying", due_on="2026-12-31", **OPEN),
        )
    )
    assert findings("NCR006") == [], "NC-3 is overdue: NCR004's minor, not an OFI as well"


# NCR007 corrective-action-not-planned


def test_ncr007_fires_without_owner_or_due_date(load, findings):
    load(
        log(
            nc("NC-1", owner=None, due_on=None, status="open", **OPEN),
            nc("NC-2", due_on=None, status="action_planned", **OPEN),
        )
    )
    found = {f.subject.key: f for f in findings("NCR007")}
    assert sorted(found) == ["NC-1", "NC-2"]
    assert "no owner and no due date" in found["NC-1"].detail


def test_ncr007_passes_for_planned_or_recent_ones(load, findings):
    load(
        log(
            nc("NC-1", status="action_planned", **OPEN),
            nc("NC-2", owner=None, due_on=None, raised_on="2026-11-20", status="open", **OPEN),
            nc("NC-3", owner=None, due_on=None),
        )
    )
    assert findings("NCR007") == []
