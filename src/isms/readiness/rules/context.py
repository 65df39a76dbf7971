"""Context of the organisation (4.1 issues incl. climate change, 4.2 interested parties, 4.3
scope).

The scope in force is the newest version with an approver and an approval date on or before the
audit date.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Trim

from isms.context.models import ContextIssue, InterestedParty, PartyRequirement, Scope
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule


def _scope_in_force(ctx):
    def compute():
        return (
            ctx.q(Scope)
            .filter(approved_by__isnull=False, approved_on__lte=ctx.as_of)
            .order_by("-approved_on", "-pk")
            .first()
        )

    return ctx.cached(f"scope-in-force-{ctx.as_of}", compute)


def _blank(field: str) -> dict:
    """Annotation that trims ``field``, to test it for emptiness in the database."""
    return {f"{field}_trimmed": Trim(field)}


@rule(
    code="CTX001",
    name="scope-not-approved",
    reference="4.3",
    stage=1,
    grade=Grade.MAJOR,
    title="No approved ISMS scope",
    statement="The organisation has not determined and approved the scope of its information "
    "security management system as documented information.",
)
def scope_not_approved(ctx):
    """
    What it checks: that a version of the ISMS scope statement has an approver and an approval
    date on or before the audit date.

    Why an auditor cares: the scope (4.3) is mandatory documented information and defines what
    the certificate will cover; the auditor plans both stages from it. Without a scope there is
    nothing to audit against; a draft nobody approved may not be what management intends to
    certify.

    How to fix: write the scope statement (what is covered, what is excluded and why, the
    interfaces with what is outside) and have top management approve it.

    Grade: one instance: major when no scope is recorded at all (the scope is absent); minor
    when only unapproved drafts exist. No effect-based major.
    """
    if _scope_in_force(ctx) is not None:
        return
    drafts = list(ctx.q(Scope).order_by("version").values_list("version", flat=True))
    if not drafts:
        yield ctx.observe(
            Subject("Clause", "4.3"),
            "No ISMS scope statement is recorded, so the boundaries of the ISMS and of the "
            "certificate are undefined.",
        )
    else:
        yield ctx.observe(
            Subject("Scope", drafts[-1]),
            f"The scope exists only as draft(s) ({', '.join(drafts)}): none has an approver and "
            f"an approval date on or before {ctx.as_of}.",
            grade=Grade.MINOR,
        )


@rule(
    code="CTX002",
    name="scope-boundaries-undefined",
    reference="4.3",
    stage=1,
    grade=Grade.MINOR,
    title="Scope says nothing about exclusions or boundaries",
    statement="The organisation has not determined the boundaries of its ISMS and the "
    "interfaces and dependencies with activities outside it.",
)
def scope_boundaries_undefined(ctx):
    """
    What it checks: that the scope in force says what is out of scope and where the ISMS meets
    what is outside it (its boundaries, interfaces and dependencies).

    Why an auditor cares: 4.3 asks the organisation to determine the boundaries of the ISMS
    and to consider the interfaces and dependencies with activities performed by others. A
    scope that only says what is in leaves the auditor unable to judge whether exclusions are
    legitimate, and hides shared services that carry risk into the ISMS.

    How to fix: add what is excluded and why, and describe the interfaces: shared group
    services, outsourced operations, cloud providers, sites outside the scope.

    Grade: one instance (the scope in force): minor when both exclusions and boundaries are
    missing; an opportunity for improvement when only one of them is. No effect-based major.
    """
    scope = _scope_in_force(ctx)
    if scope is None:
        return
    missing = [
        label
        for label, text in (("out of scope", scope.out_of_scope), ("boundaries", scope.boundaries))
        if not (text or "").strip()
    ]
    if not missing:
        return
    yield ctx.observe(
        Subject("Scope", scope.version),
        f"Scope {scope.version} (approved {scope.approved_on}) leaves "
        f"{' and '.join(missing)} empty.",
        grade=Grade.MINOR if len(missing) == 2 else Grade.OFI,
    )


@rule(
    code="CTX003",
    name="climate-change-not-determined",
    reference="4.1",
    stage=1,
    grade=Grade.OFI,
    title="Climate change relevance not determined",
    statement="The organisation has not recorded whether climate change is a relevant issue "
    "for its ISMS, and why.",
    version=2,
)
def climate_change_not_determined(ctx):
    """
    What it checks: that the context issues include one of category climate change, and that
    each such issue records the rationale for whether it is relevant.

    Why an auditor cares: since Amendment 1:2024, 4.1 requires the organisation to determine
    whether climate change is a relevant issue. Certification bodies check it at every audit;
    a missing determination is a nonconformity even where the answer is "not relevant", and a
    bare yes or no without a reason does not show the question was considered.

    How to fix: record a climate-change issue, decide whether it is relevant (flooding or heat
    at sites, supplier disruption, customer or regulatory requirements) and write why, with the
    risks or actions that follow.

    Grade: opportunity for improvement: the determination may well have been made (in a
    management meeting, in the context analysis) without being recorded here, and the
    amendment adds no documented-information requirement; the auditor will ask about it. No
    effect-based major.
    """
    issues = ctx.q(ContextIssue).filter(category=ContextIssue.Category.CLIMATE_CHANGE)
    if not issues.exists():
        yield ctx.observe(
            Subject("Clause", "4.1"),
            "No context issue of category climate change is recorded, so there is no "
            "determination of whether climate change is relevant to the ISMS.",
        )
        return
    for issue in issues.annotate(**_blank("rationale")).filter(rationale_trimmed=""):
        verdict = "relevant" if issue.is_relevant else "not relevant"
        yield ctx.observe(
            Subject("Context issues", issue.title),
            f"Context issue {issue.title} determines climate change to be {verdict} but gives "
            "no rationale.",
            population=ctx.population("climate change issues", issues),
        )


@rule(
    code="CTX004",
    name="context-issues-one-sided",
    reference="4.1",
    stage=1,
    grade=Grade.MINOR,
    title="No internal or no external issues determined",
    statement="The organisation has not determined the external and internal issues relevant "
    "to its purpose that affect the intended outcomes of its ISMS.",
)
def context_issues_one_sided(ctx):
    """
    What it checks: that the relevant context issues include at least one internal and at least
    one external issue.

    Why an auditor cares: 4.1 asks for the external and internal issues that affect the ISMS's
    ability to achieve its intended outcomes. A context with only one side (typically a list of
    threats, with nothing about the organisation's own structure, culture or capacity) was not
    analysed, and the risk assessment it feeds is incomplete.

    How to fix: review the context with management (PESTLE for the outside, the organisation's
    structure, capabilities, culture and obligations for the inside) and record both kinds.

    Grade: one instance: major when no relevant issue is recorded at all (the context analysis
    is absent); minor when one kind is missing. No effect-based major.
    """
    counts = dict(
        ctx.q(ContextIssue)
        .filter(is_relevant=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    if not counts:
        yield ctx.observe(
            Subject("Clause", "4.1"),
            "No relevant internal or external context issue is recorded.",
            grade=Grade.MAJOR,
        )
        return
    for kind in (ContextIssue.Kind.INTERNAL, ContextIssue.Kind.EXTERNAL):
        if not counts.get(kind):
            other = sum(counts.values())
            yield ctx.observe(
                Subject("Context issues", kind.label.lower()),
                f"No relevant {kind.label.lower()} context issue is recorded (the context holds "
                f"{other} relevant issue(s) of the other kind).",
            )


@rule(
    code="CTX005",
    name="party-requirement-not-addressed",
    reference="4.2",
    stage=1,
    grade=Grade.MINOR,
    title="Interested-party requirement with no response",
    statement="The organisation has not determined which requirements of interested parties "
    "will be addressed through its ISMS.",
)
def party_requirement_not_addressed(ctx):
    """
    What it checks: every requirement of an interested party says how the ISMS addresses it.

    Why an auditor cares: 4.2 asks which requirements of interested parties will be addressed
    through the ISMS. A requirement with no answer (a customer's 24-hour incident notice, a
    regulator's reporting duty) may be breached without anyone knowing; auditors sample these
    against contracts and the law.

    How to fix: for each requirement, name the process, control or document that meets it, or
    record that it is out of the ISMS and who handles it instead.

    Grade: one instance (one requirement) is minor; major when pervasive among the recorded
    requirements. No effect-based major.
    """
    requirements = (
        ctx.q(PartyRequirement)
        .annotate(**_blank("how_addressed"))
        .filter(how_addressed_trimmed="")
        .select_related("party")
    )
    for requirement in requirements:
        yield ctx.observe(
            Subject("Party requirements", f"{requirement.party.name} / {requirement.requirement}"),
            f"Interested party {requirement.party.name} requires "
            f"{requirement.requirement!r}, but nothing says how the ISMS addresses it.",
            population=ctx.population("interested-party requirements", ctx.q(PartyRequirement)),
        )


@rule(
    code="CTX006",
    name="context-issue-not-reviewed",
    reference="4.1",
    stage=1,
    grade=Grade.OFI,
    title="Context issue not reviewed in the last 12 months",
    statement="The organisation has not reviewed some of its context issues in the last 12 months.",
)
def context_issue_not_reviewed(ctx):
    """
    What it checks: every context issue has a review date within the 12 months before the audit
    date.

    Why an auditor cares: 9.3 asks management reviews to consider changes in external and
    internal issues, and the context drives the risk assessment. An issue nobody has looked at
    for over a year may no longer be true, or may have grown.

    How to fix: review the context issues at least once a year (typically as an input to the
    management review) and record the date on each.

    Grade: opportunity for improvement for each issue (9.3 asks for changes to be considered,
    not for a dated review of each issue). No effect-based major.
    """
    cutoff = ctx.months_ago(12)
    issues = ctx.q(ContextIssue).filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=cutoff))
    for issue in issues:
        when = (
            f"was last reviewed on {issue.reviewed_on}"
            if issue.reviewed_on
            else "has no review date"
        )
        yield ctx.observe(
            Subject("Context issues", issue.title),
            f"Context issue {issue.title} ({issue.get_kind_display().lower()}) {when}; "
            f"nothing since {cutoff}.",
            population=ctx.population("context issues", ctx.q(ContextIssue)),
        )


@rule(
    code="CTX007",
    name="interested-parties-not-determined",
    reference="4.2",
    stage=1,
    grade=Grade.MAJOR,
    title="Interested parties or their requirements not determined",
    statement="The organisation has not determined the interested parties relevant to its ISMS "
    "and their requirements.",
)
def interested_parties_not_determined(ctx):
    """
    What it checks: that interested parties are recorded, and that each has at least one
    requirement.

    Why an auditor cares: 4.2 asks for the interested parties relevant to the ISMS and their
    requirements; they are the source of the legal, regulatory and contractual obligations the
    SoA cites. No parties at all means 4.2 was never done; a party with no requirement was
    listed but not analysed.

    How to fix: list customers, staff, owners, regulators, suppliers and others who affect or
    are affected by information security, and for each record what they require.

    Grade: one instance: major when no interested party is recorded (4.2 absent altogether);
    opportunity for improvement for each party without requirements. No effect-based major.
    """
    parties = ctx.q(InterestedParty)
    if not parties.exists():
        yield ctx.observe(
            Subject("Clause", "4.2"),
            "No interested party is recorded, so nothing shows which requirements the ISMS must "
            "meet.",
        )
        return
    requirements = PartyRequirement.objects.filter(party_id=OuterRef("pk"))
    for party in parties.filter(~Exists(requirements)):
        yield ctx.observe(
            Subject("Interested parties", party.name),
            f"Interested party {party.name} ({party.get_kind_display().lower()}) has no "
            "requirement recorded.",
            grade=Grade.OFI,
            population=ctx.population("interested parties", parties),
        )
