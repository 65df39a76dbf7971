"""The report, shaped like a certification body's audit report: cover, objectives, scope,
criteria, what was sampled, positive findings, areas of concern or NCs and OFIs (advice apart),
patterns, advisories, earlier findings and the NC log, conclusion, recommendation and deadlines,
remediation plan with owners, sampling disclaimer; its SVG charts and the PDF made from it.

Every test renders a real run of the engine over a real organisation: a small YAML ISMS loaded
with the conftest fixtures and a handful of fake rules whose observations we choose (so the
assertions can name exact records), or the globex example with the real rules."""

import datetime as dt
import html as htmllib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_yaml
from isms.readiness import engine
from isms.readiness.engine import DISCLAIMER, SAMPLING, run_assessment
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import Rule, parse_sections
from isms.readiness.reports import charts
from isms.readiness.reports.html import render_html
from isms.readiness.reports.pdf import write_pdf
from tests.readiness.conftest import AS_OF
from tests.readiness.rules.risk_register import BASE, METHOD, risk
from tests.readiness.rules.test_soa import full_soa

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
GLOBEX = Path(__file__).parents[2] / "examples" / "globex" / "globex.yaml"

ISMS = """
Scope:
  - {version: "2.0", statement: The design and sale of widgets from the Leeds office,
     in_scope: Leeds office; the Widget platform on AWS eu-west-2, out_of_scope: The Bradford depot,
     approved_by: ceo@acme.example, approved_on: 2026-03-16}
  - {version: "3.0", statement: Draft scope adding the Bradford depot}
SoA versions:
  - {version: "2.1", approved_by: ceo@acme.example, approved_on: 2026-09-14,
     change_summary: Exclusion of 8.11 reconfirmed}
  - {version: "3.0", approved_by: ceo@acme.example, approved_on: 2027-02-01,
     change_summary: Approved after the audit date}
Documents:
  - {ref: POL-001, title: Information security policy, kind: policy, owner: isms@acme.example}
  - {ref: PRO-007, title: Internal audit procedure, kind: procedure, owner: isms@acme.example}
  - {ref: REC-001, title: Visitor log template, kind: record, owner: isms@acme.example}
Internal audits:
  - {ref: IA-2026-01, title: Clauses 4 to 10, planned_on: 2026-03-02, completed_on: 2026-03-20,
     status: completed, lead_auditor: auditor@acme.example, report_summary: Two minors}
Management reviews:
  - {ref: MR-2026-1, held_on: 2026-10-05, chair: ceo@acme.example, signed_by: ceo@acme.example,
     signed_on: 2026-10-07}
Nonconformities:
  - {ref: NC-2026-010, source: internal_audit, grade: minor, reference: A.8.8,
     finding_subject: "Systems: c", raised_on: 2026-06-01, description: Patching late on c,
     root_cause: No patch window, corrective_action: Monthly patch window, owner: eng@acme.example,
     due_on: 2027-01-31, status: action_planned}
  - {ref: NC-2026-011, source: external_audit, grade: minor, reference: "9.2",
     finding_code: TST002, raised_on: 2026-05-22, description: Programme misses 6.3,
     root_cause: Programme written per year, corrective_action: Three-year programme,
     owner: isms@acme.example, due_on: 2026-09-30, status: action_planned}
  - {ref: NC-2025-001, source: internal_audit, grade: minor, reference: "7.2",
     raised_on: 2025-06-01, description: Training record missing, root_cause: Manual records,
     corrective_action: LMS, owner: isms@acme.example, due_on: 2025-08-31, closed_on: 2025-10-01,
     effective: yes, effectiveness_checked_by: auditor@acme.example,
     effectiveness_checked_on: 2025-10-01, status: closed}
External audits:
  - {ref: CB-2026-S1, kind: stage1, certification_body: Albion Certification Ltd,
     planned_on: 2026-05-18, held_on: 2026-05-19, minors: 1}
  - {ref: CB-2027-S2, kind: stage2, certification_body: Albion Certification Ltd,
     planned_on: 2027-01-18}
External audit findings:
  - {ref: CB-2026-S1-01, audit: CB-2026-S1, grade: area_of_concern, reference: "9.2",
     statement: The programme does not show when 6.3 is audited, nonconformity: NC-2026-011}
"""

DOC = """
What it checks: x.
Why an auditor cares: y.
How to fix: {fix}
Grade: minor.
"""


