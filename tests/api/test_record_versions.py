"""Optimistic locking: the version of a record as ETag, If-Match on PUT/PATCH (and DELETE)."""

import pytest

from isms.core.permissions import Role
from isms.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, organisation):
    return api_as(organisation)


@pytest.fixture
def person(api):
    response = api.post("/orgs/acme/people/", {"email": "ann@acme.example", "name": "Ann"})
    assert response.status_code == 201, response.content
    assert response.headers["ETag"] == '"1"' and response.json()["row_version"] == 1
    return f"/orgs/acme/people/{response.json()['id']}"


def test_every_change_is_a_new_version_and_etag(api, person):
    assert api.get(person).headers["ETag"] == '"1"'
    changed = api.patch(person, {"job_title": "SRE"}, if_match='"1"')
    assert changed.status_code == 200, changed.content
    assert changed.headers["ETag"] == '"2"' and changed.json()["row_version"] == 2
    replaced = api.put(person, {"email": "ann@acme.example", "name": "Ann B"}, if_match='"2"')
    assert replaced.status_code == 200 and replaced.headers["ETag"] == '"3"'


def test_a_stale_version_is_412_and_changes_nothing(api, person):
    api.patch(person, {"job_title": "SRE"}, if_match='"1"')
    stale = api.patch(person, {"name": "Someone else's idea"}, if_match='"1"')
    assert stale.status_code == 412
    assert stale.json()["row_version"] == 2 and stale.headers["ETag"] == '"2"'
    assert "changed since you read it" in stale.json()["detail"]
    assert Person.objects.get().name == "Ann"
    assert (
        api.put(person, {"email": "ann@acme.example", "name": "X"}, if_match='"1"').status_code
        == 412
    )
    assert api.patch(person, {"name": "X"}, if_match='W/"2"').status_code == 412, (
        "weak never matches"
    )


def test_without_if_match_is_428_with_the_current_version(api, person):
    missing = api.patch(person, {"name": "No precondition"}, if_match=None)
    assert missing.status_code == 428
    assert missing.json()["row_version"] == 1 and missing.headers["ETag"] == '"1"'
    assert "If-Match" in missing.json()["detail"]
    assert Person.objects.get().name == "Ann"


def test_if_match_star_and_a_list_of_tags(api, person):
    assert api.patch(person, {"name": "Deliberate"}, if_match="*").status_code == 200
    assert api.patch(person, {"name": "Listed"}, if_match='"7", "2"').status_code == 200
    assert Person.objects.get().name == "Listed"


def test_delete_checks_if_match_when_sent(api, person):
    api.patch(person, {"job_title": "SRE"}, if_match='"1"')
    assert (
        api.client.delete(f"/api{person}", headers={**api.headers, "If-Match": '"1"'}).status_code
        == 412
    )
    assert Person.objects.exists()
    assert api.delete(person).status_code == 204


def test_a_404_is_still_404_with_or_without_if_match(api):
    assert api.patch("/orgs/acme/people/999999", {"name": "x"}, if_match=None).status_code == 404
    assert api.patch("/orgs/acme/people/999999", {"name": "x"}, if_match='"1"').status_code == 404


def test_a_change_of_a_reference_is_a_new_version(api, organisation):
    made = api.post("/orgs/acme/departments/", {"name": "Engineering"})
    dept = f"/orgs/acme/departments/{made.json()['id']}"
    api.post("/orgs/acme/people/", {"email": "bo@acme.example", "name": "Bo"})
    changed = api.patch(dept, {"manager": "bo@acme.example"})
    assert changed.status_code == 200 and changed.json()["row_version"] == 2


def test_a_register_with_a_version_column_of_its_own_keeps_it(api_as, organisation):
    """Scope, SoA versions and document versions have a `version` of their own (a label like
    "2.0"); the row version is separate (the first cut overwrote the label: 500 on PATCH)."""
    api = api_as(organisation, top_management=True)
    made = api.post("/orgs/acme/scope/", {"version": "2.0", "statement": "The London office"})
    assert made.status_code == 201, made.content
    path = f"/orgs/acme/scope/{made.json()['id']}"
    changed = api.patch(path, {"boundaries": "The London site"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == "2.0" and changed.json()["row_version"] == 2


def test_a_viewer_is_refused_before_any_precondition(api_as, organisation, person):
    viewer = api_as(organisation, role=Role.VIEWER)
    refused = viewer.patch(person, {"name": "x"}, if_match=None)
    assert refused.status_code == 403, "not 428: the viewer may not change it at all"
