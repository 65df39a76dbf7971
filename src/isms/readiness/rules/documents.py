"""Documented information (7.5), the information security policy (5.2) and policies for
information security (Annex A 5.1), and the documents the standard makes mandatory."""

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery

from isms.catalog.models import Clause
from isms.context.models import Scope
from isms.controls.models import Objective, SoAEntry
from isms.core.models import Membership
from isms.documents.models import Document, DocumentVersion
from isms.evidence.models import EvidenceLink
from isms.leadership.models import RoleAssignment
from isms.leadership.top_management import top_management_exists
from isms.people.models import TrainingCompletion, TrainingCourse
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import all_rules, rule
from isms.readiness.rules._shared import department_of
from isms.risk.models import Risk, RiskMethod, TreatmentAction

POLICY_CLAUSE = "5.2"


def _version_exists(ctx) -> Q:
    """A version that existed at the audit date: approved or in effect by then, or undated."""
    return (
        Q(approved_on__lte=ctx.as_of)
        | Q(effective_on__lte=ctx.as_of)
        | Q(approved_on__isnull=True, effective_on__isnull=True)
    )


def _approved(ctx) -> Q:
    return Q(approver__isnull=False, approved_on__isnull=False, approved_on__lte=ctx.as_of)


def _documents(ctx):
    """Population of the document issues: the documents of the register."""
    return ctx.population("documents", ctx.q(Document))


@rule(
    code="DOC001",
    name="document-review-overdue",
    reference="A.5.1",
    stage=1,
    grade=Grade.MINOR,
    title="Document not reviewed by its review date",
    statement="The organisation has not reviewed its policies and other controlled documents at "
    "the planned intervals.",
    version=2,
)
def document_review_overdue(ctx):
    """
    What it checks: controlled documents whose next review date is before the audit date. When a
    document has no next review date, the due date is taken as its latest approval (on or before
    the audit date) plus its review interval.

    Why an auditor cares: Annex A 5.1 asks for the policy and topic-specific policies to be
    reviewed at planned intervals and when significant changes occur; the organisation's own
    review dates are those intervals for every controlled document. A policy past its review
    date may no longer describe what the organisation does, and it is the first thing a stage 1
    auditor notices.

    How to fix: review the document with its owner, record the outcome as a new version (or a
    confirmation with no change) with approver and date, and set the next review date.

    Grade: one instance (one document) is minor; major when pervasive among the documents.
    No effect-based major.
    """
    documents = (
        ctx.q(Document)
        .annotate(
            last_approved=Max(
                "versions__approved_on", filter=Q(versions__approved_on__lte=ctx.as_of)
            )
        )
        .filter(Q(next_review_on__lt=ctx.as_of) | Q(next_review_on__isnull=True))
        .select_related("owner__department")
    )
    for document in documents:
        if document.next_review_on:
            detail = (
                f"{document.ref} {document.title}: the next review was due on "
                f"{document.next_review_on}, {(ctx.as_of - document.next_review_on).days} days "
                f"before {ctx.as_of}."
            )
        elif document.last_approved:
            due = document.last_approved + relativedelta(months=document.review_interval_months)
            if due >= ctx.as_of:
                continue
            detail = (
                f"{document.ref} {document.title}: last approved on {document.last_approved}, "
                f"so with its {document.review_interval_months}-month review interval it was "
                f"due for review by {due}; no later approval is recorded."
            )
        else:
            continue  # no approval and no review date: DOC002/DOC003 report it
        yield ctx.observe(
            Subject("Documents", document.ref),
            detail,
            population=_documents(ctx),
            department=department_of(document.owner),
            owner=_owner(document),
        )


