"""Mock audits run in the background: a request is queued, the django-tasks database worker runs
it (for real: ``isms worker --batch``), the run is stored as ``isms assess`` stores it, progress
is recorded as the rules go, and a failure is a readable message. A stored run reads back as the
same report."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.permissions import Role
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from isms.readiness import engine
from isms.readiness.engine import run_assessment
from isms.readiness.models import Assessment, AssessmentRequest
from isms.readiness.registry import all_rules
from isms.readiness.reports.json import result_to_dict
from isms.readiness.store import save_result
from isms.readiness.stored import extent_of, result_of
from isms.readiness.tasks import request_assessment, settled
from tests.examples.test_expected_findings import ORGANISATIONS

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 30)
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "assessment.schema.json").read_text())


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """The worker checks for stale connections between tasks; inside a test's transaction that
    would throw the transaction away, so the test keeps its connection (as schema fuzz does)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def acme(organisation):
    import_sheets(organisation, read_path(ORGANISATIONS["acme"][1]))
    return organisation


def run_worker() -> str:
    """``isms worker --batch``: run every queued task, then stop."""
    outcome = CliRunner().invoke(app, ["worker", "--batch"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def queue(organisation, user, stage=2, as_of=AS_OF, capture=None):
    with capture(execute=True):
        return request_assessment(organisation, as_of, stage, user)


def test_a_queued_mock_audit_is_run_by_the_worker_and_stored_like_isms_assess(
    acme, make_member, django_capture_on_commit_callbacks
):
    user, _ = make_member(acme, Role.INTERNAL_AUDITOR)
    request = queue(acme, user, capture=django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.status == "queued" and request.task_id
    assert DBTaskResult.objects.filter(pk=request.task_id, status="READY").exists()
    assert not Assessment.objects.exists(), "nothing runs before the worker does"

    run_worker()

    request.refresh_from_db()
    assert request.status == "done", request.error
    assert request.rules_done == request.rules_total == len(engine.select_rules(2))
    assert request.percent == 100 and request.started_at and request.finished_at
    stored = request.assessment
    assert stored.run_by == user and stored.as_of == AS_OF and stored.stage == 2
    expected = run_assessment(acme, AS_OF, 2)
    assert (stored.majors, stored.minors, stored.ofis) == tuple(expected.counts.values())
    assert stored.verdict == expected.verdict
    assert sorted(stored.findings.filter(grouped_in=None).values_list("key", flat=True)) == sorted(
        f.key for f in expected.findings
    )
    assert DBTaskResult.objects.get(pk=request.task_id).status == "SUCCESSFUL"


def test_progress_is_recorded_every_few_rules_while_the_engine_runs(
    organisation, make_member, django_capture_on_commit_callbacks, monkeypatch
):
    """The engine reports each rule; the request is updated a bounded number of times, and a
    page polling it in the middle of the run sees a count between 0 and the total."""
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    request = queue(organisation, user, stage=1, capture=django_capture_on_commit_callbacks)
    seen = []
    real = engine.run_assessment

    def watched(*args, progress=None, **kwargs):
        def spy(done, total):
            progress(done, total)
            seen.append(AssessmentRequest.objects.get(pk=request.pk).rules_done)

        return real(*args, progress=spy, **kwargs)

    monkeypatch.setattr("isms.readiness.tasks.run_assessment", watched)
    run_worker()
    total = len(engine.select_rules(1))
    assert len(seen) == total
    assert 0 < len(set(seen)) <= 22, "written about 20 times, not once per rule"
    assert any(0 < value < total for value in seen), "progress shows mid-run"
    request.refresh_from_db()
    assert request.status == "done" and request.rules_done == total


def test_a_failed_run_records_a_readable_error_and_stores_nothing(
    organisation, make_member, django_capture_on_commit_callbacks, monkeypatch
):
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    request = queue(organisation, user, capture=django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full\n  File '/srv/isms/engine.py', line 3")

    monkeypatch.setattr("isms.readiness.tasks.save_result", broken)
    run_worker()
    request.refresh_from_db()
    assert request.status == "failed" and request.finished_at
    assert "could not be completed (RuntimeError: the disk is full)" in request.error
    assert "File" not in request.error and "Traceback" not in request.error
    assert not Assessment.objects.exists()


def test_a_run_whose_worker_stopped_midway_reads_as_failed(
    organisation, make_member, django_capture_on_commit_callbacks, monkeypatch
):
    """A second Ctrl+C stops the worker inside the task (SystemExit, which the task does not
    catch): django-tasks records the task failed, and the request reads as failed, not as
    running for ever."""
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    request = queue(organisation, user, capture=django_capture_on_commit_callbacks)

    def forced_stop(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr("isms.readiness.tasks.run_assessment", forced_stop)
    run_worker()
    request.refresh_from_db()
    assert request.status == "running"
    assert DBTaskResult.objects.get(pk=request.task_id).status == "FAILED"
    settled(request)
    assert request.status == "failed" and "worker stopped before" in request.error
    assert not Assessment.objects.exists()


def test_a_run_whose_worker_was_killed_outright_reads_as_failed_after_a_while(
    organisation, make_member, django_capture_on_commit_callbacks
):
    """SIGKILL leaves the task "running" in the queue for ever; after STALLED_AFTER the request
    reads as failed with a reason, and before that it is still running."""
    from django.utils import timezone

    from isms.readiness.tasks import STALLED_AFTER

    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    request = queue(organisation, user, capture=django_capture_on_commit_callbacks)
    request.refresh_from_db()
    DBTaskResult.objects.filter(pk=request.task_id).update(status="RUNNING")
    started = timezone.now() - dt.timedelta(minutes=10)
    AssessmentRequest.objects.filter(pk=request.pk).update(status="running", started_at=started)
    request.refresh_from_db()
    assert settled(request).status == "running", "ten minutes in: still running"
    long_ago = timezone.now() - STALLED_AFTER - dt.timedelta(minutes=1)
    AssessmentRequest.objects.filter(pk=request.pk).update(started_at=long_ago)
    request.refresh_from_db()
    settled(request)
    assert request.status == "failed" and "worker was probably stopped" in request.error
    assert request.finished_at is not None and not Assessment.objects.exists()


def test_a_request_already_taken_is_not_run_twice(
    organisation, make_member, django_capture_on_commit_callbacks
):
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    request = queue(organisation, user, capture=django_capture_on_commit_callbacks)
    AssessmentRequest.objects.filter(pk=request.pk).update(status="running")
    run_worker()
    assert not Assessment.objects.exists()


def test_the_engine_reports_progress_after_every_rule_even_a_broken_one(organisation):
    calls = []
    rules = engine.select_rules(2)
    run_assessment(organisation, AS_OF, 2, progress=lambda done, total: calls.append(done))
    assert calls == list(range(1, len(rules) + 1)) and len(rules) == len(
        [r for r in all_rules() if r.stage <= 2]
    )


@pytest.mark.parametrize("example", sorted(ORGANISATIONS))
@pytest.mark.parametrize("stage", [1, 2])
def test_a_stored_run_reads_back_as_the_report_isms_assess_writes(organisation, example, stage):
    """Every example organisation (ownership majors, credited issues, patterns, advisories)."""
    import_sheets(organisation, read_path(ORGANISATIONS[example][1]))
    result = run_assessment(organisation, AS_OF, stage)
    stored = save_result(result)
    original = result_to_dict(result)
    again = result_to_dict(result_of(stored))
    jsonschema.validate(again, SCHEMA)
    assert again == original


def test_extents_read_back_from_their_text():
    assert extent_of("3 of 93 SoA entries") == engine.Extent(3, 93, "SoA entries")
    assert extent_of("4 risks") == engine.Extent(4, None, "risks")
    assert extent_of("1 supplier") == engine.Extent(1, None, "suppliers")
