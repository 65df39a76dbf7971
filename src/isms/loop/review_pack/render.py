"""The pack as a printable HTML document (Django template, A4 print CSS) and as a PDF
(WeasyPrint, imported only when a PDF is asked for)."""

import datetime as dt
import os
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from isms.loop.review_pack.shape import MAX_ROWS, TEMPLATE, ReviewPack


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def cell_text(value, choices: dict | None = None) -> str:
    if value is None or value == "":
        return ""
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and "@" in value and " " not in value:
        return value.replace("@", "@\u200b")  # lets a long email break after the @
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _row(table, row: dict) -> list[str]:
    return [cell_text(row[column.key], column.choices) for column in table.columns]


def render_html(pack: ReviewPack) -> str:
    """The pack as one self-contained HTML document (inline CSS, A4 print rules)."""
    sections = [
        {
            "anchor": f"input-{section.letter}",
            "letter": section.letter,
            "title": section.title,
            "summary": section.summary,
            "facts": [(fact.label, cell_text(fact.value)) for fact in section.facts],
            "extracts": section.extracts,
            "notes": section.notes,
            "tables": [
                {
                    "title": table.title,
                    "columns": [column.label for column in table.columns],
                    "rows": [
                        [cell_text(row[c.key], c.choices) for c in table.columns]
                        for row in table.rows
                    ],
                    "total": table.total,
                    "hidden": table.hidden,
                    "empty": table.empty,
                }
                for table in section.tables
            ],
        }
        for section in pack.sections
    ]
    previous = pack.previous
    return render_to_string(
        TEMPLATE,
        {
            "organisation": pack.organisation.name,
            "as_of": long_date(pack.as_of),
            "as_of_iso": pack.as_of.isoformat(),
            "start": long_date(pack.start),
            "previous": previous and f"{previous.ref}, held {long_date(previous.held_on)}",
            "generated": long_date(timezone.localtime(pack.generated_at).date()),
            "sections": sections,
            "max_rows": MAX_ROWS,
        },
    )


def write_pdf(pack: ReviewPack, path: str | os.PathLike) -> int:
    """Write the pack to ``path`` as a PDF (WeasyPrint); return its number of pages."""
    from weasyprint import HTML

    document = HTML(string=render_html(pack), base_url=None).render()
    document.write_pdf(target=os.fspath(path))
    return len(document.pages)
