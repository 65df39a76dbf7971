"""The internal audit programme across registers: the coverage matrix, independent auditors
(assignment refused for each conflict, and AUD006 agreeing), sampling records into the
checklist, and the `isms audit` commands and API endpoints."""

import datetime as dt
import json

import pytest
import typer
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.testing import TestClient
from typer.testing import CliRunner

from isms.api import audits as audits_api
from isms.api.auth import AUTH
from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.audits.programme import AssignmentRefused, default_seed, draw
from isms.catalog.models import Clause
from isms.cli import audit as audit_cli
from isms.core.permissions import Role
from isms.core.services import create_api_token
from isms.leadership.models import RoleAssignment
from isms.loop.audit_programme import SAMPLERS, assign_auditor, coverage_matrix, sample_audit
from isms.people.models import Department, Person
from isms.readiness.independence import independence_conflicts
from isms.risk.models import Process
from tests.readiness.conftest import AS_OF, PEOPLE, keys
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db

# Coverage ------------------------------------------------------------------------------------

PROGRAMME = """
Internal audits:
  - {ref: IA-1, title: Foundations, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, clauses: "4|5|6.1.2|7", controls: "5.1|5.2|7.4"}
  - {ref: IA-2, title: Operation, planned_on: 2027-02-01, clauses: "8|9.2", controls: "5.2|8.12"}
  - {ref: IA-3, title: Dropped, planned_on: 2026-06-01, status: cancelled, clauses: "10"}
  - {ref: IA-0, title: Too old, planned_on: 2023-06-01, completed_on: 2023-06-20,
     status: completed, clauses: "6.3|10"}
  - {ref: IA-4, title: Late, planned_on: 2026-09-01, status: in_progress, controls: "5.3"}
"""


def test_coverage_matrix_shows_who_covers_what_and_what_is_left(organisation, load):
    full_soa(organisation, **{"7.4": {"applicable": False}})
    load(PROGRAMME)
    coverage = coverage_matrix(organisation, AS_OF)
    assert coverage.audits == ["IA-1", "IA-4", "IA-2"], "cancelled and too old left out"
    rows = {(row.kind, row.ref): row for row in coverage.rows}
    assert len(coverage.of("clause")) == 23 and len(coverage.of("control")) == 92

    top = rows["clause", "4.1"]
    assert (top.status, top.group) == ("covered", "4 Context of the organization")
    assert [(c.audit, c.state, c.via) for c in top.audits] == [("IA-1", "completed", ("4",))]
    assert rows["clause", "6.1"].audits[0].via == ("6.1.2",), "a sub-clause counts for 6.1"
    assert rows["clause", "9.2"].status == "planned"
    assert rows["clause", "9.2"].audits[0].on == dt.date(2027, 2, 1)
    for ref in ("6.2", "6.3", "9.1", "9.3", "10.1", "10.2"):
        assert rows["clause", ref].status == "uncovered", ref

    assert rows["control", "5.2"].as_dict()["completed"] == ["IA-1"]
    assert rows["control", "5.2"].as_dict()["planned"] == ["IA-2"]
    assert rows["control", "5.3"].as_dict()["planned"] == ["IA-4 (overdue)"]
    assert ("control", "7.4") not in rows, "not applicable in the SoA"
    summary = coverage.summary()
    assert summary["clauses"] == {
        "total": 23,
        "covered": 13,
        "planned": 4,
        "uncovered": 6,
        "left": ["6.2", "6.3", "9.1", "9.3", "10.1", "10.2"],
    }
    assert (summary["controls"]["covered"], summary["controls"]["planned"]) == (2, 2)
    assert coverage.as_dict()["cycle"] == {
        "start": "2023-12-01",
        "end": "2026-11-30",
        "planned_until": "2027-11-30",
    }


def test_coverage_gaps_are_what_the_mock_audit_reports(organisation, load, findings):
    full_soa(organisation)
    load(PROGRAMME)
    coverage = coverage_matrix(organisation, AS_OF)
    (aud002,) = findings("AUD002")
    assert "leave 6 of 23 requirement clauses" in aud002.detail
    for ref in coverage.uncovered("clause"):
        assert f"{ref} " in aud002.detail
    (aud003,) = findings("AUD003")
    assert f"{len(coverage.uncovered('control'))} of the 93 applicable" in aud003.detail


