"""Internal audit rules (9.2). Each rule has a test where it fires and one where it stays quiet
(test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.audits.models import InternalAudit
from isms.readiness.engine import run_assessment
from isms.readiness.finding import Population
from tests.readiness.conftest import AS_OF, NO_ESCALATION, keys
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db

AUDITOR_ROLE = """
ISMS roles:
  - {role: internal_auditor, person: auditor@acme.example, assigned_on: 2024-01-15}
"""

#: A clean programme: every clause, recent completed audits, independent appointed auditor.
CLEAN = (
    AUDITOR_ROLE
    + """
Internal audits:
  - ref: IA-2026-01
    title: Clauses 4 to 10
    planned_on: 2026-03-02
    completed_on: 2026-03-20
    status: completed
    lead_auditor: auditor@acme.example
    clauses: "4|5|6|7|8|9|10"
    departments: Engineering
    criteria: ISO/IEC 27001:2022 clauses 4-10
    report_summary: Two minor nonconformities; the ISMS is effectively implemented
  - ref: IA-2027-01
    title: Follow-up audit
    planned_on: 2027-03-01
    status: planned
    lead_auditor: auditor@acme.example
    clauses: "10.2"
    criteria: ISO/IEC 27001:2022 clause 10.2
"""
)


# AUD001 no-recent-internal-audit


def test_aud001_fires_without_any_completed_audit(load, findings):
    load(
        """
Internal audits:
  - {ref: IA-1, title: First audit, planned_on: 2026-12-01, status: planned}
"""
    )
    (finding,) = findings("AUD001")
    assert finding.grade == "major"
    assert finding.subject.key == "Internal audit programme"
    assert "1 audit(s)" in finding.detail


def test_aud001_fires_when_the_last_audit_is_older_than_a_year(load, findings):
    load(CLEAN)
    (finding,) = findings("AUD001", as_of=dt.date(2027, 4, 1))
    assert "IA-2026-01" in finding.detail and "2026-03-20" in finding.detail


def test_aud001_passes_with_an_audit_in_the_last_year(load, findings):
    load(CLEAN)
    assert findings("AUD001") == []
    assert findings("AUD001", as_of=dt.date(2026, 3, 19)) != [], "completed after that date"


# AUD002 audit-programme-misses-clauses


def test_aud002_fires_for_clauses_outside_every_audit(load, findings):
    load(CLEAN.replace('clauses: "4|5|6|7|8|9|10"', 'clauses: "4|5|6.1|6.2|7|8|9|10.1"'))
    (finding,) = findings("AUD002")
    assert finding.grade == "minor"
    assert "6.3 Planning of changes" in finding.detail
    assert "10.2" not in finding.detail, "covered by the planned follow-up audit"
    assert "leave 1 of 23 requirement clauses" in finding.detail


def test_aud002_fires_minor_even_when_most_clauses_are_missing(load, findings):
    load(CLEAN.replace('clauses: "4|5|6|7|8|9|10"', 'clauses: "9.2"'))
    (finding,) = findings("AUD002")
    # A programme with gaps is a lapse, not an absent process: one minor instance.
    assert (finding.grade, finding.reference, finding.issue) == ("minor", "9.2.2", "AUD002")


def test_aud002_passes_when_sub_and_parent_clauses_cover_everything(load, findings):
    load(
        CLEAN.replace(
            'clauses: "4|5|6|7|8|9|10"', 'clauses: "4|5|6.1.2|6.2|6.3|7|8|9.1|9.2.2|9.3|10"'
        )
    )
    assert findings("AUD002") == []


def test_aud002_passes_without_any_programme(load, findings):
    load(AUDITOR_ROLE)
    assert findings("AUD002") == [], "AUD001 reports the absence"


# AUD003 audit-programme-misses-controls


def test_aud003_fires_for_applicable_controls_never_audited(organisation, load, findings):
    full_soa(organisation, **{"7.4": {"applicable": False}})
    load(CLEAN.replace("criteria: ISO/IEC 27001:2022 clauses 4-10", 'controls: "5.1|5.2"'))
    (finding,) = findings("AUD003")
    assert (finding.grade, finding.reference) == ("ofi", "9.2.2"), "OFI however many are missing"
    assert "90 of the 92 applicable" in finding.detail


def test_aud003_joins_the_programme_coverage_finding_of_aud002(organisation, load):
    full_soa(organisation)
    load(
        CLEAN.replace('clauses: "4|5|6|7|8|9|10"', 'clauses: "4|5|6.1|6.2|7|8|9|10.1"').replace(
            "criteria: ISO/IEC 27001:2022 clauses 4-10", 'controls: "5.1|5.2"'
        )
    )
    result = run_assessment(
        organisation, AS_OF, 2, select=["AUD002", "AUD003"], profile=NO_ESCALATION
    )
    (finding,) = result.findings
    assert (finding.key, finding.codes, finding.grade) == ("AUD002", ("AUD002", "AUD003"), "minor")


def test_aud003_fires_ofi_for_a_few_gaps(organisation, load, findings):
    from isms.catalog.models import Control

    full_soa(organisation)
    refs = "|".join(Control.objects.exclude(ref__in=["5.7", "8.12"]).values_list("ref", flat=True))
    load(CLEAN.replace("criteria: ISO/IEC 27001:2022 clauses 4-10", f'controls: "{refs}"'))
    (finding,) = findings("AUD003")
    assert finding.grade == "ofi"
    assert "5.7, 8.12" in finding.detail


def test_aud003_passes_when_planned_audits_cover_the_rest(organisation, load, findings):
    from isms.catalog.models import Control

    full_soa(organisation, **{"8.12": {"applicable": False}})
    refs = "|".join(Control.objects.exclude(ref__in=["5.7", "8.12"]).values_list("ref", flat=True))
    text = CLEAN.replace("criteria: ISO/IEC 27001:2022 clauses 4-10", f'controls: "{refs}"')
    load(text.replace('clauses: "10.2"', 'clauses: "10.2"\n    controls: "5.7"'))
    assert findings("AUD003") == []


# AUD004 internal-audit-overdue


def test_aud004_fires_for_audits_past_their_date(load, findings):
    load(
        CLEAN
        + """
  - {ref: IA-2026-02, title: Suppliers, planned_on: 2026-09-14, status: planned,
     departments: Finance}
  - {ref: IA-2026-03, title: Access, planned_on: 2026-08-03, status: in_progress}
  - {ref: IA-2026-04, title: Late report, planned_on: 2026-09-01, status: completed,
     completed_on: 2026-12-10}
