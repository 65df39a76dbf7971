"""Management review (9.3) and top management's part in it (5.1, 7.1): reviews held, complete
inputs, decisions, resources and top management's part, and a review after the internal audit
(F10, F23). Inputs, decisions, resources and top management's part are judged across the review
cycle (the reviews of the 12 months up to the audit date), not meeting by meeting: the standard
requires them of the management review, not of every session.

*Top management* (who may sign a review) is defined once in
:mod:`isms.leadership.top_management`, the definition ``isms review sign`` enforces: on the date
of signature, the holder of the ``top_management_sponsor`` role in the ISMS roles register
(assigned by then, not ended and not left), a user whose active membership of the organisation
is marked ``is_top_management`` (matched to the person by email), or a head of department
(Departments.manager) whose line manager is that sponsor: the executive team; in each case
still with the organisation on that date.
"""

import datetime as dt

from isms.audits.models import ExternalAudit, ManagementReview
from isms.leadership.models import ResourceAllocation
from isms.leadership.top_management import is_top_management, top_management_on
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.internal_audit import (
    PROGRAMME_MONTHS,
    completed_audits,
    is_blank,
)

#: Days around a review in which an approved resource allocation counts as its decision.
RESOURCE_DAYS_BEFORE = 14
RESOURCE_DAYS_AFTER = 30


def held_reviews(ctx):
    """Management reviews held on or before the audit date, newest first."""
    return ctx.q(ManagementReview).filter(held_on__lte=ctx.as_of).order_by("-held_on", "-ref")


def recent_reviews(ctx):
    """Reviews of the certification cycle: held in the 36 months up to the audit date."""
    return (
        held_reviews(ctx)
        .filter(held_on__gt=ctx.months_ago(PROGRAMME_MONTHS))
        .order_by("held_on", "ref")
    )


#: Months of the review cycle: inputs, decisions and resources are judged across the reviews held
#: in this period up to the audit date, not review by review.
CYCLE_MONTHS = 12


def _cycle(ctx) -> list:
    """The reviews of the review cycle: held in the 12 months up to the audit date, oldest
    first."""
    return list(
        held_reviews(ctx)
        .filter(held_on__gt=ctx.months_ago(CYCLE_MONTHS))
        .select_related("chair", "signed_by")
        .prefetch_related("attendees")
        .order_by("held_on", "ref")
    )


def _cycle_text(ctx, cycle) -> str:
    refs = ", ".join(f"{r.ref} ({r.held_on})" for r in cycle)
    return (
        f"The {len(cycle)} management review(s) held between {ctx.months_ago(CYCLE_MONTHS)} and "
        f"{ctx.as_of} ({refs})"
    )


def _input_label(field: str) -> str:
    return ManagementReview._meta.get_field(field).help_text.rstrip(".")


@rule(
    code="MRV001",
    name="no-recent-management-review",
    reference="9.3",
    stage=1,
    grade=Grade.MAJOR,
    title="No management review in the last 12 months",
    statement=(
        "The organisation's top management has not reviewed the ISMS at planned intervals: no "
        "management review was held in the twelve months before the audit."
    ),
)
def no_recent_management_review(ctx):
    """
    What it checks: that top management held at least one management review in the 12 months
    up to the audit date.

    Why an auditor cares: 9.3 requires top management to review the ISMS at planned intervals,
    and a certification body expects a review before stage 2 and every year after. Without one,
    there is no evidence that top management directs the ISMS.

    How to fix: hold a management review covering all the required inputs, record its decisions,
    actions and resources, have it signed by top management, and schedule the next one.

    Grade: major, one instance: the required process is absent (no review was ever held) or
    has stopped (the last one is more than a year old).
    """
    last = held_reviews(ctx).first()
    if last is not None and last.held_on >= ctx.months_ago(12):
        return
    if last is None:
        detail = f"No management review had been held by {ctx.as_of}."
    else:
        days = (ctx.as_of - last.held_on).days
        detail = (
            f"The last management review, {last.ref}, was held on {last.held_on}, {days} days "
            f"before {ctx.as_of}; none was held in the 12 months before the audit date."
        )
    yield ctx.observe(Subject("Management reviews", "Management review"), detail)