def fake_rule(code, check, *, grade=Grade.MINOR, reference="A.5.18", stage=2, advisory=False):
    return Rule(
        code=code,
        name=f"fake-{code.lower()}",
        reference=reference,
        stage=stage,
        grade=grade,
        title=f"Fake title of {code}",
        check=check,
        version=1,
        sections=parse_sections(DOC.format(fix=f"fix {code} this way."), code),
        issue=code,
        statement=f"The organisation has not done {code}.",
        advisory=advisory,
    )


def observing(kind, *records, size=None):
    """A check observing ``records``: (key, detail, extra observe() arguments)."""

    def check(ctx):
        population = ctx.population(kind.lower(), size) if size else None
        for key, detail, extra in records:
            yield ctx.observe(Subject(kind, key), detail, population=population, **extra)

    return check


def the_rules(stage=2):
    return [
        # Two lapses, one with a direct security effect: a major.
        fake_rule(
            "TST001",
            observing(
                "Systems",
                (
                    "a",
                    "System a kept a leaver's account.",
                    {"effect": "used after leaving", "owner": "eng@acme.example"},
                ),
                ("b", f"System b review missed {SCRIPT}.", {"department": "Engineering"}),
                size=10,
            ),
            stage=stage,
        ),
        # Covered by NC-2026-011 (issue-wide), whose action is overdue: an NC on 10.2.
        fake_rule(
            "TST002",
            observing("Internal audits", ("IA-2026-01", "IA-2026-01 left 6.3 unaudited.", {})),
            reference="9.2.2",
            stage=stage,
        ),
        fake_rule(
            "TST003",
            observing("Systems", ("d", "System d logs kept 20 days.", {}), size=10),
            grade=Grade.OFI,
            reference="A.8.15",
            stage=stage,
        ),
        # Found by the organisation itself (NC-2026-010, on time): credited.
        fake_rule(
            "TST004",
            observing("Systems", ("c", "System c patched 40 days late.", {}), size=10),
            reference="A.8.8",
            stage=stage,
        ),
        # Three minors in one department with different owners: a pattern, no major.
        fake_rule(
            "TST006",
            observing(
                "Management reviews",
                ("MR-2026-1", "MR-2026-1 skipped the risk input.", {"department": "Finance"}),
            ),
            reference="9.3.2",
            stage=stage,
        ),
        fake_rule(
            "TST007",
            observing(
                "Suppliers",
                (
                    "Acme Cloud",
                    "Acme Cloud has no contract.",
                    {"department": "Finance", "owner": "fin@acme.example"},
                ),
            ),
            reference="A.5.20",
            stage=stage,
        ),
        fake_rule(
            "TST008",
            observing(
                "People",
                (
                    "fin@acme.example",
                    "Finn Finance has no training record.",
                    {"department": "Finance", "owner": "ceo@acme.example"},
                ),
            ),
            reference="7.2",
            stage=stage,
        ),
        fake_rule(
            "TST009",
            observing("External audits", ("CB-2027-S2", "Stage 2 is 8 months after stage 1.", {})),
            reference="9.2",
            stage=stage,
            advisory=True,
        ),
    ]


@pytest.fixture
def isms(organisation, load, monkeypatch):
    """The small ISMS loaded, with the fake rules in place of the registry."""
    load(ISMS)
    full_soa(organisation, **{"7.4": {"applicable": False}})

    def assess(stage=2):
        monkeypatch.setattr(engine, "all_rules", lambda: the_rules(stage))
        return run_assessment(organisation, AS_OF, stage=stage)

    return assess


@pytest.fixture
def report(isms):
    result = isms()
    return result, render_html(result)


def section(html: str, anchor: str) -> str:
    """One numbered section: from the element with id ``anchor`` (a <section> or an <h1>) to the
    next heading that carries an id, or the end of the <section>."""
    start = html.rindex("<", 0, html.index(f'id="{anchor}"'))
    ends = [html.find(marker, start + 1) for marker in ("<h1 id=", "</section>")]
    return html[start : min(e for e in ends if e > 0)]


def card(html: str, key: str) -> str:
    at = html.index(f'<span class="code key">{key}</span>')
    return html[html.rindex("<article", 0, at) : html.index("</article>", at)]


def text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    words = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([,.;:)])", r"\1", words)


# -- The run itself, so that the report assertions below rest on known findings --------------


