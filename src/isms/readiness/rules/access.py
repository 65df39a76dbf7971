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


def _systems(ctx):
    """The population of the access-review finding: every system in the register."""
    return ctx.population("systems", ctx.q(System))


def _leaver_population(ctx):
    """Every account (active or not) of a person whose last working day is before the audit
    date: what the leaver accounts still active are drawn from."""
    return ctx.population(
        "accounts of people who left",
        ctx.q(Account).filter(person__leave_date__lt=ctx.as_of),
    )


def _account_subject(account) -> Subject:
    """The key ACC003 and ACC005 share, so that both angles on one account merge."""
    return Subject("Accounts", f"{account.system.name} / {account.username}")


def _leaver_accounts(ctx):
    """Active accounts of people whose last working day is before the audit date."""
    return (
        ctx.q(Account)
        .filter(is_active=True, person__leave_date__lt=ctx.as_of)
        .select_related("system__owner", "person__department")
        .order_by("system__name", "username")
    )


@rule(
    code="ACC001",
    name="access-review-overdue",
    reference="A.5.18",
    stage=2,
    grade=Grade.MINOR,
    title="Access review not done at the frequency the policy requires",
    statement=(
        "The organisation has not reviewed users' access rights at the intervals its own access "
        "control rules require."
    ),
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

    Grade: minor for each system (a lapse of a review process that exists). No instance is
    major by effect; the finding becomes major only when the lapse is pervasive across the
    systems. ACC002 (no frequency set) belongs to the same finding.
    """
    population = _systems(ctx)
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
        yield ctx.observe(
            Subject("Systems", system.name),
            detail,
            population=population,
            department=department_of(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="ACC002",
    name="access-review-frequency-missing",
    reference="A.5.18",
    stage=1,
    grade=Grade.MINOR,
    title="Critical or high system with no access-review frequency",
    statement=(
        "The organisation has not reviewed users' access rights at the intervals its own access "
        "control rules require."
    ),
    issue="ACC001",
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
    Never major by effect. Part of the ACC001 finding (access not reviewed as the
    organisation's rules require).
    """
    systems = (
        ctx.q(System)
        .filter(access_review_frequency="", criticality__in=[Level.CRITICAL, Level.HIGH])
        .select_related("owner__department")
    )
    for system in systems:
        yield ctx.observe(
            Subject("Systems", system.name),
            f"System {system.name} is rated {system.get_criticality_display().lower()} but "
            "has no access-review frequency, so its access is never due for re-certification.",
            population=_systems(ctx),
            department=department_of(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="ACC003",
    name="leaver-account-still-active",
    reference="A.5.18",
    stage=2,
    grade=Grade.MINOR,
    title="Leaver still holds an active account",
    statement=(
        "The organisation has not removed the access rights of people who left when their "
        "employment or contract ended."
    ),
    version=2,
)
def leaver_account_still_active(ctx):
    """
    What it checks: accounts still active at the audit date that belong to a person whose last
    working day was before the audit date. One observation per account (system and username),
    drawn from every account of people who left; each also concerns the person, so that it
    joins the finding about that leaver's other loose ends.

    Why an auditor cares: removing access rights when people leave (5.18, with the return of
    assets under 5.11) is among the first things sampled at stage 2. A leaver who can still log
    in is an exposure and shows the leaver process does not reach every system.

    How to fix: disable the account now and check its use since the leave date; then find why
    the leaver process missed it (no ticket to the system owner, no HR feed, a missed review)
    and fix that cause.

    Grade: minor for each account, privileged or not: an active account is a lapse of the
    leaver process. An instance is major by effect when the account was used after its holder
    left (last used after the leave date, on or before the audit date): someone who no longer
    works for the organisation, or someone using their credentials, reached its information.
    """
    for account in _leaver_accounts(ctx):
        person = account.person
        kind = "Privileged account" if account.is_privileged else "Account"
        effect = ""
        if account.last_used_on and person.leave_date < account.last_used_on <= ctx.as_of:
            days = (account.last_used_on - person.leave_date).days
            effect = (
                f"{kind.lower()} {account.username} in {account.system.name} was last used on "
                f"{account.last_used_on}, {days} days after its holder left on "
                f"{person.leave_date}"
            )
        used = f" It was last used on {account.last_used_on}." if account.last_used_on else ""
        yield ctx.observe(
            _account_subject(account),
            f"{kind} {account.username} in {account.system.name} belongs to {person.name} "
            f"({person.email}), who left on {person.leave_date}, and is still active on "
            f"{ctx.as_of}, {(ctx.as_of - person.leave_date).days} days later.{used}",
            population=_leaver_population(ctx),
            related=[Subject("People", person.email)],
            effect=effect,
            department=department_of(person),
            owner=account.system.owner.email if account.system.owner else None,
        )


@rule(
    code="ACC004",
    name="active-account-without-owner",
    reference="A.5.16",
    stage=2,
    grade=Grade.OFI,
    title="Active account linked to no person",
    statement=(
        "The organisation has not linked every personal account to the person accountable for it."
    ),
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

    Grade: opportunity for improvement for an ordinary account; minor (citing 8.2) when the
    account is privileged, since unattributable administrator rights breach 8.2. Never major by
    effect.
    """
    population = ctx.population("active accounts", ctx.q(Account).filter(is_active=True))
    accounts = (
        ctx.q(Account)
        .filter(is_active=True, person__isnull=True)
        .select_related("system__owner__department")
    )
    for account in accounts:
        if SERVICE_ACCOUNT.search(account.username):
            continue
        privileged = account.is_privileged
        yield ctx.observe(
            Subject("Accounts", f"{account.system.name} / {account.username}"),
            f"{'Privileged account' if privileged else 'Account'} {account.username} in "
            f"{account.system.name} is active but linked to no person, and its name does not "
            "identify it as a service account.",
            population=population,
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
    statement=(
        "The organisation has not ensured that its reviews of access rights remove the accounts "
        "of people who left."
    ),
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

    Grade: minor for each system whose review missed a leaver; never major by effect (the use
    of the account after leaving is judged on ACC003's observation of the same account). Each
    observation also concerns the accounts it kept, under the key ACC003 uses, so the review and
    the account it missed are one finding.
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
    population = ctx.population(
        "systems with an access review",
        ctx.q(System).filter(access_reviews__reviewed_on__lte=ctx.as_of).distinct(),
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
        yield ctx.observe(
            Subject("Access reviews", f"{review.system.name} / {review.reviewed_on}"),
            f"The {review.system.name} access review of {review.reviewed_on} "
            f"({review.accounts_reviewed} accounts looked at, {review.accounts_removed} "
            f"removed) kept the account of someone who had already left: {names}.",
            population=population,
            related=[_account_subject(a) for a in kept],
            department=department_of(review.system.owner),
            owner=review.system.owner.email if review.system.owner else None,
        )
