"""A problem found in imported data, located by sheet (or file), row and column."""

from dataclasses import dataclass

#: Sheet and column names come from the file: long ones are cut in messages.
MAX_NAME_SHOWN = 200


def printable(text: str, limit: int | None = None) -> str:
    """``text`` safe to show on a terminal or a page: characters that are not printable
    (controls, bidirectional overrides, invisible characters) are written as escapes, so a
    problem can never rewrite the line it is printed on or hide what it names."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    sheet: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    row_label: str = "row"

    def __str__(self) -> str:
        where = [printable(str(self.sheet), MAX_NAME_SHOWN)]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column:
            where.append(f"column {printable(str(self.column), MAX_NAME_SHOWN)}")
        return f"{', '.join(where)}: {printable(self.message)}"

    def as_dict(self) -> dict:
        return {
            "sheet": printable(str(self.sheet), MAX_NAME_SHOWN),
            "row": self.row,
            "column": None if self.column is None else printable(str(self.column), MAX_NAME_SHOWN),
            "message": printable(self.message),
        }


class ImportRejected(Exception):
    """The data has problems; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(self.problems)} problem(s); nothing was imported")
