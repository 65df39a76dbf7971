"""Reading a workbook, a folder of CSV files or a YAML file into sheets of raw rows.

Readers never trust the file. Only regular files are opened (never a symbolic link, pipe or
device); a workbook's archive and sheets are measured before anything is inflated or loaded;
text must be valid UTF-8; YAML may not use anchors, aliases or deep nesting. Every limit is in
:mod:`isms.exchange.limits`. A file that cannot be read becomes a problem report, not a crash.
"""

import csv
import datetime as dt
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import yaml

from isms.exchange import limits
from isms.exchange.problems import Problem, printable

# Kept importable from here: other modules read them as readers.MAX_...
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_ROWS_PER_SHEET = limits.MAX_ROWS_PER_SHEET
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


def _bad(source: str, message: str) -> ReadError:
    """A ReadError with one problem about a whole file or sheet."""
    return ReadError([Problem(source, message=message)])


def read_path(path: Path) -> list[Sheet]:
    """Read an .xlsx workbook, a .yaml/.yml file or a folder of .csv files."""
    path = Path(path)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        raise _bad(str(path), "no such file or folder") from None
    except OSError as error:
        raise _bad(str(path), f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        return read_csv_folder(path)
    if not stat.S_ISREG(mode):
        raise _bad(path.name, _refused(mode))
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".xlsm", ".yaml", ".yml", ".csv"}:
        raise _bad(path.name, "expected an .xlsx workbook, a .yaml file or a folder of .csv")
    content = _read_regular_file(path, path.name)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(content, path.name)
    if suffix in {".yaml", ".yml"}:
        return read_yaml(content, path.name)
    return [read_csv(content, path.stem, path.name)]


def _refused(mode: int) -> str:
    """Why a path that is not a regular file is refused (it is never opened or followed)."""
    if stat.S_ISLNK(mode):
        what = "a symbolic link"
    elif stat.S_ISDIR(mode):
        what = "a folder"
    elif stat.S_ISFIFO(mode):
        what = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        what = "not a regular file"
    return f"{what}, not a regular file; refused without opening it (links are not followed)"


