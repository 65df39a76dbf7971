"""CRUD endpoints for every register, generated from the declarations.

Writes go through the importer with a one-row sheet, so the API applies exactly the same
validation as spreadsheet import (types, choices, references by natural key, model rules) and
records history with the caller as the user who made the change.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import (
    Message,
    ProblemList,
    VersionConflict,
    filter_schema,
    input_schema,
    output_schema,
    page_schema,
)
from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.core.registers import Register, all_registers
from isms.core.services import membership_for
from isms.exchange.columns import MULTI_SEPARATOR, CellError, Kind, columns_of
from isms.exchange.exporter import export_register
from isms.exchange.importer import import_sheets, lock_for_update, serialise_writes
from isms.exchange.keys import key_lookups, key_text, target_key_field
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet

MAX_LIMIT = 1000
WORKFLOW_MESSAGE = "set by the workflow, not by editing the record; use its workflow endpoint"
SET_ONCE_MESSAGE = "set when the record was created and cannot be changed"
GUARDED_MESSAGE = "the role {!r} may not {} (this field records it)"
APPROVER_MESSAGE = "an approval is recorded in the caller's own name: {} (or leave it empty)"
LOCKED_MESSAGE = "this {} is final ({} is set) and is not changed or deleted through this endpoint"
MAX_ID = 2**62
IF_MATCH_REQUIRED = (
    "send If-Match with the version you read (the ETag of GET, here {etag}), so that a change "
    "made by someone else since is not overwritten"
)
IF_MATCH_FAILED = (
    "the {} was changed since you read it: it is now version {} (ETag {}); GET it again, apply "
    "your change to what is there now, and send that ETag in If-Match"
)


def etag(version: int) -> str:
    """The ETag of one version of a record (a strong validator: If-Match compares it exactly)."""
    return f'"{version}"'


def _if_match(header: str, version: int) -> bool:
    """Whether an If-Match header names ``version`` (or ``*``); weak tags never match."""
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag(version) in tags


class PayloadRejected(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems


def _cell(value):
    """A JSON value as the importer reads a cell."""
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _guard(register: Register, request, organisation, changed: dict) -> Status | None:
    """403 when a changed field needs an action the caller's role does not have (approvals,
    audit results); 422 when an approval names anyone but the caller. None when allowed."""
    membership = membership_for(request.user, organisation)
    refused = sorted(
        {
            (register.guarded[name], name)
            for name in changed
            if name in register.guarded and not can(membership, register.guarded[name])
        }
    )
    if refused:
        action, name = refused[0]
        role = membership.get_role_display() if membership else "none"
        detail = f"{name}: " + GUARDED_MESSAGE.format(role, action.value.replace("_", " "))
        return Status(403, {"detail": detail})
    own = (request.user.email or "").strip().lower()
    wrong = [
        name
        for name in register.approvers
        if changed.get(name) not in (None, "") and str(changed[name]).strip().lower() != own
    ]
    if wrong:
        return Status(422, _problems([(name, APPROVER_MESSAGE.format(own)) for name in wrong]))
    return None


def _api_row(register: Register, row: dict) -> dict:
    """An exported row as the API returns it: link lists as JSON lists."""
    out = dict(row)
    for column in columns_of(register):
        if column.kind is Kind.REFERENCES:
            text = out.get(column.name)
            out[column.name] = text.split(MULTI_SEPARATOR) if text else []
    return out


def _write(register: Register, organisation, user, values: dict) -> int:
    """Import one row; returns the record's id. Raises PayloadRejected with every problem.

    The caller holds the organisation's write turn (:func:`serialise_writes`) in a transaction."""
    row = {name: _cell(value) for name, value in values.items()}
    sheet = Sheet(register.sheet, list(row), [(1, row)], row_label="item")
    try:
        with acting_as(user):
            import_sheets(organisation, [sheet], locked=True)
    except ImportRejected as rejected:
        raise PayloadRejected([(p.column or "", p.message) for p in rejected.problems]) from None
    key = tuple(key_text(_parse_key(register, name, row[name])) for name in register.key)
    return _pk_for_key(register, organisation, key)


