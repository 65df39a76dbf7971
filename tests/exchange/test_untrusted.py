"""The limited child reads a file exactly as ``isms import`` reads it in-process: the same
sheets, rows and typed cells (dates, formulas), and the same problems."""

import datetime as dt

import openpyxl
import pytest

from isms.exchange import untrusted
from isms.exchange.readers import FormulaCell, ReadError, read_path


def test_the_child_reads_what_the_parent_would(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["email", "name", "joined_on", "left_on", "note"])
    sheet.append(["a@acme.example", "Ann", dt.date(2024, 1, 2), dt.datetime(2026, 3, 4, 5, 6), 7])
    sheet.append(["b@acme.example", "Bo", None, None, "=1+1"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    child = untrusted.read_untrusted(path)
    parent = read_path(path)
    assert [(s.name, s.header, s.rows, s.row_label) for s in child] == [
        (s.name, s.header, s.rows, s.row_label) for s in parent
    ]
    assert any(isinstance(v, FormulaCell) for _, row in child[0].rows for v in row.values())


def test_the_readers_problems_come_back_as_problems(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook at all")
    with pytest.raises(ReadError) as in_process:
        read_path(path)
    with pytest.raises(ReadError) as in_child:
        untrusted.read_untrusted(path)
    assert [p.message for p in in_child.value.problems] == [
        p.message for p in in_process.value.problems
    ]


def test_a_file_that_needs_more_than_the_limit_kills_only_the_child(tmp_path, monkeypatch):
    monkeypatch.setattr(untrusted, "CHILD_MEMORY_BYTES", 16 * 1024 * 1024)
    path = tmp_path / "people.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ReadError) as refused:
        untrusted.read_untrusted(path)
    assert "within the limits" in refused.value.problems[0].message
