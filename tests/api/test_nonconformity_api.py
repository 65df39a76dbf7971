"""The NC workflow over HTTP, and the generic endpoints refusing to touch workflow fields."""

import pytest

from isms.audits.models import Nonconformity
from isms.core.permissions import Role
from isms.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def nc(organisation):
    for name in ("owner", "checker"):
        Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
    return Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-1",
        source="complaint",
        grade="minor",
        raised_on="2026-05-01",
        description="Wrong recipient",
    )


def as_person(client, email):
    client.user.email = email
    client.user.save()
    return client


def test_workflow_end_to_end(api_as, organisation, nc):
    api = api_as(organisation, Role.INTERNAL_AUDITOR)
    base = "/orgs/acme/nonconformities/NC-1/"
    refused = api.post(base + "implemented", {"on": "2026-06-01"})
    assert refused.status_code == 422 and "is open" in refused.json()["detail"]
    planned = api.post(
        base + "plan",
        {
            "root_cause": "Autocomplete",
            "corrective_action": "Disable autocomplete",
            "process_changed": "Email handling",
            "owner": "owner@x.example",
        },
    )
    assert planned.status_code == 200 and planned.json()["status"] == "action_planned"
    assert api.post(base + "implemented", {"on": "2026-06-01"}).json()["status"] == "verifying"
    owner = as_person(api_as(organisation, Role.INTERNAL_AUDITOR), "owner@x.example")
    own = owner.post(base + "verify", {"on": "2026-08-01", "effective": True})
    assert own.status_code == 422 and "cannot verify" in own.json()["detail"]
    checker = as_person(api_as(organisation, Role.INTERNAL_AUDITOR), "checker@x.example")
    named = checker.post(
        base + "verify", {"checked_by": "other@x.example", "on": "2026-08-01", "effective": True}
    )
    assert named.status_code == 422 and "caller's name (checker@x.example)" in named.text
    done = checker.post(base + "verify", {"on": "2026-08-01", "effective": True})
    assert done.json()["status"] == "closed" and done.json()["closed_on"] == "2026-08-01"
    assert done.json()["effectiveness_checked_by"] == "checker@x.example"


def test_generic_edit_cannot_close_an_nc(api_as, organisation, nc):
    api = api_as(organisation)
    response = api.patch(f"/orgs/acme/nonconformities/{nc.pk}", {"status": "closed"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
    ok = api.patch(f"/orgs/acme/nonconformities/{nc.pk}", {"correction": "Email recalled"})
    assert ok.status_code == 200 and ok.json()["status"] == "open"
    created = api.post(
        "/orgs/acme/nonconformities/",
        {
            "ref": "NC-2",
            "source": "complaint",
            "grade": "minor",
            "raised_on": "2026-05-02",
            "description": "x",
            "status": "closed",
        },
    )
    assert created.status_code == 422
    assert Nonconformity.objects.get(pk=nc.pk).status == "open"


def test_viewers_cannot_move_ncs_and_other_orgs_see_nothing(
    api_as, organisation, nc, other_organisation
):
    viewer = api_as(organisation, Role.VIEWER)
    response = viewer.post("/orgs/acme/nonconformities/NC-1/implemented", {"on": "2026-06-01"})
    assert response.status_code == 403
    outsider = api_as(other_organisation)
    assert (
        outsider.post(
            "/orgs/acme/nonconformities/NC-1/implemented", {"on": "2026-06-01"}
        ).status_code
        == 404
    )


def test_raise_without_a_run_is_404(api_as, organisation):
    api = api_as(organisation)
    assert api.post("/orgs/acme/nonconformities/raise", {}).status_code == 404
