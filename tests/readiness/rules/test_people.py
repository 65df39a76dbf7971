"""People rules (PPL): mandatory training, refreshers, awareness checks, competence."""

import pytest

from isms.readiness.engine import run_assessment
from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import AS_OF, NO_ESCALATION, PEOPLE, keys

pytestmark = pytest.mark.django_db

#: The standard people, plus a joiner, a leaver and someone in Manufacturing.
STAFF = (
    PEOPLE.replace("People:\n", "  - {name: Manufacturing}\nPeople:\n", 1)
    + """\
  - {email: new@acme.example, name: New Joiner, department: Engineering,
     start_date: 2026-11-16}
  - {email: gone@acme.example, name: Gone Leaver, department: Finance,
     start_date: 2020-01-01, leave_date: 2026-06-30}
  - {email: ewan@acme.example, name: Ewan Douglas, department: Manufacturing,
     start_date: 2023-05-01}
Training courses:
  - {name: Security awareness essentials, audience: all_staff, mandatory: yes,
     refresher_months: 12}
  - {name: Data protection, audience: all_staff, mandatory: yes, refresher_months: 24}
  - {name: Secure coding, audience: it, mandatory: yes, refresher_months: 12}
  - {name: Phishing follow-up, audience: all_staff, mandatory: no}
"""
)

CURRENT = ["ceo", "isms", "eng", "fin", "auditor", "ewan"]


def load_staff(load, text: str = ""):
    load(STAFF + text, with_people=False)


def completions(course: str, date: str, people=CURRENT, passed: str = "yes") -> str:
    return "".join(
        f"  - {{person: {p}@acme.example, course: {course}, completed_on: {date},"
        f" passed: {passed}}}\n"
        for p in people
    )


def test_ppl001_fires_for_staff_who_never_passed_mandatory_training(load, findings):
    load_staff(
        load,
        "Training completions:\n"
        + completions("Security awareness essentials", "2026-02-01", CURRENT[:4])
        + completions("Data protection", "2026-02-01", CURRENT[:5])
        + completions("Security awareness essentials", "2026-02-01", ["auditor"], "no"),
    )
    found = {f.subject.key: f for f in findings("PPL001")}
    assert sorted(found) == ["auditor@acme.example", "ewan@acme.example"]
    assert "Data protection" in found["ewan@acme.example"].detail
    assert "Security awareness essentials" in found["auditor@acme.example"].detail
    assert found["ewan@acme.example"].department == "Manufacturing"
    # One reference and one finding with PPL002, drawn from everyone employed at the audit date.
    assert {(f.reference, f.issue) for f in found.values()} == {("A.6.3", "PPL001")}
    assert found["ewan@acme.example"].population == Population("current staff", 7)


def test_ppl001_passes_when_everyone_current_has_passed(load, findings):
    load_staff(
        load,
        "Training completions:\n"
        + completions("Security awareness essentials", "2026-02-01")
        + completions("Data protection", "2025-02-01"),
    )
    assert findings("PPL001") == [], "the joiner is within 30 days; the leaver has left"


def test_ppl002_fires_when_the_refresher_is_overdue(load, findings):
    load_staff(
        load,
        "Training completions:\n"
        + completions("Security awareness essentials", "2026-02-01", CURRENT[:5])
        + completions("Security awareness essentials", "2025-02-11", ["ewan", "gone"])
        + completions("Secure coding", "2025-05-01", ["eng"])
        + completions("Phishing follow-up", "2020-01-01", ["fin"]),
    )
    found = {f.subject.key: f for f in findings("PPL002")}
    assert sorted(found) == ["eng@acme.example", "ewan@acme.example"]
    assert "last passed 2025-02-11" in found["ewan@acme.example"].detail
    assert "Secure coding" in found["eng@acme.example"].detail
    assert {(f.reference, f.issue) for f in found.values()} == {("A.6.3", "PPL001")}
    assert found["eng@acme.example"].population == Population("current staff", 7)


def test_ppl002_passes_within_the_interval(load, findings):
    load_staff(
        load,
        "Training completions:\n"
        + completions("Security awareness essentials", "2025-02-11", ["ewan"])
        + completions("Security awareness essentials", "2026-01-20", ["ewan"])
        + completions("Data protection", "2025-01-10")
        + completions("Secure coding", "2025-12-01", ["eng"]),
    )
    assert findings("PPL002") == []


def checks(*rows: str) -> str:
    return "Awareness checks:\n" + "".join(f"  - {{{row}}}\n" for row in rows)


def test_ppl003_fires_when_over_a_third_of_a_department_fails(load, findings):
    load_staff(
        load,
        checks(
            "person: ewan@acme.example, checked_on: 2026-10-05, topic: incident_reporting,"
            " passed: no",
            "person: ewan@acme.example, checked_on: 2026-10-06, topic: policy_location, passed: no",
            "person: ewan@acme.example, checked_on: 2026-10-07, topic: phishing, passed: yes",
            "person: eng@acme.example, checked_on: 2026-10-05, topic: phishing, passed: no",
            "person: isms@acme.example, checked_on: 2026-10-05, topic: phishing, passed: yes",
            "person: new@acme.example, checked_on: 2026-11-20, topic: phishing, passed: yes",
        ),
    )
    (finding,) = findings("PPL003")
    assert (finding.subject.key, finding.department) == ("Manufacturing", "Manufacturing")
    assert "2 of the 3" in finding.detail and "how to report an incident" in finding.detail


