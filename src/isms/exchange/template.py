"""The blank import workbook: instructions, one sheet per register, drop-down lists."""

from pathlib import Path

from isms.catalog.models import Clause, Control
from isms.core.registers import all_registers
from isms.exchange.columns import Kind, columns_of

MAX_ROWS_WITH_LISTS = 5000
INTRODUCTION = [
    "How to fill in this workbook",
    "",
    "Each sheet is one register of your ISMS. Row 1 holds the column names: keep them as they are.",
    "Fill one record per row from row 2. Sheets you do not use can stay empty or be deleted.",
    "Columns marked 'required' must have a value; the others may be left empty.",
    "Dates are YYYY-MM-DD. yes/no columns take yes or no. Choice columns have drop-down lists.",
    "References name another record by its key: a person by email, a department by name, "
    "a control by its id (5.15), a risk by its ref (R-001).",
    "Several references in one cell are separated by | (for example 8.8|8.9).",
    "Import with: isms import THIS_FILE.xlsx --org YOUR_ORG. Nothing is written unless every "
    "row is valid; every problem is listed with its sheet, row and column.",
    "Importing the same file again changes nothing; an edited file updates the records.",
]


def write_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    for line in INTRODUCTION:
        instructions.append([line])
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.append([])
    instructions.append(["sheet", "column", "required", "expects", "meaning", "example"])
    for cell in instructions[instructions.max_row]:
        cell.font = Font(bold=True)
    for register in all_registers():
        for column in columns_of(register):
            if column.computed:
                continue
            instructions.append(
                [
                    register.sheet,
                    column.name,
                    "required" if column.required else "",
                    column.describe(),
                    str(column.field.help_text),
                    register.example.get(column.name, ""),
                ]
            )
    for letter, width in zip("ABCDEF", (22, 24, 10, 40, 60, 40), strict=True):
        instructions.column_dimensions[letter].width = width

    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for index, ref in enumerate(Control.objects.values_list("ref", flat=True), start=1):
        lists.cell(index, 1, ref)
    for index, ref in enumerate(Clause.objects.values_list("ref", flat=True), start=1):
        lists.cell(index, 2, ref)
    catalog_ranges = {
        Control: f"Lists!$A$1:$A${max(1, Control.objects.count())}",
        Clause: f"Lists!$B$1:$B${max(1, Clause.objects.count())}",
    }

    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for register in all_registers():
        sheet = workbook.create_sheet(register.sheet)
        columns = [c for c in columns_of(register) if not c.computed]
        sheet.append([c.name for c in columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(1, index)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
            if column.required:
                cell.fill = required_fill
            note = f"{column.field.help_text}\nExpects: {column.describe()}"
            if column.required:
                note += "\nRequired."
            cell.comment = Comment(note, "isms")
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(14, min(40, len(column.name) + 6))
            cells = f"{letter}2:{letter}{MAX_ROWS_WITH_LISTS}"
            formula = None
            if column.kind is Kind.CHOICE:
                formula = '"' + ",".join(column.choices) + '"'
            elif column.kind is Kind.BOOLEAN:
                formula = '"yes,no"'
            elif column.kind is Kind.REFERENCE and column.target in catalog_ranges:
                formula = catalog_ranges[column.target]
            elif column.kind is Kind.DATE:
                validation = DataValidation(
                    type="date",
                    operator="greaterThan",
                    formula1="DATE(1900,1,1)",
                    showErrorMessage=True,
                    error="Enter a date (YYYY-MM-DD).",
                )
                validation.add(cells)
                sheet.add_data_validation(validation)
            if formula:
                validation = DataValidation(
                    type="list",
                    formula1=formula,
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    error=f"Choose from the list ({column.describe()}).",
                )
                validation.add(cells)
                sheet.add_data_validation(validation)
    workbook.save(path)
