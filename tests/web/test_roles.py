"""The role matrix on the pages that exist: each role sees the controls of the actions it may
take and no others, and a forged request for an action it may not take gets 403 with nothing
written. Anonymous requests go to sign-in; anonymous API calls get 401.

The expected matrix is written out here (as docs/administration.md states it) rather than read
from core/permissions.py, so that a change of the rules shows up as a failing test."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from isms.audits.models import Nonconformity
from isms.core.permissions import Role
from isms.people.models import Person
from isms.readiness.models import Assessment, AssessmentFinding

pytestmark = pytest.mark.django_db

#: role -> (may edit register records, may delete records, may run the mock audit and
#: manage nonconformities)
MATRIX = {
    Role.OWNER: (True, True, True),
    Role.ISMS_MANAGER: (True, True, True),
    Role.INTERNAL_AUDITOR: (False, False, True),
    Role.CONTRIBUTOR: (True, False, False),
    Role.VIEWER: (False, False, False),
}
REGISTER = "/orgs/acme/registers/people/"


@pytest.fixture
def person(organisation):
    return Person.objects.create(
        organisation=organisation, email="ann@acme.example", name="Ann", job_title="Engineer"
    )


@pytest.fixture
def run(organisation):
    return Assessment.objects.create(
        organisation=organisation,
        as_of=dt.date(2026, 11, 30),
        stage=2,
        run_at=timezone.now(),
        verdict="recommended",
        score=90,
        majors=0,
        minors=0,
        ofis=0,
        profile={},
        rule_versions={},
    )


@pytest.fixture
def finding(run):
    return AssessmentFinding.objects.create(
        assessment=run,
        key="DOC001",
        code="DOC001",
        name="no-information-security-policy",
        grade="major",
        reference="5.2",
        subject_key="policy",
        subject_type="Issue",
        title="No information security policy",
        statement="No policy is on record.",
        evidence=[],
        stage=1,
        detail="",
        recommendation="",
    )


def _client_as(make_member, organisation, role):
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", list(MATRIX), ids=str)
def test_each_role_sees_only_the_controls_it_may_use(
    role, make_member, organisation, person, run, finding
):
    may_edit, may_delete, may_raise = MATRIX[role]
    client = _client_as(make_member, organisation, role)
    record = f"{REGISTER}{person.pk}/"
    listing = client.get(REGISTER).content.decode()
    detail = client.get(record).content.decode()
    assert "ann@acme.example" in listing and "ann@acme.example" in detail, "every role reads"
    assert (f'href="{REGISTER}new/"' in listing) is may_edit
    assert (f'href="{record}edit/"' in detail) is may_edit
    assert (f'href="{record}delete/"' in detail) is may_delete
    findings = client.get(f"/orgs/acme/audits/{run.pk}/")
    assert findings.status_code == 200, "every role reads a mock audit's findings"
    one = client.get(f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/")
    assert one.status_code == 200 and "No policy is on record." in one.content.decode()
    assert (f'findings/{finding.pk}/raise/"' in one.content.decode()) is may_raise
    runs = client.get("/orgs/acme/audits/").content.decode()
    assert ("Run a mock audit" in runs) is may_raise
    for page, allowed in [(f"{REGISTER}new/", may_edit), (f"{record}edit/", may_edit)]:
        assert client.get(page).status_code == (200 if allowed else 403), page
    assert client.get(f"{record}delete/").status_code == (200 if may_delete else 403)


@pytest.mark.parametrize("role", list(MATRIX), ids=str)
def test_a_forged_post_for_an_action_the_role_lacks_is_403_and_writes_nothing(
    role, make_member, organisation, person, run, finding
):
    may_edit, may_delete, may_raise = MATRIX[role]
    client = _client_as(make_member, organisation, role)
    record = f"{REGISTER}{person.pk}/"
    new = {"email": "forged@acme.example", "name": f"Forged by {role}"}
    created = client.post(f"{REGISTER}new/", new)
    assert (created.status_code == 403) is not may_edit, created.status_code
    assert Person.objects.filter(email=new["email"]).exists() is may_edit
    edited = client.post(f"{record}edit/", {"row_version": "1", "name": "Ann", "job_title": "X"})
    assert (edited.status_code == 403) is not may_edit, edited.status_code
    person.refresh_from_db()
    assert (person.job_title == "X") is may_edit
    deleted = client.post(f"{record}delete/")
    assert (deleted.status_code == 403) is not may_delete, deleted.status_code
    assert Person.objects.filter(pk=person.pk).exists() is not may_delete
    raised = client.post(f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/raise/")
    assert (raised.status_code == 403) is not may_raise, raised.status_code
    assert Nonconformity.objects.filter(organisation=organisation).exists() is may_raise
    started = client.post("/orgs/acme/audits/", {"as_of": "2026-11-30", "stage": "2"})
    assert (started.status_code == 403) is not may_raise, started.status_code


def test_anonymous_requests_go_to_sign_in(client, organisation, person, run):
    record = f"{REGISTER}{person.pk}/"
    for path in [
        "/",
        "/account/",
        "/account/two-factor/",
        "/orgs/acme/",
        "/orgs/acme/settings/",
        "/orgs/acme/registers/",
        REGISTER,
        record,
        f"{record}edit/",
        f"{REGISTER}new/",
        f"{record}delete/",
        f"/orgs/acme/audits/{run.pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"/login/?next={path}", path
    forged = client.post(f"{record}delete/")
    assert forged.status_code == 302 and forged["Location"].startswith("/login/")
    assert Person.objects.filter(pk=person.pk).exists()


def test_anonymous_api_requests_get_401(client, organisation, person):
    response = client.get("/api/orgs/acme/people/")
    assert response.status_code == 401
    assert "ann@acme.example" not in response.content.decode()
