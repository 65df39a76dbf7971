"""Mock audits in the browser: start a run (auditors and managers only), follow its progress
while the real worker runs it, browse its findings by grade, stage, requirement or theme, open a
finding with the records it concerns, raise its NC, compare two runs, download the reports.
Another organisation's runs and findings answer 404."""

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from typer.testing import CliRunner

from isms.audits.models import Nonconformity
from isms.cli.app import app
from isms.core.permissions import Role
from isms.people.models import Person
from isms.readiness.models import Assessment, AssessmentFinding, AssessmentRequest

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 30)
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "assessment.schema.json").read_text())


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def signed_in(sign_in_as):
    """Signed in as an internal auditor unless told otherwise."""

    def sign_in(organisation, role=Role.INTERNAL_AUDITOR, **options):
        return sign_in_as(organisation, role, **options)

    return sign_in


def stored_run(organisation, findings=(), **extra):
    """A stored run with the given findings: (key, grade, reference, stage, evidence)."""
    run = Assessment.objects.create(
        organisation=organisation,
        as_of=extra.pop("as_of", AS_OF),
        stage=2,
        run_at=extra.pop("run_at", timezone.now()),
        verdict="recommended subject to accepted corrective action plans",
        score=80,
        majors=sum(1 for f in findings if f[1] == "major"),
        minors=sum(1 for f in findings if f[1] == "minor"),
        ofis=sum(1 for f in findings if f[1] == "ofi"),
        profile={},
        rule_versions={},
        **extra,
    )
    AssessmentFinding.objects.bulk_create(
        AssessmentFinding(
            assessment=run,
            key=key,
            code=key[:6],
            name="a-rule",
            grade=grade,
            stage=stage,
            reference=reference,
            references=[reference],
            subject_type="Requirement",
            subject_key=key,
            title=f"Title of {key}",
            detail="",
            recommendation="Do it properly.",
            statement=f"The organisation has not done {key}.",
            grade_reason=f"{grade.capitalize()}: because.",
            extent=f"{len(evidence)} of 10 records",
            evidence=list(evidence),
        )
        for key, grade, reference, stage, evidence in findings
    )
    return run


def instance(sheet, key, detail="seen", code="ACC003", related=()):
    return {
        "code": code,
        "issue": code,
        "reference": "A.5.18",
        "grade": "minor",
        "subject": {"type": sheet, "key": key},
        "detail": detail,
        "population": None,
        "related": [{"type": t, "key": k} for t, k in related],
        "effect": None,
        "department": None,
        "process": None,
        "owner": None,
    }


FINDINGS = [
    ("ACC003", "major", "A.5.18", 2, [instance("People", "leaver@acme.example")]),
    ("SOA002", "minor", "6.1.3 d", 1, []),
    ("AUD001", "minor", "9.2.1", 2, []),
    ("DOC004", "ofi", "A.8.9", 2, []),
]


