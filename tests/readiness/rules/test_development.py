"""Secure development rules (DEV)."""

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

SYSTEMS = """
Systems:
  - {name: Portal, owner: fin@acme.example, criticality: critical}
  - {name: Firmware, criticality: high}
"""

POLICY = """
Documents:
  - {ref: POL-007, title: Secure development policy, kind: topic_policy, controls: "8.25|8.28"}
"""


def test_dev001_fires_for_releases_without_review_or_testing(load, findings):
    load(
        SYSTEMS
        + """
Releases:
  - {system: Portal, version: "4.1", released_on: 2026-03-01, code_reviewed: yes,
     security_tested: yes, test_kinds: SAST|DAST, approved_by: ceo@acme.example}
  - {system: Portal, version: "4.2", released_on: 2026-06-01, code_reviewed: yes,
     security_tested: no, approved_by: fin@acme.example}
  - {system: Portal, version: "4.3", released_on: 2026-09-01, code_reviewed: no,
     security_tested: yes, test_kinds: SAST}
  - {system: Firmware, version: "2.0", released_on: 2026-10-01, code_reviewed: no,
     security_tested: no}
  - {system: Firmware, version: "1.0", released_on: 2024-10-01, code_reviewed: no,
     security_tested: no}
"""
    )
    found = {f.subject.key: f for f in findings("DEV001")}
    assert sorted(found) == ["Firmware / 2.0", "Portal / 4.2", "Portal / 4.3"]
    assert {k: f.reference for k, f in found.items()} == {
        "Firmware / 2.0": "A.8.25",
        "Portal / 4.2": "A.8.29",
        "Portal / 4.3": "A.8.28",
    }
    assert found["Portal / 4.2"].population == Population("releases in the last twelve months", 4)
    assert found["Portal / 4.2"].department == "Finance"
    assert {f.grade for f in found.values()} == {"minor"}


def test_dev001_passes_for_reviewed_and_tested_releases(load, findings):
    load(
        SYSTEMS
        + """
Releases:
  - {system: Portal, version: "4.1", released_on: 2026-03-01, code_reviewed: yes,
     security_tested: yes, test_kinds: SAST}
"""
    )
    assert findings("DEV001") == []


def test_dev002_fires_when_production_is_not_separated(load, findings):
    load(
        SYSTEMS
        + """
Development systems:
  - {system: Portal, separate_environments: yes}
  - {system: Firmware, separate_environments: no, notes: Builds signed on the developer's laptop}
"""
    )
    (finding,) = findings("DEV002")
    assert finding.subject == Subject("Development systems", "Firmware")
    assert "laptop" in finding.detail and finding.grade == "minor"


def test_dev002_passes_when_environments_are_separate(load, findings):
    load(SYSTEMS + "Development systems:\n  - {system: Portal, separate_environments: yes}\n")
    assert findings("DEV002") == []


RELEASE = """
Releases:
  - {system: Portal, version: "4.1", released_on: 2026-03-01, code_reviewed: yes,
     security_tested: yes}
"""


def test_dev003_fires_for_releases_without_a_secure_development_policy(load, findings):
    load(
        SYSTEMS
        + RELEASE
        + """
Documents:
  - {ref: POL-006, title: Cryptography policy, kind: topic_policy, controls: "8.24"}
"""
    )
    assert keys(findings("DEV003", stage=1)) == ["Secure development policy"]


def test_dev003_passes_with_a_policy_or_without_releases(load, findings):
    load(SYSTEMS)
    assert findings("DEV003") == [], "no software released: not judged"
    load(RELEASE + POLICY)
    assert findings("DEV003") == []
