"""Document rules (DOC): review, approval, versions, the policy, mandatory documents."""

import datetime as dt

import pytest

from isms.people.models import TrainingCourse
from isms.readiness.rules import documents
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db


def sheet(name: str, *rows: str) -> str:
    return f"{name}:\n" + "".join(f"  - {{{row}}}\n" for row in rows)


def docs(*rows: str) -> str:
    return sheet("Documents", *rows)


def versions(*rows: str) -> str:
    return sheet("Document versions", *rows)


POLICY = (
    docs(
        "ref: POL-001, title: Information security policy, kind: policy,"
        " owner: isms@acme.example, next_review_on: 2027-03-23, clauses: '5.1|5.2'"
    )
    + versions(
        "document: POL-001, version: '2.0', author: isms@acme.example,"
        " approver: ceo@acme.example, approved_on: 2026-03-16, effective_on: 2026-03-23"
    )
    + sheet("ISMS roles", "role: top_management_sponsor, person: ceo@acme.example")
)


def test_doc001_fires_for_documents_past_their_review_date(load, findings):
    load(
        docs(
            "ref: POL-003, title: Acceptable use, kind: topic_policy, owner: fin@acme.example,"
            " next_review_on: 2026-08-01",
            "ref: PRO-001, title: Incidents, kind: procedure, review_interval_months: 12",
        )
        + versions(
            "document: PRO-001, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2025-06-01, effective_on: 2025-06-02",
        )
    )
    found = {f.subject.key: f for f in findings("DOC001", stage=1)}
    assert sorted(found) == ["POL-003", "PRO-001"]
    assert "due on 2026-08-01, 121 days before 2026-11-30" in found["POL-003"].detail
    assert found["POL-003"].department == "Finance"
    assert "due for review by 2026-06-01" in found["PRO-001"].detail
    assert found["PRO-001"].reference == "A.5.1", "periodic review of policies is A.5.1"
    assert found["PRO-001"].population.label == "documents"


def test_doc001_passes_when_reviews_are_current(load, findings):
    load(POLICY)
    load(
        docs(
            "ref: PRO-001, title: Incidents, kind: procedure, review_interval_months: 12",
            "ref: STD-002, title: Baseline, kind: standard",
        )
        + versions(
            "document: PRO-001, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2026-06-01, effective_on: 2026-06-02",
        )
    )
    assert findings("DOC001") == []


def test_doc002_fires_for_versions_in_effect_without_approval(load, findings):
    load(
        docs(
            "ref: PRO-012, title: Secure disposal, kind: procedure, owner: eng@acme.example",
            "ref: PRO-013, title: Backups, kind: procedure",
        )
        + versions(
            "document: PRO-012, version: '1.1', author: eng@acme.example, effective_on: 2026-06-01",
            "document: PRO-013, version: '1.0', approver: isms@acme.example,"
            " effective_on: 2026-06-01",
        )
    )
    found = {f.subject.key: f for f in findings("DOC002", stage=1)}
    assert sorted(found) == ["PRO-012 / 1.1", "PRO-013 / 1.0"]
    assert "no approver and no approval date" in found["PRO-012 / 1.1"].detail
    assert "no approval date (approver isms@acme.example)" in found["PRO-013 / 1.0"].detail
    assert found["PRO-012 / 1.1"].department == "Engineering"
    assert {(f.issue, f.population.size) for f in found.values()} == {("DOC002", 2)}


def test_doc002_passes_for_approved_versions_and_drafts(load, findings):
    load(POLICY)
    load(
        docs("ref: PRO-012, title: Secure disposal, kind: procedure")
        + versions(
            "document: PRO-012, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2025-05-12, effective_on: 2025-05-19",
            "document: PRO-012, version: '1.1', author: eng@acme.example",
            "document: PRO-012, version: '1.2', effective_on: 2027-01-01",
        )
    )
    assert findings("DOC002") == []


def test_doc003_fires_for_documents_without_versions(load, findings):
    load(
        docs(
            "ref: STD-002, title: Secure configuration baseline, kind: standard",
            "ref: PLN-009, title: Future plan, kind: plan",
        )
        + versions(
            "document: PLN-009, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2027-01-10, effective_on: 2027-01-15",
        )
    )
    found = findings("DOC003", stage=1)
    assert keys(found) == ["PLN-009", "STD-002"]
    assert {f.issue for f in found} == {"DOC002"}, "document control, led by DOC002"


def test_doc003_passes_when_every_document_has_a_version(load, findings):
    load(POLICY)
    load(
        docs("ref: PRO-012, title: Draft procedure, kind: procedure")
        + versions("document: PRO-012, version: '0.1', author: eng@acme.example")
    )
    assert findings("DOC003") == []


