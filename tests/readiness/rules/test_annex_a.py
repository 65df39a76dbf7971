"""Annex A specific rules. Each rule has a test where it fires and one where it stays quiet
(test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest

from isms.controls.models import SoAEntry
from tests.readiness.conftest import keys
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db


# ANX001 control-plan-undocumented

PLANS = """
Documents:
  - {ref: PLN-003, title: Business continuity and ICT readiness plan, kind: plan,
     controls: "5.29|5.30"}
  - {ref: PRO-005, title: Backup and restore procedure, kind: procedure, controls: "8.13"}
"""


def test_anx001_fires_for_controls_without_a_document(organisation, load, findings):
    full_soa(organisation)
    load(PLANS.replace('"5.29|5.30"', '"5.29"'))
    found = findings("ANX001")
    assert keys(found) == ["5.30", "5.37"]
    by_key = {f.subject.key: f for f in found}
    assert (by_key["5.30"].reference, by_key["5.30"].grade) == ("A.5.30", "ofi")
    assert "ICT readiness" in by_key["5.30"].detail


def test_anx001_passes_when_documented_or_excluded(organisation, load, findings):
    full_soa(organisation, **{"5.37": {"applicable": False, "justification": "No facilities"}})
    load(PLANS)
    assert findings("ANX001") == []


def test_anx001_passes_when_evidence_or_the_soa_shows_the_document(organisation, load, findings):
    full_soa(
        organisation,
        **{"5.37": {"implementation_notes": "Ops runbooks: https://wiki.example/ops"}},
    )
    load(
        PLANS.replace('"5.29|5.30"', '"5.29"')
        + """
Evidence:
  - {ref: EV-1, title: ICT recovery test report, kind: note, collected_on: 2026-09-01}
Evidence links:
  - {evidence: EV-1, record_type: SoA, record_key: "5.30"}
"""
    )
    assert findings("ANX001") == []
    assert keys(findings("ANX001", as_of=dt.date(2026, 8, 31))) == ["5.30"], "evidence later"


# ANX002 exclusion-contradicted-by-registers

REGISTERS = """
Assets:
  - {name: Sheffield HQ, kind: site}
Suppliers:
  - {name: AWS, service: Hosting, tier: critical, data_access: personal, is_cloud_service: yes}
Incidents:
  - {ref: INC-1, title: Phishing, kind: near_miss, severity: low, reported_on: 2026-02-01}
Context issues:
  - {title: UK GDPR, kind: external, category: legal, is_relevant: yes}
"""


def test_anx002_fires_for_exclusions_the_registers_contradict(organisation, load, findings):
    full_soa(
        organisation,
        **{
            "7.4": {"applicable": False},
            "5.23": {"applicable": False, "justification": "We use no cloud"},
            "5.26": {"applicable": False},
            "5.31": {"applicable": False},
            "8.23": {"applicable": False},
            "6.1": {"applicable": False},
        },
    )
    load(REGISTERS)
    found = {f.subject.key: f for f in findings("ANX002")}
    assert sorted(found) == ["5.23", "5.26", "5.31", "6.1", "7.4"]
    assert found["7.4"].grade == "minor"
    assert found["5.23"].grade == "ofi"
    assert "1 site(s), e.g. Sheffield HQ" in found["7.4"].detail
    assert "INC-1" in found["5.26"].detail
    assert "5 current member(s) of staff" in found["6.1"].detail
    assert found["7.4"].reference == "A.7.4"
    assert found["7.4"].population.label == "SoA entries", "the population SOA002 uses"


def test_anx002_passes_when_the_registers_hold_no_such_activity(organisation, load, findings):
    full_soa(organisation, **{"7.4": {"applicable": False}, "8.23": {"applicable": False}})
    load(
        REGISTERS.replace("kind: site", "kind: information").replace(
            "reported_on: 2026-02-01", "reported_on: 2026-12-01"
        )
    )
    SoAEntry.objects.filter(control__ref="5.26").update(applicable=False)
    assert findings("ANX002") == [], "the incident was reported after the audit date"


# ANX003 legal-requirements-not-identified

LEGAL = """
Context issues:
  - {title: UK GDPR, kind: external, category: legal, is_relevant: yes, reviewed_on: 2026-02-09}
  - {title: Carbon footprint, kind: external, category: environmental, is_relevant: no}
"""


def test_anx003_fires_without_identified_legal_requirements(organisation, load, findings):
    full_soa(organisation)
    load(LEGAL.replace("is_relevant: yes", "is_relevant: no"))
    (finding,) = findings("ANX003")
    assert finding.subject.key == "5.31"
    assert finding.grade == "ofi"


def test_anx003_passes_with_legal_issues_or_a_legal_register(organisation, load, findings):
    full_soa(organisation)
    load(LEGAL)
    assert findings("ANX003") == []
    load(
        'Documents:\n  - {ref: REG-001, title: Legal register, kind: record, controls: "5.31"}\n',
        with_people=False,
    )
    assert findings("ANX003", as_of=dt.date(2027, 6, 1)) == [], "the legal register suffices"


def test_anx003_passes_when_the_soa_or_evidence_shows_the_list(organisation, load, findings):
    full_soa(organisation, **{"5.31": {"justification": "Legal obligations: see LEG-001"}})
    assert findings("ANX003") == []
    SoAEntry.objects.filter(control__ref="5.31").update(justification="")
    assert keys(findings("ANX003")) == ["5.31"]
    load(
        """
Evidence:
  - {ref: EV-1, title: Legal register export, kind: note, collected_on: 2026-09-01}
Evidence links:
  - {evidence: EV-1, record_type: SoA, record_key: "5.31"}
""",
        with_people=False,
    )
    assert findings("ANX003") == []