@rule(
    code="MRV002",
    name="management-review-inputs-missing",
    reference="9.3.2",
    stage=1,
    grade=Grade.MINOR,
    title="Management reviews of the cycle did not cover all required inputs",
    statement=(
        "The organisation has not considered all the inputs the standard requires in the "
        "management reviews of the review cycle."
    ),
    version=2,
)
def management_review_inputs_missing(ctx):
    """
    What it checks: across the management reviews of the review cycle (held in the 12 months
    up to the audit date), that each of the ten inputs the standard lists was considered by at
    least one of them: previous actions, changes in issues, changes in interested parties'
    needs, nonconformities, monitoring results, audit results, objectives, interested parties'
    feedback, risk assessment and treatment, and improvement opportunities. An input covered at
    one review of the cycle and not at another is not judged: the standard does not require
    every input at every meeting. One observation, on the latest review of the cycle.

    Why an auditor cares: auditors read the review minutes against the list of inputs. An input
    that no review of the year considered (often interested-party feedback or the status of
    previous actions) means top management decided without the whole picture.

    How to fix: add the missing inputs to the review agenda and template, cover them at the next
    review, and record in the minutes what was presented for each.

    Grade: minor; major when the reviews of the cycle covered none of the inputs at all (they
    were meetings, not management reviews: the review is absent in substance). Never major by
    effect. No observation without a review in the cycle (MRV001 reports it).
    """
    cycle = _cycle(ctx)
    if not cycle:
        return
    fields = ManagementReview.INPUT_FIELDS
    missing = [field for field in fields if not any(getattr(r, field) for r in cycle)]
    if not missing:
        return
    latest = cycle[-1]
    labels = "; ".join(_input_label(field) for field in missing)
    yield ctx.observe(
        Subject("Management reviews", latest.ref),
        f"{_cycle_text(ctx, cycle)} together did not cover {len(missing)} of the {len(fields)} "
        f"required inputs: {labels}.",
        grade=Grade.MAJOR if len(missing) == len(fields) else None,
    )


@rule(
    code="MRV003",
    name="management-review-without-decisions",
    reference="9.3.3",
    stage=2,
    grade=Grade.MINOR,
    title="No management review of the cycle recorded decisions",
    statement=(
        "The organisation has not recorded decisions on continual improvement and on changes "
        "to the ISMS as results of its management reviews."
    ),
    version=2,
)
def management_review_without_decisions(ctx):
    """
    What it checks: that at least one management review of the review cycle (held in the 12
    months up to the audit date) records the decisions it took (on improvement opportunities
    and on changes needed to the ISMS). One observation, on the latest review of the cycle.

    Why an auditor cares: the results of a management review are its decisions. Minutes of a
    whole year that only note what was presented show that top management listened but did not
    direct anything, which auditors read as weak leadership commitment.

    How to fix: record the decisions of each review (even "no change needed to the scope, risk
    acceptance criteria confirmed"), with the actions, owners and dates that follow from them.

    Grade: minor; never major by effect.
    """
    cycle = _cycle(ctx)
    if not cycle or any(not is_blank(r.decisions) for r in cycle):
        return
    actions = "" if all(is_blank(r.actions) for r in cycle) else " (only actions are listed)"
    yield ctx.observe(
        Subject("Management reviews", cycle[-1].ref),
        f"{_cycle_text(ctx, cycle)}: none records a decision{actions}.",
    )


@rule(
    code="MRV004",
    name="management-review-without-resources",
    reference="7.1",
    stage=2,
    grade=Grade.MINOR,
    title="No management review of the cycle allocated or confirmed resources",
    statement=(
        "The organisation has not shown that top management determined and provided the "
        "resources the ISMS needs: no management review of the cycle decided on them."
    ),
    version=2,
)
def management_review_without_resources(ctx):
    """
    What it checks: that at least one management review of the review cycle (held in the 12
    months up to the audit date) records the resources it allocated or confirmed for the ISMS,
    or is accompanied by a resource allocation in the Resources register approved from 14 days
    before to 30 days after the meeting. One observation, on the latest review of the cycle.

    Why an auditor cares: top management must make the resources the ISMS needs available (5.1,
    7.1), and the management review is where the need for changes, resources included, is
    decided (9.3.3). A year of reviews that never speak of budget, people or time suggests the
    ISMS runs on goodwill.

    How to fix: at each review, state the resources for the coming period (budget, posts,
    auditor time, tools), even when they are unchanged, and record the approvals in the
    Resources register.

    Grade: minor; never major by effect.
    """
    cycle = _cycle(ctx)
    if not cycle or any(not is_blank(r.resources_allocated) for r in cycle):
        return
    approvals = list(
        ctx.q(ResourceAllocation)
        .filter(approved_on__lte=ctx.as_of)
        .values_list("approved_on", flat=True)
    )
    windows = []
    for review in cycle:
        start = review.held_on - dt.timedelta(days=RESOURCE_DAYS_BEFORE)
        end = review.held_on + dt.timedelta(days=RESOURCE_DAYS_AFTER)
        if any(start <= approved <= end for approved in approvals):
            return
        windows.append(f"{start} and {end}")
    yield ctx.observe(
        Subject("Management reviews", cycle[-1].ref),
        f"{_cycle_text(ctx, cycle)}: none records resources allocated or confirmed, and no "
        f"resource allocation was approved between {'; or '.join(windows)}.",
    )


