"""Incident management (5.24-5.28) and event reporting (6.8)."""

import datetime as dt

from django.db.models import Count, F, Q

from isms.core.choices import Level
from isms.operations.models import Incident
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

#: A high or critical incident open longer than this is worth a second look. The standard sets no
#: time limit and the incident register records no target resolution time of the organisation's
#: own procedure, so INC004 is an opportunity for improvement, not a nonconformity.
OPEN_HIGH_SEVERITY_DAYS = 30
#: An event reported more than this many days after it occurred counts as reported late.
REPORTING_DELAY_DAYS = 7
LOG = Subject("Organisation", "Incident log")
SMALL_REPORTS = [Incident.Kind.EVENT, Incident.Kind.NEAR_MISS]


def _recent(ctx):
    """Records reported in the twelve months up to the audit date."""
    return ctx.q(Incident).filter(reported_on__gt=ctx.months_ago(12), reported_on__lte=ctx.as_of)


def _closed(ctx):
    return Q(closed_on__isnull=False, closed_on__lte=ctx.as_of)


def _closed_population(ctx):
    """What INC003 and INC005 draw from: incidents and breaches closed by the audit date."""
    return ctx.population(
        "closed incidents and breaches",
        ctx.q(Incident).filter(
            _closed(ctx), kind__in=[Incident.Kind.INCIDENT, Incident.Kind.DATA_BREACH]
        ),
    )


def _missing_analysis(incident) -> str:
    missing = []
    if not incident.root_cause.strip():
        missing.append("root cause")
    if not incident.lessons_learned.strip():
        missing.append("lessons learned")
    return " and no ".join(missing)


def _blank(field: str) -> Q:
    """Empty or only whitespace."""
    return Q(**{f"{field}__regex": r"^\s*$"})


@rule(
    code="INC001",
    name="incident-log-empty",
    reference="A.5.24",
    stage=2,
    grade=Grade.MINOR,
    title="No security events or incidents recorded in the last twelve months",
    statement=(
        "The organisation has not shown that information security events are reported, "
        "assessed and recorded: none was recorded in the twelve months before the audit."
    ),
)
def incident_log_empty(ctx):
    """
    What it checks: that at least one security event, near miss, incident or breach was
    reported in the twelve months before the audit date.

    Why an auditor cares: every organisation has security events (phishing reported, a lost
    phone, a blocked download). An empty log does not show a secure organisation; it shows that
    events are not being reported or recorded, so 5.24-5.26 and 6.8 cannot be shown to operate.

    How to fix: make reporting easy (one mailbox or form), remind staff how to report, and
    record events and near misses as well as incidents, with their handling.

    Grade: minor (the process may exist on paper; the records do not prove it runs); one
    instance, never major by effect.
    """
    if _recent(ctx).exists():
        return
    last = ctx.q(Incident).filter(reported_on__lte=ctx.as_of).order_by("-reported_on").first()
    since = f" The last record was reported on {last.reported_on}." if last else ""
    yield ctx.observe(
        LOG,
        f"No security event, near miss or incident was reported between "
        f"{ctx.months_ago(12)} and {ctx.as_of}.{since}",
    )


