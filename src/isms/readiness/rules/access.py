"""Access control (5.15-5.18, 8.2, 8.5): access reviews, leavers' accounts, unowned accounts."""

import re

from django.db.models import Max, Q

from isms.core.choices import FREQUENCY_MONTHS, Level
from isms.operations.models import AccessReview, Account, System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of

#: Usernames that announce a non-personal account (service, bot, integration, break-glass).
SERVICE_ACCOUNT = re.compile(
    r"(?<![a-z])(svc|service|services|bot|robot|break-?glass|emergency|integration|automation|"
    r"scim|sync|api|daemon|system|noreply|no-reply|backup|deploy|monitor|scanner|scan)(?![a-z])",
    re.IGNORECASE,
)


def _leaver_accounts(ctx):
    """Active accounts of people whose last working day is before the audit date."""
    return (
        ctx.q(Account)
        .filter(is_active=True, person__leave_date__lt=ctx.as_of)
        .select_related("system", "person__department")
        .order_by("system__name", "username")
    )


@rule(
    code="ACC001",
    name="access-review-overdue",
    reference="A.5.18",
    stage=2,
    grade=Grade.MINOR,
    title="Access review not done at the frequency the policy requires",
)
def access_review_overdue(ctx):
    """
    What it checks: for every system with an access-review frequency, that a review was
    completed within that period before the audit date (reviews dated after the audit date are
    ignored). A system that was never reviewed fails too.

    Why an auditor cares: the access control policy sets how often user access is re-certified
    (5.18). When the records show fewer reviews than the policy promises, the auditor concludes
    the control does not operate as documented and that stale or excessive rights go unnoticed.

    How to fix: run the overdue review now (export the accounts, have the system owner confirm
    or remove each one, record the date, numbers and follow-up), and schedule the next one at
    the policy's frequency.

    Grade: minor for each system; three or more in one area escalate to a major.
    """
    systems = (
        ctx.q(System)
        .exclude(access_review_frequency="")
        .annotate(
            last_review=Max(
                "access_reviews__reviewed_on",
                filter=Q(access_reviews__reviewed_on__lte=ctx.as_of),
            )
        )
        .select_related("owner__department")
    )
    for system in systems:
        months = FREQUENCY_MONTHS[system.access_review_frequency]
        frequency = system.get_access_review_frequency_display().lower()
        if system.last_review is None:
            detail = (
                f"System {system.name}: access must be reviewed {frequency}, but no access "
                f"review is recorded on or before {ctx.as_of}."
            )
        elif system.last_review < ctx.months_ago(months):
            days = (ctx.as_of - system.last_review).days
            detail = (
                f"System {system.name}: access must be reviewed {frequency}; the last review "
                f"was on {system.last_review}, {days} days before {ctx.as_of}."
            )
        else:
            continue
        yield ctx.finding(
            Subject("Systems", system.name), detail, department=department_of(system.owner)
        )


@rule(
    code="ACC002",
    name="access-review-frequency-missing",
    reference="A.5.18",
    stage=1,
    grade=Grade.MINOR,
    title="Critical or high system with no access-review frequency",
)
def access_review_frequency_missing(ctx):
    """
    What it checks: every system rated critical or high has an access-review frequency.

    Why an auditor cares: without a frequency nobody is obliged to re-certify access to the
    systems that matter most, and the auditor has nothing to test the review records against.
    The policy usually sets a frequency by criticality; a critical system without one shows the
    policy was not applied.

    How to fix: set the frequency the access control policy requires for the system's
    criticality (e.g. quarterly for critical, half-yearly for high) and plan the first review.

    Grade: minor for each system (critical or high); lower-criticality systems are not judged.
    """
    systems = (
        ctx.q(System)
        .filter(access_review_frequency="", criticality__in=[Level.CRITICAL, Level.HIGH])
        .select_related("owner__department")
    )
    for system in systems:
        yield ctx.finding(
            Subject("Systems", system.name),
            f"System {system.name} is rated {system.get_criticality_display().lower()} but "
            "has no access-review frequency, so its access is never due for re-certification.",
            department=department_of(system.owner),
        )


