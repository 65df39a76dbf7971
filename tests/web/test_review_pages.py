"""Management reviews in the browser: the pack of inputs, the minutes, and the sign-off that only
top management may give (anyone else sees why, and a forged POST gets 403); signed is final."""

import datetime as dt

import pytest
from django.utils import timezone

from isms.audits.models import ManagementReview
from isms.core.permissions import Role
from isms.loop.review_pack import INPUT_FIELDS, input_key
from isms.people.models import Person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HELD = TODAY - dt.timedelta(days=3)


@pytest.fixture
def signed_in(sign_in_as):
    """Signed in as an ISMS manager unless told otherwise; an e-mail is also a person."""

    def sign_in(organisation, role=Role.ISMS_MANAGER, top_management=False, email=""):
        return sign_in_as(organisation, role, top_management, email, person=bool(email))

    return sign_in


def _review(organisation, ref="MR-2026-1", complete=True, **values):
    inputs = dict.fromkeys(INPUT_FIELDS, complete)
    defaults = {"held_on": HELD, "decisions": "Budget for MFA approved" if complete else ""}
    return ManagementReview.objects.create(
        organisation=organisation, ref=ref, **{**inputs, **defaults, **values}
    )


def _minutes(review, **changes):
    form = {
        "row_version": review.row_version,
        "held_on": HELD.isoformat(),
        "chair": "",
        "attendees": "",
        "covered": [input_key(name) for name in INPUT_FIELDS],
        "decisions": "Budget for MFA approved",
        "resources": "One security engineer",
        "actions": "CTO: roll out MFA by March",
    }
    return {**form, **changes}


