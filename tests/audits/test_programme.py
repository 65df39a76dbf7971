"""The audit programme's own rules: the cycle, overdue audits, the assignment's states,
reproducible draws, storing a sample without duplicates, and the printable checklist."""

import csv
import datetime as dt
import io
import json

import pytest

from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.audits.nonconformities import TransitionRefused
from isms.audits.programme import (
    AssignmentRefused,
    Cycle,
    Line,
    checklist_rows,
    clause_covered,
    default_seed,
    draw,
    is_overdue,
    programme,
    programme_rows,
    render_checklist,
    sample_period,
    set_auditor,
    store_sample,
)
from isms.people.models import Person

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 30)


def audit(organisation, ref, planned_on, status="planned", completed_on=None, **extra):
    return InternalAudit.objects.create(
        organisation=organisation,
        ref=ref,
        title=f"Audit {ref}",
        planned_on=planned_on,
        status=status,
        completed_on=completed_on,
        **extra,
    )


@pytest.fixture
def people(organisation):
    return {
        name: Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
        for name in ("ann", "bob")
    }


def test_the_cycle_is_three_years_to_the_date_plus_a_year_of_plans(organisation):
    cycle = Cycle.ending(DAY)
    assert (cycle.start, cycle.end, cycle.planned_until) == (
        dt.date(2023, 11, 30),
        DAY,
        dt.date(2027, 11, 30),
    )
    for ref, planned in [
        ("IN-START", dt.date(2023, 12, 1)),
        ("OUT-OLD", dt.date(2023, 11, 30)),
        ("IN-AHEAD", dt.date(2027, 11, 30)),
        ("OUT-AHEAD", dt.date(2027, 12, 1)),
    ]:
        audit(organisation, ref, planned)
    audit(organisation, "CANCELLED", dt.date(2026, 1, 5), status="cancelled")
    refs = set(programme(organisation, DAY).values_list("ref", flat=True))
    assert refs == {"IN-START", "IN-AHEAD"}
    with_cancelled = programme(organisation, DAY, with_cancelled=True)
    assert "CANCELLED" in set(with_cancelled.values_list("ref", flat=True))


def test_overdue_means_started_over_30_days_ago_and_not_done(organisation):
    late = audit(organisation, "LATE", dt.date(2026, 10, 30), status="in_progress")
    recent = audit(organisation, "RECENT", dt.date(2026, 10, 31))
    done = audit(organisation, "DONE", dt.date(2026, 6, 1), "completed", dt.date(2026, 6, 20))
    done_late = audit(organisation, "DONE-LATE", dt.date(2026, 6, 1), "completed", DAY)
    dropped = audit(organisation, "DROPPED", dt.date(2026, 1, 1), status="cancelled")
    assert is_overdue(late, DAY) and not is_overdue(recent, DAY)
    assert not is_overdue(done, DAY) and not is_overdue(dropped, DAY)
    assert is_overdue(done_late, DAY - dt.timedelta(days=1)), "its report came after that day"
    rows = {row["ref"]: row for row in programme_rows(organisation, DAY)}
    assert rows["LATE"]["overdue"] and not rows["RECENT"]["overdue"]
    assert rows["DROPPED"]["status"] == "cancelled"


def test_clause_coverage_goes_up_and_down_the_tree():
    assert clause_covered("6.1", {"6"}) and clause_covered("6.1", {"6.1.2"})
    assert not clause_covered("6.1", {"6.2", "6.10"}) and not clause_covered("9.1", {"9.10"})


def test_set_auditor_moves_a_team_member_to_lead(organisation, people):
    ia = audit(organisation, "IA-1", dt.date(2026, 12, 1))
    assert set_auditor(ia, people["ann"], as_lead=False, on=DAY) == (
        "ann@x.example joined the audit team of IA-1"
    )
    assert "already on the audit team" in set_auditor(ia, people["ann"], as_lead=False, on=DAY)
    set_auditor(ia, people["ann"], as_lead=True, on=DAY)
    ia.refresh_from_db()
    assert ia.lead_auditor == people["ann"] and not ia.team.exists()
    with pytest.raises(AssignmentRefused, match="a lead is not also a team member"):
        set_auditor(ia, people["ann"], as_lead=False, on=DAY)
    assert ia.history.count() >= 3, "every change kept in history"


def test_set_auditor_refuses_closed_audits_and_leavers(organisation, people):
    done = audit(organisation, "IA-0", dt.date(2026, 1, 5), "completed", dt.date(2026, 1, 20))
    with pytest.raises(AssignmentRefused, match="IA-0 is completed"):
        set_auditor(done, people["ann"], as_lead=True, on=DAY)
    people["bob"].leave_date = dt.date(2026, 5, 31)
    people["bob"].save()
    ia = audit(organisation, "IA-1", dt.date(2026, 12, 1))
    with pytest.raises(TransitionRefused, match="left the organisation on 2026-05-31"):
        set_auditor(ia, people["bob"], as_lead=False, on=DAY)
    assert set_auditor(ia, people["bob"], as_lead=False, on=dt.date(2026, 5, 31))


