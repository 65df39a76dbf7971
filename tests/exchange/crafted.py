"""Hostile files, built by hand in the tests: workbooks whose zip directory or sheet XML says
what a spreadsheet program never would, zip bombs, and a memory-capped reader to prove bounds."""

import io
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Member:
    """One zip member as written: its compressed bytes and what its headers declare."""

    name: str
    data: bytes
    method: int  # 0 stored, 8 deflated
    crc: int
    size: int


def stored(name: str, content: bytes) -> Member:
    return Member(name, content, 0, zlib.crc32(content), len(content))


def deflated(name: str, content: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(
        name, packer.compress(content) + packer.flush(), 8, zlib.crc32(content), len(content)
    )


def repeated_zeros(name: str, mebibytes: int) -> Member:
    """A deflated member of ``mebibytes`` MiB of zeros, built without inflating it: one MiB is
    compressed with a full flush (which makes the block independent) and repeated."""
    block = b"\0" * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    return Member(name, piece * mebibytes + end, 8, crc, len(block) * mebibytes)


def zip_bytes(members: list[Member]) -> bytes:
    """A zip archive written field by field, so the headers say exactly what a test wants."""
    out = io.BytesIO()
    central = []
    for member in members:
        name = member.name.encode()
        offset = out.tell()
        fields = (20, 0, 0, member.method, 0, 33, member.crc, len(member.data), member.size)
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fields, len(name), 0))
        out.write(name + member.data)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, *fields, len(name), 0, 0, 0, 0, 0, offset
            )
            + name
        )
    start = out.tell()
    out.write(b"".join(central))
    size = out.tell() - start
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), size, start, 0)
    )
    return out.getvalue()


def workbook_members(sheets: dict[str, str]) -> list[Member]:
    """The parts of a minimal workbook around worksheet XML bodies (``<sheetData>`` and all)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    entries = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0"?><workbook xmlns="{SPREADSHEET}" xmlns:r="{RELATIONSHIPS}">'
        f"<sheets>{entries}</sheets></workbook>"
    )
    targets = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    rels = f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}">{targets}</Relationships>'
    members = [
        deflated("[Content_Types].xml", types.encode()),
        deflated("_rels/.rels", root_rels.encode()),
        deflated("xl/workbook.xml", workbook.encode()),
        deflated("xl/_rels/workbook.xml.rels", rels.encode()),
    ]
    for n, body in enumerate(sheets.values(), start=1):
        xml = f'<?xml version="1.0"?><worksheet xmlns="{SPREADSHEET}">{body}</worksheet>'
        members.append(deflated(f"xl/worksheets/sheet{n}.xml", xml.encode()))
    return members


def workbook(sheets: dict[str, str], extra: list[Member] = ()) -> bytes:
    return zip_bytes(workbook_members(sheets) + list(extra))


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def rows(*cells_by_row: tuple[int, str]) -> str:
    """``<sheetData>`` from (row number, cells XML) pairs."""
    body = "".join(f'<row r="{number}">{cells}</row>' for number, cells in cells_by_row)
    return f"<sheetData>{body}</sheetData>"


def capped_read(path: Path, mebibytes: int = 768) -> subprocess.CompletedProcess:
    """Read ``path`` with ``read_path`` in a child process whose address space is capped, so a
    reader that tried to allocate gigabytes would fail (MemoryError or an aborted process)
    instead of passing. Prints the problems, or OK and the number of sheets."""
    script = textwrap.dedent(
        f"""
        import resource
        limit = {mebibytes} * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from pathlib import Path
        from isms.exchange.readers import ReadError, read_path
        try:
            sheets = read_path(Path({str(path)!r}))
        except ReadError as error:
            for problem in error.problems:
                print("PROBLEM", problem)
        else:
            print("OK", len(sheets))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
