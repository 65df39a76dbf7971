"""Renders docs/rules.md from the rule registry (CI fails when the file is stale)."""

from collections import defaultdict

from isms.readiness.engine import OWNERSHIP_CODE, OWNERSHIP_NAME
from isms.readiness.registry import all_rules

AREA_TITLES = {
    "context": "Context and scope (clause 4)",
    "leadership": "Leadership, roles and resources (5, 7.1)",
    "risk_assessment": "Risk assessment and the asset inventory (6.1.2, 8.2, 5.9)",
    "risk_treatment": "Risk treatment (6.1.3, 8.3)",
    "soa": "Statement of Applicability and control evidence (6.1.3 d, 7.5)",
    "objectives": "Objectives and measurement (6.2, 9.1)",
    "documents": "Documented information and policies (5.2, 7.5)",
    "people": "Competence, training and awareness (7.2, 7.3, 6.3)",
    "access": "Access control (5.15-5.18)",
    "suppliers": "Suppliers and cloud services (5.19-5.23)",
    "incidents": "Incident management (5.24-5.28, 6.8)",
    "retention": "Retention and deletion (5.33, 8.10)",
    "internal_audit": "Internal audit (9.2)",
    "management_review": "Management review (9.3)",
    "nonconformity": "Nonconformity and corrective action (10.2)",
    "certification": "Certification cycle and stage timing",
    "annex_a": "Other Annex A controls",
}


def render_rules() -> str:
    rules = all_rules()
    by_area = defaultdict(list)
    for rule in rules:
        by_area[rule.area].append(rule)
    lines = [
        "# Mock-audit rules",
        "",
        "<!-- Generated from the rule registry by `isms docs --write`; do not edit by hand. -->",
        "",
        f"{len(rules)} rules. Codes are stable and never reused. Stage 1 rules review documents "
        "and readiness; stage 2 rules test implementation (a stage 2 run includes stage 1). "
        "Rules report observations, one per record; the engine makes one finding per issue "
        "(the *issue* column: rules that share it make one finding), grades it by extent and "
        "effect, and credits the organisation's own NC log. The grade shown is what one "
        "instance weighs on its own (major only for a required process or record that is "
        "absent); each rule's *Grade* section says when it differs. Advisory rules report "
        "matters of the certification process, apart from findings. How consolidation, "
        "grading, credit, deadlines and the verdict work: [mock-audit.md](mock-audit.md).",
        "",
        "| code | name | reference | stage | grade | issue | checks |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        grade = "advisory" if rule.advisory else rule.grade.value
        lines.append(
            f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {rule.reference} | "
            f"{rule.stage} | {grade} | {rule.issue} | {rule.summary} |"
        )
    lines += [
        f"| {OWNERSHIP_CODE} | {OWNERSHIP_NAME} | 5.3 | 1-2 | major | - | Raised by the "
        "engine, not a rule, when one accountable owner is behind a cluster of "
        "nonconformities: see mock-audit.md. |",
        "",
    ]
    for area in sorted(
        by_area, key=lambda a: list(AREA_TITLES).index(a) if a in AREA_TITLES else 99
    ):
        lines += [f"## {AREA_TITLES.get(area, area.replace('_', ' ').title())}", ""]
        for rule in by_area[area]:
            lines += [
                f"### {rule.code}",
                "",
                f"**{rule.name}**: {rule.title}. Reference {rule.reference}; stage {rule.stage}; "
                f"default grade {rule.grade.value}; issue {rule.issue}"
                f"{'; advisory' if rule.advisory else ''}; version {rule.version}.",
                "",
                f"- *Statement:* {rule.statement}",
            ]
            for section, text in rule.sections.items():
                lines += [f"- *{section}:* {text}"]
            lines.append("")
    return "\n".join(lines)