def test_ppl003_passes_at_a_third_or_with_old_failures(load, findings):
    load_staff(
        load,
        checks(
            "person: ewan@acme.example, checked_on: 2026-10-05, topic: phishing, passed: no",
            "person: ewan@acme.example, checked_on: 2026-10-06, topic: clean_desk, passed: yes",
            "person: ewan@acme.example, checked_on: 2026-10-07, topic: passwords, passed: yes",
            "person: eng@acme.example, checked_on: 2025-10-05, topic: phishing, passed: no",
            "person: eng@acme.example, checked_on: 2025-10-06, topic: passwords, passed: no",
            "person: eng@acme.example, checked_on: 2026-10-05, topic: phishing, passed: yes",
            "person: fin@acme.example, checked_on: 2026-10-05, topic: phishing, passed: no",
        ),
    )
    assert findings("PPL003") == [], "Finance has a single check: too few to judge"


def test_ppl004_fires_for_failures_never_followed_up(load, findings):
    load_staff(
        load,
        checks(
            "person: ewan@acme.example, checked_on: 2026-06-01, topic: incident_reporting,"
            " passed: no",
            "person: ewan@acme.example, checked_on: 2026-07-01, topic: phishing, passed: yes",
            "person: eng@acme.example, checked_on: 2026-05-01, topic: phishing, passed: no",
            "person: eng@acme.example, checked_on: 2026-12-01, topic: phishing, passed: yes",
        ),
    )
    found = findings("PPL004")
    assert keys(found) == ["eng@acme.example", "ewan@acme.example"]
    assert all(f.grade == "ofi" for f in found)
    assert found[0].subject == Subject("People", "eng@acme.example")


def test_ppl004_joins_the_training_finding_for_the_same_person(load, organisation):
    load_staff(
        load,
        checks(
            "person: ewan@acme.example, checked_on: 2026-06-01, topic: phishing, passed: no",
        )
        + "Training completions:\n"
        + completions("Security awareness essentials", "2026-02-01", CURRENT[:5])
        + completions("Data protection", "2026-02-01", CURRENT[:5]),
    )
    result = run_assessment(
        organisation, AS_OF, 2, select=["PPL001", "PPL004"], profile=NO_ESCALATION
    )
    (finding,) = result.findings
    assert (finding.key, finding.codes) == ("PPL001", ("PPL001", "PPL004"))


def test_ppl004_passes_after_a_recheck_or_training(load, findings):
    load_staff(
        load,
        checks(
            "person: ewan@acme.example, checked_on: 2026-06-01, topic: incident_reporting,"
            " passed: no",
            "person: ewan@acme.example, checked_on: 2026-08-01, topic: incident_reporting,"
            " passed: yes",
            "person: eng@acme.example, checked_on: 2026-05-01, topic: phishing, passed: no",
            "person: fin@acme.example, checked_on: 2026-10-01, topic: phishing, passed: no",
            "person: gone@acme.example, checked_on: 2026-01-01, topic: phishing, passed: no",
        )
        + "Training completions:\n"
        + completions("Phishing follow-up", "2026-05-20", ["eng"]),
    )
    assert findings("PPL004") == [], "fin's failure is recent; gone has left"


def test_ppl005_fires_without_recent_awareness_checks(load, findings):
    load_staff(
        load,
        checks("person: ewan@acme.example, checked_on: 2025-10-05, topic: phishing, passed: yes"),
    )
    (finding,) = findings("PPL005")
    assert "last one was on 2025-10-05" in finding.detail
    assert finding.grade == "ofi", "the standard does not require the organisation's own checks"


def test_ppl005_passes_with_a_check_this_year(load, findings):
    load_staff(
        load,
        checks("person: ewan@acme.example, checked_on: 2026-10-05, topic: phishing, passed: no"),
    )
    assert findings("PPL005") == []


def test_ppl006_fires_without_a_mandatory_all_staff_course(load, findings):
    load(
        """
Training courses:
  - {name: Secure coding, audience: it, mandatory: yes}
  - {name: Phishing follow-up, audience: all_staff, mandatory: no}
"""
    )
    (finding,) = findings("PPL006", stage=1)
    assert finding.subject.key == "Training courses"
    assert "2 course(s)" in finding.detail


def test_ppl006_passes_with_one(load, findings):
    load_staff(load)
    assert findings("PPL006") == []


ROLES = """
ISMS roles:
  - {role: isms_manager, person: isms@acme.example}
  - {role: internal_auditor, person: auditor@acme.example}
  - {role: ciso, person: eng@acme.example, ended_on: 2026-01-31}
  - {role: top_management_sponsor, person: ceo@acme.example}
"""


def test_ppl007_fires_for_role_holders_with_only_all_staff_training(load, findings):
    load_staff(
        load,
        ROLES
        + "Training completions:\n"
        + completions("Security awareness essentials", "2026-02-01")
        + completions("Secure coding", "2026-12-01", ["auditor"]),
    )
    found = findings("PPL007")
    assert keys(found) == ["auditor@acme.example", "isms@acme.example"]
    assert "Internal auditor" in next(
        f.detail for f in found if f.subject.key == "auditor@acme.example"
    )


def test_ppl007_passes_with_role_specific_training(load, findings):
    load_staff(
        load,
        ROLES
        + "Training completions:\n"
        + completions("Secure coding", "2026-02-01", ["isms", "auditor"]),
    )
    assert findings("PPL007") == []