def test_an_audit_completed_after_the_date_counts_as_planned(organisation, load):
    full_soa(organisation)
    load(PROGRAMME)
    coverage = coverage_matrix(organisation, dt.date(2026, 3, 10))
    row = next(row for row in coverage.rows if row.ref == "4.1")
    assert (row.status, row.audits[0].state) == ("planned", "planned")


# Independence --------------------------------------------------------------------------------

#: Engineering is audited (department, the Release process, its assets, control 5.15 and
#: clause 9.2); every extra person sits in Finance and has one tie to that scope (aowner owns an
#: asset of the Release process, which is not a conflict).
INDEPENDENCE = """
  - {email: head@acme.example, name: Hana Head, department: Finance}
  - {email: powner@acme.example, name: Pat Owner, department: Finance}
  - {email: aowner@acme.example, name: Ava Owner, department: Finance}
  - {email: downer@acme.example, name: Dora Owner, department: Finance}
  - {email: writer@acme.example, name: Will Writer, department: Finance}
  - {email: approver@acme.example, name: Abe Approver, department: Finance}
  - {email: old@acme.example, name: Olga Old, department: Finance, leave_date: 2026-01-31}
  - {email: imgr@acme.example, name: Isla Manager, department: Finance}
ISMS roles:
  - {role: isms_manager, person: imgr@acme.example, assigned_on: 2025-01-01}
Processes:
  - {name: Release, department: Engineering, owner: powner@acme.example}
  - {name: Order to cash, department: Finance, owner: fin@acme.example}
Assets:
  - {name: Build server, kind: hardware, owner: aowner@acme.example, process: Release}
  - {name: Finance ledger, kind: information, owner: auditor@acme.example,
     department: Finance}
Documents:
  - {ref: POL-002, title: Access control policy, kind: topic_policy, owner: downer@acme.example,
     controls: "5.15|5.18"}
  - {ref: PRO-007, title: Internal audit procedure, kind: procedure, clauses: "9.2.2"}
  - {ref: POL-009, title: Expenses policy, kind: policy, owner: auditor@acme.example,
     controls: "5.1"}
Document versions:
  - {document: POL-002, version: "1.0", approver: approver@acme.example,
     approved_on: 2026-01-10}
  - {document: PRO-007, version: "2.0", author: writer@acme.example, effective_on: 2026-02-01}
Internal audits:
  - {ref: IA-1, title: Engineering, planned_on: 2026-12-07, departments: Engineering,
     processes: Release, controls: "5.15", clauses: "9.2", criteria: ISO/IEC 27001:2022}
  - {ref: IA-9, title: Done, planned_on: 2026-02-02, completed_on: 2026-02-20,
     status: completed, clauses: "9.2"}
"""

CONFLICTS = [
    ("eng@acme.example", "Department Engineering", "works in the Engineering department"),
    ("head@acme.example", "Department Engineering", "heads the Engineering department"),
    ("powner@acme.example", "Process Release", "owns the process Release"),
    (
        "imgr@acme.example",
        "ISMS manager",
        "holds the ISMS manager role and so runs the processes of 9.2, which the audit covers",
    ),
    ("downer@acme.example", "Document POL-002", "owns document POL-002"),
    ("writer@acme.example", "Document PRO-007", "wrote a version of document PRO-007"),
    ("approver@acme.example", "Document POL-002", "approved a version of document POL-002"),
]


@pytest.fixture
def scoped(organisation, load):
    load(PEOPLE + INDEPENDENCE, with_people=False)  # more people on the People sheet
    Department.objects.filter(name="Engineering").update(
        manager=Person.objects.get(email="head@acme.example")
    )
    return InternalAudit.objects.get(ref="IA-1")


def person(email):
    return Person.objects.get(email=email)


@pytest.mark.parametrize(("email", "subject", "reason"), CONFLICTS)
@pytest.mark.parametrize("as_lead", [True, False], ids=["lead", "team"])
def test_assignment_is_refused_for_each_conflict(scoped, findings, email, subject, reason, as_lead):
    with pytest.raises(AssignmentRefused) as refused:
        assign_auditor(scoped, person(email), as_lead, on=dt.date(2026, 11, 30))
    (message,) = refused.value.messages
    assert message.startswith(person(email).name) and f"({email}) {reason}" in message
    scoped.refresh_from_db()
    assert scoped.lead_auditor is None and not scoped.team.exists(), "nothing written"

    # The mock audit uses the same definition: put them there anyway and AUD006 reports it.
    scoped.team.add(person(email))
    assert f"IA-1 / {email} / {subject}" in keys(findings("AUD006"))


