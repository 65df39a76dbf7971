"""The mock audit through the REST API: POST asks for a run (202, queued), the real worker runs
it, the status says how far it got and where the run is, the result is the JSON of
``isms assess --format json`` (validated against its schema), and runs are listed. Same roles
as the pages; another organisation's runs answer 404."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from django_tasks_db.management.commands import db_worker
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.permissions import Role
from isms.core.services import create_api_token
from isms.readiness.engine import run_assessment
from isms.readiness.models import Assessment, AssessmentRequest
from isms.readiness.reports.json import result_to_dict
from isms.readiness.store import save_result
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "assessment.schema.json").read_text())


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    outcome = CliRunner().invoke(app, ["worker", "--batch"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output


def test_a_run_is_asked_for_followed_and_read(
    api_as, organisation, django_capture_on_commit_callbacks
):
    api = api_as(organisation, Role.INTERNAL_AUDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post("/orgs/acme/assessments", {"as_of": "2026-11-30", "stage": 1})
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert body["status"] == "queued" and body["run_id"] is None and body["percent"] == 0
    assert body["status_url"] == f"/api/orgs/acme/assessments/requests/{body['id']}"
    assert (body["as_of"], body["stage"]) == ("2026-11-30", 1)

    run_worker()

    status = api.get(body["status_url"].removeprefix("/api")).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["rules_done"] == status["rules_total"] > 0
    run = Assessment.objects.get()
    assert status["run_id"] == run.pk
    assert status["result_url"] == f"/api/orgs/acme/assessments/{run.pk}"
    result = api.get(status["result_url"].removeprefix("/api"))
    assert result.status_code == 200
    jsonschema.validate(result.json(), SCHEMA)
    assert result.json()["stage"] == 1 and result.json()["verdict"] == run.verdict
    listed = api.get("/orgs/acme/assessments").json()
    assert [r["id"] for r in listed] == [run.pk] and listed[0]["result_url"] == status["result_url"]


def test_the_result_is_the_json_isms_assess_writes(api_as, organisation):
    api = api_as(organisation, Role.VIEWER)
    result = run_assessment(organisation, dt.date(2026, 11, 30), 2)
    stored = save_result(result)
    answer = api.get(f"/orgs/acme/assessments/{stored.pk}").json()
    assert answer == json.loads(json.dumps(result_to_dict(result)))


def test_bad_input_is_422_and_nothing_is_queued(api_as, organisation):
    api = api_as(organisation, Role.ISMS_MANAGER)
    for body in ({"stage": 3}, {"as_of": "30/11/2026"}, {"as_of": "0001-01-01"}):
        assert api.post("/orgs/acme/assessments", body).status_code == 422, body
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR])
def test_roles_that_may_not_run_an_audit_get_403_but_may_read(api_as, organisation, role):
    api = api_as(organisation, role)
    refused = api.post("/orgs/acme/assessments", {"stage": 2})
    assert refused.status_code == 403 and "may not run_assessment" in refused.json()["detail"]
    assert not AssessmentRequest.objects.exists()
    assert api.get("/orgs/acme/assessments").status_code == 200


def test_a_read_only_token_cannot_ask_for_a_run(organisation, make_member):
    user, _ = make_member(organisation, Role.OWNER)
    _, token = create_api_token(user, "reader", read_only=True)
    assert ApiClient(token).post("/orgs/acme/assessments", {}).status_code == 403


def test_a_failed_run_reports_its_message(api_as, organisation):
    api = api_as(organisation, Role.VIEWER)
    failed = AssessmentRequest.objects.create(
        organisation=organisation,
        as_of=dt.date(2026, 11, 30),
        stage=2,
        status="failed",
        error="The mock audit could not be completed (RuntimeError: the disk is full).",
    )
    status = api.get(f"/orgs/acme/assessments/requests/{failed.pk}").json()
    assert status["status"] == "failed" and "the disk is full" in status["error"]
    assert status["run_id"] is None


def test_another_organisations_runs_answer_404(api_as, organisation, other_organisation):
    api = api_as(organisation, Role.OWNER)
    theirs = save_result(run_assessment(other_organisation, dt.date(2026, 11, 30), 1))
    request = AssessmentRequest.objects.create(
        organisation=other_organisation, as_of=dt.date(2026, 11, 30), stage=1
    )
    assert api.get(f"/orgs/acme/assessments/{theirs.pk}").status_code == 404
    assert api.get(f"/orgs/acme/assessments/requests/{request.pk}").status_code == 404
    assert api.get("/orgs/globex/assessments").status_code == 404
    assert api.post("/orgs/globex/assessments", {}).status_code == 404
    assert AssessmentRequest.objects.count() == 1


def test_the_list_is_paged_in_bounded_queries(api_as, organisation, django_assert_max_num_queries):
    api = api_as(organisation, Role.VIEWER)
    run = save_result(run_assessment(organisation, dt.date(2026, 11, 30), 1))
    fields = {
        f.name: getattr(run, f.name)
        for f in Assessment._meta.concrete_fields
        if f.name not in ("id", "organisation")
    }
    Assessment.objects.bulk_create(
        Assessment(organisation=organisation, **fields) for _ in range(500)
    )
    with django_assert_max_num_queries(8):
        page = api.get("/orgs/acme/assessments", limit=200, offset=100)
    assert page.status_code == 200 and len(page.json()) == 200
    assert api.get("/orgs/acme/assessments", limit=0).status_code == 422
