"""Bulk import in the browser: upload a workbook (or one register's CSV, or YAML), see every
problem by sheet, row and column and what would be created and updated, fix the file, upload
again, then import it all or nothing.

The same readers, limits and importer as ``isms import``. The upload is untrusted: it is kept in
a private folder of the data directory (never under MEDIA_ROOT or STATIC_ROOT) under a random id
that only the uploader's session knows, read in a child process with memory and CPU limits, and
deleted after the import or after PENDING_SECONDS. The preview runs the whole import inside a
transaction it rolls back, so its counts are what the import would do; the import then refuses
any row whose record changed after the preview (the importer's check-unchanged, against the
versions the preview saw)."""

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DataError, IntegrityError, OperationalError, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.exchange import limits, untrusted
from isms.exchange.importer import BUSY_MESSAGE, Importer, ImportReport, serialise_writes
from isms.exchange.problems import ImportRejected, Problem, printable
from isms.exchange.readers import FormulaCell, ReadError, Sheet
from isms.exchange.template import write_template
from isms.web.access import organisation_for

#: What the upload may be: the formats ``isms import`` reads from one file.
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".yaml", ".yml")
#: How long an uploaded file waits between its preview and the import.
PENDING_SECONDS = 3600
#: Session key: per organisation slug, the pending upload's id and file name.
SESSION_KEY = "isms_pending_imports"
#: Characters of a cell's value shown beside its problem.
VALUE_SHOWN = 80

# -- the upload, kept privately between the preview and the import --------------------------


def pending_root() -> Path:
    """The private folder of pending uploads (owner-only), created when first needed."""
    root = Path(settings.DATA_DIR) / "pending-imports"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to a plain file name. Its stem matters: a CSV file
    names its register (``risks.csv``), as in a folder of CSV for ``isms import``."""
    name = Path(name.replace("\\", "/")).name
    stem, suffix = os.path.splitext(name)
    stem = re.sub(r"[^A-Za-z0-9 _-]+", "_", stem).strip(" ._")[:80] or "upload"
    return stem + suffix.lower()


def _discard_expired(root: Path) -> None:
    """Delete uploads left waiting longer than PENDING_SECONDS (abandoned previews)."""
    cutoff = time.time() - PENDING_SECONDS
    for folder in root.iterdir():
        with contextlib.suppress(OSError):
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def _folder(pending_id: str) -> Path | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", pending_id or ""):
        return None
    folder = pending_root() / pending_id
    if not folder.is_dir() or folder.stat().st_mtime < time.time() - PENDING_SECONDS:
        return None
    return folder


def _keep_upload(request, organisation, upload) -> tuple[str, Path]:
    """Save the upload under a new random id known to this session only; the organisation's
    previous pending upload in this session is deleted."""
    root = pending_root()
    _discard_expired(root)
    _forget(request, organisation)
    pending_id = secrets.token_urlsafe(24)
    folder = root / pending_id
    folder.mkdir(mode=0o700)
    target = folder / _safe_name(upload.name)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[organisation.slug] = {"id": pending_id, "name": target.name}
    request.session[SESSION_KEY] = pending
    return pending_id, target


def _pending(request, organisation, pending_id: str) -> Path | None:
    """The pending upload ``pending_id`` if this session made it for this organisation."""
    mine = request.session.get(SESSION_KEY, {}).get(organisation.slug)
    if not mine or not secrets.compare_digest(mine["id"], pending_id or ""):
        return None
    folder = _folder(pending_id)
    return folder / mine["name"] if folder and (folder / mine["name"]).is_file() else None


def _forget(request, organisation) -> None:
    """Delete this session's pending upload for the organisation, if any."""
    pending = request.session.get(SESSION_KEY, {})
    mine = pending.pop(organisation.slug, None)
    if mine:
        folder = _folder(mine["id"])
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        request.session[SESSION_KEY] = pending


def read_untrusted(file: Path, source: str) -> list[Sheet]:
    """The sheets of the stored upload, read in the limited child process; problems name the
    file as the user uploaded it."""
    try:
        return untrusted.read_untrusted(file)
    except ReadError as error:
        raise ReadError(
            [_named(problem, file.name, source) for problem in error.problems]
        ) from None