"""
    )
    found = findings("AUD004")
    assert keys(found) == ["IA-2026-02", "IA-2026-03", "IA-2026-04"]
    by_key = {f.subject.key: f for f in found}
    assert by_key["IA-2026-02"].department == "Finance"
    assert "77 days" in by_key["IA-2026-02"].detail
    assert "2026-12-10" in by_key["IA-2026-04"].detail


def test_aud004_passes_for_recent_cancelled_or_done_audits(load, findings):
    load(
        CLEAN
        + """
  - {ref: IA-2026-02, title: Started this month, planned_on: 2026-11-09, status: in_progress}
  - {ref: IA-2026-03, title: Dropped, planned_on: 2026-06-01, status: cancelled}
"""
    )
    assert findings("AUD004") == []


# AUD005 internal-audit-report-incomplete


def test_aud005_fires_only_when_nothing_shows_the_results_were_reported(load, findings):
    load(
        CLEAN
        + """
  - {ref: IA-2025-01, title: No summary or lead, planned_on: 2025-06-02,
     completed_on: 2025-06-20, status: completed, report_summary: n/a}
  - {ref: IA-2025-02, title: No summary or date, planned_on: 2025-10-06, status: completed,
     lead_auditor: auditor@acme.example}
  - {ref: IA-2025-03, title: Dated and led, planned_on: 2025-11-03, completed_on: 2025-11-20,
     status: completed, lead_auditor: auditor@acme.example}
  - {ref: IA-2025-04, title: Summary only, planned_on: 2025-12-01, status: completed,
     report_summary: All fine}
