"""One reader per export format: each turns a file into :class:`Record` objects, one at a time.

A reader only interprets the export; it never writes. What a record does not say (an export
without last-login dates, or without administrator flags) is :data:`UNKNOWN`, and the sync keeps
what the register already holds for it."""

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from isms.exchange import limits
from isms.exchange.connectors.files import (
    bad,
    csv_records,
    not_utf8,
    open_export,
    read_all,
    text_of,
)
from isms.exchange.problems import printable


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


#: The export does not say: keep the register's value (or the default for a new account).
UNKNOWN = _Unknown()


@dataclass(slots=True)
class Record:
    line: int
    username: str = ""
    email: str = ""
    name: str = ""
    is_active: object = UNKNOWN
    is_privileged: object = UNKNOWN
    last_used_on: object = UNKNOWN  # an ISO date string, None (never used) or UNKNOWN
    leave_date: str = ""
    #: Register column -> the export's own column name, for messages.
    columns: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    #: "accounts" (Accounts of one system) or "people" (People's leave dates).
    target: str
    read: Callable[[Path, Callable | None], Iterator[Record]]
    #: How a record is located in messages: "line" or "item" (JSON arrays).
    label: str = "line"


# -- values ---------------------------------------------------------------------------------------

NEVER = {"", "n/a", "no_information", "never", "never logged in", "none", "null", "-"}
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}


def _bool(value: str, source: str, line: int, column: str, extra: tuple[str, ...] = ()) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    allowed = ", ".join(("true", "false", *extra))
    raise bad(source, f"expected {allowed}; got {printable(value, 40)!r}", line, column)


_DATE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})")


def _date(value: str, source: str, line: int, column: str) -> str | None:
    """The date part of a timestamp (ISO 8601, or 2026/11/20 09:15:00 as Google writes it)."""
    if value.strip().lower() in NEVER:
        return None
    match = _DATE.match(value.strip())
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            pass
    raise bad(source, f"not a date or timestamp: {printable(value, 40)!r}", line, column)


def _latest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return max(known) if known else None


# -- AWS IAM credential report --------------------------------------------------------------------

AWS_COLUMNS = {
    "user": ("user",),
    "password_enabled": ("password_enabled",),
    "password_last_used": ("password_last_used",),
    "key1_active": ("access_key_1_active",),
    "key1_used": ("access_key_1_last_used_date",),
    "key2_active": ("access_key_2_active",),
    "key2_used": ("access_key_2_last_used_date",),
}


def read_aws_iam(path: Path, progress=None) -> Iterator[Record]:
    source = path.name
    required = tuple(AWS_COLUMNS)
    for line, v, cols in csv_records(path, AWS_COLUMNS, required, progress):
        root = v["user"] == "<root_account>"
        password = v["password_enabled"].lower()
        if password == "not_supported":  # noqa: S105 (a report value, not a password)
            password_on = root  # the root user always has a password
        else:
            password_on = _bool(v["password_enabled"], source, line, cols["password_enabled"])
        keys_on = any(
            _bool(v[name], source, line, cols[name]) for name in ("key1_active", "key2_active")
        )
        used = _latest(
            *(
                _date(v[name], source, line, cols[name])
                for name in ("password_last_used", "key1_used", "key2_used")
            )
        )
        yield Record(
            line,
            username=v["user"],
            email=v["user"] if "@" in v["user"] else "",
            is_active=password_on or keys_on,
            is_privileged=True if root else UNKNOWN,
            last_used_on=used,
            columns={
                "username": cols["user"],
                "is_active": cols["password_enabled"],
                "last_used_on": cols["password_last_used"],
            },
        )


# -- Microsoft Entra ID "Download users" ----------------------------------------------------------

ENTRA_COLUMNS = {
    "upn": ("userPrincipalName", "User principal name"),
    "enabled": ("accountEnabled", "Account enabled"),
    "mail": ("mail", "Email"),
    "name": ("displayName", "Display name"),
    "last": ("lastSignInDateTime", "Last sign-in", "signInActivity.lastSignInDateTime"),
}


