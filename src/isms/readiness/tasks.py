"""Mock audits run in the background (django-tasks, database backend; ``isms worker`` runs them).

The browser and the API ask for a run with :func:`request_assessment`, which records an
:class:`~isms.readiness.models.AssessmentRequest` and queues :func:`run_requested_assessment`.
The worker runs the same engine and stores the run with the same function as ``isms assess``
(``run_assessment`` then ``save_result``), recording progress on the request every few rules so
that a page or a client polling the status can show it.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from isms.core.actor import acting_as
from isms.readiness.engine import run_assessment
from isms.readiness.models import AssessmentRequest
from isms.readiness.store import save_result

logger = logging.getLogger(__name__)

#: Progress is written to the database about this many times per run, whatever the rule count.
PROGRESS_WRITES = 20
#: What a user reads when a run fails (the traceback goes to the worker's log only).
FAILED = "The mock audit could not be completed ({reason}). Nothing was stored; try again, and if it fails again, ask your administrator to look at the worker's log."  # noqa: E501


def request_assessment(organisation, as_of, stage: int, user) -> AssessmentRequest:
    """Record a request for a mock audit of ``organisation`` and queue it for the worker.

    The caller has checked the user may run one (Action.RUN_ASSESSMENT). The task is queued
    once the request is committed, so the worker never looks for a request it cannot see."""
    run = AssessmentRequest.objects.create(
        organisation=organisation, as_of=as_of, stage=stage, requested_by=user
    )

    def enqueue():
        result = run_requested_assessment.enqueue(run.pk)
        # An immediate backend has already run it; only record the id if nothing else did.
        AssessmentRequest.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return run


@task()
def run_requested_assessment(request_id: int) -> int | None:
    """Run the mock audit a request asks for and store it; returns the stored run's id."""
    claimed = AssessmentRequest.objects.filter(
        pk=request_id, status=AssessmentRequest.Status.QUEUED
    ).update(status=AssessmentRequest.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        logger.warning("assessment request %s is not queued any more; skipped", request_id)
        return None
    request = AssessmentRequest.objects.select_related("organisation", "requested_by").get(
        pk=request_id
    )
    try:
        with acting_as(request.requested_by):
            result = run_assessment(
                request.organisation,
                request.as_of,
                request.stage,
                progress=_progress_recorder(request_id),
            )
            stored = save_result(result, request.requested_by, {"select": None, "ignore": None})
    except Exception as error:
        logger.exception("mock audit for request %s failed", request_id)
        AssessmentRequest.objects.filter(pk=request_id).update(
            status=AssessmentRequest.Status.FAILED,
            error=FAILED.format(reason=_reason(error)),
            finished_at=timezone.now(),
        )
        return None
    AssessmentRequest.objects.filter(pk=request_id).update(
        status=AssessmentRequest.Status.DONE,
        assessment=stored,
        rules_done=len(result.rules_run),
        rules_total=len(result.rules_run),
        finished_at=timezone.now(),
    )
    return stored.pk


#: What a user reads when the worker stopped in the middle of a run (shut down, killed).
INTERRUPTED = "The background worker stopped before the mock audit finished, so nothing was stored. Run it again."  # noqa: E501


#: What a user reads when a run has shown no result long after it started: its worker was
#: killed outright (the task queue still says running).
STALLED = (
    "The mock audit has not finished {hours} hours after it started: its background worker "
    "was probably stopped. Nothing was stored. Run it again."
)
#: After this long a running request is taken for dead. A mock audit of the largest
#: organisation takes minutes; this is far beyond any real run.
STALLED_AFTER = dt.timedelta(hours=2)


def settled(request: AssessmentRequest) -> AssessmentRequest:
    """``request``, marked failed if its task ended without finishing it (the worker was made to
    stop in the middle of the run), or if it has been running for STALLED_AFTER (a worker
    killed outright leaves its task "running" for ever); one query while a request is
    unfinished, none after."""
    if request.finished or not request.task_id:
        return request
    from django_tasks_db.models import DBTaskResult

    error = None
    now = timezone.now()
    if request.started_at and now - request.started_at > STALLED_AFTER:
        error = STALLED.format(hours=int(STALLED_AFTER.total_seconds() // 3600))
    elif DBTaskResult.objects.filter(
        pk=request.task_id, status__in=["FAILED", "SUCCESSFUL"]
    ).exists():
        error = INTERRUPTED
    if error:
        AssessmentRequest.objects.filter(
            pk=request.pk,
            status__in=[AssessmentRequest.Status.QUEUED, AssessmentRequest.Status.RUNNING],
        ).update(status=AssessmentRequest.Status.FAILED, error=error, finished_at=now)
        request.refresh_from_db()
    return request


def _progress_recorder(request_id: int):
    """A progress callback that writes (one UPDATE) only every few rules."""
    last_written = [-1]

    def record(done: int, total: int) -> None:
        step = max(1, -(-total // PROGRESS_WRITES))  # ceiling: at most PROGRESS_WRITES + 2
        if done == total or done - last_written[0] >= step or last_written[0] < 0:
            AssessmentRequest.objects.filter(pk=request_id).update(
                rules_done=done, rules_total=total
            )
            last_written[0] = done

    return record


def _reason(error: Exception) -> str:
    """The kind of failure in a few words, without a traceback or internal paths."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    kind = type(error).__name__
    return f"{kind}: {text[:200]}" if text else kind
