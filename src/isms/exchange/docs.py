"""Renders docs/import-format.md from the register declarations (kept current by a test)."""

from isms.core.registers import all_registers
from isms.exchange import limits
from isms.exchange.columns import columns_of

HEADER = """\
# Import format

<!-- Generated from the register declarations by `isms docs --write`; do not edit by hand. -->

`isms import PATH --org SLUG` reads any of:

- **an .xlsx workbook** with one sheet per register, named as below (`isms template FILE.xlsx`
  writes a blank one with drop-down lists and these instructions);
- **a folder of .csv files**, one per register, named after the sheet or its snake-case name
  (`people.csv`, `training_courses.csv` or `Training courses.csv`), UTF-8, comma, semicolon or
  tab separated, with a header row;
- **a YAML file**: a mapping of sheet names to lists of rows, each row a mapping of column to
  value (see the example at the end).

`isms export --org SLUG PATH` writes the same format (`.xlsx`, `.yaml`, or a folder name for
CSV); importing an export into another organisation and exporting again gives the same content.

## Rules that apply to every sheet

- Row 1 holds the column names exactly as listed below; the order of columns does not matter and
  optional columns may be left out (a left-out column is not changed on update).
- Each register has a **key** (one or more columns) that names a row. Importing a row whose key
  already exists updates that record; a new key creates one. Rows not in the file are left alone.
  Importing the same file twice changes nothing the second time.
- **Validation comes first.** If anything is wrong, nothing is written, the command exits with
  code 2, and every problem is listed with its sheet (or file), row and column, for example
  `People, row 7, column start_date: expected a date like 2026-03-31, got 'next week'`.
- **Dates** are `YYYY-MM-DD` (or real date cells). **yes/no** columns take yes, no, true, false,
  y, n, 1 or 0. **Choice** columns take the value shown (or its label), case-insensitive.
- **References** name a record of another sheet by its key: a person by email, a department,
  system, supplier or course by name, a risk, objective, document or evidence item by its ref, an
  Annex A control by its id (`5.15`) and a clause by its id (`6.1.3`). The record must be in the
  same file or already in the organisation; references never reach another organisation.
- **Several references** in one cell are separated by `|`, e.g. `8.8|8.9`.
- **Computed** columns (scores, hashes) are written on export and ignored on import.
- Text that starts with `=`, `+`, `-` or `@` is exported so that spreadsheet programs do not run
  it as a formula (a text cell in xlsx, a leading `'` in CSV); the importer removes that quote.
- The limits (file size, rows, characters per cell, dates, formulas, control characters) are
  listed under [Limits and refused input](#limits-and-refused-input). Evidence files are
  uploaded through the web UI or API, not through spreadsheets.

"""


def render_import_format() -> str:
    parts = [HEADER, limits.describe(), "## Sheets\n\n"]
    parts.append("| sheet | key | what it holds |\n|---|---|---|\n")
    for register in all_registers():
        anchor = register.sheet.lower().replace(" ", "-")
        parts.append(
            f"| [{register.sheet}](#{anchor}) | {', '.join(register.key)} | "
            f"{register.description} |\n"
        )
    parts.append("\n")
    for register in all_registers():
        parts.append(f"### {register.sheet}\n\n{register.description}\n\n")
        parts.append(
            f"Key: {', '.join(f'`{k}`' for k in register.key)}. "
            f"CSV file name: `{register.name}.csv`.\n\n"
        )
        parts.append("| column | required | expects | meaning | example |\n|---|---|---|---|---|\n")
        for column in columns_of(register):
            required = "computed" if column.computed else "yes" if column.required else ""
            example = register.example.get(column.name, "")
            parts.append(
                f"| `{column.name}` | {required} | {_cell(column.describe())} | "
                f"{_cell(str(column.field.help_text))} | {_cell(example)} |\n"
            )
        parts.append("\n")
    parts.append(_yaml_example())
    return "".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _yaml_example() -> str:
    return """\
## YAML example

```yaml
Departments:
  - {name: Engineering, manager: cto@acme.example}
People:
  - email: cto@acme.example
    name: Dana Scully
    department: Engineering
    start_date: 2021-05-04
  - email: jane.doe@acme.example
    name: Jane Doe
    department: Engineering
    manager: cto@acme.example
    start_date: 2023-04-03
SoA:
  - control: "5.15"
    applicable: yes
    inclusion_reasons: risk|contractual
    justification: Treats R-004; customer contracts require role-based access
    implementation_status: implemented
    owner: cto@acme.example
    evidence_frequency: quarterly
```

Quote control and clause ids in YAML (`"5.15"`), or YAML reads them as numbers (`5.1` and
`5.10` would both become 5.1).
"""
