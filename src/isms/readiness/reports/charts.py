"""Server-side SVG charts for the mock-audit report: plain strings, no JavaScript, no library.

Each chart is a small pure function from plain data to an SVG string; the few functions that
read the database (``soa_coverage``, ``risk_matrices``) only gather that data. Every piece of
text that reaches an SVG goes through :func:`html.escape`, because control titles, organisation
names and finding subjects come from users.

The module also decides which part of the standard a finding belongs to (:func:`areas_of`): a
clause 4-10 or an Annex A theme. References follow the engine's convention: an Annex A control is
written "A.5.18", a bare id ("5.1", "6.1.3 d") is always a clause, and "Annex A" in general is
placed under the theme of the control whose SoA row the finding is about.
"""

import re
from collections import Counter
from dataclasses import dataclass
from html import escape

from django.db.models import Count, F

# -- Where a finding belongs ------------------------------------------------------------------

CLAUSES = {
    4: "Context of the organization",
    5: "Leadership",
    6: "Planning",
    7: "Support",
    8: "Operation",
    9: "Performance evaluation",
    10: "Improvement",
}
THEMES = {5: "Organizational", 6: "People", 7: "Physical", 8: "Technological"}
#: How many Annex A controls each theme has (5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34).
THEME_SIZES = {5: 37, 6: 8, 7: 14, 8: 34}
#: Subject types that name an Annex A control by its id.
CONTROL_SUBJECTS = frozenset({"SoA", "Control", "Annex A"})

_REFERENCE = re.compile(r"^\s*(?P<annex>A\.)?(?P<id>\d+(?:\.\d+)*)")


@dataclass(frozen=True, order=True)
class Area:
    """A part of the standard: ``kind`` is "clause", "annex" (number 0: Annex A in general)
    or "other"; ``control`` is the Annex A control id when the reference names one."""

    kind: str
    number: int
    control: str = ""

    @property
    def key(self) -> tuple:
        return ({"clause": 0, "annex": 1, "other": 2}[self.kind], self.number or 99)

    @property
    def group(self) -> "Area":
        """The clause or theme, without the control."""
        return Area(self.kind, self.number)

    @property
    def label(self) -> str:
        if self.kind == "clause":
            return f"{self.number} {CLAUSES[self.number]}"
        if self.kind == "annex":
            return f"A.{self.number} {THEMES[self.number]}" if self.number else "Annex A, general"
        return "Other references"

    @property
    def short_label(self) -> str:
        if self.kind == "clause":
            return f"{self.number} {CLAUSES[self.number].split()[0]}"
        return self.label


OTHER = Area("other", 0)


def _is_control(ref: str) -> bool:
    match = re.fullmatch(r"([5-8])\.(\d+)", ref)
    return bool(match) and 1 <= int(match[2]) <= THEME_SIZES[int(match[1])]


def _subject_control(subject) -> str:
    if subject is not None and subject.type in CONTROL_SUBJECTS and _is_control(subject.key):
        return subject.key
    return ""


def area_of_reference(reference: str, subject=None) -> Area:
    """The clause or Annex A theme one reference points at: "A.x.y" is a control, a bare id a
    clause, "Annex A" the theme of the control the subject names (else Annex A in general)."""
    text = reference.strip()
    if text.lower() == "annex a":
        control = _subject_control(subject)
        return Area("annex", int(control.split(".")[0]), control) if control else Area("annex", 0)
    match = _REFERENCE.match(text)
    if not match:
        return OTHER
    ref = match["id"]
    if match["annex"]:
        return Area("annex", int(ref.split(".")[0]), ref) if _is_control(ref) else OTHER
    head = int(ref.split(".")[0])
    return Area("clause", head) if head in CLAUSES else OTHER


def areas_of(finding) -> list[Area]:
    """The clause or theme of the finding's lead reference (a list, for findings whose lead
    reference is unreadable: then "Other references")."""
    return [area_of_reference(finding.reference, finding.subject)]


def primary_area(finding) -> Area:
    return areas_of(finding)[0]


# -- SVG building blocks ----------------------------------------------------------------------

FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
INK = "#1d2939"
MUTED = "#667085"
RULE = "#d0d5dd"
GRADE_COLOURS = {"major": "#b42318", "minor": "#c26a0a", "ofi": "#2e6b9e"}  # as the report CSS
GRADE_NAMES = {"major": "Major", "minor": "Minor", "ofi": "OFI"}


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width:g}" '
        f'height="{height:g}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-label="{escape(label)}" font-family="{escape(FONT)}" fill="{INK}">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text, size: float = 10, anchor: str = "start", **attrs) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(str(v))}"' for name, v in attrs.items())
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="{anchor}"{extra}>'
        f"{escape(str(text))}</text>"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, **attrs) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(str(v))}"' for name, v in attrs.items())
    return f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}"{extra}/>'


def _legend(x: float, y: float, items: list[tuple[str, str, dict]], size: float = 9) -> str:
    """A one-line legend of (colour, label, extra rect attributes) from (x, y)."""
    parts = []
    for colour, label, attrs in items:
        parts.append(_rect(x, y - 8, 10, 10, colour, **attrs))
        parts.append(_text(x + 14, y, label, size, fill=MUTED))
        x += 14 + len(label) * size * 0.55 + 14
    return "".join(parts)


def _nice_max(value: int) -> int:
    return max(1, value)


# -- (1) Findings by grade --------------------------------------------------------------------


def findings_by_grade_chart(counts: dict[str, int], width: float = 250) -> str:
    """Horizontal bars: majors, minors and OFIs, each with its count."""
    label_w, top, bar_h, gap = 48, 8, 26, 12
    scale = (width - label_w - 34) / _nice_max(max(counts.values(), default=0))
    body = []
    for index, grade in enumerate(("major", "minor", "ofi")):
        y = top + index * (bar_h + gap)
        count = counts.get(grade, 0)
        body.append(_text(label_w - 8, y + bar_h / 2 + 4, GRADE_NAMES[grade], 11, "end"))
        body.append(_rect(label_w, y, max(count * scale, 1.5), bar_h, GRADE_COLOURS[grade]))
        body.append(
            _text(label_w + count * scale + 6, y + bar_h / 2 + 4, count, 11, font_weight="bold")
        )
    height = top + 3 * (bar_h + gap)
    body.insert(
        0, f'<line x1="{label_w}" y1="2" x2="{label_w}" y2="{height - 8}" stroke="{RULE}"/>'
    )
    total = sum(counts.values())
    return _svg(width, height, f"Findings by grade: {total} in all", body)


# -- (2) Findings by clause and by Annex A theme ----------------------------------------------


def findings_by_area(findings) -> list[tuple[Area, dict[str, int]]]:
    """Counts per grade for each clause 4-10 and each Annex A theme (all rows, even empty, so the
    chart shows where nothing was found), each finding under its lead reference; "Annex A,
    general" and "Other references" appear only when used."""
    counts: dict[Area, Counter] = {}
    for finding in findings:
        counts.setdefault(primary_area(finding).group, Counter())[finding.grade.value] += 1
    rows = [Area("clause", n) for n in CLAUSES] + [Area("annex", n) for n in THEMES]
    rows += sorted(a for a in counts if a not in rows)
    return [(area, dict(counts.get(area, Counter()))) for area in rows]


def findings_by_area_chart(rows: list[tuple[Area, dict[str, int]]], width: float = 400) -> str:
    """Horizontal stacked bars (major, minor, OFI) for each clause and theme."""
    label_w, top, bar_h, gap, section_gap = 118, 26, 13, 4, 14
    biggest = _nice_max(max((sum(c.values()) for _, c in rows), default=0))
    scale = (width - label_w - 30) / biggest
    body = [
        _legend(label_w, 12, [(GRADE_COLOURS[g], GRADE_NAMES[g], {}) for g in GRADE_NAMES], 10),
    ]
    y = top
    previous_kind = None
    for area, counts in rows:
        if previous_kind is not None and area.kind != previous_kind:
            y += section_gap - gap
            body.append(
                f'<line x1="8" y1="{y - section_gap / 2 + 2:g}" x2="{width - 8:g}" '
                f'y2="{y - section_gap / 2 + 2:g}" stroke="{RULE}" stroke-dasharray="3 3"/>'
            )
        previous_kind = area.kind
        body.append(_text(label_w - 8, y + bar_h - 3, area.short_label, 10, "end"))
        x = label_w
        for grade in ("major", "minor", "ofi"):
            count = counts.get(grade, 0)
            if count:
                body.append(_rect(x, y, count * scale, bar_h, GRADE_COLOURS[grade]))
                x += count * scale
        total = sum(counts.values())
        body.append(
            _text(
                x + 5,
                y + bar_h - 3,
                total if total else "none",
                10,
                fill=INK if total else MUTED,
                font_weight="bold" if total else "normal",
            )
        )
        y += bar_h + gap
    body.insert(
        0,
        f'<line x1="{label_w}" y1="{top - 3}" x2="{label_w}" y2="{y - gap + 3:g}" '
        f'stroke="{RULE}"/>',
    )
    return _svg(width, y + 2, "Findings by clause and by Annex A theme", body)


