"""Secure development (8.25 secure development life cycle, 8.28 secure coding, 8.29 security
testing, 8.31 separation of environments)."""

from django.db.models import Q

from isms.development.models import DevelopmentSystem, Release
from isms.documents.models import Document
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

#: Releases are judged over this many months before the audit date.
RELEASE_WINDOW_MONTHS = 12


def _department(person) -> str | None:
    return person.department.name if person and person.department else None


def _recent_releases(ctx):
    return ctx.q(Release).filter(
        released_on__gt=ctx.months_ago(RELEASE_WINDOW_MONTHS), released_on__lte=ctx.as_of
    )


@rule(
    code="DEV001",
    name="release-without-review-or-testing",
    reference="A.8.29",
    stage=2,
    grade=Grade.MINOR,
    title="Release shipped without code review or security testing",
    statement=(
        "The organisation has released software without the code review and security testing "
        "its secure development process requires."
    ),
)
def release_without_review_or_testing(ctx):
    """
    What it checks: releases in the twelve months before the audit date shipped without code
    review or without security testing. Each release is reported against the most specific
    control: 8.29 when only security testing is missing, 8.28 when only code review is missing,
    8.25 when both are (the life cycle was bypassed).

    Why an auditor cares: 8.28 expects code to be reviewed and 8.29 security testing before a
    release is accepted; auditors sample releases and ask for the review and the scan or test
    report. A release with neither shows the secure development life cycle (8.25) can be
    skipped.

    How to fix: review and test the release retrospectively, record the results, and make the
    review and the security tests mandatory gates in the release pipeline.

    Grade: minor for each release; never major by effect. Counted among the releases of the
    last twelve months.
    """
    releases = (
        _recent_releases(ctx)
        .filter(Q(code_reviewed=False) | Q(security_tested=False))
        .select_related("system", "approved_by__department")
    )
    population = None
    for release in releases:
        population = population or ctx.population(
            "releases in the last twelve months", _recent_releases(ctx)
        )
        if not release.code_reviewed and not release.security_tested:
            reference, missing = "A.8.25", "neither code review nor security testing"
        elif not release.code_reviewed:
            reference, missing = "A.8.28", "no code review"
        else:
            reference, missing = "A.8.29", "no security testing"
        approver = release.approved_by
        approved = f", approved by {approver.email}" if approver else ""
        yield ctx.observe(
            Subject("Releases", f"{release.system.name} / {release.version}"),
            f"{release.system.name} {release.version} was released on {release.released_on}"
            f"{approved} with {missing} recorded.",
            reference=reference,
            population=population,
            department=_department(approver),
        )


@rule(
    code="DEV002",
    name="environments-not-separated",
    reference="A.8.31",
    stage=2,
    grade=Grade.MINOR,
    title="Production not separated from development and test",
    statement=(
        "The organisation has not separated the development, test and production environments "
        "of software it develops."
    ),
)
def environments_not_separated(ctx):
    """
    What it checks: systems in the development systems register recorded as not having separate
    development, test and production environments.

    Why an auditor cares: 8.31 asks for the environments to be separated and secured, so that
    untested changes and developers' access cannot reach production data and services.

    How to fix: give production its own environment (account, subscription or cluster) with its
    own access, and promote changes to it only through the release process.

    Grade: minor for each system; never major by effect.
    """
    for item in (
        ctx.q(DevelopmentSystem)
        .filter(separate_environments=False)
        .select_related("system__owner__department")
    ):
        owner = item.system.owner
        notes = f" ({item.notes.strip()})" if item.notes.strip() else ""
        yield ctx.observe(
            Subject("Development systems", item.system.name),
            f"{item.system.name}: development, test and production are not separate "
            f"environments{notes}.",
            population=ctx.population("development systems", ctx.q(DevelopmentSystem)),
            department=_department(owner),
            owner=owner.email if owner else None,
        )


@rule(
    code="DEV003",
    name="secure-development-policy-missing",
    reference="A.8.25",
    stage=1,
    grade=Grade.MINOR,
    title="No secure development policy although software is released",
    statement=(
        "The organisation develops and releases software but has not set rules for its secure "
        "development."
    ),
)
def secure_development_policy_missing(ctx):
    """
    What it checks: an organisation with releases in the twelve months before the audit date
    and no policy (topic-specific or overall) in the documents register linked to control 8.25.

    Why an auditor cares: 8.25 asks for rules for the secure development of software; without a
    policy the reviews and tests of individual releases have no agreed standard to meet.

    How to fix: write and approve a secure development policy (life cycle, coding standards,
    review, security testing, environments, release approval) and link it to 8.25.

    Grade: minor, one instance; never major by effect (the releases themselves are judged by
    DEV001).
    """
    if not _recent_releases(ctx).exists():
        return
    policy = ctx.q(Document).filter(
        kind__in=[Document.Kind.TOPIC_POLICY, Document.Kind.POLICY], controls__ref="8.25"
    )
    if policy.exists():
        return
    count = _recent_releases(ctx).count()
    yield ctx.observe(
        Subject("Documents", "Secure development policy"),
        f"{count} release(s) in the last twelve months, but no policy in the documents "
        "register covers control 8.25.",
    )
