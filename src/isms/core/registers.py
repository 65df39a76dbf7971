"""Declarations of the registers: which model, which sheet, which natural key, which columns.

A register app declares each of its models once in its ``registers.py``; the importer, the
exporter, the blank template, the REST API and the import-format docs are all derived from these
declarations and from the model fields (type, choices, required, help text). The order of
declaration is the dependency order: a register's required references point only to registers
declared before it; optional ones may point anywhere and are set in a second pass on import.
"""

from dataclasses import dataclass, field

from django.db import models

from isms.core.permissions import Action


@dataclass(frozen=True)
class Register:
    model: type[models.Model]
    sheet: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    description: str
    #: Columns exported for reading but ignored on import (computed by the model).
    computed: tuple[str, ...] = ()
    #: Example values per column for the docs and the template's instructions.
    example: dict[str, str] = field(default_factory=dict)
    #: Columns a workflow owns (e.g. a nonconformity's status): imports take them as recorded,
    #: but the REST API's generic create/update refuses to set them; the workflow endpoints do.
    workflow: tuple[str, ...] = ()
    #: A field that, once set (e.g. a review's signed_on), freezes the record for the REST API's
    #: generic update and delete: signed minutes and closed records are not rewritten.
    locked_by: str | None = None
    #: Columns given when a record is created that the REST API's generic update never changes
    #: once set (e.g. the date a nonconformity was raised: moving it would satisfy deadlines).
    set_once: tuple[str, ...] = ()
    #: Columns whose setting or change needs more than editing registers, and the action it
    #: needs: approvals need APPROVE, audit results MANAGE_AUDITS (auditees only read them).
    guarded: dict[str, Action] = field(default_factory=dict)
    #: Columns naming who approved: through the REST API an approval is recorded in the
    #: caller's own name (the person with the caller's email), never a name from the payload.
    approvers: tuple[str, ...] = ()
    #: How a record is deleted when more than its row goes (an evidence item's stored files);
    #: raises ProtectedError to refuse. None: ``instance.delete()``.
    deleter: object = None
    #: Checks of an imported sheet's rows against other records, of the same import or already
    #: stored (a risk's levels against the risk method in force): called as
    #: ``row_check(organisation, rows, sheet_rows)`` with ``rows`` the sheet's (number, values)
    #: and ``sheet_rows(sheet)`` another sheet's values in this import; returns
    #: (number, column, message) problems.
    row_check: object = None

    @property
    def name(self) -> str:
        """The register's id in URLs and CSV file names: the sheet in lower snake case."""
        return self.sheet.lower().replace(" ", "_")

    def field(self, column: str) -> models.Field:
        return self.model._meta.get_field(column)

    @property
    def input_columns(self) -> tuple[str, ...]:
        return tuple(column for column in self.columns if column not in self.computed)


_REGISTRY: dict[str, Register] = {}


def register(
    model,
    *,
    sheet: str,
    key: tuple[str, ...],
    columns: tuple[str, ...],
    description: str,
    computed: tuple[str, ...] = (),
    example: dict[str, str] | None = None,
    workflow: tuple[str, ...] = (),
    locked_by: str | None = None,
    set_once: tuple[str, ...] = (),
    guarded: dict[str, Action] | None = None,
    approvers: tuple[str, ...] = (),
    deleter=None,
    row_check=None,
) -> Register:
    declaration = Register(
        model=model,
        sheet=sheet,
        key=key,
        columns=columns,
        description=description,
        computed=computed,
        example=example or {},
        workflow=workflow,
        locked_by=locked_by,
        set_once=set_once,
        guarded=dict(guarded or {}),
        approvers=approvers,
        deleter=deleter,
        row_check=row_check,
    )
    if sheet in _REGISTRY:
        raise ValueError(f"register sheet {sheet!r} declared twice")
    missing = [
        column
        for column in (*key, *columns, *workflow, *set_once, *(guarded or {}), *approvers)
        if column not in _field_names(model)
    ]
    if missing:
        raise ValueError(f"register {sheet!r}: {model.__name__} has no field(s) {missing}")
    _REGISTRY[sheet] = declaration
    return declaration


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def all_registers() -> list[Register]:
    """Every declared register, in dependency order."""
    return list(_REGISTRY.values())


def by_sheet(sheet: str) -> Register:
    return _REGISTRY[sheet]


def for_model(model) -> Register | None:
    for declaration in _REGISTRY.values():
        if declaration.model is model:
            return declaration
    return None
