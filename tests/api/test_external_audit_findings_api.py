"""The External audit findings register over the generic REST API: the same permissions as the
external audits themselves, the same validation as import."""

import textwrap

import pytest

from isms.core.permissions import Role
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_yaml
from tests.audits.test_external_audit_findings import AUDIT


def _import(organisation, text: str):
    return import_sheets(organisation, read_yaml(textwrap.dedent(text), "test.yaml"))


@pytest.mark.django_db
def test_findings_are_recorded_like_external_audits(organisation, api_as):
    _import(organisation, AUDIT)
    path = "/orgs/acme/external_audit_findings/"
    body = {
        "ref": "CB-2026-S1-01",
        "audit": "CB-2026-S1",
        "grade": "area_of_concern",
        "reference": "9.2",
        "statement": "The programme does not show when 6.3 is audited",
        "nonconformity": "NC-2026-004",
    }
    assert api_as(organisation, Role.VIEWER).post(path, body).status_code == 403
    manager = api_as(organisation, Role.ISMS_MANAGER)
    bad = manager.post(path, {**body, "reference": "5.18"})
    assert bad.status_code == 422
    assert "A.x.y" in bad.json()["detail"][0]["msg"]
    created = manager.post(path, body)
    assert created.status_code == 201, created.content
    assert created.json()["nonconformity"] == "NC-2026-004"
    assert manager.get(path).json()["count"] == 1