@rule(
    code="INC002",
    name="no-near-misses-or-events",
    reference="A.6.8",
    stage=2,
    grade=Grade.OFI,
    title="Incident log holds incidents but no events or near misses",
    statement=(
        "The organisation has not shown that personnel report observed or suspected information "
        "security events: its log holds only incidents and breaches."
    ),
)
def no_near_misses_or_events(ctx):
    """
    What it checks: that the records of the last twelve months include events or near misses,
    not only incidents and breaches.

    Why an auditor cares: a log that holds only incidents suggests people report only when
    something has already gone wrong. Auditors read a healthy share of near misses and events
    as a sign of a reporting culture (6.8); their absence as immature or filtered reporting.

    How to fix: encourage and record the small stuff (suspicious emails, doors left open,
    alerts that turned out harmless), and show staff that reporting them is welcome.

    Grade: opportunity for improvement; minor when every record of the period is a high or
    critical incident or breach, the pattern of a log that captures only major breaches. One
    instance, never major by effect.
    """
    counts = _recent(ctx).aggregate(
        total=Count("id"),
        small=Count("id", filter=Q(kind__in=SMALL_REPORTS)),
        high=Count("id", filter=Q(severity__in=[Level.HIGH, Level.CRITICAL])),
    )
    if not counts["total"] or counts["small"]:
        return  # an empty log is INC001's finding
    only_high = counts["high"] == counts["total"]
    yield ctx.observe(
        LOG,
        f"The {counts['total']} record(s) reported between {ctx.months_ago(12)} and "
        f"{ctx.as_of} are all incidents or breaches"
        + (", every one of high or critical severity" if only_high else "")
        + "; no event or near miss was reported.",
        grade=Grade.MINOR if only_high else None,
    )


@rule(
    code="INC003",
    name="incident-closed-without-lessons",
    reference="A.5.27",
    stage=2,
    grade=Grade.MINOR,
    title="Incident closed without root cause or lessons learned",
    statement=(
        "The organisation has not used the knowledge gained from information security incidents "
        "to find their causes and reduce the likelihood or consequences of future incidents."
    ),
)
def incident_closed_without_lessons(ctx):
    """
    What it checks: incidents (not events or near misses; personal data breaches are INC005's)
    closed on or before the audit date with no root cause or no lessons learned recorded.

    Why an auditor cares: 5.27 asks the organisation to learn from incidents so that they do not
    recur. Closing an incident without its cause and lessons is the incident-management form of
    "fixed the file": the symptom is gone, nothing changed.

    How to fix: hold a short post-incident review, record the root cause and what was changed
    (a control, a procedure, training), and link any resulting corrective action or risk.

    Grade: minor for each incident; never major by effect. This rule leads the finding on
    lessons not learned from incidents (INC005's breaches belong to it), counted among the
    incidents and breaches closed by the audit date.
    """
    incidents = (
        ctx.q(Incident)
        .filter(_closed(ctx), kind=Incident.Kind.INCIDENT)
        .filter(_blank("root_cause") | _blank("lessons_learned"))
    )
    for incident in incidents:
        yield ctx.observe(
            Subject("Incidents", incident.ref),
            f"Incident {incident.ref} ({incident.title}; {incident.severity} severity) was "
            f"closed on {incident.closed_on} with no {_missing_analysis(incident)} recorded.",
            population=_closed_population(ctx),
        )


@rule(
    code="INC004",
    name="high-severity-incident-open-too-long",
    reference="A.5.26",
    stage=2,
    grade=Grade.OFI,
    title="High-severity incident still open after 30 days",
    statement=(
        "The organisation could set and follow time frames for responding to and closing "
        "incidents of high severity."
    ),
    version=2,
)
def high_severity_incident_open_too_long(ctx):
    """
    What it checks: incidents and breaches of high or critical severity that were reported more
    than 30 days before the audit date and are still open at that date.

    Why an auditor cares: 5.26 expects incidents to be responded to according to documented
    procedures. The standard sets no time limit, and the incident register records no target
    resolution time from the organisation's own procedure to judge against; still, a serious
    incident open for over a month suggests containment or analysis has stalled, or the log is
    not maintained, and an auditor will ask about it.

    How to fix: close the incident with its root cause and lessons, or record why it is still
    open, who owns it and the date it will close; consider setting target times by severity in
    the incident procedure.

    Grade: opportunity for improvement for each incident (no requirement sets the 30 days);
    never major.
    """
    incidents = (
        ctx.q(Incident)
        .filter(
            severity__in=[Level.HIGH, Level.CRITICAL],
            kind__in=[Incident.Kind.INCIDENT, Incident.Kind.DATA_BREACH],
            reported_on__lt=ctx.days_ago(OPEN_HIGH_SEVERITY_DAYS),
        )
        .exclude(_closed(ctx))
    )
    for incident in incidents:
        yield ctx.observe(
            Subject("Incidents", incident.ref),
            f"{incident.get_kind_display()} {incident.ref} ({incident.title}; "
            f"{incident.severity} severity) was reported on {incident.reported_on} and is still "
            f"open on {ctx.as_of}, {(ctx.as_of - incident.reported_on).days} days later.",
            population=ctx.population(
                "open high-severity incidents and breaches",
                ctx.q(Incident)
                .filter(
                    severity__in=[Level.HIGH, Level.CRITICAL],
                    kind__in=[Incident.Kind.INCIDENT, Incident.Kind.DATA_BREACH],
                    reported_on__lte=ctx.as_of,
                )
                .exclude(_closed(ctx)),
            ),
        )