def test_the_run_the_report_is_about(report):
    result, _ = report
    assert [(f.key, f.grade) for f in result.findings] == [
        ("TST001", Grade.MAJOR),
        ("TST008", Grade.MINOR),  # 7.2
        ("TST006", Grade.MINOR),  # 9.3.2
        ("TST002", Grade.MINOR),  # on 10.2 now: NC-2026-011 is overdue
        ("TST007", Grade.MINOR),  # A.5.20
        ("TST003", Grade.OFI),
    ]
    assert [f.key for f in result.credited] == ["TST004"]
    assert [(p.value, p.escalated) for p in result.patterns] == [("Finance", False)]
    assert [a.code for a in result.advisories] == ["TST009"]
    assert result.upcoming.ref == "CB-2027-S2"


# -- Sections, in order ------------------------------------------------------------------------


def test_sections_come_in_the_order_of_a_certification_audit_report(report):
    _, html = report
    headings = [text(h) for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]
    assert headings == [
        "Mock certification audit report",
        "1 Audit objectives",
        "2 Scope",
        "3 Audit criteria",
        "4 What was sampled",
        "5 Positive findings",
        "6 Nonconformities and opportunities for improvement",
        "7 Patterns",
        "8 Certification-process advisories",
        "9 Status of earlier findings and nonconformities",
        "10 Conclusion on conformity and effectiveness",
        "11 Recommendation and deadlines",
        "12 Remediation plan",
        "About this mock audit",
    ]
    # The sampling disclaimer closes the report.
    tail = text(html[html.index('<div class="sampling"') :])
    assert tail.startswith(f"Sampling. {SAMPLING}") and tail.endswith(DISCLAIMER)


def test_cover_has_verdict_figures_and_the_self_assessment_disclaimer(report):
    result, html = report
    cover = text(html[: html.index('id="objectives"')])
    assert "Acme Ltd" in cover and "30 November 2026" in cover
    assert "Stage 2: implementation and effectiveness" in cover
    assert "Next external audit CB-2027-S2 (stage 2), from 18 January 2027" in cover
    assert 'class="verdict red"' in html[: html.index('id="objectives"')]
    assert (
        "Certification recommendation deferred until the major nonconformities are verified closed"
        in cover
    )
    assert f"Self-assessment {DISCLAIMER}" in cover
    figures = result.figures
    clauses, controls = figures["clauses"], figures["controls"]
    assert (
        f"{clauses['conforming']} of {clauses['total']} Clauses 4 to 10 with no nonconformity"
        in (cover)
    )
    assert (
        f"{controls['conforming']} of {controls['total']} Applicable Annex A controls with no "
        "nonconformity" in cover
    )
    assert controls["total"] == 92  # 93 less 7.4, excluded
    assert (
        "1 Major nonconformities 4 Minor nonconformities 1 Opportunities for improvement" in cover
    )
    assert "1 Issues credited" in cover
    assert "/100" not in html
    assert "readiness score" not in html.lower()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_scope_and_criteria_are_the_versions_in_force(report):
    _, html = report
    scope = text(section(html, "scope"))
    assert "version 2.0, approved 16 March 2026 by ceo@acme.example" in scope
    assert "The design and sale of widgets from the Leeds office" in scope
    assert "Leeds office; the Widget platform on AWS eu-west-2" in scope
    assert "The Bradford depot" in scope and "Draft scope" not in scope
    assert "version 2.1, approved 14 September 2026" in scope
    assert "Exclusion of 8.11 reconfirmed" in scope and "Approved after the audit date" not in scope
    assert "addresses 93 of the 93 Annex A controls, 92 of them applicable" in scope
    criteria = text(section(html, "criteria"))
    assert "ISO/IEC 27001:2022" in criteria and "2 documents in the document register" in criteria
    assert "POL-001 Information security policy" in criteria
    assert "PRO-007 Internal audit procedure" in criteria
    assert "REC-001" not in criteria, "a record template is not an audit criterion"


def test_what_was_sampled_counts_registers_and_the_findings_populations(report):
    _, html = report
    sampled = section(html, "sampled")
    rows = dict(re.findall(r"<td>([^<]+)</td><td class=\"n\">(\d+)</td>", sampled))
    assert rows["Internal audits"] == "1" and rows["Nonconformities"] == "3"
    assert rows["SoA entries"] == "93" and rows["Documents"] == "3" and rows["People"] == "5"
    populations = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"n\">(\d+)</td><td class=\"n\">(\d+)</td>"
        r"<td class=\"code wrap\">([^<]+)</td></tr>",
        sampled,
    )
    # systems a, b (TST001), d (TST003) and c (TST004, credited): 4 records of 10.
    assert populations == [("systems", "10", "4", "TST001, TST003, TST004")]