def read_entra(path: Path, progress=None) -> Iterator[Record]:
    source = path.name
    for line, v, cols in csv_records(path, ENTRA_COLUMNS, ("upn", "enabled"), progress):
        yield Record(
            line,
            username=v["upn"],
            email=v.get("mail") or v["upn"],
            name=v.get("name", ""),
            is_active=_bool(v["enabled"], source, line, cols["enabled"]),
            last_used_on=_date(v["last"], source, line, cols["last"]) if "last" in v else UNKNOWN,
            columns={
                "username": cols["upn"],
                "is_active": cols["enabled"],
                "last_used_on": cols.get("last", ""),
            },
        )


# -- Google Workspace users download --------------------------------------------------------------

GOOGLE_COLUMNS = {
    "email": ("Email Address [Required]", "primaryEmail"),
    "first": ("First Name [Required]",),
    "last_name": ("Last Name [Required]",),
    "status": ("Status [READ ONLY]", "Status"),
    "last": ("Last Sign In [READ ONLY]", "Last Sign In", "lastLoginTime"),
    "admin": ("Admin [READ ONLY]", "isAdmin", "Is Admin"),
}
GOOGLE_STATUS = {"active": True, "suspended": False, "archived": False}


def read_google(path: Path, progress=None) -> Iterator[Record]:
    source = path.name
    for line, v, cols in csv_records(path, GOOGLE_COLUMNS, ("email", "status"), progress):
        status = v["status"].lower()
        if status not in GOOGLE_STATUS:
            raise bad(
                source,
                f"expected Active, Suspended or Archived; got {printable(v['status'], 40)!r}",
                line,
                cols["status"],
            )
        yield Record(
            line,
            username=v["email"],
            email=v["email"],
            name=f"{v.get('first', '')} {v.get('last_name', '')}".strip(),
            is_active=GOOGLE_STATUS[status],
            is_privileged=_bool(v["admin"], source, line, cols["admin"])
            if v.get("admin")
            else UNKNOWN,
            last_used_on=_date(v["last"], source, line, cols["last"]) if "last" in v else UNKNOWN,
            columns={
                "username": cols["email"],
                "is_active": cols["status"],
                "last_used_on": cols.get("last", ""),
            },
        )


# -- Okta users export ----------------------------------------------------------------------------

OKTA_COLUMNS = {
    "login": ("login", "Username", "profile.login"),
    "email": ("email", "Primary email", "profile.email"),
    "status": ("status", "Status"),
    "last": ("lastLogin", "Last login"),
}
#: Okta user statuses: who can sign in. STAGED and PROVISIONED users are not activated yet.
OKTA_STATUS = {
    "active": True,
    "password_expired": True,
    "locked_out": True,
    "recovery": True,
    "staged": False,
    "provisioned": False,
    "suspended": False,
    "deprovisioned": False,
}


def read_okta(path: Path, progress=None) -> Iterator[Record]:
    source = path.name
    for line, v, cols in csv_records(path, OKTA_COLUMNS, ("login", "status"), progress):
        status = v["status"].strip().lower().replace(" ", "_")
        if status not in OKTA_STATUS:
            raise bad(
                source,
                f"unknown Okta status {printable(v['status'], 40)!r}; expected one of "
                + ", ".join(s.upper() for s in OKTA_STATUS),
                line,
                cols["status"],
            )
        yield Record(
            line,
            username=v["login"],
            email=v.get("email") or (v["login"] if "@" in v["login"] else ""),
            is_active=OKTA_STATUS[status],
            last_used_on=_date(v["last"], source, line, cols["last"]) if "last" in v else UNKNOWN,
            columns={
                "username": cols["login"],
                "is_active": cols["status"],
                "last_used_on": cols.get("last", ""),
            },
        )


# -- GitHub organisation members (REST API JSON) --------------------------------------------------


