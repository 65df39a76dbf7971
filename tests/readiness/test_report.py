"""The board-ready report: HTML (cover, charts, findings by clause and theme, remediation plan,
what passed, appendix), its SVG charts and the PDF made from it."""

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
import yaml

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.readiness.engine import DEFAULT_PROFILE, Result, RuleError, escalate, run_assessment
from isms.readiness.finding import Finding, Grade, Subject
from isms.readiness.registry import all_rules
from isms.readiness.reports import charts
from isms.readiness.reports.html import render_html
from isms.readiness.reports.pdf import write_pdf
from tests.readiness.conftest import AS_OF
from tests.readiness.rules.risk_register import BASE, METHOD, risk
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def make(code, grade, reference, key, title, subject="Records", detail="The evidence."):
    return Finding(
        code=code,
        name=f"rule-{code.lower()}",
        grade=grade,
        stage=2,
        reference=reference,
        subject=Subject(subject, key),
        title=title,
        detail=detail,
        recommendation=f"Fix {key}.",
    )


def result_of(organisation, findings, errors=(), passed=("CTX003", "SOA001")):
    """A Result as the engine makes it: escalated, with deadlines, rules that ran."""
    found = escalate(list(findings), DEFAULT_PROFILE.escalation_threshold, AS_OF)
    found = [replace(f, due=DEFAULT_PROFILE.due(f.grade, AS_OF)) for f in found]
    fired = {f.code for f in findings}
    rules = [r for r in all_rules() if r.code in passed] + [
        r for r in all_rules() if r.code in fired
    ]
    return Result(organisation, AS_OF, 2, DEFAULT_PROFILE, found, list(errors), rules)


FINDINGS = [
    make("CTX001", Grade.MAJOR, "4.3", "ISMS scope", "No approved ISMS scope", "Scope"),
    make("SOA002", Grade.MINOR, "6.1.3 d", "7.4", "Control excluded without justification", "SoA"),
    make("MRV002", Grade.OFI, "9.3.2", "MR-2026", "Review inputs could be fuller", "Reviews"),
    make("LDR001", Grade.MINOR, "5.1", "POL-001", "Sponsor not named", "Documents"),
    make("DOC009", Grade.MINOR, "A.5.1", "POL-002", "Topic policy not communicated", "Documents"),
    make("EVD002", Grade.MINOR, "A.8.15", "8.15", "Stale logging evidence", "SoA"),
    *(make("ACC001", Grade.MINOR, "5.18", k, f"Access review late on {k}") for k in "ABC"),
]


@pytest.fixture
def report(organisation):
    full_soa(organisation, **{"7.4": {"applicable": False}, "8.8": {"implementation_status": ""}})
    SoAEntry.objects.filter(organisation=organisation, control__ref="5.7").delete()
    result = result_of(
        organisation, FINDINGS, errors=[RuleError("XYZ001", "ValueError: bad <b>date</b>")]
    )
    return result, render_html(result)


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def card_of(html: str, text: str) -> str:
    """The finding card (article) that contains ``text``."""
    at = html.index(text)
    return html[html.rindex("<article", 0, at) : html.index("</article>", at)]