@rule(
    code="MRV005",
    name="management-review-without-top-management",
    reference="9.3.1",
    stage=1,
    grade=Grade.MINOR,
    title="No evidence that top management took part in the reviews of the cycle",
    statement=(
        "The organisation has not shown that top management reviewed the ISMS: no management "
        "review of the cycle was chaired, attended or approved by top management."
    ),
    version=3,
)
def management_review_without_top_management(ctx):
    """
    What it checks: that at least one management review of the review cycle (held in the 12
    months up to the audit date) shows top management taking part: chaired or attended by a
    member of top management on the day it was held, or signed, on or before the audit date,
    by a member of top management on the day of signature. Top management is the holder of the
    top-management sponsor role in the ISMS roles register, a user marked as top management in
    the organisation's memberships, or a head of department whose line manager is the sponsor,
    still with the organisation then. Who signs the minutes is not itself a requirement, so an
    unsigned review that top management chaired is not judged. One observation, on the latest
    review of the cycle.

    Why an auditor cares: the standard makes the management review top management's duty
    (5.1, 9.3.1). Reviews held by the ISMS manager or the CISO alone do not show that top
    management reviewed the ISMS and owns its decisions.

    How to fix: have top management chair or attend the review and record them as chair or
    attendees (or have the minutes approved by the member of top management who took part),
    and record top management in the ISMS roles register.

    Grade: minor; never major by effect.
    """
    cycle = _cycle(ctx)
    if not cycle:
        return
    for review in cycle:
        present = {p.pk for p in review.attendees.all()}
        if review.chair_id:
            present.add(review.chair_id)
        if top_management_on(ctx.organisation, review.held_on).filter(pk__in=present).exists():
            return
        signed = review.signed_by_id and review.signed_on and review.signed_on <= ctx.as_of
        if signed and is_top_management(review.signed_by, review.signed_on):
            return
    people = sorted(
        {p.email for r in cycle for p in (r.chair, r.signed_by, *r.attendees.all()) if p}
    )
    named = f" (chaired, attended or signed by {', '.join(people)})" if people else ""
    yield ctx.observe(
        Subject("Management reviews", cycle[-1].ref),
        f"{_cycle_text(ctx, cycle)}: none was chaired, attended or signed by a member of top "
        f"management on that day{named}.",
    )


@rule(
    code="MRV006",
    name="no-management-review-after-internal-audit",
    reference="9.3.2",
    stage=1,
    grade=Grade.MINOR,
    title="No management review since the first internal audit",
    statement=(
        "The organisation has not held a management review that could consider the results of "
        "its internal audits."
    ),
)
def no_management_review_after_internal_audit(ctx):
    """
    What it checks: that at least one management review was held on or after the date an
    internal audit was completed (both by the audit date), so that a review could consider
    internal audit results.

    Why an auditor cares: audit results are a required input of the management review, and a
    certification body expects a full cycle (internal audit, then a management review that
    considered it) before stage 2. Reviews held only before the first audit cannot have done so.

    How to fix: hold a management review after the internal audit, present its results and the
    nonconformities raised, and record the decisions taken on them.

    Grade: minor, one instance; never major by effect. No observation when no audit was
    completed (AUD001) or no review held (MRV001).
    """
    first_audit = completed_audits(ctx).order_by("done_on", "ref").first()
    latest = held_reviews(ctx).first()
    if first_audit is None or latest is None or latest.held_on >= first_audit.done_on:
        return
    yield ctx.observe(
        Subject("Management reviews", latest.ref),
        f"The latest management review, {latest.ref}, was held on {latest.held_on}, before the "
        f"first internal audit ({first_audit.ref}) was completed on {first_audit.done_on}; no "
        f"review held by {ctx.as_of} could consider internal audit results.",
    )


@rule(
    code="MRV007",
    name="audit-results-reviewed-before-any-audit",
    reference="9.3.2",
    stage=1,
    grade=Grade.OFI,
    title="Review claims audit results before any audit had taken place",
    statement=(
        "The organisation could make its management review minutes match the records of what "
        "was presented."
    ),
)
def audit_results_reviewed_before_any_audit(ctx):
    """
    What it checks: management reviews of the last 36 months that record audit results as a
    covered input although no internal audit had been completed and no certification body audit
    had been held by the date of the review.

    Why an auditor cares: a ticked box that the records contradict makes the auditor doubt the
    rest of the minutes. If the review discussed a consultant's gap analysis or a pre-assessment,
    that should be said and the report kept.

    How to fix: correct the minutes (or name the audit or assessment whose results were
    presented and keep its report as evidence).

    Grade: opportunity for improvement for each review; never major.
    """
    reviews = list(recent_reviews(ctx).filter(covers_audit_results=True))
    if not reviews:
        return
    first_internal = completed_audits(ctx).order_by("done_on").values_list("done_on", flat=True)
    first_external = (
        ctx.q(ExternalAudit)
        .filter(held_on__lte=ctx.as_of)
        .order_by("held_on")
        .values_list("held_on", flat=True)
    )
    firsts = [date for date in (first_internal.first(), first_external.first()) if date]
    earliest = min(firsts) if firsts else None
    for review in reviews:
        if earliest is not None and earliest <= review.held_on:
            continue
        yield ctx.observe(
            Subject("Management reviews", review.ref),
            f"Management review {review.ref} ({review.held_on}) records audit results as "
            "covered, but no internal audit had been completed and no certification body audit "
            "had been held by then"
            + (f" (the first audit result dates from {earliest})." if earliest else "."),
        )
