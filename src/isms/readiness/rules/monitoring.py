"""Monitoring and measurement (9.1): the metrics register and its results (MON).

A result *counts* when it is dated on or before the audit date. A metric is *overdue* when its
newest result is older than its frequency plus one month of grace (a monthly metric must have a
result in the last 2 months, a quarterly one in the last 4). A result is *analysed* when it has
an analysis date on or before the audit date or an analysis text.

These rules only judge metrics the organisation recorded: an empty metrics register says
nothing about monitoring that is recorded elsewhere (objective measurements are judged by the
objectives rules, OBJ002 and OBJ005).
"""

from django.db.models import Count, Max, Min, Q

from isms.core.choices import FREQUENCY_MONTHS
from isms.monitoring.models import Metric
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

#: Months allowed past a metric's frequency before its result is overdue.
GRACE_MONTHS = 1
#: Unanalysed results older than this are not held against the current practice.
ANALYSIS_LOOKBACK_MONTHS = 12


def _population(ctx):
    return ctx.population("metrics", ctx.q(Metric))


def _where(metric) -> dict:
    owner = metric.owner
    return {
        "owner": owner.email if owner else None,
        "department": owner.department.name if owner and owner.department_id else None,
    }


def _related(metric) -> list[Subject]:
    related = []
    if metric.objective_id:
        related.append(Subject("Objectives", metric.objective.ref))
    if metric.control_id:
        related.append(Subject("SoA", metric.control.ref))
    return related


@rule(
    code="MON001",
    name="metric-not-measured",
    reference="9.1",
    stage=2,
    grade=Grade.MINOR,
    title="Metric not measured at its stated frequency",
    statement="The organisation has not monitored and measured what it determined it would, "
    "at the times it planned, or has not retained the results.",
)
def metric_not_measured(ctx):
    """
    What it checks: every metric of the metrics register has a result on or before the audit
    date that is no older than its frequency plus one month of grace (a monthly metric needs a
    result in the last 2 months, a quarterly one in the last 4, an annual one in the last 13).

    Why an auditor cares: 9.1 asks the organisation to decide what it monitors and measures and
    when, and to keep the results as documented evidence. A metric whose results stopped months
    ago is monitoring on paper only: nobody would notice the control or process it watches
    failing.

    How to fix: take the missing measurements (or record why they could not be taken), put the
    measurement in the owner's calendar, or change the frequency to one that is kept, or retire
    the metric if it is no longer useful.

    Grade: one instance (one metric) is minor; major by extent when pervasive among the
    metrics. No effect-based major.
    """
    stale = Q()
    for frequency, months in FREQUENCY_MONTHS.items():
        stale |= Q(frequency=frequency) & (
            Q(newest__isnull=True) | Q(newest__lt=ctx.months_ago(months + GRACE_MONTHS))
        )
    metrics = (
        ctx.q(Metric)
        .annotate(newest=Max("results__measured_on", filter=Q(results__measured_on__lte=ctx.as_of)))
        .filter(stale)
        .select_related("owner__department", "objective", "control")
    )
    for metric in metrics:
        months = FREQUENCY_MONTHS[metric.frequency]
        last = (
            f"its last result is dated {metric.newest}"
            if metric.newest
            else f"it has no result on or before {ctx.as_of}"
        )
        yield ctx.observe(
            Subject("Metrics", metric.ref),
            f"{metric.ref} ({metric.measures}) is to be measured "
            f"{metric.get_frequency_display().lower()} but {last}; one was due after "
            f"{ctx.months_ago(months + GRACE_MONTHS)}.",
            population=_population(ctx),
            related=_related(metric),
            **_where(metric),
        )


@rule(
    code="MON002",
    name="metric-results-not-analysed",
    reference="9.1",
    stage=2,
    grade=Grade.MINOR,
    title="Metric results recorded but not analysed or evaluated",
    statement="The organisation has measured but has not analysed and evaluated the results "
    "of its monitoring and measurement.",
)
def metric_results_not_analysed(ctx):
    """
    What it checks: metrics with results from the last twelve months that are older than one
    period of the metric's frequency (so their analysis was due) and carry neither an analysis
    date on or before the audit date nor an analysis text. One observation per metric, counting
    its unanalysed results.

    Why an auditor cares: 9.1 asks not only for measurement but for the results to be analysed
    and evaluated, by someone decided in advance, and for the organisation to evaluate the
    performance and effectiveness of the ISMS from them. Numbers collected and never looked at
    cannot feed management review (9.3) or corrective action (10.2).

    How to fix: have the person named to analyse the metric review the results, record the date
    and the conclusion (including "no action needed"), and make the analysis part of the
    monthly or quarterly ISMS meeting.

    Grade: one instance (one metric) is minor; major by extent when pervasive among the
    metrics. No effect-based major.
    """
    lookback = ctx.months_ago(ANALYSIS_LOOKBACK_MONTHS)
    due = Q()
    for frequency, months in FREQUENCY_MONTHS.items():
        due |= Q(frequency=frequency, results__measured_on__lte=ctx.months_ago(months))
    unanalysed = (
        due
        & Q(results__measured_on__gte=lookback)
        & (Q(results__analysed_on__isnull=True) | Q(results__analysed_on__gt=ctx.as_of))
        & Q(results__analysis__regex=r"^\s*$")
    )
    metrics = (
        ctx.q(Metric)
        .annotate(
            unanalysed=Count("results", filter=unanalysed),
            first=Min("results__measured_on", filter=unanalysed),
            last=Max("results__measured_on", filter=unanalysed),
        )
        .filter(unanalysed__gt=0)
        .select_related("owner__department", "analysed_by", "objective", "control")
    )
    for metric in metrics:
        who = (
            f"; {metric.analysed_by.email} is named to analyse it"
            if metric.analysed_by_id
            else "; nobody is named to analyse it"
        )
        span = (
            f"dated {metric.first}"
            if metric.first == metric.last
            else f"dated {metric.first} to {metric.last}"
        )
        yield ctx.observe(
            Subject("Metrics", metric.ref),
            f"{metric.ref} ({metric.measures}): {metric.unanalysed} result(s) {span} have no "
            f"recorded analysis or evaluation{who}.",
            population=_population(ctx),
            related=_related(metric),
            **_where(metric),
        )
