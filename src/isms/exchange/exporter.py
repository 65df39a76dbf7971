"""Export: the registers of one organisation as sheets of rows, written as xlsx, CSV or YAML.

The output is the import format: exporting, importing into another organisation and exporting
again gives the same content. Text that a spreadsheet program would run as a formula is written
so that it is not: as a typed string cell in xlsx, behind a leading quote in CSV.
"""

import csv
import io
from collections import defaultdict
from pathlib import Path

import yaml

from isms.core.registers import Register, all_registers
from isms.exchange.columns import FORMULA_TRIGGERS, MULTI_SEPARATOR, Kind, columns_of
from isms.exchange.keys import key_lookups, target_key_field

Rows = list[dict[str, object]]


def export_register(
    register: Register, organisation, pks: list[int] | None = None, with_ids: bool = False
) -> Rows:
    """One register's rows in import format, ordered by natural key. Queries: 1 + 1 per link.

    ``pks`` limits the rows; ``with_ids`` adds each row's database id as ``id`` and its
    ``row_version`` (for the API)."""
    columns = columns_of(register)
    lookups = {"pk": "pk", "row_version": "row_version"}
    for column in columns:
        if column.kind is Kind.REFERENCE:
            lookups[column.name] = f"{column.name}__{target_key_field(column.target)}"
        elif column.kind is not Kind.REFERENCES:
            lookups[column.name] = column.name
    queryset = register.model.objects.filter(organisation=organisation)
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    queryset = queryset.order_by(*key_lookups(register)).values(*lookups.values())
    links = {
        column.name: _links(register, column, organisation, pks)
        for column in columns
        if column.kind is Kind.REFERENCES
    }
    rows = []
    for record in queryset:
        row = {"id": record["pk"], "row_version": record["row_version"]} if with_ids else {}
        for column in columns:
            if column.kind is Kind.REFERENCES:
                value = MULTI_SEPARATOR.join(links[column.name].get(record["pk"], [])) or None
            else:
                value = column.format(record[lookups[column.name]])
            row[column.name] = value
        rows.append(row)
    return rows


def _links(register: Register, column, organisation, pks=None) -> dict[int, list[str]]:
    field = column.field
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    pairs = through.objects.filter(**{f"{source}__organisation": organisation})
    if pks is not None:
        pairs = pairs.filter(**{f"{source}_id__in": pks})
    pairs = pairs.values_list(
        f"{source}_id", f"{target}__{target_key_field(column.target)}"
    ).order_by(f"{target}__sort_key" if hasattr(column.target, "sort_key") else target)
    grouped: dict[int, list[str]] = defaultdict(list)
    for source_pk, key in pairs:
        grouped[source_pk].append(key)
    return grouped


def export_organisation(organisation) -> dict[str, Rows]:
    """Every register, keyed by sheet name, in dependency order."""
    return {r.sheet: export_register(r, organisation) for r in all_registers()}


def guard_formula(value):
    """Keep spreadsheet programs from executing a text cell as a formula (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_xlsx(data: dict[str, Rows], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for register in all_registers():
        rows = data.get(register.sheet, [])
        sheet = workbook.create_sheet(register.sheet)
        sheet.append(list(register.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(column) for column in register.columns])
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    cell.data_type = "s"  # a string cell: shown as text, never evaluated
        sheet.freeze_panes = "A2"
        for index, column in enumerate(register.columns, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
                12, min(45, len(column) + 4)
            )
    workbook.save(path)


def write_csv_folder(data: dict[str, Rows], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for register in all_registers():
        path = folder / f"{register.name}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(register.columns)
        for row in data.get(register.sheet, []):
            writer.writerow(
                ["" if row.get(c) is None else guard_formula(row.get(c)) for c in register.columns]
            )
        path.write_text(buffer.getvalue(), encoding="utf-8")
        written.append(path)
    return written


def write_yaml(data: dict[str, Rows], path: Path) -> None:
    document = {
        sheet: [{k: v for k, v in row.items() if v is not None} for row in rows]
        for sheet, rows in data.items()
    }
    path.write_text(
        yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )


def write_export(data: dict[str, Rows], path: Path) -> str:
    """Write in the format the path asks for: .xlsx, .yaml/.yml, or a folder for CSV."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(data, path)
        return "xlsx"
    if suffix in {".yaml", ".yml"}:
        write_yaml(data, path)
        return "yaml"
    if suffix:
        raise ValueError(f"cannot export to {path.name}: use .xlsx, .yaml or a folder name for CSV")
    write_csv_folder(data, path)
    return "csv"
