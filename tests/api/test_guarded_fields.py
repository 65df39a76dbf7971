"""Approvals and audit results cannot be forged through the generic register API: approving
needs the approve permission (managers and top management) and is recorded in the caller's own
name; audit results belong to internal auditors and managers, auditees only read them."""

import datetime as dt
from types import SimpleNamespace

import pytest

from isms.api.registers import _guard
from isms.audits.models import ExternalAudit, InternalAudit, Nonconformity
from isms.core.permissions import Role, can
from isms.core.registers import all_registers
from isms.people.models import Person
from isms.risk.models import Risk, RiskMethod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("top_management", [False, True])
def test_every_guarded_field_for_every_role(organisation, make_member, role, top_management):
    """The role matrix over every register's guarded fields: refused exactly when the role (and
    top-management flag) lacks the field's action."""
    user, membership = make_member(organisation, role, top_management)
    user.email = "me@x.example"
    user.save()
    request = SimpleNamespace(user=user)
    walked = 0
    for register in all_registers():
        for name, action in register.guarded.items():
            answer = _guard(register, request, organisation, {name: "me@x.example"})
            allowed = can(membership, action)
            assert (answer is None) == allowed, (register.sheet, name, role, top_management)
            if not allowed:
                assert answer.status_code == 403
            walked += 1
    assert walked >= 20


@pytest.fixture
def people(organisation):
    return {
        name: Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
        for name in ("ceo", "owner", "manager", "auditor")
    }


@pytest.fixture
def risk(organisation, people):
    RiskMethod.objects.create(
        organisation=organisation, name="M", likelihood_levels=5, impact_levels=5,
        acceptance_threshold=6, high_threshold=15, review_interval_months=12,
    )  # fmt: skip
    return Risk.objects.create(
        organisation=organisation, ref="R-1", title="t", threat="x", vulnerability="y",
        owner=people["owner"], likelihood=2, impact=2, treatment="retain",
    )  # fmt: skip


def client_as(api_as, organisation, role, email, top_management=False):
    client = api_as(organisation, role, top_management)
    client.user.email = email
    client.user.save()
    return client


def test_a_contributor_cannot_accept_a_risk_in_the_ceos_name(api_as, organisation, risk):
    contributor = client_as(api_as, organisation, Role.CONTRIBUTOR, "owner@x.example")
    forged = contributor.patch(
        f"/orgs/acme/risks/{risk.pk}", {"accepted_by": "ceo@x.example", "accepted_on": "2026-11-30"}
    )
    assert forged.status_code == 403 and "approve" in forged.json()["detail"]
    manager = client_as(api_as, organisation, Role.ISMS_MANAGER, "manager@x.example")
    for_someone = manager.patch(f"/orgs/acme/risks/{risk.pk}", {"accepted_by": "ceo@x.example"})
    assert for_someone.status_code == 422 and "caller's own name" in for_someone.text
    ceo = client_as(api_as, organisation, Role.CONTRIBUTOR, "ceo@x.example", top_management=True)
    own = ceo.patch(
        f"/orgs/acme/risks/{risk.pk}", {"accepted_by": "ceo@x.example", "accepted_on": "2026-11-30"}
    )
    assert own.status_code == 200, own.text
    risk.refresh_from_db()
    assert risk.accepted_by.email == "ceo@x.example"
    # Other fields of the same record stay open to contributors.
    edited = contributor.patch(f"/orgs/acme/risks/{risk.pk}", {"title": "Renamed"})
    assert edited.status_code == 200, edited.text


def test_auditees_cannot_rewrite_audit_outcomes(api_as, organisation, people):
    nc = Nonconformity.objects.create(
        organisation=organisation, ref="NC-1", source="internal_audit", grade="major",
        raised_on=dt.date(2026, 6, 1), description="x",
    )  # fmt: skip
    audit = InternalAudit.objects.create(
        organisation=organisation, ref="IA-1", title="t", planned_on=dt.date(2026, 6, 1)
    )
    external = ExternalAudit.objects.create(
        organisation=organisation, ref="CB-1", kind="stage1", certification_body="CB",
        planned_on=dt.date(2026, 5, 1), held_on=dt.date(2026, 5, 2), minors=2,
    )  # fmt: skip
    contributor = api_as(organisation, Role.CONTRIBUTOR)
    attempts = [
        (f"/orgs/acme/nonconformities/{nc.pk}", {"grade": "minor"}),
        (f"/orgs/acme/internal_audits/{audit.pk}", {"status": "completed"}),
        (f"/orgs/acme/internal_audits/{audit.pk}", {"report_summary": "No findings"}),
        (f"/orgs/acme/external_audits/{external.pk}", {"minors": 0}),
    ]
    for path, change in attempts:
        answer = contributor.patch(path, change)
        assert answer.status_code == 403, (path, change, answer.text)
    nc.refresh_from_db()
    external.refresh_from_db()
    assert (nc.grade, external.minors) == ("major", 2)
    # The internal auditor records audit results (and nothing else of the registers).
    auditor = api_as(organisation, Role.INTERNAL_AUDITOR)
    regraded = auditor.patch(f"/orgs/acme/nonconformities/{nc.pk}", {"grade": "minor"})
    assert regraded.status_code == 200, regraded.text
    assert (
        auditor.patch(f"/orgs/acme/internal_audits/{audit.pk}", {"title": "x"}).status_code == 403
    )