def read_github(path: Path, progress=None) -> Iterator[Record]:
    """A JSON array of GET /orgs/{org}/members users ({"login": ...}), optionally with a "role",
    or of GET /orgs/{org}/memberships/{user} objects ({"state", "role", "user": {"login"}})."""
    source = path.name
    try:
        items = json.loads(read_all(path))
    except json.JSONDecodeError as error:
        raise bad(
            source, f"not valid JSON: {error.msg} (column {error.colno})", error.lineno
        ) from None
    except RecursionError:
        raise bad(source, "JSON nested too deeply") from None
    if not isinstance(items, list):
        raise bad(source, "expected a JSON array of members (the API's response body)")
    if len(items) > limits.MAX_ROWS_PER_SHEET:
        raise bad(source, f"{len(items):,} members; the limit is {limits.MAX_ROWS_PER_SHEET:,}")

    def bad_item(*args):
        return bad(*args, label="item")

    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise bad_item(source, "expected an object with a login", number)
        user = item.get("user") if isinstance(item.get("user"), dict) else item
        login = user.get("login")
        if not isinstance(login, str) or not login.strip():
            raise bad_item(source, "no login", number, "login")
        role = item.get("role")
        if role is not None and role not in ("admin", "member", "billing_manager"):
            raise bad_item(
                source,
                f"role must be admin or member; got {printable(str(role), 40)!r}",
                number,
                "role",
            )
        state = item.get("state", "active")
        if state not in ("active", "pending"):
            raise bad_item(
                source,
                f"state must be active or pending; got {printable(str(state), 40)!r}",
                number,
                "state",
            )
        email = user.get("email")
        yield Record(
            number,
            username=login.strip(),
            email=email.strip() if isinstance(email, str) else "",
            is_active=state == "active",
            is_privileged=UNKNOWN if role is None else role == "admin",
            columns={"username": "login", "is_active": "state", "is_privileged": "role"},
        )


# -- LDAP directory (LDIF) ------------------------------------------------------------------------

LDIF_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9-]*(?:;[A-Za-z0-9-]+)*)(::?|:<)\s?(.*)$")
AD_DISABLED = 0x2
FILETIME_EPOCH = dt.datetime(1601, 1, 1)