def test_draws_are_reproducible_and_independent_per_kind():
    keys = [f"record {n:02d}" for n in range(40)]
    first = draw(keys, 10, 99, "joiner")
    assert first == draw(list(reversed(keys)), 10, 99, "joiner"), "input order does not matter"
    assert len(set(first)) == 10 and set(first) <= set(keys)
    assert draw(keys, 10, 100, "joiner") != first
    assert draw(keys, 10, 99, "leaver") != first
    assert draw(keys, 50, 99, "joiner") == draw(keys, 40, 99, "joiner"), "all when too few"
    assert default_seed("IA-2026-02") == 3788569871, "stable across runs and machines"


def test_the_default_period_is_the_year_before_the_planned_start(organisation):
    ia = audit(organisation, "IA-1", dt.date(2026, 5, 11))
    assert sample_period(ia) == (dt.date(2025, 5, 12), dt.date(2026, 5, 11))
    assert sample_period(ia, since=dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), ia.planned_on)
    with pytest.raises(ValueError, match="after its end"):
        sample_period(ia, since=dt.date(2026, 6, 1))


def test_storing_a_draw_twice_changes_nothing(organisation):
    ia = audit(organisation, "IA-1", dt.date(2026, 12, 1))
    lines = [Line(f"INC-{n}", f"Incident INC-{n}: lessons learned?", "5.27") for n in range(3)]
    first = store_sample(ia, "incident", lines, 5, requested=3, available=8)
    assert (first.added, first.kept, first.removed) == (3, 0, 0)
    again = store_sample(ia, "incident", lines, 5, requested=3, available=8)
    assert (again.added, again.kept, again.removed) == (0, 3, 0)
    assert AuditChecklistItem.objects.filter(audit=ia).count() == 3


def test_a_redraw_keeps_answers_and_hand_added_items(organisation, people):
    ia = audit(organisation, "IA-1", dt.date(2026, 12, 1))
    store_sample(ia, "incident", [Line(f"INC-{n}", "q", "") for n in range(3)], 5, 3, 9)
    AuditChecklistItem.objects.filter(record="INC-0").update(
        result="nonconformity", notes="No lessons learned", checked_by=people["ann"]
    )
    AuditChecklistItem.objects.create(
        organisation=organisation, audit=ia, kind="incident", record="INC-8", question="By hand"
    )
    redraw = store_sample(ia, "incident", [Line("INC-5", "q", "")], 6, 1, 9)
    assert (redraw.added, redraw.kept, redraw.removed) == (1, 0, 2)
    assert sorted(AuditChecklistItem.objects.values_list("record", flat=True)) == [
        "INC-0",
        "INC-5",
        "INC-8",
    ]


def test_the_checklist_prints_as_markdown_csv_and_json(organisation, people):
    ia = audit(organisation, "IA-1", dt.date(2026, 12, 1), lead_auditor=people["ann"])
    store_sample(
        ia, "leaver", [Line("bob@x.example", "Leaver Bob: accounts | disabled?", "5.18")], 1, 1, 1
    )
    store_sample(ia, "access_review", [Line("CRM 2026-04-02", "Removals traced?", "5.18")], 1, 1, 1)
    AuditChecklistItem.objects.filter(kind="leaver").update(
        result="conforms", checked_by=people["bob"], checked_on=DAY, notes="Ticket HR-1"
    )
    rows = checklist_rows(ia)
    assert [row["kind"] for row in rows] == ["access_review", "leaver"]
    markdown = render_checklist(ia, rows, "markdown")
    assert markdown.splitlines()[:3] == [
        "# Audit checklist IA-1: Audit IA-1",
        "",
        "Planned 2026-12-01; lead auditor ann@x.example; 2 item(s).",
    ]
    assert "## Access review\n\n- [ ] **CRM 2026-04-02** (5.18): Removals traced?\n" in markdown
    assert "- [x] **bob@x.example** (5.18): Leaver Bob: accounts | disabled?\n" in markdown
    assert "  - Result: conforms by bob@x.example on 2026-11-30: Ticket HR-1\n" in markdown
    assert markdown.endswith("Drawn with seed 1.\n")
    parsed = list(csv.DictReader(io.StringIO(render_checklist(ia, rows, "csv"))))
    assert parsed[1]["question"] == "Leaver Bob: accounts | disabled?"
    assert parsed[0]["result"] == "" and parsed[1]["checked_on"] == "2026-11-30"
    assert json.loads(render_checklist(ia, rows, "json")) == rows
    empty = audit(organisation, "IA-2", dt.date(2026, 12, 1))
    assert "No items yet" in render_checklist(empty, [], "markdown")
