"""Change rules (CHG): the change register against itself and against the other registers."""

import datetime as dt

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

BASE = """
Systems:
  - {name: AWS production, owner: eng@acme.example, criticality: critical,
     introduced_on: 2026-03-01}
  - {name: Zendesk, criticality: medium, introduced_on: 2026-05-01}
  - {name: Tulip MES, criticality: high, introduced_on: 2026-06-01}
  - {name: Old CRM, criticality: high, introduced_on: 2021-01-01}
Suppliers:
  - {name: Amazon Web Services, service: Hosting, tier: critical, data_access: personal,
     owner: eng@acme.example, contract_signed_on: 2026-02-01}
  - {name: Vonage, service: SMS route, tier: high, data_access: personal,
     owner: fin@acme.example, contract_signed_on: 2026-07-20}
  - {name: Sheaf Plastics, service: Enclosures, tier: medium, data_access: internal,
     contract_signed_on: 2026-04-01}
  - {name: Salesforce, service: CRM, tier: high, data_access: personal,
     contract_signed_on: 2022-04-01}
Sites:
  - {name: Tinsley warehouse, kind: warehouse, in_scope: included, opened_on: 2026-02-02}
  - {name: Rotherham store, kind: warehouse, opened_on: 2026-09-01}
  - {name: Sheffield HQ, kind: office, in_scope: included, opened_on: 2010-01-01}
Scope:
  - {version: "1.0", statement: Acme, approved_by: ceo@acme.example, approved_on: 2025-01-13}
  - {version: "2.0", statement: Acme, approved_by: ceo@acme.example, approved_on: 2026-03-16}
"""

CHANGES = """
Changes:
  - {ref: CHG-1, title: Move production to AWS, kind: infrastructure, is_significant: yes,
     risk_reassessed_on: 2026-02-10, approved_by: isms@acme.example, approved_on: 2026-02-12,
     implemented_on: 2026-03-01, system: AWS production, supplier: Amazon Web Services}
  - {ref: CHG-2, title: MES rollout, kind: new_system, is_significant: yes, risks_reassessed: R-057,
     approved_by: isms@acme.example, approved_on: 2026-05-01, implemented_on: 2026-06-01,
     system: Tulip MES}
  - {ref: CHG-3, title: Tinsley warehouse in-house, kind: new_site, is_significant: yes,
     approved_by: ceo@acme.example, approved_on: 2026-01-10, implemented_on: 2026-02-02,
     site: Tinsley warehouse}
  - {ref: CHG-4, title: Scope 2.0, kind: scope_change, is_significant: yes,
     risk_reassessed_on: 2026-03-01, approved_by: ceo@acme.example, approved_on: 2026-03-16,
     implemented_on: 2026-03-16, scope: "2.0"}
  - {ref: CHG-5, title: Hotfix, kind: software_release, implemented_on: 2026-04-03}
  - {ref: CHG-6, title: New shift pattern, kind: organisational, approved_by: ceo@acme.example,
     approved_on: 2026-06-10, implemented_on: 2026-06-01}
  - {ref: CHG-7, title: Planned, kind: process_change, is_significant: yes}
  - {ref: CHG-8, title: Rotherham store, kind: new_site, approved_by: ceo@acme.example,
     approved_on: 2026-08-01, implemented_on: 2026-09-01, site: Rotherham store}
  - {ref: CHG-9, title: Second SMS route, kind: new_supplier, approved_by: isms@acme.example,
     approved_on: 2026-07-01, implemented_on: 2026-07-20, supplier: Vonage}
"""


def test_chg001_fires_for_a_significant_change_with_no_risk_reassessment(load, findings):
    load(BASE + CHANGES)
    (finding,) = findings("CHG001")
    assert finding.subject == Subject("Changes", "CHG-3")
    assert finding.population == Population("changes implemented", 8)
    assert "2026-02-02" in finding.detail and finding.owner == "ceo@acme.example"


def test_chg001_passes_when_reassessed_not_significant_or_not_implemented(load, findings):
    load(
        BASE
        + CHANGES.replace(
            "site: Tinsley warehouse}", "site: Tinsley warehouse,\n     risks_reassessed: R-040}"
        )
    )
    assert findings("CHG001") == []


def test_chg002_fires_for_unapproved_or_late_approved_changes(load, findings):
    load(BASE + CHANGES)
    found = findings("CHG002")
    assert keys(found) == ["CHG-5", "CHG-6"]
    hotfix, shifts = found
    assert hotfix.reference == "A.8.32" and "no recorded approval" in hotfix.detail
    assert shifts.reference == "6.3" and "2026-06-10, after it was implemented" in shifts.detail


def test_chg002_passes_when_every_implemented_change_was_approved_first(load, findings):
    text = CHANGES.replace(
        "{ref: CHG-5, title: Hotfix, kind: software_release, implemented_on: 2026-04-03}",
        "{ref: CHG-5, title: Hotfix, kind: software_release, approved_by: isms@acme.example,\n"
        "     approved_on: 2026-04-02, implemented_on: 2026-04-03}",
    ).replace("approved_on: 2026-06-10", "approved_on: 2026-05-20")
    load(BASE + text)
    assert findings("CHG002") == []


def test_chg003_fires_for_changes_seen_elsewhere_without_a_change_record(load, findings):
    load(BASE)
    found = findings("CHG003")
    assert [f.subject for f in found] == [
        Subject("Scope", "2.0"),
        Subject("Sites", "Rotherham store"),
        Subject("Sites", "Tinsley warehouse"),
        Subject("Suppliers", "Amazon Web Services"),
        Subject("Suppliers", "Vonage"),
        Subject("Systems", "AWS production"),
        Subject("Systems", "Tulip MES"),
    ]
    vonage = found[4]
    assert "2026-07-20" in vonage.detail and vonage.department == "Finance"


def test_chg003_passes_when_each_change_has_a_record(load, findings):
    load(BASE + CHANGES)
    assert findings("CHG003") == []


def test_chg003_looks_only_at_the_twelve_months_before_the_audit(load, findings):
    load(BASE)
    found = findings("CHG003", as_of=dt.date(2025, 12, 31))
    assert [f.subject for f in found] == [Subject("Scope", "1.0")], "the rest is later"
