"""Bulk import in a real browser: a workbook with errors, every problem shown, fixed, imported."""

import io

from openpyxl import Workbook

from isms.core.permissions import Role
from isms.people.models import Department, Person


def _workbook(path, people_rows):
    book = Workbook()
    book.remove(book.active)
    departments = book.create_sheet("Departments")
    departments.append(["name"])
    departments.append(["Finance"])
    people = book.create_sheet("People")
    people.append(["email", "name", "department"])
    for row in people_rows:
        people.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_workbook_with_errors_is_fixed_then_imported(visit, organisation, member, tmp_path):
    visit.signed_in_as(member(organisation, Role.ISMS_MANAGER))
    page = visit.page
    visit.open("/orgs/acme/registers/", "registers")
    visit.follow(page.get_by_role("link", name="Import a workbook"), "import")
    visit.check_accessibility()

    broken = _workbook(
        tmp_path / "people.xlsx",
        [["ann@acme.example", "Ann", "Finance"], ["bob", "", "Accounts"]],
    )
    page.get_by_label("File to import").set_input_files(str(broken))
    visit.follow(page.get_by_role("button", name="Check the file"), "problems")
    visit.check_accessibility()
    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 3
    text = problems.all_inner_texts()
    assert any("row 3" in row and "email" in row and "bob" in row for row in text), text
    assert any("row 3" in row and "name" in row for row in text), text
    assert any("row 3" in row and "department" in row and "Accounts" in row for row in text)
    assert page.get_by_role("button", name="Import", exact=True).count() == 0
    assert Person.objects.count() == 0

    fixed = _workbook(
        tmp_path / "people.xlsx",
        [["ann@acme.example", "Ann", "Finance"], ["bob@acme.example", "Bob", "Finance"]],
    )
    page.get_by_label("File to import").set_input_files(str(fixed))
    visit.follow(page.get_by_role("button", name="Check the file"), "preview")
    assert page.get_by_text("is ready to import").is_visible()
    assert Person.objects.count() == 0, "the preview writes nothing"
    visit.follow(page.get_by_role("button", name="Import", exact=True), "imported")
    visit.check_accessibility()
    assert page.get_by_role("heading", name="Imported people.xlsx").is_visible()
    assert sorted(Person.objects.values_list("email", flat=True)) == [
        "ann@acme.example",
        "bob@acme.example",
    ]
    assert Department.objects.get().name == "Finance"
