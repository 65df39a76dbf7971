"""Issue 5's routes are mounted on the real API and URL configuration."""

import pytest

from isms.people.models import Person

pytestmark = pytest.mark.django_db


def test_loop_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/orgs/{org}/nonconformities/raise",
        "/api/orgs/{org}/reviews/pack",
        "/api/orgs/{org}/reviews/{ref}/sign",
        "/api/orgs/{org}/certification/status",
        "/api/orgs/{org}/awareness/campaigns",
    ):
        assert path in paths, path
    assert "/api/orgs/{org}/internal_audits/{ref}/assign" in paths
    operations = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operations) == len(set(operations)), "operation ids must be unique"


def test_certification_status_and_review_pack_answer(api_as, organisation):
    api = api_as(organisation)
    status = api.get("/orgs/acme/certification/status")
    assert status.status_code == 200, status.content
    pack = api.get("/orgs/acme/reviews/pack")
    assert pack.status_code == 200, pack.content


def test_generic_edit_cannot_set_auditors_bypassing_the_independence_check(api_as, organisation):
    Person.objects.create(organisation=organisation, email="a@x.example", name="A")
    api = api_as(organisation)
    response = api.post(
        "/orgs/acme/internal_audits/",
        {
            "ref": "IA-1",
            "title": "Access",
            "planned_on": "2027-01-10",
            "lead_auditor": "a@x.example",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "lead_auditor"]
    created = api.post(
        "/orgs/acme/internal_audits/",
        {"ref": "IA-1", "title": "Access", "planned_on": "2027-01-10"},
    )
    assert created.status_code == 201, created.content


def test_awareness_page_is_mounted(client):
    assert client.get("/awareness/not-a-real-token/").status_code == 404
