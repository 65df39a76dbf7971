"""Bring an export into the registers through the importer: the records become rows of the
Accounts (or People) sheet, validated and written by :func:`import_sheets` exactly like a
spreadsheet upload, all or nothing. Natural keys make it an upsert, so running the same export
again changes nothing. What changed is reported; accounts missing from the export are reported,
never deleted."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from isms.exchange.columns import CellError, columns_of
from isms.exchange.connectors.files import ConnectorError
from isms.exchange.connectors.formats import FORMATS, UNKNOWN, Format
from isms.exchange.importer import import_sheets, match_register
from isms.exchange.problems import ImportRejected, Problem
from isms.exchange.readers import Sheet
from isms.operations.models import Account, System
from isms.people.models import Person

#: Names listed per kind of change in the report (the counts are always complete).
LISTED = 200


@dataclass
class SyncReport:
    format: str
    file: str
    system: str | None
    dry_run: bool
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_accounts: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    enabled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unmatched_emails: list[str] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    leave_dates_set: list[str] = field(default_factory=list)
    #: People whose leave date has passed and who hold an active account, in any system.
    leavers_still_active: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def note(self, kind: str, value: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        listed = getattr(self, kind)
        if len(listed) < LISTED:
            listed.append(value)

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items()}
        return data


class _DryRun(Exception):
    pass


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _translate(error: ImportRejected, fmt: Format, path: Path, columns: dict) -> ConnectorError:
    """The importer's problems (sheet, row, register column) as the export's (file, line, its
    own column name)."""
    problems = []
    for p in error.problems:
        column = columns.get(p.column, p.column) if p.column else None
        problems.append(Problem(path.name, p.row, column or None, p.message, row_label=fmt.label))
    return ConnectorError(problems)


def connect(
    organisation,
    format_name: str,
    path: Path,
    system: str | None = None,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress=None,
    read_progress=None,
) -> SyncReport:
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise ConnectorError(
            [
                Problem(
                    "format",
                    message=f"unknown format {format_name!r}; "
                    f"the formats are: {', '.join(FORMATS)}",
                )
            ]
        )
    path = Path(path)
    today = today or dt.date.today()
    report = SyncReport(fmt.name, path.name, system, dry_run)
    people = {
        email.lower(): (email, name, leave)
        for email, name, leave in Person.objects.filter(organisation=organisation).values_list(
            "email", "name", "leave_date"
        )
    }
    columns: dict = {}
    if fmt.target == "accounts":
        if not system:
            raise ConnectorError(
                [
                    Problem(
                        path.name,
                        message=f"--system is required for {fmt.name}: "
                        "the system these accounts belong to",
                    )
                ]
            )
        if not System.objects.filter(organisation=organisation, name=system).exists():
            raise ConnectorError(
                [
                    Problem(
                        path.name,
                        message=f"no system named {system!r} in {organisation.slug}; "
                        "add it to the Systems register first",
                    )
                ]
            )
        sheet = _account_sheet(
            organisation, fmt, path, system, people, report, columns, read_progress
        )
    else:
        sheet = _people_sheet(fmt, path, people, report, columns, read_progress)
    try:
        with transaction.atomic():
            try:
                result = import_sheets(organisation, [sheet], progress)
            except ImportRejected as error:
                raise _translate(error, fmt, path, columns) from None
            for outcome in result.sheets.values():
                report.created += outcome.created
                report.updated += outcome.updated
                report.unchanged += outcome.unchanged
            _leavers(organisation, today, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _account_sheet(
    organisation, fmt, path, system, people, report, columns, read_progress
) -> Sheet:
    existing = {
        username: (active, privileged, person, used)
        for username, active, privileged, person, used in Account.objects.filter(
            organisation=organisation, system__name=system
        ).values_list("username", "is_active", "is_privileged", "person__email", "last_used_on")
    }
    header = ["system", "username", "person", "is_active", "is_privileged", "last_used_on"]
    sheet = Sheet("Accounts", header)
    seen: set[str] = set()
    for record in fmt.read(path, read_progress):
        columns.update(record.columns)
        report.records += 1
        before = existing.get(record.username)
        person = before[2] if before else None
        if record.email:
            match = people.get(record.email.lower())
            if match:
                person = match[0]
            elif not person:
                report.note("unmatched_emails", record.email)
        active = (
            record.is_active if record.is_active is not UNKNOWN else (before[0] if before else True)
        )
        privileged = record.is_privileged
        if privileged is UNKNOWN:
            privileged = before[1] if before else False
        used = record.last_used_on
        if used is UNKNOWN:
            used = before[3].isoformat() if before and before[3] else None
        if before is None:
            report.note("new_accounts", record.username)
        elif before[0] and not active:
            report.note("disabled", record.username)
        elif not before[0] and active:
            report.note("enabled", record.username)
        seen.add(record.username)
        sheet.rows.append(
            (
                record.line,
                {
                    "system": system,
                    "username": record.username,
                    "person": person,
                    "is_active": _yes(active),
                    "is_privileged": _yes(privileged),
                    "last_used_on": used,
                },
            )
        )
    for username in sorted(set(existing) - seen):
        report.note("missing", username)
    return sheet


def _people_sheet(fmt, path, people, report, columns, read_progress) -> Sheet:
    sheet = Sheet("People", ["email", "name", "leave_date"])
    register = match_register("People")
    leave_column = next(c for c in columns_of(register) if c.name == "leave_date")
    for record in fmt.read(path, read_progress):
        columns.update(record.columns)
        report.records += 1
        known = people.get(record.email.lower())
        if known is None:
            report.note("new_people", record.email)
        else:
            try:  # as the importer will read it; a bad date is the importer's to report
                leave = leave_column.parse(record.leave_date)
            except CellError:
                leave = record.leave_date
            if known[2] != leave:
                report.note("leave_dates_set", record.email)
        sheet.rows.append(
            (
                record.line,
                {
                    "email": known[0] if known else record.email,
                    "name": known[1]
                    if known
                    else record.name,  # HR names a new person; a known one keeps hers
                    "leave_date": record.leave_date,
                },
            )
        )
    return sheet


def _leavers(organisation, today, report) -> None:
    rows = (
        Account.objects.filter(
            organisation=organisation, is_active=True, person__leave_date__lte=today
        )
        .order_by("person__email", "system__name", "username")
        .values_list("person__email", "person__leave_date", "system__name", "username")
    )
    for email, leave, system, username in rows[: LISTED + 1]:
        if len(report.leavers_still_active) < LISTED:
            report.leavers_still_active.append(
                {
                    "person": email,
                    "leave_date": leave.isoformat(),
                    "system": system,
                    "username": username,
                }
            )
    report.counts["leavers_still_active"] = rows.count()
