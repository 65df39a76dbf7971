"""Supplier rules (SUP): assessments, contracts, security clauses, cloud services."""

import pytest

from isms.readiness.finding import Population
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

REQS = "confidentiality|breach notification|right to audit"


def suppliers(*rows: str) -> str:
    return "Suppliers:\n" + "".join(f"  - {{{row}}}\n" for row in rows)


def test_sup001_fires_for_high_risk_suppliers_never_assessed(load, findings):
    load(
        suppliers(
            "name: Don Valley PCB, service: PCB assembly, tier: high, data_access: confidential,"
            f" contract_reference: DV-1, security_requirements: '{REQS}',"
            " review_frequency: annual",
            "name: Payroll Co, service: Payroll, tier: medium, data_access: personal,"
            f" contract_reference: PC-1, security_requirements: '{REQS}'",
            "name: Cleaners, service: Cleaning, tier: low, data_access: internal",
            "name: Hosting Co, service: Hosting, tier: critical, data_access: personal,"
            " is_cloud_service: yes",
        )
    )
    found = findings("SUP001")
    assert keys(found) == ["Don Valley PCB", "Payroll Co"], "cloud services are SUP005's"
    assert "should be assessed annually" in found[0].detail
    assert {f.issue for f in found} == {"SUP002"}, "one finding: suppliers not monitored"
    # Drawn from every supplier in the register.
    assert found[0].population == Population("suppliers", 4)


def test_sup001_passes_when_assessed(load, findings):
    load(
        suppliers(
            "name: Don Valley PCB, service: PCB assembly, tier: high, data_access: confidential,"
            " last_assessed_on: 2026-02-01, last_assessment_result: passed",
            "name: Later Co, service: Parts, tier: high, data_access: internal,"
            " last_assessed_on: 2026-12-15",
            "name: Cleaners, service: Cleaning, tier: low, data_access: internal",
        )
    )
    assert findings("SUP001") == []


def test_sup002_fires_when_the_assessment_has_lapsed(load, findings):
    load(
        suppliers(
            "name: Old Co, service: Parts, tier: high, data_access: internal,"
            " review_frequency: annual, last_assessed_on: 2025-10-01",
            "name: Lawyers, service: Legal, tier: medium, data_access: confidential,"
            " review_frequency: annual, last_assessed_on: 2025-06-01",
            "name: Cleaners, service: Cleaning, tier: low, data_access: internal,"
            " review_frequency: annual, last_assessed_on: 2020-01-01",
        )
    )
    found = findings("SUP002")
    assert keys(found) == ["Lawyers", "Old Co"]
    assert {(f.issue, f.population) for f in found} == {("SUP002", Population("suppliers", 3))}
    assert "2025-10-01, 425 days before 2026-11-30" in next(
        f.detail for f in found if f.subject.key == "Old Co"
    )


def test_sup002_passes_within_the_frequency(load, findings):
    load(
        suppliers(
            "name: Old Co, service: Parts, tier: high, data_access: internal,"
            " review_frequency: biennial, last_assessed_on: 2025-10-01",
            "name: New Co, service: Parts, tier: critical, data_access: personal,"
            " review_frequency: annual, last_assessed_on: 2026-01-05",
            "name: No Freq, service: Parts, tier: high, data_access: internal,"
            " last_assessed_on: 2020-01-05",
        )
    )
    assert findings("SUP002") == []


def test_sup003_fires_for_data_access_without_contract(load, findings):
    load(
        suppliers(
            "name: Agency, service: Temps, tier: medium, data_access: personal",
            "name: Courier, service: Deliveries, tier: low, data_access: internal",
        )
    )
    found = findings("SUP003")
    assert keys(found) == ["Agency", "Courier"]
    assert found[0].population == Population("suppliers with access to information", 2)


def test_sup003_passes_with_contracts_or_no_data_access(load, findings):
    load(
        suppliers(
            "name: Agency, service: Temps, tier: medium, data_access: personal,"
            " contract_reference: AG-1",
            "name: Florist, service: Flowers, tier: low, data_access: none",
        )
    )
    assert findings("SUP003") == []


def test_sup004_fires_for_contracts_without_security_requirements(load, findings):
    load(
        suppliers(
            "name: Brightwater Recruitment, service: Candidates, tier: medium,"
            " data_access: personal, contract_reference: BWR-2025-01",
            "name: Cloud CRM, service: CRM, tier: high, data_access: personal,"
            " contract_reference: CRM-1, is_cloud_service: yes",
        )
    )
    (finding,) = findings("SUP004")
    assert finding.subject.key == "Brightwater Recruitment"
    assert "BWR-2025-01" in finding.detail
    assert finding.issue == "SUP003", "one finding with SUP003: agreements without requirements"
    assert finding.population == Population("suppliers with access to information", 2)


