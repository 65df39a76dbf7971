"""The management review (9.3): the pack is built from the registers for the period since the
previous review and covers every required input; recording keeps history; sign-off is refused,
with every reason, unless top management signs a complete review. CLI and API included."""

import datetime as dt
import json

import pytest
import typer
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.testing import TestClient
from typer.testing import CliRunner

from isms.api import reviews as reviews_api
from isms.audits.models import ManagementReview
from isms.cli import review as review_cli
from isms.context.models import ContextIssue
from isms.core.actor import acting_as
from isms.core.services import set_membership
from isms.loop.review_pack import (
    INPUT_FIELDS,
    MAX_ROWS,
    ReviewRefused,
    build_pack,
    parse_inputs,
    record_review,
    render_html,
    sign_review,
    write_pdf,
)
from isms.operations.models import Incident
from isms.people.models import Person
from isms.readiness.engine import run_assessment
from isms.readiness.models import Assessment
from isms.readiness.store import save_result

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)
TODAY = dt.date(2026, 12, 1)

REGISTERS = """
ISMS roles:
  - {role: top_management_sponsor, person: ceo@acme.example, assigned_on: 2024-01-01}
Management reviews:
  - {ref: MR-2026-1, held_on: 2026-06-18, chair: ceo@acme.example, signed_by: ceo@acme.example,
     signed_on: 2026-06-25, decisions: Approve the SIEM project,
     actions: "Finn to fund the SIEM by 2026-09-30"}
Risk method:
  - {name: Method v2, acceptance_threshold: 6, high_threshold: 15, approved_on: 2025-01-10}
Risks:
  - {ref: R-1, title: Ransomware, likelihood: 4, impact: 4, treatment: modify,
     owner: eng@acme.example}
  - {ref: R-2, title: Laptop theft, likelihood: 3, impact: 3, treatment: modify,
     residual_likelihood: 2, residual_impact: 2}
  - {ref: R-3, title: Supplier failure, likelihood: 3, impact: 3, treatment: retain,
     accepted_by: fin@acme.example, accepted_on: 2026-02-01, last_assessed_on: 2026-07-01}
Treatment plan:
  - {ref: RTP-1, risk: R-1, action: EDR on every laptop, status: done, completed_on: 2026-08-01}
  - {ref: RTP-2, risk: R-1, action: Offline backups, status: in_progress, due_on: 2026-10-01}
  - {ref: RTP-3, risk: R-1, action: Tabletop exercise, status: planned, due_on: 2027-02-01}
  - {ref: RTP-4, risk: R-2, action: Cable locks, status: cancelled, due_on: 2026-01-01}
Objectives:
  - {ref: OBJ-1, statement: Patch fast, metric: Percent patched in 14 days, target: 95,
     higher_is_better: yes, due_on: 2026-12-31, owner: eng@acme.example}
  - {ref: OBJ-2, statement: Fewer incidents, metric: Incidents a quarter, target: 5,
     higher_is_better: no, due_on: 2026-10-01}
  - {ref: OBJ-3, statement: Be secure}
Measurements:
  - {objective: OBJ-1, measured_on: 2026-07-01, value: 90}
  - {objective: OBJ-1, measured_on: 2026-10-01, value: 96}
  - {objective: OBJ-2, measured_on: 2026-05-01, value: 8}
Internal audits:
  - {ref: IA-1, title: Clauses 4-10, planned_on: 2026-09-01, completed_on: 2026-09-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: Two minors}
  - {ref: IA-2, title: Annex A 8, planned_on: 2026-10-01, status: planned}
External audits:
  - {ref: CB-1, kind: stage1, certification_body: Example Cert, planned_on: 2026-10-10,
     held_on: 2026-10-10, majors: 0, minors: 2, ofis: 1}
Nonconformities:
  - {ref: NC-1, source: internal_audit, audit: IA-1, grade: major, raised_on: 2026-09-20,
     description: No access reviews, due_on: 2026-10-20, status: open}
  - {ref: NC-2, source: complaint, grade: minor, raised_on: 2026-08-01,
     description: Invoice sent to the wrong customer, status: closed, closed_on: 2026-10-15}
  - {ref: NC-3, source: other, grade: minor, raised_on: 2026-03-01, description: Old one,
     status: action_planned, corrective_action: New checklist, owner: isms@acme.example}
Incidents:
  - {ref: INC-1, title: Phishing reported, kind: near_miss, severity: low, reported_on: 2026-07-02,
     closed_on: 2026-07-02}
  - {ref: INC-2, title: Ransomware on a laptop, kind: incident, severity: high,
     reported_on: 2026-11-02}
  - {ref: INC-3, title: Before the period, kind: event, severity: low, reported_on: 2026-05-01}
Context issues:
  - {title: New NIS2 duties, kind: external, category: legal, reviewed_on: 2026-09-01}
  - {title: Flooding, kind: external, category: climate_change, is_relevant: yes,
     reviewed_on: 2026-01-01}
Interested parties:
  - {name: Customers, kind: external}
Party requirements:
  - {party: Customers, requirement: Annual pen test report}
"""


