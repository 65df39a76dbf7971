"""Per-rule cost: queries and time. Used by ``isms benchmark`` and by the query-bound test."""

import time
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from isms.readiness.context import RuleContext
from isms.readiness.registry import all_rules


@dataclass
class RuleCost:
    code: str
    queries: int
    seconds: float
    findings: int


def profile_rules(organisation, as_of, stage: int = 2) -> list[RuleCost]:
    """Run each rule alone and measure its queries and wall time (no escalation, no saving)."""
    costs = []
    for rule in all_rules():
        if rule.stage > stage:
            continue
        context = RuleContext(organisation=organisation, as_of=as_of, stage=stage, rule=rule)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = list(rule.check(context))
            elapsed = time.perf_counter() - started
        costs.append(RuleCost(rule.code, len(queries), elapsed, len(found)))
    return costs
