"""What a rule gets to work with: the organisation, the audit date and the stage, plus helpers
that scope every query to the organisation and build observations with the rule's metadata."""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from isms.readiness.finding import Grade, Observation, Population, Subject
from isms.readiness.registry import Rule, check_reference


@dataclass
class RuleContext:
    organisation: object
    as_of: dt.date
    stage: int
    rule: Rule | None = None
    _cache: dict = field(default_factory=dict)

    def q(self, model):
        """``model``'s rows of this organisation (every rule query starts here)."""
        return model.objects.filter(organisation=self.organisation)

    def months_ago(self, months: int) -> dt.date:
        return self.as_of - relativedelta(months=months)

    def days_ago(self, days: int) -> dt.date:
        return self.as_of - dt.timedelta(days=days)

    def cached(self, key: str, compute):
        """Share an expensive lookup between rules of one run (e.g. the applicable controls)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def population(self, label: str, rows) -> Population:
        """The population observations are drawn from: ``rows`` is a queryset (counted once per
        run and label) or a number."""
        key = f"population:{label}"
        if key not in self._cache:
            self._cache[key] = rows if isinstance(rows, int) else rows.count()
        return Population(label, self._cache[key])

    def observe(
        self,
        subject: Subject,
        detail: str,
        *,
        grade: Grade | None = None,
        reference: str | None = None,
        population: Population | None = None,
        related: tuple[Subject, ...] | list[Subject] = (),
        effect: str = "",
        department: str | None = None,
        process: str | None = None,
        owner: str | None = None,
        issue: str | None = None,
    ) -> Observation:
        """An observation of the running rule; unset fields come from the rule's declaration.

        The finding's title, statement and advice come from the rule that leads it. ``issue``
        overrides the rule's issue for this one observation (a rule that sees two kinds of
        problem)."""
        rule = self.rule
        assert rule is not None, "observe() is only available while a rule runs"
        return Observation(
            code=rule.code,
            issue=issue or rule.issue,
            reference=check_reference(reference) if reference else rule.reference,
            grade=Grade(grade or rule.grade),
            stage=rule.stage,
            subject=subject,
            detail=detail,
            population=population,
            related=tuple(related),
            effect=effect,
            department=department,
            process=process,
            owner=owner,
        )
