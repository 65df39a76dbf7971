"""Every limit the importer enforces, in one place; docs/import-format.md is rendered from here.

Readers check the file-level limits before they read (or inflate) anything; the cell-level rules
are checked by :meth:`isms.exchange.columns.Column.parse` on every cell of every import path
(workbook, CSV, YAML and the REST API).
"""

import datetime as dt
import re

MiB = 1024 * 1024

# -- files ---------------------------------------------------------------------------------------
#: Size of one file on disk: the workbook, the YAML file or one CSV file.
MAX_FILE_BYTES = 50 * MiB
#: A folder of CSV files: how many .csv files, and their total size.
MAX_CSV_FILES = 100
MAX_FOLDER_BYTES = 200 * MiB

# -- workbooks (.xlsx is a zip archive) --------------------------------------------------------
#: Members of the archive (sheets, styles, relationships...).
MAX_ZIP_MEMBERS = 1_000
#: Total inflated size of the archive, from its directory, checked before anything is inflated.
MAX_INFLATED_BYTES = 256 * MiB
#: Inflated size / compressed size of one member larger than RATIO_CHECKED_ABOVE.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1 * MiB

# -- sheets --------------------------------------------------------------------------------------
#: Data rows per sheet (the header row is not counted).
MAX_ROWS_PER_SHEET = 200_000
#: Columns per sheet (A..CV); the widest register has about 20.
MAX_COLUMNS = 100
#: Rows x columns of a worksheet's extent (declared or real): what the reader allocates.
MAX_CELLS_PER_SHEET = 4_000_000

# -- YAML ----------------------------------------------------------------------------------------
#: Nesting of mappings and lists; the format needs 3 (sheets > rows > columns).
MAX_YAML_DEPTH = 10
#: The longest value a YAML alias may repeat (a date is 10 characters).
MAX_YAML_ALIAS_CHARS = 64

# -- cells ---------------------------------------------------------------------------------------
#: Characters in one cell (a column's own maximum length applies when it is smaller).
MAX_CELL_CHARS = 10_000
#: Dates must fall in this range; the upper end is this many years after today.
EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE_YEARS_AHEAD = 10

#: Never allowed in a cell: C0 controls except tab, line feed and carriage return; DEL; C1
#: controls; lone surrogates (text that is not valid Unicode).
FORBIDDEN_ANYWHERE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Bidirectional controls: they make text display in a different order than it is stored
#: (an email or a name that reads as another). Refused everywhere except free text.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Tab, line breaks and invisible characters: refused in keys, references, emails, web
#: addresses, choices, dates and numbers, where they would make two equal-looking keys differ.
NOT_IN_IDENTIFIERS = re.compile("[\t\n\r\u00ad\u200b-\u200d\u2028\u2029\u2060\ufeff]")


def latest_date(today: dt.date) -> dt.date:
    """The last date a cell may hold: LATEST_DATE_YEARS_AHEAD years after today."""
    year = today.year + LATEST_DATE_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def describe() -> str:
    """The "Limits and refused input" section of docs/import-format.md."""
    members, inflated = f"{MAX_ZIP_MEMBERS:,}", f"{MAX_INFLATED_BYTES // MiB}"
    ratio, above = MAX_COMPRESSION_RATIO, RATIO_CHECKED_ABOVE // MiB
    rows, data_rows = f"{MAX_ROWS_PER_SHEET + 1:,}", f"{MAX_ROWS_PER_SHEET:,}"
    earliest, years = EARLIEST_DATE.isoformat(), LATEST_DATE_YEARS_AHEAD
    from isms.risk.models import Risk  # the docs are rendered with Django set up

    risk_levels = Risk.MAX_LEVEL
    return f"""\
## Limits and refused input

The importer never trusts a file. Everything below is refused with a problem that names the
file (and the sheet, row and column where there is one); the command exits with code 2 and
nothing is written.

**Files.** A workbook, YAML file or CSV file is at most {MAX_FILE_BYTES // MiB} MB; a folder holds
at most {MAX_CSV_FILES} .csv files of at most {MAX_FOLDER_BYTES // MiB} MB together. The path given,
and every `.csv` entry of a folder, must be a regular file (or, for the path, a folder):
symbolic links, named pipes (FIFOs), devices, sockets and folders named `*.csv` are refused by
name and never opened or followed. CSV and YAML must be UTF-8: a byte sequence that is not
UTF-8 is an error with its byte offset and line, never silently replaced.

**Workbooks.** An .xlsx file is a zip archive. Before anything is inflated, it may have at
most {members} members, inflating to at most {inflated} MB in total, and no member
over {above} MB may be compressed more than {ratio} to 1. Every member must then inflate
to exactly the size its directory entry declares: a zip bomb is refused, not read. Each sheet,
by the extent it declares (`<dimension ref=...>`) and by the cells it really holds, is at most
{rows} rows (a header and {data_rows} rows of data), {MAX_COLUMNS} columns and
{MAX_CELLS_PER_SHEET:,} cells (rows x columns); this is checked while the sheet is streamed,
before it is loaded. XML with a document type declaration (entities) is refused.

**Formulas.** The importer reads values, not formulas, so a formula would lose its text: a
formula cell in an imported column is an error naming the cell (e.g. `C7`) and the formula,
whether or not the workbook saved its result. Type the value (or paste as values) instead.
Formulas in computed or unknown columns are ignored like the rest of those columns; a row
that holds only formulas counts as a row.

**YAML.** An alias (`*name`) may stand for a single value of at most {MAX_YAML_ALIAS_CHARS}
characters (`yaml.safe_dump` writes one for a date it meets twice) but never for a longer value,
a list or a mapping, so neither a "billion laughs" file nor a file of repeated long values is
expanded: they are refused (and so is a merge key, `<<: *name`). Mappings and lists nest at most
{MAX_YAML_DEPTH} deep (the format needs 3), and a cell is a single value (text, number, date,
yes/no), never a list or mapping.

**Cells.**

- At most {MAX_CELL_CHARS:,} characters (or the column's own maximum, when smaller).
- No control characters: NUL and the other C0 controls (U+0000-U+001F, except tab, line feed
  and carriage return), DEL, C1 controls (U+0080-U+009F) and lone surrogates are refused in
  every cell.
- Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) are refused
  everywhere except free-text columns (those shown as plain `text`, without a maximum length),
  where right-to-left writing may need them: names, titles, keys, emails and references never
  hold them.
- Keys, references, emails, web addresses, choices, dates, numbers and yes/no cells hold no
  tab, line break or invisible character (soft hyphen, zero-width space, joiners, word joiner,
  byte-order mark).
- Dates fall between {earliest} and {years} years after today; anything else (a 1900
  date from a spreadsheet's zero, a typo like 2126) is an error.
- Whole numbers fit their column (small counters and levels at most 32,767).
- Risk likelihood and impact (inherent and residual) are at most {risk_levels}, and a risk
  method has at most {risk_levels} levels per scale, so a score always fits.
- Each risk's levels lie on the scales of the risk method in force when it was last assessed
  (today's, when it has no assessment date), taking the file's own Risk method rows into
  account: an 8 on a 1-5 scale is an error. A risk assessed under an earlier method with wider
  scales imports, and the mock audit reports that it was never rescored (RSK014, as
  examples/initech's R-002 shows).

"""
