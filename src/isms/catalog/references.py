"""How a requirement is cited: a clause ("9.2", "6.1.3 d"), an Annex A control ("A.5.18") or
"Annex A" as a whole.

The one definition, kept in the catalogue so that register apps (which must not import
``readiness``) validate what a user records, e.g. the reference of a certification body's
finding, exactly as the mock-audit rule registry validates the references rules cite.
"""

import re
from functools import cache

from django.core.exceptions import ValidationError

from isms.catalog.loader import read_rows

_CLAUSE_REFERENCE = re.compile(r"^(\d+(?:\.\d+)*)(?: [a-z])?$")


@cache
def _ids(name: str) -> frozenset[str]:
    return frozenset(row["id"] for row in read_rows(name))


def check_reference(reference: str) -> str:
    """``reference`` unchanged when it is a clause id (optionally with one lower-case item letter:
    "6.1.3 d"), an Annex A control written "A.5.18", or "Annex A"; else ValueError.

    Controls carry the "A." prefix because 5.1-5.3, 6.1-6.3, 7.1-7.5 and 8.1-8.3 are both
    clauses and controls; a bare number always means the clause."""
    if reference == "Annex A":
        return reference
    if reference.startswith("A.") and reference[2:] in _ids("controls"):
        return reference
    match = _CLAUSE_REFERENCE.match(reference)
    if match and match.group(1) in _ids("clauses"):
        return reference
    raise ValueError(
        f"reference {reference!r} is neither a clause id (e.g. 9.2, 6.1.3 d) nor an Annex A "
        "control written A.x.y"
    )


def validate_reference(value: str) -> None:
    """A model-field validator around :func:`check_reference`."""
    try:
        check_reference(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_reference") from None