@rule(
    code="DOC002",
    name="document-version-not-approved",
    reference="7.5.2",
    stage=1,
    grade=Grade.MINOR,
    title="Document version in effect without approval",
    statement="The organisation has not controlled its documented information: versions in "
    "use were not approved, or documents have no version history.",
)
def document_version_not_approved(ctx):
    """
    What it checks: document versions in effect at the audit date (effective date on or before
    it) that have no approver or no approval date on or before the audit date. Drafts with no
    effective date are not judged.

    Why an auditor cares: 7.5.2 requires documents to be reviewed and approved for suitability
    before use. A version in force that nobody approved has no authority: the auditor cannot
    tell whether it reflects a management decision or someone's draft.

    How to fix: have the version approved by the person with the authority to do so (the owner's
    manager, the CISO, or top management for the policy) and record the approver and date.

    Grade: one instance (one version) is minor; DOC003 adds documents with no version to the
    same finding, which is major when pervasive among the documents. No effect-based major.
    """
    versions = (
        ctx.q(DocumentVersion)
        .filter(effective_on__lte=ctx.as_of)
        .exclude(_approved(ctx))
        .select_related("document__owner__department", "approver")
    )
    for version in versions:
        document = version.document
        if version.approver is None and version.approved_on is None:
            missing = "no approver and no approval date"
        elif version.approver is None:
            missing = "no approver"
        elif version.approved_on is None:
            missing = f"no approval date (approver {version.approver.email})"
        else:
            missing = f"an approval dated {version.approved_on}, after the audit date"
        yield ctx.observe(
            Subject("Document versions", f"{document.ref} / {version.version}"),
            f"{document.ref} {document.title} version {version.version} has been in effect "
            f"since {version.effective_on} with {missing}.",
            population=_documents(ctx),
            department=department_of(document.owner),
            owner=_owner(document),
        )


@rule(
    code="DOC003",
    name="document-without-version",
    reference="7.5.3",
    stage=1,
    grade=Grade.MINOR,
    title="Document with no version history and no evidence of it",
    issue="DOC002",
    version=2,
)
def document_without_version(ctx):
    """
    What it checks: documents in the register with no version that existed at the audit date
    (versions approved or effective only after it do not count) and no evidence that the
    document exists or was reviewed: evidence collected on or before the audit date linked to
    the document or to one of its versions (the document itself, a link to where it lives, its
    review record) is accepted in place of a version row.

    Why an auditor cares: 7.5.3 asks for changes to documented information to be controlled,
    which starts with knowing which version is current, who wrote it and who approved it. A
    document with no version history is uncontrolled.

    How to fix: record the current version with its author, approver, approval and effective
    dates and a short change summary, and keep recording each revision.

    Grade: one instance (one document) is minor, part of the document-control finding led by
    DOC002. No effect-based major.
    """
    versions = ctx.q(DocumentVersion).filter(_version_exists(ctx), document=OuterRef("pk"))
    evidence = ctx.q(EvidenceLink).filter(evidence__collected_on__lte=ctx.as_of)
    on_document = evidence.filter(
        content_type=ContentType.objects.get_for_model(Document), object_id=OuterRef("pk")
    )
    on_version = evidence.filter(
        content_type=ContentType.objects.get_for_model(DocumentVersion),
        object_id__in=DocumentVersion.objects.filter(document=OuterRef(OuterRef("pk"))).values(
            "pk"
        ),
    )
    documents = (
        ctx.q(Document)
        .exclude(Exists(versions))
        .exclude(Exists(on_document))
        .exclude(Exists(on_version))
        .select_related("owner__department")
    )
    for document in documents:
        yield ctx.observe(
            Subject("Documents", document.ref),
            f"{document.ref} {document.title} ({document.get_kind_display().lower()}) has no "
            f"version on record as of {ctx.as_of} (no author, approval or effective date) and "
            "no evidence of it is linked.",
            population=_documents(ctx),
            department=department_of(document.owner),
            owner=_owner(document),
        )


def _owner(document) -> str | None:
    return document.owner.email if document.owner_id else None


