"""Helpers for rule tests: load a small YAML ISMS into an organisation, run one rule."""

import datetime as dt
import textwrap

import pytest

from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_yaml
from isms.readiness.engine import Profile, run_assessment

AS_OF = dt.date(2026, 11, 30)
NO_ESCALATION = Profile(name="test", pervasive_count=0, pattern_size=0)

#: People most tests need as owners, approvers and auditors.
PEOPLE = """
Departments:
  - {name: Engineering}
  - {name: Finance}
People:
  - {email: ceo@acme.example, name: Carla Chief, department: Finance, start_date: 2020-01-01}
  - {email: isms@acme.example, name: Ian Manager, department: Engineering, start_date: 2020-01-01}
  - {email: eng@acme.example, name: Erin Engineer, department: Engineering, start_date: 2021-03-01}
  - {email: fin@acme.example, name: Finn Finance, department: Finance, start_date: 2021-03-01}
  - {email: auditor@acme.example, name: Aud Itor, department: Finance, start_date: 2021-03-01}
"""


@pytest.fixture
def load(organisation):
    """load(yaml_text, with_people=True): import a YAML ISMS into the test organisation."""

    def load(text: str, with_people: bool = True):
        sheets = read_yaml(textwrap.dedent(text), "test.yaml")
        if with_people:
            sheets = read_yaml(PEOPLE, "people.yaml") + sheets
        return import_sheets(organisation, sheets)

    return load


@pytest.fixture
def findings(organisation):
    """findings(code, as_of=AS_OF, stage=2) -> what that rule observed, one per record, sorted
    by subject (consolidation into findings is the engine's business, tested in test_engine).
    An advisory rule's advisories come back the same way."""

    def run(code: str, as_of: dt.date = AS_OF, stage: int = 2):
        result = run_assessment(organisation, as_of, stage, select=[code], profile=NO_ESCALATION)
        assert not result.errors, result.errors
        seen = [o for o in result.observations if o.code == code]
        seen += [a for a in result.advisories if a.code == code]
        return sorted(seen, key=lambda o: o.subject)

    return run


def keys(found) -> list[str]:
    """The subject keys of findings, sorted: what most assertions compare."""
    return sorted(f.subject.key for f in found)
