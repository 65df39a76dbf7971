"""An /api/ address that no endpoint matches answers JSON 404, whatever the method."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/orgs/acme/evidence/not-a-number/file",
        # A newline in the address (found by schemathesis): still the API's JSON, not a page.
        "/api/orgs/acme/awareness/campaigns/%0A%C3%96/results",
    ],
)
def test_an_unmatched_api_address_is_json_404(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "no such API endpoint" in response.json()["detail"]


def test_the_openapi_document_lists_the_common_answers(client):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/orgs/{org}/people/{record_id}"]["patch"]
    assert {"400", "401", "412", "413", "422", "428", "429"} <= set(operation["responses"])
    refusal = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert len(refusal["anyOf"]) == 2
