"""Certification cycle rules (9.2, 9.3, 10.2 and 17021-1 practice). Each rule has a test where
it fires and one where it stays quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.readiness.engine import Advisory, run_assessment
from isms.readiness.finding import Subject
from tests.readiness.conftest import AS_OF, keys

pytestmark = pytest.mark.django_db

AUDIT = """
Internal audits:
  - {ref: IA-2026-01, title: Clauses 4-10, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: Two minors}
"""
REVIEW = """
Management reviews:
  - {ref: MR-2026-1, held_on: 2026-04-16, chair: ceo@acme.example, signed_by: ceo@acme.example,
     signed_on: 2026-04-20}
"""


def external(*rows: str) -> str:
    return "External audits:\n" + "".join(
        f"  - {{{row}, certification_body: Example Cert}}\n" for row in rows
    )


STAGES = external(
    "ref: CB-S1, kind: stage1, planned_on: 2026-11-16, held_on: 2026-11-17",
    "ref: CB-S2, kind: stage2, planned_on: 2027-01-18",
)


# CRT001 stage2-before-audit-and-review


def test_crt001_fires_without_a_completed_internal_audit(load, findings):
    load(REVIEW + STAGES)
    (finding,) = findings("CRT001")
    assert finding.subject.key == "CB-S2"
    # A readiness problem of the ISMS, not an advisory: the internal audit is absent (9.2).
    assert (finding.grade, finding.reference) == ("major", "9.2")
    assert "no internal audit had been completed" in finding.detail
    assert finding.related == (Subject("Internal audits", "Internal audit programme"),)


def test_crt001_fires_without_a_review_after_the_audit(load, findings):
    load(
        AUDIT
        + REVIEW.replace("2026-04-16", "2026-02-16").replace("2026-04-20", "2026-02-20")
        + STAGES
    )
    (finding,) = findings("CRT001")
    assert "no management review" in finding.detail and "IA-2026-01" in finding.detail
    assert (finding.grade, finding.reference) == ("minor", "9.3")
    assert finding.related == (Subject("Management reviews", "MR-2026-1"),), "MRV006's record"


def test_crt001_joins_the_finding_on_the_same_review(load, findings, organisation):
    load(
        AUDIT
        + REVIEW.replace("2026-04-16", "2026-02-16").replace("2026-04-20", "2026-02-20")
        + STAGES
    )
    result = run_assessment(organisation, AS_OF, 1, select=["CRT001", "MRV006"])
    (finding,) = result.findings
    assert finding.codes == ("CRT001", "MRV006")
    assert result.advisories == []


def test_crt001_passes_with_a_full_cycle(load, findings):
    load(AUDIT + REVIEW + STAGES)
    assert findings("CRT001") == []


def test_crt001_passes_once_stage2_is_held(load, findings):
    load(REVIEW + STAGES)
    assert findings("CRT001", as_of=dt.date(2027, 2, 1)) == []


# CRT002 stage2-too-soon-after-stage1


def test_crt002_fires_when_stage2_follows_stage1_within_two_weeks(load, findings):
    load(
        external(
            "ref: CB-S1, kind: stage1, planned_on: 2027-01-11",
            "ref: CB-S2, kind: stage2, planned_on: 2027-01-18",
        )
    )
    (finding,) = findings("CRT002")
    assert finding.subject.key == "CB-S2"
    assert isinstance(finding, Advisory), "the certification body's matter, not a finding"
    assert "only 7 day(s)" in finding.detail


def test_crt002_passes_with_time_between_stages(load, findings):
    load(STAGES)
    assert findings("CRT002") == []


# CRT003 stage1-missing-or-outdated


def test_crt003_fires_for_an_old_or_missing_stage1(load, findings):
    load(
        external(
            "ref: CB-S1, kind: stage1, planned_on: 2026-05-18, held_on: 2026-05-19",
            "ref: CB-S2, kind: stage2, planned_on: 2027-01-18",
        )
    )
    (finding,) = findings("CRT003")
    assert isinstance(finding, Advisory)
    assert "7 months after stage 1 audit CB-S1" in finding.detail


def test_crt003_fires_without_any_stage1(load, findings):
    load(external("ref: CB-S2, kind: stage2, planned_on: 2027-01-18"))
    (finding,) = findings("CRT003")
    assert "no stage 1 audit is recorded" in finding.detail


def test_crt003_passes_with_a_recent_stage1(load, findings):
    load(STAGES)
    assert findings("CRT003") == []


# CRT004 certificate-expiring-without-recertification

CERTIFIED = (
    "ref: CB-S2, kind: stage2, planned_on: 2024-01-15, held_on: 2024-01-16, recommended: yes, "
    "certificate_expires_on: 2027-02-15"
)


def test_crt004_fires_when_expiry_is_near_and_nothing_is_planned(load, findings):
    load(
        external(
            CERTIFIED,
            "ref: CB-SV1, kind: surveillance, planned_on: 2025-01-13, held_on: 2025-01-14",
        )
    )
    (finding,) = findings("CRT004")
    assert finding.subject.key == "CB-S2"
    assert isinstance(finding, Advisory)
    assert "no recertification audit is planned" in finding.detail


def test_crt004_fires_when_recertification_comes_after_expiry(load, findings):
    load(external(CERTIFIED, "ref: CB-RC, kind: recertification, planned_on: 2027-03-01"))
    (finding,) = findings("CRT004")
    assert "CB-RC is planned only for 2027-03-01" in finding.detail


def test_crt004_fires_once_expired_as_an_advisory_not_a_finding(load, findings, organisation):
    load(external(CERTIFIED))
    (finding,) = findings("CRT004", as_of=dt.date(2027, 3, 1))
    assert "expired on 2027-02-15" in finding.detail
    result = run_assessment(organisation, dt.date(2027, 3, 1), 2, select=["CRT004"])
    assert (result.findings, [a.code for a in result.advisories]) == ([], ["CRT004"])


def test_crt004_passes_with_recertification_before_expiry(load, findings):
    load(external(CERTIFIED, "ref: CB-RC, kind: recertification, planned_on: 2027-01-11"))
    assert findings("CRT004") == []
    assert findings("CRT004", as_of=dt.date(2026, 6, 1)) == [], "expiry still far"


# CRT005 surveillance-audit-missing


def test_crt005_fires_for_years_without_surveillance(load, findings):
    load(
        external(
            CERTIFIED,
            "ref: CB-SV1, kind: surveillance, planned_on: 2025-01-13, held_on: 2025-01-14",
        )
    )
    found = {f.subject.key: f for f in findings("CRT005")}
    assert sorted(found) == ["Surveillance 2026"]
    assert "none is held or planned in 2026" in found["Surveillance 2026"].detail
    (past,) = findings("CRT005", as_of=dt.date(2027, 1, 31))
    assert past.subject.key == "Surveillance 2026"
    assert isinstance(past, Advisory)
    assert "none was held in 2026" in past.detail


def test_crt005_passes_with_yearly_surveillance(load, findings):
    load(
        external(
            CERTIFIED,
            "ref: CB-SV1, kind: surveillance, planned_on: 2025-01-13, held_on: 2025-01-14",
            "ref: CB-SV2, kind: surveillance, planned_on: 2026-12-07",
        )
    )
    assert findings("CRT005") == []
    assert keys(findings("CRT005", as_of=dt.date(2027, 1, 31))) == ["Surveillance 2026"]


def test_crt005_passes_when_not_certified(load, findings):
    load(STAGES)
    assert findings("CRT005") == []


# CRT006 external-audit-findings-not-logged

NC = """
Nonconformities:
  - {ref: NC-1, source: external_audit, grade: minor, raised_on: 2026-05-20,
     description: Scope boundaries unclear}
"""


def test_crt006_fires_when_findings_are_missing_from_the_log(load, findings):
    load(
        external(
            "ref: CB-S1, kind: stage1, planned_on: 2026-05-18, held_on: 2026-05-19, minors: 2",
            "ref: CB-S2, kind: stage2, planned_on: 2027-01-18",
        )
        + NC
    )
    (finding,) = findings("CRT006")
    assert finding.subject.key == "CB-S1"
    assert "raised 0 major and 2 minor" in finding.detail
    assert "only 1" in finding.detail


def test_crt006_passes_when_every_finding_is_logged(load, findings):
    load(
        external(
            "ref: CB-S1, kind: stage1, planned_on: 2026-05-18, held_on: 2026-05-19, minors: 1",
            "ref: CB-S2, kind: stage2, planned_on: 2027-01-18",
        )
        + NC
    )
    assert findings("CRT006") == []
