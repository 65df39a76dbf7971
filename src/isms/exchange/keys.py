"""Natural keys: how a register row is named in a spreadsheet and found in the database."""

import datetime as dt

from django.db import models

from isms.catalog.models import Clause, Control
from isms.core.registers import Register, for_model
from isms.exchange.columns import KEY_SEPARATOR


def key_lookups(register: Register) -> list[str]:
    """ORM lookups that give the key parts as text, e.g. ('person__email', 'course__name')."""
    lookups = []
    for name in register.key:
        field = register.field(name)
        if isinstance(field, models.ForeignKey):
            lookups.append(f"{name}__{target_key_field(field.related_model)}")
        else:
            lookups.append(name)
    return lookups


def target_key_field(model) -> str:
    """The single field that names a row of ``model`` when another register refers to it."""
    if model in (Control, Clause):
        return "ref"
    register = for_model(model)
    if register is None or len(register.key) != 1:
        raise ValueError(f"{model.__name__} cannot be referenced: it needs a single-column key")
    return register.key[0]


def key_text(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def join_key(parts: tuple[str, ...]) -> str:
    return KEY_SEPARATOR.join(parts)


def split_key(text: str, size: int) -> tuple[str, ...] | None:
    parts = tuple(part.strip() for part in text.split(KEY_SEPARATOR.strip()))
    return parts if len(parts) == size else None


def existing_keys(register: Register, organisation) -> dict[tuple[str, ...], int]:
    """Every key of ``register`` in ``organisation`` mapped to the row's primary key."""
    rows = register.model.objects.filter(organisation=organisation).values_list(
        "pk", *key_lookups(register)
    )
    return {tuple(key_text(part) for part in row[1:]): row[0] for row in rows}


def catalog_keys(model) -> dict[tuple[str, ...], int]:
    return {(ref,): pk for pk, ref in model.objects.values_list("pk", "ref")}
