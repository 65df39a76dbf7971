"""The mock-audit report as a PDF: the HTML report laid out on A4 by WeasyPrint.

WeasyPrint (and the Pango libraries it needs) is imported only here, when a PDF is asked for, so
the rest of the tool works without it.
"""

import os

from isms.readiness.engine import Result
from isms.readiness.reports.html import render_html


def write_pdf(result: Result, path: str | os.PathLike) -> int:
    """Write the report of ``result`` to ``path`` as a PDF; return its number of pages."""
    from weasyprint import HTML

    # The document is self-contained (inline CSS and SVG), so there is nothing to resolve
    # relative to a base URL and nothing is fetched.
    document = HTML(string=render_html(result), base_url=None).render()
    document.write_pdf(target=os.fspath(path))
    return len(document.pages)