def test_a_review_shows_its_pack_with_every_required_input(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    review = _review(organisation)
    page = client.get(f"/orgs/acme/reviews/{review.pk}/").content.decode()
    for letter in ("a", "b", "c", "d1", "d2", "d3", "d4", "e", "f", "g"):
        assert f"<strong>{letter})</strong>" in page, letter
    listing = client.get("/orgs/acme/reviews/").content.decode()
    assert "MR-2026-1" in listing and "10 of 10" in listing
    assert "Record a review" not in listing, "a viewer sees no control to record one"


def test_the_pack_downloads_as_html_and_pdf(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    review = _review(organisation)
    html = client.get(f"/orgs/acme/reviews/{review.pk}/pack.html")
    assert html.status_code == 200 and html["Content-Disposition"].startswith("attachment")
    assert b"Acme Ltd" in html.content
    pdf = client.get(f"/orgs/acme/reviews/{review.pk}/pack.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_minutes_are_recorded_in_history_and_a_stale_form_saves_nothing(signed_in, organisation):
    client = signed_in(organisation, Role.CONTRIBUTOR)
    Person.objects.create(organisation=organisation, email="ceo@acme.example", name="CEO")
    created = client.post("/orgs/acme/reviews/new/", {"ref": "MR-2026-2", "held_on": HELD})
    review = ManagementReview.objects.get(ref="MR-2026-2")
    assert created["Location"] == f"/orgs/acme/reviews/{review.pk}/"
    form = _minutes(review, chair="ceo@acme.example", attendees="ceo@acme.example")
    assert client.post(f"/orgs/acme/reviews/{review.pk}/minutes/", form).status_code == 302
    review.refresh_from_db()
    assert (
        review.decisions == "Budget for MFA approved" and review.chair.email == "ceo@acme.example"
    )
    assert all(getattr(review, name) for name in INPUT_FIELDS)
    assert review.history.latest().history_user == client.user
    stale = client.post(
        f"/orgs/acme/reviews/{review.pk}/minutes/", {**form, "decisions": "Something else"}
    )
    assert stale.status_code == 409 and b"Something else" in stale.content
    review.refresh_from_db()
    assert review.decisions == "Budget for MFA approved"
    bad = client.post(
        f"/orgs/acme/reviews/{review.pk}/minutes/",
        _minutes(review, chair="nobody@acme.example"),
    )
    assert bad.status_code == 422 and b"no person with email" in bad.content


def test_top_management_signs_and_the_signed_review_is_final(signed_in, organisation):
    client = signed_in(organisation, Role.CONTRIBUTOR, True, email="ceo@acme.example")
    review = _review(organisation)
    page = client.get(f"/orgs/acme/reviews/{review.pk}/").content.decode()
    assert "Sign the minutes" in page
    signed = client.post(f"/orgs/acme/reviews/{review.pk}/sign/", {"on": TODAY.isoformat()})
    assert signed.status_code == 302
    review.refresh_from_db()
    assert review.signed_by.email == "ceo@acme.example" and review.signed_on == TODAY
    final = client.get(f"/orgs/acme/reviews/{review.pk}/").content.decode()
    assert "Signed minutes are final" in final and "Save the minutes" not in final
    again = client.post(f"/orgs/acme/reviews/{review.pk}/minutes/", _minutes(review))
    assert again.status_code == 422 and b"signed minutes are not changed" in again.content


def test_an_incomplete_review_is_refused_with_every_reason(signed_in, organisation):
    client = signed_in(organisation, Role.OWNER, True, email="ceo@acme.example")
    review = _review(organisation, complete=False)
    refused = client.post(f"/orgs/acme/reviews/{review.pk}/sign/", {"on": TODAY.isoformat()})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "records no decisions" in page and "does not cover 10 of the 10" in page
    review.refresh_from_db()
    assert review.signed_by is None


@pytest.mark.parametrize("role", list(Role))
def test_only_top_management_may_sign_anyone_else_sees_why(signed_in, organisation, role):
    client = signed_in(organisation, role, False, email="member@acme.example")
    review = _review(organisation)
    page = client.get(f"/orgs/acme/reviews/{review.pk}/").content.decode()
    assert "Sign the minutes" not in page and "Only a member marked as top management" in page
    forged = client.post(f"/orgs/acme/reviews/{review.pk}/sign/", {"on": TODAY.isoformat()})
    assert forged.status_code == 403
    review.refresh_from_db()
    assert review.signed_by is None


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_of_the_review_actions(signed_in, organisation, role):
    client = signed_in(organisation, role, True, email="board@acme.example")
    review = _review(organisation)
    may_record = role in (Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR)
    may_sign = role is not Role.VIEWER
    new = client.post("/orgs/acme/reviews/new/", {"ref": "MR-2026-9", "held_on": HELD})
    assert new.status_code == (302 if may_record else 403)
    minutes = client.post(f"/orgs/acme/reviews/{review.pk}/minutes/", _minutes(review))
    assert minutes.status_code == (302 if may_record else 403)
    review.refresh_from_db()
    sign = client.post(f"/orgs/acme/reviews/{review.pk}/sign/", {"on": TODAY.isoformat()})
    assert sign.status_code == (302 if may_sign else 403)
    review.refresh_from_db()
    assert (review.signed_by is not None) is may_sign


def test_lists_and_pages_make_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    ManagementReview.objects.bulk_create(
        ManagementReview(organisation=organisation, ref=f"MR-{n:04d}", held_on=HELD)
        for n in range(2000)
    )
    with django_assert_max_num_queries(10):
        assert client.get("/orgs/acme/reviews/?page=7").status_code == 200
    review = ManagementReview.objects.get(ref="MR-0001")
    # The pack is a fixed set of aggregates (46 queries today), whatever the data.
    with django_assert_max_num_queries(50):
        assert client.get(f"/orgs/acme/reviews/{review.pk}/").status_code == 200


def test_another_organisations_review_is_404(signed_in, organisation, other_organisation):
    client = signed_in(organisation, Role.OWNER, True, email="ceo@acme.example")
    theirs = _review(other_organisation)
    for path in ("", "pack.html", "pack.pdf"):
        assert client.get(f"/orgs/acme/reviews/{theirs.pk}/{path}").status_code == 404
    for path in ("minutes/", "sign/"):
        assert client.post(f"/orgs/acme/reviews/{theirs.pk}/{path}").status_code == 404
    for path in ("minutes/", "sign/"):  # a GET to a form's target leaks nothing either
        assert client.get(f"/orgs/globex/reviews/{theirs.pk}/{path}").status_code == 404
    ours = _review(organisation, "MR-OURS")
    assert client.get(f"/orgs/acme/reviews/{ours.pk}/sign/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.signed_by is None
