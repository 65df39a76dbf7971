"""A member of staff answers an awareness check from the personal link, without an account."""

import datetime as dt

from django.utils import timezone

from isms.people.awareness import create_campaign, issue_links
from isms.people.models import AwarenessCheck, Person

VALUES = {
    "policy_location": "On the intranet, under ISMS > Policies",
    "incident_contact": "Call the service desk on 4444",
    "security_objective": "Every incident is reported within 24 hours",
}


def test_staff_answer_an_awareness_check(visit, organisation):
    person = Person.objects.create(
        organisation=organisation,
        email="eng@acme.example",
        name="Eng",
        start_date=timezone.localdate() - dt.timedelta(days=400),
    )
    campaign = create_campaign(
        organisation, name="Q2 check", audience="all_staff", count=5, values=VALUES, seed=7
    ).campaign
    [(_, token)] = issue_links(campaign)
    visit.open(f"/awareness/{token}/", "check")
    visit.check_accessibility()
    page = visit.page
    assert page.get_by_text("Hello Eng").is_visible()
    for question in campaign.questions:
        fieldset = page.locator("fieldset").filter(has_text=question["text"])
        fieldset.locator(f"input[value='{question['correct']}']").check()
    visit.follow(page.get_by_role("button", name="Submit my answers"), "answered")
    visit.check_accessibility()
    assert page.get_by_text("5 of 5 correct").is_visible()
    assert AwarenessCheck.objects.filter(person=person, passed=True).count() == 5
    again = visit.open(f"/awareness/{token}/", "used-link")
    assert again.status == 410, "a link works once"
