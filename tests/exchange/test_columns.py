"""Every cell value, whatever its type, parses or fails with a CellError: never a crash."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isms.core.registers import all_registers
from isms.exchange.columns import CellError, Kind, column_for, columns_of
from isms.risk.models import Risk, TreatmentAction

CELLS = st.one_of(
    st.none(),
    st.text(max_size=400),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
ALL_COLUMNS = [column for register in all_registers() for column in columns_of(register)]


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(ALL_COLUMNS) - 1), raw=CELLS)
def test_any_cell_parses_or_raises_cell_error(index, raw):
    column = ALL_COLUMNS[index]
    try:
        column.parse(raw)
    except CellError as error:
        assert str(error)


def register_of(model):
    return next(r for r in all_registers() if r.model is model)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("likelihood", 4.0, 4),
        ("likelihood", " 3 ", 3),
        ("last_assessed_on", dt.datetime(2026, 3, 1, 0, 0), dt.date(2026, 3, 1)),
        ("last_assessed_on", "2026-03-01", dt.date(2026, 3, 1)),
        ("last_assessed_on", "2026-03-01 00:00:00", dt.date(2026, 3, 1)),
        ("treatment", "Modify", "modify"),
        ("treatment", "Retain (accept)", "retain"),
        ("controls", "8.8 | 8.9", ["8.8", "8.9"]),
        ("controls", "", []),
        ("title", "'=1+1", "=1+1"),
    ],
)
def test_cells_are_read_leniently_where_unambiguous(name, raw, expected):
    assert column_for(register_of(Risk), name).parse(raw) == expected


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("likelihood", 2.5, "expected a whole number"),
        ("likelihood", -1, "0 or more"),
        ("last_assessed_on", "31/02/2026", "expected a date"),
        ("last_assessed_on", "2026-02-31", "expected a date"),
        ("treatment", "ignore", "expected one of modify, retain, avoid, share"),
        ("controls", "8.8|8.8", "listed more than once: 8.8"),
        ("title", "x" * 301, "at most 300 characters"),
    ],
)
def test_bad_cells_say_what_was_expected(name, raw, message):
    with pytest.raises(CellError, match=message):
        column_for(register_of(Risk), name).parse(raw)


def test_decimals_are_exact():
    budget = column_for(register_of(TreatmentAction), "budget")
    assert budget.parse("12,500.5") == Decimal("12500.50")
    assert budget.parse(0.1) == Decimal("0.10")
    assert budget.format(Decimal("12000.00")) == 12000
    with pytest.raises(CellError, match="expected a number"):
        budget.parse("twelve")
    with pytest.raises(CellError, match="too large"):
        budget.parse("1e20")


def test_column_kinds_are_derived_from_fields():
    kinds = {c.name: c.kind for c in columns_of(register_of(Risk))}
    assert kinds["owner"] is Kind.REFERENCE
    assert kinds["controls"] is Kind.REFERENCES
    assert kinds["treatment"] is Kind.CHOICE
    assert kinds["inherent_score"] is Kind.INTEGER
    required = {c.name for c in columns_of(register_of(Risk)) if c.required}
    assert required == {"ref", "title", "likelihood", "impact", "treatment"}