@pytest.fixture
def registers(load):
    load(REGISTERS)


def section(pack, key):
    (found,) = [s for s in pack.sections if s.key == key]
    return found


def facts(pack, key) -> dict:
    return {fact.key: fact.value for fact in section(pack, key).facts}


def table(pack, key, name):
    (found,) = [t for t in section(pack, key).tables if t.key == name]
    return found


# -- the pack ----------------------------------------------------------------------------------


def test_the_pack_has_one_section_per_required_input_in_order(organisation):
    pack = build_pack(organisation, AS_OF)
    assert [s.field for s in pack.sections] == list(INPUT_FIELDS)
    assert [s.letter for s in pack.sections] == [
        "a", "b", "c", "d1", "d2", "d3", "d4", "e", "f", "g"
    ]  # fmt: skip
    assert all(s.summary for s in pack.sections)


def test_the_period_runs_from_the_day_after_the_previous_review(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    assert (pack.previous.ref, pack.start) == ("MR-2026-1", dt.date(2026, 6, 19))
    assert build_pack(organisation, dt.date(2026, 6, 18)).previous is None, "held that day"


def test_without_an_earlier_review_the_period_is_twelve_months(organisation):
    pack = build_pack(organisation, AS_OF)
    assert (pack.previous, pack.start) == (None, dt.date(2025, 12, 1))


def test_a_previous_actions_from_the_last_review_and_open_actions(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    extracts = {e.key: e.text for e in section(pack, "previous_actions").extracts}
    assert extracts["previous_actions"] == "Finn to fund the SIEM by 2026-09-30"
    assert facts(pack, "previous_actions") == {
        "previous_review": "MR-2026-1",
        "previous_held_on": dt.date(2026, 6, 18),
        "open_nonconformities": 2,
        "overdue_nonconformities": 1,
        "open_treatment_actions": 2,
        "overdue_treatment_actions": 1,
    }
    rows = table(pack, "previous_actions", "open_nonconformities").rows
    assert [(r["ref"], r["overdue"]) for r in rows] == [("NC-1", True), ("NC-3", False)]


def test_a_status_is_judged_at_the_as_of_date(registers, organisation):
    before = facts(build_pack(organisation, dt.date(2026, 10, 1)), "previous_actions")
    assert before["open_nonconformities"] == 3, "NC-2 was closed later, on 2026-10-15"
    assert before["overdue_treatment_actions"] == 0, "RTP-2 is due that day"


def test_d1_nonconformities_raised_closed_and_overdue_in_the_period(registers, organisation):
    found = facts(build_pack(organisation, AS_OF), "nonconformities")
    assert (found["raised"], found["raised_major"], found["raised_minor"]) == (2, 1, 1)
    assert (found["raised_from_internal_audit"], found["raised_from_complaint"]) == (1, 1)
    assert (found["closed"], found["open"], found["overdue"], found["without_plan"]) == (1, 2, 1, 1)


def test_d2_d4_measurements_against_targets_and_fulfilment(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    monitoring = facts(pack, "monitoring")
    assert (monitoring["objectives_measured"], monitoring["measurements"]) == (1, 2)
    assert (monitoring["meeting_target"], monitoring["missing_target"]) == (1, 1)
    rows = {r["ref"]: r for r in table(pack, "monitoring", "measurements").rows}
    assert (rows["OBJ-1"]["latest_value"], rows["OBJ-1"]["meets"]) == (96, True)
    assert rows["OBJ-2"]["meets"] is False and rows["OBJ-3"]["meets"] is None
    statuses = {r["ref"]: r["status"] for r in table(pack, "objectives", "objectives").rows}
    assert statuses == {"OBJ-1": "on track", "OBJ-2": "not achieved", "OBJ-3": "no target"}
    assert facts(pack, "objectives")["not_achieved"] == 1


def test_d3_audit_results_of_the_period(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    found = facts(pack, "audit_results")
    assert (found["internal_completed"], found["internal_behind"]) == (1, 1)
    assert (found["external_held"], found["external_minors"], found["external_ofis"]) == (1, 2, 1)
    (audit,) = table(pack, "audit_results", "internal_audits").rows
    assert (audit["ref"], audit["nonconformities"], audit["report_summary"]) == (
        "IA-1",
        1,
        "Two minors",
    )


def test_e_feedback_complaints_and_incidents_of_the_period(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    found = facts(pack, "party_feedback")
    assert (found["complaints"], found["incidents"], found["incidents_near_miss"]) == (1, 2, 1)
    assert (found["incidents_severe"], found["incidents_open"]) == (1, 1)
    assert [r["ref"] for r in table(pack, "party_feedback", "complaints").rows] == ["NC-2"]


def test_f_risk_levels_against_acceptance_and_the_treatment_plan(registers, organisation):
    pack = build_pack(organisation, AS_OF)
    found = facts(pack, "risk")
    assert (found["risks"], found["risks_high"], found["risks_medium"]) == (3, 1, 1)
    assert (found["risks_acceptable"], found["risks_above_appetite"]) == (1, 2)
    assert (found["risks_above_accepted"], found["risks_assessed"]) == (1, 1)
    assert (found["treatment_actions"], found["treatment_done"]) == (3, 1)
    assert (found["treatment_open"], found["treatment_overdue"]) == (2, 1)
    above = {r["ref"]: r for r in table(pack, "risk", "risks_above_appetite").rows}
    assert list(above) == ["R-1", "R-3"]
    assert (above["R-1"]["open_actions"], above["R-1"]["accepted"]) == (2, False)
    assert above["R-3"]["accepted"] is True


def test_f_without_a_risk_method_levels_are_not_judged(organisation):
    pack = build_pack(organisation, AS_OF)
    assert facts(pack, "risk")["risk_method"] is None
    assert "No risk method is recorded" in section(pack, "risk").summary


def test_g_improvement_from_the_latest_stored_mock_audit(registers, organisation):
    assert (
        "No mock audit has been run"
        in section(build_pack(organisation, AS_OF), "improvement").summary
    )
    run = save_result(run_assessment(organisation, AS_OF))
    Assessment.objects.filter(pk=run.pk).update(
        run_at=timezone.make_aware(dt.datetime(2026, 11, 29))
    )
    pack = build_pack(organisation, AS_OF)
    found = facts(pack, "improvement")
    assert found["mock_audit_verdict"] == f"certification {run.verdict}"
    assert found["mock_audit_ofis"] == run.ofis > 0
    ofis = table(pack, "improvement", "opportunities")
    assert ofis.total == run.ofis
    assert {r["code"] for r in ofis.rows} == set(
        run.findings.filter(grade="ofi").values_list("code", flat=True)
    )
    earlier = build_pack(organisation, dt.date(2026, 11, 28))
    assert facts(earlier, "improvement")["mock_audit_as_of"] is None, "run after that date"


def test_b_c_changes_in_issues_and_parties_come_from_history(load, organisation):
    today = timezone.localdate()
    load(
        "Context issues:\n"
        "  - {title: Cloud migration, kind: internal, category: technological}\n"
        "  - {title: Old office, kind: internal, category: organisational}\n"
        "  - {title: Heat waves, kind: external, category: climate_change, is_relevant: no}\n"
    )
    ContextIssue.objects.filter(title="Cloud migration").first().save()
    ContextIssue.objects.get(title="Old office").delete()
    pack = build_pack(organisation, today)
    found = facts(pack, "context_changes")
    assert (found["issues_added"], found["issues_changed"], found["issues_removed"]) == (3, 1, 1)
    assert found["climate_change"] == "not relevant"
    assert section(pack, "context_changes").notes == ["Issues removed in the period: Old office."]
    assert (
        facts(build_pack(organisation, today - dt.timedelta(days=1)), "context_changes")[
            "issues_added"
        ]
        == 0
    )


def test_tables_are_capped_but_figures_count_everything(load, organisation):
    Incident.objects.bulk_create(
        Incident(
            organisation=organisation,
            ref=f"INC-{n:03d}",
            title="Phishing",
            kind="event",
            severity="low",
            reported_on=dt.date(2026, 6, 1),
        )
        for n in range(MAX_ROWS + 5)
    )
    pack = build_pack(organisation, AS_OF)
    incidents = table(pack, "party_feedback", "incidents")
    assert (incidents.total, len(incidents.rows), incidents.hidden) == (55, 50, 5)
    assert facts(pack, "party_feedback")["incidents"] == 55
    assert "and 5 more in the register" in render_html(pack)


def test_the_number_of_queries_does_not_grow_with_the_data(
    registers, organisation, load, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        build_pack(organisation, AS_OF)
    more = "".join(
        f"  - {{ref: NC-X{n}, source: complaint, grade: minor, raised_on: 2026-08-0{n},"
        f" description: Complaint {n}}}\n"
        for n in range(1, 8)
    )
    more_incidents = "".join(
        f"  - {{ref: INC-X{n}, title: Lost phone, kind: incident, severity: low,"
        f" reported_on: 2026-09-0{n}}}\n"
        for n in range(1, 8)
    )
    load("Nonconformities:\n" + more + "Incidents:\n" + more_incidents, with_people=False)
    with django_assert_num_queries(len(small.captured_queries)):
        build_pack(organisation, AS_OF)
    assert len(small.captured_queries) < 70


def test_json_html_and_pdf(registers, organisation, tmp_path):
    pack = build_pack(organisation, AS_OF)
    data = json.loads(json.dumps(pack.as_dict()))
    assert data["period"] == {"start": "2026-06-19", "end": "2026-11-30"}
    assert [s["letter"] for s in data["sections"]][:4] == ["a", "b", "c", "d1"]
    raised = next(s for s in data["sections"] if s["input"] == "nonconformities")
    assert raised["tables"][0]["rows"][0]["grade"] == "minor", "JSON keeps the choice code"
    html = render_html(pack)
    assert "Management review pack" in html and "Status of actions from previous reviews" in html
    assert "<td>Minor</td>" in html, "the HTML shows the choice label"
    pages = write_pdf(pack, tmp_path / "pack.pdf")
    assert (tmp_path / "pack.pdf").read_bytes()[:5] == b"%PDF-" and pages >= 10


# -- recording and signing ---------------------------------------------------------------------


def record(organisation, ref="MR-2026-2", **values):
    defaults = {
        "held_on": dt.date(2026, 11, 20),
        "chair": "ceo@acme.example",
        "attendees": ["ceo@acme.example", "ISMS@acme.example"],
        "covered": list(INPUT_FIELDS),
        "decisions": "Fund the SIEM; accept R-3",
        "resources": "GBP 40,000",
        "actions": "Ian to run the supplier audit by 2027-02-01",
    }
    return record_review(organisation, ref, **{**defaults, **values})


def test_parse_inputs_by_name_letter_or_all():
    assert parse_inputs("all") == list(INPUT_FIELDS)
    assert parse_inputs("a|party_needs, d1|covers_risk") == [
        "covers_previous_actions",
        "covers_party_needs",
        "covers_nonconformities",
        "covers_risk",
    ]
    with pytest.raises(ReviewRefused) as refused:
        parse_inputs("a|budget|h")
    assert [m.split(";")[0] for m in refused.value.messages] == [
        "unknown input 'budget'",
        "unknown input 'h'",
    ]


def test_record_creates_then_updates_in_history(registers, organisation, make_member):
    user, _ = make_member(organisation, "isms_manager")
    with acting_as(user):
        review, created = record(organisation, covered=["covers_risk"])
        assert created
        review, created = record_review(organisation, "MR-2026-2", covered=list(INPUT_FIELDS))
    assert not created
    review.refresh_from_db()
    assert review.decisions == "Fund the SIEM; accept R-3", "values not given stay as they are"
    assert all(getattr(review, name) for name in INPUT_FIELDS)
    assert sorted(review.attendees.values_list("email", flat=True)) == [
        "ceo@acme.example",
        "isms@acme.example",
    ]
    assert review.history.count() >= 2
    assert {h.history_user for h in review.history.all()} == {user}


def test_record_refuses_bad_input_all_at_once_and_writes_nothing(registers, organisation):
    with pytest.raises(ReviewRefused) as refused:
        record_review(
            organisation, "MR-NEW", chair="nobody@acme.example", attendees=["x@y.example"]
        )
    assert refused.value.messages == [
        "held_on: MR-NEW is a new review and needs the date of the meeting",
        "chair: no person with email 'nobody@acme.example' in acme",
        "attendees: no person with email 'x@y.example' in acme",
    ]
    assert not ManagementReview.objects.filter(ref="MR-NEW").exists()


def test_sign_is_refused_with_every_reason(registers, organisation):
    review, _ = record(organisation, covered=["covers_risk", "covers_improvement"], decisions=" ")
    isms = Person.objects.get(email="isms@acme.example")
    with pytest.raises(ReviewRefused) as refused:
        sign_review(review, isms, dt.date(2026, 11, 19), today=TODAY)
    messages = refused.value.messages
    assert (
        messages[0] == "MR-2026-2 was held on 2026-11-20; it cannot be signed before (2026-11-19)"
    )
    assert messages[1].startswith("MR-2026-2 records no decisions (9.3.3)")
    assert messages[2].startswith("MR-2026-2 does not cover 8 of the 10 required inputs: a) Status")
    assert "e) Feedback from interested parties" in messages[2]
    assert messages[3].startswith("isms@acme.example was not top management on 2026-11-19")
    assert refused.value.not_top_management
    review.refresh_from_db()
    assert review.signed_by is None and review.signed_on is None


def test_sign_is_refused_for_a_non_top_manager_of_a_complete_review(registers, organisation):
    review, _ = record(organisation)
    with pytest.raises(ReviewRefused) as refused:
        sign_review(review, Person.objects.get(email="isms@acme.example"), AS_OF, today=TODAY)
    (message,) = refused.value.messages
    assert "was not top management on 2026-11-30: top management is the holder of" in message


def test_sign_refuses_a_date_in_the_future(registers, organisation):
    review, _ = record(organisation)
    ceo = Person.objects.get(email="ceo@acme.example")
    with pytest.raises(ReviewRefused, match="is in the future"):
        sign_review(review, ceo, dt.date(2026, 12, 2), today=TODAY)


def test_the_sponsor_signs_and_the_mock_audit_agrees(registers, organisation, findings):
    review, _ = record(organisation)
    sign_review(review, Person.objects.get(email="ceo@acme.example"), AS_OF, today=TODAY)
    review.refresh_from_db()
    assert (review.signed_by.email, review.signed_on) == ("ceo@acme.example", AS_OF)
    assert "MR-2026-2" not in {f.subject.key for f in findings("MRV005")}
    assert "MR-2026-2" not in {f.subject.key for f in findings("MRV002")}


def test_a_member_marked_top_management_may_sign(registers, organisation):
    user = get_user_model().objects.create_user("finn", email="FIN@acme.example", password="x")
    set_membership(organisation, user, "viewer", True)
    review, _ = record(organisation)
    sign_review(review, Person.objects.get(email="fin@acme.example"), AS_OF, today=TODAY)
    assert review.signed_by.email == "fin@acme.example"


def test_a_signed_review_is_not_changed_or_signed_again(registers, organisation):
    review, _ = record(organisation)
    ceo = Person.objects.get(email="ceo@acme.example")
    sign_review(review, ceo, AS_OF, today=TODAY)
    record(organisation)  # the same values again: nothing changes, nothing is refused
    with pytest.raises(ReviewRefused, match="signed minutes are not changed"):
        record_review(organisation, "MR-2026-2", decisions="Something else")
    with pytest.raises(ReviewRefused, match="already signed on 2026-11-30"):
        sign_review(review, ceo, AS_OF, today=TODAY)


# -- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def cli(db):
    app = typer.Typer()
    app.add_typer(review_cli.app, name="review")

    def invoke(*args):
        return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_cli_record_then_sign_refused_then_signed(registers, organisation, cli):
    recorded = cli(
        "review", "record", "MR-2026-2", "--org", "acme", "--held-on", "2026-11-20",
        "--chair", "ceo@acme.example", "--attendees", "ceo@acme.example|isms@acme.example",
        "--covered", "a|b|c|d1|d2|d3|d4|e|f", "--decisions", "Fund the SIEM",
        "--resources", "GBP 40,000", "--actions", "Ian: supplier audit by 2027-02-01",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "MR-2026-2 recorded" in recorded.stdout and "missing: g improvement" in recorded.stdout

    refused = cli("review", "sign", "MR-2026-2", "--org", "acme", "--by", "isms@acme.example",
                  "--on", "2026-11-21")  # fmt: skip
    assert refused.exit_code == 2
    assert "does not cover 1 of the 10 required inputs: g) Opportunities" in refused.output
    assert "isms@acme.example was not top management on 2026-11-21" in refused.output

    cli("review", "record", "MR-2026-2", "--org", "acme", "--covered", "all")
    signed = cli("review", "sign", "MR-2026-2", "--org", "acme", "--by", "ceo@acme.example")
    assert signed.exit_code == 0, signed.output
    today = timezone.localdate()
    assert f"MR-2026-2: signed by ceo@acme.example on {today}" in signed.stdout
    listed = json.loads(cli("review", "list", "--org", "acme", "--format", "json").stdout)
    assert listed[0]["ref"] == "MR-2026-2" and listed[0]["missing_inputs"] == []


def test_cli_bad_input_exits_2(registers, cli):
    assert cli("review", "record", "MR-9", "--org", "acme", "--covered", "z").exit_code == 2
    unknown = cli("review", "sign", "MR-9", "--org", "acme", "--by", "ceo@acme.example")
    assert unknown.exit_code == 2 and "no management review 'MR-9'" in unknown.output
    bad_date = cli("review", "pack", "--org", "acme", "--as-of", "30/11/2026")
    assert bad_date.exit_code == 2 and "--as-of expects a date" in bad_date.output
    bad_output = cli("review", "pack", "--org", "acme", "--output", "pack.docx")
    assert bad_output.exit_code == 2 and "--output must end in" in bad_output.output


def test_cli_pack_writes_html_and_json(registers, cli, tmp_path):
    html = cli(
        "review", "pack", "--org", "acme", "--as-of", "2026-11-30", "-o", tmp_path / "p.html"
    )
    assert html.exit_code == 0, html.output
    assert "Feedback from interested parties" in (tmp_path / "p.html").read_text()
    cli("review", "pack", "--org", "acme", "--as-of", "2026-11-30", "-o", tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["previous_review"] == {"ref": "MR-2026-1", "held_on": "2026-06-18"}
    terminal = cli("review", "pack", "--org", "acme", "--as-of", "2026-11-30")
    assert "d1) Nonconformities and corrective actions" in terminal.stdout


# -- API ---------------------------------------------------------------------------------------


@pytest.fixture
def api():
    """The router on a throwaway API, with the error handlers of isms.api.main."""
    ninja = NinjaAPI(urls_namespace="test-management-reviews")

    @ninja.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return ninja.create_response(request, {"detail": str(exc)}, status=403)

    @ninja.exception_handler(Http404)
    def not_found(request, exc):
        return ninja.create_response(request, {"detail": str(exc)}, status=404)

    ninja.add_router("", reviews_api.router)
    return TestClient(ninja)


def member(organisation, email, role="isms_manager", top=False):
    user = get_user_model().objects.create_user(email, email=email, password="x")
    set_membership(organisation, user, role, top)
    return user


def test_api_pack_is_scoped_to_the_callers_organisation(
    registers, organisation, other_organisation, api
):
    user = member(organisation, "viewer@acme.example", role="viewer")
    response = api.get("/orgs/acme/reviews/pack?as_of=2026-11-30", user=user)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["sections"]) == 10 and body["previous_review"]["ref"] == "MR-2026-1"
    assert api.get("/orgs/globex/reviews/pack", user=user).status_code == 404


def test_api_record_and_sign(registers, organisation, api):
    manager = member(organisation, "isms@acme.example")
    payload = {
        "held_on": "2026-11-20",
        "chair": "ceo@acme.example",
        "attendees": ["ceo@acme.example"],
        "covered": ["a", "b"],
        "decisions": "Fund the SIEM",
    }
    created = api.post("/orgs/acme/reviews/MR-2026-2/record", json=payload, user=manager)
    assert created.status_code == 201, created.json()
    assert created.json()["missing"][:2] == ["party_needs", "nonconformities"]
    bad = api.post("/orgs/acme/reviews/MR-2026-2/record", json={"chair": "x@x.example"},
                   user=manager)  # fmt: skip
    assert (bad.status_code, bad.json()["detail"]) == (
        422,
        "chair: no person with email 'x@x.example' in acme",
    )

    not_board = api.post("/orgs/acme/reviews/MR-2026-2/sign", json={}, user=manager)
    assert not_board.status_code == 403
    assert not_board.json()["detail"] == "only top management may sign_management_review"

    ceo = member(organisation, "ceo@acme.example", role="contributor", top=True)
    incomplete = api.post("/orgs/acme/reviews/MR-2026-2/sign", json={"on": "2026-11-21"}, user=ceo)
    assert incomplete.status_code == 422
    assert "does not cover 8 of the 10 required inputs" in incomplete.json()["detail"]

    api.post("/orgs/acme/reviews/MR-2026-2/record", json={"covered": ["all"]}, user=manager)
    signed = api.post("/orgs/acme/reviews/MR-2026-2/sign", json={}, user=ceo)
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["signed_by"], signed.json()["signed_on"]) == (
        "ceo@acme.example",
        timezone.localdate().isoformat(),
    )
    assert api.post("/orgs/acme/reviews/MR-404/sign", json={}, user=ceo).status_code == 404


def test_api_sign_by_a_flagged_member_who_has_left_is_403(registers, organisation, api):
    record(organisation)
    Person.objects.filter(email="fin@acme.example").update(leave_date=dt.date(2026, 11, 1))
    former = member(organisation, "fin@acme.example", role="contributor", top=True)
    response = api.post("/orgs/acme/reviews/MR-2026-2/sign", json={"on": "2026-11-21"}, user=former)
    assert response.status_code == 403
    assert "fin@acme.example was not top management on 2026-11-21" in response.json()["detail"]
