"""Crafted hostile input: every file is refused with the exact problem, by sheet (or file), row
and column, before anything is loaded or written; the organisation is left as it was.

The files are built here, by hand (see crafted.py). The resource bombs are also read in a child
process with a capped address space, which proves the bound rather than trusting it."""

import datetime as dt
import os
import signal
import zlib
from contextlib import contextmanager

import pytest
import yaml
from django.utils import timezone
from openpyxl import Workbook

from isms.core.registers import all_registers
from isms.exchange import limits
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected, Problem
from isms.exchange.readers import ReadError, read_path
from isms.people.models import Department, Person
from isms.risk.models import Risk, RiskMethod
from tests.exchange.crafted import (
    Member,
    capped_read,
    deflated,
    repeated_zeros,
    rows,
    stored,
    text_cell,
    workbook,
    workbook_members,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

NOT_REGULAR = "not a regular file; refused without opening it (links are not followed)"
LATIN_E = "é".encode("latin-1")
PEOPLE_HEADER = text_cell("A1", "email") + text_cell("B1", "name")


@pytest.fixture
def org(organisation):
    """An organisation with records, so 'nothing written' means something."""
    department = Department.objects.create(organisation=organisation, name="Engineering")
    Person.objects.create(
        organisation=organisation, email="kept@acme.example", name="Kept", department=department
    )
    RiskMethod.objects.create(
        organisation=organisation,
        name="Method",
        likelihood_levels=5,
        impact_levels=5,
        acceptance_threshold=6,
        high_threshold=15,
        approved_on=dt.date(2025, 1, 10),
    )
    return organisation


def snapshot(org) -> dict[str, list[str]]:
    """Every register row of the organisation, as stored."""
    return {
        register.sheet: sorted(map(repr, register.model.objects.filter(organisation=org).values()))
        for register in all_registers()
    }


def refused(org, path) -> list[str]:
    """The problems importing ``path`` gives; asserts that nothing was written."""
    before = snapshot(org)
    with pytest.raises((ReadError, ImportRejected)) as error:
        import_sheets(org, read_path(path))
    assert snapshot(org) == before
    return [str(problem) for problem in error.value.problems]


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging (a FIFO opened for reading blocks until a writer comes)."""

    def expire(*_):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- workbooks: extents ----------------------------------------------------------------------


def test_a_workbook_declaring_every_cell_of_a_sheet_is_refused_under_a_memory_cap(tmp_path, org):
    """1.6 KB with A1 and XFD1048576 used to abort the process in the Rust allocator."""
    body = '<dimension ref="A1:XFD1048576"/>' + rows(
        (1, text_cell("A1", "email")), (1048576, text_cell("XFD1048576", "x"))
    )
    path = write(tmp_path, "corner.xlsx", workbook({"People": body}))
    assert path.stat().st_size < 2000
    message = (
        "People: the sheet declares 1,048,576 rows x 16,384 columns (A1:XFD1048576); the "
        "limits are 200,001 rows, 100 columns and 4,000,000 cells (refused before reading it)"
    )
    assert refused(org, path) == [message]
    child = capped_read(path, mebibytes=512)
    assert (child.returncode, child.stdout) == (0, f"PROBLEM {message}\n"), child.stderr


def test_a_declared_extent_of_a_few_gigabytes_is_refused_before_reading(tmp_path, org):
    body = '<dimension ref="A1:XFD8000"/>' + rows((1, PEOPLE_HEADER))
    path = write(tmp_path, "wide.xlsx", workbook({"People": body}))
    assert refused(org, path) == [
        "People: the sheet declares 8,000 rows x 16,384 columns (A1:XFD8000); the limits are "
        "200,001 rows, 100 columns and 4,000,000 cells (refused before reading it)"
    ]
    child = capped_read(path, mebibytes=512)
    assert child.stdout.startswith("PROBLEM People: the sheet declares 8,000 rows"), child.stderr


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (  # a small declared extent does not hide a far cell
            rows((1, PEOPLE_HEADER), (2, text_cell("XFD2", "x"))),
            "a cell in column XFD (column 16,384); the limit is 100 columns",
        ),
        (
            "<sheetData><row>" + PEOPLE_HEADER + '</row><row><c r="A1048576"/></row></sheetData>',
            "more than 200000 rows (a row numbered 1,048,576); split the import",
        ),
        (
            rows((1, PEOPLE_HEADER), (2, "<c/>" * 101)),  # cells without a reference count on
            "a cell in column CW (column 101); the limit is 100 columns",
        ),
        (
            rows((1, PEOPLE_HEADER), (200_001, text_cell("CV200001", "x"))),
            "its cells span 200,001 rows x 100 columns; the limit is 4,000,000 cells",
        ),
    ],
)
def test_the_real_extent_is_measured_while_streaming(tmp_path, org, cells, message):
    body = '<dimension ref="A1:B2"/>' + cells
    path = write(tmp_path, "far.xlsx", workbook({"People": body}))
    assert refused(org, path) == [f"People: {message}"]


# -- workbooks: the archive ------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_inflating_under_a_memory_cap(tmp_path, org):
    bomb = repeated_zeros("xl/media/image1.bin", 300)
    members = [*workbook_members({"People": rows((1, PEOPLE_HEADER))}), bomb]
    path = write(tmp_path, "bomb.xlsx", zip_bytes(members))
    assert path.stat().st_size < 400_000
    total = sum(member.size for member in members)
    message = (
        f"bomb.xlsx: the archive would inflate to {total:,} bytes; the limit is "
        f"{limits.MAX_INFLATED_BYTES:,} (refused before inflating)"
    )
    assert refused(org, path) == [message]
    child = capped_read(path, mebibytes=512)
    assert (child.returncode, child.stdout) == (0, f"PROBLEM {message}\n"), child.stderr


def test_a_member_compressed_beyond_the_ratio_is_refused(tmp_path, org):
    zeros = deflated("xl/media/zeros.bin", b"\0" * (2 * 1024 * 1024))
    path = write(tmp_path, "dense.xlsx", workbook({"People": rows((1, PEOPLE_HEADER))}, [zeros]))
    ratio = zeros.size // len(zeros.data)
    assert refused(org, path) == [
        f"dense.xlsx: member 'xl/media/zeros.bin' is compressed {ratio:,} to 1 (2,097,152 "
        "bytes); the limit is 100 to 1 (refused before inflating)"
    ]


def test_a_member_that_inflates_past_its_declared_size_is_refused(tmp_path, org):
    """The directory claims 1,000 bytes (with their CRC); the data inflates to 4 MiB."""
    content = b"\0" * (4 * 1024 * 1024)
    liar = deflated("xl/sharedStrings.xml", content)
    liar = Member(liar.name, liar.data, 8, zlib.crc32(content[:1000]), 1000)
    path = write(tmp_path, "liar.xlsx", workbook({"People": rows((1, PEOPLE_HEADER))}, [liar]))
    assert refused(org, path) == [
        "liar.xlsx: member 'xl/sharedStrings.xml' does not inflate to the 1,000 bytes it "
        "declares (a damaged file or a zip bomb)"
    ]


def test_an_archive_of_too_many_members_is_refused_from_its_end_record(tmp_path, org):
    extra = [stored(f"xl/media/{n}.bin", b"") for n in range(limits.MAX_ZIP_MEMBERS)]
    path = write(tmp_path, "many.xlsx", workbook({"People": rows((1, PEOPLE_HEADER))}, extra))
    directory = sum(46 + len(member.name) for member in [*workbook_members({"People": ""}), *extra])
    assert refused(org, path) == [
        f"many.xlsx: the archive has {limits.MAX_ZIP_MEMBERS + 5:,} members ({directory:,} "
        "bytes of directory); the limit is 1,000 members"
    ]


def test_xml_entities_are_refused(tmp_path, org):
    members = workbook_members({"People": rows((1, PEOPLE_HEADER))})
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">]>'
        f'<worksheet xmlns="{"http://schemas.openxmlformats.org/spreadsheetml/2006/main"}">'
        "<sheetData/></worksheet>"
    )
    members[-1] = deflated("xl/worksheets/sheet1.xml", laughs.encode())
    path = write(tmp_path, "entities.xlsx", zip_bytes(members))
    assert refused(org, path) == [
        "entities.xlsx: member 'xl/worksheets/sheet1.xml' declares a document type (entities "
        "are refused)"
    ]


# -- workbooks: formulas ---------------------------------------------------------------------


def test_a_formula_without_a_saved_result_is_an_error_naming_the_cell(tmp_path, org):
    book = Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["email", "name"])
    sheet.append(["jane@acme.example", '=UPPER("jane")'])  # openpyxl saves no result
    book.save(tmp_path / "formula.xlsx")
    assert refused(org, tmp_path / "formula.xlsx") == [
        "People, row 2, column name: cell B2 holds a formula ('=UPPER(\"jane\")') with no saved "
        "result; the importer reads values, not formulas, so the formula's text would be lost: "
        "type the value instead (or paste as values)"
    ]


def test_a_formula_with_a_saved_result_is_an_error_too(tmp_path, org):
    formula = '<c r="B2" t="str"><f>"Jane"&amp;" Doe"</f><v>Jane Doe</v></c>'
    body = rows((1, PEOPLE_HEADER), (2, text_cell("A2", "jane@acme.example") + formula))
    path = write(tmp_path, "cached.xlsx", workbook({"People": body}))
    assert refused(org, path) == [
        'People, row 2, column name: cell B2 holds a formula (\'="Jane"&" Doe"\'); the '
        "importer reads values, not formulas, so the formula's text would be lost: type the "
        "value instead (or paste as values)"
    ]


def test_a_formula_in_a_computed_column_is_ignored_like_the_column(tmp_path, org):
    header = "".join(
        text_cell(f"{letter}1", name)
        for letter, name in zip(
            "ABCDEF",
            ["ref", "title", "likelihood", "impact", "treatment", "inherent_score"],
            strict=True,
        )
    )
    row = (
        text_cell("A2", "R-1") + text_cell("B2", "Phishing") + '<c r="C2"><v>2</v></c>'
        '<c r="D2"><v>3</v></c>' + text_cell("E2", "modify") + '<c r="F2"><f>C2*D2</f><v>6</v></c>'
    )
    path = write(tmp_path, "scores.xlsx", workbook({"Risks": rows((1, header), (2, row))}))
    import_sheets(org, read_path(path))
    assert Risk.objects.get(organisation=org, ref="R-1").inherent_score == 6


def test_a_formula_in_the_header_row_is_refused(tmp_path, org):
    body = rows(
        (1, text_cell("A1", "email") + '<c r="B1" t="str"><f>"na"&amp;"me"</f><v>name</v></c>')
    )
    path = write(tmp_path, "header.xlsx", workbook({"People": body}))
    assert refused(org, path) == ["People, row 1: the header row holds a formula"]


# -- folders of CSV and the import path --------------------------------------------------------


def test_links_pipes_and_folders_named_csv_are_refused_by_name_never_opened(tmp_path, org):
    outside = tmp_path / "shadow"
    outside.write_text("root:$6$secret-hash:19000:0:99999:7:::\n")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "departments.csv").write_text("name\nFinance\n")
    (folder / "people.csv").symlink_to(outside)
    (folder / "systems.csv").symlink_to("/dev/zero")
    os.mkfifo(folder / "suppliers.csv")
    (folder / "training_courses.csv").mkdir()
    with deadline(5):
        problems = refused(org, folder)
    assert problems == [
        f"people.csv: a symbolic link, {NOT_REGULAR}",
        f"suppliers.csv: a named pipe (FIFO), {NOT_REGULAR}",
        f"systems.csv: a symbolic link, {NOT_REGULAR}",
        f"training_courses.csv: a folder, {NOT_REGULAR}",
    ]
    assert not any("secret" in problem for problem in problems)


def test_the_import_path_itself_must_be_a_regular_file_or_folder(tmp_path, org):
    good = tmp_path / "good.yaml"
    good.write_text("Departments:\n  - {name: Finance}\n")
    (tmp_path / "link.yaml").symlink_to(good)
    (tmp_path / "folder-link").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    with deadline(5):
        assert refused(org, tmp_path / "link.yaml") == [
            f"link.yaml: a symbolic link, {NOT_REGULAR}"
        ]
        assert refused(org, tmp_path / "folder-link") == [
            f"folder-link: a symbolic link, {NOT_REGULAR}"
        ]
        assert refused(org, tmp_path / "pipe.yaml") == [
            f"pipe.yaml: a named pipe (FIFO), {NOT_REGULAR}"
        ]


def test_csv_that_is_not_utf8_names_the_byte_and_line(tmp_path, org):
    content = "email,name\nz@acme.example,Zoé\n".encode("latin-1")
    folder = tmp_path / "csv"
    folder.mkdir()
    write(folder, "people.csv", content)
    assert refused(org, folder) == [
        f"people.csv: not UTF-8 text: byte {content.index(LATIN_E)} (line 2) is not valid "
        "UTF-8; save the CSV as UTF-8"
    ]


# -- YAML --------------------------------------------------------------------------------------


def test_deep_yaml_is_refused_not_a_recursion_error(tmp_path, org):
    path = write(tmp_path, "deep.yaml", b"People: " + b"[" * 100_000 + b"]" * 100_000)
    assert refused(org, path) == [
        "deep.yaml: refused YAML: nested more than 10 levels deep (line 1, column 18)"
    ]


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_yaml_is_refused_under_a_memory_cap(tmp_path, org):
    path = write(tmp_path, "laughs.yaml", BILLION_LAUGHS.encode())
    message = (
        "laughs.yaml: refused YAML: an alias (*a) to a list or mapping is not allowed; write "
        "the rows out (line 2, column 8)"
    )
    assert refused(org, path) == [message]
    child = capped_read(path, mebibytes=512)
    assert (child.returncode, child.stdout) == (0, f"PROBLEM {message}\n"), child.stderr


def test_an_alias_to_a_single_value_is_fine(tmp_path, org):
    """yaml.safe_dump writes one for a date object it meets twice."""
    day = dt.date(2024, 1, 1)
    text = yaml.safe_dump(
        {
            "People": [
                {"email": f"{n}@acme.example", "name": n, "start_date": day} for n in ("ann", "bob")
            ]
        }
    )
    assert "*id001" in text
    import_sheets(org, read_path(write(tmp_path, "dates.yaml", text.encode())))
    assert Person.objects.filter(organisation=org, start_date=day).count() == 2


def test_an_alias_to_a_long_value_is_refused(tmp_path, org):
    """Measured: 9 MB of YAML repeating two 10,000-character values by alias expanded to 4 GB
    of cell text that passed every cell check."""
    long = "x" * 65
    text = (
        f"People:\n  - {{email: a@acme.example, name: &n {long}}}\n"
        "  - {email: b@acme.example, name: *n}\n"
    )
    path = write(tmp_path, "aliases.yaml", text.encode())
    [problem] = refused(org, path)
    assert "an alias (*n) to a value of more than 64 characters is not allowed" in problem


def test_yaml_that_is_not_utf8_names_the_byte_and_line(tmp_path, org):
    content = b"People:\n  - {email: z@acme.example, name: Zo\xe9}\n"
    path = write(tmp_path, "latin.yaml", content)
    assert refused(org, path) == [
        f"latin.yaml: not UTF-8 text: byte {content.index(LATIN_E)} (line 2) is not valid "
        "UTF-8; save the YAML as UTF-8"
    ]


def test_a_yaml_cell_is_a_single_value(tmp_path, org):
    path = write(tmp_path, "list.yaml", b"People:\n  - {email: a@acme.example, name: [A, B]}\n")
    assert refused(org, path) == [
        "People, item 1, column name: expected a single value (text, number, date or yes/no), "
        "got a list"
    ]


# -- cells -------------------------------------------------------------------------------------

RLO = "\u202e"
CONTROL = "control characters are not allowed"
BIDI = (
    "bidirectional controls are allowed only in free text, not in names, keys, emails or references"
)
INVISIBLE = (
    "tabs, line breaks and invisible characters are not allowed in keys, references, emails or "
    "choices"
)


def yaml_rows(tmp_path, sheet: str, *rows_: dict):
    return write(tmp_path, "cells.yaml", yaml.safe_dump({sheet: list(rows_)}).encode())


def test_nul_is_refused_in_csv_and_yaml_and_never_stored(tmp_path, org):
    folder = tmp_path / "csv"
    folder.mkdir()
    write(folder, "people.csv", b"email,name\nnul@acme.example,An\x00n\n")
    assert refused(org, folder) == [
        f"people, row 2, column name: U+0000 (NUL) at character 3: {CONTROL}"
    ]
    path = write(tmp_path, "nul.yaml", b'People:\n  - {email: nul@acme.example, name: "An\\0n"}\n')
    assert refused(org, path) == [
        f"People, item 1, column name: U+0000 (NUL) at character 3: {CONTROL}"
    ]
    assert not Person.objects.filter(email="nul@acme.example").exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            {"email": "ann@acme.example", "name": f"Ann {RLO}nnA"},
            "name",
            f"U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5: {BIDI}",
        ),
        (
            {"email": f"ann{RLO}@acme.example", "name": "Ann"},
            "email",
            f"U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4: {BIDI}",
        ),
        (
            {"email": "ann@acme.example", "name": "Ann", "department": "Engineering\u2066"},
            "department",
            f"U+2066 (LEFT-TO-RIGHT ISOLATE) at character 12: {BIDI}",
        ),
        (
            {"email": "a\u200bnn@acme.example", "name": "Ann"},
            "email",
            f"U+200B (ZERO WIDTH SPACE) at character 2: {INVISIBLE}",
        ),
        (
            {"email": "ann@acme.example", "name": "Ann\x1b[2J"},
            "name",
            f"U+001B at character 4: {CONTROL}",
        ),
        (
            {"email": "ann@acme.example", "name": "Ann", "kind": "employee\tx"},
            "kind",
            f"U+0009 (TAB) at character 9: {INVISIBLE}",
        ),
        (
            {"email": "ann@acme.example", "name": "x" * 100_000},
            "name",
            "at most 200 characters, got 100000",
        ),
    ],
)
def test_bad_characters_are_refused_by_sheet_row_and_column(tmp_path, org, row, column, message):
    path = yaml_rows(tmp_path, "People", row)
    assert refused(org, path) == [f"People, item 1, column {column}: {message}"]


def test_free_text_may_hold_bidirectional_text_but_not_controls_or_100k_characters(tmp_path, org):
    method = {"name": "Bidi method", "acceptance_threshold": 6, "high_threshold": 15}
    hebrew = "\u05e9\u05dc\u05d5\u05dd \u200f(ISO 27001)\u200f"
    import_sheets(
        org, read_path(yaml_rows(tmp_path, "Risk method", {**method, "description": hebrew}))
    )
    assert RiskMethod.objects.get(organisation=org, name="Bidi method").description == hebrew
    path = yaml_rows(tmp_path, "Risk method", {**method, "description": "y" * 100_000})
    assert refused(org, path) == [
        "Risk method, item 1, column description: at most 10000 characters (the limit for any "
        "cell), got 100000"
    ]


def test_dates_outside_1970_to_ten_years_ahead_are_refused(tmp_path, org):
    latest = limits.latest_date(timezone.localdate())
    book = Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["email", "name", "start_date", "leave_date"])
    sheet.append(["old@acme.example", "Old", dt.date(1900, 1, 1), None])
    sheet.append(["new@acme.example", "New", dt.date(2020, 1, 1), "2100-01-01"])
    book.save(tmp_path / "dates.xlsx")
    accepted = (
        f"outside the dates accepted, 1970-01-01 to {latest.isoformat()} (10 years from today)"
    )
    assert refused(org, tmp_path / "dates.xlsx") == [
        f"People, row 2, column start_date: 1900-01-01 is {accepted}",
        f"People, row 3, column leave_date: 2100-01-01 is {accepted}",
    ]


def test_risk_levels_outside_the_method_and_absurd_ones_are_refused(tmp_path, org):
    """Likelihood 99 on a 5-level method was imported (score 297); now every level must lie on
    the scales of the method in force, that of the same file if it brings one. A level no scale
    has, or one whose score would overflow its column, is refused whatever the method."""
    risk = {"ref": "R-1", "title": "Phishing", "treatment": "modify"}
    path = yaml_rows(tmp_path, "Risks", {**risk, "likelihood": 99, "impact": 3})
    method = RiskMethod.objects.get(organisation=org)
    assert refused(org, path) == [
        f"Risks, item 1, column likelihood: 99 is not a level of the risk method "
        f"{method.name!r} (1..{method.likelihood_levels})"
    ]
    assert not Risk.objects.filter(organisation=org, ref="R-1").exists()
    # A file bringing its own wider method is checked against that one.
    wide = {"name": method.name, "likelihood_levels": 10, "impact_levels": 5}
    wide |= {"acceptance_threshold": 6, "high_threshold": 15}
    both = tmp_path / "both.yaml"
    both.write_text(
        yaml.safe_dump({"risk_method": [wide], "risks": [{**risk, "likelihood": 9, "impact": 3}]})
    )
    import_sheets(org, read_path(both))
    assert Risk.objects.get(organisation=org, ref="R-1").inherent_score == 27
    RiskMethod.objects.filter(organisation=org).delete()  # no method: only the absolute caps
    path = yaml_rows(
        tmp_path,
        "Risks",
        {**risk, "ref": "R-2", "likelihood": 200, "impact": 200, "residual_impact": 101},
    )
    assert refused(org, path) == [
        "Risks, item 1, column impact: 200 is more than 100, the most levels a risk scale may have",
        "Risks, item 1, column likelihood: 200 is more than 100, the most levels a risk scale "
        "may have",
        "Risks, item 1, column residual_impact: 101 is more than 100, the most levels a risk "
        "scale may have",
    ]
    path = yaml_rows(tmp_path, "Risks", {**risk, "ref": "R-2", "likelihood": 40_000, "impact": 3})
    assert refused(org, path) == [
        "Risks, item 1, column likelihood: number too large: 40000 (at most 32767)"
    ]
    method = {
        "name": "Percent",
        "likelihood_levels": 1000,
        "impact_levels": 5,
        "acceptance_threshold": 6,
        "high_threshold": 15,
    }
    assert refused(org, yaml_rows(tmp_path, "Risk method", method)) == [
        "Risk method, item 1, column likelihood_levels: at most 100 levels"
    ]


# -- what reaches the terminal ------------------------------------------------------------------


def test_problems_never_print_control_or_bidirectional_characters():
    problem = Problem(f"Peo{RLO}ple", 2, "na\x1bme", "unknown sheet")
    assert str(problem) == "Peo\\u202eple, row 2, column na\\x1bme: unknown sheet"
    assert problem.as_dict()["sheet"] == "Peo\\u202eple"


# -- the command line --------------------------------------------------------------------------


def test_the_cli_exits_2_with_every_problem_and_writes_nothing(tmp_path, org):
    from typer.testing import CliRunner

    from isms.cli.app import app

    folder = tmp_path / "[red]csv"
    folder.mkdir()
    os.mkfifo(folder / "people.csv")
    write(folder, "departments.csv", b"name\nR\xe9D\n")
    before = snapshot(org)
    with deadline(5):
        result = CliRunner().invoke(
            app, ["import", str(folder), "--org", org.slug], catch_exceptions=False
        )
    assert result.exit_code == 2
    assert "[red]csv: 1 problem(s); nothing was imported" in result.output
    assert f"people.csv: a named pipe (FIFO), {NOT_REGULAR}" in result.output
    assert snapshot(org) == before
    (folder / "people.csv").unlink()
    result = CliRunner().invoke(
        app, ["import", str(folder), "--org", org.slug, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert '"sheet": "departments.csv"' in result.output
    assert snapshot(org) == before
