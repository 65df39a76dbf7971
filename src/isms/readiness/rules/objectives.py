"""Information security objectives (6.2) and their monitoring (9.1).

Measurements dated after the audit date are ignored. An objective is *overdue for measurement*
when its newest measurement is older than its measurement period plus one month of grace (time
to collect and report the figure): 2 months for monthly, 4 for quarterly, 7 for six-monthly, 13
for annual and 25 for two-yearly objectives.
"""

from decimal import Decimal

from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Trim

from isms.controls.models import Measurement, Objective
from isms.core.choices import FREQUENCY_MONTHS
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import LEAVER_ISSUE, leaver, responsibilities

GRACE_MONTHS = 1


def _join(items: list[str], word: str) -> str:
    """'a', 'a and b', 'a, b and c' (with ``word`` in place of 'and')."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _where(objective) -> dict:
    owner = objective.owner
    if owner is not None and owner.department_id:
        return {"department": owner.department.name}
    return {}


def _num(value) -> str:
    """A measured value or target without trailing zeros: 7, 99.9, 93.3."""
    return format(Decimal(str(value)).normalize(), "f")


def _short(text: str, limit: int = 80) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "..."


def _label(objective) -> str:
    return f"Objective {objective.ref} ({_short(objective.statement)})"


def _objectives(ctx):
    return ctx.q(Objective).select_related("owner__department")


def _population(ctx):
    return ctx.population("objectives", ctx.q(Objective))


def _owner(objective) -> dict:
    return {"owner": objective.owner.email} if objective.owner_id else {}


@rule(
    code="OBJ001",
    name="no-security-objectives",
    reference="6.2",
    stage=1,
    grade=Grade.MAJOR,
    title="No information security objectives",
    statement="The organisation has not established information security objectives.",
)
def no_security_objectives(ctx):
    """
    What it checks: that at least one information security objective is recorded.

    Why an auditor cares: 6.2 requires information security objectives at relevant functions
    and levels, kept as documented information. Without them there is nothing to measure the
    ISMS against and the management review has no performance to review.

    How to fix: set a handful of objectives that follow from the policy and the risk
    assessment, each with a metric, a target, an owner, a date and the business goal it serves.

    Grade: major: no objectives at all (a required record absent altogether). No effect-based
    major.
    """
    if not ctx.q(Objective).exists():
        yield ctx.observe(
            Subject("Clause", "6.2"), "No information security objective is recorded."
        )


@rule(
    code="OBJ002",
    name="objective-not-measurable",
    reference="6.2",
    stage=1,
    grade=Grade.MINOR,
    title="Objective without a metric, target or measurement frequency",
    statement="The organisation has not made its information security objectives measurable "
    "and planned how to achieve them: objectives lack a metric, a target, a measurement "
    "frequency, an owner or a due date.",
)
def objective_not_measurable(ctx):
    """
    What it checks: every objective states how it is measured (metric), the value to reach
    (target) and how often it is measured.

    Why an auditor cares: 6.2 asks for objectives that are measurable (if practicable),
    monitored and evaluated. "Improve security culture" with no metric or target cannot be
    achieved or missed, so it tells management nothing.

    How to fix: define the metric (what is counted, from which source), the target and its
    direction, the unit, and how often it is measured; then start measuring.

    Grade: one instance (one objective) is minor; OBJ003 adds objectives without an owner or a
    date to the same finding, which is major when pervasive among the objectives. No
    effect-based major.
    """
    objectives = (
        _objectives(ctx)
        .annotate(metric_text=Trim("metric"))
        .filter(Q(metric_text="") | Q(target__isnull=True) | Q(measurement_frequency=""))
    )
    for objective in objectives:
        missing = [
            label
            for label, absent in (
                ("metric", not objective.metric.strip()),
                ("target", objective.target is None),
                ("measurement frequency", not objective.measurement_frequency),
            )
            if absent
        ]
        yield ctx.observe(
            Subject("Objectives", objective.ref),
            f"{_label(objective)} has no {_join(missing, 'or')}.",
            population=_population(ctx),
            **_owner(objective),
            **_where(objective),
        )


@rule(
    code="OBJ003",
    name="objective-without-owner-or-date",
    reference="6.2",
    stage=1,
    grade=Grade.MINOR,
    title="Objective without a current owner or a due date",
    issue="OBJ002",
)
def objective_without_owner_or_date(ctx):
    """
    What it checks: every objective has an owner who had not left by the audit date, and a
    date by which it is to be achieved. An objective with no owner or no due date is an
    instance of the measurable-objectives finding led by OBJ002; an objective still owned by a
    leaver is an instance of the leaver issue led by LDR003, naming the leaver.

    Why an auditor cares: 6.2 asks the organisation to plan who is responsible for each
    objective and when it will be completed. Without an owner nobody acts on a missed target;
    without a date it can never be late.

    How to fix: name an accountable owner who is still with the organisation and agree the date
    by which the target is to be reached.

    Grade: one instance (one objective) is minor. No effect-based major.
    """
    objectives = _objectives(ctx).filter(
        Q(owner__isnull=True) | Q(owner__leave_date__lte=ctx.as_of) | Q(due_on__isnull=True)
    )
    for objective in objectives:
        subject = Subject("Objectives", objective.ref)
        owner = objective.owner
        if leaver(ctx, owner):
            yield ctx.observe(
                subject,
                f"{_label(objective)} is owned by {owner.email}, who left on {owner.leave_date}.",
                issue=LEAVER_ISSUE,
                related=[Subject("People", owner.email)],
                population=responsibilities(ctx),
                **_where(objective),
            )
        gaps = []
        if owner is None:
            gaps.append("has no owner")
        if objective.due_on is None:
            gaps.append("has no due date")
        if gaps:
            yield ctx.observe(
                subject,
                f"{_label(objective)} {' and '.join(gaps)}.",
                population=_population(ctx),
                **_owner(objective),
                **_where(objective),
            )


@rule(
    code="OBJ004",
    name="objective-not-tied-to-strategy",
    reference="6.2",
    stage=1,
    grade=Grade.OFI,
    title="Objective not tied to a business goal",
    statement="The organisation has not shown how some of its information security objectives "
    "serve its business goals.",
)
def objective_not_tied_to_strategy(ctx):
    """
    What it checks: every objective names the strategic or business goal it serves.

    Why an auditor cares: 5.1 a asks top management to make the objectives compatible with the
    strategic direction of the organisation. An objective with no link to a business goal is
    often an IT metric that management neither reads nor funds.

    How to fix: record the business goal each objective supports (winning customers who audit
    us, certification, protecting revenue), or drop objectives that support none.

    Grade: opportunity for improvement for each objective (6.2 asks for objectives consistent
    with the policy, not for a recorded business goal). No effect-based major.
    """
    objectives = _objectives(ctx).annotate(goal=Trim("strategic_goal")).filter(goal="")
    for objective in objectives:
        yield ctx.observe(
            Subject("Objectives", objective.ref),
            f"{_label(objective)} names no strategic or business goal it serves.",
            population=_population(ctx),
            **_where(objective),
        )


@rule(
    code="OBJ005",
    name="objective-not-monitored",
    reference="9.1",
    stage=2,
    grade=Grade.MINOR,
    title="Objective not measured at its stated frequency",
    statement="The organisation has not monitored and measured its information security "
    "objectives at the times it planned, or retained the results.",
)
def objective_not_monitored(ctx):
    """
    What it checks: every objective with a measurement frequency has a measurement on or before
    the audit date that is no older than its period plus one month of grace (a monthly
    objective must have been measured in the last 2 months, a quarterly one in the last 4).
    Objectives with no frequency are reported by OBJ002 instead.

    Why an auditor cares: 9.1 asks the organisation to monitor and measure at the times it
    planned, and to keep the results as evidence; 6.2 asks for objectives to be monitored. A
    monthly objective last measured half a year ago has been abandoned, whatever its record
    says.

    How to fix: record the missing measurements (or explain why they cannot be taken), and put
    the measurement in the owner's calendar at the stated frequency, or change the frequency
    to one that is kept.

    Grade: one instance (one objective) is minor; major when pervasive among the objectives.
    No effect-based major.
    """
    stale = Q()
    for frequency, months in FREQUENCY_MONTHS.items():
        cutoff = ctx.months_ago(months + GRACE_MONTHS)
        stale |= Q(measurement_frequency=frequency) & (
            Q(newest__isnull=True) | Q(newest__lt=cutoff)
        )
    objectives = (
        _objectives(ctx)
        .exclude(measurement_frequency="")
        .annotate(newest=Max("measurements__measured_on", filter=_measured_by(ctx)))
        .filter(stale)
    )
    for objective in objectives:
        months = FREQUENCY_MONTHS[objective.measurement_frequency]
        last = (
            f"was last measured on {objective.newest}"
            if objective.newest
            else f"has no measurement on or before {ctx.as_of}"
        )
        yield ctx.observe(
            Subject("Objectives", objective.ref),
            f"{_label(objective)} is to be measured "
            f"{objective.get_measurement_frequency_display().lower()} but {last}; one was due "
            f"after {ctx.months_ago(months + GRACE_MONTHS)}.",
            population=_population(ctx),
            **_owner(objective),
            **_where(objective),
        )


def _measured_by(ctx) -> Q:
    return Q(measurements__measured_on__lte=ctx.as_of)


@rule(
    code="OBJ006",
    name="objective-target-missed",
    reference="6.2",
    stage=2,
    grade=Grade.OFI,
    title="Objective past its due date with the target not met",
    statement="The organisation has information security objectives past their due date whose "
    "targets were not met.",
)
def objective_target_missed(ctx):
    """
    What it checks: objectives whose due date is before the audit date and whose latest
    measurement (on or before the audit date) misses the target, taking the target's direction
    into account (a minimum or a maximum).

    Why an auditor cares: 6.2 and 9.1 ask for results to be evaluated. Missing a target is not
    a nonconformity in itself, but the auditor expects to see it evaluated: the cause
    understood, the management review informed, and either action taken or the objective
    re-planned.

    How to fix: analyse why the target was missed, decide at the management review whether to
    act, extend the date or change the target, and record the decision.

    Grade: opportunity for improvement for each objective: missing a target breaches no
    requirement. No effect-based major.
    """
    latest = Measurement.objects.filter(
        objective_id=OuterRef("pk"), measured_on__lte=ctx.as_of
    ).order_by("-measured_on")
    objectives = (
        _objectives(ctx)
        .filter(due_on__lt=ctx.as_of, target__isnull=False)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
        )
        .filter(
            Q(higher_is_better=True, latest_value__lt=F("target"))
            | Q(higher_is_better=False, latest_value__gt=F("target"))
        )
    )
    for objective in objectives:
        unit = f" {objective.unit}" if objective.unit else ""
        bound = "at least" if objective.higher_is_better else "at most"
        yield ctx.observe(
            Subject("Objectives", objective.ref),
            f"{_label(objective)} was due on {objective.due_on} with a target of {bound} "
            f"{_num(objective.target)}{unit}; the latest measurement, on "
            f"{objective.latest_on}, is {_num(objective.latest_value)}{unit}.",
            population=_population(ctx),
            **_where(objective),
        )
