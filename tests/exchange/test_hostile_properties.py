"""Properties of the hardened importer over arbitrary input: any text in any cell either imports
or is refused with problems (never another exception), nothing refused is ever stored, and any
bytes given as a CSV, YAML or workbook file are read or refused with a ReadError."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isms.exchange import limits
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import ReadError, read_path
from isms.people.models import Department, Person
from isms.risk.models import RiskMethod
from tests.exchange.conftest import as_sheets
from tests.exchange.crafted import rows, text_cell, workbook

pytestmark = pytest.mark.django_db

#: Text biased towards what breaks importers: controls, NUL, bidi and invisible characters,
#: surrogates, line breaks, formula triggers and long runs, mixed with ordinary letters.
NASTY = st.sampled_from(
    ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200f", "\u200b", "\ufeff",
     "\ud800", "\t", "\n", "\r", "=", "'", "|", " / ", "é", "\u05e9", "😀"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(NASTY, st.text(max_size=5)), max_size=12).map("".join),
    st.integers(0, 12_000).map(lambda n: "x" * n),
)
PROPERTY = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def stored_text(organisation) -> list[str]:
    people = Person.objects.filter(organisation=organisation).values_list("email", "name")
    departments = Department.objects.filter(organisation=organisation).values_list("name")
    methods = RiskMethod.objects.filter(organisation=organisation).values_list("description")
    return [text for row in [*people, *departments, *methods] for text in row if text]


@PROPERTY
@given(key=TEXT, name=TEXT, description=TEXT)
def test_any_text_imports_or_is_refused_and_nothing_refused_is_stored(
    organisation, key, name, description
):
    sheets = as_sheets(
        {
            "Departments": [{"name": key}],
            "People": [{"email": "p@acme.example", "name": name, "department": key}],
            "Risk method": [
                {
                    "name": "Method",
                    "acceptance_threshold": 6,
                    "high_threshold": 15,
                    "description": description,
                }
            ],
        }
    )
    try:
        import_sheets(organisation, sheets)
    except ImportRejected as rejected:
        assert rejected.problems
        assert all(problem.sheet and problem.message for problem in rejected.problems)
    for text in stored_text(organisation):
        assert not limits.FORBIDDEN_ANYWHERE.search(text), repr(text)
        assert len(text) <= limits.MAX_CELL_CHARS


@PROPERTY
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".yaml", ".xlsx"]))
def test_any_bytes_are_read_or_refused(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"people{suffix}"
    path.write_bytes(content)
    try:
        read_path(path)
    except ReadError as error:
        assert error.problems and all(str(problem) for problem in error.problems)


def _valid_workbook() -> bytes:
    header = text_cell("A1", "email") + text_cell("B1", "name")
    body = rows((1, header), (2, text_cell("A2", "a@acme.example") + text_cell("B2", "Ann")))
    return workbook({"People": body})


VALID = _valid_workbook()


@PROPERTY
@given(
    data=st.data(),
    edits=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8),
)
def test_a_damaged_workbook_is_read_or_refused(tmp_path_factory, data, edits):
    damaged = bytearray(VALID)
    for position, value in edits:
        damaged[position] = value
    if data.draw(st.booleans(), "truncate"):
        damaged = damaged[: data.draw(st.integers(0, len(damaged)), "length")]
    path = tmp_path_factory.mktemp("xlsx") / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    try:
        read_path(path)
    except ReadError as error:
        assert error.problems


def test_the_workbook_damaged_above_is_read_when_intact(tmp_path):
    path = tmp_path / "intact.xlsx"
    path.write_bytes(VALID)
    [sheet] = read_path(path)
    assert (sheet.name, sheet.header, sheet.rows) == (
        "People",
        ["email", "name"],
        [(2, {"email": "a@acme.example", "name": "Ann"})],
    )
