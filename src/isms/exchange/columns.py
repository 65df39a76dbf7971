"""Column kinds: how a model field is written in a spreadsheet cell and read back.

Cells arrive as Python values from calamine (str, float, int, bool, date, datetime, or a
:class:`~isms.exchange.readers.FormulaCell`), CSV (str) or YAML (str, int, float, bool, date).
``parse`` turns any of these into the field's value or raises :class:`CellError` with a message
that says what was expected. It also enforces the cell rules of :mod:`isms.exchange.limits`
(length, control and bidirectional characters, date range, integer range) for every import
path, the REST API included.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from isms.catalog.models import Clause, Control
from isms.core.registers import Register, for_model
from isms.exchange import limits
from isms.exchange.readers import FormulaCell

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
    #: Part of the register's key.
    key: bool = False

    @property
    def free_text(self) -> bool:
        """Multi-line text without a maximum length (descriptions, notes), not part of a key:
        the only cells that may hold bidirectional controls."""
        return (
            self.kind is Kind.TEXT
            and not self.key
            and not getattr(self.field, "max_length", None)
            and not isinstance(self.field, models.EmailField | models.URLField)
        )

    @property
    def identifier(self) -> bool:
        """Keys, references, emails, web addresses, choices, dates and numbers: no tab, line
        break or invisible character, where two equal-looking values must be equal."""
        return (
            self.key
            or self.kind is not Kind.TEXT
            or isinstance(self.field, models.EmailField | models.URLField)
        )

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
        if isinstance(raw, FormulaCell):
            raise CellError(raw.problem())
        if isinstance(raw, str):
            _check_characters(self, raw)
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


def _check_characters(column: Column, raw: str) -> None:
    """The cell rules on characters (docs/import-format.md, "Limits and refused input")."""
    if len(raw) > limits.MAX_CELL_CHARS:
        max_length = getattr(column.field, "max_length", None)
        if max_length and max_length < limits.MAX_CELL_CHARS:
            raise CellError(f"at most {max_length} characters, got {len(raw)}")
        raise CellError(
            f"at most {limits.MAX_CELL_CHARS} characters (the limit for any cell), got {len(raw)}"
        )
    found = limits.FORBIDDEN_ANYWHERE.search(raw)
    if found:
        raise CellError(
            f"{_character(found)} at character {found.start() + 1}: control characters are "
            "not allowed"
        )
    if not column.free_text:
        found = limits.BIDI_CONTROLS.search(raw)
        if found:
            raise CellError(
                f"{_character(found)} at character {found.start() + 1}: bidirectional controls "
                "are allowed only in free text, not in names, keys, emails or references"
            )
    if column.identifier:
        text = raw.strip()
        found = limits.NOT_IN_IDENTIFIERS.search(text)
        if found:
            raise CellError(
                f"{_character(found)} at character {found.start() + 1}: tabs, line breaks and "
                "invisible characters are not allowed in keys, references, emails or choices"
            )


_CHARACTER_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


def _character(found: re.Match) -> str:
    char = found.group()
    name = _CHARACTER_NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _check_date(value: dt.date) -> dt.date:
    latest = limits.latest_date(timezone.localdate())
    if not limits.EARLIEST_DATE <= value <= latest:
        raise CellError(
            f"{value.isoformat()} is outside the dates accepted, "
            f"{limits.EARLIEST_DATE.isoformat()} to {latest.isoformat()} "
            f"({limits.LATEST_DATE_YEARS_AHEAD} years from today)"
        )
    return value


def _integer_bounds(field: models.Field) -> tuple[int, int]:
    """What the column's database type holds, the same on SQLite and PostgreSQL."""
    if isinstance(field, models.SmallIntegerField):
        top = 2**15 - 1
    elif isinstance(field, models.BigIntegerField):
        top = 2**63 - 1
    else:
        top = 2**31 - 1
    return -top - 1, top


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
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(f"expected a whole number, got {raw!r}")
    if _is_positive(column.field) and number < 0:
        raise CellError(f"expected a number of 0 or more, got {raw!r}")
    bottom, top = _integer_bounds(column.field)
    if not bottom <= number <= top:
        raise CellError(f"number too large: {raw!r} (at most {top})")
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
        return _check_date(raw.date())
    if isinstance(raw, dt.date):
        return _check_date(raw)
    text = str(raw).strip()
    if " " in text or "T" in text:
        text = re.split(r"[ T]", text, maxsplit=1)[0]
    if _ISO_DATE.match(text):
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _check_date(value)
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
    return Column(name, field, kind, required, computed, target, key=name in register.key)


def _required(field: models.Field) -> bool:
    if isinstance(field, models.ManyToManyField):
        return False
    if field.has_default():
        return False
    return not (field.blank or field.null)


def columns_of(register: Register) -> list[Column]:
    return [column_for(register, name) for name in register.columns]