def test_owning_an_asset_of_the_audited_scope_is_not_a_conflict(scoped):
    # aowner@ owns the Build server of the audited Release process: not their own work.
    assert (
        independence_conflicts(
            scoped.organisation, [(scoped, person("aowner@acme.example"))], AS_OF
        )
        == []
    )
    assign_auditor(scoped, person("aowner@acme.example"), True, on=dt.date(2026, 11, 30))
    scoped.refresh_from_db()
    assert scoped.lead_auditor.email == "aowner@acme.example"


def test_the_isms_manager_conflicts_only_with_their_own_processes(scoped):
    manager = person("imgr@acme.example")
    found = independence_conflicts(scoped.organisation, [(scoped, manager)], AS_OF)
    assert [c.subject for c in found] == ["ISMS manager"], "IA-1 covers 9.2"
    scoped.clauses.set(Clause.objects.filter(ref__in=["7.5", "10"]))
    (conflict,) = independence_conflicts(scoped.organisation, [(scoped, manager)], AS_OF)
    assert "10.2" in conflict.what, "clause 10 includes corrective action"
    scoped.clauses.set(Clause.objects.filter(ref__in=["6.1.2", "7.5"]))
    (conflict,) = independence_conflicts(scoped.organisation, [(scoped, manager)], AS_OF)
    assert "6.1" in conflict.what, "a sub-clause of 6.1 is the ISMS manager's risk process"
    scoped.clauses.set(Clause.objects.filter(ref__in=["7.5", "8.1"]))
    assert independence_conflicts(scoped.organisation, [(scoped, manager)], AS_OF) == []
    # Not the ISMS manager any more when the audit starts: no conflict.
    scoped.clauses.set(Clause.objects.filter(ref="9.2"))
    RoleAssignment.objects.filter(person=manager).update(ended_on=dt.date(2026, 6, 30))
    assert independence_conflicts(scoped.organisation, [(scoped, manager)], AS_OF) == []


def test_an_independent_auditor_is_assigned_lead_then_team(scoped):
    # auditor@ owns a Finance asset and a policy for 5.1: neither is in IA-1's scope.
    change = assign_auditor(scoped, person("auditor@acme.example"), True)
    assert change == "auditor@acme.example is now the lead auditor of IA-1"
    assign_auditor(scoped, person("fin@acme.example"), False)
    scoped.refresh_from_db()
    assert scoped.lead_auditor.email == "auditor@acme.example"
    assert [p.email for p in scoped.team.all()] == ["fin@acme.example"]
    promoted = assign_auditor(scoped, person("fin@acme.example"), True)
    assert "replacing auditor@acme.example" in promoted
    assert not scoped.team.exists(), "the new lead left the team"


def test_leavers_and_closed_audits_are_refused(scoped):
    with pytest.raises(AssignmentRefused, match="left the organisation on 2026-01-31"):
        assign_auditor(scoped, person("old@acme.example"), False, on=dt.date(2026, 11, 30))
    done = InternalAudit.objects.get(ref="IA-9")
    with pytest.raises(AssignmentRefused, match="IA-9 is completed"):
        assign_auditor(done, person("auditor@acme.example"), True)


def test_every_reason_is_given_at_once(scoped):
    with pytest.raises(AssignmentRefused) as refused:
        assign_auditor(scoped, person("eng@acme.example"), True, on=dt.date(2026, 11, 30))
    assert len(refused.value.messages) == 1
    Process.objects.filter(name="Release").update(owner=person("eng@acme.example"))
    with pytest.raises(AssignmentRefused) as refused:
        assign_auditor(scoped, person("eng@acme.example"), True, on=dt.date(2026, 11, 30))
    assert len(refused.value.messages) == 2


# Sampling ------------------------------------------------------------------------------------


def _records(count: int, start: dt.date, step: int = 7) -> list[dt.date]:
    return [start + dt.timedelta(days=step * i) for i in range(count)]


SAMPLING_PEOPLE = "".join(
    f"  - {{email: joiner{i}@acme.example, name: Joiner {i}, department: "
    f"{'Engineering' if i % 2 else 'Finance'}, start_date: {day}}}\n"
    for i, day in enumerate(_records(12, dt.date(2026, 1, 5), 20))
) + "".join(
    f"  - {{email: leaver{i}@acme.example, name: Leaver {i}, department: Engineering, "
    f"start_date: 2020-01-01, leave_date: {day}}}\n"
    for i, day in enumerate(_records(4, dt.date(2026, 2, 2), 30))
)

