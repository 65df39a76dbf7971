"""Management review sign-off: top management signs the minutes; anyone else sees why not, and
a sign-off sent anyway is refused."""

import datetime as dt

from django.utils import timezone

from isms.audits.models import ManagementReview
from isms.core.permissions import Role
from isms.loop.review_pack import INPUT_FIELDS
from isms.people.models import Person


def _member_with_person(organisation, member, role, top_management, email):
    user = member(organisation, role, top_management)
    user.email = email
    user.save()
    Person.objects.create(organisation=organisation, email=email, name=email.split("@")[0])
    return user


def test_top_management_signs_a_review_and_others_are_refused(visit, organisation, member):
    today = timezone.localdate()
    review = ManagementReview.objects.create(
        organisation=organisation,
        ref="MR-2026-1",
        held_on=today - dt.timedelta(days=7),
        decisions="Budget for MFA approved",
        **dict.fromkeys(INPUT_FIELDS, True),
    )
    manager = _member_with_person(organisation, member, Role.ISMS_MANAGER, False, "m@acme.example")
    ceo = _member_with_person(organisation, member, Role.CONTRIBUTOR, True, "ceo@acme.example")
    page = visit.page

    # The ISMS manager is not top management: no sign-off form, and the reason why.
    visit.signed_in_as(manager)
    visit.open("/orgs/acme/reviews/", "reviews")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="MR-2026-1"), "review-as-manager")
    visit.check_accessibility()
    assert page.get_by_role("button", name="Sign the minutes").count() == 0
    assert "top management" in page.locator("section[aria-labelledby=signoff]").inner_text()
    # A sign-off sent anyway, from the manager's own session, is refused.
    csrf = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    forged = page.request.post(
        f"{visit.base_url}/orgs/acme/reviews/{review.pk}/sign/",
        form={"on": today.isoformat(), "csrfmiddlewaretoken": csrf},
        headers={"Referer": page.url},
    )
    assert forged.status == 403
    review.refresh_from_db()
    assert review.signed_by is None

    # Top management signs (the manager's session cookie dropped first).
    page.context.clear_cookies()
    visit.signed_in_as(ceo)
    visit.open(f"/orgs/acme/reviews/{review.pk}/", "review-as-top-management")
    page.get_by_label("Date of signature").fill(today.isoformat())
    visit.follow(page.get_by_role("button", name="Sign the minutes"), "signed")
    visit.check_accessibility()
    assert page.get_by_text(f"Signed on {today.isoformat()} by ceo@acme.example").is_visible()
    review.refresh_from_db()
    assert review.signed_by.email == "ceo@acme.example" and review.signed_on == today
