"""Every register in the browser: index, list, record with history, create, edit, delete.
Writes go through the importer, so the checks are those of an import and of the API."""

import datetime as dt
from functools import reduce
from operator import or_

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.exchange.columns import Kind, columns_of
from isms.exchange.exporter import export_register
from isms.exchange.importer import import_sheets, lock_for_update, serialise_writes
from isms.exchange.keys import key_lookups
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.web.access import organisation_for, register_named

#: Records per page of a register list, and the columns it shows.
PAGE_SIZE = 50
LIST_COLUMNS = 7
#: Versions shown in a record's history.
HISTORY_VERSIONS = 50


@login_required
def register_index(request, slug: str) -> HttpResponse:
    """Every register with the number of records it holds (one count per register)."""
    organisation, _ = organisation_for(request, slug)
    rows = [
        {
            "register": register,
            "count": register.model.objects.filter(organisation=organisation).count(),
        }
        for register in all_registers()
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


@login_required
def register_list(request, slug: str, name: str) -> HttpResponse:
    """One register's records, searched and paged: a fixed number of queries per page."""
    organisation, membership = organisation_for(request, slug)
    register = register_named(name)
    # Printable characters only: a NUL cannot even be sent to PostgreSQL in a query.
    text = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable()).strip()[:200]
    queryset = _search(register, register.model.objects.filter(organisation=organisation), text)
    pks = queryset.order_by(*key_lookups(register)).values_list("pk", flat=True)
    page = Paginator(pks, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [c for c in columns_of(register) if c.kind is not Kind.REFERENCES][:LIST_COLUMNS]
    records = export_register(register, organisation, pks=list(page.object_list), with_ids=True)
    rows = [
        {"id": record["id"], "cells": [record.get(c.name) for c in columns]} for record in records
    ]
    context = {
        "organisation": organisation,
        "register": register,
        "columns": columns,
        "rows": rows,
        "page": page,
        "q": text,
        "may_edit": can(membership, Action.EDIT_REGISTERS),
    }
    return render(request, "web/register_list.html", context)


@login_required
def record_detail(request, slug: str, name: str, pk: int) -> HttpResponse:
    """One record: every field as the import format writes it, and its change history (who,
    when, what changed from what), newest first."""
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


@login_required
def record_create(request, slug: str, name: str) -> HttpResponse:
    """A new record, through the importer like every write; a key that exists is refused."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    register = register_named(name)
    context = {"organisation": organisation, "register": register, "creating": True}
    blank: dict = {}
    if request.method != "POST":
        context["fields"] = [
            f for f in _form_fields(register, blank, creating=True) if f["editable"]
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
