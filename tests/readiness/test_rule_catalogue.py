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
