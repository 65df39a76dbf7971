"""An NC is not closed as effective while the mock audit still sees the problem it was raised
for (an NC about leavers' accounts closed while an account was still active)."""

import datetime as dt

import pytest

from isms.audits.models import Nonconformity
from isms.audits.nonconformities import TransitionRefused
from isms.controls.models import SoAEntry
from isms.loop.nonconformities import verify_closing
from isms.people.models import Person
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db
CHECKED = dt.date(2026, 9, 1)


@pytest.fixture
def waiting(organisation):
    """An NC raised for the SoA exclusions issue, implemented and waiting for its check."""
    people = {
        name: Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
        for name in ("owner", "auditor")
    }
    full_soa(organisation, **{"7.4": {"applicable": False}})
    nc = Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-2026-001",
        source="mock_audit",
        grade="minor",
        finding_code="SOA002",
        raised_on=dt.date(2026, 6, 1),
        description="Exclusions without justification",
        root_cause="No SoA review",
        corrective_action="SoA reviewed at every change",
        process_changed="SoA maintenance",
        owner=people["owner"],
        due_on=dt.date(2026, 7, 31),
        implemented_on=dt.date(2026, 7, 15),
        status="verifying",
    )
    return nc, people["auditor"]


def test_closing_is_refused_while_the_problem_is_present(waiting):
    nc, auditor = waiting
    with pytest.raises(TransitionRefused, match=r"still present on 2026-09-01: SoA 7\.4"):
        verify_closing(nc, checked_by=auditor, on=CHECKED, effective=True)
    nc.refresh_from_db()
    assert nc.status == "verifying"
    # Not effective can always be recorded: it re-opens the plan.
    verify_closing(nc, checked_by=auditor, on=CHECKED, effective=False)
    assert nc.status == "action_planned"


def test_closing_goes_through_once_the_problem_is_gone(waiting):
    nc, auditor = waiting
    SoAEntry.objects.filter(control__ref="7.4").update(justification="No site of our own")
    verify_closing(nc, checked_by=auditor, on=CHECKED, effective=True)
    nc.refresh_from_db()
    assert (nc.status, nc.effective, nc.closed_on) == ("closed", True, CHECKED)
