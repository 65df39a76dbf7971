"""Management review (9.3) and top management's part in it (5.1, 7.1): reviews held, complete
inputs, decisions, resources and sign-off, and a review after the internal audit (F10, F23).

*Top management* (who may sign a review) is defined once in
:mod:`isms.leadership.top_management`, the definition ``isms review sign`` enforces: on the date
of signature, the holder of the ``top_management_sponsor`` role in the ISMS roles register
(assigned by then, not ended and not left), a user whose active membership of the organisation
is marked ``is_top_management`` (matched to the person by email), or a head of department
(Departments.manager) whose line manager is that sponsor: the executive team; in each case
still with the organisation on that date.
"""

import datetime as dt

from django.db.models import Q

from isms.audits.models import ExternalAudit, ManagementReview
from isms.leadership.models import ResourceAllocation
from isms.leadership.top_management import top_management_exists
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.internal_audit import (
    PROGRAMME_MONTHS,
    blank,
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


def _input_label(field: str) -> str:
    return ManagementReview._meta.get_field(field).help_text.rstrip(".")


@rule(
    code="MRV001",
    name="no-recent-management-review",
    reference="9.3",
    stage=1,
    grade=Grade.MAJOR,
    title="No management review in the last 12 months",
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

    Grade: major: either no review was ever held, or the last one is more than a year old.
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
    yield ctx.finding(Subject("Management reviews", "Management review"), detail)


@rule(
    code="MRV002",
    name="management-review-inputs-missing",
    reference="9.3.2",
    stage=1,
    grade=Grade.MINOR,
    title="Management review did not cover all required inputs",
)
def management_review_inputs_missing(ctx):
    """
    What it checks: each management review of the last 36 months records that it considered all
    ten inputs the standard lists: previous actions, changes in issues, changes in interested
    parties' needs, nonconformities, monitoring results, audit results, objectives, interested
    parties' feedback, risk assessment and treatment, and improvement opportunities.

    Why an auditor cares: auditors read the review minutes against the list of inputs. A missing
    input (often interested-party feedback or the status of previous actions) means top
    management decided without the whole picture.

    How to fix: add the missing inputs to the review agenda and template, cover them at the next
    review, and record in the minutes what was presented for each.

    Grade: major when a review covered none of the inputs (it was a meeting, not a management
    review); minor when some are missing.
    """
    fields = ManagementReview.INPUT_FIELDS
    missing_any = Q()
    for field in fields:
        missing_any |= Q(**{field: False})
    for review in recent_reviews(ctx).filter(missing_any):
        missing = [field for field in fields if not getattr(review, field)]
        grade = Grade.MAJOR if len(missing) == len(fields) else Grade.MINOR
        labels = "; ".join(_input_label(field) for field in missing)
        yield ctx.finding(
            Subject("Management reviews", review.ref),
            f"Management review {review.ref} ({review.held_on}) did not cover {len(missing)} of "
            f"the {len(fields)} required inputs: {labels}.",
            grade=grade,
        )


@rule(
    code="MRV003",
    name="management-review-without-decisions",
    reference="9.3.3",
    stage=2,
    grade=Grade.MINOR,
    title="Management review recorded no decisions",
)
def management_review_without_decisions(ctx):
    """
    What it checks: each management review of the last 36 months records the decisions it took
    (on improvement opportunities and on changes needed to the ISMS).

    Why an auditor cares: the results of a management review are its decisions. Minutes that
    only note what was presented show that top management listened but did not direct anything,
    which auditors read as weak leadership commitment.

    How to fix: record the decisions of each review (even "no change needed to the scope, risk
    acceptance criteria confirmed"), with the actions, owners and dates that follow from them.

    Grade: minor for each review.
    """
    for review in recent_reviews(ctx).filter(blank("decisions")):
        actions = "" if is_blank(review.actions) else " (only actions are listed)"
        yield ctx.finding(
            Subject("Management reviews", review.ref),
            f"Management review {review.ref} ({review.held_on}) records no decisions{actions}.",
        )


@rule(
    code="MRV004",
    name="management-review-without-resources",
    reference="7.1",
    stage=2,
    grade=Grade.MINOR,
    title="Management review neither allocated nor confirmed resources",
)
def management_review_without_resources(ctx):
    """
    What it checks: each management review of the last 36 months records the resources it
    allocated or confirmed for the ISMS, or is accompanied by a resource allocation in the
    Resources register approved from 14 days before to 30 days after the meeting.

    Why an auditor cares: top management must make the resources the ISMS needs available (5.1,
    7.1), and the management review is where the need for resources is decided. A review that
    never speaks of budget, people or time suggests the ISMS runs on goodwill.

    How to fix: at each review, state the resources for the coming period (budget, posts,
    auditor time, tools), even when they are unchanged, and record the approvals in the
    Resources register.

    Grade: minor for each review.
    """
    reviews = list(recent_reviews(ctx).filter(blank("resources_allocated")))
    if not reviews:
        return
    approvals = list(
        ctx.q(ResourceAllocation)
        .filter(approved_on__lte=ctx.as_of)
        .values_list("approved_on", flat=True)
    )
    for review in reviews:
        start = review.held_on - dt.timedelta(days=RESOURCE_DAYS_BEFORE)
        end = review.held_on + dt.timedelta(days=RESOURCE_DAYS_AFTER)
        if any(start <= approved <= end for approved in approvals):
            continue
        yield ctx.finding(
            Subject("Management reviews", review.ref),
            f"Management review {review.ref} ({review.held_on}) records no resources allocated "
            f"or confirmed, and no resource allocation was approved between {start} and {end}.",
        )


@rule(
    code="MRV005",
    name="management-review-not-signed-by-top-management",
    reference="9.3.1",
    stage=1,
    grade=Grade.MINOR,
    title="Management review not signed by top management",
    version=2,
)
def management_review_not_signed(ctx):
    """
    What it checks: each management review of the last 36 months was signed, on or before the
    audit date, by a member of top management on the day of signature: the holder of the
    top-management sponsor role in the ISMS roles register, a user marked as top management in
    the organisation's memberships, or a head of department whose line manager is the sponsor,
    still with the organisation then.

    Why an auditor cares: the standard makes the management review top management's duty. An
    unsigned review, or one signed by the ISMS manager or the CISO, does not show that top
    management reviewed the ISMS and owns its decisions.

    How to fix: have the review minutes approved and signed by the sponsor (or another member of
    top management who attended), and record top management in the ISMS roles register.

    Grade: minor for each review.
    """
    signed_by_top_management = top_management_exists(
        ctx.organisation, person="signed_by_id", day="signed_on"
    )
    reviews = (
        recent_reviews(ctx)
        .annotate(signer_is_top_management=signed_by_top_management)
        .filter(
            Q(signed_by__isnull=True)
            | Q(signed_on__isnull=True)
            | Q(signed_on__gt=ctx.as_of)
            | Q(signer_is_top_management=False)
        )
        .select_related("signed_by")
    )
    for review in reviews:
        signer, signed_on = review.signed_by, review.signed_on
        if signer is None or signed_on is None or signed_on > ctx.as_of:
            detail = (
                f"Management review {review.ref} ({review.held_on}) had not been signed by "
                f"{ctx.as_of}"
                + (f" (signatory {signer.email} but no date)" if signer and not signed_on else "")
                + "."
            )
        else:
            detail = (
                f"Management review {review.ref} ({review.held_on}) was signed on {signed_on} by "
                f"{signer.name} ({signer.email}), who was not top management on that date (not "
                "the sponsor, a top-management member or a head of department reporting to "
                "the sponsor, or no longer with the organisation)."
            )
        yield ctx.finding(Subject("Management reviews", review.ref), detail)


@rule(
    code="MRV006",
    name="no-management-review-after-internal-audit",
    reference="9.3.2",
    stage=1,
    grade=Grade.MINOR,
    title="No management review since the first internal audit",
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

    Grade: minor. No finding when no audit was completed (AUD001) or no review held (MRV001).
    """
    first_audit = completed_audits(ctx).order_by("done_on", "ref").first()
    latest = held_reviews(ctx).first()
    if first_audit is None or latest is None or latest.held_on >= first_audit.done_on:
        return
    yield ctx.finding(
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

    Grade: opportunity for improvement for each review.
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
        yield ctx.finding(
            Subject("Management reviews", review.ref),
            f"Management review {review.ref} ({review.held_on}) records audit results as "
            "covered, but no internal audit had been completed and no certification body audit "
            "had been held by then"
            + (f" (the first audit result dates from {earliest})." if earliest else "."),
        )
