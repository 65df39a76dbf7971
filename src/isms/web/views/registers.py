"""Every register in the browser: index, list, record with history, create, edit, delete.
Writes go through the importer, so the checks are those of an import and of the API."""

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    ProtectedError,
    Q,
    RestrictedError,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.core.actor import acting_as
from isms.core.models import Organisation
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.evidence.models import EvidenceLink
from isms.exchange.columns import FORMULA_TRIGGERS, Kind, columns_of
from isms.exchange.exporter import export_register, guard_formula
from isms.exchange.importer import import_sheets, lock_for_update, serialise_writes
from isms.exchange.keys import key_lookups, target_key_field
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.web.access import organisation_for, register_named

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Records per page of a register list, and the columns it shows.
PAGE_SIZE = 50
LIST_COLUMNS = 7
#: Versions shown in a record's history.
HISTORY_VERSIONS = 50
#: Rows read per query when a list is exported (memory stays bounded for any size).
EXPORT_BATCH = 1000
#: The longest text taken from a query string (search, initial form values).
MAX_QUERY_TEXT = 200


def _clean(text: str) -> str:
    """Printable characters only (a NUL cannot even be sent to PostgreSQL in a query)."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:MAX_QUERY_TEXT]


@login_required
def register_index(request, slug: str) -> HttpResponse:
    """Every register with the number of records it holds, in one query (a count subquery per
    register on the organisation's row)."""
    organisation, _ = organisation_for(request, slug)
    registers = all_registers()
    counts = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            **{
                f"count_{index}": Coalesce(
                    Subquery(
                        register.model.objects.filter(organisation=OuterRef("pk"))
                        .order_by()
                        .values("organisation")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
                for index, register in enumerate(registers)
            }
        )
        .values(*(f"count_{index}" for index in range(len(registers))))
        .get()
    )
    rows = [
        {"register": register, "count": counts[f"count_{index}"]}
        for index, register in enumerate(registers)
    ]
    return render(request, "web/registers.html", {"organisation": organisation, "rows": rows})


def _search(register, queryset, text: str):
    """Records whose text columns contain ``text`` (case-insensitive)."""
    fields = [
        column.name
        for column in columns_of(register)
        if column.kind is Kind.TEXT and not column.computed
    ]
    if not text or not fields:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{name}__icontains": text}) for name in fields)))


def _order_lookup(column) -> str:
    """What a column sorts by: a reference by the referenced record's key (a control by its
    numeric order, 5.2 before 5.10), anything else by itself."""
    if column.kind is Kind.REFERENCE:
        if hasattr(column.target, "sort_key"):
            return f"{column.name}__sort_key"
        return f"{column.name}__{target_key_field(column.target)}"
    return column.name


@dataclass
class ListQuery:
    """What a register list's GET form asks for: search text, one value per choice or yes/no
    column, a date range on the first date column, and a sort column and direction."""

    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""
    descending: bool = False
    #: Unusable entries (a date that is not a date), by parameter: shown on the field.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def filtering(self) -> bool:
        return bool(self.text or self.filters or self.date_from or self.date_to)

    def params(self, **changes) -> str:
        """The query string of this list (for page, sort and export links), with ``changes``."""
        values = {"q": self.text, **self.filters}
        values["from"] = self.date_from.isoformat() if self.date_from else ""
        values["to"] = self.date_to.isoformat() if self.date_to else ""
        values["sort"] = self.sort
        values["dir"] = "desc" if self.descending and self.sort else ""
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def filter_columns(register):
    """The columns a list filters on: choices and yes/no."""
    return [c for c in columns_of(register) if c.kind in (Kind.CHOICE, Kind.BOOLEAN)]


def date_column(register):
    """The first date column: the one a list's date range applies to."""
    return next((c for c in columns_of(register) if c.kind is Kind.DATE), None)


def list_columns(register):
    """The columns a list shows (and may be sorted by): the first ones, without multi-links."""
    return [c for c in columns_of(register) if c.kind is not Kind.REFERENCES][:LIST_COLUMNS]


def _list_query(register, params) -> ListQuery:
    query = ListQuery(text=_clean(params.get("q", "")))
    for column in filter_columns(register):
        value = params.get(column.name, "")
        allowed = ("yes", "no") if column.kind is Kind.BOOLEAN else column.choices
        if value in allowed:
            query.filters[column.name] = value
    if date_column(register) is not None:
        for name in ("from", "to"):
            text = _clean(params.get(name, ""))
            if not text:
                continue
            try:
                setattr(query, f"date_{name}", dt.date.fromisoformat(text))
            except ValueError:
                query.problems[name] = f"expected a date like 2026-03-31, got {text!r}"
    sortable = {column.name for column in list_columns(register)}
    if params.get("sort") in sortable:
        query.sort = params["sort"]
        query.descending = params.get("dir") == "desc"
    return query


def _listed(register, organisation, query: ListQuery):
    """The primary keys of the records the list shows, in its order: the sort column (empty
    values last), then the key, then the id, so that equal values keep a stable order."""
    records = register.model.objects.filter(organisation=organisation)
    queryset = _search(register, records, query.text)
    columns = {column.name: column for column in columns_of(register)}
    for name, value in query.filters.items():
        column = columns[name]
        queryset = queryset.filter(
            **{name: value == "yes" if column.kind is Kind.BOOLEAN else value}
        )
    date = date_column(register)
    if query.date_from:
        queryset = queryset.filter(**{f"{date.name}__gte": query.date_from})
    if query.date_to:
        queryset = queryset.filter(**{f"{date.name}__lte": query.date_to})
    order = []
    if query.sort:
        lookup = F(_order_lookup(columns[query.sort]))
        order.append(
            lookup.desc(nulls_last=True) if query.descending else lookup.asc(nulls_last=True)
        )
    order += [_order_lookup(columns[name]) for name in register.key]
    return queryset.order_by(*order, "pk").values_list("pk", flat=True)


def _in_order(register, organisation, pks: list[int]) -> list[dict]:
    """The rows of ``pks`` in import format, in the order of ``pks`` (export_register orders
    by key)."""
    records = {r["id"]: r for r in export_register(register, organisation, pks=pks, with_ids=True)}
    return [records[pk] for pk in pks if pk in records]


def _not_decided(register, organisation):
    """For the SoA: every Annex A control, and whether the organisation has decided it yet (an
    SoA row for it), in one query. None for any other register."""
    if register.model is not SoAEntry:
        return None
    decided = SoAEntry.objects.filter(organisation=organisation, control=OuterRef("pk"))
    controls = list(
        Control.objects.annotate(decided=Exists(decided))
        .order_by("sort_key")
        .values("ref", "title", "theme", "decided")
    )
    return {
        "total": len(controls),
        "decided": sum(1 for control in controls if control["decided"]),
        "controls": [control for control in controls if not control["decided"]],
    }


@login_required
def register_list(request, slug: str, name: str) -> HttpResponse:
    """One register's records, searched, filtered, sorted and paged: a fixed number of queries
    per page. The SoA lists the controls not decided yet too."""
    organisation, membership = organisation_for(request, slug)
    register = register_named(name)
    query = _list_query(register, request.GET)
    pks = _listed(register, organisation, query)
    page = Paginator(pks, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = list_columns(register)
    records = _in_order(register, organisation, list(page.object_list))
    rows = [
        {"id": record["id"], "cells": [record.get(c.name) for c in columns]} for record in records
    ]
    sortable = {column.name for column in columns}
    headers = [
        {
            "column": column,
            "sorted": query.sort == column.name,
            "descending": query.sort == column.name and query.descending,
            "link": query.params(
                sort=column.name,
                dir="desc" if query.sort == column.name and not query.descending else "",
            ),
        }
        for column in columns
        if column.name in sortable
    ]
    date = date_column(register)
    context = {
        "organisation": organisation,
        "register": register,
        "headers": headers,
        "rows": rows,
        "page": page,
        "query": query,
        "q": query.text,
        "params": query.params(),
        "filters": [
            {
                "column": column,
                "options": ("yes", "no") if column.kind is Kind.BOOLEAN else column.choices,
                "value": query.filters.get(column.name, ""),
            }
            for column in filter_columns(register)
        ],
        "date_column": date,
        "soa": _not_decided(register, organisation),
        "may_edit": can(membership, Action.EDIT_REGISTERS),
        "may_export": can(membership, Action.EXPORT),
    }
    return render(request, "web/register_list.html", context)


def _export_rows(register, organisation, pks: list[int]):
    """Every column of the listed records, in the list's order, a batch of rows at a time."""
    for start in range(0, len(pks), EXPORT_BATCH):
        for record in _in_order(register, organisation, pks[start : start + EXPORT_BATCH]):
            yield [record.get(column) for column in register.columns]


def _csv_stream(register, organisation, pks):
    """The CSV a batch of rows at a time (one chunk per batch: each chunk of a streamed answer
    passes through every middleware)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(register.columns)
    for number, row in enumerate(_export_rows(register, organisation, pks), start=1):
        writer.writerow(["" if value is None else guard_formula(value) for value in row])
        if number % EXPORT_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_value(sheet, value):
    """A value as written: a text that a spreadsheet would run as a formula becomes a string
    cell (shown as text, never evaluated); anything else is passed as it is (faster)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _xlsx_file(register, organisation, pks):
    """A workbook of one sheet written row by row (openpyxl's write-only mode) to a temporary
    file, so that a large list does not sit in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(register.sheet[:31])
    bold = Font(bold=True)
    header = []
    for column in register.columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in _export_rows(register, organisation, pks):
        sheet.append([_xlsx_value(sheet, value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(output)
    output.seek(0)
    return output


@login_required
def register_export(request, slug: str, name: str, kind: str) -> HttpResponse:
    """The list as filtered and sorted, every column in the import format, as CSV (streamed)
    or xlsx (written to a temporary file): memory stays bounded for any number of rows."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EXPORT)
    register = register_named(name)
    if kind not in ("csv", "xlsx"):
        raise Http404("exports are csv or xlsx")
    pks = list(_listed(register, organisation, _list_query(register, request.GET)))
    filename = f"{organisation.slug}-{register.name}-{timezone.localdate().isoformat()}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(
            _csv_stream(register, organisation, pks), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        _xlsx_file(register, organisation, pks),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_TYPE,
    )


#: Records listed per register that refers to a record (the count says how many in all).
REFERRERS_SHOWN = 10


def _register_of_model() -> dict:
    return {register.model: register for register in all_registers()}


def _references(register, organisation, pk: int, record: dict) -> list[dict]:
    """The records this one points at (its reference columns), each with its register: one
    query for all of them."""
    by_model = _register_of_model()
    columns = [
        c
        for c in columns_of(register)
        if c.kind is Kind.REFERENCE and by_model.get(c.target) is not None
    ]
    if not columns:
        return []
    ids = (
        register.model.objects.filter(organisation=organisation, pk=pk)
        .values(*(c.field.attname for c in columns))
        .first()
        or {}
    )
    return [
        {
            "column": c,
            "register": by_model[c.target],
            "pk": ids[c.field.attname],
            "label": record.get(c.name) or ids[c.field.attname],
        }
        for c in columns
        if ids.get(c.field.attname) is not None
    ]


def _referrers(register, organisation, pk: int) -> list[dict]:
    """The records of other registers that point at this one: per referring register and
    field, how many and the first REFERRERS_SHOWN with their keys (two queries each; a
    model has a fixed number of such relations, whatever the data)."""
    by_model = _register_of_model()
    found = []
    for relation in register.model._meta.related_objects:
        source = by_model.get(relation.related_model)
        if source is None or not (relation.one_to_many or relation.one_to_one):
            continue
        rows = source.model.objects.filter(
            organisation=organisation, **{relation.field.name: pk}
        ).order_by(*key_lookups(source), "pk")
        count = rows.count()
        if not count:
            continue
        shown = [
            {"pk": values[0], "key": " / ".join(str(v) for v in values[1:])}
            for values in rows.values_list("pk", *key_lookups(source))[:REFERRERS_SHOWN]
        ]
        found.append(
            {
                "register": source,
                "field": relation.field.name,
                "count": count,
                "records": shown,
            }
        )
    return found


def _evidence_of(register, organisation, pk: int) -> list:
    """The evidence linked to this record (the evidence register's links), newest first."""
    content_type = ContentType.objects.get_for_model(register.model)
    return list(
        EvidenceLink.objects.filter(
            organisation=organisation, content_type=content_type, object_id=pk
        )
        .select_related("evidence")
        .order_by("-evidence__collected_on", "evidence__ref")[:50]
    )


@login_required
def record_detail(request, slug: str, name: str, pk: int) -> HttpResponse:
    """One record: every field as the import format writes it, the records it points at and
    those that point at it, its evidence, and its change history (who, when, what changed from
    what), newest first."""
    organisation, membership = organisation_for(request, slug)
    register = register_named(name)
    records = export_register(register, organisation, pks=[pk], with_ids=True)
    if not records:
        raise Http404("no such record")
    record = records[0]
    fields = [(column, record.get(column.name)) for column in columns_of(register)]
    versions = list(
        register.model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: HISTORY_VERSIONS + 1]
    )
    history = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        if len(history) == HISTORY_VERSIONS:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            changes = [
                (change.field, change.old, change.new)
                for change in delta.changes
                if change.field not in {"updated_at", "updated_by", "row_version"}
            ]
        history.append({"version": newer, "changes": changes})
    context = {
        "organisation": organisation,
        "register": register,
        "record": record,
        "fields": fields,
        "history": history,
        "references": _references(register, organisation, pk, record),
        "referrers": _referrers(register, organisation, pk),
        "evidence": _evidence_of(register, organisation, pk),
        "may_edit": can(membership, Action.EDIT_REGISTERS),
        "may_delete": can(membership, Action.DELETE_RECORDS),
    }
    return render(request, "web/record.html", context)