def _parse_key(register: Register, name: str, raw):
    column = next(c for c in columns_of(register) if c.name == name)
    return column.parse(raw)


def _pk_for_key(register: Register, organisation, key: tuple[str, ...]) -> int | None:
    lookups = dict(zip(key_lookups(register), key, strict=True))
    for lookup, value in list(lookups.items()):
        field = register.model._meta.get_field(lookup.split("__")[0])
        if field.get_internal_type() == "DateField":
            lookups[lookup] = dt.date.fromisoformat(value)
    found = (
        register.model.objects.filter(organisation=organisation, **lookups)
        .values_list("pk", flat=True)
        .first()
    )
    return found


def _one(register: Register, organisation, pk: int) -> dict:
    if pk > MAX_ID:
        raise Http404(f"no {register.model._meta.verbose_name} with id {pk}")
    rows = export_register(register, organisation, pks=[pk], with_ids=True)
    if not rows:
        raise Http404(f"no {register.model._meta.verbose_name} with id {pk}")
    return _api_row(register, rows[0])


def _problems(problems: list[tuple[str, str]]) -> dict:
    return {"detail": [{"loc": ["body", column], "msg": message} for column, message in problems]}


def _filter(register: Register, organisation, filters: dict):
    queryset = register.model.objects.filter(organisation=organisation)
    problems = []
    for column in columns_of(register):
        raw = filters.get(column.name)
        if raw is None or column.computed:
            continue
        try:
            if column.kind is Kind.REFERENCE:
                lookup = f"{column.name}__{target_key_field(column.target)}"
                queryset = queryset.filter(**{lookup: column.parse(raw)})
            elif column.kind is Kind.REFERENCES:
                # Parsed like a cell (refuses NUL and control characters); any of the keys.
                keys = column.parse(raw) or []
                lookup = f"{column.name}__{target_key_field(column.target)}__in"
                queryset = queryset.filter(**{lookup: keys})
            else:
                queryset = queryset.filter(**{column.name: column.parse(raw)})
        except CellError as error:
            problems.append((column.name, str(error)))
    if problems:
        raise PayloadRejected(problems)
    return queryset.distinct()