# -- (3) SoA coverage heat map ----------------------------------------------------------------

SOA_STATUSES = {
    # status: (label, fill, text colour, extra rect attributes)
    "implemented": ("Implemented", "#2f7d4f", "#ffffff", {}),
    "partial": ("Partial", "#93c47d", INK, {}),
    "planned": ("Planned", "#f3c969", INK, {}),
    "not_started": ("Not started", "#e07a5f", "#ffffff", {}),
    "unset": ("Status not recorded", "#98a2b3", "#ffffff", {}),
    "not_applicable": ("Not applicable", "#eaecf0", MUTED, {}),
    "missing": (
        "Missing from the SoA",
        "#ffffff",
        MUTED,
        {"stroke": "#667085", "stroke_dasharray": "2 2"},
    ),
}
FINDING_MARK = "#d92d20"


@dataclass(frozen=True)
class SoACell:
    ref: str
    title: str
    theme: int
    status: str
    has_finding: bool


def controls_cited(findings) -> set[str]:
    """The Annex A controls (ids without "A.") the nonconformities cite, or whose SoA row one of
    their instances is about; OFIs breach no requirement and flag nothing."""
    flagged = set()
    for finding in findings:
        if finding.grade.value == "ofi":
            continue
        for reference in finding.references:
            area = area_of_reference(reference)
            if area.control:
                flagged.add(area.control)
        for observation in finding.instances:
            for record in observation.records:
                if control := _subject_control(record):
                    flagged.add(control)
    return flagged


def soa_coverage(organisation, findings) -> list[SoACell]:
    """The 93 controls with the organisation's SoA status and whether a nonconformity names them.

    Two queries: the catalogue, and the organisation's SoA rows."""
    from isms.catalog.models import Control
    from isms.controls.models import SoAEntry

    entries = {
        row["control_id"]: row
        for row in SoAEntry.objects.filter(organisation=organisation)
        .order_by()
        .values("control_id", "applicable", "implementation_status")
    }
    flagged = controls_cited(findings)
    cells = []
    for control in Control.objects.order_by("sort_key").values("id", "ref", "title"):
        entry = entries.get(control["id"])
        if entry is None:
            status = "missing"
        elif not entry["applicable"]:
            status = "not_applicable"
        else:
            status = entry["implementation_status"] or "unset"
        theme = int(control["ref"].split(".")[0])
        cells.append(
            SoACell(control["ref"], control["title"], theme, status, control["ref"] in flagged)
        )
    return cells