def _named(problem: Problem, stored: str, source: str) -> Problem:
    """A problem about the stored copy, named after the file as the user uploaded it."""
    if problem.sheet in (stored, str(Path(stored))) or problem.sheet.endswith("/" + stored):
        return Problem(source, problem.row, problem.column, problem.message, problem.row_label)
    return problem


# -- checking and importing ------------------------------------------------------------------


@dataclass
class Outcome:
    """What a check or an import found: the problems, or the counts per sheet."""

    problems: list[Problem] = field(default_factory=list)
    report: ImportReport | None = None
    #: The versions and keys the check saw, for the import's check-unchanged.
    seen: dict | None = None


def _database_problem(error: Exception) -> list[Problem]:
    if isinstance(error, OperationalError):
        if "locked" not in str(error) and "busy" not in str(error):
            raise error
        return [Problem("database", message=BUSY_MESSAGE)]
    return [Problem("database", message=f"the database refused the import: {error}")]


def check_import(organisation, sheets: list[Sheet]) -> Outcome:
    """Validate ``sheets`` and do the whole import in a transaction that is rolled back: every
    problem, or what the import would create and update, and the versions it saw."""
    importer = Importer(organisation, sheets)
    importer.validate()
    if importer.problems:
        return Outcome(problems=importer.problems)
    seen = importer.checked_state()
    try:
        with transaction.atomic():
            serialise_writes(organisation)
            importer.check_unchanged()
            importer.recheck_rows()
            report = importer.write()
            transaction.set_rollback(True)
    except ImportRejected as rejected:
        return Outcome(problems=rejected.problems)
    except (IntegrityError, DataError, OperationalError) as error:
        return Outcome(problems=_database_problem(error))
    return Outcome(report=report, seen=seen)


def apply_import(organisation, sheets: list[Sheet], seen: dict) -> Outcome:
    """Import ``sheets`` all or nothing, under the organisation's write turn, refusing every row
    whose record was changed, created or deleted by someone else after the preview."""
    importer = Importer(organisation, sheets)
    importer.validate()
    if importer.problems:
        return Outcome(problems=importer.problems)
    try:
        with transaction.atomic():
            serialise_writes(organisation)
            importer.assume_checked(seen)
            importer.check_unchanged()
            importer.recheck_rows()
            return Outcome(report=importer.write())
    except ImportRejected as rejected:
        return Outcome(problems=rejected.problems)
    except (IntegrityError, DataError, OperationalError) as error:
        return Outcome(problems=_database_problem(error))


# -- pages -----------------------------------------------------------------------------------


def _problem_rows(problems: list[Problem], sheets: list[Sheet]) -> list[dict]:
    """Problems grouped by sheet, each with the value of the cell it names, if any."""
    cells = {(sheet.name, number): row for sheet in sheets for number, row in sheet.rows}
    grouped: dict[str, list[dict]] = {}
    for problem in problems:
        value = None
        if problem.row is not None and problem.column:
            raw = cells.get((problem.sheet, problem.row), {}).get(problem.column)
            if isinstance(raw, FormulaCell):
                raw = f"={raw.formula}"
            if raw not in (None, ""):
                value = printable(str(raw), VALUE_SHOWN)
        shown = problem.as_dict()
        grouped.setdefault(shown["sheet"], []).append(
            {**shown, "row_label": problem.row_label, "value": value}
        )
    return [{"sheet": sheet, "problems": rows} for sheet, rows in grouped.items()]


def _counts(report: ImportReport) -> list[dict]:
    return [
        {"sheet": sheet, "created": r.created, "updated": r.updated, "unchanged": r.unchanged}
        for sheet, r in report.sheets.items()
    ]


def _page(request, organisation, membership, status=200, **context) -> HttpResponse:
    context = {
        "organisation": organisation,
        "may_import": can(membership, Action.IMPORT),
        "accepted": ",".join(ACCEPTED_SUFFIXES),
        "max_mb": limits.MAX_FILE_BYTES // limits.MiB,
        "sheets": [register.sheet for register in all_registers()],
        **context,
    }
    return render(request, "web/imports/import.html", context, status=status)


