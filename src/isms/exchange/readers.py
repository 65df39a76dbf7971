"""Reading a workbook, a folder of CSV files or a YAML file into sheets of raw rows.

Readers never trust the file: size and row limits are enforced, and a file that cannot be read
becomes a problem report, not a crash.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from isms.exchange.problems import Problem

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS_PER_SHEET = 200_000
IGNORED_SHEETS = {"instructions", "lists", "read me", "readme"}


@dataclass
class Sheet:
    """A sheet as read: its name, header and rows, each row with its number in the source."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    #: How rows are numbered in messages: "row" (spreadsheets, CSV) or "item" (YAML lists).
    row_label: str = "row"


class ReadError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def read_path(path: Path) -> list[Sheet]:
    """Read an .xlsx workbook, a .yaml/.yml file or a folder of .csv files."""
    if not path.exists():
        raise ReadError([Problem(str(path), message="no such file or folder")])
    if path.is_dir():
        return read_csv_folder(path)
    _check_size(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path.read_bytes(), path.name)
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path.read_text(encoding="utf-8", errors="replace"), path.name)
    if suffix == ".csv":
        return [read_csv(path.read_bytes(), path.stem, path.name)]
    raise ReadError(
        [Problem(path.name, message="expected an .xlsx workbook, a .yaml file or a folder of .csv")]
    )


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError(
            [Problem(path.name, message=f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        )


def _header(values: list) -> list[str]:
    header = [str(value).strip() if value is not None else "" for value in values]
    while header and not header[-1]:
        header.pop()
    return header


def _rows(name: str, header: list[str], raw_rows, first_row: int) -> list[tuple[int, dict]]:
    rows = []
    for number, values in enumerate(raw_rows, start=first_row):
        if number - first_row >= MAX_ROWS_PER_SHEET:
            raise ReadError(
                [Problem(name, message=f"more than {MAX_ROWS_PER_SHEET} rows; split the import")]
            )
        row = {
            column: values[index] if index < len(values) else None
            for index, column in enumerate(header)
            if column
        }
        if any(value not in (None, "") for value in row.values()):
            rows.append((number, row))
    return rows


def read_xlsx(content: bytes, source: str = "workbook") -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for name in workbook.sheet_names:
            if name.strip().lower() in IGNORED_SHEETS:
                continue
            data = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if not data:
                sheets.append(Sheet(name, []))
                continue
            header = _header(data[0])
            sheets.append(Sheet(name, header, _rows(name, header, data[1:], first_row=2)))
        return sheets
    except (CalamineError, ValueError, OSError) as error:
        raise ReadError(
            [Problem(source, message=f"not a readable .xlsx workbook ({error})")]
        ) from None


def read_csv(content: bytes, sheet_name: str, source: str) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(
            [Problem(source, message="not UTF-8 text; save the CSV as UTF-8")]
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        data = list(reader)
    except csv.Error as error:
        raise ReadError([Problem(source, message=f"not valid CSV ({error})")]) from None
    if not data:
        return Sheet(sheet_name, [])
    header = _header(data[0])
    return Sheet(sheet_name, header, _rows(source, header, data[1:], first_row=2))


def read_csv_folder(folder: Path) -> list[Sheet]:
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise ReadError([Problem(str(folder), message="the folder holds no .csv files")])
    sheets = []
    for path in files:
        _check_size(path)
        sheets.append(read_csv(path.read_bytes(), path.stem, path.name))
    return sheets


def read_yaml(text: str, source: str = "YAML") -> list[Sheet]:
    """A mapping of sheet name to a list of rows (mappings of column to value)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ReadError([Problem(source, message=f"not valid YAML ({error})")]) from None
    if not isinstance(data, dict):
        raise ReadError(
            [Problem(source, message="expected a mapping of sheet names to lists of rows")]
        )
    sheets, problems = [], []
    for name, items in data.items():
        name = str(name)
        if items is None:
            items = []
        if not isinstance(items, list):
            problems.append(Problem(name, message="expected a list of rows"))
            continue
        header: list[str] = []
        rows = []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        name,
                        number,
                        message="expected a mapping of column to value",
                        row_label="item",
                    )
                )
                continue
            for column in item:
                if str(column) not in header:
                    header.append(str(column))
            rows.append((number, {str(key): value for key, value in item.items()}))
        if len(rows) > MAX_ROWS_PER_SHEET:
            problems.append(Problem(name, message=f"more than {MAX_ROWS_PER_SHEET} rows"))
        sheets.append(Sheet(name, header, rows, row_label="item"))
    if problems:
        raise ReadError(problems)
    return sheets
