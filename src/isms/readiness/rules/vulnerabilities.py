"""Management of technical vulnerabilities (8.8): remediation deadlines, scan coverage, SLAs."""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, Max, OuterRef, Q

from isms.core.choices import Level
from isms.operations.models import System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of
from isms.technology.models import RemediationTarget, Vulnerability, VulnerabilityScan

#: Every critical or high system is expected to be scanned at least this often.
SCAN_WINDOW_MONTHS = 12

SERIOUS = (Level.CRITICAL, Level.HIGH)


def _in_use(ctx) -> bool:
    """The organisation records vulnerability management (a scan or a vulnerability): only then
    are VUL001 and VUL002 judged, so an organisation that has not started using these registers
    is not told that every system is unscanned."""

    def compute() -> bool:
        return ctx.q(VulnerabilityScan).exists() or ctx.q(Vulnerability).exists()

    return ctx.cached("vulnerability-management-in-use", compute)


def _accepted(ctx) -> Q:
    """A risk acceptance in force at the audit date."""
    return Q(risk_accepted_by__isnull=False) & (
        Q(risk_accepted_until__isnull=True) | Q(risk_accepted_until__gte=ctx.as_of)
    )


@rule(
    code="VUL001",
    name="vulnerability-past-remediation-target",
    reference="A.8.8",
    stage=2,
    grade=Grade.MINOR,
    title="Critical or high vulnerability open past its remediation deadline",
    statement=(
        "The organisation has not remediated critical and high technical vulnerabilities within "
        "the time its own vulnerability management rules allow, nor accepted the risk of "
        "leaving them open."
    ),
)
def vulnerability_past_target(ctx):
    """
    What it checks: critical and high vulnerabilities still open at the audit date (no fix
    date, or fixed after the audit date) whose remediation deadline (found on, plus the days the
    remediation target of their severity allows) has passed, and whose risk is not accepted at
    the audit date (an acceptance with no expiry or one expiring on or after the audit date
    counts). Vulnerabilities of a severity with no target in days are not judged here (VUL003).
    Each observation mentions, as context, how many critical or high vulnerabilities of the
    same system were fixed late in the twelve months before the audit date.

    Why an auditor cares: 8.8 expects vulnerabilities to be assessed and fixed in a time that
    matches their risk, and the organisation's own policy sets that time. A critical flaw left
    open past the deadline, with nobody accepting the risk, shows the process stops at the scan
    report.

    How to fix: patch or mitigate the vulnerability now, or have the risk owner accept the
    risk formally with an expiry date and compensating controls; then find why the deadline
    was missed (no ticket, no owner, no maintenance window) and fix that cause.

    Grade: minor, one instance per vulnerability, drawn from the critical and high
    vulnerabilities found in the twelve months before the audit date or still open at it. Never
    major by effect: the finding becomes major only by extent, when most of them are overdue.
    """
    if not _in_use(ctx):
        return
    targets = dict(
        ctx.q(RemediationTarget)
        .filter(severity__in=SERIOUS, days_allowed__isnull=False)
        .values_list("severity", "days_allowed")
    )
    if not targets:
        return
    overdue = reduce(
        or_, (Q(severity=s, found_on__lt=ctx.days_ago(days)) for s, days in targets.items())
    )
    open_at_audit = Q(fixed_on__isnull=True) | Q(fixed_on__gt=ctx.as_of)
    vulnerabilities = (
        ctx.q(Vulnerability)
        .filter(overdue, open_at_audit, found_on__lte=ctx.as_of)
        .exclude(_accepted(ctx))
        .select_related("system__owner__department")
        .order_by("system__name", "ref")
    )
    rows = list(vulnerabilities)
    if not rows:
        return
    window = ctx.months_ago(12)
    late: dict[str, int] = {}
    fixed = (
        ctx.q(Vulnerability)
        .filter(severity__in=list(targets), fixed_on__gt=window, fixed_on__lte=ctx.as_of)
        .values_list("system__name", "severity", "found_on", "fixed_on")
    )
    for name, severity, found_on, fixed_on in fixed:
        if fixed_on > found_on + dt.timedelta(days=targets[severity]):
            late[name] = late.get(name, 0) + 1
    population = ctx.population(
        "critical and high vulnerabilities",
        ctx.q(Vulnerability).filter(
            Q(found_on__gt=window) | open_at_audit, severity__in=SERIOUS, found_on__lte=ctx.as_of
        ),
    )
    for vulnerability in rows:
        system = vulnerability.system
        days = targets[vulnerability.severity]
        due = vulnerability.found_on + dt.timedelta(days=days)
        context = ""
        if late.get(system.name):
            n = late[system.name]
            context = (
                f" In the last twelve months {n} other critical or high "
                f"vulnerabilit{'ies' if n > 1 else 'y'} on {system.name} "
                f"{'were' if n > 1 else 'was'} fixed after the deadline."
            )
        expired = ""
        if vulnerability.risk_accepted_by_id and vulnerability.risk_accepted_until:
            expired = f" Its risk acceptance expired on {vulnerability.risk_accepted_until}."
        what = f" ({vulnerability.description})" if vulnerability.description.strip() else ""
        yield ctx.observe(
            Subject("Vulnerabilities", f"{vulnerability.ref} / {system.name}"),
            f"{vulnerability.get_severity_display()} vulnerability {vulnerability.ref} on "
            f"{system.name}{what}: found on {vulnerability.found_on}, the {days}-day target "
            f"made it due by {due}, and it is still open on {ctx.as_of}, "
            f"{(ctx.as_of - due).days} days late, with no risk acceptance in force."
            f"{expired}{context}",
            population=population,
            related=[Subject("Systems", system.name)],
            department=department_of(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="VUL002",
    name="system-not-scanned",
    reference="A.8.8",
    stage=2,
    grade=Grade.MINOR,
    title="Critical or high system not scanned for vulnerabilities in twelve months",
    statement=(
        "The organisation has not obtained information about the technical vulnerabilities of "
        "all of its most important systems."
    ),
)
def system_not_scanned(ctx):
    """
    What it checks: systems rated critical or high with no vulnerability scan completed in the
    twelve months before the audit date (scans dated after it are ignored). Judged only when
    the organisation records at least one scan or vulnerability.

    Why an auditor cares: 8.8 starts with knowing which vulnerabilities exist. A critical
    system that no scan covers is where unknown, unpatched flaws sit, and it usually means the
    scanner's target list was not updated when the system was added.

    How to fix: add the system to the scanner's scope (or, for a service you cannot scan,
    obtain the provider's evidence of vulnerability management), run the scan, record it and
    treat what it finds.

    Grade: minor for each system; never major by effect. Major only by extent, when most of
    the critical and high systems are unscanned.
    """
    if not _in_use(ctx):
        return
    recent = ctx.q(VulnerabilityScan).filter(
        system=OuterRef("pk"),
        scanned_on__gt=ctx.months_ago(SCAN_WINDOW_MONTHS),
        scanned_on__lte=ctx.as_of,
    )
    serious = ctx.q(System).filter(criticality__in=SERIOUS)
    systems = (
        serious.exclude(Exists(recent))
        .annotate(last_scan=Max("scans__scanned_on", filter=Q(scans__scanned_on__lte=ctx.as_of)))
        .select_related("owner__department")
    )
    for system in systems:
        last = (
            f"the last scan was on {system.last_scan}"
            if system.last_scan
            else "no scan of it has ever been recorded"
        )
        yield ctx.observe(
            Subject("Systems", system.name),
            f"System {system.name} is rated {system.get_criticality_display().lower()}, but no "
            f"vulnerability scan is recorded between {ctx.months_ago(SCAN_WINDOW_MONTHS)} and "
            f"{ctx.as_of}: {last}.",
            population=ctx.population("critical and high systems", serious),
            department=department_of(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="VUL003",
    name="remediation-target-missing",
    reference="A.8.8",
    stage=1,
    grade=Grade.OFI,
    title="Vulnerabilities recorded at a severity with no remediation deadline",
    statement=(
        "The organisation could set, for every severity of vulnerability it records, how many "
        "days it allows for the fix."
    ),
)
def remediation_target_missing(ctx):
    """
    What it checks: severities (critical, high, medium, low) at which vulnerabilities are
    recorded but for which the remediation targets set no number of days (no row, or a row
    with the days left empty). One observation per severity.

    Why an auditor cares: without a deadline nobody can tell whether a vulnerability was fixed
    in time, so the vulnerability process cannot be measured, and the auditor has no criterion
    to sample the records against.

    How to fix: set, in the vulnerability management policy, the days allowed for each
    severity (e.g. 14 for critical, 30 for high, 90 for medium, 180 for low), and record them.

    Grade: opportunity for improvement; never major.
    """
    with_days = set(
        ctx.q(RemediationTarget)
        .filter(days_allowed__isnull=False)
        .values_list("severity", flat=True)
    )
    counts = (
        ctx.q(Vulnerability)
        .exclude(severity__in=with_days)
        .values("severity")
        .annotate(n=Count("pk"))
        .order_by("severity")
    )
    labels = dict(Level.choices)
    for row in counts:
        severity = row["severity"]
        yield ctx.observe(
            Subject("Remediation targets", severity),
            f"{row['n']} {labels.get(severity, severity).lower()} vulnerabilit"
            f"{'ies are' if row['n'] > 1 else 'y is'} recorded, but no remediation target "
            f"sets how many days a {labels.get(severity, severity).lower()} vulnerability may "
            "stay open.",
            population=ctx.population("severities", len(Level.choices)),
        )
