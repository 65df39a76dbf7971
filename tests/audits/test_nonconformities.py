"""The NC workflow's states: planning needs analysis, verification needs independence and time,
closure happens only through an effective check."""

import datetime as dt

import pytest

from isms.audits.models import Nonconformity
from isms.audits.nonconformities import (
    TransitionRefused,
    mark_implemented,
    next_ref,
    plan_action,
    verify,
)
from isms.people.models import Person

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 1)


@pytest.fixture
def people(organisation):
    return {
        name: Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
        for name in ("owner", "auditor")
    }


@pytest.fixture
def nc(organisation):
    return Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-2026-001",
        source="internal_audit",
        grade="minor",
        raised_on=DAY,
        description="Leavers kept access",
    )


def plan(nc, people, **overrides):
    values = {
        "root_cause": "HR notices never reach system owners",
        "corrective_action": "Leaver workflow opens a ticket per system owner",
        "process_changed": "Leaver process PRO-002",
        "owner": people["owner"],
        "due_on": dt.date(2026, 8, 1),
        **overrides,
    }
    return plan_action(nc, **values)


def test_full_cycle_to_closure(nc, people):
    plan(nc, people)
    assert nc.status == "action_planned"
    mark_implemented(nc, dt.date(2026, 7, 1))
    assert nc.status == "verifying"
    verify(nc, checked_by=people["auditor"], on=dt.date(2026, 8, 15), effective=True)
    nc.refresh_from_db()
    assert (nc.status, nc.closed_on, nc.effective) == ("closed", dt.date(2026, 8, 15), True)
    assert nc.history.count() == 4


def test_not_effective_reopens_the_plan(nc, people):
    plan(nc, people)
    mark_implemented(nc, dt.date(2026, 7, 1))
    verify(nc, checked_by=people["auditor"], on=dt.date(2026, 8, 15), effective=False)
    assert (nc.status, nc.closed_on, nc.implemented_on) == ("action_planned", None, None)


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"root_cause": " "}, "root cause"),
        ({"corrective_action": ""}, "corrective action"),
        ({"process_changed": ""}, "process changed"),
        ({"owner": None}, "owner"),
    ],
)
def test_a_plan_without_analysis_is_refused(nc, people, overrides, missing):
    with pytest.raises(TransitionRefused, match=missing):
        plan(nc, people, **overrides)
    nc.refresh_from_db()
    assert nc.status == "open"


def test_closure_is_blocked_without_implementation_and_check(nc, people):
    with pytest.raises(TransitionRefused, match="is open; the effectiveness check needs"):
        verify(nc, checked_by=people["auditor"], on=dt.date(2026, 9, 1), effective=True)
    plan(nc, people)
    with pytest.raises(TransitionRefused, match="awaiting effectiveness check"):
        verify(nc, checked_by=people["auditor"], on=dt.date(2026, 9, 1), effective=True)
    assert Nonconformity.objects.get().status == "action_planned"


def test_the_owner_cannot_verify_their_own_action(nc, people):
    plan(nc, people)
    mark_implemented(nc, dt.date(2026, 7, 1))
    with pytest.raises(TransitionRefused, match="owns the corrective action"):
        verify(nc, checked_by=people["owner"], on=dt.date(2026, 9, 1), effective=True)
    assert Nonconformity.objects.get().status == "verifying"


def test_effectiveness_is_judged_only_after_the_delay(nc, people):
    plan(nc, people)
    mark_implemented(nc, dt.date(2026, 7, 1))
    with pytest.raises(TransitionRefused, match="can be judged from 2026-07-31"):
        verify(nc, checked_by=people["auditor"], on=dt.date(2026, 7, 10), effective=True)


def test_implemented_before_raised_is_refused(nc, people):
    plan(nc, people)
    with pytest.raises(TransitionRefused, match="before it was raised"):
        mark_implemented(nc, dt.date(2026, 1, 1))


def test_refs_are_numbered_per_year(organisation, nc):
    assert next_ref(organisation, 2026) == "NC-2026-002"
    assert next_ref(organisation, 2027) == "NC-2027-001"


def test_workflow_dates_cannot_be_in_the_future(nc, people):
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    plan(nc, people)
    with pytest.raises(TransitionRefused, match=r"implemented on .*a date after today"):
        mark_implemented(nc, tomorrow)
    mark_implemented(nc, dt.date(2026, 7, 1))
    later = max(tomorrow, dt.date(2026, 7, 31) + dt.timedelta(days=1))
    with pytest.raises(TransitionRefused, match=r"effectiveness checked on .*a date after today"):
        verify(nc, checked_by=people["auditor"], on=later, effective=True)
    nc.refresh_from_db()
    assert (nc.status, nc.effectiveness_checked_on) == ("verifying", None)
