"""Logging (8.15) and monitoring activities (8.16): log coverage and alert review."""

from django.db.models import Exists, OuterRef

from isms.core.choices import Level
from isms.operations.models import System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of
from isms.technology.models import REVIEW_DAYS, LogSource


@rule(
    code="LOG001",
    name="system-not-logged",
    reference="A.8.15",
    stage=2,
    grade=Grade.MINOR,
    title="Critical or high system whose security events are not logged",
    statement=(
        "The organisation has not produced and kept logs of the activities and security "
        "events of all of its most important systems."
    ),
)
def system_not_logged(ctx):
    """
    What it checks: systems rated critical or high with no entry in the log sources register
    (nothing says where their events are logged). Judged only when the organisation records at
    least one log source.

    Why an auditor cares: 8.15 asks for logs of user activity, exceptions and security events
    to be produced, kept and protected. A critical system outside logging is where an
    intrusion or a misuse would leave no trace, and where an incident could not be
    investigated.

    How to fix: connect the system's audit log to the central log platform (or record where
    its own log is kept and for how long), decide which events it must log, and add it to the
    log sources register and to the alert review.

    Grade: minor for each system; never major by effect. Major only by extent, when most of
    the critical and high systems are outside logging.
    """
    if not ctx.q(LogSource).exists():
        return
    serious = ctx.q(System).filter(criticality__in=[Level.CRITICAL, Level.HIGH])
    logged = ctx.q(LogSource).filter(system=OuterRef("pk"))
    for system in serious.exclude(Exists(logged)).select_related("owner__department"):
        yield ctx.observe(
            Subject("Systems", system.name),
            f"System {system.name} is rated {system.get_criticality_display().lower()}, but no "
            "log source is recorded for it: nothing shows its security events are logged or "
            "kept.",
            population=ctx.population("critical and high systems", serious),
            department=department_of(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="LOG002",
    name="log-alerts-not-reviewed",
    reference="A.8.16",
    stage=2,
    grade=Grade.MINOR,
    title="Alerts from a log source not reviewed, or not at the frequency set",
    statement=(
        "The organisation has not monitored its systems for anomalous behaviour by reviewing "
        "the alerts its logs raise, as its own procedure sets."
    ),
)
def log_alerts_not_reviewed(ctx):
    """
    What it checks: log sources whose alerts nobody reviews (alerts reviewed: no), and log
    sources reviewed at a set frequency (daily, weekly, monthly, quarterly) whose last alert
    review, on or before the audit date, is older than that frequency allows (4, 10, 35 or 100
    days, a little slack for weekends and holidays) or was never recorded. A review dated after
    the audit date proves nothing either way and is not judged.

    Why an auditor cares: 8.16 expects networks, systems and applications to be monitored
    and anomalies acted on. Logs that are collected but whose alerts no one looks at detect
    nothing; the auditor samples the alert queue and the review records.

    How to fix: assign a reviewer and a frequency to every log source, review the backlog of
    alerts now, and keep a record (a ticket or a sign-off) of each review.

    Grade: minor for each log source; never major by effect. Major only by extent, when most
    log sources go unreviewed.
    """
    sources = list(ctx.q(LogSource).select_related("system__owner__department", "reviewer"))
    if not sources:
        return
    population = ctx.population("log sources", len(sources))
    for source in sources:
        last = source.last_alert_review_on
        if not source.alerts_reviewed:
            detail = (
                f"The alerts from {source.system.name}'s logs in {source.destination} are not "
                "reviewed by anyone."
            )
        elif not source.alert_review_frequency or (last and last > ctx.as_of):
            continue
        elif last is None:
            detail = (
                f"The alerts from {source.system.name}'s logs in {source.destination} must be "
                f"reviewed {source.get_alert_review_frequency_display().lower()}, but no review "
                "is recorded."
            )
        elif (ctx.as_of - last).days > REVIEW_DAYS[source.alert_review_frequency]:
            detail = (
                f"The alerts from {source.system.name}'s logs in {source.destination} must be "
                f"reviewed {source.get_alert_review_frequency_display().lower()}; the last "
                f"review was on {last}, {(ctx.as_of - last).days} days before {ctx.as_of}."
            )
        else:
            continue
        owner = source.reviewer or source.system.owner
        yield ctx.observe(
            Subject("Log sources", f"{source.system.name} / {source.destination}"),
            detail,
            population=population,
            related=[Subject("Systems", source.system.name)],
            department=department_of(owner),
            owner=owner.email if owner else None,
        )
