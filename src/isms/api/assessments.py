"""The mock audit over HTTP: ask for a run (queued for the background worker), follow its status,
read a stored run's result (the JSON of ``isms assess --format json``) and list the runs.

Runs are queued through readiness/tasks.py, exactly as the browser's "Run a mock audit" form
does, and results are rendered by the same JSON renderer as the CLI from the stored run."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.core.permissions import Action
from isms.readiness.models import Assessment, AssessmentRequest
from isms.readiness.reports.json import result_to_dict
from isms.readiness.stored import result_of
from isms.readiness.tasks import request_assessment, settled

router = Router(tags=["Mock audit"])
ERRORS = {403: Message, 404: Message, 422: Message}
#: Runs listed per page at most.
MAX_LIMIT = 200


class AssessmentIn(Schema):
    as_of: SaneDate | None = Field(None, description="The audit date; default today.")
    stage: Literal[1, 2] = Field(2, description="1 = documents and readiness; 2 = implementation.")


class RequestStatus(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    as_of: dt.date
    stage: int
    rules_done: int
    rules_total: int
    percent: int = Field(description="How far the rules have got, 0-100.")
    error: str | None = Field(description="Why a failed run failed.")
    status_url: str
    run_id: int | None = Field(description="The stored run, once done.")
    result_url: str | None
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class RunOut(Schema):
    id: int
    as_of: dt.date
    stage: int
    run_at: dt.datetime
    verdict: str
    conformity_percent: int
    majors: int
    minors: int
    ofis: int
    result_url: str


class RunsQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10**9)


def _status_url(slug: str, pk: int) -> str:
    return reverse("api:assessment_request", kwargs={"org": slug, "request_id": pk})


def _result_url(slug: str, pk: int) -> str:
    return reverse("api:assessment_result", kwargs={"org": slug, "run_id": pk})


def _status(slug: str, run: AssessmentRequest) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "as_of": run.as_of,
        "stage": run.stage,
        "rules_done": run.rules_done,
        "rules_total": run.rules_total,
        "percent": run.percent,
        "error": run.error or None,
        "status_url": _status_url(slug, run.pk),
        "run_id": run.assessment_id,
        "result_url": _result_url(slug, run.assessment_id) if run.assessment_id else None,
        "requested_at": run.requested_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


@router.post(
    "/orgs/{org}/assessments",
    response={202: RequestStatus, **ERRORS},
    summary="Run a mock audit in the background (202: queued; follow status_url)",
    operation_id="assessments_run",
)
def run_assessment_later(request, org: str, payload: AssessmentIn):
    organisation = organisation_for(request, org, Action.RUN_ASSESSMENT)
    as_of = payload.as_of or dt.date.today()
    run = request_assessment(organisation, as_of, payload.stage, request.user)
    run.refresh_from_db()
    return Status(202, _status(organisation.slug, run))


@router.get(
    "/orgs/{org}/assessments/requests/{request_id}",
    response={200: RequestStatus, **ERRORS},
    summary="Status of a mock audit asked for: queued, running, done (with the run) or failed",
    operation_id="assessments_status",
    url_name="assessment_request",
)
def request_status(request, org: str, request_id: int):
    organisation = organisation_for(request, org, Action.VIEW)
    run = AssessmentRequest.objects.filter(organisation=organisation, pk=request_id).first()
    if run is None:
        raise Http404("no such mock audit request")
    return _status(organisation.slug, settled(run))


@router.get(
    "/orgs/{org}/assessments",
    response={200: list[RunOut], **ERRORS},
    summary="Stored mock-audit runs, newest first",
    operation_id="assessments_list",
)
def list_runs(request, org: str, page: Query[RunsQuery]):
    organisation = organisation_for(request, org, Action.VIEW)
    runs = Assessment.objects.filter(organisation=organisation).only(
        "pk", "as_of", "stage", "run_at", "verdict", "score", "majors", "minors", "ofis"
    )[page.offset : page.offset + page.limit]
    return [
        {
            "id": run.pk,
            "as_of": run.as_of,
            "stage": run.stage,
            "run_at": run.run_at,
            "verdict": run.verdict,
            "conformity_percent": run.score,
            "majors": run.majors,
            "minors": run.minors,
            "ofis": run.ofis,
            "result_url": _result_url(organisation.slug, run.pk),
        }
        for run in runs
    ]


@router.get(
    "/orgs/{org}/assessments/{run_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="A stored run's result: the JSON of isms assess --format json "
    "(docs/assessment.schema.json)",
    operation_id="assessments_result",
    url_name="assessment_result",
)
def run_result(request, org: str, run_id: int):
    organisation = organisation_for(request, org, Action.VIEW)
    run = Assessment.objects.filter(organisation=organisation, pk=run_id).first()
    if run is None:
        raise Http404("no such mock audit")
    return result_to_dict(result_of(run))