def test_sup004_passes_when_requirements_are_recorded(load, findings):
    load(
        suppliers(
            "name: Brightwater Recruitment, service: Candidates, tier: medium,"
            f" data_access: personal, contract_reference: BWR-2025-01,"
            f" security_requirements: '{REQS}'",
            "name: Florist, service: Flowers, tier: low, data_access: none,"
            " contract_reference: FL-1",
        )
    )
    assert findings("SUP004") == []


def test_sup005_fires_for_unmanaged_cloud_services(load, findings):
    load(
        suppliers(
            "name: Newsletter SaaS, service: Email marketing, tier: low, data_access: personal,"
            " is_cloud_service: yes, contract_reference: ONLINE",
            "name: Chat, service: Team chat, tier: medium, data_access: internal,"
            f" is_cloud_service: yes, security_requirements: '{REQS}'",
            "name: AWS, service: Hosting, tier: critical, data_access: personal,"
            f" is_cloud_service: yes, security_requirements: '{REQS}',"
            " last_assessed_on: 2026-03-12",
        )
    )
    found = {f.subject.key: f.detail for f in findings("SUP005")}
    assert sorted(found) == ["Chat", "Newsletter SaaS"]
    assert "no security requirements" in found["Newsletter SaaS"]
    assert "never been assessed" in found["Newsletter SaaS"]
    assert "no security requirements" not in found["Chat"]


def test_sup005_passes_for_managed_cloud_services(load, findings):
    load(
        suppliers(
            "name: AWS, service: Hosting, tier: critical, data_access: personal,"
            f" is_cloud_service: yes, security_requirements: '{REQS}',"
            " last_assessed_on: 2026-03-12",
            "name: Courier, service: Deliveries, tier: low, data_access: internal",
        )
    )
    assert findings("SUP005") == []


def test_sup006_fires_for_a_failed_assessment(load, findings):
    load(
        suppliers(
            "name: Shaky Ltd, service: Parts, tier: medium, data_access: internal,"
            " last_assessed_on: 2026-06-01, last_assessment_result: failed",
        )
    )
    (finding,) = findings("SUP006")
    assert finding.subject.key == "Shaky Ltd"
    assert (finding.issue, finding.population) == ("SUP002", Population("suppliers", 1))


def test_sup006_passes_for_passed_or_later_failures(load, findings):
    load(
        suppliers(
            "name: Good Ltd, service: Parts, tier: medium, data_access: internal,"
            " last_assessed_on: 2026-06-01, last_assessment_result: conditional",
            "name: Future Ltd, service: Parts, tier: medium, data_access: internal,"
            " last_assessed_on: 2026-12-20, last_assessment_result: failed",
        )
    )
    assert findings("SUP006") == []


def test_sup007_fires_without_review_frequency(load, findings):
    load(
        suppliers(
            "name: Big Co, service: Parts, tier: critical, data_access: internal",
            "name: Small Co, service: Parts, tier: low, data_access: internal",
        )
    )
    (finding,) = findings("SUP007", stage=1)
    assert (finding.subject.key, finding.grade) == ("Big Co", "ofi")


def test_sup007_passes_with_frequencies(load, findings):
    load(
        suppliers(
            "name: Big Co, service: Parts, tier: critical, data_access: internal,"
            " review_frequency: annual",
            "name: Small Co, service: Parts, tier: low, data_access: none",
        )
    )
    assert findings("SUP007") == []


def test_sup008_fires_for_saas_not_marked_cloud(load, findings):
    load(
        suppliers(
            "name: Mailchimp, service: SaaS email marketing platform for newsletters,"
            " tier: medium, data_access: personal",
            "name: Hoster, service: Managed hosting of the web site, tier: low,"
            " data_access: internal",
            "name: Printers, service: Managed print, tier: low, data_access: internal",
        )
    )
    found = findings("SUP008", stage=1)
    assert keys(found) == ["Hoster", "Mailchimp"]
    assert all(f.grade == "ofi" for f in found)


def test_sup008_passes_when_marked_or_not_cloud(load, findings):
    load(
        suppliers(
            "name: Mailchimp, service: SaaS email marketing platform, tier: medium,"
            " data_access: personal, is_cloud_service: yes",
            "name: Archive, service: Storage of paper records, tier: medium,"
            " data_access: confidential",
        )
    )
    assert findings("SUP008") == []
