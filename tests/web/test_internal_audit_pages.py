"""The internal audit programme in the browser: the coverage matrix with its gaps, assigning
auditors (a refusal lists the independence reasons), sampling and recording the checklist."""

import datetime as dt

import pytest
from django.utils import timezone

from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.catalog.models import Clause
from isms.core.permissions import Role
from isms.people.models import Department, Person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
AUDITORS = (Role.OWNER, Role.ISMS_MANAGER, Role.INTERNAL_AUDITOR)


@pytest.fixture
def signed_in(sign_in_as):
    """Signed in as an internal auditor unless told otherwise."""

    def sign_in(organisation, role=Role.INTERNAL_AUDITOR, **options):
        return sign_in_as(organisation, role, **options)

    return sign_in


@pytest.fixture
def finance(organisation):
    """An audit of the Finance department; Fay works there, Ivo does not."""
    department = Department.objects.create(organisation=organisation, name="Finance")
    fay = Person.objects.create(
        organisation=organisation, email="fay@acme.example", name="Fay", department=department
    )
    ivo = Person.objects.create(organisation=organisation, email="ivo@acme.example", name="Ivo")
    audit = InternalAudit.objects.create(
        organisation=organisation,
        ref="IA-2026-01",
        title="Finance processes",
        planned_on=TODAY + dt.timedelta(days=20),
    )
    audit.departments.add(department)
    audit.clauses.add(Clause.objects.get(ref="9.2"))
    return audit, fay, ivo


def test_the_matrix_shows_each_clause_with_its_audits_and_the_gaps(
    signed_in, organisation, finance
):
    client = signed_in(organisation, Role.VIEWER)
    page = client.get("/orgs/acme/internal-audits/").content.decode()
    assert "IA-2026-01" in page and "Finance processes" in page
    row_92 = page.split('<th scope="row">9.2 ')[1].split("</tr>")[0]
    assert "planned" in row_92 and "○" in row_92
    row_41 = page.split('<th scope="row">4.1 ')[1].split("</tr>")[0]
    assert "gap" in row_41
    assert "22 uncovered" in page, "23 requirement clauses, one planned"


def test_a_refused_assignment_lists_the_independence_reason(signed_in, organisation, finance):
    audit, fay, ivo = finance
    client = signed_in(organisation)
    url = f"/orgs/acme/internal-audits/{audit.pk}/"
    refused = client.post(url + "assign/", {"auditor": fay.email, "lead": "yes"})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "Refused: fay@acme.example cannot be assigned to IA-2026-01" in page
    assert "Finance" in page.split("Refused:")[1].split("</ul>")[0]
    audit.refresh_from_db()
    assert audit.lead_auditor is None
    assigned = client.post(url + "assign/", {"auditor": ivo.email, "lead": "yes"})
    assert assigned.status_code == 200 and b"ivo@acme.example is now the lead auditor" in (
        assigned.content
    )
    audit.refresh_from_db()
    assert audit.lead_auditor == ivo
    assert audit.history.latest().history_user == client.user
    unknown = client.post(url + "assign/", {"auditor": "nobody@acme.example"})
    assert unknown.status_code == 422 and b"no person with email" in unknown.content


def test_sampling_fills_the_checklist_and_a_result_is_recorded_in_the_auditors_name(
    signed_in, organisation, finance
):
    audit, fay, ivo = finance
    for number in range(4):
        Person.objects.create(
            organisation=organisation,
            email=f"joiner{number}@acme.example",
            name=f"Joiner {number}",
            start_date=audit.planned_on - dt.timedelta(days=30 + number),
            department=fay.department,
        )
    client = signed_in(organisation, email=ivo.email)
    url = f"/orgs/acme/internal-audits/{audit.pk}/"
    drawn = client.post(url + "sample/", {"joiner": "2", "seed": "7"})
    assert drawn.status_code == 200 and b"Sample drawn with seed 7" in drawn.content
    lines = AuditChecklistItem.objects.filter(audit=audit)
    assert lines.count() == 2
    line = lines.first()
    form = {"row_version": line.row_version, "result": "conforms", "notes": "Screening on file"}
    assert client.post(url + f"checklist/{line.pk}/", form).status_code == 302
    line.refresh_from_db()
    assert (line.result, line.checked_by, line.checked_on) == ("conforms", ivo, TODAY)
    assert line.history.latest().history_user == client.user
    stale = client.post(url + f"checklist/{line.pk}/", {**form, "result": "nonconformity"})
    assert stale.status_code == 409
    line.refresh_from_db()
    assert line.result == "conforms"
    again = client.post(url + "sample/", {"joiner": "2", "seed": "7"})
    assert b"2 already listed" in again.content
    bad = client.post(url + "sample/", {"joiner": "two"})
    assert bad.status_code == 422 and b"a whole number" in bad.content


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_of_the_audit_actions(signed_in, organisation, finance, role):
    audit, _, ivo = finance
    client = signed_in(organisation, role, email=ivo.email)
    url = f"/orgs/acme/internal-audits/{audit.pk}/"
    allowed = role in AUDITORS
    assert (b"Assign</button>" in client.get(url).content) is allowed
    assign = client.post(url + "assign/", {"auditor": ivo.email})
    assert assign.status_code == (200 if allowed else 403)
    sample = client.post(url + "sample/", {"joiner": "1"})
    assert sample.status_code == (200 if allowed else 403)
    line = AuditChecklistItem.objects.create(
        organisation=organisation, audit=audit, kind="other", record="By hand", question="?"
    )
    result = client.post(
        url + f"checklist/{line.pk}/", {"row_version": line.row_version, "result": "conforms"}
    )
    assert result.status_code == (302 if allowed else 403)
    line.refresh_from_db()
    assert (line.result == "conforms") is allowed
    assert audit.team.filter(pk=ivo.pk).exists() is allowed


def test_pages_make_a_bounded_number_of_queries(
    signed_in, organisation, finance, django_assert_max_num_queries
):
    audit = finance[0]
    client = signed_in(organisation, Role.VIEWER)
    InternalAudit.objects.bulk_create(
        InternalAudit(
            organisation=organisation,
            ref=f"IA-X-{n:04d}",
            title="Old audit",
            planned_on=TODAY - dt.timedelta(days=5000 + n),
        )
        for n in range(2000)
    )
    AuditChecklistItem.objects.bulk_create(
        AuditChecklistItem(
            organisation=organisation, audit=audit, kind="other", record=f"R{n}", question="?"
        )
        for n in range(2000)
    )
    with django_assert_max_num_queries(20):
        assert client.get("/orgs/acme/internal-audits/").status_code == 200
    with django_assert_max_num_queries(25):
        page = client.get(f"/orgs/acme/internal-audits/{audit.pk}/")
    assert b"Checklist (2000)" in page.content and b"The first 500 lines" in page.content


def test_another_organisations_audit_is_404(signed_in, organisation, other_organisation):
    client = signed_in(organisation, Role.OWNER)
    theirs = InternalAudit.objects.create(
        organisation=other_organisation, ref="IA-G-1", title="Theirs", planned_on=TODAY
    )
    assert client.get(f"/orgs/acme/internal-audits/{theirs.pk}/").status_code == 404
    for step in ("assign/", "sample/", "checklist/1/"):
        assert client.post(f"/orgs/acme/internal-audits/{theirs.pk}/{step}").status_code == 404
    assert "IA-G-1" not in client.get("/orgs/acme/internal-audits/").content.decode()
