"""Control of documented information rules (DCC, 7.5.3)."""

import pytest

from isms.readiness.finding import Population, Subject

pytestmark = pytest.mark.django_db

DOCUMENTS = """
Documents:
  - {ref: POL-002, title: IT security policy, kind: topic_policy, owner: isms@acme.example,
     access: "All staff, intranet"}
  - {ref: PRO-001, title: Incident procedure, kind: procedure, owner: eng@acme.example}
Document versions:
  - {document: POL-002, version: "1.0", approver: ceo@acme.example, approved_on: 2025-01-10,
     effective_on: 2025-01-15, published: yes}
  - {document: POL-002, version: "2.0", approver: ceo@acme.example, approved_on: 2026-02-10,
     effective_on: 2026-02-15, published: yes}
  - {document: POL-002, version: "3.0", approver: ceo@acme.example, approved_on: 2026-12-10,
     effective_on: 2026-12-15, published: no}
  - {document: PRO-001, version: "1.0", effective_on: 2025-03-01, published: no}
  - {document: PRO-001, version: "1.1", effective_on: 2026-03-01, published: yes}
"""


def test_dcc001_fires_for_a_superseded_version_still_published(load, findings):
    load(DOCUMENTS)
    (finding,) = findings("DCC001")
    assert finding.subject == Subject("Document versions", "POL-002 / 1.0")
    assert finding.related == (Subject("Documents", "POL-002"),)
    assert finding.population == Population("published document versions", 3)
    assert finding.grade == "minor" and "2025-01-15" in finding.detail


def test_dcc001_passes_when_the_old_version_is_withdrawn_or_replaced_only_later(load, findings):
    load(DOCUMENTS.replace("effective_on: 2025-01-15, published: yes", "effective_on: 2025-01-15"))
    assert findings("DCC001") == [], "2.0 is replaced only after the audit date; 1.0 withdrawn"


EXTERNAL = """
Documents:
  - {ref: EXT-001, title: UK GDPR, kind: standard, owner: fin@acme.example, external: yes,
     source: legislation.gov.uk}
  - {ref: EXT-002, title: Customer security schedule, kind: standard, external: yes}
  - {ref: EXT-003, title: ISO/IEC 27002:2022, kind: standard, owner: isms@acme.example,
     external: yes}
  - {ref: POL-001, title: Information security policy, kind: policy}
"""


def test_dcc002_fires_for_external_documents_without_source_or_owner(load, findings):
    load(EXTERNAL)
    found = {f.subject.key: f for f in findings("DCC002")}
    assert sorted(found) == ["EXT-002", "EXT-003"], "POL-001 is our own, EXT-001 complete"
    assert "no source and no owner" in found["EXT-002"].detail
    assert "no source" in found["EXT-003"].detail and "owner" not in found["EXT-003"].detail
    assert found["EXT-003"].population == Population("external documents", 3)
    assert found["EXT-003"].department == "Engineering"


def test_dcc002_passes_when_external_documents_are_identified(load, findings):
    load(
        """
Documents:
  - {ref: EXT-001, title: UK GDPR, kind: standard, owner: fin@acme.example, external: yes,
     source: legislation.gov.uk}
"""
    )
    assert findings("DCC002") == []


def test_dcc003_fires_for_documents_with_no_access_once_access_is_recorded(load, findings):
    load(DOCUMENTS)
    (finding,) = findings("DCC003")
    assert finding.subject == Subject("Documents", "PRO-001")
    assert finding.grade == "ofi"
    assert finding.population == Population("documents", 2)


def test_dcc003_passes_when_the_register_does_not_record_access(load, findings):
    load(EXTERNAL)
    assert findings("DCC003") == [], "no document records access: the column is not in use"
