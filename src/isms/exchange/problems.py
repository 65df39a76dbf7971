"""A problem found in imported data, located by sheet (or file), row and column."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    sheet: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    row_label: str = "row"

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(Exception):
    """The data has problems; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(self.problems)} problem(s); nothing was imported")
