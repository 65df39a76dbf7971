"""Screening, terms and confidentiality rules (HRS, A.6.1, A.6.2, A.6.6)."""

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

STAFF = """
Departments:
  - {name: IT}
  - {name: Finance}
People:
  - {email: ann@acme.example, name: Ann Admin, department: IT, job_title: IT engineer,
     start_date: 2022-01-10, screened_on: 2022-01-03, screening_level: basic,
     terms_signed_on: 2021-12-20, confidentiality_signed_on: 2021-12-20}
  - {email: bob@acme.example, name: Bob Books, department: Finance, job_title: Accountant,
     start_date: 2023-05-02, screened_on: 2023-04-20, screening_level: standard,
     terms_signed_on: 2023-04-15, confidentiality_signed_on: 2023-04-15}
  - {email: cy@agency.example, name: Cy Contract, department: IT, job_title: Network contractor,
     kind: contractor, start_date: 2026-06-01, terms_signed_on: 2026-05-28}
  - {email: dee@acme.example, name: Dee Gone, department: Finance, job_title: Clerk,
     start_date: 2020-01-06, leave_date: 2025-03-31}
  - {email: eve@acme.example, name: Eve Early, department: IT, job_title: IT engineer,
     start_date: 2027-01-04}
Screening requirements:
  - {name: All staff, required_level: standard}
  - {name: Privileged IT access, privileged_access: yes, required_level: enhanced}
Systems:
  - {name: Entra ID, criticality: high}
Accounts:
  - {system: Entra ID, username: ann-admin, person: ann@acme.example, is_privileged: yes}
  - {system: Entra ID, username: bob, person: bob@acme.example}
"""


def test_hrs001_fires_for_no_screening_and_for_a_level_below_policy(load, findings):
    load(STAFF, with_people=False)
    found = {f.subject.key: f for f in findings("HRS001")}
    assert sorted(found) == ["ann@acme.example", "cy@agency.example"], "leaver, future joiner out"
    assert "requires enhanced" in found["ann@acme.example"].detail
    assert "at basic" in found["ann@acme.example"].detail
    assert found["ann@acme.example"].related == (
        Subject("Screening requirements", "Privileged IT access"),
    )
    assert "no background check" in found["cy@agency.example"].detail
    assert "contractor" in found["cy@agency.example"].detail
    assert found["cy@agency.example"].population == Population("current staff", 3)
    assert {f.grade for f in found.values()} == {"minor"}
    assert found["ann@acme.example"].department == "IT"


def test_hrs001_passes_when_the_privileged_account_is_disabled(load, findings):
    load(
        STAFF.replace(
            "person: ann@acme.example, is_privileged: yes",
            "person: ann@acme.example, is_privileged: yes, is_active: no",
        ).replace("screening_level: basic", "screening_level: standard"),
        with_people=False,
    )
    assert keys(findings("HRS001")) == ["cy@agency.example"]


def test_hrs001_matches_department_job_title_and_isms_role(load, findings):
    extra = """
  - {name: Finance officers, department: Finance, job_title_contains: account,
     required_level: enhanced}
  - {name: CISO, isms_role: ciso, required_level: enhanced}
"""
    roles = """
ISMS roles:
  - {role: ciso, person: ann@acme.example, assigned_on: 2024-01-01}
"""
    text = STAFF.replace("Systems:", extra.lstrip("\n") + "Systems:") + roles
    load(text.replace("screening_level: basic", "screening_level: standard"), with_people=False)
    found = {f.subject.key: f for f in findings("HRS001")}
    assert sorted(found) == ["ann@acme.example", "bob@acme.example", "cy@agency.example"]
    assert "Finance officers" in found["bob@acme.example"].detail
    assert found["ann@acme.example"].related[0].key in {"CISO", "Privileged IT access"}


def test_hrs_rules_silent_when_the_organisation_records_none_of_it(load, findings):
    load("Documents: []\n")
    assert findings("HRS001") == [] and findings("HRS002") == [] and findings("HRS003") == []


def test_hrs002_fires_for_staff_with_no_signed_terms(load, findings):
    load(STAFF, with_people=False)
    assert findings("HRS002") == []
    load(
        """
People:
  - {email: fay@acme.example, name: Fay New, department: IT, start_date: 2026-09-01}
""",
        with_people=False,
    )
    (finding,) = findings("HRS002")
    assert finding.subject == Subject("People", "fay@acme.example")
    assert finding.population == Population("current staff", 4)


def test_hrs003_fires_for_a_contractor_with_no_nda(load, findings):
    load(STAFF, with_people=False)
    (finding,) = findings("HRS003")
    assert finding.subject == Subject("People", "cy@agency.example")
    assert "confidentiality" in finding.detail and finding.grade == "minor"


def test_hrs002_passes_when_every_current_person_signed_terms(load, findings):
    load(STAFF, with_people=False)
    assert findings("HRS002") == [], "the leaver and the starter of next year are not judged"


def test_hrs003_passes_once_the_contractor_signs_an_nda(load, findings):
    load(STAFF, with_people=False)
    load(
        """
People:
  - {email: cy@agency.example, name: Cy Contract, department: IT, job_title: Network contractor,
     kind: contractor, start_date: 2026-06-01, terms_signed_on: 2026-05-28,
     confidentiality_signed_on: 2026-05-28}
""",
        with_people=False,
    )
    assert findings("HRS003") == []
