"""Column kinds: how a model field is written in a spreadsheet cell and read back.

Cells arrive as Python values from calamine (str, float, int, bool, date, datetime), CSV (str)
or YAML (str, int, float, bool, date). ``parse`` turns any of these into the field's value or
raises :class:`CellError` with a message that says what was expected.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models

from isms.catalog.models import Clause, Control
from isms.core.registers import Register, for_model

MULTI_SEPARATOR = "|"
KEY_SEPARATOR = " / "
#: Leading characters that make a spreadsheet program treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0"}
CATALOG_MODELS = {Control: "Annex A control", Clause: "clause"}


class CellError(Exception):
    """A cell's value cannot be used; the message says what was expected."""


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "yes/no"
    DATE = "date"
    REFERENCE = "reference"
    REFERENCES = "references"


@dataclass(frozen=True)
class Column:
    """One column of a register's sheet, derived from its model field."""

    name: str
    field: models.Field
    kind: Kind
    required: bool
    computed: bool
    #: For (multi-)references: the referenced model (a register's model or a catalogue model).
    target: type[models.Model] | None = None

    @property
    def choices(self) -> list[str]:
        return [str(value) for value, _ in self.field.choices or [] if value != ""]

    @property
    def target_register(self) -> Register | None:
        return for_model(self.target) if self.target is not None else None

    @property
    def target_label(self) -> str:
        if self.target in CATALOG_MODELS:
            return CATALOG_MODELS[self.target]
        register = self.target_register
        return register.sheet if register else ""

    def describe(self) -> str:
        """What the column expects, in words (docs and template)."""
        if self.kind is Kind.CHOICE:
            return "one of: " + ", ".join(self.choices)
        if self.kind is Kind.REFERENCE:
            return f"{_reference_noun(self)} ({self.target_label})"
        if self.kind is Kind.REFERENCES:
            return f"{_reference_noun(self)}s separated by | ({self.target_label})"
        if self.kind is Kind.DATE:
            return "date, YYYY-MM-DD"
        if self.kind is Kind.BOOLEAN:
            return "yes or no"
        if self.kind is Kind.INTEGER:
            return "whole number" + (" ≥ 0" if _is_positive(self.field) else "")
        if self.kind is Kind.DECIMAL:
            return "number"
        max_length = getattr(self.field, "max_length", None)
        if isinstance(self.field, models.EmailField):
            return "email address"
        if isinstance(self.field, models.URLField):
            return "web address (https://...)"
        return f"text, at most {max_length} characters" if max_length else "text"

    def parse(self, raw):
        """The field value for a cell, None when empty; raises CellError when unusable.

        References come back as the referenced record's key text (resolved later)."""
        if _is_empty(raw):
            return [] if self.kind is Kind.REFERENCES else None
        parser = _PARSERS[self.kind]
        return parser(self, raw)

    def format(self, value):
        """The cell value written on export for a field value (references as key text)."""
        if value is None or value == "":
            return None
        if self.kind is Kind.BOOLEAN:
            return "yes" if value else "no"
        if self.kind is Kind.DECIMAL:
            return _decimal_out(value)
        return value


def _reference_noun(column: Column) -> str:
    if column.target is Control:
        return "control id like 5.15"
    if column.target is Clause:
        return "clause id like 6.1.3"
    register = column.target_register
    key = register.key[0] if register else "key"
    return f"{key.replace('_', ' ')}"


def _is_positive(field: models.Field) -> bool:
    return isinstance(
        field,
        models.PositiveIntegerField
        | models.PositiveSmallIntegerField
        | models.PositiveBigIntegerField,
    )


def _is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _decimal_out(value: Decimal):
    normalised = value.normalize() if isinstance(value, Decimal) else Decimal(str(value))
    if normalised == normalised.to_integral_value():
        return int(normalised)
    return float(normalised)


