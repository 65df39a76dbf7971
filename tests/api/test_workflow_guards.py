"""Regressions from the security review: the generic register endpoints cannot forge what the
workflows guard, and bad input answers 4xx, never 500."""

import datetime as dt

import pytest
from django.utils import timezone

from isms.audits.models import InternalAudit, ManagementReview, Nonconformity
from isms.core.permissions import Role
from isms.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organisation):
    return {
        name: Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
        for name in ("ceo", "owner", "other")
    }


def test_a_review_cannot_be_signed_or_rewritten_through_the_generic_api(
    api_as, organisation, people
):
    contributor = api_as(organisation, Role.CONTRIBUTOR)
    review = ManagementReview.objects.create(
        organisation=organisation, ref="MR-1", held_on=dt.date(2026, 6, 1)
    )
    forged = contributor.patch(
        f"/orgs/acme/management_reviews/{review.pk}",
        {"signed_by": "ceo@x.example", "signed_on": "2026-06-02"},
    )
    assert forged.status_code == 422
    ManagementReview.objects.filter(pk=review.pk).update(
        signed_by=people["ceo"], signed_on=dt.date(2026, 6, 2), decisions="Approve budget"
    )
    rewrite = contributor.patch(
        f"/orgs/acme/management_reviews/{review.pk}", {"decisions": "rewritten"}
    )
    assert rewrite.status_code == 409
    manager = api_as(organisation, Role.ISMS_MANAGER)
    assert manager.delete(f"/orgs/acme/management_reviews/{review.pk}").status_code == 409
    assert ManagementReview.objects.get(pk=review.pk).decisions == "Approve budget"


def test_nc_owner_and_analysis_change_only_through_the_workflow(api_as, organisation, people):
    api = api_as(organisation)
    nc = Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-1",
        source="complaint",
        grade="minor",
        raised_on=dt.date(2026, 5, 1),
        description="x",
        owner=people["owner"],
        status="verifying",
        implemented_on=dt.date(2026, 6, 1),
    )
    moved = api.patch(f"/orgs/acme/nonconformities/{nc.pk}", {"owner": "other@x.example"})
    assert moved.status_code == 422
    Nonconformity.objects.filter(pk=nc.pk).update(status="closed", closed_on=dt.date(2026, 8, 1))
    emptied = api.patch(f"/orgs/acme/nonconformities/{nc.pk}", {"correction": ""})
    assert emptied.status_code == 409


def test_verifying_an_nc_without_an_implementation_date_is_refused_not_a_crash(
    api_as, organisation, people
):
    Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-2",
        source="complaint",
        grade="minor",
        raised_on=dt.date(2026, 5, 1),
        description="x",
        owner=people["owner"],
        status="verifying",
    )
    api = api_as(organisation)
    api.user.email = "other@x.example"
    api.user.save()
    response = api.post(
        "/orgs/acme/nonconformities/NC-2/verify",
        {"checked_by": "other@x.example", "on": "2026-09-01", "effective": True},
    )
    assert response.status_code == 422
    assert "no implementation date" in response.json()["detail"]


def test_assignment_is_judged_no_earlier_than_today(api_as, organisation, people):
    today = timezone.localdate()
    people["other"].leave_date = today - dt.timedelta(days=10)
    people["other"].save()
    InternalAudit.objects.create(
        organisation=organisation,
        ref="IA-9",
        title="Access",
        planned_on=today + dt.timedelta(days=30),
    )
    api = api_as(organisation)
    response = api.post(
        "/orgs/acme/internal_audits/IA-9/assign",
        {"auditor": "other@x.example", "lead": True, "on": "2020-01-01"},
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "path",
    [
        "/orgs/acme/internal_audits/coverage?as_of=0001-01-01",
        "/orgs/acme/internal_audits/programme?as_of=9999-12-31",
        "/orgs/acme/external_audits/?offset=1180591620717411303424",
    ],
)
def test_absurd_input_is_422(api_as, organisation, path):
    api = api_as(organisation)
    assert api.client.get(f"/api{path}", headers=api.headers).status_code == 422


def test_huge_ids_are_404(api_as, organisation):
    api = api_as(organisation)
    assert api.get("/orgs/acme/external_audits/99999999999999999999999").status_code == 404


def test_when_and_why_an_nc_was_raised_cannot_be_moved(api_as, organisation, people):
    """PATCHing raised_on to 2020 used to satisfy the 30-day wait; a new link moved the credit."""
    api = api_as(organisation)
    nc = Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-3",
        source="internal_audit",
        grade="minor",
        raised_on=dt.date(2026, 5, 1),
        description="x",
        finding_code="SOA002",
        finding_subject="SoA: 7.4",
    )
    for change in (
        {"raised_on": "2020-01-01"},
        {"source": "complaint"},
        {"finding_code": "ACC003"},
        {"finding_subject": "Systems: CRM"},
    ):
        refused = api.patch(f"/orgs/acme/nonconformities/{nc.pk}", change)
        assert refused.status_code == 422, change
        assert "set when the record was created" in refused.text
    nc.refresh_from_db()
    assert (nc.raised_on, nc.source, nc.finding_code) == (
        dt.date(2026, 5, 1),
        "internal_audit",
        "SOA002",
    )
    # Other fields still edit as before, and sending the same value back is no change; a link
    # left empty can still be filled in later.
    kept = api.patch(
        f"/orgs/acme/nonconformities/{nc.pk}", {"raised_on": "2026-05-01", "description": "y"}
    )
    assert kept.status_code == 200, kept.text
