import pytest

from isms.core.permissions import Role
from isms.people.models import Department, Person
from isms.risk.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, organisation):
    return api_as(organisation)


def test_create_list_get_update_delete_a_person(api, organisation):
    created = api.post("/orgs/acme/departments/", {"name": "Engineering", "manager": None})
    assert created.status_code == 201, created.content
    response = api.post(
        "/orgs/acme/people/",
        {"email": "ann@acme.example", "name": "Ann", "department": "Engineering"},
    )
    assert response.status_code == 201, response.content
    person = response.json()
    assert person["department"] == "Engineering" and person["kind"] == "employee"

    listing = api.get("/orgs/acme/people/", department="Engineering").json()
    assert listing["count"] == 1 and listing["items"][0]["email"] == "ann@acme.example"
    assert api.get("/orgs/acme/people/", department="Sales").json()["count"] == 0

    patched = api.patch(f"/orgs/acme/people/{person['id']}", {"job_title": "SRE"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["job_title"] == "SRE"
    assert patched.json()["department"] == "Engineering", "PATCH keeps other fields"

    replaced = api.put(
        f"/orgs/acme/people/{person['id']}", {"email": "ann@acme.example", "name": "Ann B"}
    )
    assert replaced.json()["department"] is None, "PUT replaces the whole record"

    stored = Person.objects.get(pk=person["id"])
    assert stored.history.first().history_user == api.user

    assert api.delete(f"/orgs/acme/people/{person['id']}").status_code == 204
    assert not Person.objects.filter(pk=person["id"]).exists()


def test_validation_errors_name_the_field(api):
    response = api.post(
        "/orgs/acme/risks/",
        {
            "ref": "R-1",
            "title": "x",
            "likelihood": 3,
            "impact": 2,
            "treatment": "modify",
            "controls": ["8.8", "9.99"],
            "owner": "ghost@acme.example",
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "controls"],
                "msg": "unknown Annex A control '9.99' (not in the catalogue)",
            },
            {
                "loc": ["body", "owner"],
                "msg": "unknown person 'ghost@acme.example' "
                "(not in the People sheet or the database)",
            },
        ]
    }
    assert not Risk.objects.exists()


def test_schema_errors_are_422(api):
    response = api.post("/orgs/acme/risks/", {"ref": "R-1", "treatment": "pray"})
    assert response.status_code == 422
    response = api.post("/orgs/acme/departments/", {"name": "Ops", "colour": "blue"})
    assert response.status_code == 422


def test_links_are_lists_and_scores_computed(api):
    response = api.post(
        "/orgs/acme/risks/",
        {
            "ref": "R-1",
            "title": "Laptop theft",
            "likelihood": 3,
            "impact": 4,
            "treatment": "modify",
            "controls": ["8.1", "7.9"],
        },
    )
    assert response.status_code == 201, response.content
    risk = response.json()
    assert risk["controls"] == ["7.9", "8.1"]
    assert risk["inherent_score"] == 12


def test_duplicate_key_is_409_and_key_change_refused(api):
    first = api.post("/orgs/acme/departments/", {"name": "Ops"}).json()
    assert api.post("/orgs/acme/departments/", {"name": "Ops"}).status_code == 409
    response = api.put(f"/orgs/acme/departments/{first['id']}", {"name": "Operations"})
    assert response.status_code == 422
    assert "key columns cannot be changed" in response.json()["detail"][0]["msg"]


def test_delete_of_a_referenced_record_is_409(api, organisation):
    department = Department.objects.create(organisation=organisation, name="Ops")
    Person.objects.create(
        organisation=organisation, email="a@x.example", name="A", department=department
    )
    response = api.delete(f"/orgs/acme/departments/{department.pk}")
    assert response.status_code == 409
    assert "person" in response.json()["detail"]


def test_another_organisations_record_is_404(api, api_as, other_organisation):
    theirs = Department.objects.create(organisation=other_organisation, name="Secret lab")
    assert api.get(f"/orgs/acme/departments/{theirs.pk}").status_code == 404
    assert api.delete(f"/orgs/acme/departments/{theirs.pk}").status_code == 404
    assert api.patch(f"/orgs/acme/departments/{theirs.pk}", {"manager": None}).status_code == 404
    assert api.get("/orgs/globex/departments/").status_code == 404, "not a member"
    assert Department.objects.filter(pk=theirs.pk).exists()


def test_roles_are_enforced(api_as, organisation):
    viewer = api_as(organisation, Role.VIEWER)
    assert viewer.get("/orgs/acme/departments/").status_code == 200
    response = viewer.post("/orgs/acme/departments/", {"name": "Ops"})
    assert response.status_code == 403
    assert "may not edit_registers" in response.json()["detail"]
    contributor = api_as(organisation, Role.CONTRIBUTOR)
    created = contributor.post("/orgs/acme/departments/", {"name": "Ops"}).json()
    assert contributor.delete(f"/orgs/acme/departments/{created['id']}").status_code == 403


def test_no_or_bad_token_is_401(client):
    assert client.get("/api/orgs/").status_code == 401
    response = client.get("/api/orgs/", headers={"Authorization": "Bearer isms_wrong"})
    assert response.status_code == 401


def test_my_organisations(api):
    assert api.get("/orgs/").json() == [
        {"slug": "acme", "name": "Acme Ltd", "role": "isms_manager", "top_management": False}
    ]


def test_paging_and_bad_filters(api, organisation):
    for index in range(5):
        Department.objects.create(organisation=organisation, name=f"Dept {index}")
    page = api.get("/orgs/acme/departments/", limit=2, offset=2).json()
    assert (page["count"], [d["name"] for d in page["items"]]) == (5, ["Dept 2", "Dept 3"])
    assert api.get("/orgs/acme/departments/", limit=0).status_code == 422
    response = api.get("/orgs/acme/risks/", likelihood="high")
    assert response.status_code == 422


def test_openapi_documents_every_register(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/orgs/{org}/suppliers/" in spec["paths"]
    schema = spec["components"]["schemas"]["SupplierIn"]
    assert set(schema["required"]) >= {"name", "service", "tier", "data_access"}


def test_a_links_filter_is_parsed_like_a_cell(api, organisation):
    """Found by schemathesis on PostgreSQL: a NUL in a links filter was a 500."""
    refused = api.get("/orgs/acme/documents/", clauses="5.2\x00x")
    assert refused.status_code == 422, refused.content
    assert api.get("/orgs/acme/documents/", clauses="5.2").status_code == 200