"""
    )
    found = findings("AUD005")
    assert keys(found) == ["IA-2025-01", "IA-2025-02"]
    by_key = {f.subject.key: f for f in found}
    assert "no report summary, no linked evidence, no lead auditor" in by_key["IA-2025-01"].detail
    assert "no report date" in by_key["IA-2025-02"].detail
    assert {f.grade for f in found} == {"ofi"}, "the report may exist outside the tool"
    assert found[0].population == Population("internal audits completed in the cycle", 5)


def test_aud005_passes_for_complete_reports_or_a_linked_report(load, findings):
    load(CLEAN)
    assert findings("AUD005") == []
    load(
        """
Internal audits:
  - {ref: IA-2025-01, title: Report filed elsewhere, planned_on: 2025-06-02,
     status: completed}
Evidence:
  - {ref: EV-1, title: IA-2025-01 audit report, kind: note, collected_on: 2025-06-25}
Evidence links:
  - {evidence: EV-1, record_type: Internal audits, record_key: IA-2025-01}
"""
    )
    assert findings("AUD005") == [], "the linked report is evidence that results were reported"


# AUD006 internal-auditor-not-independent

INDEPENDENCE = """
Processes:
  - {name: Order to cash, department: Finance, owner: fin@acme.example}
  - {name: Release, department: Engineering, owner: eng@acme.example}
Documents:
  - {ref: POL-002, title: Access control policy, kind: topic_policy, owner: isms@acme.example,
     controls: "5.15|5.18"}
  - {ref: PRO-007, title: Internal audit procedure, kind: procedure, owner: isms@acme.example,
     clauses: "9.2.2"}
Document versions:
  - {document: POL-002, version: "1.0", author: eng@acme.example, approver: ceo@acme.example,
     approved_on: 2026-01-10, effective_on: 2026-01-15}
"""


def _engineering_headed_by_eng():
    from isms.people.models import Department, Person

    Department.objects.filter(name="Engineering").update(
        manager=Person.objects.get(email="eng@acme.example")
    )


def test_aud006_fires_for_each_conflict(load, findings):
    load(
        INDEPENDENCE
        + """
Internal audits:
  - ref: IA-1
    title: Finance and access
    planned_on: 2026-05-04
    status: completed
    completed_on: 2026-05-20
    lead_auditor: auditor@acme.example
    team: fin@acme.example|isms@acme.example
    departments: Finance
    processes: Order to cash
    controls: "5.18"
    clauses: "9.2"
  - ref: IA-2
    title: Engineering
    planned_on: 2026-06-01
    lead_auditor: eng@acme.example
    departments: Engineering
    processes: Release
    controls: "5.15"
"""
    )
    _engineering_headed_by_eng()
    found = findings("AUD006")
    assert keys(found) == [
        "IA-1 / auditor@acme.example / Department Finance",
        "IA-1 / fin@acme.example / Department Finance",
        "IA-1 / fin@acme.example / Process Order to cash",
        "IA-1 / isms@acme.example / Document POL-002",
        "IA-1 / isms@acme.example / Document PRO-007",
        "IA-2 / eng@acme.example / Department Engineering",
        "IA-2 / eng@acme.example / Document POL-002",
        "IA-2 / eng@acme.example / Process Release",
    ]
    by_key = {f.subject.key: f for f in found}
    engineering = by_key["IA-2 / eng@acme.example / Department Engineering"]
    assert "works in and heads" in engineering.detail
    assert engineering.department == "Engineering"
    assert "wrote a version of" in by_key["IA-2 / eng@acme.example / Document POL-002"].detail
    assert "9.2.2" in by_key["IA-1 / isms@acme.example / Document PRO-007"].detail
    assert by_key["IA-1 / fin@acme.example / Process Order to cash"].process == "Order to cash"


def test_aud006_passes_for_assets_the_auditor_owns_in_scope(load, findings):
    load(
        INDEPENDENCE
        + """
Assets:
  - {name: Release pipeline, kind: software, owner: auditor@acme.example, process: Release}
  - {name: Test lab, kind: site, owner: auditor@acme.example, department: Engineering}