@rule(
    code="ACC003",
    name="leaver-account-still-active",
    reference="A.5.18",
    stage=2,
    grade=Grade.MINOR,
    title="Leaver still holds an active account",
)
def leaver_account_still_active(ctx):
    """
    What it checks: accounts still active at the audit date that belong to a person whose last
    working day was before the audit date. One finding per account (system and username), so
    each system owner sees what to remove; the person's department is attached so that several
    in one department escalate together.

    Why an auditor cares: removing access when people leave (5.18, 6.5) is among the first
    things sampled at stage 2. A leaver who can still log in is a direct exposure and shows the
    leaver process does not reach every system.

    How to fix: disable the account now and check its use since the leave date; then find why
    the leaver process missed it (no ticket to the system owner, no HR feed, a missed review)
    and fix that cause.

    Grade: minor for an ordinary account; major when the account is privileged, because an
    administrator account of someone who has left is exactly the uncontrolled privileged access
    8.2 exists to prevent.
    """
    for account in _leaver_accounts(ctx):
        person = account.person
        privileged = account.is_privileged
        used = ""
        if account.last_used_on and person.leave_date < account.last_used_on <= ctx.as_of:
            used = f" It was last used on {account.last_used_on}, after the leave date."
        yield ctx.finding(
            Subject("Accounts", f"{account.system.name} / {account.username}"),
            f"{'Privileged account' if privileged else 'Account'} {account.username} in "
            f"{account.system.name} belongs to {person.name} ({person.email}), who left on "
            f"{person.leave_date}, and is still active on {ctx.as_of}, "
            f"{(ctx.as_of - person.leave_date).days} days later.{used}",
            grade=Grade.MAJOR if privileged else None,
            reference="A.8.2" if privileged else None,
            department=department_of(person),
        )


@rule(
    code="ACC004",
    name="active-account-without-owner",
    reference="A.5.16",
    stage=2,
    grade=Grade.OFI,
    title="Active account linked to no person",
)
def active_account_without_owner(ctx):
    """
    What it checks: active accounts that are linked to no person and whose username does not
    mark them as a service, integration, bot or break-glass account (a username with a word
    such as svc, service, bot, integration, api, scim, backup or break-glass is treated as
    non-personal and skipped).

    Why an auditor cares: identity management (5.16) needs every account to map to one
    accountable person or to a documented non-personal purpose. An anonymous account cannot be
    reviewed against a leaver list, and a shared administrator account breaks accountability
    for privileged actions (8.2, 8.5).

    How to fix: link the account to its owner, or rename and document it as a service account
    with an owning team; remove it if nobody claims it.

    Grade: opportunity for improvement for an ordinary account; minor when the account is
    privileged, since unattributable administrator rights breach 8.2.
    """
    accounts = (
        ctx.q(Account)
        .filter(is_active=True, person__isnull=True)
        .select_related("system__owner__department")
    )
    for account in accounts:
        if SERVICE_ACCOUNT.search(account.username):
            continue
        privileged = account.is_privileged
        yield ctx.finding(
            Subject("Accounts", f"{account.system.name} / {account.username}"),
            f"{'Privileged account' if privileged else 'Account'} {account.username} in "
            f"{account.system.name} is active but linked to no person, and its name does not "
            "identify it as a service account.",
            grade=Grade.MINOR if privileged else None,
            reference="A.8.2" if privileged else None,
            department=department_of(account.system.owner),
        )


@rule(
    code="ACC005",
    name="access-review-missed-leaver",
    reference="A.5.18",
    stage=2,
    grade=Grade.MINOR,
    title="Access review kept the account of someone who had left",
)
def access_review_missed_leaver(ctx):
    """
    What it checks: access reviews completed after a person left that did not remove that
    person's account: the account is still active at the audit date. One finding per system,
    on its latest such review, naming the accounts it kept.

    Why an auditor cares: a review that exists on paper but lets a leaver through is not an
    effective control. Auditors compare review dates with leave dates precisely to test whether
    the reviewer checked accounts against HR's leaver list, or just signed the export.

    How to fix: remove the accounts, then change the review procedure so the reviewer checks
    every account against the current HR leaver list (or an automated report of it) and
    records what was compared.

    Grade: minor for each system whose review missed a leaver.
    """
    missed: dict[str, list] = {}
    for account in _leaver_accounts(ctx):
        missed.setdefault(account.system_id, []).append(account)
    if not missed:
        return
    reviews = (
        ctx.q(AccessReview)
        .filter(system_id__in=missed, reviewed_on__lte=ctx.as_of)
        .select_related("system__owner__department")
        .order_by("system__name", "-reviewed_on")
    )
    reported = set()
    for review in reviews:
        if review.system_id in reported:
            continue
        kept = [a for a in missed[review.system_id] if a.person.leave_date < review.reviewed_on]
        if not kept:
            continue
        reported.add(review.system_id)
        names = ", ".join(
            f"{a.username} ({a.person.email}, left {a.person.leave_date})" for a in kept
        )
        yield ctx.finding(
            Subject("Access reviews", f"{review.system.name} / {review.reviewed_on}"),
            f"The {review.system.name} access review of {review.reviewed_on} "
            f"({review.accounts_reviewed} accounts looked at, {review.accounts_removed} "
            f"removed) kept the account of someone who had already left: {names}.",
            department=department_of(review.system.owner),
        )
