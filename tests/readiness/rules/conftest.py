"""Fixtures the rule tests share."""

import pytest
import yaml

from tests.readiness.rules.risk_register import BASE, METHOD


@pytest.fixture
def build(load):
    """build(risks=[...], actions=[...], method=METHOD|None, extra=''): a small risk register."""

    def build(risks=(), actions=(), method=METHOD, extra=""):
        sheets = {}
        if method is not None:
            sheets["Risk method"] = [method]
        if risks:
            sheets["Risks"] = list(risks)
        if actions:
            sheets["Treatment plan"] = list(actions)
        text = BASE + extra + (yaml.safe_dump(sheets, sort_keys=False) if sheets else "")
        return load(text)

    return build
