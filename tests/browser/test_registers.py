"""Sign in, the home page, the registers: list, record, edit, history; keyboard; phone width."""

import pytest

from isms.core.permissions import Role
from isms.people.models import Department, Person

from .conftest import PASSWORD, PHONE


@pytest.fixture
def people(organisation):
    finance = Department.objects.create(organisation=organisation, name="Finance")
    for number in range(1, 4):
        Person.objects.create(
            organisation=organisation,
            email=f"person{number}@acme.example",
            name=f"Person {number}",
            department=finance,
        )
    return finance


def test_sign_in_then_home_organisation_and_registers(visit, organisation, member, people):
    user = member(organisation, Role.ISMS_MANAGER, password=PASSWORD)
    visit.sign_in(user, PASSWORD)
    page = visit.page
    assert page.get_by_role("link", name="Acme Ltd").is_visible(), "the portfolio lists acme"
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Acme Ltd"), "readiness")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Registers").first, "registers")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="People", exact=True), "people")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="person2@acme.example"), "record")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Edit"), "edit")
    visit.check_accessibility()
    page.get_by_label("job_title").fill("Accountant")
    visit.follow(page.get_by_role("button", name="Save"), "saved")
    assert page.get_by_text("Accountant").first.is_visible()
    history = page.locator(".history")
    assert history.get_by_text(user.get_username()).first.is_visible(), "history names the editor"
    assert Person.objects.get(email="person2@acme.example").job_title == "Accountant"


def test_a_viewer_sees_no_edit_control(visit, organisation, member, people):
    visit.signed_in_as(member(organisation, Role.VIEWER))
    record = Person.objects.get(email="person1@acme.example")
    visit.open(f"/orgs/acme/registers/people/{record.pk}/", "record-as-viewer")
    assert visit.page.get_by_role("link", name="Edit").count() == 0


def test_the_keyboard_reaches_the_main_controls(visit, organisation, member, people):
    visit.signed_in_as(member(organisation, Role.ISMS_MANAGER))
    visit.open("/orgs/acme/registers/people/", "people")
    page = visit.page
    wanted = ["Sign out", "Registers", "Search", "person1@acme.example", "New record"]
    reached = []
    for _ in range(150):  # Tab until every control was reached (or give up)
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " const label = e.labels && e.labels.length ? e.labels[0].innerText : '';"
                " return (e.tagName + ' ' + (label || e.innerText || e.value || '')).trim(); }"
            )
        )
        if all(any(name in stop for stop in reached) for name in wanted):
            break
    assert "A Skip to content" in reached[0], "the first Tab is the skip link"
    for name in wanted:
        assert any(name in stop for stop in reached), f"Tab never reached {name!r}: {reached}"
    visit.shoot("keyboard-focus")


def test_home_and_a_list_fit_a_phone(visit, organisation, member, people):
    visit.page.set_viewport_size(PHONE)
    visit.signed_in_as(member(organisation, Role.ISMS_MANAGER))
    visit.open("/", "home-phone")
    visit.no_horizontal_scroll()
    visit.open("/orgs/acme/registers/people/", "people-phone")
    visit.no_horizontal_scroll()