def make_router(register: Register) -> Router:
    router = Router(tags=[register.sheet])
    base = f"/orgs/{{org}}/{register.name}/"
    model_name = register.model._meta.verbose_name
    In = input_schema(register, partial=False)
    Patch = input_schema(register, partial=True)
    Out = output_schema(register)
    Page = page_schema(register, Out)
    Filters = filter_schema(register)
    errors = {403: Message, 404: Message, 409: Message, 422: ProblemList}
    versioned = {**errors, 412: VersionConflict, 428: VersionConflict}

    @router.get(
        base,
        response={200: Page, **errors},
        summary=f"List {register.sheet}",
        operation_id=f"{register.name}_list",
    )
    def list_records(request, org: str, filters: Query[Filters]):
        organisation = organisation_for(request, org, Action.VIEW)
        params = filters.model_dump()
        limit, offset = params.pop("limit"), params.pop("offset")
        if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_ID:
            return Status(422, _problems([("limit", f"limit is 1..{MAX_LIMIT}, offset 0 or more")]))
        try:
            queryset = _filter(register, organisation, params)
        except PayloadRejected as rejected:
            return Status(422, _problems(rejected.problems))
        count = queryset.count()
        pks = list(
            queryset.order_by(*key_lookups(register)).values_list("pk", flat=True)[
                offset : offset + limit
            ]
        )
        rows = export_register(register, organisation, pks=pks, with_ids=True)
        items = [_api_row(register, row) for row in rows]
        return Status(200, {"count": count, "limit": limit, "offset": offset, "items": items})

    @router.post(
        base,
        response={201: Out, **errors},
        summary=f"Create a {model_name}",
        operation_id=f"{register.name}_create",
    )
    def create_record(request, response: HttpResponse, org: str, payload: In):
        organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
        values = payload.model_dump()
        owned = [n for n in register.workflow if values.get(n) not in (None, "", False, [])]
        if owned:
            return Status(422, _problems([(name, WORKFLOW_MESSAGE) for name in owned]))
        try:
            key = tuple(
                key_text(_parse_key(register, name, _cell(values[name]))) for name in register.key
            )
        except CellError as error:
            return Status(422, _problems([("", str(error))]))
        given = {name: value for name, value in values.items() if value not in (None, "", [])}
        refused = _guard(register, request, organisation, given)
        if refused is not None:
            return refused
        with transaction.atomic():
            # Checked and written in one turn: of two creates of one key, the second sees the
            # first's record and answers 409.
            serialise_writes(organisation)
            existing = _pk_for_key(register, organisation, key)
            if existing is not None:
                return Status(
                    409, {"detail": f"a {model_name} with that key already exists (id {existing})"}
                )
            try:
                pk = _write(register, organisation, request.user, values)
            except PayloadRejected as rejected:
                return Status(422, _problems(rejected.problems))
        record = _one(register, organisation, pk)
        response["ETag"] = etag(record["row_version"])
        return Status(201, record)

    @router.get(
        base + "{int:record_id}",
        response={200: Out, **errors},
        summary=f"Get a {model_name}",
        operation_id=f"{register.name}_get",
    )
    def get_record(request, response: HttpResponse, org: str, record_id: int):
        organisation = organisation_for(request, org, Action.VIEW)
        if record_id > MAX_ID:
            raise Http404(f"no {model_name} with id {record_id}")
        record = _one(register, organisation, record_id)
        response["ETag"] = etag(record["row_version"])
        return Status(200, record)

    def update(request, response, org: str, record_id: int, values: dict, partial: bool):
        """PUT and PATCH: under the organisation's write turn and the row's lock, so the
        If-Match check, the read of the current record and the write see the same version."""
        organisation = organisation_for(request, org, Action.VIEW)
        if record_id > MAX_ID:
            raise Http404(f"no {model_name} with id {record_id}")
        membership = membership_for(request.user, organisation)
        if not any(can(membership, action) for action in register.guarded.values()):
            # Nothing this caller may change without editing registers: say so before taking
            # the organisation's write turn (the per-field check follows in _update).
            require(membership, Action.EDIT_REGISTERS)
        with transaction.atomic():
            version = lock_for_update(register, organisation, record_id)
            if version is None:
                raise Http404(f"no {model_name} with id {record_id}")
            response["ETag"] = etag(version)
            sent = request.headers.get("If-Match")
            if sent is None:
                detail = IF_MATCH_REQUIRED.format(etag=etag(version))
                return Status(428, {"detail": detail, "row_version": version})
            if not _if_match(sent, version):
                detail = IF_MATCH_FAILED.format(model_name, version, etag(version))
                return Status(412, {"detail": detail, "row_version": version})
            outcome = _update(request, organisation, record_id, values, partial)
        if outcome is not None:
            return outcome
        record = _one(register, organisation, record_id)
        response["ETag"] = etag(record["row_version"])
        return Status(200, record)

    def _update(request, organisation, record_id: int, values: dict, partial: bool):
        """The checks and the write of an update; a refusal as a Status, or None when written.

        Who may change what is decided per field: audit results are written by internal
        auditors, who do not edit registers otherwise."""
        current = _one(register, organisation, record_id)
        if register.locked_by and current.get(register.locked_by) not in (None, ""):
            return Status(409, {"detail": LOCKED_MESSAGE.format(model_name, register.locked_by)})
        merged = {c.name: current.get(c.name) for c in columns_of(register) if not c.computed}
        if not partial:
            merged = {name: None for name in merged}
        merged.update(values)
        for name in register.workflow:
            sent = values.get(name)
            if sent is not None and _cell(sent) != _cell(current.get(name)):
                return Status(422, _problems([(name, WORKFLOW_MESSAGE)]))
            merged[name] = current.get(name)
        changed = {
            name: value
            for name, value in values.items()
            if _cell(value) != _cell(current.get(name))
        }
        if not changed or any(name not in register.guarded for name in changed):
            require(membership_for(request.user, organisation), Action.EDIT_REGISTERS)
        refused = _guard(register, request, organisation, changed)
        if refused is not None:
            return refused
        for name in register.set_once:
            if current.get(name) not in (None, "") and _cell(merged.get(name)) != _cell(
                current.get(name)
            ):
                return Status(422, _problems([(name, SET_ONCE_MESSAGE)]))
        for name in register.key:
            if _cell(merged.get(name)) != _cell(current.get(name)):
                return Status(
                    422,
                    _problems(
                        [(name, "key columns cannot be changed; create a new record instead")]
                    ),
                )
        try:
            with transaction.atomic():
                _write(register, organisation, request.user, merged)
        except PayloadRejected as rejected:
            return Status(422, _problems(rejected.problems))
        return None

    @router.put(
        base + "{int:record_id}",
        response={200: Out, **versioned},
        summary=f"Replace a {model_name}",
        description="Send `If-Match` with the record's ETag (from GET); 412 when it changed.",
        operation_id=f"{register.name}_replace",
    )
    def replace_record(request, response: HttpResponse, org: str, record_id: int, payload: In):
        return update(request, response, org, record_id, payload.model_dump(), partial=False)

    @router.patch(
        base + "{int:record_id}",
        response={200: Out, **versioned},
        summary=f"Change a {model_name}",
        description="Send `If-Match` with the record's ETag (from GET); 412 when it changed.",
        operation_id=f"{register.name}_patch",
    )
    def patch_record(request, response: HttpResponse, org: str, record_id: int, payload: Patch):
        values = payload.model_dump(exclude_unset=True)
        return update(request, response, org, record_id, values, True)

    @router.delete(
        base + "{int:record_id}",
        response={204: None, **errors, 412: VersionConflict},
        summary=f"Delete a {model_name}",
        description="`If-Match` is optional here; when sent, 412 if the record changed.",
        operation_id=f"{register.name}_delete",
    )
    def delete_record(request, org: str, record_id: int):
        organisation = organisation_for(request, org, Action.DELETE_RECORDS)
        if record_id > MAX_ID:
            raise Http404(f"no {model_name} with id {record_id}")
        with transaction.atomic():
            serialise_writes(organisation)
            return _delete(request, organisation, record_id)

    def _delete(request, organisation, record_id: int):
        instance = (
            register.model.objects.select_for_update()
            .filter(organisation=organisation, pk=record_id)
            .first()
        )
        if instance is None:
            raise Http404(f"no {model_name} with id {record_id}")
        sent = request.headers.get("If-Match")
        version = instance.row_version
        if sent is not None and not _if_match(sent, version):
            detail = IF_MATCH_FAILED.format(model_name, version, etag(version))
            return Status(412, {"detail": detail, "row_version": version})
        if register.locked_by and getattr(instance, register.locked_by) not in (None, ""):
            return Status(409, {"detail": LOCKED_MESSAGE.format(model_name, register.locked_by)})
        try:
            with acting_as(request.user), transaction.atomic():
                (register.deleter or type(instance).delete)(instance)
        except (ProtectedError, RestrictedError) as error:
            blocking = getattr(error, "protected_objects", None) or error.restricted_objects
            used_by = sorted({type(obj)._meta.verbose_name for obj in blocking})
            return Status(409, {"detail": f"still referred to by: {', '.join(used_by)}"})
        return Status(204, None)

    return router


def register_routers(api) -> None:
    for register in all_registers():
        api.add_router("", make_router(register))
