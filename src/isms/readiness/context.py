"""What a rule gets to work with: the organisation, the audit date and the stage, plus helpers
that scope every query to the organisation and build findings with the rule's metadata."""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from isms.readiness.finding import Finding, Grade, Subject
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

    def finding(
        self,
        subject: Subject,
        detail: str,
        *,
        title: str | None = None,
        grade: Grade | None = None,
        recommendation: str | None = None,
        reference: str | None = None,
        department: str | None = None,
        process: str | None = None,
    ) -> Finding:
        """A finding of the running rule; unset fields come from the rule's declaration."""
        rule = self.rule
        assert rule is not None, "finding() is only available while a rule runs"
        return Finding(
            code=rule.code,
            name=rule.name,
            grade=Grade(grade or rule.grade),
            stage=rule.stage,
            reference=check_reference(reference) if reference else rule.reference,
            subject=subject,
            title=title or rule.title,
            detail=detail,
            recommendation=recommendation or rule.sections["How to fix"],
            department=department,
            process=process,
        )