@rule(
    code="DOC004",
    name="information-security-policy-missing",
    reference="5.2",
    stage=1,
    grade=Grade.MAJOR,
    title="No approved information security policy",
    statement="The organisation has not established an information security policy approved by "
    "top management.",
)
def information_security_policy_missing(ctx):
    """
    What it checks: that the organisation has an information security policy (a document of
    kind "policy", or any document linked to clause 5.2) with a version approved (approver and
    date) and in effect on or before the audit date (a version with no effective date counts
    from its approval).

    Why an auditor cares: 5.2 requires top management to establish an information security
    policy, and it is mandatory documented information. Without one there is no statement of
    intent for the objectives and commitments to hang from; no certification body proceeds to
    stage 2 without it.

    How to fix: write the policy (purpose, framework for objectives, commitment to meet
    requirements and to improve), have top management approve it, record the version, and
    communicate it to staff.

    Grade: major: the information security policy is absent (a required record absent
    altogether). No effect-based major.
    """
    candidates = ctx.q(Document).filter(
        Q(kind=Document.Kind.POLICY) | Q(clauses__ref=POLICY_CLAUSE)
    )
    in_force = (
        ctx.q(DocumentVersion)
        .filter(document__in=candidates)
        .filter(_approved(ctx))
        .filter(Q(effective_on__isnull=True) | Q(effective_on__lte=ctx.as_of))
    )
    if in_force.exists():
        return
    refs = sorted(set(candidates.values_list("ref", flat=True)))
    if refs:
        detail = (
            f"Policy document(s) {', '.join(refs)} exist, but none has a version approved and "
            f"in effect on or before {ctx.as_of}."
        )
    else:
        detail = (
            "No document of kind policy, and none linked to clause 5.2, is in the document "
            "register."
        )
    yield ctx.observe(Subject("Clause", POLICY_CLAUSE), detail)


def _register_evidence(ctx) -> dict[str, tuple[bool, str]]:
    """Per clause: whether register records provide its documented information, and which."""
    risks = ctx.q(Risk).filter(last_assessed_on__isnull=False)
    method = ctx.q(RiskMethod).filter(approved_on__lte=ctx.as_of)
    return {
        "4.3": (
            ctx.q(Scope).filter(approved_on__lte=ctx.as_of).exists(),
            "an approved scope statement in the Scope register",
        ),
        "6.1.2": (method.exists(), "an approved risk method in the Risk method register"),
        "6.1.3": (
            method.exists() and ctx.q(SoAEntry).exists(),
            "an approved risk method together with a Statement of Applicability",
        ),
        "6.2": (ctx.q(Objective).exists(), "objectives in the Objectives register"),
        "7.2": (
            _competence_evidence(ctx).exists(),
            "role-specific training passed by the holders of ISMS roles as evidence of their "
            "competence (all-staff awareness training does not show competence for a role)",
        ),
        "8.2": (risks.exists(), "assessed risks in the risk register"),
        "8.3": (
            ctx.q(TreatmentAction).filter(risk__in=risks).exists()
            or not risks.exclude(treatment=Risk.Treatment.RETAIN).exists(),
            "risk treatment plan actions for the risks to be treated",
        ),
    }


def _competence_evidence(ctx):
    """Evidence of competence (7.2 d): training for a particular audience (not all staff)
    passed on or before the audit date by someone holding an ISMS role at the audit date."""
    as_of = ctx.as_of
    holders = ctx.q(RoleAssignment).filter(
        Q(assigned_on__isnull=True) | Q(assigned_on__lte=as_of),
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
        Q(person__leave_date__isnull=True) | Q(person__leave_date__gt=as_of),
    )
    return (
        ctx.q(TrainingCompletion)
        .filter(completed_on__lte=as_of, passed=True, person__in=holders.values("person"))
        .exclude(course__audience=TrainingCourse.Audience.ALL_STAFF)
    )


#: The clause (and item) that requires each clause's documented information, as cited.
REQUIRED_BY = {"7.2": "7.2 d"}

#: Clauses whose documented information is results, which only records can show.
RESULTS_ONLY = {"8.2", "8.3"}

#: Clauses whose register records have their own rule for "absent entirely"; DOC005 leaves those
#: clauses to that rule while it is registered, so one gap is not reported twice.
COVERED_BY = {
    "4.3": ("CTX001",),
    "6.1.2": ("RSK001",),
    "6.1.3": ("RSK001", "SOA001"),
    "6.2": ("OBJ001",),
    "8.2": ("RSK002",),
    "8.3": ("RSK007",),
}


def _covered_elsewhere(ref: str) -> bool:
    codes = COVERED_BY.get(ref)
    if not codes:
        return False
    registered = {r.code for r in all_rules()}
    return all(code in registered for code in codes)


