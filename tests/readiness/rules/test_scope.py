"""Scope against reality (SCP001, 4.3)."""

import pytest

from isms.readiness.finding import Subject
from tests.readiness.conftest import keys

pytestmark = pytest.mark.django_db

DATA = """
Scope:
  - {version: "2.0", statement: Acme Components, approved_by: ceo@acme.example,
     approved_on: 2026-03-16, in_scope: "Sheffield HQ and factory; SensorCloud on AWS",
     out_of_scope: "The GmbH sales office", boundaries: "Payroll bureau via Sage Payroll"}
  - {version: "3.0", statement: Draft, in_scope: "Rotherham store"}
Sites:
  - {name: Sheffield HQ, kind: office}
  - {name: Factory, kind: factory, in_scope: included}
  - {name: Rotherham store, kind: warehouse}
  - {name: GmbH sales office, kind: office}
Systems:
  - {name: Sage Payroll, criticality: high}
  - {name: Tulip MES, criticality: high}
  - {name: Zendesk, criticality: medium, in_scope: excluded}
Interfaces:
  - {name: Shipping portal, counterpart: Pennine Logistics}
  - {name: Group HR, counterpart: Acme Group, in_scope: excluded}
"""


def test_scp001_fires_for_records_the_scope_in_force_is_silent_on(load, findings):
    load(DATA)
    found = findings("SCP001")
    assert [f.subject for f in found] == [
        Subject("Interfaces", "Shipping portal"),
        Subject("Sites", "Rotherham store"),
        Subject("Systems", "Tulip MES"),
    ], "Sheffield HQ, the GmbH office and Sage Payroll are named in scope 2.0 (case ignored)"
    assert found[1].related == (), "kept apart from CTX002, the scope's own finding"
    assert "scope 2.0 does not mention it" in found[1].detail


def test_scp001_runs_at_stage_1(load, findings):
    load(DATA)
    assert keys(findings("SCP001", stage=1)) == ["Rotherham store", "Shipping portal", "Tulip MES"]


def test_scp001_passes_when_everything_is_decided_or_named(load, findings):
    load(
        DATA.replace(
            "{name: Rotherham store, kind: warehouse}",
            "{name: Rotherham store, kind: warehouse, in_scope: excluded}",
        )
        .replace(
            "{name: Tulip MES, criticality: high}",
            "{name: Tulip MES, criticality: high, in_scope: included}",
        )
        .replace("{name: Shipping portal,", "{name: Payroll bureau,")
    )
    assert findings("SCP001") == []


def test_scp001_not_judged_without_an_approved_scope(load, findings):
    load(DATA.replace("approved_by: ceo@acme.example,", ""))
    assert findings("SCP001") == [], "scope 2.0 has no approver: CTX001's business"