def test_positive_findings_are_the_credited_issues_and_the_figures(report):
    result, html = report
    strengths = text(section(html, "strengths"))
    assert "System c patched 40 days late." in strengths
    assert "NC-2026-010: being corrected on time, due 2027-01-31" in strengths
    assert "1 issue the organisation found itself" in strengths
    clauses = result.figures["clauses"]
    assert f"{clauses['conforming']} of {clauses['total']} requirement clauses" in strengths
    # Not "rules that did not fire".
    assert "passed" not in strengths.lower()


def test_each_finding_is_a_card_with_requirement_evidence_statement_and_advice_apart(report):
    result, html = report
    major = card(html, "TST001")
    assert ">Major</span>" in major and "NC-01" in major
    assert "direct security effect (used after leaving)" in text(major)
    assert "Requirement A.5.18 Access rights:" in text(major)
    assert "Objective evidence: 2 of 10 systems" in text(major)
    assert "System a kept a leaver&#x27;s account." in major
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in major  # user text escaped
    assert "Statement The organisation has not done TST001." in text(major)
    assert "Readiness due 17 January 2027" in text(major)
    # The advice is in its own labelled block, after the finding's fields.
    findings_part, advice = major.split('<div class="advice">')
    assert "TST001 this way" not in findings_part
    assert text(advice).startswith("Advice (not part of the finding) fix TST001 this way.")
    overdue = text(card(html, "TST002"))
    assert "ref. 10.2" in overdue and "Also cited 9.2.2" in overdue
    assert "NC-2026-011 (action planned, due 2026-09-30): corrective action overdue" in overdue
    assert "not completed the corrective action of NC-2026-011" in overdue
    ofi = card(html, "TST003")
    assert ">OFI</span>" in ofi and "No deadline" in ofi
    # Majors, then minors, then OFIs, each under its heading; every finding has a card.
    findings = section(html, "findings")
    order = [findings.index(f'<span class="code key">{f.key}</span>') for f in result.findings]
    assert order == sorted(order)
    groups = re.findall(r'<h2 class="grade-head">([^<]+)<span class="count">(\d+)', findings)
    assert groups == [
        ("Major nonconformities", "1"),
        ("Minor nonconformities", "4"),
        ("Opportunities for improvement", "1"),
    ]
    assert "TST004" not in findings, "a credited issue is no finding"
    assert "TST009" not in findings, "an advisory is no finding"


def test_patterns_advisories_and_earlier_findings(report):
    result, html = report
    patterns = text(section(html, "patterns"))
    assert result.patterns[0].note in patterns
    advisories = text(section(html, "advisories"))
    assert "TST009" in advisories and "Stage 2 is 8 months after stage 1." in advisories
    earlier = section(html, "earlier")
    counts = re.findall(r'<td class="n">(\d+)</td>', earlier)
    # raised, open, overdue, awaiting check, closed effective, closed not verified
    assert counts[:6] == ["3", "2", "1", "0", "1", "0"]
    linked = text(earlier[earlier.index('class="linked-ncs') :])
    assert "NC-2026-010 minor A.8.8 2026-06-01 being corrected on time (due 2027-01-31)" in linked
    assert "TST004 (credited)" in linked
    assert "NC-2026-011 minor 9.2 2026-05-22 corrective action overdue" in linked
    assert "NC-2025-001" not in linked, "only the NCs the findings concern are listed"
    assert "CB-2026-S1 (Stage 1) by Albion Certification Ltd, held 19 May 2026" in text(earlier)
    assert "The programme does not show when 6.3 is audited NC-2026-011" in text(earlier)


def test_conclusion_names_internal_audit_and_management_review(report):
    result, html = report
    conclusion = text(section(html, "conclusion"))
    assert result.conclusion in conclusion
    assert "last completed internal audit is IA-2026-01 (Clauses 4 to 10)" in conclusion
    assert "Findings citing 9.2: TST002 (minor, 10.2: fake title of tst002)" in conclusion
    assert "MR-2026-1, held 5 October 2026, signed 7 October 2026 by ceo@acme.example" in conclusion
    assert "Findings citing 9.3: TST006 (minor, 9.3.2" in conclusion
    assert "findings citing 10.2: TST002 (minor)" in conclusion


