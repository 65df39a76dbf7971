"""Access control rules (ACC): access reviews, leavers' accounts, unowned accounts."""

import datetime as dt

import pytest

from isms.readiness.finding import Population, Subject
from tests.readiness.conftest import PEOPLE, keys

pytestmark = pytest.mark.django_db

SYSTEMS = """
Systems:
  - {name: SAP, owner: fin@acme.example, criticality: high, access_review_frequency: quarterly}
  - {name: Wiki, owner: eng@acme.example, criticality: low, access_review_frequency: annual}
  - {name: AWS, owner: eng@acme.example, criticality: critical,
     access_review_frequency: quarterly}
"""


def test_acc001_fires_when_a_review_is_overdue_or_missing(load, findings):
    load(
        SYSTEMS
        + """
Access reviews:
  - {system: SAP, reviewed_on: 2026-03-27, accounts_reviewed: 40}
  - {system: Wiki, reviewed_on: 2026-02-01, accounts_reviewed: 10}
  - {system: AWS, reviewed_on: 2026-12-10, accounts_reviewed: 12}
"""
    )
    found = findings("ACC001")
    assert keys(found) == ["AWS", "SAP"], "AWS's only review is after the audit date"
    sap = next(f for f in found if f.subject.key == "SAP")
    assert sap.population == Population("systems", 3)
    assert "2026-03-27, 248 days before 2026-11-30" in sap.detail
    assert sap.department == "Finance"


def test_acc001_passes_when_every_review_is_within_its_period(load, findings):
    load(
        SYSTEMS
        + """
  - {name: Legacy, criticality: low}
Access reviews:
  - {system: SAP, reviewed_on: 2026-09-15, accounts_reviewed: 40}
  - {system: Wiki, reviewed_on: 2026-06-01, accounts_reviewed: 10}
  - {system: AWS, reviewed_on: 2026-10-01, accounts_reviewed: 12}
"""
    )
    assert findings("ACC001") == []
    assert keys(findings("ACC001", as_of=dt.date(2027, 3, 1))) == ["AWS", "SAP"]


def test_acc002_fires_for_critical_and_high_systems_without_frequency(load, findings):
    load(
        """
Systems:
  - {name: AWS, owner: eng@acme.example, criticality: critical}
  - {name: SAP, criticality: high}
  - {name: Wiki, criticality: low}
"""
    )
    found = findings("ACC002", stage=1)
    assert keys(found) == ["AWS", "SAP"]
    assert {f.issue for f in found} == {"ACC001"}, "one finding with ACC001: access not reviewed"
    assert found[0].population == Population("systems", 3)


def test_acc002_passes_when_frequencies_are_set(load, findings):
    load(SYSTEMS + "  - {name: Intranet, criticality: medium}\n")
    assert findings("ACC002") == []


#: The standard people plus three who leave (a YAML file may hold one People sheet only).
LEAVERS = (
    PEOPLE
    + """\
  - {email: jordan.pike@acme.example, name: Jordan Pike, department: Finance,
     start_date: 2022-01-10, leave_date: 2026-08-14}
  - {email: ryan.cooper@acme.example, name: Ryan Cooper, department: Engineering,
     kind: contractor, start_date: 2023-01-10, leave_date: 2026-09-30}
  - {email: late.leaver@acme.example, name: Late Leaver, department: Engineering,
     start_date: 2023-01-10, leave_date: 2026-12-31}
Systems:
  - {name: Salesforce, owner: fin@acme.example, criticality: high,
     access_review_frequency: quarterly}
  - {name: AWS production, owner: eng@acme.example, criticality: critical,
     access_review_frequency: quarterly}
"""
)


def load_leavers(load, text: str):
    load(LEAVERS + text, with_people=False)


def test_acc003_fires_for_active_leaver_accounts(load, findings):
    load_leavers(
        load,
        """
Accounts:
  - {system: Salesforce, username: jordan.pike, person: jordan.pike@acme.example,
     last_used_on: 2026-09-02}
  - {system: AWS production, username: ryan.cooper, person: ryan.cooper@acme.example,
     is_privileged: yes}
  - {system: AWS production, username: late.leaver, person: late.leaver@acme.example}
  - {system: Salesforce, username: erin, person: eng@acme.example}
  - {system: Salesforce, username: ryan.cooper, person: ryan.cooper@acme.example,
     is_active: no}
""",
    )
    found = {f.subject.key: f for f in findings("ACC003")}
    assert sorted(found) == ["AWS production / ryan.cooper", "Salesforce / jordan.pike"]
    pike, cooper = found["Salesforce / jordan.pike"], found["AWS production / ryan.cooper"]
    assert {f.grade for f in found.values()} == {"minor"}, "privileged is not major by itself"
    assert {f.reference for f in found.values()} == {"A.5.18"}
    assert {f.issue for f in found.values()} == {"ACC003"}
    assert pike.department == "Finance"
    assert pike.related == (Subject("People", "jordan.pike@acme.example"),)
    assert cooper.related == (Subject("People", "ryan.cooper@acme.example"),)
    # Used after leaving: a direct security effect, which makes the finding major.
    assert pike.effect == (
        "account jordan.pike in Salesforce was last used on 2026-09-02, 19 days after its "
        "holder left on 2026-08-14"
    )
    assert cooper.effect == "", "never used after leaving"
    # Drawn from every account, active or not, of people who left by the audit date.
    assert pike.population == Population("accounts of people who left", 3)