SAMPLING = (
    "Systems:\n  - {name: Salesforce, owner: eng@acme.example}\n  - {name: Okta}\n"
    "Access reviews:\n"
    + "".join(
        f"  - {{system: {system}, reviewed_on: {day}, reviewer: eng@acme.example, "
        f"accounts_reviewed: 30, accounts_removed: 2}}\n"
        for system in ("Salesforce", "Okta")
        for day in _records(9, dt.date(2025, 12, 1), 30)
    )
    + "Accounts:\n  - {system: Salesforce, username: leaver0, person: leaver0@acme.example}\n"
    + "Suppliers:\n"
    + "".join(
        f"  - {{name: Supplier {i}, service: Hosting, tier: high, data_access: personal, "
        f"is_cloud_service: {'yes' if i == 0 else 'no'}}}\n"
        for i in range(7)
    )
    + "Incidents:\n"
    + "".join(
        f"  - {{ref: INC-{i}, title: Phishing email {i}, kind: near_miss, severity: low, "
        f"reported_on: {day}}}\n"
        for i, day in enumerate(_records(8, dt.date(2025, 8, 1), 60))
    )
    + "Internal audits:\n"
    "  - {ref: IA-2026-05, title: Access and people, planned_on: 2026-09-01,"
    ' departments: Engineering, controls: "5.18"}\n'
    "  - {ref: IA-2026-06, title: Whole organisation, planned_on: 2026-09-01}\n"
)

ALL = {"access_review": 10, "joiner": 5, "leaver": 5, "supplier": 5, "incident": 5}


@pytest.fixture
def sampled(organisation, load):
    load(PEOPLE + SAMPLING_PEOPLE + SAMPLING, with_people=False)
    return InternalAudit.objects.get(ref="IA-2026-05")


def checklist(audit) -> list[tuple[str, str]]:
    return sorted(AuditChecklistItem.objects.filter(audit=audit).values_list("kind", "record"))


def test_a_sample_draws_records_of_the_period_and_scope(sampled):
    sample = sample_audit(sampled, ALL, seed=7)
    assert (sample.since, sample.until) == (dt.date(2025, 9, 2), dt.date(2026, 9, 1))
    drawn = {d.kind: (d.requested, d.available, d.added) for d in sample.kinds}
    assert drawn == {
        "access_review": (10, 18, 10),
        "joiner": (5, 6, 5),  # only Engineering's joiners: the audit names that department
        "leaver": (5, 4, 4),  # fewer in the period than asked for: all of them
        "supplier": (5, 7, 5),
        "incident": (5, 6, 5),  # INC-0 before the period, INC-7 after the planned start
    }
    items = AuditChecklistItem.objects.filter(audit=sampled)
    assert items.count() == 29 and {item.seed for item in items} == {7}
    for item in items.filter(kind="joiner"):
        assert Person.objects.get(email=item.record).department.name == "Engineering"
    assert not {"INC-0", "INC-7"} & {item.record for item in items}
    leaver = items.get(kind="leaver", record="leaver0@acme.example")
    assert "registers still show active accounts on Salesforce" in leaver.question
    review = items.filter(kind="access_review").first()
    assert review.question.startswith(f"Access review of {review.record.rsplit(' ', 1)[0]} on ")
    assert "removals traceable to tickets" in review.question
    assert review.reference == "5.15, 5.18"


def test_the_same_seed_gives_the_same_sample_and_no_duplicates(sampled, organisation):
    sample_audit(sampled, ALL, seed=7)
    first = checklist(sampled)
    again = sample_audit(sampled, ALL, seed=7)
    assert checklist(sampled) == first
    assert all((d.added, d.removed) == (0, 0) for d in again.kinds)
    AuditChecklistItem.objects.all().delete()
    sample_audit(sampled, ALL, seed=7)
    assert checklist(sampled) == first


def test_the_default_seed_comes_from_the_audit_ref(sampled):
    sample = sample_audit(sampled, {"access_review": 3})
    assert sample.seed == default_seed("IA-2026-05") == default_seed("IA-2026-05")
    assert default_seed("IA-2026-05") != default_seed("IA-2026-06")
    first = checklist(sampled)
    AuditChecklistItem.objects.all().delete()
    sample_audit(sampled, {"access_review": 3})
    assert checklist(sampled) == first