@rule(
    code="DOC005",
    name="mandatory-documented-information-missing",
    reference="7.5.1 a",
    stage=1,
    grade=Grade.MINOR,
    title="Documented information required by a clause is missing",
    statement="The organisation has not retained some documented information that the standard "
    "requires.",
    version=2,
)
def mandatory_documented_information_missing(ctx):
    """
    What it checks: for every clause that requires documented information to be maintained or
    retained (4.3 scope, 6.1.2 risk assessment process, 6.1.3 risk treatment process, 6.2
    objectives, 7.2 d evidence of competence, 8.2 and 8.3 results of risk assessment and
    treatment), that the organisation has it. What counts, per clause: 4.3 a document linked to
    the clause or an approved scope in the Scope register; 6.1.2 a linked document or an
    approved risk method; 6.1.3 a linked document, or an approved risk method together with an
    SoA; 6.2 a linked document or objectives in the register; 7.2 a linked document (a
    competence matrix, records of qualifications) or role-specific training (a course for
    managers, executives, IT or security specialists, not the all-staff awareness course)
    passed by someone holding an ISMS role at the audit date; 8.2 risks with an assessment date
    in the risk register (only the latest date is kept, so its timeliness is left to the risk
    rules); 8.3 treatment-plan actions, unless every risk is retained (for 8.2 and 8.3 only
    records count, since a method document is not a result). A linked document counts when it
    has a version existing at the audit date. Clause 5.2 is left to DOC004, which applies a
    stricter test. Each instance cites the clause that requires the information (7.2 d for
    evidence of competence).

    Why an auditor cares: 7.5.1 a makes the documented information the standard requires part
    of the ISMS. Missing mandatory documented information is the first thing a stage 1 review
    looks for, and each gap is a nonconformity with the clause that requires it.

    How to fix: create the missing document or records, link the document to the clause in the
    document register, and have it approved.

    Grade: one instance (one clause) is minor: the documented information of a clause is
    missing while the process may run. Where the whole process of a clause is absent, the rule
    of that register reports it as a major (4.3 CTX001, 6.1.2 RSK001, 6.1.3 RSK001 and SOA001,
    6.2 OBJ001, 8.2 RSK002, 8.3 RSK007): this rule stays quiet on those clauses while that rule
    is registered, so one gap is reported once and never graded twice; in practice it then
    speaks for 7.2, which no other rule covers. No effect-based major.
    """
    required = Clause.objects.filter(
        documented_information__in=[
            Clause.DocumentedInformation.MAINTAIN,
            Clause.DocumentedInformation.RETAIN,
        ]
    ).exclude(ref=POLICY_CLAUSE)
    versions = ctx.q(DocumentVersion).filter(_version_exists(ctx), document=OuterRef("pk"))
    documented = set(
        ctx.q(Document)
        .filter(Exists(versions), clauses__in=required)
        .values_list("clauses__ref", flat=True)
    )
    evidence = _register_evidence(ctx)
    population = ctx.population("clauses requiring documented information", required)
    for clause in required:
        found, what = evidence.get(clause.ref, (False, ""))
        if found or (clause.ref in documented and clause.ref not in RESULTS_ONLY):
            continue
        if _covered_elsewhere(clause.ref):
            continue
        needed = clause.documented_information_note or clause.title
        if clause.ref in RESULTS_ONLY:
            missing = f"no {what}"
        elif what:
            missing = f"no document linked to the clause and no {what}"
        else:
            missing = "no document linked to the clause"
        reference = REQUIRED_BY.get(clause.ref, clause.ref)
        yield ctx.observe(
            Subject("Clause", clause.ref),
            f"Clause {reference} ({clause.title}) requires documented information "
            f"({needed}); there is {missing} as of {ctx.as_of}.",
            reference=reference,
            population=population,
        )


