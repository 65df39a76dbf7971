"""Bulk import in the browser: every problem by sheet, row and column before anything is written;
a clean file previewed, then imported all or nothing; a preview made stale by someone else's
change refused with its row named; the uploaded file kept privately and only until it is used."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from isms.core.permissions import Role
from isms.exchange import untrusted
from isms.people.models import Department, Person
from isms.web.views import imports
from tests.exchange import crafted

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, slug, content: bytes, name="registers.xlsx"):
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(f"/orgs/{slug}/import/", {"workbook": file})


def pending_id(response) -> str:
    found = re.search(rb'name="pending" value="([^"]+)"', response.content)
    assert found, response.content.decode()
    return found.group(1).decode()


def pending_folders() -> list:
    return [p for p in imports.pending_root().iterdir() if p.is_dir()]


def counts(organisation) -> tuple[int, int, int]:
    people = Person.objects.filter(organisation=organisation)
    return (
        people.count(),
        Department.objects.filter(organisation=organisation).count(),
        Person.history.filter(organisation=organisation).count(),
    )


BROKEN = {
    "Departments": [["name", "manager"], ["Finance", "nobody@acme.example"]],
    "People": [
        ["email", "name", "department", "start_date"],
        ["ann@acme.example", "Ann", "Finance", "2024-01-15"],
        ["not-an-email", "Bob", "Finance", "2024-02-01"],
        ["cy@acme.example", "", "Finance", "yesterday"],
    ],
}
FIXED = {
    "Departments": [["name", "manager"], ["Finance", "ann@acme.example"]],
    "People": [
        ["email", "name", "department", "start_date"],
        ["ann@acme.example", "Ann", "Finance", "2024-01-15"],
        ["bob@acme.example", "Bob", "Finance", "2024-02-01"],
        ["cy@acme.example", "Cy", "Finance", "2024-03-01"],
    ],
}


def problem_rows(response) -> list[tuple[str, str, str, str]]:
    """(sheet, row, column, value) of every problem the page lists."""
    html = response.content.decode()
    found = []
    for sheet, table in re.findall(
        r"<h3>([^<]+)</h3>\s*<table class=\"grid problems\">(.*?)</table>", html, re.S
    ):
        for row in re.findall(
            r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S
        ):
            value = re.sub(r"</?code>", "", row[2])
            found.append((sheet, row[0], row[1], value))
    return found


def test_errors_in_two_sheets_are_each_named_and_nothing_is_written(signed_in, organisation):
    client = signed_in(organisation)
    before = counts(organisation)
    response = upload(client, organisation.slug, workbook(BROKEN))
    assert response.status_code == 422
    rows = problem_rows(response)
    assert ("Departments", "row 2", "manager", "nobody@acme.example") in rows
    assert ("People", "row 3", "email", "not-an-email") in rows
    assert ("People", "row 4", "name", "—") in rows
    assert ("People", "row 4", "start_date", "yesterday") in rows
    assert b"Nothing was written" in response.content
    assert b'name="action" value="import"' not in response.content, "no Import button"
    assert counts(organisation) == before
    assert pending_folders() == [], "a file with problems is not kept"


def test_a_fixed_file_is_previewed_then_imported_with_the_uploader_in_history(
    signed_in, organisation
):
    client = signed_in(organisation)
    upload(client, organisation.slug, workbook(BROKEN))
    preview = upload(client, organisation.slug, workbook(FIXED))
    assert preview.status_code == 200, preview.content.decode()
    html = preview.content.decode()
    assert re.search(r"<td>People</td><td class=\"num\">3</td><td class=\"num\">0</td>", html)
    assert re.search(r"<td>Departments</td><td class=\"num\">1</td>", html)
    assert counts(organisation) == (0, 0, 0), "the preview writes nothing"
    [folder] = pending_folders()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    done = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert done.status_code == 200 and b"Imported registers.xlsx" in done.content
    people = Person.objects.filter(organisation=organisation).order_by("email")
    assert [p.email for p in people] == ["ann@acme.example", "bob@acme.example", "cy@acme.example"]
    assert Department.objects.get(organisation=organisation).manager.email == "ann@acme.example"
    assert {h.history_user for h in Person.history.all()} == {client.user}
    assert pending_folders() == [], "the file is deleted once imported"
    again = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert again.status_code == 410, "an import is used once"


def test_a_record_changed_after_the_preview_refuses_the_import_naming_the_row(
    signed_in, organisation
):
    ann = Person.objects.create(organisation=organisation, email="ann@acme.example", name="Ann")
    client = signed_in(organisation)
    content = workbook(
        {
            "People": [
                ["email", "name", "job_title"],
                ["bob@acme.example", "Bob", "Clerk"],
                ["ann@acme.example", "Ann", "Head of finance"],
            ]
        }
    )
    preview = upload(client, organisation.slug, content)
    assert preview.status_code == 200, preview.content.decode()
    assert re.search(
        r"<td>People</td><td class=\"num\">1</td><td class=\"num\">1</td>", preview.content.decode()
    )
    ann.job_title = "Changed by a colleague"
    ann.save()
    refused = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert refused.status_code == 409
    assert ("People", "row 3", "—", "—") in problem_rows(refused)
    assert b"&#x27;ann@acme.example&#x27; was changed by someone else" in refused.content
    ann.refresh_from_db()
    assert ann.job_title == "Changed by a colleague"
    assert not Person.objects.filter(email="bob@acme.example").exists(), "nothing was written"
    checked = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(refused), "action": "check"}
    )
    assert checked.status_code == 200, "checking again previews against the current records"
    done = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(checked), "action": "import"}
    )
    assert done.status_code == 200
    ann.refresh_from_db()
    assert ann.job_title == "Head of finance"


def test_a_record_created_after_the_preview_is_refused(signed_in, organisation):
    client = signed_in(organisation)
    preview = upload(
        client,
        organisation.slug,
        workbook({"People": [["email", "name"], ["new@acme.example", "N"]]}),
    )
    Person.objects.create(organisation=organisation, email="new@acme.example", name="Someone")
    refused = client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert refused.status_code == 409 and b"was created by someone else" in refused.content
    assert Person.objects.get(email="new@acme.example").name == "Someone"


def test_one_registers_csv_imports(signed_in, organisation):
    client = signed_in(organisation)
    csv = b"email,name\nann@acme.example,Ann\n"
    preview = upload(client, organisation.slug, csv, name="people.csv")
    assert preview.status_code == 200, preview.content.decode()
    client.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert Person.objects.filter(organisation=organisation, email="ann@acme.example").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registers.xlsx", b"PK\x03\x04 not really a zip", b"not a readable .xlsx workbook"),
        ("notes.txt", b"hello", b"expected an .xlsx workbook, a .csv file"),
        ("people.csv", b"email,name\n\xff\xfe,x\n", b"UTF-8"),
    ],
)
def test_an_unreadable_file_is_a_message_not_an_error(
    signed_in, organisation, name, content, message
):
    client = signed_in(organisation)
    response = upload(client, organisation.slug, content, name=name)
    assert response.status_code == 422 and message in response.content
    assert pending_folders() == []


def test_a_viewer_sees_no_upload_and_a_forged_post_is_403(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    page = client.get(f"/orgs/{organisation.slug}/import/")
    assert page.status_code == 200
    assert b'type="file"' not in page.content and b"may not import" in page.content
    before = counts(organisation)
    assert upload(client, organisation.slug, workbook(FIXED)).status_code == 403
    assert counts(organisation) == before
    assert not imports.pending_root().exists() or pending_folders() == []


def test_another_organisation_answers_404_and_another_session_cannot_use_a_pending_file(
    signed_in, organisation, other_organisation
):
    outsider = signed_in(other_organisation)
    assert outsider.get(f"/orgs/{organisation.slug}/import/").status_code == 404
    assert upload(outsider, organisation.slug, workbook(FIXED)).status_code == 404
    owner = signed_in(organisation)
    preview = upload(owner, organisation.slug, workbook(FIXED))
    colleague = signed_in(organisation)
    taken = colleague.post(
        f"/orgs/{organisation.slug}/import/", {"pending": pending_id(preview), "action": "import"}
    )
    assert taken.status_code == 410
    assert counts(organisation)[0] == 0


def test_the_blank_workbook_downloads_as_an_attachment(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    response = client.get(f"/orgs/{organisation.slug}/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert {"Instructions", "People", "Departments"} <= set(book.sheetnames)
    registers = signed_in(organisation).get(f"/orgs/{organisation.slug}/registers/")
    assert f"/orgs/{organisation.slug}/import/".encode() in registers.content


def test_an_abandoned_upload_is_deleted_after_it_expires(signed_in, organisation, monkeypatch):
    client = signed_in(organisation)
    upload(client, organisation.slug, workbook(FIXED))
    [folder] = pending_folders()
    monkeypatch.setattr(imports, "PENDING_SECONDS", -1)
    upload(client, organisation.slug, workbook(BROKEN))  # any upload sweeps expired ones
    assert not folder.exists()


def test_the_file_is_read_in_a_child_that_its_limits_stop(signed_in, organisation, monkeypatch):
    """With room for nothing, the child dies before reading; the page says so, nothing kept."""
    monkeypatch.setattr(untrusted, "CHILD_MEMORY_BYTES", 16 * 1024 * 1024)
    client = signed_in(organisation)
    response = upload(client, organisation.slug, workbook(FIXED))
    assert response.status_code == 422
    assert b"registers.xlsx" in response.content
    assert b"could not be read within the limits" in response.content
    assert pending_folders() == [] and counts(organisation) == (0, 0, 0)


def test_pending_files_are_outside_every_served_folder(settings):
    root = imports.pending_root().resolve()
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not root.is_relative_to(Path(served).resolve())
    assert oct(root.stat().st_mode & 0o777) == "0o700"


def test_a_workbook_declaring_every_cell_is_refused_by_the_readers_limits(signed_in, organisation):
    """1.6 KB that would make the reader allocate every cell of a sheet: the same message as
    ``isms import``, nothing kept."""
    body = '<dimension ref="A1:XFD1048576"/>' + crafted.rows(
        (1, crafted.text_cell("A1", "email")), (1048576, crafted.text_cell("XFD1048576", "x"))
    )
    client = signed_in(organisation)
    response = upload(client, organisation.slug, crafted.workbook({"People": body}))
    assert response.status_code == 422
    assert b"the sheet declares 1,048,576 rows x 16,384 columns" in response.content
    assert pending_folders() == []
