"""Management review rules (9.3, 5.1, 7.1). Each rule has a test where it fires and one where
it stays quiet (test names carry the rule code: the meta-test checks it)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from isms.audits.models import ManagementReview
from isms.core.services import set_membership

pytestmark = pytest.mark.django_db

ALL_INPUTS = "\n".join(f"    {field}: yes" for field in ManagementReview.INPUT_FIELDS)

SPONSOR = """
ISMS roles:
  - {role: top_management_sponsor, person: ceo@acme.example, assigned_on: 2024-01-01}
"""

AUDIT = """
Internal audits:
  - {ref: IA-2026-01, title: Clauses 4-10, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: Two minors}
"""


def review(ref="MR-2026-1", held_on="2026-06-18", **overrides) -> str:
    """One clean review row as YAML; overrides replace or add columns."""
    values = {
        "chair": "ceo@acme.example",
        "decisions": "Approve SIEM project; accept residual risk R-031",
        "resources_allocated": "GBP 40,000 for SIEM",
        "actions": "ISMS manager to re-run supplier assessments by 2026-09-30",
        "signed_by": "ceo@acme.example",
        "signed_on": "2026-06-25",
        **{field: "yes" for field in ManagementReview.INPUT_FIELDS},
    }
    values.update(overrides)
    lines = [f"  - ref: {ref}", f"    held_on: {held_on}"]
    lines += [f"    {key}: {'' if value is None else value!s}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def reviews(*rows: str) -> str:
    return SPONSOR + AUDIT + "Management reviews:\n" + "".join(rows)


# MRV001 no-recent-management-review


def test_mrv001_fires_without_any_review(load, findings):
    load(SPONSOR)
    (finding,) = findings("MRV001")
    assert finding.grade == "major"
    assert finding.subject.key == "Management review"


def test_mrv001_fires_when_the_last_review_is_older_than_a_year(load, findings):
    load(reviews(review("MR-2025-1", "2025-06-12", signed_on="2025-06-20")))
    (finding,) = findings("MRV001")
    assert "MR-2025-1" in finding.detail and "2025-06-12" in finding.detail


def test_mrv001_passes_with_a_review_this_year(load, findings):
    load(reviews(review()))
    assert findings("MRV001") == []
    assert findings("MRV001", as_of=dt.date(2026, 6, 1)) != [], "held after that date"


# MRV002 management-review-inputs-missing


def test_mrv002_fires_for_inputs_no_review_of_the_cycle_covered(load, findings):
    load(
        reviews(
            review("MR-1", covers_party_feedback="no", covers_previous_actions="no"),
            review("MR-2", "2026-10-01", signed_on="2026-10-02", covers_party_feedback="no"),
            review("MR-0", "2025-10-01", signed_on="2025-10-02"),
        )
    )
    (finding,) = findings("MRV002")
    assert finding.subject.key == "MR-2", "on the latest review of the cycle"
    assert (finding.grade, finding.issue) == ("minor", "MRV002")
    assert "1 of the 10" in finding.detail
    assert "Feedback from interested parties" in finding.detail
    assert "previous reviews" not in finding.detail, "MR-2 covered the previous actions"
    assert "MR-0" not in finding.detail, "held before the cycle"


def test_mrv002_fires_major_when_the_cycle_covered_no_input(load, findings):
    nothing = {field: "no" for field in ManagementReview.INPUT_FIELDS}
    load(reviews(review("MR-1", **nothing), review("MR-0", "2025-10-01", signed_on="2025-10-02")))
    (finding,) = findings("MRV002")
    assert (finding.subject.key, finding.grade) == ("MR-1", "major")


def test_mrv002_passes_when_the_reviews_together_cover_every_input(load, findings):
    load(
        reviews(
            review("MR-1", covers_party_feedback="no", covers_previous_actions="no"),
            review("MR-2", "2026-10-01", signed_on="2026-10-02", covers_risk="no"),
        )
    )
    assert findings("MRV002") == []


# MRV003 management-review-without-decisions


def test_mrv003_fires_when_no_review_of_the_cycle_recorded_decisions(load, findings):
    load(
        reviews(
            review(decisions="n/a"),
            review("MR-2", "2026-10-01", decisions="", actions=""),
            review("MR-0", "2025-10-01", signed_on="2025-10-02"),
        )
    )
    (finding,) = findings("MRV003")
    assert finding.subject.key == "MR-2"
    assert "only actions" in finding.detail
    assert "MR-2026-1 (2026-06-18), MR-2 (2026-10-01)" in finding.detail


def test_mrv003_passes_when_one_review_of_the_cycle_recorded_decisions(load, findings):
    load(reviews(review(), review("MR-2", "2026-10-01", decisions="")))
    assert findings("MRV003") == []


# MRV004 management-review-without-resources


def test_mrv004_fires_when_no_review_of_the_cycle_decided_resources(load, findings):
    load(
        reviews(
            review(resources_allocated=""), review("MR-2", "2026-10-01", resources_allocated="")
        )
        + """
Resources:
  - {description: Old budget, kind: budget, approved_by: ceo@acme.example, approved_on: 2026-01-10}