def test_a_new_seed_replaces_open_items_but_keeps_answers(sampled):
    sample_audit(sampled, {"access_review": 10}, seed=7)
    first = {record for _, record in checklist(sampled)}
    answered = AuditChecklistItem.objects.filter(audit=sampled).order_by("record").first()
    answered.result, answered.notes = "conforms", "Tickets match"
    answered.save()

    (drawn,) = sample_audit(sampled, {"access_review": 10}, seed=8).kinds
    population = SAMPLERS["access_review"](sampled, dt.date(2025, 9, 2), dt.date(2026, 9, 1))
    expected = set(draw(list(population), 10, 8, "access_review"))
    assert expected != first, "another seed, another sample"
    records = {record for _, record in checklist(sampled)}
    assert records == expected | {answered.record}, "an answered item is evidence: kept"
    still_open = AuditChecklistItem.objects.filter(audit=sampled, result="")
    assert set(still_open.values_list("record", flat=True)) == expected - {answered.record}
    assert drawn.removed == len(first - expected - {answered.record})
    assert AuditChecklistItem.objects.get(pk=answered.pk).notes == "Tickets match"


def test_bad_sample_requests_are_refused(sampled):
    with pytest.raises(ValueError, match="sizes must be 0 or more: joiner"):
        sample_audit(sampled, {"joiner": -1})
    with pytest.raises(ValueError, match="after its end"):
        sample_audit(sampled, {"joiner": 1}, since=dt.date(2026, 10, 1))
    with pytest.raises(ValueError, match="seed must be"):
        sample_audit(sampled, {"joiner": 1}, seed=-3)
    assert not AuditChecklistItem.objects.exists()


# The CLI -------------------------------------------------------------------------------------


def cli(*args):
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """isms"""

    app.add_typer(audit_cli.app, name="audit")
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_cli_assign_refuses_with_the_reason_and_accepts(scoped):
    refused = cli("audit", "assign", "IA-1", "--org", "acme", "--auditor", "powner@acme.example")
    assert refused.exit_code == 2
    assert "owns the process Release" in refused.output
    ok = cli(
        "audit", "assign", "IA-1", "--org", "acme", "--auditor", "auditor@acme.example", "--lead"
    )
    assert ok.exit_code == 0, ok.output
    assert "auditor@acme.example is now the lead auditor of IA-1" in ok.stdout
    unknown = cli("audit", "assign", "IA-1", "--org", "acme", "--auditor", "nobody@x.example")
    assert unknown.exit_code == 2 and "no person with email" in unknown.output


def test_cli_programme_and_coverage(organisation, load):
    full_soa(organisation)
    load(PROGRAMME)
    listing = cli("audit", "programme", "--org", "acme", "--as-of", "2026-11-30", "-f", "json")
    assert listing.exit_code == 0, listing.output
    rows = {row["ref"]: row for row in json.loads(listing.stdout)}
    assert set(rows) == {"IA-1", "IA-2", "IA-3", "IA-4"}
    assert rows["IA-4"]["overdue"] and not rows["IA-2"]["overdue"]
    assert rows["IA-1"]["scope"] == {"clauses": 4, "controls": 3, "departments": 0, "processes": 0}
    assert rows["IA-1"]["scope_size"] == 7 and rows["IA-3"]["status"] == "cancelled"

    table = cli("audit", "coverage", "--org", "acme", "--as-of", "2026-11-30")
    assert table.exit_code == 0, table.output
    assert "left: 6.2, 6.3, 9.1, 9.3, 10.1, 10.2." in table.stdout
    gaps = cli("audit", "coverage", "--org", "acme", "--as-of", "2026-11-30", "--gaps", "-f", "csv")
    lines = gaps.stdout.splitlines()
    assert lines[0] == "kind,ref,title,status,completed,planned"
    assert lines[1].startswith("clause,6.2,") and all("uncovered" in line for line in lines[1:])
    bad = cli("audit", "coverage", "--org", "acme", "--as-of", "30/11/2026")
    assert bad.exit_code == 2 and "--as-of expects a date" in bad.output