def _editable(register, column, record, creating: bool = False) -> bool:
    """Whether the form offers ``column``: not the key of an existing record, nor what a
    workflow, an approval or an audit result owns (those have their own steps), nor a set-once
    field already set."""
    return not (
        column.computed
        or (column.name in register.key and not creating)
        or column.name in register.workflow
        or column.name in register.guarded
        or (column.name in register.set_once and record.get(column.name) not in (None, ""))
    )


def _form_fields(register, record, posted=None, problems=None, creating: bool = False):
    fields = []
    for column in columns_of(register):
        value = record.get(column.name) if posted is None else posted.get(column.name, "")
        if isinstance(value, dt.date):
            value = value.isoformat()  # what a date input and the importer read
        widget = "text"
        if column.kind is Kind.CHOICE:
            widget = "select"
        elif column.kind is Kind.BOOLEAN:
            widget = "yesno"
        elif column.kind is Kind.DATE:
            widget = "date"
        elif column.kind in (Kind.INTEGER, Kind.DECIMAL):
            widget = "number"
        elif column.kind is Kind.TEXT and not getattr(column.field, "max_length", None):
            widget = "textarea"
        fields.append(
            {
                "column": column,
                "value": "" if value is None else value,
                "editable": _editable(register, column, record, creating),
                "widget": widget,
                "help": column.describe(),
                "problems": (problems or {}).get(column.name, []),
            }
        )
    return fields


