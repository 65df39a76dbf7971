"""Pydantic schemas for each register, derived from its columns (so OpenAPI documents them)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from isms.core.registers import Register
from isms.exchange.columns import Column, Kind, columns_of

#: A date the API accepts: far enough from the calendar's ends that date arithmetic (cycles,
#: deadlines) cannot overflow into a server error.
SaneDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))]


class Problem(Schema):
    """One problem: where (``["body", "owner"]``; a list item's index is a number) and what."""

    loc: list[str | int]
    msg: str


class ProblemList(Schema):
    detail: list[Problem]


class Message(Schema):
    detail: str


class VersionConflict(Schema):
    """412/428 on PUT and PATCH: the record's current version, to GET and retry with."""

    detail: str
    row_version: int


def _input_type(column: Column):
    if column.kind is Kind.CHOICE:
        return Literal[tuple(column.choices)]
    if column.kind is Kind.INTEGER:
        return int
    if column.kind is Kind.DECIMAL:
        return Decimal
    if column.kind is Kind.BOOLEAN:
        return bool
    if column.kind is Kind.DATE:
        return SaneDate
    if column.kind is Kind.REFERENCES:
        return list[str]
    return str


def _output_type(column: Column):
    if column.kind is Kind.DECIMAL:
        return float
    return _input_type(column)


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def input_schema(register: Register, partial: bool) -> type[Schema]:
    """Fields of a create/replace (required columns required) or a patch (all optional)."""
    fields = {}
    for column in columns_of(register):
        if column.computed:
            continue
        kind = _input_type(column)
        if column.required and not partial:
            fields[column.name] = (kind, ...)
        else:
            fields[column.name] = (kind | None, None)
    suffix = "Patch" if partial else "In"
    return create_model(f"{register.model.__name__}{suffix}", __base__=StrictSchema, **fields)


def output_schema(register: Register) -> type[Schema]:
    fields = {"id": (int, ...), "row_version": (int, ...)}
    for column in columns_of(register):
        fields[column.name] = (_output_type(column) | None, None)
    return create_model(f"{register.model.__name__}Out", __base__=Schema, **fields)


def page_schema(register: Register, item: type[Schema]) -> type[Schema]:
    return create_model(
        f"{register.model.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),
    )


def filter_schema(register: Register) -> type[Schema]:
    """Query parameters: one exact-match filter per column, plus paging."""
    fields = {
        column.name: (str | None, None) for column in columns_of(register) if not column.computed
    }
    fields["limit"] = (int, 100)
    fields["offset"] = (int, 0)
    return create_model(f"{register.model.__name__}Filters", __base__=Schema, **fields)
