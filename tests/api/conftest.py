import pytest
from django.test import Client

from isms.core.permissions import Role
from isms.core.services import create_api_token

#: Send the record's current ETag as If-Match, read with a GET first, as a client does.
CURRENT = object()


class ApiClient:
    """A test client that sends a bearer token and JSON.

    ``put`` and ``patch`` send If-Match: by default the ETag of a GET just before (a client
    that read the record), ``if_match=None`` for none, or a given value."""

    def __init__(self, token: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        return self.client.get(f"/api{path}", params, headers=self.headers)

    def post(self, path, data):
        return self.client.post(
            f"/api{path}", data, content_type="application/json", headers=self.headers
        )

    def _versioned(self, path, if_match) -> dict:
        if if_match is CURRENT:
            if_match = self.get(path).headers.get("ETag")
        if if_match is None:
            return self.headers
        return {**self.headers, "If-Match": if_match}

    def put(self, path, data, if_match=CURRENT):
        return self.client.put(
            f"/api{path}",
            data,
            content_type="application/json",
            headers=self._versioned(path, if_match),
        )

    def patch(self, path, data, if_match=CURRENT):
        return self.client.patch(
            f"/api{path}",
            data,
            content_type="application/json",
            headers=self._versioned(path, if_match),
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