def test_acc003_effect_only_for_use_after_leaving_and_by_the_audit_date(load, findings):
    load_leavers(
        load,
        """
Accounts:
  - {system: AWS production, username: ryan.cooper, person: ryan.cooper@acme.example,
     is_privileged: yes, last_used_on: 2026-10-05}
  - {system: Salesforce, username: jordan.pike, person: jordan.pike@acme.example,
     last_used_on: 2026-08-10}
  - {system: Salesforce, username: ryan.cooper, person: ryan.cooper@acme.example,
     last_used_on: 2026-12-05}
""",
    )
    effects = {f.subject.key: f.effect for f in findings("ACC003")}
    assert effects == {
        "AWS production / ryan.cooper": (
            "privileged account ryan.cooper in AWS production was last used on 2026-10-05, "
            "5 days after its holder left on 2026-09-30"
        ),
        "Salesforce / jordan.pike": "",
        "Salesforce / ryan.cooper": "",
    }


def test_acc003_passes_when_leaver_accounts_are_disabled(load, findings):
    load_leavers(
        load,
        """
Accounts:
  - {system: Salesforce, username: jordan.pike, person: jordan.pike@acme.example,
     is_active: no}
  - {system: AWS production, username: late.leaver, person: late.leaver@acme.example}
""",
    )
    assert findings("ACC003") == []
    assert findings("ACC003", as_of=dt.date(2026, 8, 14)) == [], "still working on the last day"


def test_acc004_fires_for_unowned_personal_looking_accounts(load, findings):
    load(
        SYSTEMS
        + """
Accounts:
  - {system: AWS, username: admin, is_privileged: yes}
  - {system: SAP, username: jsmith}
  - {system: SAP, username: old.abbott}
  - {system: AWS, username: svc-terraform, is_privileged: yes}
"""
    )
    found = {f.subject.key: f for f in findings("ACC004")}
    assert sorted(found) == ["AWS / admin", "SAP / jsmith", "SAP / old.abbott"]
    assert (found["AWS / admin"].grade, found["AWS / admin"].reference) == ("minor", "A.8.2")
    assert found["SAP / jsmith"].grade == "ofi"


def test_acc004_passes_for_service_and_linked_accounts(load, findings):
    load(
        SYSTEMS
        + """
Accounts:
  - {system: AWS, username: svc-backup-copy}
  - {system: AWS, username: acme-release-bot}
  - {system: AWS, username: breakglass-m365@acme.example, is_privileged: yes}
  - {system: SAP, username: SVC_EDI}
  - {system: SAP, username: svc-scim-bamboohr}
  - {system: SAP, username: erin, person: eng@acme.example}
  - {system: SAP, username: ghost, is_active: no}
"""
    )
    assert findings("ACC004") == []


def test_acc005_fires_when_a_review_after_leaving_kept_the_account(load, findings):
    load_leavers(
        load,
        """
Access reviews:
  - {system: Salesforce, reviewed_on: 2026-06-18, accounts_reviewed: 80}
  - {system: Salesforce, reviewed_on: 2026-09-10, accounts_reviewed: 81}
  - {system: AWS production, reviewed_on: 2026-09-25, accounts_reviewed: 12}
Accounts:
  - {system: Salesforce, username: jordan.pike, person: jordan.pike@acme.example}
  - {system: AWS production, username: ryan.cooper, person: ryan.cooper@acme.example}
""",
    )
    (finding,) = findings("ACC005")
    assert finding.subject.key == "Salesforce / 2026-09-10"
    assert "jordan.pike@acme.example, left 2026-08-14" in finding.detail
    assert finding.department == "Finance"
    # The same key as ACC003's observation of the account, so the two merge into one finding.
    assert finding.related == (Subject("Accounts", "Salesforce / jordan.pike"),)
    (account,) = [f for f in findings("ACC003") if f.subject.key == "Salesforce / jordan.pike"]
    assert account.subject in finding.related


def test_acc005_passes_when_no_review_followed_the_leave_date(load, findings):
    load_leavers(
        load,
        """
Access reviews:
  - {system: AWS production, reviewed_on: 2026-09-25, accounts_reviewed: 12}
  - {system: Salesforce, reviewed_on: 2026-09-10, accounts_reviewed: 81, accounts_removed: 1}
Accounts:
  - {system: AWS production, username: ryan.cooper, person: ryan.cooper@acme.example}
  - {system: Salesforce, username: jordan.pike, person: jordan.pike@acme.example,
     is_active: no}
""",
    )
    assert findings("ACC005") == []
