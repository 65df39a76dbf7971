"""The example organisations produce exactly the findings listed in their expected-findings.json,
and between them every registered rule fires at least once.

To refresh after a deliberate change to the rules or the data (then read the diff!):
    ISMS_UPDATE_EXPECTED=1 ./run test tests/examples/test_expected_findings.py
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from isms.core.models import Organisation
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from isms.readiness.engine import run_assessment
from isms.readiness.registry import all_rules

EXAMPLES = Path(__file__).parents[2] / "examples"
ORGANISATIONS = {
    "acme": ("Acme Components Ltd", EXAMPLES / "acme" / "acme.xlsx"),
    "globex": ("Globex Logistics Ltd", EXAMPLES / "globex" / "globex.yaml"),
    "initech": ("Initech Software Ltd", EXAMPLES / "initech" / "initech.yaml"),
}
AS_OF = dt.date(2026, 11, 30)
UPDATE = os.environ.get("ISMS_UPDATE_EXPECTED") == "1"


def flatten(result) -> list[dict]:
    """Every finding and credited issue: key, grade, references and the records it covers."""
    rows = [_row(finding, finding.grade.value) for finding in result.findings]
    rows += [_row(finding, "credited") for finding in result.credited]
    return sorted(rows, key=lambda r: r["key"])


def _row(finding, grade):
    return {
        "key": finding.key,
        "grade": grade,
        "references": list(finding.references),
        "instances": sorted(
            {f"{o.code} {o.subject.type}: {o.subject.key}" for o in finding.instances}
        ),
    }


def assess_example(slug: str):
    name, source = ORGANISATIONS[slug]
    organisation = Organisation.objects.create(slug=slug, name=name)
    import_sheets(organisation, read_path(source))
    return run_assessment(organisation, AS_OF)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(ORGANISATIONS))
def test_example_produces_exactly_the_expected_findings(slug):
    result = assess_example(slug)
    assert not result.errors, result.errors
    path = EXAMPLES / slug / "expected-findings.json"
    actual = {
        "organisation": slug,
        "as_of": AS_OF.isoformat(),
        "verdict": result.verdict,
        "counts": result.counts,
        "findings": flatten(result),
        "advisories": sorted({a.code for a in result.advisories}),
    }
    why = {}
    if path.exists():
        old = json.loads(path.read_text())["findings"]
        why = {row.get("key"): row.get("why", "") for row in old}
    if UPDATE:
        todo = "TODO: why a certification auditor would write this"
        rows = [{**row, "why": why.get(row["key"]) or todo} for row in actual["findings"]]
        path.write_text(json.dumps({**actual, "findings": rows}, indent=1) + "\n")
    expected = json.loads(path.read_text())
    reasons = {row["key"]: row.pop("why", "") for row in expected["findings"]}
    assert actual["findings"] == expected["findings"]
    assert (actual["verdict"], actual["counts"]) == (expected["verdict"], expected["counts"])
    assert actual["advisories"] == expected["advisories"]
    unexplained = [key for key, text in reasons.items() if not text or text.startswith("TODO")]
    assert unexplained == [], f"expected findings without a one-line reason: {unexplained}"


def test_every_rule_fires_in_some_example():
    fired = set()
    for slug in ORGANISATIONS:
        expected = json.loads((EXAMPLES / slug / "expected-findings.json").read_text())
        fired.update(
            instance.split()[0] for row in expected["findings"] for instance in row["instances"]
        )
        fired.update(expected.get("advisories", []))
    missing = sorted({rule.code for rule in all_rules()} - fired)
    assert missing == [], f"rules no example triggers: {missing}"


MAX_QUERIES_PER_RULE = 12


@pytest.mark.django_db
def test_rules_aggregate_in_the_database():
    """Each rule's query count is fixed by its code, not by the data: checked on the demo."""
    from isms.readiness.profiling import profile_rules

    name, source = ORGANISATIONS["acme"]
    organisation = Organisation.objects.create(slug="acme", name=name)
    import_sheets(organisation, read_path(source))
    costly = {
        cost.code: cost.queries
        for cost in profile_rules(organisation, AS_OF)
        if cost.queries > MAX_QUERIES_PER_RULE
    }
    assert costly == {}
