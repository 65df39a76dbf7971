"""The first pages of the web application: sign-in, the portfolio, an organisation's readiness.
Tenancy and roles as everywhere else: another organisation's page is a 404."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.services import set_membership_active
from isms.readiness.models import Assessment

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password 1"


def _run(organisation, verdict, majors=0, **extra):
    defaults = {
        "as_of": dt.date(2026, 11, 30),
        "stage": 2,
        "run_at": timezone.now(),
        "verdict": verdict,
        "score": 80,
        "majors": majors,
        "minors": 2,
        "ofis": 3,
        "profile": {},
        "rule_versions": {},
    }
    return Assessment.objects.create(organisation=organisation, **{**defaults, **extra})


@pytest.mark.parametrize("path", ["/", "/orgs/acme/"])
def test_anonymous_requests_go_to_sign_in(client, organisation, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_sign_in_and_out(client, organisation, make_member):
    user, _ = make_member(organisation, Role.VIEWER)
    page = client.get("/login/")
    assert page.status_code == 200 and b'<label for="id_password">' in page.content
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405, "signing out takes a POST"
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_failed_sign_ins_are_throttled(client, organisation, make_member, settings):
    user, _ = make_member(organisation, Role.VIEWER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = client.post("/login/", {"username": user.username, "password": "wrong"})
        assert refused.status_code == 200 and b"do not match" in refused.content
    locking = client.post("/login/", {"username": user.username, "password": "wrong"})
    assert locking.status_code == 429 and b"Sign-in locked" in locking.content
    blocked = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert blocked.status_code == 429 and b"Sign-in locked" in blocked.content
    assert "_auth_user_id" not in client.session, "not even the right password gets in"


def test_the_portfolio_lists_each_organisation_with_its_latest_conclusion(
    signed_in, organisation, other_organisation, make_member
):
    client = signed_in(organisation)
    from isms.core.services import set_membership

    set_membership(other_organisation, client.user, Role.VIEWER)
    _run(organisation, "not recommended", majors=4, run_at=timezone.now() - dt.timedelta(days=9))
    _run(organisation, "recommended", majors=0)
    page = client.get("/").content.decode()
    assert "Acme Ltd" in page and "Globex Corporation" in page
    assert "recommended" in page and "not recommended" not in page, "only the latest run"
    assert "No mock audit yet" in page


def test_the_portfolio_shows_open_major_ncs_and_the_next_audit(
    signed_in, organisation, other_organisation, django_assert_max_num_queries
):
    from isms.audits.models import ExternalAudit, Nonconformity
    from isms.core.services import set_membership

    client = signed_in(organisation)
    set_membership(other_organisation, client.user, Role.VIEWER)
    today = timezone.localdate()
    for ref, grade, status in [
        ("NC-1", "major", "open"),
        ("NC-2", "major", "action_planned"),
        ("NC-3", "major", "closed"),
        ("NC-4", "minor", "open"),
    ]:
        Nonconformity.objects.create(
            organisation=organisation,
            ref=ref,
            source="other",
            grade=grade,
            status=status,
            raised_on=today,
            reference="A.5.15",
        )
    for ref, days, held in [("S1", -10, None), ("S2", 40, None), ("R1", 400, None)]:
        ExternalAudit.objects.create(
            organisation=organisation,
            ref=ref,
            kind="stage2",
            certification_body="CB",
            planned_on=today + dt.timedelta(days=days),
            held_on=held,
        )
    with django_assert_max_num_queries(8):
        page = client.get("/").content.decode()
    table = page[page.index("<tbody>") :]
    acme = table[table.index("Acme Ltd") : table.index("Globex Corporation")]
    assert '<td class="num major">2</td>' in acme, "open majors: closed and minors left out"
    assert (today + dt.timedelta(days=40)).isoformat() in acme, "the next audit not yet held"
    globex = table[table.index("Globex Corporation") :]
    assert "none planned" in globex


def test_an_organisation_page_shows_the_latest_run_and_the_trend(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _run(organisation, "recommendation deferred", majors=1, run_at=timezone.now() - dt.timedelta(1))
    _run(organisation, "recommended")
    page = client.get("/orgs/acme/").content.decode()
    assert "Recommended" in page and page.count(">2026-11-30</a></td>") == 2
    assert "self-assessment" in page


def test_another_organisation_or_a_suspended_membership_is_404(
    signed_in, organisation, other_organisation
):
    client = signed_in(organisation)
    assert client.get("/orgs/globex/").status_code == 404
    assert client.get("/orgs/nowhere/").status_code == 404
    set_membership_active(organisation, client.user, False)
    assert client.get("/orgs/acme/").status_code == 404


def test_pages_carry_the_security_headers_and_no_inline_code(signed_in, organisation):
    client = signed_in(organisation)
    response = client.get("/orgs/acme/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), "scripts come from files only"
    assert "style=" not in html and "<style" not in html
    assert re.search(r'<script src="/static/web/htmx[^"]*\.js"', html), "htmx from our origin"
    assert Organisation.objects.count() == 1


def test_pages_make_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation)
    for day in range(20):
        _run(organisation, "recommended", run_at=timezone.now() - dt.timedelta(days=day))
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
    # The readiness page: runs, findings, one query per kind of due date, the heat maps and
    # what is missing (tests/web/test_query_bounds.py measures it on thousands of rows).
    with django_assert_max_num_queries(22):
        assert client.get("/orgs/acme/").status_code == 200


def _people(organisation, count):
    from isms.people.models import Person

    Person.objects.bulk_create(
        Person(organisation=organisation, email=f"p{n:04}@acme.example", name=f"Person {n}")
        for n in range(count)
    )


def test_the_register_index_counts_records(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _people(organisation, 3)
    page = client.get("/orgs/acme/registers/").content.decode()
    assert '<a href="/orgs/acme/registers/people/">People</a>' in page
    assert '<td class="num">3</td>' in page


def test_a_register_list_searches_and_pages_in_bounded_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    _people(organisation, 120)
    with django_assert_max_num_queries(10):
        page = client.get("/orgs/acme/registers/people/?page=3").content.decode()
    assert "120 records" in page and "Page 3 of 3" in page and page.count("<tr>") == 21
    found = client.get("/orgs/acme/registers/people/", {"q": "p0042"}).content.decode()
    assert "1 record matching" in found and "p0042@acme.example" in found
    control = client.get("/orgs/acme/registers/people/", {"q": "p00\x0042"})
    assert control.status_code == 200 and "p0042@acme.example" in control.content.decode()
    assert client.get("/orgs/acme/registers/no_such_register/").status_code == 404


def test_a_record_shows_its_fields_and_who_changed_what(
    signed_in, organisation, other_organisation
):
    from isms.core.actor import acting_as
    from isms.people.models import Person

    client = signed_in(organisation, Role.VIEWER)
    with acting_as(client.user):
        person = Person.objects.create(
            organisation=organisation, email="ann@acme.example", name="Ann"
        )
        person.job_title = "Engineer"
        person.save()
    page = client.get(f"/orgs/acme/registers/people/{person.pk}/").content.decode()
    assert "ann@acme.example" in page and "Version 2." in page
    assert "job_title:" in page and "→ Engineer" in page and client.user.username in page
    theirs = Person.objects.create(
        organisation=other_organisation, email="x@globex.example", name="X"
    )
    assert client.get(f"/orgs/acme/registers/people/{theirs.pk}/").status_code == 404
    assert client.get(f"/orgs/globex/registers/people/{theirs.pk}/").status_code == 404


def test_a_mock_audit_lists_its_findings_majors_first(
    signed_in, organisation, other_organisation, django_assert_max_num_queries
):
    from isms.readiness.models import AssessmentFinding

    client = signed_in(organisation, Role.VIEWER)
    run = _run(organisation, "recommendation deferred", majors=1)
    common = {"stage": 2, "subject_type": "Issue", "detail": "", "recommendation": ""}
    for grade, reference, title in [
        ("ofi", "A.5.1", "Policies could name their owners"),
        ("major", "A.5.18", "Leavers keep their access"),
        ("minor", "6.1.2", "One risk not rescored"),
    ]:
        AssessmentFinding.objects.create(
            assessment=run,
            key=title,
            code="X001",
            name="x",
            grade=grade,
            reference=reference,
            subject_key=title,
            title=title,
            statement=f"Statement of {title}.",
            evidence=[{"detail": f"Evidence <b>for</b> {title}"}],
            **common,
        )
    with django_assert_max_num_queries(8):
        page = client.get(f"/orgs/acme/audits/{run.pk}/").content.decode()
    assert page.index("Leavers keep") < page.index("One risk not") < page.index("Policies could")
    assert "Evidence &lt;b&gt;for&lt;/b&gt;" in page, "evidence text is escaped"
    assert "self-assessment" in page
    theirs = _run(other_organisation, "recommended")
    assert client.get(f"/orgs/acme/audits/{theirs.pk}/").status_code == 404


def test_a_new_organisation_is_told_what_is_missing(signed_in, organisation):
    from isms.context.models import Scope

    client = signed_in(organisation)
    page = client.get("/orgs/acme/").content.decode()
    assert "What is missing" in page
    assert '4.3: <a href="/orgs/acme/registers/scope/new/">the scope of the ISMS</a>' in page
    Scope.objects.create(organisation=organisation, version="1.0", statement="All of Acme")
    page = client.get("/orgs/acme/").content.decode()
    assert "the scope of the ISMS" not in page and "the risk assessment method" in page


def _edit_page(client, person):
    return client.get(f"/orgs/acme/registers/people/{person.pk}/edit/")


def test_a_record_is_edited_in_a_form_and_history_names_the_editor(signed_in, organisation):
    from isms.people.models import Person

    client = signed_in(organisation)
    person = Person.objects.create(
        organisation=organisation,
        email="ann@acme.example",
        name="Ann",
        start_date=dt.date(2026, 1, 5),
    )
    form = _edit_page(client, person).content.decode()
    assert 'value="2026-01-05"' in form and 'type="date"' in form
    assert '<input type="hidden" name="row_version" value="1">' in form
    assert '<p class="readonly" id="id_email">ann@acme.example</p>' in form, "the key is not edited"
    response = client.post(
        f"/orgs/acme/registers/people/{person.pk}/edit/",
        {
            "row_version": "1",
            "name": "Ann Example",
            "job_title": "Engineer",
            "kind": "employee",
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.start_date == dt.date(2026, 1, 5)
    assert (person.name, person.job_title, person.row_version) == ("Ann Example", "Engineer", 2)
    assert person.history.first().history_user == client.user


def test_a_stale_form_saves_nothing_and_keeps_the_entries(signed_in, organisation):
    from isms.people.models import Person

    client = signed_in(organisation)
    person = Person.objects.create(organisation=organisation, email="bo@acme.example", name="Bo")
    person.job_title = "Changed meanwhile"
    person.save()
    response = client.post(
        f"/orgs/acme/registers/people/{person.pk}/edit/",
        {"row_version": "1", "name": "My edit", "job_title": "Mine"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this record after you opened it" in page and 'value="My edit"' in page
    person.refresh_from_db()
    assert (person.name, person.job_title) == ("Bo", "Changed meanwhile")


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(signed_in, organisation):
    from isms.people.models import Person

    client = signed_in(organisation)
    person = Person.objects.create(organisation=organisation, email="cy@acme.example", name="Cy")
    response = client.post(
        f"/orgs/acme/registers/people/{person.pk}/edit/",
        {"row_version": "1", "name": "Cy", "start_date": "next week"},
    )
    assert response.status_code == 422
    assert "expected a date" in response.content.decode()
    person.refresh_from_db()
    assert person.start_date is None and person.row_version == 1


def test_a_viewer_sees_no_edit_link_and_a_forged_post_is_403(signed_in, organisation):
    from isms.people.models import Person

    client = signed_in(organisation, Role.VIEWER)
    person = Person.objects.create(organisation=organisation, email="di@acme.example", name="Di")
    detail = client.get(f"/orgs/acme/registers/people/{person.pk}/").content.decode()
    assert "/edit/" not in detail
    assert _edit_page(client, person).status_code == 403
    forged = client.post(
        f"/orgs/acme/registers/people/{person.pk}/edit/", {"row_version": "1", "name": "X"}
    )
    assert forged.status_code == 403
    person.refresh_from_db()
    assert person.name == "Di"


def test_a_record_is_created_in_a_form_and_a_taken_key_refused(signed_in, organisation):
    from isms.people.models import Person

    client = signed_in(organisation)
    listing = client.get("/orgs/acme/registers/people/").content.decode()
    assert '<a href="/orgs/acme/registers/people/new/">New record</a>' in listing
    form = client.get("/orgs/acme/registers/people/new/").content.decode()
    assert 'name="email"' in form and "row_version" not in form
    made = client.post(
        "/orgs/acme/registers/people/new/", {"email": "eve@acme.example", "name": "Eve"}
    )
    eve = Person.objects.get(email="eve@acme.example")
    assert made.status_code == 302 and made["Location"].endswith(f"/people/{eve.pk}/")
    assert eve.history.first().history_user == client.user
    again = client.post(
        "/orgs/acme/registers/people/new/", {"email": "eve@acme.example", "name": "Other"}
    )
    assert again.status_code == 422 and "already exists" in again.content.decode()
    assert Person.objects.get(email="eve@acme.example").name == "Eve"
    missing = client.post("/orgs/acme/registers/people/new/", {"email": "x@acme.example"})
    assert missing.status_code == 422 and "a value is required" in missing.content.decode()


def test_a_record_is_deleted_after_confirmation_unless_in_use(signed_in, organisation):
    from isms.people.models import Department, Person

    client = signed_in(organisation, Role.OWNER)
    department = Department.objects.create(organisation=organisation, name="Engineering")
    Person.objects.create(
        organisation=organisation, email="fi@acme.example", name="Fi", department=department
    )
    path = f"/orgs/acme/registers/departments/{department.pk}/delete/"
    assert "Delete Engineering" in client.get(path).content.decode()
    refused = client.post(path)
    assert refused.status_code == 409 and "still referred to by: person" in refused.content.decode()
    Person.objects.all().delete()
    assert client.post(path).status_code == 302
    assert not Department.objects.exists()
    contributor = signed_in(organisation, Role.CONTRIBUTOR)
    person = Person.objects.create(organisation=organisation, email="gi@acme.example", name="Gi")
    assert contributor.post(f"/orgs/acme/registers/people/{person.pk}/delete/").status_code == 403