"""
    )
    (finding,) = findings("MRV004")
    assert finding.subject.key == "MR-2"
    assert "2026-06-04 and 2026-07-18" in finding.detail
    assert (finding.reference, finding.grade) == ("7.1", "minor")


def test_mrv004_passes_with_an_allocation_approved_after_the_review(load, findings):
    load(
        reviews(
            review(resources_allocated=""), review("MR-2", "2026-10-01", resources_allocated="")
        )
        + """
Resources:
  - {description: SIEM budget, kind: budget, approved_by: ceo@acme.example, approved_on: 2026-07-02}
"""
    )
    assert findings("MRV004") == []


def test_mrv004_passes_when_one_review_of_the_cycle_confirmed_resources(load, findings):
    load(reviews(review(resources_allocated=""), review("MR-2", "2026-10-01")))
    assert findings("MRV004") == []


# MRV005 management-review-without-top-management


def test_mrv005_fires_when_top_management_took_no_part_in_the_cycle(load, findings):
    load(
        reviews(
            review("MR-1", chair="isms@acme.example", signed_by="isms@acme.example"),
            review("MR-2", "2026-09-01", chair="isms@acme.example", signed_by="", signed_on=""),
            review("MR-3", "2026-11-10", chair="", signed_on="2026-12-05"),
        )
    )
    (finding,) = findings("MRV005")
    assert finding.subject.key == "MR-3"
    assert "isms@acme.example" in finding.detail
    assert (finding.reference, finding.grade) == ("9.3.1", "minor")


def test_mrv005_fires_when_the_sponsor_role_had_ended(load, findings):
    load(reviews(review(chair="")))
    from isms.leadership.models import RoleAssignment

    RoleAssignment.objects.filter(person__email="ceo@acme.example").update(
        assigned_on=dt.date(2024, 1, 1), ended_on=dt.date(2026, 6, 1)
    )
    (finding,) = findings("MRV005")
    assert finding.subject.key == "MR-2026-1"


def test_mrv005_passes_when_top_management_chaired_an_unsigned_review(load, findings):
    load(
        reviews(
            review("MR-1", chair="isms@acme.example", signed_by="isms@acme.example"),
            review("MR-2", "2026-09-01", signed_by="", signed_on=""),
        )
    )
    assert findings("MRV005") == [], "who signs the minutes is not a requirement"


def test_mrv005_passes_for_an_attendee_or_signatory_of_top_management(organisation, load, findings):
    load(
        reviews(
            review("MR-2", "2026-10-01", chair="", signed_by="fin@acme.example"),
            review(
                "MR-3",
                "2026-11-02",
                chair="isms@acme.example",
                signed_by="",
                signed_on="",
                attendees="isms@acme.example|eng@acme.example",
            ),
        )
    )
    from isms.people.models import Department, Person

    ceo = Person.objects.get(email="ceo@acme.example")
    engineer = Person.objects.get(email="eng@acme.example")
    assert findings("MRV005") != [], "fin is not top management yet; eng not an executive head"
    Department.objects.filter(name="Engineering").update(manager=engineer)
    Person.objects.filter(pk=engineer.pk).update(manager=ceo)
    assert findings("MRV005") == [], "eng attended MR-3 as an executive head"
    Department.objects.filter(name="Engineering").update(manager=None)
    user = get_user_model().objects.create_user("finn", email="FIN@acme.example", password="x")
    set_membership(organisation, user, "viewer", True)
    assert findings("MRV005") == [], "fin, a top-management member, signed MR-2"


# MRV006 no-management-review-after-internal-audit


def test_mrv006_fires_when_every_review_predates_the_first_audit(load, findings):
    load(reviews(review("MR-1", "2026-01-15", signed_on="2026-01-20")))
    (finding,) = findings("MRV006")
    assert finding.subject.key == "MR-1"
    assert "IA-2026-01" in finding.detail and "2026-03-20" in finding.detail


def test_mrv006_passes_with_a_review_after_the_audit(load, findings):
    load(reviews(review("MR-1", "2026-01-15", signed_on="2026-01-20"), review()))
    assert findings("MRV006") == []


def test_mrv006_passes_without_audits_or_reviews(load, findings):
    load(SPONSOR + "Management reviews:\n" + review("MR-1", "2026-01-15"))
    assert findings("MRV006") == [], "AUD001 reports the missing audit"


# MRV007 audit-results-reviewed-before-any-audit


def test_mrv007_fires_for_audit_results_claimed_before_any_audit(load, findings):
    load(reviews(review("MR-1", "2026-01-15", signed_on="2026-01-20"), review()))
    (finding,) = findings("MRV007")
    assert finding.subject.key == "MR-1"
    assert finding.grade == "ofi"
    assert "2026-03-20" in finding.detail


def test_mrv007_passes_after_an_external_audit(load, findings):
    load(
        reviews(review("MR-1", "2026-01-15", signed_on="2026-01-20"))
        + """
External audits:
  - {ref: CB-PRE, kind: stage1, certification_body: Example Cert, planned_on: 2026-01-05,
     held_on: 2026-01-06}
"""
    )
    assert findings("MRV007") == []
