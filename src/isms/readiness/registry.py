"""The rule registry, in the style of a linter: each rule is a small function registered with a
stable code (never reused), a kebab-case name for the problem, the clause or control it cites,
the audit stage and the grade of one instance. Its docstring has fixed sections that
docs/rules.md is generated from: What it checks, Why an auditor cares, How to fix, Grade.

A rule yields observations; the engine decides the finding's grade (grading.py). A rule's
``grade`` is what one instance weighs on its own: major only for a required process or record
that is absent altogether, minor for a lapse, OFI where no requirement is breached. Rules that
look at the same problem from another angle declare ``issue=`` (the code of the rule that owns
the issue) so that their observations become one finding. ``advisory=True`` marks matters of the
certification process itself (timing of stages, surveillance), reported apart from findings.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from isms.catalog.references import check_reference
from isms.readiness.finding import Grade, Observation

SECTIONS = ("What it checks", "Why an auditor cares", "How to fix", "Grade")
CODE_PATTERN = re.compile(r"^[A-Z]{3}\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    reference: str
    stage: int
    grade: Grade
    title: str
    check: Callable[..., Iterable[Observation]]
    version: int
    sections: dict[str, str]
    #: The issue this rule's observations belong to: its own code, or the code of the rule that
    #: owns the same issue.
    issue: str
    #: The nonconformity statement, "The organisation has not ...", without the evidence.
    statement: str
    advisory: bool = False

    @property
    def summary(self) -> str:
        """The *What it checks* section, as a sentence."""
        text = self.sections["What it checks"]
        return text[:1].upper() + text[1:]

    @property
    def area(self) -> str:
        return self.check.__module__.rsplit(".", 1)[-1]


_RULES: dict[str, Rule] = {}


def parse_sections(doc: str | None, code: str) -> dict[str, str]:
    """Split a rule docstring into its fixed sections; every section is required."""
    if not doc:
        raise ValueError(f"rule {code} has no docstring")
    pattern = re.compile(r"^\s*(" + "|".join(SECTIONS) + r"):\s*", re.MULTILINE)
    parts = pattern.split(doc)
    sections = {}
    for index in range(1, len(parts) - 1, 2):
        sections[parts[index]] = " ".join(parts[index + 1].split())
    missing = [name for name in SECTIONS if not sections.get(name)]
    if missing:
        raise ValueError(f"rule {code} docstring lacks section(s): {', '.join(missing)}")
    return sections


def rule(
    *,
    code: str,
    name: str,
    reference: str,
    stage: int,
    grade: Grade,
    title: str,
    statement: str = "",
    issue: str | None = None,
    advisory: bool = False,
    version: int = 1,
):
    """Register a rule function ``check(ctx) -> Iterable[Observation]``."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"rule code {code!r} must be three capitals and three digits")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")
    if stage not in (1, 2):
        raise ValueError(f"rule {code}: stage is 1 or 2")
    check_reference(reference)
    if issue is not None and not CODE_PATTERN.match(issue):
        raise ValueError(f"rule {code}: issue {issue!r} must be the code of a rule")
    if statement and not statement.startswith("The organisation"):
        raise ValueError(f"rule {code}: the statement starts 'The organisation ...'")

    def decorate(check):
        if code in _RULES:
            raise ValueError(f"rule code {code} registered twice")
        if any(existing.name == name for existing in _RULES.values()):
            raise ValueError(f"rule name {name} registered twice")
        _RULES[code] = Rule(
            code=code,
            name=name,
            reference=reference,
            stage=stage,
            grade=Grade(grade),
            title=title,
            check=check,
            version=version,
            sections=parse_sections(check.__doc__, code),
            issue=issue or code,
            statement=statement
            or f"The organisation has not met {reference}: {title[:1].lower()}{title[1:]}.",
            advisory=advisory,
        )
        return check

    return decorate


def all_rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule:
    return _RULES[code]
