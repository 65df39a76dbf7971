"""A small risk register for the risk rule tests (test_risk_assessment.py, test_risk_treatment.py)
and the report tests: a method, processes and assets, well-formed risks and treatment actions,
and a person who has left. The ``build`` fixture that loads them is in conftest.py."""

import datetime as dt

from tests.readiness.conftest import PEOPLE

METHOD = {
    "name": "Risk method v2",
    "likelihood_levels": 5,
    "impact_levels": 5,
    "acceptance_threshold": 6,
    "high_threshold": 15,
    "review_interval_months": 12,
    "approved_by": "ceo@acme.example",
    "approved_on": dt.date(2026, 1, 10),
}
BASE = """
Processes:
  - {name: Order to cash, department: Finance, owner: fin@acme.example}
  - {name: Software delivery, department: Engineering, owner: eng@acme.example}
Assets:
  - {name: Customer database, kind: information, owner: eng@acme.example,
     department: Engineering, process: Software delivery}
  - {name: Billing system, kind: software, owner: fin@acme.example, department: Finance,
     process: Order to cash}
"""


def risk(ref, **overrides):
    """A well-formed risk: tied to an asset, owned, scored, treated and accepted by its owner."""
    row = {
        "ref": ref,
        "title": f"Risk {ref}",
        "asset": "Customer database",
        "process": "Software delivery",
        "threat": f"Threat of {ref}",
        "vulnerability": f"Weakness of {ref}",
        "owner": "eng@acme.example",
        "likelihood": 4,
        "impact": 4,
        "treatment": "modify",
        "controls": "8.8",
        "residual_likelihood": 2,
        "residual_impact": 2,
        "last_assessed_on": dt.date(2026, 3, 1),
        "accepted_by": "eng@acme.example",
        "accepted_on": dt.date(2026, 3, 5),
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def action(ref, risk_ref, **overrides):
    """A well-formed open action: owner, due date after the audit date, budget, control."""
    row = {
        "ref": ref,
        "risk": risk_ref,
        "action": f"Action {ref} for {risk_ref}",
        "owner": "isms@acme.example",
        "due_on": dt.date(2027, 1, 31),
        "budget": 1000,
        "status": "in_progress",
        "controls": "8.8",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


CLEAN_RISKS = [risk("R-001"), risk("R-002", treatment="retain", controls=None)]
CLEAN_ACTIONS = [action("RTP-001", "R-001")]


def clean(build, **overrides):
    build(risks=CLEAN_RISKS, actions=CLEAN_ACTIONS, **overrides)


#: The standard people plus one who left on 2026-06-30 (load with with_people=False).
LEAVER = (
    PEOPLE
    + """  - {email: gone@acme.example, name: Gone Person, department: Engineering,
     start_date: 2020-01-01, leave_date: 2026-06-30}
"""
)