def _ldif_entries(path: Path, progress=None) -> Iterator[tuple[int, dict[str, list[str]]]]:
    source = path.name
    with open_export(path) as raw:
        text = text_of(raw, source)
        entry: dict[str, list[str]] = {}
        start, pending, pending_line, count, number = 0, None, 0, 0, 0

        def flush_line():
            match = LDIF_NAME.match(pending)
            if not match:
                raise bad(source, f"not an LDIF line: {printable(pending, 60)!r}", pending_line)
            name, kind, value = match.groups()
            if kind == ":<":
                raise bad(
                    source,
                    "URL values (attr:< ...) are refused; export the value inline",
                    pending_line,
                    name,
                )
            if kind == "::":
                try:
                    value = base64.b64decode(value, validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    raise bad(
                        source, "base64 value that is not UTF-8 text", pending_line, name
                    ) from None
            key = name.split(";")[0].lower()
            if key == "changetype":
                raise bad(
                    source, "an LDIF change record; expected a directory export", pending_line, name
                )
            values = entry.setdefault(key, [])
            if len(values) < 1000:
                values.append(value)

        try:
            for number, line in enumerate(text, start=1):
                line = line.rstrip("\r\n")
                if len(line) > limits.MAX_CELL_CHARS:
                    raise bad(
                        source, f"a line longer than {limits.MAX_CELL_CHARS:,} characters", number
                    )
                if line.startswith(" ") and pending is not None:
                    pending += line[1:]
                    continue
                if pending is not None:
                    flush_line()
                    pending = None
                if not line.strip():
                    if entry:
                        count += 1
                        if count > limits.MAX_ROWS_PER_SHEET:
                            raise bad(
                                source, f"more than {limits.MAX_ROWS_PER_SHEET:,} entries", number
                            )
                        if progress and count % 10_000 == 0:
                            progress(count)
                        yield start, entry
                    entry = {}
                    continue
                if line.startswith("#"):
                    continue
                if not entry and line.lower().startswith("version:"):
                    continue
                if not entry and pending is None:
                    start = number
                pending, pending_line = line, number
            if pending is not None:
                flush_line()
            if entry:
                yield start, entry
        except UnicodeDecodeError:
            raise not_utf8(path) from None


def read_ldif(path: Path, progress=None) -> Iterator[Record]:
    """Entries with a uid (or sAMAccountName) are accounts; others (groups, units) are skipped."""
    source = path.name
    today = dt.date.today()
    for line, entry in _ldif_entries(path, progress):
        name_attr = (
            "uid" if "uid" in entry else "samaccountname" if "samaccountname" in entry else None
        )
        if name_attr is None:
            continue
        first = {key: values[0].strip() for key, values in entry.items() if values}
        active = True
        if "useraccountcontrol" in first:
            try:
                active = not int(first["useraccountcontrol"]) & AD_DISABLED
            except ValueError:
                raise bad(
                    source, "userAccountControl is not a number", line, "userAccountControl"
                ) from None
        for attr in ("nsaccountlock", "logindisabled"):
            if first.get(attr, "").lower() == "true":
                active = False
        if first.get("pwdaccountlockedtime") == "000001010000Z":  # locked for good (ppolicy)
            active = False
        if "shadowexpire" in first:
            try:
                days = int(first["shadowexpire"])
            except ValueError:
                raise bad(
                    source, "shadowExpire is not a number of days", line, "shadowExpire"
                ) from None
            if days >= 0 and dt.date(1970, 1, 1) + dt.timedelta(days=days) <= today:
                active = False
        used = UNKNOWN
        if "lastlogontimestamp" in first:
            try:
                ticks = int(first["lastlogontimestamp"])
                used = (
                    (FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10)).date().isoformat()
                    if ticks
                    else None
                )
            except (ValueError, OverflowError):
                raise bad(
                    source,
                    "lastLogonTimestamp is not a Windows file time",
                    line,
                    "lastLogonTimestamp",
                ) from None
        elif "authtimestamp" in first:
            used = _date(
                first["authtimestamp"][:4]
                + "-"
                + first["authtimestamp"][4:6]
                + "-"
                + first["authtimestamp"][6:8],
                source,
                line,
                "authTimestamp",
            )
        privileged = UNKNOWN
        if "admincount" in first:
            privileged = first["admincount"] == "1"
        yield Record(
            line,
            username=first[name_attr],
            email=first.get("mail", ""),
            name=first.get("cn", "") or first.get("displayname", ""),
            is_active=active,
            is_privileged=privileged,
            last_used_on=used,
            columns={"username": name_attr, "person": "mail", "is_active": "account status"},
        )


# -- HR leavers -----------------------------------------------------------------------------------

HR_COLUMNS = {
    "email": ("email", "work email", "email address", "employee email"),
    "name": ("name", "full name", "employee name", "display name"),
    "leave_date": (
        "leave_date",
        "leave date",
        "leaving date",
        "last day",
        "termination date",
        "end date",
    ),
}


def read_hr_leavers(path: Path, progress=None) -> Iterator[Record]:
    for line, v, cols in csv_records(path, HR_COLUMNS, tuple(HR_COLUMNS), progress):
        yield Record(
            line,
            email=v["email"],
            name=v["name"],
            leave_date=v["leave_date"],
            columns={
                "email": cols["email"],
                "name": cols["name"],
                "leave_date": cols["leave_date"],
            },
        )


FORMATS = {
    f.name: f
    for f in (
        Format("aws-iam", "AWS IAM credential report (CSV)", "accounts", read_aws_iam),
        Format("entra", "Microsoft Entra ID users download (CSV)", "accounts", read_entra),
        Format("google", "Google Workspace users download (CSV)", "accounts", read_google),
        Format("okta", "Okta users export (CSV)", "accounts", read_okta),
        Format(
            "github", "GitHub organisation members (REST API JSON)", "accounts", read_github, "item"
        ),
        Format("ldif", "LDAP directory export (LDIF)", "accounts", read_ldif),
        Format(
            "hr-leavers", "HR leavers (CSV: email, name, leave_date)", "people", read_hr_leavers
        ),
    )
}