def test_doc003_passes_with_evidence_that_the_document_exists(load, findings):
    load(
        docs(
            "ref: STD-002, title: Secure configuration baseline, kind: standard",
            "ref: PLN-009, title: Future plan, kind: plan",
        )
        + versions(
            "document: PLN-009, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2027-01-10, effective_on: 2027-01-15",
        )
        + sheet(
            "Evidence",
            "ref: EV-1, title: Baseline on the wiki, kind: url,"
            " url: 'https://wiki.example/baseline', collected_on: 2026-05-01",
            "ref: EV-2, title: Plan review minutes, kind: note, collected_on: 2026-10-01",
        )
        + sheet(
            "Evidence links",
            "evidence: EV-1, record_type: Documents, record_key: STD-002",
            "evidence: EV-2, record_type: Document versions, record_key: 'PLN-009 / 1.0'",
        )
    )
    assert findings("DOC003") == []
    assert keys(findings("DOC003", as_of=dt.date(2026, 4, 30))) == ["PLN-009", "STD-002"]


def test_doc004_fires_without_an_approved_policy(load, findings):
    (finding,) = findings("DOC004", stage=1)
    assert (finding.subject.key, finding.grade) == ("5.2", "major")
    load(
        docs("ref: POL-001, title: Information security policy, kind: policy")
        + versions(
            "document: POL-001, version: '1.0', author: isms@acme.example,"
            " effective_on: 2026-01-01",
            "document: POL-001, version: '2.0', approver: ceo@acme.example,"
            " approved_on: 2027-01-10",
        )
    )
    (finding,) = findings("DOC004", stage=1)
    assert "POL-001 exist, but none has a version approved and in effect" in finding.detail


def test_doc004_passes_with_an_approved_policy(load, findings):
    load(POLICY)
    assert findings("DOC004") == []
    assert keys(findings("DOC004", as_of=dt.date(2026, 3, 20))) == ["5.2"], "not yet in effect"


#: Results of risk assessment and treatment (8.2, 8.3): only records provide them.
RISK_RECORDS = """
Risks:
  - {ref: R-001, title: Data stolen, likelihood: 3, impact: 4, treatment: modify,
     last_assessed_on: 2026-02-01}
Treatment plan:
  - {ref: RTP-001, risk: R-001, action: Patch faster, status: done}
"""

MANDATORY = (
    RISK_RECORDS
    + """
Scope:
  - {version: '1.0', statement: Everything we do, approved_by: ceo@acme.example,
     approved_on: 2026-01-10}
Risk method:
  - {name: Method, acceptance_threshold: 6, high_threshold: 15,
     approved_by: ceo@acme.example, approved_on: 2026-01-10}
SoA:
  - {control: "5.1", applicable: yes, inclusion_reasons: risk}
Objectives:
  - {ref: OBJ-01, statement: Patch quickly}
Training courses:
  - {name: Awareness, mandatory: yes}
  - {name: ISO 27001 Lead Implementer, audience: specialists}
Training completions:
  - {person: eng@acme.example, course: Awareness, completed_on: 2026-02-01}
  - {person: isms@acme.example, course: ISO 27001 Lead Implementer, completed_on: 2025-10-01}
ISMS roles:
  - {role: isms_manager, person: isms@acme.example, assigned_on: 2024-01-01}
"""
)


def test_doc005_fires_for_evidence_of_competence(load, findings):
    (finding,) = findings("DOC005", stage=1)
    assert (finding.subject.key, finding.reference, finding.grade) == ("7.2", "7.2 d", "minor")
    assert finding.detail.startswith("Clause 7.2 d (Competence)")
    assert "no role-specific training passed by the holders of ISMS roles" in finding.detail
    assert finding.population.label == "clauses requiring documented information"
    load(docs("ref: PRO-011, title: Competence procedure, kind: procedure, clauses: '7.2'"))
    assert keys(findings("DOC005")) == ["7.2"], "a linked document needs a version"


def test_doc005_fires_when_only_all_staff_training_is_recorded(load, findings):
    load(
        MANDATORY.replace(
            "person: isms@acme.example, course: ISO", "person: eng@acme.example, course: ISO"
        )
    )
    assert keys(findings("DOC005")) == ["7.2"], "eng holds no ISMS role"
    load(sheet("ISMS roles", "role: asset_owner, person: eng@acme.example"), with_people=False)
    assert findings("DOC005") == [], "role-specific training of a role holder"
    TrainingCourse.objects.update(audience="all_staff")
    assert keys(findings("DOC005")) == ["7.2"], "awareness for all staff is not competence"