Internal audits:
  - {ref: IA-2, title: Engineering, planned_on: 2026-06-01, lead_auditor: auditor@acme.example,
     departments: Engineering, processes: Release}
"""
    )
    assert findings("AUD006") == [], "owning an asset is not auditing one's own work"


def test_aud006_fires_for_the_isms_manager_auditing_their_own_processes(load, findings):
    load(
        """
ISMS roles:
  - {role: isms_manager, person: auditor@acme.example, assigned_on: 2024-01-15}
Internal audits:
  - {ref: IA-1, title: Audit and improvement, planned_on: 2026-05-04, status: completed,
     completed_on: 2026-05-20, lead_auditor: auditor@acme.example, clauses: "9.2.2|10"}
  - {ref: IA-2, title: Support, planned_on: 2026-06-01, lead_auditor: auditor@acme.example,
     clauses: "7.2|7.3"}
"""
    )
    (finding,) = findings("AUD006")
    assert finding.subject.key == "IA-1 / auditor@acme.example / ISMS manager"
    assert finding.detail.endswith(
        "holds the ISMS manager role and so runs the processes of 9.2, 10.2, which the audit "
        "covers."
    )
    assert (finding.grade, finding.reference) == ("minor", "9.2.2")
    assert finding.population == Population("internal audits of the programme", 2)


def test_aud006_passes_for_an_outside_auditor(load, findings):
    load(
        INDEPENDENCE
        + """
Internal audits:
  - ref: IA-2
    title: Engineering
    planned_on: 2026-06-01
    lead_auditor: auditor@acme.example
    departments: Engineering
    processes: Release
    controls: "5.15|5.18"
    clauses: "9.2"
  - {ref: IA-3, title: Cancelled, planned_on: 2026-07-01, status: cancelled,
     lead_auditor: eng@acme.example, departments: Engineering}
Assets:
  - {name: Ledger, kind: information, owner: auditor@acme.example, department: Finance}
"""
    )
    _engineering_headed_by_eng()
    assert findings("AUD006") == []


# AUD007 internal-auditor-not-appointed


def test_aud007_fires_for_auditors_without_the_role(load, findings):
    load(
        CLEAN
        + """
  - {ref: IA-2026-02, title: Access, planned_on: 2026-06-01, lead_auditor: auditor@acme.example,
     team: fin@acme.example}
ISMS roles:
  - {role: internal_auditor, person: eng@acme.example, assigned_on: 2024-01-15,
     ended_on: 2025-12-31}
  - {role: internal_auditor, person: auditor@acme.example, assigned_on: 2024-01-15}
"""
    )
    from isms.people.models import Person

    InternalAudit.objects.get(ref="IA-2027-01").team.add(
        Person.objects.get(email="eng@acme.example")
    )
    found = findings("AUD007")
    assert keys(found) == ["eng@acme.example", "fin@acme.example"]
    by_key = {f.subject.key: f for f in found}
    assert "ended on 2025-12-31" in by_key["eng@acme.example"].detail
    assert "no internal auditor role" in by_key["fin@acme.example"].detail
    assert by_key["fin@acme.example"].department == "Finance"
    assert by_key["fin@acme.example"].grade == "ofi"


def test_aud007_passes_for_appointed_auditors(load, findings):
    load(CLEAN)
    assert findings("AUD007") == []


# AUD008 internal-audit-scope-undefined


def test_aud008_fires_without_scope_or_criteria(load, findings):
    load(
        CLEAN
        + """
  - {ref: IA-2026-02, title: General audit, planned_on: 2026-06-01}
  - {ref: IA-2026-03, title: Access, planned_on: 2026-07-01, controls: "5.15"}
"""
    )
    found = findings("AUD008")
    assert keys(found) == ["IA-2026-02", "IA-2026-03"]
    by_key = {f.subject.key: f for f in found}
    assert by_key["IA-2026-02"].grade == "minor"
    assert "no audit criteria" in by_key["IA-2026-02"].detail
    assert by_key["IA-2026-03"].grade == "ofi"


def test_aud008_passes_when_every_audit_has_scope_and_criteria(load, findings):
    load(CLEAN)
    assert findings("AUD008") == []