def unescape_text(text: str) -> str:
    """Undo the export's formula guard: a quote before = + - @ protects the cell, not data."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def _text(column: Column, raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    if isinstance(raw, dt.date | dt.datetime):
        raw = raw.isoformat()
    text = unescape_text(str(raw).strip())
    max_length = getattr(column.field, "max_length", None)
    if max_length and len(text) > max_length:
        raise CellError(f"at most {max_length} characters, got {len(text)}")
    try:
        column.field.run_validators(text)
    except ValidationError as error:
        raise CellError("; ".join(error.messages)) from None
    return text


def _choice(column: Column, raw) -> str:
    text = str(raw).strip()
    values = column.choices
    for value, label in column.field.choices:
        if text.lower() in (str(value).lower(), str(label).lower()) and value != "":
            return value
    raise CellError(f"expected one of {', '.join(values)}; got {text!r}")


def _integer(column: Column, raw) -> int:
    if isinstance(raw, bool):
        raise CellError(f"expected a whole number, got {raw!r}")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise CellError(f"expected a whole number, got {raw!r}") from None
    if number != number.to_integral_value():
        raise CellError(f"expected a whole number, got {raw!r}")
    if _is_positive(column.field) and number < 0:
        raise CellError(f"expected a number of 0 or more, got {raw!r}")
    big = isinstance(column.field, models.BigIntegerField | models.PositiveBigIntegerField)
    if abs(number) > (2**63 - 1 if big else 2**31 - 1):
        raise CellError(f"number too large: {raw!r}")
    return int(number)


def _decimal(column: Column, raw) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(f"expected a number, got {raw!r}")
    text = str(raw).strip().replace(",", "") if isinstance(raw, str) else repr(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"expected a number, got {raw!r}") from None
    if not number.is_finite():
        raise CellError(f"expected a number, got {raw!r}")
    places = column.field.decimal_places
    if number.adjusted() >= column.field.max_digits - places:
        raise CellError(f"number too large: {raw!r}")
    return number.quantize(Decimal(1).scaleb(-places))


def _boolean(column: Column, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"expected yes or no, got {raw!r}")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(column: Column, raw) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if " " in text or "T" in text:
        text = re.split(r"[ T]", text, maxsplit=1)[0]
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError(f"expected a date like 2026-03-31, got {raw!r}")


def _reference(column: Column, raw) -> str:
    text = _key_text(raw)
    if not text:
        raise CellError("empty reference")
    return text


def _references(column: Column, raw) -> list[str]:
    parts = [_key_text(part) for part in str(raw).split(MULTI_SEPARATOR)]
    keys = [part for part in parts if part]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise CellError(f"listed more than once: {', '.join(duplicates)}")
    return keys


def _key_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return unescape_text(str(raw).strip())


_PARSERS = {
    Kind.TEXT: _text,
    Kind.CHOICE: _choice,
    Kind.INTEGER: _integer,
    Kind.DECIMAL: _decimal,
    Kind.BOOLEAN: _boolean,
    Kind.DATE: _date,
    Kind.REFERENCE: _reference,
    Kind.REFERENCES: _references,
}


def column_for(register: Register, name: str) -> Column:
    field = register.field(name)
    target = None
    if isinstance(field, models.ManyToManyField):
        kind, target = Kind.REFERENCES, field.related_model
    elif isinstance(field, models.ForeignKey):
        kind, target = Kind.REFERENCE, field.related_model
    elif field.choices:
        kind = Kind.CHOICE
    elif isinstance(field, models.BooleanField):
        kind = Kind.BOOLEAN
    elif isinstance(field, models.DateField):
        kind = Kind.DATE
    elif isinstance(field, models.IntegerField):
        kind = Kind.INTEGER
    elif isinstance(field, models.DecimalField):
        kind = Kind.DECIMAL
    else:
        kind = Kind.TEXT
    computed = name in register.computed
    required = not computed and _required(field)
    return Column(name, field, kind, required, computed, target)


def _required(field: models.Field) -> bool:
    if isinstance(field, models.ManyToManyField):
        return False
    if field.has_default():
        return False
    return not (field.blank or field.null)


def columns_of(register: Register) -> list[Column]:
    return [column_for(register, name) for name in register.columns]