def run_worker():
    outcome = CliRunner().invoke(app, ["worker", "--batch"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output


def test_an_auditor_runs_a_mock_audit_and_follows_it_to_the_findings(
    signed_in, organisation, django_capture_on_commit_callbacks
):
    client = signed_in(organisation)
    page = client.get("/orgs/acme/audits/").content.decode()
    assert '<label for="id_as_of">Audit date</label>' in page and "Run a mock audit" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page, "the date defaults to today"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/orgs/acme/audits/", {"as_of": "2026-11-30", "stage": "1"})
    request = AssessmentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/acme/audits/requests/{request.pk}/"
    assert (request.as_of, request.stage, request.requested_by) == (AS_OF, 1, client.user)

    waiting = client.get(response["Location"]).content.decode()
    assert "Queued" in waiting and 'hx-trigger="every 2s"' in waiting and "Refresh" in waiting
    listed = client.get("/orgs/acme/audits/").content.decode()
    assert "In progress" in listed and "queued" in listed

    run_worker()

    request.refresh_from_db()
    findings = f"/orgs/acme/audits/{request.assessment_id}/"
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"] == findings
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == findings and "hx-trigger" not in fragment.content.decode()
    run = Assessment.objects.get()
    assert run.run_by == client.user and run.stage == 1
    assert client.get(findings).status_code == 200
    assert f'href="{findings}"' in client.get("/orgs/acme/audits/").content.decode()


def test_a_failed_run_shows_its_message_not_a_traceback(signed_in, organisation):
    client = signed_in(organisation)
    request = AssessmentRequest.objects.create(
        organisation=organisation,
        as_of=AS_OF,
        stage=2,
        status="failed",
        error="The mock audit could not be completed (RuntimeError: the disk is full).",
    )
    page = client.get(f"/orgs/acme/audits/requests/{request.pk}/").content.decode()
    assert "could not be completed (RuntimeError: the disk is full)" in page
    assert "hx-get" not in page, "a finished run is not polled"


@pytest.mark.parametrize(
    ("entered", "field", "message"),
    [
        ({"as_of": "30/11/2026", "stage": "2"}, "as_of", "Enter the audit date as YYYY-MM-DD"),
        ({"as_of": "0001-01-01", "stage": "2"}, "as_of", "The date must be between 1900 and 2999"),
        ({"as_of": "2026-11-30", "stage": "3"}, "stage", "The stage is 1 (documents) or 2"),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_queued(
    signed_in, organisation, entered, field, message
):
    client = signed_in(organisation, Role.ISMS_MANAGER)
    response = client.post("/orgs/acme/audits/", entered)
    page = response.content.decode()
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-error">{message}' in page
    assert f'value="{entered["as_of"]}"' in page, "the entry is kept"
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR])
def test_roles_that_may_not_run_an_audit_see_no_form_and_a_forged_post_is_refused(
    signed_in, organisation, role
):
    client = signed_in(organisation, role)
    page = client.get("/orgs/acme/audits/").content.decode()
    assert "Run a mock audit" not in page and 'name="as_of"' not in page
    assert client.post("/orgs/acme/audits/", {"as_of": "2026-11-30"}).status_code == 403
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", {"ACC003", "SOA002", "AUD001", "DOC004"}),
        ("?grade=major", {"ACC003"}),
        ("?grade=minor", {"SOA002", "AUD001"}),
        ("?stage=1", {"SOA002"}),
        ("?requirement=A.5.18", {"ACC003"}),
        ("?requirement=9.2", {"AUD001"}),
        ("?requirement=6.1.3", {"SOA002"}),
        ("?theme=A.5", {"ACC003"}),
        ("?theme=A.8", {"DOC004"}),
        ("?theme=9", {"AUD001"}),
        ("?theme=A.8&grade=major", set()),
        ("?grade=nonsense", {"ACC003", "SOA002", "AUD001", "DOC004"}),
    ],
)
def test_findings_are_browsed_by_grade_stage_requirement_or_theme(
    signed_in, organisation, query, shown
):
    client = signed_in(organisation, Role.VIEWER)
    run = stored_run(organisation, FINDINGS)
    page = client.get(f"/orgs/acme/audits/{run.pk}/{query}").content.decode()
    listed = set(re.findall(r"Title of (\w+)", page))
    assert listed == shown
    if not shown:
        assert "No finding matches these filters." in page


