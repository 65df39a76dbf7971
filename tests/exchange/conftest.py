"""A dataset with at least one row in every sheet, built from the registers' documented
examples plus the people and departments those examples refer to."""

import pytest

from isms.core.registers import all_registers
from isms.exchange.columns import Kind, columns_of
from isms.exchange.readers import Sheet


def example_rows() -> dict[str, list[dict]]:
    data = {r.sheet: [dict(r.example)] for r in all_registers()}
    emails = set()
    for register in all_registers():
        for column in columns_of(register):
            if column.kind is Kind.REFERENCE and column.target_label == "People":
                value = register.example.get(column.name)
                if value:
                    emails.add(value)
    people = data["People"]
    known = {row["email"] for row in people}
    for email in sorted(emails - known):
        people.append({"email": email, "name": email.split("@")[0].replace(".", " ").title()})
    data["Departments"].append({"name": "Finance", "manager": "cfo@acme.example"})
    return data


def as_sheets(data: dict[str, list[dict]]) -> list[Sheet]:
    sheets = []
    for name, rows in data.items():
        header = list(dict.fromkeys(column for row in rows for column in row))
        sheets.append(
            Sheet(name, header, [(number, row) for number, row in enumerate(rows, start=2)])
        )
    return sheets


@pytest.fixture
def example_data():
    return example_rows()