def _read_regular_file(path: Path, source: str, limit: int = limits.MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, opened without following a link or blocking on a pipe, and
    checked again once open (the path may have been swapped since it was looked at)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise _bad(source, _refused(stat.S_IFLNK)) from None
        raise _bad(source, f"cannot be read ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        mode, size = (info := os.fstat(handle.fileno())).st_mode, info.st_size
        if not stat.S_ISREG(mode):
            raise _bad(source, _refused(mode))
        content = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(content) > limit:
        raise _bad(source, f"file is {max(size, len(content)):,} bytes; the limit is {limit:,}")
    return content


def _header(values: list) -> list[str]:
    header = [str(value).strip() if value is not None else "" for value in values]
    while header and not header[-1]:
        header.pop()
    return header


def _check_header(name: str, header: list[str]) -> None:
    if len(header) > limits.MAX_COLUMNS:
        raise _bad(name, f"{len(header)} columns; the limit is {limits.MAX_COLUMNS}")


def _rows(name: str, header: list[str], raw_rows, first_row: int) -> list[tuple[int, dict]]:
    rows = []
    for number, values in enumerate(raw_rows, start=first_row):
        if number - first_row >= limits.MAX_ROWS_PER_SHEET:
            raise _bad(name, f"more than {limits.MAX_ROWS_PER_SHEET} rows; split the import")
        row = {
            column: values[index] if index < len(values) else None
            for index, column in enumerate(header)
            if column
        }
        if any(value not in (None, "") for value in row.values()):
            rows.append((number, row))
    return rows


# -- workbooks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormulaCell:
    """A workbook cell that holds a formula: refused on import, since only its value would be
    read and its text lost."""

    ref: str
    formula: str
    has_result: bool

    def problem(self) -> str:
        shown = f"={self.formula}" if self.formula else "a shared formula"
        if len(shown) > 60:
            shown = shown[:57] + "..."
        result = "" if self.has_result else " with no saved result"
        return (
            f"cell {self.ref} holds a formula ({printable(shown)!r}){result}; the importer "
            "reads values, not formulas, so the formula's text would be lost: type the value "
            "instead (or paste as values)"
        )


def read_xlsx(content: bytes, source: str = "workbook") -> list[Sheet]:
    """Sheets of a workbook: the archive and every sheet are measured first (sizes, extents,
    formulas) without loading anything, then calamine reads a rebuilt copy of exactly the
    members that were measured, row by row."""
    from python_calamine import CalamineWorkbook

    checked = _check_workbook(content, source)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(checked.archive))
        names = workbook.sheet_names
    except BaseException as error:  # calamine raises its own errors, and Rust panics
        raise _unreadable(source, error) from None
    sheets = []
    for name in names:
        if _ignored(name):
            continue
        if name not in checked.formulas:
            raise _bad(source, f"sheet {name!r} has no worksheet part")
        try:
            sheet = workbook.get_sheet_by_name(name)
            start = sheet.start
            first_column = start[1] if start else 0
            raw_rows = _with_formulas(sheet.iter_rows(), first_column, checked.formulas[name])
            first = next(raw_rows, [])
            if any(isinstance(value, FormulaCell) for value in first):
                raise ReadError([Problem(name, 1, message="the header row holds a formula")])
            header = _header(first)
            _check_header(name, header)
            sheets.append(Sheet(name, header, _rows(name, header, raw_rows, first_row=2)))
        except ReadError:
            raise
        except BaseException as error:
            raise _unreadable(source, error) from None
    return sheets


def _ignored(name: str) -> bool:
    return name.strip().lower() in IGNORED_SHEETS


def _unreadable(source: str, error: BaseException) -> BaseException:
    if isinstance(error, KeyboardInterrupt | SystemExit):
        return error
    detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    return _bad(source, f"not a readable .xlsx workbook ({detail})")


def _with_formulas(raw_rows, first_column: int, formulas: dict[tuple[int, int], FormulaCell]):
    """Calamine's rows as lists from column A, with formula cells put in their places.

    ``iter_rows`` yields every row from row 1 but its columns from the first used one."""
    by_row: dict[int, list[tuple[int, FormulaCell]]] = defaultdict(list)
    for (row, column), formula in formulas.items():
        by_row[row].append((column, formula))
    for index, values in enumerate(raw_rows):
        values = [""] * first_column + list(values)
        for column, formula in by_row.get(index + 1, ()):
            if column > len(values):
                values.extend([""] * (column - len(values)))
            values[column - 1] = formula
        yield values


@dataclass
class _CheckedWorkbook:
    #: The archive rebuilt from the members that were checked (what calamine reads).
    archive: bytes
    #: Per sheet name (except ignored sheets): its formula cells by (row, column), from 1.
    formulas: dict[str, dict[tuple[int, int], FormulaCell]]


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_CHUNK = 256 * 1024
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01


def _check_workbook(content: bytes, source: str) -> _CheckedWorkbook:
    """Measure the archive from its directory, then stream every member once: worksheets
    through the extent and formula scan, the rest only to prove they inflate to what their
    directory entry declares. Raises ReadError on the first limit passed."""
    _check_directory_size(content, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise _unreadable(source, error) from None
    except (struct.error, UnicodeDecodeError, KeyError, IndexError, NotImplementedError) as error:
        raise _unreadable(source, error) from None
    _check_archive(infos, source)
    members = {info.filename: info for info in infos}
    parts = _sheet_parts(content, members, source)
    formulas: dict[str, dict[tuple[int, int], FormulaCell]] = {}
    scanned = set()
    for name, member in parts.items():
        if _ignored(name) or member not in members:
            continue
        chunks = _inflate(content, members[member], source)
        scan = _parse_xml(
            chunks, member, source, lambda parser, name=name: _SheetScan(name, parser), False
        )
        formulas[name] = scan.formulas
        scanned.add(member)
    for info in infos:
        if info.filename not in scanned:
            for _chunk in _inflate(content, info, source):
                pass
    return _CheckedWorkbook(_rebuild(content, infos), formulas)


def _check_directory_size(content: bytes, source: str) -> None:
    """The member count from the end record, before zipfile builds an entry for each."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        record = end_record(io.BytesIO(content))
    except (OSError, struct.error, ValueError, zipfile.BadZipFile):
        return  # zipfile reports it
    entries = record[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)] if record else 0
    directory = record[getattr(zipfile, "_ECD_SIZE", 5)] if record else 0
    if entries > limits.MAX_ZIP_MEMBERS or directory > limits.MAX_ZIP_MEMBERS * 1024:
        raise _bad(
            source,
            f"the archive has {entries:,} members ({directory:,} bytes of directory); the "
            f"limit is {limits.MAX_ZIP_MEMBERS:,} members",
        )


def _check_archive(infos: list[zipfile.ZipInfo], source: str) -> None:
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise _bad(
            source,
            f"the archive has {len(infos):,} members; the limit is {limits.MAX_ZIP_MEMBERS:,}",
        )
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _bad(source, "the archive names a member twice")
    total = sum(info.file_size for info in infos)
    if total > limits.MAX_INFLATED_BYTES:
        raise _bad(
            source,
            f"the archive would inflate to {total:,} bytes; the limit is "
            f"{limits.MAX_INFLATED_BYTES:,} (refused before inflating)",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise _bad(source, f"member {info.filename!r} is encrypted; save without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bad(
                source,
                f"member {info.filename!r} uses compression method {info.compress_type}; "
                "save the workbook again from a spreadsheet program",
            )
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.RATIO_CHECKED_ABOVE and ratio > limits.MAX_COMPRESSION_RATIO:
            raise _bad(
                source,
                f"member {info.filename!r} is compressed {ratio:,} to 1 "
                f"({info.file_size:,} bytes); the limit is "
                f"{limits.MAX_COMPRESSION_RATIO} to 1 (refused before inflating)",
            )


def _data_start(content: bytes, info: zipfile.ZipInfo, source: str) -> int:
    offset = info.header_offset
    header = content[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise _bad(source, f"member {info.filename!r} has no local header")
    fields = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    if start + info.compress_size > len(content):
        raise _bad(source, f"member {info.filename!r} is truncated")
    return start


def _inflate(content: bytes, info: zipfile.ZipInfo, source: str) -> Iterator[bytes]:
    """A member's data in chunks, never more than the size its directory entry declares, and
    checked to be exactly that size with the declared CRC."""
    start = _data_start(content, info, source)
    data = memoryview(content)[start : start + info.compress_size]
    produced, crc = 0, 0

    def lie() -> ReadError:
        return _bad(
            source,
            f"member {info.filename!r} does not inflate to the {info.file_size:,} bytes it "
            "declares (a damaged file or a zip bomb)",
        )

    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise lie()
        for index in range(0, len(data), _CHUNK):
            chunk = bytes(data[index : index + _CHUNK])
            crc = zlib.crc32(chunk, crc)
            yield chunk
        produced = len(data)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for index in range(0, len(data), _CHUNK):
                pending = bytes(data[index : index + _CHUNK])
                while pending:
                    chunk = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                    produced += len(chunk)
                    if produced > info.file_size:
                        raise lie()
                    crc = zlib.crc32(chunk, crc)
                    if chunk:
                        yield chunk
                    if inflater.eof:
                        break
                if inflater.eof:
                    break
            while not inflater.eof:
                chunk = inflater.decompress(b"", _CHUNK)
                if not chunk:
                    break
                produced += len(chunk)
                if produced > info.file_size:
                    raise lie()
                crc = zlib.crc32(chunk, crc)
                yield chunk
        except zlib.error:
            raise _bad(source, f"member {info.filename!r} is damaged") from None
        if not inflater.eof:
            raise lie()
    if produced != info.file_size or crc != info.CRC:
        raise lie()


def _rebuild(content: bytes, infos: list[zipfile.ZipInfo]) -> bytes:
    """A plain archive of exactly the checked members (their compressed data copied, not
    re-compressed): calamine then reads what was measured, whatever tricks the original's
    directory played."""
    out = io.BytesIO()
    central = []
    for info in infos:
        start = _data_start(content, info, "")
        name = info.filename.encode("utf-8")
        offset = out.tell()
        common = (
            0x800,
            info.compress_type,
            0,
            _DOS_DATE,
            info.CRC,
            info.compress_size,
            info.file_size,
            len(name),
            0,
        )
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, *common))
        out.write(name)
        out.write(content[start : start + info.compress_size])
        central.append(
            _CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 0, 20, 0, *common, 0, 0, 0, 0, offset)
        )
        central.append(name)
    directory = out.tell()
    out.write(b"".join(central))
    size = out.tell() - directory
    out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(infos), len(infos), size, directory, 0))
    return out.getvalue()


def _local(name: str) -> str:
    """An element or attribute name without its namespace (expat gives 'uri local')."""
    return name.rpartition(" ")[2]


def _parse_xml(chunks, member: str, source: str, make_handler, namespaces: bool = True):
    """Stream XML through expat, refusing a document type declaration (entities).

    ``make_handler(parser)`` sets the element handlers it needs and is returned."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
    parser.buffer_text = True

    def refuse(*_args):
        raise _bad(source, f"member {member!r} declares a document type (entities are refused)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    handler = make_handler(parser)
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _bad(source, f"member {member!r} is not well-formed XML ({error})") from None
    return handler


class _Collect:
    """Collects (element local name, attributes by local name) for the wanted elements."""

    def __init__(self, wanted: set[str], parser):
        self.wanted = wanted
        self.found: list[tuple[str, dict[str, str]]] = []
        parser.StartElementHandler = self.start

    def start(self, name, attributes):
        local = _local(name)
        if local in self.wanted:
            self.found.append((local, {_local(k): v for k, v in attributes.items()}))


def _read_part(content, members, member, source, wanted) -> list[tuple[str, dict[str, str]]]:
    if member not in members:
        return []
    chunks = _inflate(content, members[member], source)
    return _parse_xml(chunks, member, source, lambda parser: _Collect(wanted, parser)).found


def _relationships(content, members, part: str, source: str) -> dict[str, str]:
    """A part's relationships: id -> target member name."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", file + ".rels")
    targets = {}
    for _, attributes in _read_part(content, members, rels, source, {"Relationship"}):
        if attributes.get("TargetMode") == "External" or "Target" not in attributes:
            continue
        target = attributes["Target"]
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        targets[attributes.get("Id", "")] = target
    return targets


def _sheet_parts(content: bytes, members: dict, source: str) -> dict[str, str]:
    """Sheet name -> worksheet member, from the workbook part and its relationships."""
    workbook = "xl/workbook.xml"
    for _, attributes in _read_part(content, members, "_rels/.rels", source, {"Relationship"}):
        if attributes.get("Type", "").endswith("/officeDocument") and "Target" in attributes:
            workbook = attributes["Target"].lstrip("/")
    if workbook not in members:
        raise _bad(source, "not a readable .xlsx workbook (it has no workbook part)")
    targets = _relationships(content, members, workbook, source)
    parts = {}
    for _, attributes in _read_part(content, members, workbook, source, {"sheet"}):
        name, target = attributes.get("name"), targets.get(attributes.get("id", ""))
        if name is not None and target is not None:
            parts[name] = target
    return parts


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_DIGITS = "0123456789"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


#: Column letters within the limit -> column number: one dictionary look-up per cell.
_COLUMNS = {
    spelling: number
    for number in range(1, limits.MAX_COLUMNS + 1)
    for spelling in (_column_letters(number), _column_letters(number).lower())
}


class _SheetScan:
    """Expat handlers for one worksheet: its declared and real extent, and its formula cells.

    Raises ReadError (through expat) at the first element past a limit, so a huge sheet is
    refused after reading its first bytes, never loaded. The handlers run once per element, so
    the common path (a cell with a reference and no formula) does as little as it can; the
    text and end handlers are only installed inside a formula cell."""

    def __init__(self, sheet: str, parser):
        self.sheet = sheet
        self.parser = parser
        self.row = 0
        self.column = 0
        self.max_row = 0
        self.max_column = 0
        self.formulas: dict[tuple[int, int], FormulaCell] = {}
        self.cell: tuple[int, int] = (0, 0)
        self.formula_parts: list[str] = []
        self.in_formula = False
        self.in_value = False
        self.has_value = False
        parser.StartElementHandler = self.start

    def refuse(self, message: str) -> ReadError:
        return _bad(self.sheet, message)

    def position(self, ref: str) -> tuple[int, int]:
        """(row, column) of a reference like B7, from 1; past-limit ones are refused."""
        letters = ref.rstrip(_DIGITS)
        column = _COLUMNS.get(letters)
        digits = ref[len(letters) :]
        if column is None or not digits.isdigit() or len(digits) > 7:
            match = _CELL_REF.fullmatch(ref)
            if not match:
                raise self.refuse(f"cell reference {printable(ref[:20])!r} is not a cell")
            letters, digits = match.groups()
            column = _column_number(letters)
        row = int(digits)
        self.check(row, column)
        return row, column

    def check(self, row: int, column: int) -> None:
        if row > limits.MAX_ROWS_PER_SHEET + 1:
            raise self.refuse(
                f"more than {limits.MAX_ROWS_PER_SHEET} rows (a row numbered {row:,}); "
                "split the import"
            )
        if column > limits.MAX_COLUMNS:
            raise self.refuse(
                f"a cell in column {_column_letters(column)} (column {column:,}); the limit is "
                f"{limits.MAX_COLUMNS} columns"
            )
        if row < 1:
            raise self.refuse("a cell in row 0")
        if row > self.max_row or column > self.max_column:
            self.max_row, self.max_column = max(row, self.max_row), max(column, self.max_column)
            if self.max_row * self.max_column > limits.MAX_CELLS_PER_SHEET:
                raise self.refuse(
                    f"its cells span {self.max_row:,} rows x {self.max_column:,} columns; the "
                    f"limit is {limits.MAX_CELLS_PER_SHEET:,} cells"
                )

    def declared(self, ref: str) -> None:
        last = ref.split(":")[-1]
        match = _CELL_REF.fullmatch(last)
        if not match:
            raise self.refuse(f"the sheet declares an extent that is not a range: {ref[:40]!r}")
        row, column = int(match[2]), _column_number(match[1])
        if (
            row > limits.MAX_ROWS_PER_SHEET + 1
            or column > limits.MAX_COLUMNS
            or row * column > limits.MAX_CELLS_PER_SHEET
        ):
            raise self.refuse(
                f"the sheet declares {row:,} rows x {column:,} columns "
                f"({printable(ref[:40])}); the limits are {limits.MAX_ROWS_PER_SHEET + 1:,} "
                f"rows, {limits.MAX_COLUMNS} columns and {limits.MAX_CELLS_PER_SHEET:,} cells "
                "(refused before reading it)"
            )

    def start(self, name, attributes):
        if name == "c" or name.endswith(":c"):
            ref = attributes.get("r")
            if ref is None:
                self.column += 1
                self.check(max(self.row, 1), self.column)
                self.cell = (max(self.row, 1), self.column)
            else:
                self.cell = self.position(ref)
                self.column = self.cell[1]
        elif name == "v" or name.endswith(":v") or name == "is" or name.endswith(":is"):
            pass
        elif name == "row" or name.endswith(":row"):
            ref = attributes.get("r")
            if ref is not None and not ref.isdigit():
                raise self.refuse(f"row number {printable(ref[:20])!r} is not a number")
            self.row = int(ref) if ref is not None else self.row + 1
            self.column = 0
            self.check(self.row, 1)
        elif name == "f" or name.endswith(":f"):
            if self.cell != (0, 0) and self.cell not in self.formulas:
                self.formula_parts = []
                self.in_formula, self.in_value, self.has_value = True, False, False
                self.parser.CharacterDataHandler = self.text
                self.parser.EndElementHandler = self.end
                self.parser.StartElementHandler = self.start_in_formula_cell
        elif (name == "dimension" or name.endswith(":dimension")) and "ref" in attributes:
            self.declared(attributes["ref"])

    def start_in_formula_cell(self, name, attributes):
        if name == "v" or name.endswith(":v"):
            self.in_value = True

    def end(self, name):
        local = name.rpartition(":")[2]
        if local == "f":
            self.in_formula = False
        elif local == "v":
            self.in_value = False
        elif local == "c":
            row, column = self.cell
            self.formulas[self.cell] = FormulaCell(
                f"{_column_letters(column)}{row}",
                "".join(self.formula_parts)[:200],
                self.has_value,
            )
            self.parser.CharacterDataHandler = None
            self.parser.EndElementHandler = None
            self.parser.StartElementHandler = self.start

    def text(self, data):
        if self.in_formula:
            if sum(len(part) for part in self.formula_parts) < 200:
                self.formula_parts.append(data)
        elif self.in_value and data.strip():
            self.has_value = True


# -- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes, source: str, what: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start + (3 if content.startswith(b"\xef\xbb\xbf") else 0)
        line = content.count(b"\n", 0, start) + 1
        raise _bad(
            source,
            f"not UTF-8 text: byte {start} (line {line}) is not valid UTF-8; "
            f"save the {what} as UTF-8",
        ) from None


def read_csv(content: bytes, sheet_name: str, source: str) -> Sheet:
    text = _decode(content, source, "CSV")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except (csv.Error, ValueError, TypeError, IndexError):
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        first = next(reader, None)
        if first is None:
            return Sheet(sheet_name, [])
        header = _header(first)
        _check_header(source, header)
        rows = _rows(source, header, reader, first_row=2)
    except csv.Error as error:
        raise _bad(source, f"not valid CSV (line {reader.line_num}: {error})") from None
    return Sheet(sheet_name, header, rows)


def read_csv_folder(folder: Path) -> list[Sheet]:
    try:
        entries = sorted(
            (entry for entry in os.scandir(folder) if entry.name.lower().endswith(".csv")),
            key=lambda entry: entry.name,
        )
    except OSError as error:
        raise _bad(str(folder), f"cannot be read ({error.strerror})") from None
    if not entries:
        raise _bad(str(folder), "the folder holds no .csv files")
    if len(entries) > limits.MAX_CSV_FILES:
        raise _bad(str(folder), f"{len(entries)} .csv files; the limit is {limits.MAX_CSV_FILES}")
    problems, regular = [], []
    for entry in entries:
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISREG(mode):
            regular.append(entry)
        else:
            problems.append(Problem(entry.name, message=_refused(mode)))
    if problems:
        raise ReadError(problems)
    sheets, total = [], 0
    for entry in regular:
        content = _read_regular_file(Path(entry.path), entry.name)
        total += len(content)
        if total > limits.MAX_FOLDER_BYTES:
            raise _bad(
                str(folder),
                f"the .csv files hold more than {limits.MAX_FOLDER_BYTES:,} bytes together; "
                "split the import",
            )
        name = entry.name[: -len(".csv")]
        sheets.append(read_csv(content, name, entry.name))
    return sheets


# -- YAML ----------------------------------------------------------------------------------------


class _RefusedYaml(Exception):
    def __init__(self, message: str, mark):
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        super().__init__(message + where)


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a bounded depth and aliases only to single values.

    Composing is recursive, so the depth is counted before each node is composed. An alias to
    a list or mapping is refused: that is what "billion laughs" files expand (a row or cell
    that stands for many). An alias to a short single value is kept (``yaml.safe_dump`` writes
    one for every date object it sees twice); to a long one it is refused, or a small file
    of aliases could stand for gigabytes of text."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None and not isinstance(target, yaml.ScalarNode):
                raise _RefusedYaml(
                    f"an alias (*{printable(str(event.anchor), 40)}) to a list or mapping is "
                    "not allowed; write the rows out",
                    event.start_mark,
                )
            if target is not None and len(target.value) > limits.MAX_YAML_ALIAS_CHARS:
                raise _RefusedYaml(
                    f"an alias (*{printable(str(event.anchor), 40)}) to a value of more than "
                    f"{limits.MAX_YAML_ALIAS_CHARS} characters is not allowed (aliases would let "
                    "a small file stand for a huge one); write the value out",
                    event.start_mark,
                )
        nested = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nested:
            self.depth += 1
            if self.depth > limits.MAX_YAML_DEPTH:
                raise _RefusedYaml(
                    f"nested more than {limits.MAX_YAML_DEPTH} levels deep", event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1


#: What a YAML cell may hold (safe_load also makes bytes, sets, lists and mappings).
_YAML_SCALARS = (str, int, float, bool, type(None), dt.date)


def _load_yaml(text: str, source: str):
    loader = None
    try:
        loader = _SafeLoader(text)
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:
        raise _bad(
            source,
            f"not valid YAML: U+{error.character:04X} at character {error.position + 1} is not "
            "allowed in YAML",
        ) from None
    except _RefusedYaml as error:
        raise _bad(source, f"refused YAML: {error}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = error.problem or error.context or "cannot be parsed"
        raise _bad(source, f"not valid YAML: {problem}{where}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as error:
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise _bad(source, f"not valid YAML ({detail})") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(text: str | bytes, source: str = "YAML") -> list[Sheet]:
    """A mapping of sheet name to a list of rows (mappings of column to value)."""
    if isinstance(text, bytes):
        text = _decode(text, source, "YAML")
    data = _load_yaml(text, source)
    if not isinstance(data, dict):
        raise _bad(source, "expected a mapping of sheet names to lists of rows")
    sheets, problems = [], []
    for name, items in data.items():
        name = str(name)
        if items is None:
            items = []
        if not isinstance(items, list):
            problems.append(Problem(name, message="expected a list of rows"))
            continue
        if len(items) > limits.MAX_ROWS_PER_SHEET:
            problems.append(Problem(name, message=f"more than {limits.MAX_ROWS_PER_SHEET} rows"))
            continue
        header: dict[str, None] = {}
        rows = []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                message = "expected a mapping of column to value"
                problems.append(Problem(name, number, message=message, row_label="item"))
                continue
            row = {}
            for column, value in item.items():
                column = str(column)
                if not isinstance(value, _YAML_SCALARS):
                    message = (
                        "expected a single value (text, number, date or yes/no), "
                        f"got {_yaml_kind(value)}"
                    )
                    problems.append(Problem(name, number, column, message, row_label="item"))
                    continue
                header[column] = None
                row[column] = value
            if len(header) > limits.MAX_COLUMNS:
                break
            rows.append((number, row))
        if len(header) > limits.MAX_COLUMNS:
            message = f"more than {limits.MAX_COLUMNS} columns; the limit is {limits.MAX_COLUMNS}"
            problems.append(Problem(name, message=message))
            continue
        sheets.append(Sheet(name, list(header), rows, row_label="item"))
    if problems:
        raise ReadError(problems)
    return sheets


def _yaml_kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    return f"a {type(value).__name__}"