def soa_heatmap_chart(cells: list[SoACell], per_row: int = 20, width: float = 660) -> str:
    """A grid of one cell per control, a block of rows per theme, coloured by SoA status; a
    control a nonconformity names gets a dark red frame and corner mark."""
    label_w, top, gap = 100, 8, 3
    cell_w = (width - label_w - 4) / per_row - gap
    cell_h = 19
    body = []
    y = top
    by_theme: dict[int, list[SoACell]] = {}
    for cell in cells:
        by_theme.setdefault(cell.theme, []).append(cell)
    for theme, members in sorted(by_theme.items()):
        name = THEMES.get(theme, str(theme))
        body.append(_text(label_w - 10, y + 13, name, 10, "end", font_weight="bold"))
        body.append(_text(label_w - 10, y + 25, f"{len(members)} controls", 8, "end", fill=MUTED))
        rows = [members[i : i + per_row] for i in range(0, len(members), per_row)]
        for row in rows:
            for column, cell in enumerate(row):
                x = label_w + column * (cell_w + gap)
                label, fill, ink, attrs = SOA_STATUSES.get(cell.status, SOA_STATUSES["unset"])
                tip = f"{cell.ref} {cell.title}: {label}"
                if cell.has_finding:
                    tip += " (cited by a nonconformity)"
                body.append(f"<g><title>{escape(tip)}</title>")
                body.append(_rect(x, y, cell_w, cell_h, fill, rx=2, **attrs))
                if cell.has_finding:
                    body.append(
                        _rect(
                            x + 1,
                            y + 1,
                            cell_w - 2,
                            cell_h - 2,
                            "none",
                            rx=1.5,
                            stroke=FINDING_MARK,
                            stroke_width=2,
                        )
                    )
                    body.append(
                        f'<path d="M{x + cell_w - 8:g} {y:g} H{x + cell_w:g} V{y + 8:g} Z" '
                        f'fill="{FINDING_MARK}"/>'
                    )
                body.append(_text(x + cell_w / 2, y + 13.5, cell.ref, 7.5, "middle", fill=ink))
                body.append("</g>")
            y += cell_h + gap
        y += 8 + max(0, 30 - len(rows) * (cell_h + gap))
    present = Counter(cell.status for cell in cells)
    items = [
        (fill, f"{label} ({present[status]})", attrs)
        for status, (label, fill, _, attrs) in SOA_STATUSES.items()
        if present[status] or status not in ("unset",)
    ]
    flagged = sum(cell.has_finding for cell in cells)
    items.append(
        (
            "none",
            f"Cited by a nonconformity ({flagged})",
            {"stroke": FINDING_MARK, "stroke_width": 2},
        )
    )
    # Two legend lines so it fits the width.
    half = (len(items) + 1) // 2
    y += 6
    body.append(_legend(label_w, y, items[:half], 9))
    body.append(_legend(label_w, y + 16, items[half:], 9))
    return _svg(
        width, y + 24, "Statement of Applicability coverage of the 93 Annex A controls", body
    )


# -- (4) Risk heat maps -----------------------------------------------------------------------


@dataclass(frozen=True)
class RiskMatrix:
    """Counts of risks per (likelihood, impact) on the method's scales, and the method's bands."""

    title: str
    likelihood_levels: int
    impact_levels: int
    acceptance_threshold: int | None
    high_threshold: int | None
    counts: dict[tuple[int, int], int]
    off_scale: int = 0
    unrated: int = 0
    method_name: str = ""

    @property
    def total(self) -> int:
        """Every risk of the register, whether placed on this map or not."""
        return sum(self.counts.values()) + self.off_scale + self.unrated


def risk_matrices(organisation) -> tuple[RiskMatrix, RiskMatrix]:
    """Inherent and residual risk counts per cell, on the organisation's most recently approved
    risk method (default 5 x 5 when there is none). Three queries: the method, and one GROUP BY
    per map (risks without a residual rating form their own group and are counted as unrated)."""
    from isms.risk.models import Risk, RiskMethod

    method = (
        RiskMethod.objects.filter(organisation=organisation)
        .order_by(F("approved_on").desc(nulls_last=True), "-pk")
        .first()
    )
    likelihood_levels = method.likelihood_levels if method else 5
    impact_levels = method.impact_levels if method else 5
    risks = Risk.objects.filter(organisation=organisation).order_by()

    def matrix(title, likelihood, impact):
        counts, off, unrated = {}, 0, 0
        for row in risks.values(likelihood, impact).annotate(n=Count("pk")):
            cell = (row[likelihood], row[impact])
            if cell[0] is None or cell[1] is None:
                unrated += row["n"]
            elif 1 <= cell[0] <= likelihood_levels and 1 <= cell[1] <= impact_levels:
                counts[cell] = counts.get(cell, 0) + row["n"]
            else:
                off += row["n"]
        return RiskMatrix(
            title,
            likelihood_levels,
            impact_levels,
            method.acceptance_threshold if method else None,
            method.high_threshold if method else None,
            counts,
            off,
            unrated,
            method.name if method else "",
        )

    return (
        matrix("Inherent risk", "likelihood", "impact"),
        matrix("Residual risk", "residual_likelihood", "residual_impact"),
    )


BANDS = {"low": "#e3f1e6", "medium": "#fbebc5", "high": "#f6d2cc"}


def _band(score: int, top_score: int, acceptance: int | None, high: int | None) -> str:
    if acceptance is None or high is None:
        # No documented method: a fifth and three fifths of the top score, only to give the grid
        # a shape (4 and 15 on 5 x 5).
        acceptance, high = round(top_score / 5) - 1, round(top_score * 3 / 5)
    if score <= acceptance:
        return "low"
    if score >= high:
        return "high"
    return "medium"


