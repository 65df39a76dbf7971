"""Leadership rules (5.1, 5.3, 7.1). Each rule has a test where it fires and one where it stays
quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.leadership.models import ResourceAllocation, RoleAssignment
from isms.people.models import Person
from isms.readiness.finding import Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

#: A small organisation with an executive team: the CEO (sponsor), a CFO and a CTO who head
#: their departments and report to the CEO, an ISMS manager reporting to the CTO, and a leaver.
ORG = """
Departments:
  - {name: Executive Office, manager: ceo@acme.example}
  - {name: Engineering, manager: cto@acme.example}
  - {name: Finance, manager: cfo@acme.example}
People:
  - {email: ceo@acme.example, name: Carla Chief, department: Executive Office,
     start_date: 2020-01-01}
  - {email: cfo@acme.example, name: Fred Money, department: Finance, manager: ceo@acme.example,
     start_date: 2020-01-01}
  - {email: cto@acme.example, name: Tina Tech, department: Engineering,
     manager: ceo@acme.example, start_date: 2020-01-01}
  - {email: isms@acme.example, name: Ian Manager, department: Engineering,
     manager: cto@acme.example, start_date: 2020-01-01}
  - {email: ciso@acme.example, name: Cee Iso, department: Engineering,
     manager: cto@acme.example, start_date: 2020-01-01}
  - {email: gone@acme.example, name: Gone Person, department: Engineering,
     manager: cto@acme.example, start_date: 2020-01-01, leave_date: 2026-06-30}
ISMS roles:
  - {role: top_management_sponsor, person: ceo@acme.example, assigned_on: 2024-01-01,
     responsibilities: Owns the ISMS on the board}
  - {role: isms_manager, person: isms@acme.example, assigned_on: 2024-01-01,
     responsibilities: Runs the ISMS day to day}
  - {role: asset_owner, person: cto@acme.example, assigned_on: 2024-01-01,
     responsibilities: Owns engineering assets}
Resources:
  - {description: 2026 ISMS budget, kind: budget, amount: 100000, currency: GBP,
     approved_by: ceo@acme.example, approved_on: 2026-01-15}
  - {description: SIEM licences, kind: tooling, amount: 18000, currency: GBP,
     approved_by: cfo@acme.example, approved_on: 2026-05-01}