def test_cover_shows_verdict_score_stage_and_counts(report):
    result, html = report
    assert result.verdict == "not recommended"
    # ESC001 (3 x 5.18) and CTX001 are majors; four minors left; one OFI.
    assert result.counts == {"major": 2, "minor": 4, "ofi": 1}
    # ESC001 (3 x 5.18) and CTX001 are majors, four minors, one OFI: penalty 20 + 12 + 1 = 33.
    assert (result.penalty, result.score) == (33, 75)
    cover = between(html, '<section class="cover">', "</section>")
    assert "Acme Ltd" in cover and "Mock certification audit" in cover
    assert "30 November 2026" in cover
    assert "Stage 2: implementation and effectiveness" in cover
    assert 'class="verdict red"' in cover
    assert "Certification not recommended" in cover
    assert re.search(rf'class="n">{result.score}<span class="of"> /100', cover)
    for grade, count in (("major", 2), ("minor", 4), ("ofi", 1)):
        assert re.search(rf'<td class="{grade}"><div class="n">{count}</div>', cover)
    assert "2 major nonconformities stand" in cover
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_findings_grouped_systemic_first_then_clauses_then_annex_themes(report):
    _, html = report
    section = between(html, '<section class="major-section findings">', "</section>")
    headings = re.findall(r"<h2>(.*?)</h2>", section)
    assert headings == [
        "Systemic findings",
        "4 Context of the organization",
        "5 Leadership",
        "6 Planning",
        "9 Performance evaluation",
        "A.5 Organizational",
        "A.8 Technological",
    ]

    def heading_of(text: str) -> str:
        at = section.index(text)
        return [h for h in headings if section.index(f"<h2>{h}</h2>") < at][-1]

    assert heading_of("Systemic failure: 3 minor nonconformities in requirement 5.18") == (
        "Systemic findings"
    )
    assert heading_of("No approved ISMS scope") == "4 Context of the organization"
    assert heading_of("Sponsor not named") == "5 Leadership"  # 5.1 read as the clause
    assert heading_of("Control excluded without justification") == "6 Planning"
    assert heading_of("Review inputs could be fuller") == "9 Performance evaluation"
    assert heading_of("Topic policy not communicated") == "A.5 Organizational"  # A.5.1
    assert heading_of("Stale logging evidence") == "A.8 Technological"
    # The systemic finding lists the minors it groups, with their subjects.
    systemic = between(section, 'id="systemic"', "<h2>4 Context")
    for key in "ABC":
        assert f"Access review late on {key}" in systemic and f"Records {key}" in systemic
    # Every finding shows grade, code and name, subject, detail, recommendation and due date.
    card = card_of(section, "CTX001")
    assert 'id="finding-2"' in card
    assert ">Major</span>" in card and "CTX001" in card and "rule-ctx001" in card
    assert "Scope ISMS scope" in card and "The evidence." in card and "Fix ISMS scope." in card
    assert "Due 28 February 2027" in card
    assert "No deadline" in card_of(section, "MRV002")


def test_remediation_plan_lists_majors_and_minors_by_due_date_then_grade(report):
    _, html = report
    plan = between(html, '<section class="major-section remediation">', "</section>")
    rows = re.findall(
        r'<td class="nowrap">(\d{4}-\d\d-\d\d)</td>\s*<td><span class="badge (\w+)"', plan
    )
    assert len(rows) == 6  # two majors and four minors; the OFI has no deadline
    assert rows == sorted(rows, key=lambda row: (row[0], -Grade(row[1]).rank))
    assert rows[0] == ("2027-01-29", "minor") and rows[-1] == ("2027-02-28", "major")
    assert "MRV002" not in plan
    assert "The 1 opportunity for improvement has no deadline" in " ".join(plan.split())


def test_what_passed_and_the_appendix(report):
    _, html = report
    passed = between(html, '<section class="major-section what-passed">', "</section>")
    assert "CTX003" in passed and "Climate change relevance not determined" in passed
    assert "SOA001" in passed and "CTX001" not in passed
    appendix = between(html, '<section class="major-section appendix">', "</section>")
    assert "Escalation" in appendix and "90 days" in appendix and "60 days" in appendix
    assert "100 &times; 100 / (100 + 33) = 75." in appendix
    assert "XYZ001" in appendix and "bad &lt;b&gt;date&lt;/b&gt;" in appendix


def test_report_has_the_four_charts_as_wellformed_svg(report, organisation):
    _, html = report
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 5  # grades, clause/theme, SoA heat map, inherent and residual risk
    for svg in svgs:
        ET.fromstring(svg)  # noqa: S314 (our own output)
    soa = next(svg for svg in svgs if "Statement of Applicability coverage" in svg)
    cells = re.findall(r"<g><title>([^<]*)</title>", soa)
    assert len(cells) == 93
    title_74 = Control.objects.get(ref="7.4").title
    assert f"7.4 {title_74}: Not applicable (has a finding)" in cells
    assert any(c.startswith("5.7 ") and c.endswith("Missing from the SoA") for c in cells)
    assert any(c.startswith("8.8 ") and c.endswith("Status not recorded") for c in cells)
    assert any(c.startswith("8.15 ") and c.endswith("Implemented (has a finding)") for c in cells)
    assert "Findings by grade" in html and "Risk heat maps" in html


def test_soa_coverage_takes_two_queries(organisation, django_assert_num_queries):
    full_soa(organisation, **{"6.1": {"implementation_status": "planned"}})
    with django_assert_num_queries(2):
        cells = charts.soa_coverage(organisation, [])
    assert len(cells) == 93
    assert {c.ref: c.status for c in cells}["6.1"] == "planned"


