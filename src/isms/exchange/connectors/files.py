"""Reading an export file as the importer reads an upload: only a regular file (never a link,
pipe or device), no larger than :data:`limits.MAX_FILE_BYTES`, strict UTF-8, no more than
:data:`limits.MAX_ROWS_PER_SHEET` records and :data:`limits.MAX_COLUMNS` columns. Records are
streamed one at a time; nothing here holds the whole file."""

import codecs
import contextlib
import csv
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from isms.exchange import limits
from isms.exchange.problems import Problem, printable


class ConnectorError(Exception):
    """The export cannot be used; nothing was written. ``problems`` locate each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def bad(
    source: str, message: str, line: int | None = None, column: str | None = None, label="line"
):
    return ConnectorError([Problem(source, line, column, message, row_label=label)])


@contextlib.contextmanager
def open_export(path: Path):
    """A binary handle on ``path``: a regular file, opened without following a link or blocking
    on a pipe, measured once open (the path may have been swapped since it was named)."""
    path = Path(path)
    source = path.name
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise bad(str(path), "no such file") from None
    except OSError as error:
        if os.path.islink(path):
            raise bad(source, "a symbolic link; refused without following it") from None
        raise bad(source, f"cannot be read ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise bad(source, "not a regular file; refused")
        if info.st_size > limits.MAX_FILE_BYTES:
            raise bad(
                source, f"file is {info.st_size:,} bytes; the limit is {limits.MAX_FILE_BYTES:,}"
            )
        yield _Bounded(handle, source)


class _Bounded(io.RawIOBase):
    """Reads stop with an error past MAX_FILE_BYTES (the file may grow while it is read)."""

    def __init__(self, handle, source: str):
        self.handle, self.source, self.read_bytes = handle, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.handle.readinto(buffer)
        self.read_bytes += count or 0
        if self.read_bytes > limits.MAX_FILE_BYTES:
            raise bad(self.source, f"file grew past the limit of {limits.MAX_FILE_BYTES:,} bytes")
        return count


def text_of(raw, source: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.BufferedReader(raw), encoding="utf-8-sig", errors="strict", newline=""
    )


def header_name(text: str) -> str:
    """A header cell reduced for matching: case, spaces, punctuation and a trailing bracketed
    note ("Email Address [Required]") ignored."""
    text = re.sub(r"\[[^\]]*\]\s*$", "", text)
    return re.sub(r"[^a-z0-9]", "", text.lower())


def csv_records(
    path: Path, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...], progress=None
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Yield ``(line, values, columns)`` per data record of a CSV export. ``wanted`` maps our
    field names to the header names (any alias) that carry them; ``values`` holds only those
    fields; ``columns`` maps each field to the header as the file spells it (for messages)."""
    with open_export(path) as raw:
        text = text_of(raw, path.name)
        reader = csv.reader(text)
        try:
            first = next(reader, None)
            if first is None:
                raise bad(path.name, "the file is empty; expected a header line")
            if len(first) > limits.MAX_COLUMNS:
                raise bad(path.name, f"{len(first)} columns; the limit is {limits.MAX_COLUMNS}", 1)
            positions = {
                header_name(cell): index for index, cell in reversed(list(enumerate(first)))
            }
            found: dict[str, int] = {}
            columns: dict[str, str] = {}
            for field, aliases in wanted.items():
                for alias in aliases:
                    if header_name(alias) in positions:
                        found[field] = positions[header_name(alias)]
                        columns[field] = printable(first[found[field]].strip(), 80)
                        break
            missing = [wanted[field][0] for field in required if field not in found]
            if missing:
                raise bad(
                    path.name,
                    f"required column(s) missing: {', '.join(missing)} "
                    f"(the header has: {printable(', '.join(first), 300)})",
                    1,
                )
            count = 0
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                count += 1
                if count > limits.MAX_ROWS_PER_SHEET:
                    raise bad(
                        path.name,
                        f"more than {limits.MAX_ROWS_PER_SHEET:,} records; the limit is "
                        f"{limits.MAX_ROWS_PER_SHEET:,}: split the export",
                        reader.line_num,
                    )
                if len(record) > limits.MAX_COLUMNS:
                    raise bad(
                        path.name,
                        f"{len(record)} fields; the limit is {limits.MAX_COLUMNS}",
                        reader.line_num,
                    )
                values = {
                    field: record[index].strip() if index < len(record) else ""
                    for field, index in found.items()
                }
                if progress and count % 10_000 == 0:
                    progress(count)
                yield reader.line_num, values, columns
        except csv.Error as error:
            raise bad(path.name, f"not valid CSV: {error}", reader.line_num) from None
        except UnicodeDecodeError:
            raise not_utf8(path) from None


def not_utf8(path: Path) -> ConnectorError:
    """Where the first byte that is not UTF-8 is: the decoder reads ahead of the records, so
    the file is scanned again, chunk by chunk, to name the right line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    with open_export(path) as raw:
        while chunk := raw.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                lines += chunk.count(b"\n", 0, max(error.start, 0))
                return bad(
                    path.name,
                    f"not UTF-8 text: byte {offset + max(error.start, 0):,} is not valid UTF-8; "
                    "save the export as UTF-8",
                    lines,
                )
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return bad(path.name, "not UTF-8 text; save the export as UTF-8")


def read_all(path: Path) -> str:
    """The whole (small) text file, for formats that are not line records (JSON)."""
    with open_export(path) as raw:
        try:
            return text_of(raw, path.name).read()
        except UnicodeDecodeError:
            raise not_utf8(path) from None
