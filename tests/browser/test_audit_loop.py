"""A new organisation follows "what is missing" to its first mock audit, run in the background;
a finding becomes a nonconformity taken through plan, implementation and effectiveness check
to closure, once the records it was about exist."""

import datetime as dt
import re

from django.core.management import call_command
from django.utils import timezone

from isms.audits.models import Nonconformity
from isms.core.permissions import Role
from isms.people.models import Person
from isms.readiness.models import Assessment


def run_background_work() -> None:
    """What ``isms worker --batch`` runs: every queued task, then stop."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def test_from_what_is_missing_to_a_closed_nonconformity(visit, organisation, member):
    today = timezone.localdate()
    audit_date = today - dt.timedelta(days=60)
    manager = member(organisation, Role.ISMS_MANAGER)
    manager.email = "manager@acme.example"
    manager.save()
    Person.objects.create(organisation=organisation, email=manager.email, name="Manager")
    Person.objects.create(organisation=organisation, email="owner@acme.example", name="Owner")
    visit.signed_in_as(manager)
    page = visit.page

    # The first mock audit, as of 60 days ago, from the readiness page.
    visit.open("/orgs/acme/", "readiness-new-organisation")
    missing = page.locator("section[aria-labelledby=missing]")
    assert missing.get_by_role("link", name="the issues of the organisation's context").count()
    visit.follow(page.get_by_role("link", name="Mock audits"), "mock-audits")
    visit.check_accessibility()
    page.get_by_label("Audit date").fill(audit_date.isoformat())
    page.get_by_label("Stage").select_option("1")
    visit.follow(page.get_by_role("button", name="Run a mock audit"), "queued")
    assert page.get_by_text("Queued").is_visible()
    visit.check_accessibility()
    run_background_work()

    # htmx polls the progress every 2 s; once the run is stored it sends the page to the
    # findings (HX-Redirect).
    page.wait_for_url(re.compile(r"/orgs/acme/audits/\d+/$"), timeout=15_000)
    visit.shoot("findings")
    visit.check_accessibility()
    run = Assessment.objects.get(organisation=organisation)
    assert run.as_of == audit_date and run.majors > 0

    # The context finding becomes a nonconformity.
    finding = page.locator("details.finding").filter(has_text="No internal or no external issues")
    finding.locator("summary").click()
    visit.follow(finding.get_by_role("link", name="Open the finding"), "finding")
    visit.check_accessibility()
    visit.follow(page.get_by_role("button", name="Raise a nonconformity"), "raised")
    nc = Nonconformity.objects.get(organisation=organisation)
    assert nc.raised_on == audit_date
    if page.get_by_role("link", name=nc.ref).count():
        visit.follow(page.get_by_role("link", name=nc.ref).first, "nonconformity")
    visit.check_accessibility()
    page.get_by_label("Root cause").fill("Nobody owned the context analysis")
    page.get_by_label("Corrective action").fill("Quarterly context review by the ISMS manager")
    page.get_by_label("Process or control changed").fill("Management review agenda")
    page.get_by_label("Owner of the action (email)").fill("owner@acme.example")
    page.get_by_label("Due on").fill((today + dt.timedelta(days=30)).isoformat())
    visit.follow(page.get_by_role("button", name="Record the plan"), "planned")
    page.get_by_label("Implemented on").fill((audit_date + dt.timedelta(days=1)).isoformat())
    visit.follow(page.get_by_role("button", name="Mark implemented"), "implemented")

    # The records the finding was about: the first from "what is missing", the second from the
    # register's own "New record".
    visit.open("/orgs/acme/", "readiness")
    visit.follow(page.get_by_role("link", name="the issues of the organisation's context"), "new")
    for title, kind in (("Staff turnover", "internal"), ("New privacy law", "external")):
        page.get_by_label("title").fill(title)
        page.get_by_label("kind").select_option(kind)
        page.get_by_label("category").select_option("organisational")
        page.get_by_label("is_relevant").select_option("yes")
        visit.follow(page.get_by_role("button", name="Save"), f"context-issue-{kind}")
        if kind == "internal":
            visit.follow(page.get_by_role("link", name="Context issues"), "context-issues")
            visit.follow(page.get_by_role("link", name="New record"), "new")
    visit.open("/orgs/acme/", "readiness-after")
    assert page.get_by_role("link", name="the issues of the organisation's context").count() == 0

    # The effectiveness check today, by someone other than the owner, closes it.
    visit.open(f"/orgs/acme/nonconformities/{nc.pk}/", "to-verify")
    page.get_by_label("Effective: close it").check()
    page.get_by_label("Checked on").fill(today.isoformat())
    visit.follow(page.get_by_role("button", name="Record the check"), "checked")
    visit.check_accessibility()
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.CLOSED, page.locator("main").inner_text()
    assert nc.closed_on == today
    assert page.get_by_text(f"Closed on {today.isoformat()}").is_visible()
