"""Import: validate every sheet and row first, then write all of it in one transaction.

Rows are matched to existing records by their natural key, so importing the same file twice
changes nothing, and an edited file updates what changed. Rows missing from the file are left
alone. Every write goes through ``Model.save()`` so history records who imported what.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, OperationalError, connection, transaction

from isms.catalog.models import Clause, Control
from isms.core.actor import current_user
from isms.core.permissions import can
from isms.core.registers import Register, all_registers, by_sheet
from isms.evidence.models import EvidenceLink
from isms.exchange.columns import CellError, Column, Kind, columns_of
from isms.exchange.keys import catalog_keys, existing_keys, join_key, key_text, split_key
from isms.exchange.problems import ImportRejected, Problem
from isms.exchange.readers import Sheet

Progress = Callable[[str, int, int], None]
Key = tuple[str, ...]
#: Rows per query when reading or locking versions (well under every database's bound on
#: query parameters).
VERSION_BATCH = 2000


@dataclass
class ParsedRow:
    number: int
    values: dict[str, object]
    key: Key | None


@dataclass
class ParsedSheet:
    register: Register
    sheet: Sheet
    columns: list[Column]
    rows: list[ParsedRow] = field(default_factory=list)


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    sheets: dict[str, SheetResult] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(r.created or r.updated for r in self.sheets.values())

    def as_dict(self) -> dict:
        return {
            sheet: {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
            for sheet, r in self.sheets.items()
        }


def match_register(name: str) -> Register | None:
    """The register a sheet (or CSV file stem, or YAML key) names; case and _ vs space ignored."""
    wanted = name.strip().lower().replace("_", " ").replace("-", " ")
    for register in all_registers():
        if wanted in (register.sheet.lower(), register.name.replace("_", " ")):
            return register
    return None


class Importer:
    """One import into one organisation. Use :func:`import_sheets`."""

    def __init__(self, organisation, sheets: list[Sheet], progress: Progress | None = None):
        self.organisation = organisation
        self.sheets = sheets
        self.progress = progress or (lambda sheet, done, total: None)
        self.problems: list[Problem] = []
        self.parsed: dict[str, ParsedSheet] = {}
        self._keys: dict[type, dict[Key, int]] = {}
        #: Per imported register, the version of every existing row when the import was checked.
        self._versions: dict[str, dict[int, int]] = {}
        self._membership = None
        self._actor = current_user()
        if self._actor is not None:
            from isms.core.services import membership_for

            self._membership = membership_for(self._actor, organisation)

    # -- validation ---------------------------------------------------------------------------

    def problem(self, sheet: Sheet | str, row=None, column=None, message="") -> None:
        name = sheet.name if isinstance(sheet, Sheet) else sheet
        label = sheet.row_label if isinstance(sheet, Sheet) else "row"
        self.problems.append(Problem(name, row, column, message, row_label=label))

    def validate(self) -> None:
        for sheet in self.sheets:
            register = match_register(sheet.name)
            if register is None:
                known = ", ".join(r.sheet for r in all_registers())
                self.problem(sheet, message=f"unknown sheet; the sheets are: {known}")
                continue
            if register.sheet in self.parsed:
                self.problem(
                    sheet,
                    message=f"a second sheet for {register.sheet} "
                    f"(also {self.parsed[register.sheet].sheet.name})",
                )
                continue
            self.parsed[register.sheet] = self._parse_sheet(register, sheet)
        for parsed in self.parsed.values():
            self._check_references(parsed)
            self._check_model_rules(parsed)
            self._check_rows(parsed)
            self._versions[parsed.register.sheet] = self._row_versions(parsed)
        order = {register.sheet: index for index, register in enumerate(all_registers())}
        self.problems.sort(
            key=lambda p: (
                order.get(getattr(match_register(p.sheet), "sheet", ""), -1),
                p.sheet,
                p.row or 0,
                p.column or "",
            )
        )

    def _parse_sheet(self, register: Register, sheet: Sheet) -> ParsedSheet:
        all_columns = {column.name: column for column in columns_of(register)}
        header = [name for name in sheet.header if name]
        for name in sorted({n for n in header if header.count(n) > 1}):
            self.problem(sheet, column=name, message="column appears more than once")
        for name in header:
            if name not in all_columns:
                self.problem(
                    sheet,
                    column=name,
                    message=f"unknown column; the columns are: {', '.join(register.columns)}",
                )
        for column in all_columns.values():
            if column.required and column.name not in header:
                if sheet.row_label == "item":
                    header.append(column.name)  # YAML: reported per row as a missing value
                else:
                    self.problem(sheet, column=column.name, message="required column is missing")
        columns = [
            all_columns[name]
            for name in dict.fromkeys(header)
            if name in all_columns and not all_columns[name].computed
        ]
        parsed = ParsedSheet(register, sheet, columns)
        seen: dict[Key, int] = {}
        for number, raw in sheet.rows:
            values: dict[str, object] = {}
            key_ok = True
            for column in columns:
                try:
                    value = column.parse(raw.get(column.name))
                except CellError as error:
                    self.problem(sheet, number, column.name, str(error))
                    key_ok &= column.name not in register.key
                    continue
                if column.required and value is None:
                    self.problem(sheet, number, column.name, "a value is required")
                values[column.name] = value
            # A row whose key parsed is known to other sheets even if other cells are wrong,
            # so one mistake is reported once, not again wherever the row is referred to.
            key = None
            if key_ok and all(values.get(name) is not None for name in register.key):
                key = tuple(key_text(values[name]) for name in register.key)
                if key in seen:
                    self.problem(
                        sheet,
                        number,
                        register.key[0] if len(register.key) == 1 else None,
                        f"duplicate key {join_key(key)!r}: also in {sheet.row_label} {seen[key]}",
                    )
                    key = None
                else:
                    seen[key] = number
            parsed.rows.append(ParsedRow(number, values, key))
        return parsed

    def known_keys(self, model) -> set[Key]:
        """Keys that will exist after the import: in the database or in the imported sheet."""
        known = set(self.keys_in_database(model))
        for parsed in self.parsed.values():
            if parsed.register.model is model:
                known.update(row.key for row in parsed.rows if row.key is not None)
        return known

    def checked_state(self) -> dict:
        """The row versions and keys of every register the file writes, as :meth:`validate` saw
        them, as JSON-able data: a check made in one request and written in a later one (the web
        import page's preview, then its import) hands this over."""
        state = {}
        for sheet, parsed in self.parsed.items():
            keys = self.keys_in_database(parsed.register.model)
            state[sheet] = {
                "versions": [[pk, version] for pk, version in self._versions[sheet].items()],
                "keys": [[list(key), pk] for key, pk in keys.items()],
            }
        return state

    def assume_checked(self, state: dict) -> None:
        """Check against what an earlier check saw (:meth:`checked_state`), not what was read
        just now: a record changed, created or deleted since then is refused by the
        check-unchanged step when the import writes."""
        for sheet, parsed in self.parsed.items():
            saw = state.get(sheet, {"versions": [], "keys": []})
            self._versions[sheet] = {int(pk): int(version) for pk, version in saw["versions"]}
            self._keys[parsed.register.model] = {tuple(key): int(pk) for key, pk in saw["keys"]}

    def keys_in_database(self, model) -> dict[Key, int]:
        if model not in self._keys:
            if model in (Control, Clause):
                self._keys[model] = catalog_keys(model)
            else:
                register = next(r for r in all_registers() if r.model is model)
                self._keys[model] = existing_keys(register, self.organisation)
        return self._keys[model]

    def _check_references(self, parsed: ParsedSheet) -> None:
        for column in parsed.columns:
            if column.kind not in (Kind.REFERENCE, Kind.REFERENCES):
                continue
            known = self.known_keys(column.target)
            for row in parsed.rows:
                value = row.values.get(column.name)
                wanted = value if isinstance(value, list) else [value] if value else []
                missing = [key for key in wanted if (key,) not in known]
                if missing:
                    if column.target in (Control, Clause):
                        where = "the catalogue"
                    else:
                        where = f"the {column.target_label} sheet or the database"
                    noun = column.target._meta.verbose_name
                    if column.target is Control:
                        noun = "Annex A control"
                    self.problem(
                        parsed.sheet,
                        row.number,
                        column.name,
                        f"unknown {noun} {', '.join(repr(m) for m in missing)} (not in {where})",
                    )
        if parsed.register.model is EvidenceLink:
            self._check_evidence_targets(parsed)

    def _check_evidence_targets(self, parsed: ParsedSheet) -> None:
        for row in parsed.rows:
            record_type, record_key = row.values.get("record_type"), row.values.get("record_key")
            if not record_type or not record_key:
                continue
            target = match_register(str(record_type))
            if target is None:
                self.problem(
                    parsed.sheet, row.number, "record_type", f"unknown register {record_type!r}"
                )
                continue
            row.values["record_type"] = target.sheet
            parts = split_key(str(record_key), len(target.key))
            if parts is None or parts not in self.known_keys(target.model):
                self.problem(
                    parsed.sheet,
                    row.number,
                    "record_key",
                    f"no {target.sheet} record with key {record_key!r}"
                    + (f" (key: {' / '.join(target.key)})" if len(target.key) > 1 else ""),
                )

    def _check_model_rules(self, parsed: ParsedSheet) -> None:
        """Run the model's own clean() (cross-field rules) on the scalar values of each row."""
        model = parsed.register.model
        if "clean" not in model.__dict__:
            return
        scalar = [c for c in parsed.columns if c.kind not in (Kind.REFERENCE, Kind.REFERENCES)]
        for row in parsed.rows:
            instance = model(
                organisation=self.organisation,
                **{c.name: row.values.get(c.name) for c in scalar},
            )
            try:
                instance.clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.problem(parsed.sheet, row.number, name, message)

    def recheck_rows(self) -> None:
        """The registers' own row checks again, under the write turn: what they read (a risk
        method) may have changed since the import was checked."""
        for parsed in self.parsed.values():
            self._check_rows(parsed)
        if self.problems:
            raise ImportRejected(self.problems)

    def _check_rows(self, parsed: ParsedSheet) -> None:
        """The register's own checks against other records (:attr:`Register.row_check`)."""
        if parsed.register.row_check is None:
            return

        def sheet_rows(sheet: str) -> list[dict]:
            other = self.parsed.get(sheet)
            return [row.values for row in other.rows] if other else []

        rows = [(row.number, row.values) for row in parsed.rows]
        for number, column, message in parsed.register.row_check(
            self.organisation, rows, sheet_rows
        ):
            self.problem(parsed.sheet, number, column, message)

    def _matched_pks(self, parsed: ParsedSheet) -> list[int]:
        """The rows of the database this sheet updates."""
        keys = self.keys_in_database(parsed.register.model)
        return [keys[row.key] for row in parsed.rows if row.key is not None and row.key in keys]

    def _row_versions(self, parsed: ParsedSheet, lock: bool = False) -> dict[int, int]:
        versions: dict[int, int] = {}
        pks = self._matched_pks(parsed)
        for start in range(0, len(pks), VERSION_BATCH):
            queryset = parsed.register.model.objects.filter(
                pk__in=pks[start : start + VERSION_BATCH]
            )
            if lock:
                queryset = queryset.select_for_update()
            versions.update(queryset.values_list("pk", "row_version"))
        return versions

    # -- writing ------------------------------------------------------------------------------

    def check_unchanged(self) -> None:
        """Refuse the import if a row it writes was changed, or its key created, by someone else
        since the import was checked: the import would overwrite a change it never saw.

        Runs inside the write transaction with the rows locked (PostgreSQL) or the database
        locked (SQLite), so nothing can change between this check and the write."""
        conflicts: list[Problem] = []
        for parsed in self.parsed.values():
            register = parsed.register
            checked = self._versions.get(register.sheet, {})
            now = self._row_versions(parsed, lock=True)
            keys_then = self.keys_in_database(register.model)
            new_rows = any(row.key is not None and row.key not in keys_then for row in parsed.rows)
            keys_now = existing_keys(register, self.organisation) if new_rows else keys_then
            for row in parsed.rows:
                if row.key is None:
                    continue
                pk_then = keys_then.get(row.key)
                if pk_then is None and keys_now.get(row.key) is not None:
                    message = "was created by someone else after this import was checked"
                elif pk_then is not None and pk_then not in now:
                    message = "was deleted by someone else after this import was checked"
                elif pk_then is not None and now[pk_then] != checked.get(pk_then):
                    message = (
                        f"was changed by someone else after this import was checked "
                        f"(version {checked.get(pk_then)}, now {now[pk_then]})"
                    )
                else:
                    continue
                conflicts.append(
                    Problem(
                        parsed.sheet.name,
                        row.number,
                        None,
                        f"{join_key(row.key)!r} {message}; nothing was written: import again "
                        "to apply this file to the current records",
                        row_label=parsed.sheet.row_label,
                    )
                )
        if conflicts:
            raise ImportRejected(conflicts)

    def write(self) -> ImportReport:
        report = ImportReport()
        order = [r for r in all_registers() if r.sheet in self.parsed]
        deferred: list[tuple[ParsedSheet, object, ParsedRow]] = []
        for register in order:
            parsed = self.parsed[register.sheet]
            result = report.sheets.setdefault(register.sheet, SheetResult())
            instances = self._existing_instances(register)
            own_keys = self.keys_in_database(register.model)
            total = len(parsed.rows)
            for done, row in enumerate(parsed.rows, start=1):
                instance = instances.get(row.key)
                created = instance is None
                if created:
                    instance = register.model(organisation=self.organisation)
                changed, needs_second_pass = self._assign(parsed, instance, row)
                if created or changed:
                    instance.save()
                own_keys[row.key] = instance.pk
                if needs_second_pass:
                    deferred.append((parsed, instance, row))
                if created:
                    result.created += 1
                elif changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                if done % 50 == 0 or done == total:
                    self.progress(register.sheet, done, total)
        for parsed, instance, row in deferred:
            result = report.sheets[parsed.register.sheet]
            if self._assign_late(parsed, instance, row) and result.unchanged:
                # Counted unchanged in the first pass, but its links changed.
                result.unchanged -= 1
                result.updated += 1
        if self.problems:  # guarded fields the acting user may not set: roll everything back
            raise ImportRejected(self.problems)
        return report

    def _existing_instances(self, register: Register) -> dict[Key, object]:
        keys = {pk: key for key, pk in self.keys_in_database(register.model).items()}
        queryset = register.model.objects.filter(pk__in=keys)
        return {keys[instance.pk]: instance for instance in queryset}

    def _resolve(self, model, key: str) -> int | None:
        return self.keys_in_database(model).get((key,))

    def _assign(self, parsed: ParsedSheet, instance, row: ParsedRow) -> tuple[bool, bool]:
        """Set the row's values; returns (changed, needs a second pass for links)."""
        changed, later = False, False
        for column in parsed.columns:
            value = row.values.get(column.name)
            if column.kind is Kind.REFERENCES:
                later = True
                continue
            if column.kind is Kind.REFERENCE:
                if value is None:
                    target_pk = None
                else:
                    target_pk = self._resolve(column.target, value)
                    if target_pk is None:  # a row of a later sheet, or of this one, not yet written
                        later = True
                        continue
                attname = column.field.attname
                if getattr(instance, attname) != target_pk:
                    self._check_may_set(parsed, row, column)
                    setattr(instance, attname, target_pk)
                    changed = True
                continue
            if value is None:
                value = column.field.get_default() if column.field.has_default() else None
                if value is None and not column.field.null:
                    value = ""
            if getattr(instance, column.name) != value:
                self._check_may_set(parsed, row, column)
                setattr(instance, column.name, value)
                changed = True
        if parsed.register.model is EvidenceLink:
            changed |= self._assign_evidence_target(instance, row)
        return changed, later

    def _check_may_set(self, parsed: ParsedSheet, row: ParsedRow, column: Column) -> None:
        """A guarded field (an approval, an audit result) changes only if the acting user's role
        allows it: the same check as the API's (see :attr:`Register.guarded`). An import run
        at the console without ``--as`` is the operator's and is not checked."""
        action = parsed.register.guarded.get(column.name)
        if action is None or self._actor is None or can(self._membership, action):
            return
        role = self._membership.get_role_display() if self._membership else "no role"
        self.problem(
            parsed.sheet,
            row.number,
            column.name,
            f"{self._actor.get_username()} ({role}) may not {action.value.replace('_', ' ')}: "
            "this column records it",
        )

    def _assign_late(self, parsed: ParsedSheet, instance, row: ParsedRow) -> bool:
        changed = False
        dirty = False
        for column in parsed.columns:
            value = row.values.get(column.name)
            if column.kind is Kind.REFERENCE and value is not None:
                target_pk = self._resolve(column.target, value)
                if getattr(instance, column.field.attname) != target_pk:
                    self._check_may_set(parsed, row, column)
                    setattr(instance, column.field.attname, target_pk)
                    dirty = True
            elif column.kind is Kind.REFERENCES:
                wanted = {self._resolve(column.target, key) for key in value or []}
                manager = getattr(instance, column.name)
                current = set(manager.values_list("pk", flat=True))
                if current != wanted:
                    manager.set(wanted)
                    changed = True
        if dirty or changed:
            instance.save()  # a link change is a change of the record: a new version
        return changed or dirty

    def _assign_evidence_target(self, instance, row: ParsedRow) -> bool:
        target = by_sheet(str(row.values["record_type"]))
        parts = split_key(str(row.values["record_key"]), len(target.key))
        object_id = self.keys_in_database(target.model)[parts]
        content_type = ContentType.objects.get_for_model(target.model)
        if instance.content_type_id == content_type.pk and instance.object_id == object_id:
            return False
        instance.content_type = content_type
        instance.object_id = object_id
        return True


def serialise_writes(organisation) -> None:
    """Within a transaction: wait until no other import or API write into ``organisation`` is
    under way, and hold that turn until the transaction ends.

    PostgreSQL: an advisory lock per organisation (taken before any row lock, so two writers
    cannot deadlock). SQLite needs nothing: a transaction there holds the database's write lock
    from its first statement (``transaction_mode`` IMMEDIATE in settings)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x15A5, organisation.pk])


def lock_for_update(register: Register, organisation, pk: int) -> int | None:
    """Within a transaction: take the organisation's write turn (:func:`serialise_writes`),
    then lock one record; returns its row version, or None when it is not there. What an
    update checks its If-Match or form version against."""
    serialise_writes(organisation)
    return (
        register.model.objects.select_for_update()
        .filter(organisation=organisation, pk=pk)
        .values_list("row_version", flat=True)
        .first()
    )


BUSY_MESSAGE = (
    "the database stayed busy (another import or a long write) and this import gave up waiting;"
    " nothing was written: run it again"
)


def import_sheets(
    organisation, sheets: list[Sheet], progress: Progress | None = None, *, locked: bool = False
):
    """Validate ``sheets`` and write them into ``organisation``; all or nothing.

    A second import into the same organisation waits for the first to finish; if the first
    changed rows this one was checked against, this one is refused (see
    :meth:`Importer.check_unchanged`). ``locked``: the caller already holds the organisation's
    write turn (:func:`serialise_writes`) in a transaction around this call, so nothing can
    change between the check and the write (the API's one-row writes). Raises
    :class:`ImportRejected` with every problem when anything is wrong."""
    importer = Importer(organisation, sheets, progress)
    importer.validate()
    if importer.problems:
        raise ImportRejected(importer.problems)
    try:
        with transaction.atomic():
            if not locked:
                serialise_writes(organisation)
                importer.check_unchanged()
                importer.recheck_rows()
            return importer.write()
    except (IntegrityError, DataError) as error:
        # A backstop: validation is meant to catch everything the database would refuse.
        raise ImportRejected(
            [Problem("database", message=f"the database refused the import: {error}")]
        ) from None
    except OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise ImportRejected([Problem("database", message=BUSY_MESSAGE)]) from None


def problems_by_sheet(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.sheet].append(problem)
    return grouped