def test_a_finding_shows_its_statement_evidence_and_linked_records(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    leaver = Person.objects.create(
        organisation=organisation, email="leaver@acme.example", name="Lee Ver"
    )
    evidence = [
        instance("People", "leaver@acme.example", "account still active 30 days after leaving"),
        instance("People", "nobody@acme.example", "a record since deleted"),
        instance("Clause", "5.3", "a requirement, not a record"),
    ]
    run = stored_run(organisation, [("ACC003", "major", "A.5.18", 2, evidence)])
    finding = run.findings.get()
    page = client.get(f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/").content.decode()
    assert "The organisation has not done ACC003." in page
    assert "A.5.18 " in page and "Major: because." in page and "3 of 10 records" in page
    assert "account still active 30 days after leaving" in page
    record = f'href="/orgs/acme/registers/people/{leaver.pk}/">leaver@acme.example</a>'
    assert record in page
    assert "People: nobody@acme.example</li>" in page, "a record gone is named, not linked"
    assert "Raise a nonconformity" not in page, "a viewer gets no control"
    assert (
        client.post(f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/raise/").status_code == 403
    )
    assert not Nonconformity.objects.exists()


def test_records_with_a_two_part_key_are_linked(signed_in, organisation):
    """An account is named "system / username" (its system by name): the link finds it."""
    from isms.operations.models import Account, System

    crm = System.objects.create(organisation=organisation, name="CRM")
    erp = System.objects.create(organisation=organisation, name="ERP")
    account = Account.objects.create(organisation=organisation, system=crm, username="lee")
    Account.objects.create(organisation=organisation, system=erp, username="lee")
    client = signed_in(organisation, Role.VIEWER)
    evidence = [instance("Accounts", "CRM / lee", related=[("Systems", "CRM")])]
    run = stored_run(organisation, [("ACC003", "major", "A.5.18", 2, evidence)])
    page = client.get(f"/orgs/acme/audits/{run.pk}/findings/{run.findings.get().pk}/")
    html = page.content.decode()
    assert f'href="/orgs/acme/registers/accounts/{account.pk}/">CRM / lee</a>' in html
    assert f'href="/orgs/acme/registers/systems/{crm.pk}/">CRM</a>' in html
    assert html.count('href="/orgs/acme/registers/accounts/') == 1


def test_a_run_with_a_failed_rule_says_it_is_incomplete(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    run = stored_run(
        organisation, FINDINGS, errors=[{"code": "SOA002", "message": "ValueError: bad (line 3)"}]
    )
    page = client.get(f"/orgs/acme/audits/{run.pk}/").content.decode()
    assert "1 rule failed" in page and "SOA002" in page


def test_an_nc_is_raised_from_a_finding_once_and_linked_from_it(signed_in, organisation):
    client = signed_in(organisation)
    run = stored_run(organisation, FINDINGS)
    finding = run.findings.get(key="ACC003")
    url = f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/"
    assert "Raise a nonconformity" in client.get(url).content.decode()
    response = client.post(f"{url}raise/")
    assert response.status_code == 302 and response["Location"] == url
    nc = Nonconformity.objects.get()
    assert (nc.finding_code, nc.grade, nc.source) == ("ACC003", "major", "mock_audit")
    assert nc.history.first().history_user == client.user
    page = client.get(url).content.decode()
    assert "Raise a nonconformity" not in page and f">{nc.ref}</a>" in page
    client.post(f"{url}raise/")
    assert Nonconformity.objects.count() == 1, "never a second NC for the same finding"
    other = run.findings.get(key="SOA002")
    assert other.key not in Nonconformity.objects.values_list("finding_code", flat=True)


def test_two_runs_compare_new_resolved_and_regraded(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    earlier = stored_run(
        organisation,
        [
            ("ACC003", "minor", "A.5.18", 2, []),
            ("SOA002", "minor", "6.1.3 d", 2, []),
            ("DOC004", "ofi", "A.8.9", 2, []),
        ],
        run_at=timezone.now() - dt.timedelta(days=30),
    )
    later = stored_run(
        organisation,
        [
            ("ACC003", "major", "A.5.18", 2, []),
            ("DOC004", "ofi", "A.8.9", 2, []),
            ("AUD001", "minor", "9.2.1", 2, []),
        ],
    )
    page = client.get(f"/orgs/acme/audits/compare/?a={earlier.pk}&b={later.pk}").content.decode()
    new = page.split('id="new-heading"')[1].split("</section>")[0]
    resolved = page.split('id="resolved-heading"')[1].split("</section>")[0]
    regraded = page.split('id="regraded-heading"')[1].split("</section>")[0]
    assert "Title of AUD001" in new and "Title of ACC003" not in new
    assert "Title of SOA002" in resolved and "Title of DOC004" not in resolved
    assert "Title of ACC003</a>: minor → major" in regraded
    assert "1 new, 1 resolved, 1 regraded, 1 unchanged" in page
    assert client.get("/orgs/acme/audits/compare/").status_code == 200


def test_reports_download_as_attachments_from_a_real_run(
    signed_in, organisation, django_capture_on_commit_callbacks
):
    client = signed_in(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/orgs/acme/audits/", {"as_of": "2026-11-30", "stage": "2"})
    run_worker()
    run = Assessment.objects.get()
    base = f"/orgs/acme/audits/{run.pk}/report"
    as_json = client.get(f"{base}.json")
    assert as_json["Content-Disposition"] == (
        f'attachment; filename="acme-mock-audit-2026-11-30-{run.pk}.json"'
    )
    data = json.loads(as_json.content)
    jsonschema.validate(data, SCHEMA)
    assert data["verdict"] == run.verdict and data["counts"]["major"] == run.majors
    as_html = client.get(f"{base}.html")
    assert as_html["Content-Disposition"].startswith("attachment;")
    assert b"self-assessment" in as_html.content
    as_pdf = client.get(f"{base}.pdf")
    assert as_pdf["Content-Type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF")
    assert as_pdf["Content-Disposition"].startswith("attachment;")
    assert client.get(f"{base}.exe").status_code == 404


def test_another_organisations_runs_and_findings_answer_404(
    signed_in, organisation, other_organisation
):
    client = signed_in(organisation)
    theirs = stored_run(other_organisation, FINDINGS)
    finding = theirs.findings.first()
    request = AssessmentRequest.objects.create(
        organisation=other_organisation, as_of=AS_OF, stage=2
    )
    mine = stored_run(organisation, FINDINGS)
    gets = [
        "/orgs/globex/audits/",
        f"/orgs/acme/audits/{theirs.pk}/",
        f"/orgs/acme/audits/{theirs.pk}/findings/{finding.pk}/",
        f"/orgs/acme/audits/{mine.pk}/findings/{finding.pk}/",
        f"/orgs/acme/audits/requests/{request.pk}/",
        f"/orgs/acme/audits/compare/?a={mine.pk}&b={theirs.pk}",
        f"/orgs/acme/audits/{theirs.pk}/report.json",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Title of" not in response.content
    assert client.post("/orgs/globex/audits/", {"as_of": "2026-11-30"}).status_code == 404
    raised = client.post(f"/orgs/acme/audits/{theirs.pk}/findings/{finding.pk}/raise/")
    assert raised.status_code == 404
    assert not Nonconformity.objects.exists()
    assert AssessmentRequest.objects.count() == 1


def test_pages_have_no_inline_code(signed_in, organisation):
    client = signed_in(organisation)
    run = stored_run(organisation, FINDINGS)
    finding = run.findings.first()
    for url in [
        "/orgs/acme/audits/",
        f"/orgs/acme/audits/{run.pk}/",
        f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/",
        f"/orgs/acme/audits/compare/?a={run.pk}&b={run.pk}",
    ]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        assert "style=" not in html and " onclick=" not in html, url


def test_pages_make_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    Person.objects.bulk_create(
        Person(organisation=organisation, email=f"p{n:04}@acme.example", name=f"P {n}")
        for n in range(2000)
    )
    evidence = [
        instance("People", f"p{n:04}@acme.example", related=[("Systems", f"S{n}")])
        for n in range(2000)
    ]
    many = [(f"K{n:04}", "minor", "A.5.18", 2, []) for n in range(3000)]
    run = stored_run(organisation, [("ACC003", "major", "A.5.18", 2, evidence), *many])
    for day in range(1, 300):
        stored_run(organisation, run_at=timezone.now() - dt.timedelta(days=day))
    finding = run.findings.get(key="ACC003")
    with django_assert_max_num_queries(12):
        assert client.get("/orgs/acme/audits/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/orgs/acme/audits/{run.pk}/?grade=minor").status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(f"/orgs/acme/audits/{run.pk}/findings/{finding.pk}/")
    assert page.content.decode().count('href="/orgs/acme/registers/people/') == 2000
    earlier = Assessment.objects.exclude(pk=run.pk).first()
    with django_assert_max_num_queries(14):
        compared = client.get(f"/orgs/acme/audits/compare/?a={earlier.pk}&b={run.pk}")
    assert "3001 new, 0 resolved" in compared.content.decode()