def test_recommendation_and_certification_body_deadlines(report):
    result, html = report
    recommendation = text(section(html, "recommendation"))
    assert "Certification recommendation deferred" in recommendation
    for grade, deadline in result.cb_deadlines().items():
        assert deadline in recommendation, grade
    assert "(by 2027-04-18 if it ends on 2027-01-18)" in recommendation
    assert "CB-2027-S2 (stage 2) from 18 January 2027" in recommendation
    assert "due by 17 January 2027" in recommendation


def test_remediation_plan_has_an_owner_for_every_action(report):
    _, html = report
    plan = section(html, "plan")
    rows = re.findall(
        r'<td class="nowrap">(\S+)</td>\s*<td><span class="badge (\w+)">.*?'
        r'<span class="code">(\w+)</span>.*?<td class="owner">(.*?)</td>',
        plan,
        re.S,
    )
    owners = {key: text(owner) for _, _, key, owner in rows}
    assert owners == {
        "TST001": "eng@acme.example",  # the accountable person of an instance
        "TST002": "to assign",  # nobody named on the record
        "TST006": "Finance department",  # no person: the department
        "TST007": "fin@acme.example",
        "TST008": "ceo@acme.example",
    }
    assert [(due, grade) for due, grade, _, _ in rows] == [("2027-01-17", "major")] + [
        ("2027-01-17", "minor")
    ] * 4
    assert "TST003" not in plan, "an OFI has no deadline"


# -- Stage 1 -----------------------------------------------------------------------------------


def test_stage_1_writes_areas_of_concern_and_flags_potential_majors(isms):
    result = isms(stage=1)
    html = render_html(result)
    assert result.verdict == "not ready for stage 2"
    cover = text(html[: html.index('id="objectives"')])
    assert "Stage 1: documentation and readiness review" in cover
    assert "Conclusion on readiness for stage 2 Not ready for stage 2" in cover
    headings = [text(h) for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]
    assert "6 Areas of concern" in headings
    assert "6 Nonconformities and opportunities for improvement" not in headings
    major = card(html, "TST001")
    assert ">Potential major</span>" in major
    assert Grade.MAJOR.stage1_label in major and "AC-01" in major
    assert Grade.MINOR.stage1_label in card(html, "TST006")
    assert "does not recommend certification" in text(section(html, "recommendation"))


# -- Queries, charts, escaping -----------------------------------------------------------------


def test_the_report_reads_the_registers_in_a_bounded_number_of_queries(
    isms, organisation, load, django_assert_max_num_queries
):
    result = isms()
    with django_assert_max_num_queries(16):
        render_html(result)
    # Many more records, the same queries.
    people = [
        {"email": f"p{i}@acme.example", "name": f"P {i}", "start_date": "2022-01-01"}
        for i in range(40)
    ]
    load(yaml.safe_dump({"People": people}), with_people=False)
    with django_assert_max_num_queries(16):
        html = render_html(result)
    assert re.search(r"<td>People</td><td class=\"n\">45</td>", html)


def test_charts_are_wellformed_and_flag_controls_a_nonconformity_cites(report):
    _, html = report
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 5  # grades, clause/theme, SoA heat map, inherent and residual risk
    for svg in svgs:
        ET.fromstring(svg)  # noqa: S314 (our own output)
    soa = next(svg for svg in svgs if "Statement of Applicability coverage" in svg)
    cells = re.findall(r"<g><title>([^<]*)</title>", soa)
    assert len(cells) == 93
    flagged = sorted(c.split()[0] for c in cells if c.endswith("(cited by a nonconformity)"))
    # TST001 cites A.5.18, TST007 A.5.20; the OFI on A.8.15 and the credited A.8.8 flag nothing.
    assert flagged == ["5.18", "5.20"]
    grades = next(svg for svg in svgs if "Findings by grade" in svg)
    assert "Findings by grade: 6 in all" in grades


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


@pytest.mark.parametrize(
    ("reference", "subject", "expected"),
    [
        ("6.1.3 d", None, ("clause", 6, "")),
        ("9.2", None, ("clause", 9, "")),
        ("10.2", None, ("clause", 10, "")),
        ("5.1", Subject("SoA", "5.1"), ("clause", 5, "")),  # a bare id is always the clause
        ("A.5.1", None, ("annex", 5, "5.1")),
        ("A.5.18", None, ("annex", 5, "5.18")),
        ("Annex A", Subject("SoA", "7.14"), ("annex", 7, "7.14")),
        ("Annex A", Subject("Organisation", "acme"), ("annex", 0, "")),
        ("17021-1 practice", None, ("other", 0, "")),
    ],
)
def test_references_are_read_as_clauses_or_annex_a_controls(reference, subject, expected):
    area = charts.area_of_reference(reference, subject)
    assert (area.kind, area.number, area.control) == expected