def test_cli_sample_and_checklist(sampled):
    args = ["audit", "sample", "IA-2026-05", "--org", "acme", "--access-reviews", "10"]
    args += ["--joiners", "5", "--leavers", "5", "--suppliers", "5", "--incidents", "5"]
    first = cli(*args, "--seed", "42")
    assert first.exit_code == 0, first.output
    assert "seed 42 from records of 2025-09-02 to 2026-09-01" in first.stdout
    assert "4 of   5 requested (only 4 in the period and scope)" in first.stdout
    again = cli(*args, "--seed", "42")
    assert "0 added, 10 already listed, 0 removed" in again.stdout
    assert AuditChecklistItem.objects.count() == 29

    markdown = cli("audit", "checklist", "IA-2026-05", "--org", "acme").stdout
    assert markdown.startswith("# Audit checklist IA-2026-05: Access and people")
    assert "## Access review" in markdown and "## Leaver" in markdown
    assert "- [ ] **leaver0@acme.example** (5.11, 5.18, 6.5): Leaver Leaver 0" in markdown
    csv_text = cli("audit", "checklist", "IA-2026-05", "--org", "acme", "-f", "csv").stdout
    assert len(csv_text.splitlines()) == 30
    nothing = cli("audit", "sample", "IA-2026-05", "--org", "acme")
    assert nothing.exit_code == 2 and "say what to sample" in nothing.output
    missing = cli("audit", "checklist", "IA-404", "--org", "acme")
    assert missing.exit_code == 2 and "no internal audit 'IA-404'" in missing.output


# The API -------------------------------------------------------------------------------------


@pytest.fixture
def client(organisation, make_member):
    def make(role=Role.ISMS_MANAGER):
        api = NinjaAPI(urls_namespace=f"audit-programme-test-{role}", auth=AUTH)

        @api.exception_handler(Http404)
        def not_found(request, exc):
            return api.create_response(request, {"detail": str(exc)}, status=404)

        @api.exception_handler(PermissionDenied)
        def denied(request, exc):
            return api.create_response(request, {"detail": str(exc)}, status=403)

        api.add_router("", audits_api.router)
        user, _ = make_member(organisation, role)
        _, token = create_api_token(user, "tests")
        return TestClient(api, headers={"Authorization": f"Bearer {token}"})

    return make


def test_api_assign_refuses_with_409_and_accepts(scoped, client):
    api = client()
    base = "/orgs/acme/internal_audits/IA-1/assign"
    refused = api.post(base, json={"auditor": "downer@acme.example", "lead": True})
    assert refused.status_code == 409
    body = refused.json()
    assert "owns document POL-002" in body["detail"] and len(body["reasons"]) == 1
    unknown = api.post(base, json={"auditor": "nobody@x.example"})
    assert unknown.status_code == 422 and "no person" in unknown.json()["detail"]
    ok = api.post(base, json={"auditor": "auditor@acme.example", "lead": True})
    assert ok.status_code == 200, ok.content
    assert ok.json()["lead_auditor"] == "auditor@acme.example"
    assert (
        api.post("/orgs/acme/internal_audits/IA-404/assign", json={"auditor": "x"}).status_code
        == 404
    )
    viewer = client(Role.VIEWER)
    assert viewer.post(base, json={"auditor": "fin@acme.example"}).status_code == 403


def test_api_coverage_sample_and_checklist(sampled, client, other_organisation):
    full_soa(sampled.organisation)
    api = client()
    coverage = api.get("/orgs/acme/internal_audits/coverage?as_of=2026-11-30")
    assert coverage.status_code == 200, coverage.content
    body = coverage.json()
    assert body["summary"]["clauses"]["uncovered"] == 23
    assert body["summary"]["controls"]["planned"] == 1  # 5.18, by IA-2026-05
    listing = api.get("/orgs/acme/internal_audits/programme?as_of=2026-11-30")
    assert [row["ref"] for row in listing.json()] == ["IA-2026-05", "IA-2026-06"]

    drawn = api.post("/orgs/acme/internal_audits/IA-2026-05/sample", json={"leavers": 2, "seed": 3})
    assert drawn.status_code == 200, drawn.content
    assert drawn.json()["kinds"] == [
        {
            "kind": "leaver",
            "requested": 2,
            "available": 4,
            "drawn": 2,
            "added": 2,
            "kept": 0,
            "removed": 0,
        }
    ]
    items = api.get("/orgs/acme/internal_audits/IA-2026-05/checklist").json()
    assert [item["kind"] for item in items] == ["leaver", "leaver"]
    assert items == drawn.json()["checklist"]
    assert api.post("/orgs/acme/internal_audits/IA-2026-05/sample", json={}).status_code == 422
    assert api.get("/orgs/globex/internal_audits/IA-2026-05/checklist").status_code == 404