def _read(request, organisation, membership, file: Path, source: str):
    """(the file's sheets, None), or (None, the page saying why it cannot be read); an
    unreadable upload is not kept."""
    try:
        return read_untrusted(file, source), None
    except ReadError as error:
        _forget(request, organisation)
        problems = _problem_rows(error.problems, [])
        return None, _page(request, organisation, membership, 422, source=source, problems=problems)


def _preview(request, organisation, membership, file: Path, pending_id: str, source: str):
    """Read and check the pending file; keep what the check saw for the import."""
    sheets, unreadable = _read(request, organisation, membership, file, source)
    if unreadable is not None:
        return unreadable
    with acting_as(request.user):
        outcome = check_import(organisation, sheets)
    if outcome.problems:
        _forget(request, organisation)
        rows = _problem_rows(outcome.problems, sheets)
        return _page(
            request,
            organisation,
            membership,
            422,
            source=source,
            problems=rows,
            problem_count=len(outcome.problems),
        )
    (file.parent / "seen.json").write_text(json.dumps(outcome.seen))
    return _page(
        request,
        organisation,
        membership,
        source=source,
        pending_id=pending_id,
        counts=_counts(outcome.report),
        changed=outcome.report.changed,
    )


@login_required
def import_page(request, slug: str) -> HttpResponse:
    """The upload form; a POST uploads a file (preview), checks a pending one again, or
    imports it."""
    organisation, membership = organisation_for(request, slug)
    if request.method != "POST":
        return _page(request, organisation, membership)
    require(membership, Action.IMPORT)
    upload = request.FILES.get("workbook")
    if upload is not None:
        source = printable(Path(upload.name.replace("\\", "/")).name, 120)
        refusal = None
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            refusal = "expected an .xlsx workbook, a .csv file (one register) or a .yaml file"
        elif upload.size > limits.MAX_FILE_BYTES:
            refusal = f"the file is {upload.size:,} bytes; the limit is {limits.MAX_FILE_BYTES:,}"
        if refusal:
            return _page(request, organisation, membership, 422, field_error=refusal)
        pending_id, file = _keep_upload(request, organisation, upload)
        return _preview(request, organisation, membership, file, pending_id, source)
    pending_id = request.POST.get("pending", "")
    file = _pending(request, organisation, pending_id)
    if file is None:
        message = (
            "this upload is no longer waiting (imported, replaced or expired): upload it again"
        )
        return _page(request, organisation, membership, 410, field_error=message)
    source = file.name
    if request.POST.get("action") != "import":
        return _preview(request, organisation, membership, file, pending_id, source)
    seen = json.loads((file.parent / "seen.json").read_text())
    sheets, unreadable = _read(request, organisation, membership, file, source)
    if unreadable is not None:
        return unreadable
    with acting_as(request.user):
        outcome = apply_import(organisation, sheets, seen)
    if outcome.problems:
        # Kept, so that "Check again" previews the same file against the current records.
        return _page(
            request,
            organisation,
            membership,
            409,
            source=source,
            pending_id=pending_id,
            refused=True,
            problems=_problem_rows(outcome.problems, sheets),
            problem_count=len(outcome.problems),
        )
    _forget(request, organisation)
    return _page(
        request,
        organisation,
        membership,
        source=source,
        imported=True,
        counts=_counts(outcome.report),
        changed=outcome.report.changed,
    )


@login_required
def template_download(request, slug: str) -> HttpResponse:
    """The blank import workbook of ``isms template``: instructions, one sheet per register,
    drop-down lists."""
    organisation_for(request, slug)
    folder = Path(tempfile.mkdtemp(prefix="isms-template-"))
    try:
        file = folder / "isms-template.xlsx"
        write_template(file)
        content = file.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="isms-template.xlsx"'
    return response


urlpatterns = [
    path("orgs/<slug:slug>/import/", import_page, name="import"),
    path("orgs/<slug:slug>/import/template.xlsx", template_download, name="import_template"),
]