def test_an_organisation_with_nothing_recorded_still_gets_a_report(organisation, monkeypatch):
    monkeypatch.setattr(engine, "all_rules", lambda: [])
    html = render_html(run_assessment(organisation, AS_OF))
    assert 'class="verdict green"' in html and "Certification recommended</div>" in html
    assert "The scope register holds no scope statement" in html
    assert "No version of the Statement of Applicability is recorded" in html
    assert "no internal audit has been completed by the audit date" in html
    assert "no management review has been held by the audit date" in html
    assert "No major or minor nonconformity" in html and "no risk method is recorded" in html


def test_user_text_is_escaped_everywhere(organisation, isms):
    organisation.name = 'Acme & <Sons> "Ltd"'
    organisation.save()
    html = render_html(isms())
    assert SCRIPT not in html and "<script" not in html
    assert "Acme &amp; &lt;Sons&gt; &quot;Ltd&quot;" in html
    cell = charts.SoACell("5.1", SCRIPT, 5, "implemented", True)
    svg = charts.soa_heatmap_chart([cell])
    assert SCRIPT not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 (our own output)


# -- A real example with the real rules --------------------------------------------------------


@pytest.fixture
def globex(organisation):
    organisation.name = "Globex Logistics Ltd"
    organisation.save()
    import_sheets(organisation, read_yaml(GLOBEX.read_text(encoding="utf-8"), "globex.yaml"))
    return run_assessment(organisation, dt.date(2026, 11, 30), stage=2)


def test_the_globex_example_report_shows_every_finding_and_its_evidence(globex):
    result = globex
    assert result.findings and not result.errors
    html = render_html(result)
    for finding in result.findings:
        body = text(card(html, finding.key))
        assert finding.title in body and finding.requirement in body
        assert f"Objective evidence: {finding.extent}" in body
        for observation in finding.instances:
            assert text(htmllib.escape(observation.detail)) in body, (finding.key, observation)
        if finding.advice:
            assert "Advice (not part of the finding)" in body
    plan = section(html, "plan")
    actionable = [f for f in result.findings if f.grade is not Grade.OFI]
    assert plan.count('<td class="owner">') == len(actionable)
    # Globex's scope and SoA were never approved again: the report says they are drafts.
    scope = text(section(html, "scope"))
    assert "version 1.0 (a draft: no version is approved)" in scope
    assert "Ipswich head office; Felixstowe port office" in scope
    assert "version 0.9 (not approved)" in scope


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_is_a4_with_the_sections_and_a_footer_after_the_cover(report, tmp_path):
    from pypdf import PdfReader

    result, _ = report
    path = tmp_path / "report.pdf"
    pages = write_pdf(result, path)
    assert path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(path)
    assert pages == len(reader.pages) >= 5
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    everything = " ".join(texts)
    assert "Certification recommendation deferred" in texts[0]
    assert "SELF-ASSESSMENT" in texts[0] and "decision to certify belongs" in texts[0]
    for heading in ("1 Audit objectives", "5 Positive findings", "12 Remediation plan"):
        assert heading in everything
    assert "ADVICE (NOT PART OF THE FINDING)" in everything
    assert "System a kept a leaver's account." in everything
    assert f"page 1 of {pages}" not in texts[0]  # the cover has no footer
    assert f"page 2 of {pages}" in texts[1]
    assert "A certification audit samples records" in texts[-1]


def test_a_finding_with_thousands_of_instances_prints_a_bounded_list(organisation, monkeypatch):
    from isms.readiness.reports.html import EVIDENCE_SHOWN

    records = [(f"acct-{n:04}", f"account acct-{n:04} not reviewed", {}) for n in range(1200)]
    rule = fake_rule("TST901", observing("Accounts", *records, size=100_000))
    monkeypatch.setattr(engine, "all_rules", lambda: [rule])
    result = run_assessment(organisation, AS_OF)
    html = render_html(result)
    found = card(html, "TST901")
    assert found.count("not reviewed") == EVIDENCE_SHOWN
    assert f"and {1200 - EVIDENCE_SHOWN} more instances" in text(found)
    assert "1200 of 100000 accounts" in text(found)