@login_required
def record_edit(request, slug: str, name: str, pk: int) -> HttpResponse:
    """Edit a record's fields. The form carries the version it was opened at: if someone
    changed the record since, nothing is written and the form says so, with the entries kept.
    Writes go through the importer, so the checks are those of an import and of the API."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    register = register_named(name)
    records = export_register(register, organisation, pks=[pk], with_ids=True)
    if not records:
        raise Http404("no such record")
    record = records[0]
    if register.locked_by and record.get(register.locked_by) not in (None, ""):
        return render(
            request,
            "web/record_locked.html",
            {"organisation": organisation, "register": register, "record": record},
            status=409,
        )
    context = {"organisation": organisation, "register": register, "record": record}
    if request.method != "POST":
        context["fields"] = _form_fields(register, record)
        context["version"] = record["row_version"]
        return render(request, "web/record_edit.html", context)
    posted = {name: request.POST.get(name, "").strip() for name in register.columns}
    sent_version = request.POST.get("row_version", "")
    problems: dict[str, list[str]] = {}
    with transaction.atomic():
        current = lock_for_update(register, organisation, pk)
        if current is None:
            raise Http404("no such record")
        if sent_version != str(current):
            context["stale"] = current
        else:
            row = {}
            for column in columns_of(register):
                if column.computed:
                    continue
                if _editable(register, column, record):
                    row[column.name] = posted.get(column.name) or None
                else:
                    row[column.name] = record.get(column.name)
            sheet = Sheet(register.sheet, list(row), [(1, row)], row_label="form")
            try:
                with acting_as(request.user):
                    import_sheets(organisation, [sheet], locked=True)
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    problems.setdefault(problem.column or "", []).append(problem.message)
    if not problems and "stale" not in context:
        return redirect("web:record", slug=organisation.slug, name=register.name, pk=pk)
    context["fields"] = _form_fields(register, record, posted, problems)
    context["version"] = sent_version
    context["general"] = problems.get("", [])
    return render(
        request, "web/record_edit.html", context, status=409 if "stale" in context else 422
    )


def _initial_values(register, params) -> dict[str, str]:
    """A new record's form filled in from the query string, any column by its name (the SoA's
    "Decide" link sends ``?control=A.5.1``; a control is written as the catalogue has it,
    5.1)."""
    initial = {}
    for column in columns_of(register):
        value = _clean(params.get(column.name, ""))
        if value and column.kind is Kind.REFERENCE and column.target is Control:
            value = value.removeprefix("A.")
        initial[column.name] = value
    return initial


@login_required
def record_create(request, slug: str, name: str) -> HttpResponse:
    """A new record, through the importer like every write; a key that exists is refused."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    register = register_named(name)
    context = {"organisation": organisation, "register": register, "creating": True}
    blank: dict = {}
    if request.method != "POST":
        initial = _initial_values(register, request.GET)
        context["fields"] = [
            f for f in _form_fields(register, blank, initial, creating=True) if f["editable"]
        ]
        return render(request, "web/record_edit.html", context)
    posted = {name: request.POST.get(name, "").strip() for name in register.columns}
    row = {
        column.name: posted.get(column.name) or None
        for column in columns_of(register)
        if _editable(register, column, blank, creating=True)
    }
    problems: dict[str, list[str]] = {}
    created = None
    with transaction.atomic():
        serialise_writes(organisation)
        sheet = Sheet(register.sheet, list(row), [(1, row)], row_label="form")
        try:
            with acting_as(request.user):
                report = import_sheets(organisation, [sheet], locked=True)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                problems.setdefault(problem.column or "", []).append(problem.message)
        else:
            if not report.sheets[register.sheet].created:
                problems[register.key[0]] = ["a record with this key already exists"]
                transaction.set_rollback(True)
            else:
                created = (
                    register.model.objects.filter(organisation=organisation)
                    .order_by("-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
    if created is not None:
        return redirect("web:record", slug=organisation.slug, name=register.name, pk=created)
    fields = _form_fields(register, blank, posted, problems, creating=True)
    context["fields"] = [f for f in fields if f["editable"]]
    context["general"] = problems.get("", [])
    return render(request, "web/record_edit.html", context, status=422)


@login_required
def record_delete(request, slug: str, name: str, pk: int) -> HttpResponse:
    """Delete after a confirmation page; refused while other records refer to it or when it is
    final (a signed review, a closed NC)."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.DELETE_RECORDS)
    register = register_named(name)
    records = export_register(register, organisation, pks=[pk], with_ids=True)
    if not records:
        raise Http404("no such record")
    context = {"organisation": organisation, "register": register, "record": records[0]}
    context["label"] = records[0].get(register.key[0])
    if request.method != "POST":
        return render(request, "web/record_delete.html", context)
    with transaction.atomic():
        serialise_writes(organisation)
        instance = (
            register.model.objects.select_for_update()
            .filter(organisation=organisation, pk=pk)
            .first()
        )
        if instance is None:
            raise Http404("no such record")
        refusal = None
        if register.locked_by and getattr(instance, register.locked_by) not in (None, ""):
            refusal = f"this record is final ({register.locked_by} is set) and is not deleted"
        else:
            try:
                with acting_as(request.user), transaction.atomic():
                    (register.deleter or type(instance).delete)(instance)
            except (ProtectedError, RestrictedError) as error:
                blocking = getattr(error, "protected_objects", None) or error.restricted_objects
                used_by = sorted({type(obj)._meta.verbose_name for obj in blocking})
                refusal = f"still referred to by: {', '.join(used_by)}"
    if refusal:
        context["refusal"] = refusal
        return render(request, "web/record_delete.html", context, status=409)
    return redirect("web:register", slug=organisation.slug, name=register.name)


urlpatterns = [
    path("orgs/<slug:slug>/registers/", register_index, name="registers"),
    path("orgs/<slug:slug>/registers/<slug:name>/", register_list, name="register"),
    path("orgs/<slug:slug>/registers/<slug:name>/new/", record_create, name="record_new"),
    path(
        "orgs/<slug:slug>/registers/<slug:name>/export.<str:kind>",
        register_export,
        name="register_export",
    ),
    path(
        "orgs/<slug:slug>/registers/<slug:name>/<int:pk>/delete/",
        record_delete,
        name="record_delete",
    ),
    path("orgs/<slug:slug>/registers/<slug:name>/<int:pk>/", record_detail, name="record"),
    path(
        "orgs/<slug:slug>/registers/<slug:name>/<int:pk>/edit/",
        record_edit,
        name="record_edit",
    ),
]
