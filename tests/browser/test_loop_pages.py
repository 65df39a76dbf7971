"""The audit-loop pages in a real browser: an NC raised by hand and taken through to closure; a
management review signed by top management and refused to anyone else; the programme, the
certification cycle and the awareness pages pass axe and fit a phone."""

import datetime as dt

from django.utils import timezone

from isms.audits.models import InternalAudit, ManagementReview, Nonconformity
from isms.core.permissions import Role
from isms.loop.review_pack import INPUT_FIELDS
from isms.people.models import Person

from .conftest import PHONE

TODAY = timezone.localdate()


def _user_with_person(member, organisation, role, email, top_management=False):
    user = member(organisation, role, top_management)
    user.email = email
    user.save()
    Person.objects.create(organisation=organisation, email=email, name=email.split("@")[0])
    return user


def test_an_nc_is_raised_by_hand_and_taken_through_to_closure(visit, organisation, member):
    auditor = _user_with_person(member, organisation, Role.INTERNAL_AUDITOR, "ivo@acme.example")
    Person.objects.create(organisation=organisation, email="owner@acme.example", name="Owner")
    visit.signed_in_as(auditor)
    page = visit.page
    visit.open("/orgs/acme/nonconformities/", "log")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Raise a nonconformity"), "raise")
    visit.check_accessibility()
    page.get_by_label("Source").select_option("incident")
    page.get_by_label("Grade").select_option("minor")
    page.get_by_label("Requirement breached").fill("5.18")
    page.get_by_label("Raised on").fill((TODAY - dt.timedelta(days=60)).isoformat())
    page.get_by_label("What was found, with the evidence").fill("A leaver kept CRM access")
    visit.follow(page.get_by_role("button", name="Raise"), "raised")
    nc = Nonconformity.objects.get()
    assert nc.ref == f"NC-{(TODAY - dt.timedelta(days=60)).year}-001" and nc.grade == "minor"
    visit.check_accessibility()
    page.get_by_label("Root cause").fill("HR leaver notices did not reach system owners")
    page.get_by_label("Corrective action").fill("The leaver workflow opens a ticket per owner")
    page.get_by_label("Process or control changed").fill("Leaver process")
    page.get_by_label("Owner of the action (email)").fill("owner@acme.example")
    visit.follow(page.get_by_role("button", name="Record the plan"), "planned")
    page.get_by_label("Implemented on").fill((TODAY - dt.timedelta(days=40)).isoformat())
    visit.follow(page.get_by_role("button", name="Mark implemented"), "implemented")
    visit.check_accessibility()
    page.get_by_label("Effective: close it").check()
    visit.follow(page.get_by_role("button", name="Record the check"), "closed")
    assert page.get_by_text("A closed nonconformity is final").is_visible()
    nc.refresh_from_db()
    assert nc.status == "closed" and nc.effectiveness_checked_by.email == "ivo@acme.example"
    visit.check_accessibility()


def test_top_management_signs_a_review_and_anyone_else_is_refused(visit, organisation, member):
    review = ManagementReview.objects.create(
        organisation=organisation,
        ref="MR-2026-1",
        held_on=TODAY - dt.timedelta(days=2),
        decisions="Budget for MFA approved",
        **dict.fromkeys(INPUT_FIELDS, True),
    )
    manager = _user_with_person(member, organisation, Role.ISMS_MANAGER, "ann@acme.example")
    visit.signed_in_as(manager)
    visit.open(f"/orgs/acme/reviews/{review.pk}/", "review-as-manager")
    visit.check_accessibility()
    page = visit.page
    assert page.get_by_role("button", name="Sign the minutes").count() == 0
    assert page.get_by_text("Only a member marked as top management may sign").is_visible()
    page.context.clear_cookies()
    ceo = _user_with_person(member, organisation, Role.CONTRIBUTOR, "ceo@acme.example", True)
    visit.signed_in_as(ceo)
    visit.open("/orgs/acme/reviews/", "reviews")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="MR-2026-1"), "review-as-ceo")
    visit.follow(page.get_by_role("button", name="Sign the minutes"), "signed")
    assert page.get_by_text("Signed minutes are final").is_visible()
    review.refresh_from_db()
    assert review.signed_by.email == "ceo@acme.example"
    visit.check_accessibility()


def test_the_programme_certification_and_awareness_pages_pass_axe_at_both_widths(
    visit, organisation, member
):
    audit = InternalAudit.objects.create(
        organisation=organisation, ref="IA-2026-01", title="Access control", planned_on=TODAY
    )
    visit.signed_in_as(member(organisation, Role.OWNER))
    paths = {
        "programme": "/orgs/acme/internal-audits/",
        "audit": f"/orgs/acme/internal-audits/{audit.pk}/",
        "certification": "/orgs/acme/certification/",
        "awareness": "/orgs/acme/awareness/",
        "nonconformities": "/orgs/acme/nonconformities/",
    }
    for name, path in paths.items():
        visit.open(path, name)
        visit.check_accessibility()
    visit.page.set_viewport_size(PHONE)
    for name, path in paths.items():
        visit.open(path, f"{name}-phone")
        visit.no_horizontal_scroll()
