"""The External audit findings register: the certification body's graded findings, imported,
validated (references as the rule registry writes them) and served by the generic API."""

import textwrap

import pytest

from isms.audits.models import ExternalAuditFinding
from isms.catalog.references import check_reference
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import read_yaml

AUDIT = """
People:
  - {email: isms@acme.example, name: Ian Manager, start_date: 2020-01-01}
Nonconformities:
  - {ref: NC-2026-004, source: external_audit, grade: minor, reference: "9.2",
     raised_on: 2026-05-22, description: Audit programme misses 6.3}
External audits:
  - {ref: CB-2026-S1, kind: stage1, certification_body: Albion Certification Ltd,
     planned_on: 2026-05-18, held_on: 2026-05-19, minors: 1, ofis: 1}
"""


def _import(organisation, text: str):
    return import_sheets(organisation, read_yaml(textwrap.dedent(text), "test.yaml"))


@pytest.mark.django_db
def test_findings_import_with_their_audit_and_nonconformity(organisation):
    _import(
        organisation,
        AUDIT
        + """
External audit findings:
  - {ref: CB-2026-S1-01, audit: CB-2026-S1, grade: area_of_concern, reference: "9.2",
     statement: The programme does not show when 6.3 is audited, nonconformity: NC-2026-004}
  - {ref: CB-2026-S1-02, audit: CB-2026-S1, grade: ofi, reference: A.5.37,
     statement: Operating procedures could be documented for the on-call rota}
  - {ref: CB-2026-S1-03, audit: CB-2026-S1, grade: ofi, reference: 6.1.3 d,
     statement: Exclusions could cite the risk assessment}
""",
    )
    rows = ExternalAuditFinding.objects.for_organisation(organisation).order_by("ref")
    assert [(f.ref, f.grade, f.reference) for f in rows] == [
        ("CB-2026-S1-01", "area_of_concern", "9.2"),
        ("CB-2026-S1-02", "ofi", "A.5.37"),
        ("CB-2026-S1-03", "ofi", "6.1.3 d"),
    ]
    assert rows[0].audit.ref == "CB-2026-S1"
    assert rows[0].nonconformity.ref == "NC-2026-004"
    assert rows[1].nonconformity is None
    assert rows[0].history.count() == 1


@pytest.mark.django_db
def test_a_bad_reference_or_grade_is_rejected_with_where_and_what(organisation):
    with pytest.raises(ImportRejected) as rejected:
        _import(
            organisation,
            AUDIT
            + """
External audit findings:
  - {ref: CB-2026-S1-01, audit: CB-2026-S1, grade: minor, reference: "5.18",
     statement: Leavers kept access}
  - {ref: CB-2026-S1-02, audit: CB-2026-S1, grade: critical, reference: A.99.1,
     statement: Something}
  - {ref: CB-2026-S1-03, audit: CB-2027-S2, grade: ofi, reference: "4.3",
     statement: Scope boundaries}
""",
        )
    problems = {(p.sheet, p.row, p.column): p.message for p in rejected.value.problems}
    assert "A.x.y" in problems[("External audit findings", 1, "reference")]
    assert "'5.18'" in problems[("External audit findings", 1, "reference")]
    assert "'A.99.1'" in problems[("External audit findings", 2, "reference")]
    assert "area_of_concern" in problems[("External audit findings", 2, "grade")]
    assert "CB-2027-S2" in problems[("External audit findings", 3, "audit")]
    assert not ExternalAuditFinding.objects.exists(), "nothing is written when a row is wrong"


def test_references_are_checked_as_the_rule_registry_checks_them():
    """One definition for what a user records and what a rule cites."""
    from isms.readiness.registry import check_reference as registry_check

    assert registry_check is check_reference
    for good in ("9.2", "6.1.3 d", "A.5.18", "A.8.34", "Annex A", "4.1", "5.1"):
        assert check_reference(good) == good
    for bad in ("5.18", "A.9.1", "6.1.3 dd", "6.1.3d", "A.5", "9.9", "", "a.5.18"):
        with pytest.raises(ValueError):
            check_reference(bad)