def test_risk_heat_maps_use_the_method_scales_and_group_by(
    organisation, load, django_assert_num_queries
):
    method = {**METHOD, "likelihood_levels": 4, "impact_levels": 4, "high_threshold": 12}
    risks = [
        risk("R-001", likelihood=4, impact=4, residual_likelihood=2, residual_impact=2),
        risk("R-002", likelihood=4, impact=4, residual_likelihood=2, residual_impact=1),
        risk("R-003", likelihood=1, impact=3, residual_likelihood=None, residual_impact=None),
    ]
    load(BASE + yaml.safe_dump({"Risk method": [method], "Risks": risks}, sort_keys=False))
    with django_assert_num_queries(3):
        inherent, residual = charts.risk_matrices(organisation)
    assert (inherent.likelihood_levels, inherent.impact_levels) == (4, 4)
    assert inherent.counts == {(4, 4): 2, (1, 3): 1}
    assert residual.counts == {(2, 2): 1, (2, 1): 1} and residual.unrated == 1
    svg = charts.risk_heatmap_chart(inherent)
    ET.fromstring(svg)  # noqa: S314 (our own output)
    assert svg.count("<rect") == 16 + 3  # a 4 x 4 grid and the three legend swatches
    assert "Inherent risk: 3 risks" in svg
    assert "1 not rated" in charts.risk_heatmap_chart(residual)


def test_an_organisation_with_nothing_recorded_gets_default_charts(organisation):
    html = render_html(result_of(organisation, [], passed=()))
    assert 'class="verdict green"' in html and "Certification recommended</div>" in html
    assert "no risk method is recorded" in html
    assert "0 of" in html and "addressed in the SoA" in html
    assert "No major or minor nonconformity" in html


def test_minors_only_is_amber(organisation):
    result = result_of(organisation, FINDINGS[1:2])
    html = render_html(result)
    assert result.verdict == "recommended subject to corrective action plans"
    assert 'class="verdict amber"' in html
    assert "Certification recommended subject to corrective action plans" in html


def test_user_text_is_escaped_everywhere(organisation, load):
    organisation.name = 'Acme & <Sons> "Ltd"'
    organisation.save()
    # A risk whose title is a script and that is tied to no asset or process: RSK005 cites it.
    bad = risk("R-666", title=SCRIPT, asset=None, process=None)
    load(BASE + yaml.safe_dump({"Risk method": [METHOD], "Risks": [bad]}, sort_keys=False))
    result = run_assessment(organisation, AS_OF, select=["RSK005"])
    assert any(SCRIPT in f.detail for f in result.findings)
    html = render_html(result)
    assert SCRIPT not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Acme &amp; &lt;Sons&gt; &quot;Ltd&quot;" in html
    cell = charts.SoACell("5.1", SCRIPT, 5, "implemented", True)
    svg = charts.soa_heatmap_chart([cell])
    assert SCRIPT not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 (our own output)


@pytest.mark.parametrize(
    ("reference", "subject", "expected"),
    [
        ("6.1.3 d", None, ("clause", 6, "")),
        ("9.2", None, ("clause", 9, "")),
        ("10.2", None, ("clause", 10, "")),
        ("5.18", None, ("annex", 5, "5.18")),
        ("5.1", Subject("Documents", "POL-1"), ("clause", 5, "")),
        ("A.5.1", None, ("annex", 5, "5.1")),
        ("6.3 (A)", None, ("annex", 6, "6.3")),
        ("8.2", Subject("SoA", "8.2"), ("annex", 8, "8.2")),
        ("Annex A", Subject("SoA", "7.14"), ("annex", 7, "7.14")),
        ("Annex A", Subject("Organisation", "acme"), ("annex", 0, "")),
        ("17021-1 practice", None, ("other", 0, "")),
    ],
)
def test_references_are_read_as_clauses_or_annex_a_controls(reference, subject, expected):
    area = charts.area_of_reference(reference, subject)
    assert (area.kind, area.number, area.control) == expected


def test_pdf_has_pages_and_the_verdict(report, tmp_path):
    from pypdf import PdfReader

    result, _ = report
    path = tmp_path / "report.pdf"
    pages = write_pdf(result, path)
    assert path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(path)
    assert pages == len(reader.pages) >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Certification not recommended" in text
    assert "Remediation plan" in text and "What passed" in text
    assert f"page 1 of {pages}" not in text  # the cover has no footer
    assert f"page 2 of {pages}" in text
