"""Meta-tests: every registered rule is documented and has a firing and a quiet test."""

import re
from pathlib import Path

from isms.readiness.registry import SECTIONS, all_rules

RULE_TESTS = Path(__file__).parent / "rules"


def test_rules_have_unique_codes_names_and_full_docs():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert all(rule.sections[name] for name in SECTIONS), rule.code


def test_every_rule_has_a_firing_and_a_quiet_test():
    names = set()
    for path in RULE_TESTS.glob("test_*.py"):
        names.update(re.findall(r"^def (test_\w+)\(", path.read_text(), re.MULTILINE))
    missing = []
    for rule in all_rules():
        code = rule.code.lower()
        if not any(n.startswith(f"test_{code}_fires") for n in names):
            missing.append(f"{rule.code}: no test_{code}_fires_* test")
        if not any(n.startswith(f"test_{code}_passes") for n in names):
            missing.append(f"{rule.code}: no test_{code}_passes_* test")
    assert missing == []


def test_references_are_unambiguous():
    import pytest

    from isms.readiness.registry import check_reference

    for good in ("9.2", "6.1.3 d", "A.5.18", "A.6.3", "Annex A", "10.2"):
        assert check_reference(good) == good
    for bad in ("5.18", "A.5.99", "6.1.3 dd", "11", "A.9.1", ""):
        with pytest.raises(ValueError):
            check_reference(bad)
    assert all(check_reference(rule.reference) for rule in all_rules())