def risk_heatmap_chart(matrix: RiskMatrix, size: float = 300) -> str:
    """A likelihood (rows, highest at the top) x impact (columns) grid with the number of risks
    in each cell, on a background banded by the method's acceptance and high thresholds."""
    left, top, bottom = 44, 24, 58
    levels = max(matrix.likelihood_levels, matrix.impact_levels)
    cell = min(36.0, (size - left - 10) / levels)
    grid_w = cell * matrix.impact_levels
    grid_h = cell * matrix.likelihood_levels
    width = max(size, left + grid_w + 10)
    top_score = matrix.likelihood_levels * matrix.impact_levels
    biggest = max(matrix.counts.values(), default=0)
    risks = f"{matrix.total} risk{'s' * (matrix.total != 1)}"
    body = [_text(left, 14, f"{matrix.title}: {risks}", 11, font_weight="bold")]
    for li in range(1, matrix.likelihood_levels + 1):
        y = top + (matrix.likelihood_levels - li) * cell
        body.append(_text(left - 6, y + cell / 2 + 3.5, li, 9, "end", fill=MUTED))
        for im in range(1, matrix.impact_levels + 1):
            x = left + (im - 1) * cell
            band = _band(li * im, top_score, matrix.acceptance_threshold, matrix.high_threshold)
            body.append(_rect(x, y, cell, cell, BANDS[band], stroke="#ffffff", stroke_width=1.5))
            count = matrix.counts.get((li, im), 0)
            if count:
                radius = cell * (0.2 + 0.18 * count / biggest)
                body.append(
                    f'<circle cx="{x + cell / 2:g}" cy="{y + cell / 2:g}" r="{radius:g}" '
                    f'fill="{INK}" fill-opacity="0.85"/>'
                )
                body.append(
                    _text(
                        x + cell / 2,
                        y + cell / 2 + 3.5,
                        count,
                        10 if count < 100 else 8,
                        "middle",
                        fill="#ffffff",
                        font_weight="bold",
                    )
                )
    for im in range(1, matrix.impact_levels + 1):
        body.append(_text(left + (im - 0.5) * cell, top + grid_h + 12, im, 9, "middle", fill=MUTED))
    body.append(_text(left + grid_w / 2, top + grid_h + 26, "Impact", 10, "middle"))
    body.append(
        f'<text x="12" y="{top + grid_h / 2:g}" font-size="10" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + grid_h / 2:g})">Likelihood</text>'
    )
    notes = []
    if matrix.off_scale:
        notes.append(f"{matrix.off_scale} off the scale")
    if matrix.unrated:
        notes.append(f"{matrix.unrated} not rated")
    legend = [(BANDS[b], b.capitalize(), {}) for b in ("low", "medium", "high")]
    body.append(_legend(left, top + grid_h + 44, legend, 9))
    if notes:
        body.append(
            _text(left + grid_w, top + grid_h + 44, "; ".join(notes), 9, "end", fill="#b42318")
        )
    return _svg(width, top + grid_h + bottom - 6, f"{matrix.title} heat map", body)


# -- All four ---------------------------------------------------------------------------------


def report_charts(result) -> dict:
    """The report's charts for ``result`` (SVG strings), with the numbers their captions use."""
    cells = soa_coverage(result.organisation, result.findings)
    inherent, residual = risk_matrices(result.organisation)
    status = Counter(cell.status for cell in cells)
    return {
        "grades": findings_by_grade_chart(result.counts),
        "areas": findings_by_area_chart(findings_by_area(result.findings)),
        "soa": soa_heatmap_chart(cells),
        "risk_inherent": risk_heatmap_chart(inherent),
        "risk_residual": risk_heatmap_chart(residual),
        "soa_in": len(cells) - status["missing"],
        "soa_applicable": sum(
            n for s, n in status.items() if s not in ("missing", "not_applicable")
        ),
        "soa_implemented": status["implemented"],
        "soa_flagged": sum(cell.has_finding for cell in cells),
        "controls": len(cells),
        "risk_method": inherent.method_name,
        "risk_scale": f"{inherent.likelihood_levels} x {inherent.impact_levels}",
        "risks": inherent.total,
    }