"""


@pytest.fixture
def org(load):
    load(ORG, with_people=False)
    return load


def role(role_name, email):
    return RoleAssignment.objects.get(role=role_name, person__email=email)


# -- LDR001 ------------------------------------------------------------------------------------


def test_ldr001_fires_without_a_sponsor(org, findings):
    RoleAssignment.objects.filter(role="top_management_sponsor").delete()
    (finding,) = findings("LDR001")
    assert finding.subject.key == "top_management_sponsor"
    assert finding.grade == "ofi", "no clause requires a sponsor role"
    assert "never assigned" in finding.detail


def test_ldr001_fires_when_the_sponsor_role_ended(org, findings):
    sponsor = role("top_management_sponsor", "ceo@acme.example")
    sponsor.ended_on = dt.date(2026, 9, 30)
    sponsor.save()
    (finding,) = findings("LDR001")
    assert "stopped holding it on 2026-09-30" in finding.detail


def test_ldr001_passes_with_a_current_sponsor(org, findings):
    assert findings("LDR001") == []
    assert findings("LDR001", as_of=dt.date(2023, 12, 31)) != [], "not appointed yet"


# -- LDR002 ------------------------------------------------------------------------------------


def test_ldr002_fires_major_without_isms_manager_or_ciso(org, findings, load):
    RoleAssignment.objects.filter(role="isms_manager").update(
        person=Person.objects.get(email="gone@acme.example")
    )
    (finding,) = findings("LDR002")
    assert (finding.grade, finding.subject.key) == ("major", "isms_manager")
    assert "gone@acme.example, left on 2026-06-30" in finding.detail


def test_ldr002_passes_with_a_current_isms_manager(org, findings):
    assert findings("LDR002") == []


def test_ldr002_passes_when_a_ciso_holds_the_responsibilities(org, findings, load):
    RoleAssignment.objects.filter(role="isms_manager").delete()
    load("ISMS roles:\n  - {role: ciso, person: ciso@acme.example}\n", with_people=False)
    assert findings("LDR002") == [], "a CISO may hold the 5.3 responsibilities"


# -- LDR003 ------------------------------------------------------------------------------------


def test_ldr003_fires_for_roles_held_by_leavers(org, findings, load):
    load(
        "ISMS roles:\n"
        "  - {role: asset_owner, person: gone@acme.example, assigned_on: 2024-01-01}\n"
        "  - {role: risk_owner, person: gone@acme.example, assigned_on: 2024-01-01,"
        " ended_on: 2026-06-30}\n",
        with_people=False,
    )
    found = findings("LDR003")
    assert keys(found) == ["asset_owner / gone@acme.example"]
    assert found[0].department == "Engineering"
    assert "left on 2026-06-30" in found[0].detail
    assert found[0].issue == "LDR003"
    assert found[0].related == (Subject("People", "gone@acme.example"),)
    assert found[0].population.label == "ISMS responsibilities"
    assert found[0].population.size == 4, "the roles in effect at the audit date"


def test_ldr003_passes_before_the_leave_date(org, findings, load):
    load("ISMS roles:\n  - {role: asset_owner, person: gone@acme.example}\n", with_people=False)
    assert findings("LDR003", as_of=dt.date(2026, 6, 29)) == []


# -- LDR004 ------------------------------------------------------------------------------------


def test_ldr004_fires_when_nothing_was_allocated_this_year(org, findings):
    found = findings("LDR004", as_of=dt.date(2027, 5, 2))
    assert (found[0].grade, found[0].subject.key) == ("ofi", "7.1")
    assert "approved on 2026-05-01" in found[0].detail


def test_ldr004_fires_ofi_when_nothing_was_ever_allocated(org, findings):
    ResourceAllocation.objects.all().delete()
    (finding,) = findings("LDR004")
    assert finding.grade == "ofi", "7.1 does not require a register of allocations"


def test_ldr004_passes_with_a_recent_allocation(org, findings):
    assert findings("LDR004") == []
    assert findings("LDR004", as_of=dt.date(2025, 12, 31)) != [], "approved later"


# -- LDR005 ------------------------------------------------------------------------------------


def test_ldr005_fires_for_allocations_not_approved_by_top_management(org, findings, load):
    load(
        """
Resources:
  - {description: Pen test, kind: external, approved_by: isms@acme.example,
     approved_on: 2026-03-01}
  - {description: Auditor time, kind: time, amount: 12}
  - {description: Training budget, kind: budget, approved_by: ceo@acme.example}
  - {description: Early budget, kind: budget, approved_by: ceo@acme.example,
     approved_on: 2023-06-01}
  - {description: Future budget, kind: budget, approved_by: isms@acme.example,
     approved_on: 2026-12-15}
""",
        with_people=False,
    )
    found = findings("LDR005")
    assert keys(found) == ["Auditor time", "Early budget", "Pen test", "Training budget"]
    by_key = {f.subject.key: f.detail for f in found}
    assert "has no approver" in by_key["Auditor time"]
    assert "has no approval date" in by_key["Training budget"]
    assert "by isms@acme.example, who was not top management" in by_key["Pen test"]
    assert "by ceo@acme.example" in by_key["Early budget"], "before the CEO became sponsor"
    assert {f.grade for f in found} == {"ofi"}, "who signs an allocation is not a requirement"


def test_ldr005_passes_for_the_sponsor_and_executive_heads(org, findings):
    assert findings("LDR005") == [], "the CEO and the CFO (a head reporting to the CEO)"


def test_ldr005_passes_for_a_user_marked_top_management(
    org, findings, load, make_member, organisation
):
    load(
        "Resources:\n  - {description: Pen test, kind: external, approved_by: isms@acme.example,"
        " approved_on: 2026-03-01}\n",
        with_people=False,
    )
    assert keys(findings("LDR005")) == ["Pen test"]
    user, _ = make_member(organisation, "isms_manager", top_management=True)
    user.email = "ISMS@acme.example"
    user.save()
    assert findings("LDR005") == []


# -- LDR006 ------------------------------------------------------------------------------------


def test_ldr006_fires_for_roles_without_responsibilities(org, findings):
    RoleAssignment.objects.filter(role="asset_owner").update(responsibilities=" ")
    found = findings("LDR006")
    assert keys(found) == ["asset_owner / cto@acme.example"]
    assert found[0].grade == "ofi"


def test_ldr006_passes_when_responsibilities_are_described(org, findings):
    assert findings("LDR006") == []
