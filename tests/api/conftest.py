import pytest
from django.test import Client

from isms.core.permissions import Role
from isms.core.services import create_api_token


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, token: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        return self.client.get(f"/api{path}", params, headers=self.headers)

    def post(self, path, data):
        return self.client.post(
            f"/api{path}", data, content_type="application/json", headers=self.headers
        )

    def put(self, path, data):
        return self.client.put(
            f"/api{path}", data, content_type="application/json", headers=self.headers
        )

    def patch(self, path, data):
        return self.client.patch(
            f"/api{path}", data, content_type="application/json", headers=self.headers
        )

    def delete(self, path):
        return self.client.delete(f"/api{path}", headers=self.headers)


@pytest.fixture
def api_as(make_member):
    """api_as(org, role) -> an ApiClient for a new member with that role."""

    def make(organisation, role=Role.ISMS_MANAGER, top_management=False):
        user, _ = make_member(organisation, role, top_management)
        _, token = create_api_token(user, "tests")
        client = ApiClient(token)
        client.user = user
        return client

    return make
