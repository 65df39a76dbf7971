"""Reading a file nobody vouches for (a workbook uploaded through the web page) in a child
process with memory and CPU limits: a file that gets past the readers' own checks and still
explodes kills only the child.

The child (``python -I -m isms.exchange.untrusted FILE MEMORY CPU``) limits itself before it
imports anything else, reads with :func:`isms.exchange.readers.read_path` exactly as
``isms import`` does, and prints the sheets as JSON (dates and formula cells tagged), never
pickle: the parent trusts no byte of it beyond JSON."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from isms.exchange.problems import Problem
from isms.exchange.readers import FormulaCell, ReadError, Sheet

#: The child's address space and CPU seconds (a workbook at the readers' limits reads in well
#: under both).
CHILD_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 120


def _tagged(value):
    """A cell as JSON can carry it."""
    if isinstance(value, FormulaCell):
        return {"formula": [value.ref, value.formula, value.has_result]}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"seconds": value.total_seconds()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _untagged(value):
    """A cell back from the child's JSON (anything unexpected becomes text)."""
    if isinstance(value, dict):
        if "formula" in value:
            ref, formula, has_result = value["formula"]
            return FormulaCell(str(ref), str(formula), bool(has_result))
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        if "time" in value:
            return dt.time.fromisoformat(value["time"])
        if "seconds" in value:
            return dt.timedelta(seconds=value["seconds"])
        return str(value)
    return value


def read_untrusted(file: Path) -> list[Sheet]:
    """The sheets of ``file`` as ``isms import`` reads them, read in a child process limited to
    CHILD_MEMORY_BYTES and CHILD_CPU_SECONDS. Raises ReadError: the readers' own problems, or
    one saying the limits were reached."""
    memory_bytes, cpu_seconds = CHILD_MEMORY_BYTES, CHILD_CPU_SECONDS
    unreadable = ReadError(
        [Problem(file.name, message="the file could not be read within the limits")]
    )
    command = [sys.executable, "-I", "-m", "isms.exchange.untrusted", str(file)]
    command += [str(memory_bytes), str(cpu_seconds)]
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module; the path is ours)
            command,
            capture_output=True,
            timeout=cpu_seconds * 2,
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "TMPDIR": str(file.parent)},
            cwd=file.parent,
        )
        if done.returncode != 0:
            raise unreadable
        out = json.loads(done.stdout)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        raise unreadable from None
    if "problems" in out:
        raise ReadError(
            [
                Problem(str(sheet), row, column, str(message), row_label=str(label))
                for sheet, row, column, message, label in out["problems"]
            ]
        )
    return [
        Sheet(
            str(sheet["name"]),
            [str(name) for name in sheet["header"]],
            [(int(n), {str(k): _untagged(v) for k, v in row.items()}) for n, row in sheet["rows"]],
            row_label=str(sheet["row_label"]),
        )
        for sheet in out["sheets"]
    ]


def _child(path: str, memory: int, cpu: int) -> None:
    """The child's work: limit, read, print JSON."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from isms.exchange.readers import read_path

    try:
        sheets = read_path(Path(path))
    except ReadError as error:
        out = {
            "problems": [[p.sheet, p.row, p.column, p.message, p.row_label] for p in error.problems]
        }
    else:
        out = {
            "sheets": [
                {
                    "name": s.name,
                    "header": s.header,
                    "row_label": s.row_label,
                    "rows": [[n, {k: _tagged(v) for k, v in row.items()}] for n, row in s.rows],
                }
                for s in sheets
            ]
        }
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
