"""Competence rules (CMP)."""

import pytest

from isms.leadership.models import CompetenceEvidence
from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

ROLES = """
ISMS roles:
  - {role: isms_manager, person: isms@acme.example, assigned_on: 2024-01-01}
  - {role: internal_auditor, person: auditor@acme.example, assigned_on: 2024-01-01}
  - {role: internal_auditor, person: fin@acme.example, assigned_on: 2025-01-01}
  - {role: internal_auditor, person: eng@acme.example, assigned_on: 2023-01-01,
     ended_on: 2025-01-01}
  - {role: risk_owner, person: ceo@acme.example}
Competence requirements:
  - {ref: CR-01, role: internal_auditor, requirement: ISO/IEC 27001 internal auditor training}
  - {ref: CR-02, role: isms_manager, requirement: ISO/IEC 27001 implementer training}
  - {ref: CR-03, role: isms_manager, requirement: Two years in information security}
Internal audits:
  - {ref: IA-2026-01, title: Clauses 4-10, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, lead_auditor: fin@acme.example}
  - {ref: IA-2026-02, title: Annex A, planned_on: 2026-09-01, status: completed,
     lead_auditor: auditor@acme.example}
"""


def test_competence_sheets_import(load, organisation):
    load(
        ROLES
        + """
Competence evidence:
  - {person: auditor@acme.example, requirement: CR-01, evidence: Certificate IA-1,
     obtained_on: 2023-05-01, expires_on: 2027-05-01}
"""
    )
    evidence = CompetenceEvidence.objects.get(organisation=organisation)
    assert evidence.requirement.role == "internal_auditor"


def test_cmp001_fires_and_names_the_untrained_lead_auditor_and_gaps(load, findings):
    load(
        ROLES
        + """
Competence evidence:
  - {person: auditor@acme.example, requirement: CR-01, evidence: Certificate IA-1,
     obtained_on: 2023-05-01, expires_on: 2027-05-01}
  - {person: fin@acme.example, requirement: CR-01, evidence: Old course,
     obtained_on: 2021-05-01, expires_on: 2024-05-01}
  - {person: isms@acme.example, requirement: CR-02, evidence: Course, obtained_on: 2023-01-01}
  - {person: isms@acme.example, requirement: CR-03, evidence: CV, obtained_on: 2027-01-01}
"""
    )
    found = {f.subject.key: f for f in findings("CMP001")}
    assert sorted(found) == [
        "internal_auditor / fin@acme.example",
        "isms_manager / isms@acme.example",
    ]
    auditor = found["internal_auditor / fin@acme.example"]
    assert "evidence expired on 2024-05-01" in auditor.detail
    assert "led internal audit(s) IA-2026-01" in auditor.detail
    assert auditor.related == (Subject("Competence requirements", "CR-01"),)
    assert auditor.population == Population("ISMS role assignments in effect", 4)
    manager = found["isms_manager / isms@acme.example"]
    assert "CR-03" in manager.detail and "CR-02" not in manager.detail
    assert "led internal audit" not in manager.detail
    assert {f.grade for f in found.values()} == {"minor"}


def test_cmp001_passes_without_requirements_or_with_evidence(load, findings):
    load(
        """
ISMS roles:
  - {role: internal_auditor, person: auditor@acme.example}
"""
    )
    assert findings("CMP001") == []
    load(
        ROLES
        + """
Competence evidence:
  - {person: auditor@acme.example, requirement: CR-01, evidence: Certificate,
     obtained_on: 2023-05-01}
  - {person: fin@acme.example, requirement: CR-01, evidence: Course, obtained_on: 2025-02-01}
  - {person: isms@acme.example, requirement: CR-02, evidence: Course, obtained_on: 2023-01-01}
  - {person: isms@acme.example, requirement: CR-03, evidence: CV, obtained_on: 2024-01-01}
"""
    )
    assert findings("CMP001") == []


def test_cmp002_fires_for_held_roles_without_requirements(load, findings):
    load(ROLES)
    (finding,) = findings("CMP002", stage=1)
    assert finding.subject == Subject("ISMS roles", "risk_owner")
    assert finding.grade == "ofi"
    assert finding.population == Population("ISMS role types held", 3)


def test_cmp002_passes_without_a_requirements_register(load, findings):
    load(
        """
ISMS roles:
  - {role: risk_owner, person: ceo@acme.example}
"""
    )
    assert keys(findings("CMP002", stage=1)) == []