@rule(
    code="DOC006",
    name="document-self-approved",
    reference="7.5.2",
    stage=1,
    grade=Grade.OFI,
    title="Document version approved by its own author",
    statement="The organisation has let some documents be approved by their own authors.",
)
def document_self_approved(ctx):
    """
    What it checks: document versions approved on or before the audit date by the same person
    who wrote them.

    Why an auditor cares: approval is meant to be a second look by someone with the authority
    to put the document in force (7.5.2). Approving one's own text removes that check; auditors
    note it especially for policies and procedures that bind other people.

    How to fix: have documents approved by someone other than the author (the owner's manager,
    the CISO or top management), and state who approves what in the document control
    procedure.

    Grade: opportunity for improvement for each version: 7.5.2 asks for approval, not for an
    approver other than the author. No effect-based major.
    """
    versions = (
        ctx.q(DocumentVersion)
        .filter(_approved(ctx), author__isnull=False, approver=F("author"))
        .select_related("document__owner__department", "author")
    )
    for version in versions:
        document = version.document
        yield ctx.observe(
            Subject("Document versions", f"{document.ref} / {version.version}"),
            f"{document.ref} {document.title} version {version.version} was written and "
            f"approved (on {version.approved_on}) by the same person, {version.author.email}.",
            population=_documents(ctx),
            department=department_of(document.owner),
        )


@rule(
    code="DOC007",
    name="policy-not-approved-by-top-management",
    reference="5.2",
    stage=1,
    grade=Grade.MINOR,
    title="Information security policy not approved by top management",
    statement="The organisation's information security policy has not been established by top "
    "management.",
    version=2,
)
def policy_not_approved_by_top_management(ctx):
    """
    What it checks: for each document of kind "policy", that its current version (the latest
    approved on or before the audit date) was approved by top management at the approval date:
    the holder of the top-management sponsor role in the ISMS roles register, a user marked as
    top management in the organisation's memberships, or a head of department whose line
    manager is the sponsor, still with the organisation then (the definition management-review
    sign-off and resource approval use). Topic-specific policies are not judged, and nothing is
    judged when top management is not recorded at all (no sponsor role ever assigned and no
    member marked as top management).

    Why an auditor cares: 5.2 places the information security policy with top management. A
    policy signed off by the ISMS manager or IT shows the "ISMS as an IT project" pattern:
    leadership has not taken ownership of the commitments the policy makes.

    How to fix: have the current version approved by top management (the CEO, the board's
    sponsor or a member of the executive team) and record it; state in the document control
    procedure that the policy is approved at that level.

    Grade: one instance (one policy) is minor: the policy exists but the wrong level approved
    it. No effect-based major.
    """
    recorded = ctx.q(RoleAssignment).filter(role=RoleAssignment.Role.TOP_MANAGEMENT_SPONSOR)
    board = ctx.q(Membership).filter(is_top_management=True, is_active=True)
    if not (recorded.exists() or board.exists()):
        return
    latest = (
        ctx.q(DocumentVersion)
        .filter(document=OuterRef("pk"), approved_on__lte=ctx.as_of, approver__isnull=False)
        .order_by("-approved_on", "-pk")
    )
    approved_by_top_management = top_management_exists(
        ctx.organisation, person="current_approver", day="current_on"
    )
    policies = list(
        ctx.q(Document)
        .filter(kind=Document.Kind.POLICY)
        .annotate(
            current=Subquery(latest.values("pk")[:1]),
            current_approver=Subquery(latest.values("approver_id")[:1]),
            current_on=Subquery(latest.values("approved_on")[:1]),
        )
        .filter(current__isnull=False)
        .filter(~approved_by_top_management)
        .select_related("owner__department")
        .order_by("ref")
    )
    versions = (
        ctx.q(DocumentVersion)
        .select_related("approver")
        .in_bulk([policy.current for policy in policies])
    )
    for policy in policies:
        version = versions[policy.current]
        yield ctx.observe(
            Subject("Documents", policy.ref),
            f"{policy.ref} {policy.title} version {version.version} was approved on "
            f"{version.approved_on} by {version.approver.name} ({version.approver.email}), who "
            "was not top management at that date (not the top-management sponsor, not marked "
            "as top management, not a head of department reporting to the sponsor, or no "
            "longer with the organisation).",
            population=ctx.population(
                "policies", ctx.q(Document).filter(kind=Document.Kind.POLICY)
            ),
            department=department_of(policy.owner),
        )