def test_doc005_fires_for_every_clause_when_no_other_rule_covers_it(load, findings, monkeypatch):
    monkeypatch.setattr(documents, "COVERED_BY", {})
    found = {f.subject.key: f for f in findings("DOC005", stage=1)}
    assert sorted(found) == ["4.3", "6.1.2", "6.1.3", "6.2", "7.2", "8.2"]
    assert "no assessed risks in the risk register" in found["8.2"].detail
    load(
        docs(
            "ref: MET-001, title: Risk method, kind: method, clauses: '6.1.2|6.1.3|8.2|8.3'",
            "ref: DOC-001, title: ISMS manual, kind: plan, clauses: '4.3'",
        )
        + versions(
            "document: MET-001, version: '1.0', approver: ceo@acme.example,"
            " approved_on: 2026-01-10",
        )
        + sheet(
            "Risks",
            "ref: R-001, title: Data stolen, likelihood: 3, impact: 4, treatment: modify,"
            " last_assessed_on: 2026-02-01",
        )
    )
    found = {f.subject.key: f for f in findings("DOC005", stage=1)}
    assert sorted(found) == ["4.3", "6.2", "7.2", "8.3"], "DOC-001 has no version"
    assert "no risk treatment plan actions" in found["8.3"].detail


def test_doc005_passes_with_documents_or_register_records(load, findings, monkeypatch):
    monkeypatch.setattr(documents, "COVERED_BY", {})
    load(MANDATORY)
    assert findings("DOC005") == []


def test_doc005_passes_with_linked_documents_for_process_clauses(load, findings, monkeypatch):
    monkeypatch.setattr(documents, "COVERED_BY", {})
    load(
        docs("ref: MAN-001, title: ISMS manual, kind: plan, clauses: '4.3|6.1.2|6.1.3|6.2|7.2'")
        + versions("document: MAN-001, version: '1.0', approved_on: 2026-01-10")
        + RISK_RECORDS
    )
    assert findings("DOC005") == []


def test_doc006_fires_for_self_approved_versions(load, findings):
    load(
        docs("ref: PRO-001, title: Incidents, kind: procedure, owner: eng@acme.example")
        + versions(
            "document: PRO-001, version: '1.0', author: eng@acme.example,"
            " approver: eng@acme.example, approved_on: 2026-02-01",
        )
    )
    (finding,) = findings("DOC006", stage=1)
    assert (finding.subject.key, finding.grade) == ("PRO-001 / 1.0", "ofi")


def test_doc006_passes_for_independent_approval(load, findings):
    load(POLICY)
    load(
        docs("ref: PRO-001, title: Incidents, kind: procedure")
        + versions(
            "document: PRO-001, version: '1.0', author: eng@acme.example,"
            " approver: isms@acme.example, approved_on: 2026-02-01",
            "document: PRO-001, version: '1.1', author: eng@acme.example,"
            " approver: eng@acme.example, approved_on: 2027-02-01",
        )
    )
    assert findings("DOC006") == []


def test_doc007_fires_when_the_policy_is_not_approved_by_top_management(load, findings):
    load(POLICY)
    load(
        versions(
            "document: POL-001, version: '2.1', author: isms@acme.example,"
            " approver: isms@acme.example, approved_on: 2026-09-01, effective_on: 2026-09-02",
        )
    )
    (finding,) = findings("DOC007", stage=1)
    assert finding.subject.key == "POL-001"
    assert "version 2.1 was approved on 2026-09-01 by Ian Manager" in finding.detail


def test_doc007_fires_when_the_approver_was_no_longer_top_management(load, findings):
    """Version 2 of the rule: the shared definition of top management; a sponsor who had left
    by the approval date no longer counts."""
    load(POLICY)
    load(
        sheet("People", "email: ceo@acme.example, name: Carla Chief, leave_date: 2026-03-01"),
        with_people=False,
    )
    (finding,) = findings("DOC007", stage=1)
    assert "was not top management at that date" in finding.detail


def test_doc007_passes_when_an_executive_head_or_a_board_member_approved(
    load, findings, make_member, organisation
):
    """Version 2 of the rule: approval by any member of top management counts, not only by the
    sponsor (a head of department reporting to the sponsor, a member marked top management)."""
    load(POLICY)
    load(
        sheet("Departments", "name: Finance, manager: fin@acme.example")
        + sheet("People", "email: fin@acme.example, name: Finn Finance, manager: ceo@acme.example")
        + docs("ref: POL-002, title: Privacy policy, kind: policy")
        + versions(
            "document: POL-001, version: '2.1', approver: fin@acme.example,"
            " approved_on: 2026-09-01",
            "document: POL-002, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2026-09-01",
        ),
        with_people=False,
    )
    assert keys(findings("DOC007", stage=1)) == ["POL-002"]
    user, _ = make_member(organisation, "isms_manager", top_management=True)
    user.email = "isms@acme.example"
    user.save()
    assert findings("DOC007", stage=1) == []


def test_doc007_passes_when_the_sponsor_approved_the_current_version(load, findings):
    load(POLICY)
    load(
        docs("ref: POL-002, title: Access control, kind: topic_policy")
        + versions(
            "document: POL-001, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2025-01-10",
            "document: POL-002, version: '1.0', approver: isms@acme.example,"
            " approved_on: 2026-01-10",
        )
    )
    assert findings("DOC007") == []
