"""Awareness campaigns in the browser: start one as the CLI does, issue the links (shown once),
follow the results and who has not answered; the staff check page itself passes the CSP and
labels every answer."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from isms.core.permissions import Role
from isms.people.awareness import create_campaign, issue_links
from isms.people.models import AwarenessCampaign, AwarenessInvitation, Department, Person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
EDITORS = (Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR)
VALUES = {
    "value_policy_location": "On the intranet, under ISMS > Policies",
    "value_incident_contact": "Call the service desk on 4444",
    "value_security_objective": "Every incident is reported within 24 hours",
}


@pytest.fixture
def staff(organisation):
    sales = Department.objects.create(organisation=organisation, name="Sales")
    return [
        Person.objects.create(
            organisation=organisation,
            email=f"staff{n}@acme.example",
            name=f"Staff {n}",
            department=sales if n % 2 else None,
        )
        for n in range(3)
    ]


def _form(**changes):
    return {
        "name": "Q4 check",
        "audience": "all_staff",
        "questions": "5",
        "expires_days": "14",
        **VALUES,
        **changes,
    }


def test_a_campaign_is_started_links_issued_once_and_results_followed(
    signed_in, organisation, staff
):
    client = signed_in(organisation, Role.CONTRIBUTOR)
    created = client.post("/orgs/acme/awareness/new/", _form())
    campaign = AwarenessCampaign.objects.get(name="Q4 check")
    assert created["Location"] == f"/orgs/acme/awareness/{campaign.pk}/"
    assert len(campaign.questions) == 5 and campaign.invitations.count() == 3
    assert campaign.history.get().history_user == client.user
    issued = client.post(f"/orgs/acme/awareness/{campaign.pk}/links/")
    page = issued.content.decode()
    assert issued["Cache-Control"] == "no-store"
    links = re.findall(r'href="(http://testserver/awareness/[^"/]+/)"', page)
    assert len(links) == 3 and "staff0@acme.example" in page
    # A member of staff answers through one of the links, without signing in.
    staff_client = Client()
    check = staff_client.get(links[0])
    assert check.status_code == 200
    campaign.refresh_from_db()
    answers = {f"q-{q['id']}": str(q["correct"]) for q in campaign.questions}
    assert staff_client.post(links[0], answers).status_code == 200
    results = client.get(f"/orgs/acme/awareness/{campaign.pk}/").content.decode()
    assert "1 of 3 answered" in results
    assert "Not answered yet (2)" in results
    unanswered = results.split('id="unanswered"')[1]
    answered_by = AwarenessInvitation.objects.get(submitted_on__isnull=False).person.email
    assert answered_by not in unanswered
    assert "Sales" in results and "All departments" in results
    listing = client.get("/orgs/acme/awareness/").content.decode()
    assert "Q4 check" in listing and ">3</td>" in listing


def test_a_refused_campaign_lists_every_problem_and_keeps_the_entries(
    signed_in, organisation, staff
):
    client = signed_in(organisation)
    refused = client.post(
        "/orgs/acme/awareness/new/", _form(name="", questions="99", department="Nowhere")
    )
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "the campaign needs a name" in page and "questions: ask 1 to 15" in page
    assert "no department named" in page
    assert VALUES["value_incident_contact"] in page, "the entries are kept"
    assert not AwarenessCampaign.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_of_the_campaign_actions(signed_in, organisation, staff, role):
    client = signed_in(organisation, role)
    allowed = role in EDITORS
    listing = client.get("/orgs/acme/awareness/").content.decode()
    assert ("Start the campaign" in listing) is allowed
    created = client.post("/orgs/acme/awareness/new/", _form())
    assert created.status_code == (302 if allowed else 403)
    assert AwarenessCampaign.objects.exists() is allowed
    campaign = create_campaign(
        organisation,
        name="Set up",
        audience="all_staff",
        values={k.removeprefix("value_"): v for k, v in VALUES.items()},
    ).campaign
    links = client.post(f"/orgs/acme/awareness/{campaign.pk}/links/")
    assert links.status_code == (200 if allowed else 403)
    assert campaign.invitations.filter(token_hash__isnull=False).exists() is allowed


def test_the_staff_check_page_passes_the_csp_and_labels_every_answer(organisation, staff):
    campaign = create_campaign(
        organisation,
        name="Q1",
        audience="all_staff",
        values={k.removeprefix("value_"): v for k, v in VALUES.items()},
    ).campaign
    (_, token), *_ = issue_links(campaign)
    response = Client().get(f"/awareness/{token}/")
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert not re.search(r"<script(?![^>]*\ssrc=)", html) and "<style" not in html
    assert "style=" not in html and not re.search(r"\son[a-z]+=", html)
    radios = re.findall(r"<label>\s*<input type=\"radio\"", html)
    assert len(radios) == html.count('type="radio"') > 0, "every answer is inside its label"
    assert html.count("<legend>") == 5, "each question names its group of answers"


def test_lists_make_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    people = Person.objects.bulk_create(
        Person(organisation=organisation, email=f"p{n}@acme.example", name=f"P{n}")
        for n in range(2000)
    )
    AwarenessCampaign.objects.bulk_create(
        AwarenessCampaign(
            organisation=organisation,
            name=f"C{n}",
            audience="all_staff",
            opened_on=TODAY,
            expires_on=TODAY,
            questions=[],
        )
        for n in range(1000)
    )
    big = AwarenessCampaign.objects.get(name="C1")
    AwarenessInvitation.objects.bulk_create(
        AwarenessInvitation(organisation=organisation, campaign=big, person=person)
        for person in people
    )
    with django_assert_max_num_queries(10):
        assert client.get("/orgs/acme/awareness/?page=3").status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(f"/orgs/acme/awareness/{big.pk}/")
    assert b"Not answered yet (2000)" in page.content


def test_another_organisations_campaign_is_404(signed_in, organisation, other_organisation):
    client = signed_in(organisation, Role.OWNER)
    theirs = AwarenessCampaign.objects.create(
        organisation=other_organisation,
        name="Theirs",
        audience="all_staff",
        opened_on=TODAY,
        expires_on=TODAY,
        questions=[],
    )
    assert client.get(f"/orgs/acme/awareness/{theirs.pk}/").status_code == 404
    assert client.post(f"/orgs/acme/awareness/{theirs.pk}/links/").status_code == 404
    assert "Theirs" not in client.get("/orgs/acme/awareness/").content.decode()