@rule(
    code="INC005",
    name="data-breach-without-lessons",
    reference="A.5.27",
    stage=2,
    grade=Grade.MINOR,
    title="Personal data breach closed without root cause or lessons learned",
    statement=(
        "The organisation has not used the knowledge gained from information security incidents "
        "to find their causes and reduce the likelihood or consequences of future incidents."
    ),
    issue="INC003",
    version=2,
)
def data_breach_without_lessons(ctx):
    """
    What it checks: personal data breaches closed on or before the audit date with no root cause
    or no lessons learned recorded.

    Why an auditor cares: learning from a personal data breach is learning from an incident
    (5.27); the breach also touches the protection of personal data (5.34). Auditors, and
    regulators, expect the analysis to show why it happened and what changed so that the same
    data does not leak the same way again.

    How to fix: complete the post-breach review with the data protection officer: record the
    cause, the decision on notifying the regulator and the people affected, and the changes
    made.

    Grade: minor for each breach; never major by effect. Part of the INC003 finding (lessons not
    learned from incidents), cited as 5.27.
    """
    breaches = (
        ctx.q(Incident)
        .filter(_closed(ctx), kind=Incident.Kind.DATA_BREACH)
        .filter(_blank("root_cause") | _blank("lessons_learned"))
    )
    for breach in breaches:
        yield ctx.observe(
            Subject("Incidents", breach.ref),
            f"Personal data breach {breach.ref} ({breach.title}) was closed on "
            f"{breach.closed_on} with no {_missing_analysis(breach)} recorded.",
            population=_closed_population(ctx),
        )


@rule(
    code="INC006",
    name="event-reported-late",
    reference="A.6.8",
    stage=2,
    grade=Grade.OFI,
    title="Security event reported more than a week after it happened",
    statement=(
        "The organisation could help personnel report information security events as soon as "
        "they are observed."
    ),
)
def event_reported_late(ctx):
    """
    What it checks: records of the last twelve months reported more than seven days after the
    date they occurred.

    Why an auditor cares: 6.8 asks for events to be reported in a timely manner through
    appropriate channels. A long gap between occurrence and report shows people did not know
    how, or did not think it worth it, to report at once, and it delays containment.

    How to fix: find out why each report was late (not noticed, unsure what counts, unsure how
    to report), and address it in awareness material and the reporting procedure.

    Grade: opportunity for improvement for each late report; never major.
    """
    late = _recent(ctx).filter(
        occurred_on__isnull=False,
        reported_on__gt=F("occurred_on") + dt.timedelta(days=REPORTING_DELAY_DAYS),
    )
    for incident in late:
        yield ctx.observe(
            Subject("Incidents", incident.ref),
            f"{incident.get_kind_display()} {incident.ref} ({incident.title}) occurred on "
            f"{incident.occurred_on} but was reported on {incident.reported_on}, "
            f"{(incident.reported_on - incident.occurred_on).days} days later.",
            population=ctx.population("records of the last twelve months", _recent(ctx)),
        )
