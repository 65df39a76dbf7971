"""The certification cycle in the browser: the certificate's state, each cycle's surveillance
and recertification, what is next and when, and the certification body's findings."""

import datetime as dt

import pytest
from django.test import Client

from isms.audits.models import ExternalAudit, ExternalAuditFinding
from isms.core.permissions import Role

pytestmark = pytest.mark.django_db
D = dt.date


AUDITORS = (Role.OWNER, Role.ISMS_MANAGER, Role.INTERNAL_AUDITOR)


def _client(make_member, organisation, role):
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def viewer(make_member, organisation):
    user, _ = make_member(organisation, Role.VIEWER)
    client = Client()
    client.force_login(user)
    return client


def _audit(organisation, ref, kind, planned, held=None, **values):
    return ExternalAudit.objects.create(
        organisation=organisation,
        ref=ref,
        kind=kind,
        certification_body="Example Cert",
        planned_on=planned,
        held_on=held,
        **values,
    )


def test_a_certified_organisation_sees_its_cycle_and_the_next_surveillance(viewer, organisation):
    _audit(organisation, "CB-S1", "stage1", D(2024, 12, 2), D(2024, 12, 2))
    stage2 = _audit(
        organisation,
        "CB-S2",
        "stage2",
        D(2025, 3, 3),
        D(2025, 3, 3),
        minors=1,
        recommended=True,
        decision_on=D(2025, 3, 10),
    )
    ExternalAuditFinding.objects.create(
        organisation=organisation,
        audit=stage2,
        ref="CB-S2-01",
        grade="minor",
        reference="A.5.18",
        statement="Two leavers kept CRM accounts",
    )
    page = viewer.get("/orgs/acme/certification/?as_of=2025-06-01").content.decode()
    assert "Certified" in page
    assert "Cycle 1: initial decision 2025-03-10" in page and "2028-03-09" in page
    next_due = page.split('id="next"')[1].split("</section>")[0]
    assert "due on 2026-03-10" in next_due, "the first surveillance within 12 months"
    assert "CB-S2-01" in page and "Two leavers kept CRM accounts" in page
    late = viewer.get("/orgs/acme/certification/?as_of=2026-04-01").content.decode()
    assert "At risk" in late and "overdue since 2026-03-10" in late


def test_without_audits_the_page_says_so_and_a_bad_date_is_named(viewer, organisation):
    page = viewer.get("/orgs/acme/certification/").content.decode()
    assert "Not certified" in page and "No audit by a certification body" in page
    bad = viewer.get("/orgs/acme/certification/?as_of=soon").content.decode()
    assert "expects a date like 2026-11-30" in bad


def test_the_page_makes_a_bounded_number_of_queries(
    viewer, organisation, django_assert_max_num_queries
):
    ExternalAudit.objects.bulk_create(
        ExternalAudit(
            organisation=organisation,
            ref=f"CB-{n:04d}",
            kind="surveillance",
            certification_body="Example Cert",
            planned_on=D(2000, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(2000)
    )
    with django_assert_max_num_queries(10):
        assert viewer.get("/orgs/acme/certification/").status_code == 200


def test_another_organisations_cycle_is_not_shown(viewer, organisation, other_organisation):
    _audit(other_organisation, "CB-GLOBEX", "stage2", D(2025, 3, 3), D(2025, 3, 3))
    assert viewer.get("/orgs/globex/certification/").status_code == 404
    theirs = ExternalAudit.objects.get(ref="CB-GLOBEX")
    step = f"/orgs/acme/certification/audits/{theirs.pk}/decision/"
    assert viewer.post(step, {"on": "2025-03-10"}).status_code == 404
    assert "CB-GLOBEX" not in viewer.get("/orgs/acme/certification/").content.decode()


def test_the_decision_and_an_appeal_are_recorded_and_refusals_named(make_member, organisation):
    client = _client(make_member, organisation, Role.INTERNAL_AUDITOR)
    stage2 = _audit(organisation, "CB-S2", "stage2", D(2025, 3, 3), D(2025, 3, 3), recommended=True)
    url = f"/orgs/acme/certification/audits/{stage2.pk}/"
    early = client.post(url + "decision/", {"row_version": stage2.row_version, "on": "2025-03-01"})
    assert early.status_code == 422 and "cannot precede the audit" in early.content.decode()
    decided = client.post(
        url + "decision/", {"row_version": stage2.row_version, "on": "2025-03-10"}
    )
    assert decided.status_code == 302
    stage2.refresh_from_db()
    assert stage2.decision_on == D(2025, 3, 10) and stage2.certificate_expires_on == D(2028, 3, 9)
    assert stage2.history.latest().history_user == client.user
    stale = client.post(url + "appeal/", {"row_version": 1, "reason": "x", "on": "2025-03-12"})
    assert stale.status_code == 422 and "nothing was saved" in stale.content.decode()
    form = {
        "row_version": stage2.row_version,
        "reason": "CB-S2-01 misreads 5.18",
        "on": "2025-03-12",
    }
    assert client.post(url + "appeal/", form).status_code == 302
    stage2.refresh_from_db()
    outcome = {"row_version": stage2.row_version, "outcome": "upheld", "on": "2025-04-01"}
    assert client.post(url + "appeal-outcome/", outcome).status_code == 302
    stage2.refresh_from_db()
    assert stage2.appeal_outcome == "upheld"
    page = client.get("/orgs/acme/certification/?as_of=2025-06-01").content.decode()
    assert "CB-S2-01 misreads 5.18" in page and "upheld on 2025-04-01" in page


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_of_the_certification_steps(make_member, organisation, role):
    client = _client(make_member, organisation, role)
    stage2 = _audit(organisation, "CB-S2", "stage2", D(2025, 3, 3), D(2025, 3, 3), recommended=True)
    allowed = role in AUDITORS
    page = client.get("/orgs/acme/certification/").content.decode()
    assert ("Record the decision" in page) is allowed
    url = f"/orgs/acme/certification/audits/{stage2.pk}/"
    decided = client.post(
        url + "decision/", {"row_version": stage2.row_version, "on": "2025-03-10"}
    )
    assert decided.status_code == (302 if allowed else 403)
    stage2.refresh_from_db()
    appeal = {"row_version": stage2.row_version, "reason": "disputed", "on": "2025-03-12"}
    assert client.post(url + "appeal/", appeal).status_code == (302 if allowed else 403)
    stage2.refresh_from_db()
    assert (stage2.decision_on is not None, bool(stage2.appeal)) == (allowed, allowed)
