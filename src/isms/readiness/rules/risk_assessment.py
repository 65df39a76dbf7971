"""Risk assessment (6.1.2, 8.2) and the asset inventory (5.9): the method, the register, risks
tied to real assets and processes, scores against the method, reassessment, and owners of risks
and assets. The conventions shared with the treatment rules are in :mod:`._risk`.
"""

import re
from collections import defaultdict

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower, Trim

from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._risk import _label, _left, _population, _risks, _where
from isms.readiness.rules._shared import LEAVER_ISSUE, leaver, responsibilities
from isms.risk.models import Asset, Risk, RiskMethod

# -- helpers -----------------------------------------------------------------------------------


def _method(ctx):
    """The risk method in force at the audit date, or None."""

    def compute():
        methods = ctx.q(RiskMethod).exclude(approved_on__gt=ctx.as_of)
        approved = methods.filter(approved_by__isnull=False, approved_on__isnull=False)
        return approved.order_by("-approved_on", "-pk").first() or methods.order_by("-pk").first()

    return ctx.cached(f"risk-method-{ctx.as_of}", compute)


#: A method description that identifies risks per asset ("asset-based", "for each asset").
ASSET_BASED = re.compile(r"\basset", re.IGNORECASE)


def _asset_based(method) -> bool:
    """The organisation's own method says risks are identified per asset."""
    return bool(method and ASSET_BASED.search(method.description or ""))


def _copies(ctx) -> list[list]:
    """Sets of two or more risks whose threat and vulnerability texts are the same (ignoring
    case and surrounding spaces; risks with both texts empty are left out), each ordered by
    reference, the sets ordered by text."""

    def compute():
        groups = defaultdict(list)
        rows = (
            _risks(ctx)
            .annotate(t=Lower(Trim("threat")), v=Lower(Trim("vulnerability")))
            .exclude(t="", v="")
            .order_by("ref")
        )
        for risk in rows:
            groups[(risk.t, risk.v)].append(risk)
        return [groups[key] for key in sorted(groups) if len(groups[key]) > 1]

    return ctx.cached(f"risk-copies-{ctx.as_of}", compute)


def _tied_to(risk) -> str:
    parts = []
    if risk.asset_id:
        parts.append(f"asset {risk.asset.name}")
    if risk.process_id:
        parts.append(f"process {risk.process.name}")
    return " and ".join(parts) or "no asset or process"


# -- the method and the register ---------------------------------------------------------------


@rule(
    code="RSK001",
    name="risk-method-missing",
    reference="6.1.2",
    stage=1,
    grade=Grade.MAJOR,
    title="No documented and approved risk assessment method",
    statement="The organisation has not defined and approved an information security risk "
    "assessment process with criteria for accepting risks and for performing assessments.",
)
def risk_method_missing(ctx):
    """
    What it checks: that a risk method is recorded (scales, acceptance threshold, review
    interval) and that it has an approver and an approval date on or before the audit date.

    Why an auditor cares: 6.1.2 asks for a defined risk assessment process with criteria for
    accepting risk and for performing assessments, so that repeated assessments give consistent
    and comparable results. Without a method the scores in the register mean nothing; an
    unapproved method has nobody in management standing behind the acceptance criteria.

    How to fix: document the method (likelihood and impact scales, how they combine, the score
    up to which a risk may be retained, how often risks are reassessed) and have top management
    approve it.

    Grade: one instance: major when no method is recorded at all (the risk assessment process
    is absent); minor when one exists but was never approved. No effect-based major.
    """
    method = _method(ctx)
    if method is None:
        yield ctx.observe(
            Subject("Clause", "6.1.2"),
            "No risk assessment method is recorded: there are no scales, no acceptance criteria "
            "and no reassessment interval against which the risk register can be judged.",
        )
    elif method.approved_by_id is None or method.approved_on is None:
        yield ctx.observe(
            Subject("Risk method", method.name),
            f"Risk method {method.name} has no approver and approval date on or before "
            f"{ctx.as_of}.",
            grade=Grade.MINOR,
        )


@rule(
    code="RSK002",
    name="risk-register-empty",
    reference="8.2",
    stage=1,
    grade=Grade.MAJOR,
    title="The risk register is empty",
    statement="The organisation has not performed an information security risk assessment or "
    "retained its results.",
)
def risk_register_empty(ctx):
    """
    What it checks: that the risk register holds at least one risk assessed on or before the
    audit date.

    Why an auditor cares: the results of the risk assessment are mandatory documented
    information (8.2) and everything else (the SoA, the treatment plan, the objectives) should
    follow from them. An empty register means the risk assessment was never carried out.

    How to fix: run the risk assessment with the documented method: identify risks to the
    assets and processes in scope, name an owner for each, score and treat them.

    Grade: major: no risk assessment has been performed (a required process absent
    altogether).
    """
    if not _risks(ctx).exists():
        yield ctx.observe(
            Subject("Risks", "Risk register"),
            f"The risk register holds no risk assessed on or before {ctx.as_of}.",
        )


# -- F5: generic, template risks ---------------------------------------------------------------


@rule(
    code="RSK005",
    name="risk-not-tied-to-asset-or-process",
    reference="6.1.2 c",
    stage=1,
    grade=Grade.MINOR,
    title="Template risk not tied to what it threatens",
    statement="The organisation has not identified its risks for the information, assets and "
    "processes within the scope: risks are template entries, copied or tied to nothing.",
    version=2,
)
def risk_not_tied_to_asset_or_process(ctx):
    """
    What it checks: risks identified in a way the organisation's own method does not support,
    or copied from a template. The standard does not require asset-based identification, so:
    when the risk method in force describes asset-based identification (its description
    mentions assets), a risk that names no asset; otherwise, a risk that names neither an asset
    nor a process *and* whose threat and vulnerability text is the same as another risk's (a
    generic row copied from a list). RSK006 reports copies that are tied to the same records.

    Why an auditor cares: 6.1.2 c asks for risks associated with the loss of confidentiality,
    integrity and availability of information within the scope. A copied risk attached to
    nothing ("cyber attack") is the hallmark of a template risk assessment, and cannot be
    owned, scored or treated in any concrete way; a method that says risks are identified per
    asset and a register that does not do so means the method is not followed.

    How to fix: tie the risk to the asset or the business process it threatens (the asset,
    when the method identifies risks per asset); if it applies to several, split it into
    concrete risks, or delete it if it duplicates one that exists.

    Grade: one instance (one risk) is minor; a template assessment across a large share of the
    register is pervasive and therefore major. No effect-based major.
    """
    method = _method(ctx)
    population = _population(ctx)
    if _asset_based(method):
        for risk in _risks(ctx).filter(asset__isnull=True):
            yield ctx.observe(
                Subject("Risks", risk.ref),
                f"{_label(risk)} names no asset, but method {method.name} identifies risks per "
                f"asset ({_short(method.description)!r}); it is tied to {_tied_to(risk)}.",
                population=population,
                **_where(risk),
            )
        return
    for copies in _copies(ctx):
        for risk in copies:
            if risk.asset_id or risk.process_id:
                continue
            others = ", ".join(r.ref for r in copies if r.pk != risk.pk)
            yield ctx.observe(
                Subject("Risks", risk.ref),
                f"{_label(risk)} names no asset and no process, and its threat "
                f"({risk.threat!r}) and vulnerability ({risk.vulnerability!r}) are the same as "
                f"those of {others}.",
                population=population,
                **_where(risk),
            )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


@rule(
    code="RSK006",
    name="copy-paste-risks",
    reference="6.1.2 c",
    stage=1,
    grade=Grade.MINOR,
    title="Copies of one risk tied to the same records",
    issue="RSK005",
    version=2,
)
def copy_paste_risks(ctx):
    """
    What it checks: risks whose threat and vulnerability texts are the same as another risk's
    (ignoring case and surrounding spaces) *and* that are tied to the same asset and process as
    that risk: true template copies. The same threat on different assets or processes is
    legitimate (one threat, several things it threatens) and is not reported; copies tied to
    nothing at all are reported by RSK005. Each copy is one instance, and its detail names the
    other copies.

    Why an auditor cares: two identical rows about the same thing show the assessment was
    produced by copying rows rather than by analysing the assets and processes (6.1.2 c, 8.2
    ask for the assessment to be performed, not templated), and they double count the risk in
    every report built on the register. Auditors sample such rows first.

    How to fix: merge risks that are really the same, or rewrite each one with the specific
    threat and the specific weakness of the asset or process it concerns.

    Grade: one instance (one copied risk) is minor, part of the template-risk finding led by
    RSK005. No effect-based major.
    """
    population = _population(ctx)
    for copies in _copies(ctx):
        by_target = defaultdict(list)
        for risk in copies:
            if risk.asset_id or risk.process_id:
                by_target[(risk.asset_id, risk.process_id)].append(risk)
        for same in by_target.values():
            if len(same) < 2:
                continue
            for risk in same:
                others = ", ".join(r.ref for r in same if r.pk != risk.pk)
                yield ctx.observe(
                    Subject("Risks", risk.ref),
                    f"{_label(risk)} has the same threat ({risk.threat!r}) and vulnerability "
                    f"({risk.vulnerability!r}) as {others}, and is tied to the same "
                    f"{_tied_to(risk)}.",
                    population=population,
                    **_where(risk),
                )


# -- F8: scores against the method, reassessment -----------------------------------------------


@rule(
    code="RSK013",
    name="retained-risk-above-acceptance",
    reference="6.1.2 a",
    stage=1,
    grade=Grade.MINOR,
    title="Risk retained above the method's acceptance threshold",
    issue="RSK014",
)
def retained_risk_above_acceptance(ctx):
    """
    What it checks: risks whose treatment is retain although their score (residual, or inherent
    when no residual is given) is above the acceptance threshold of the risk method.

    Why an auditor cares: the acceptance criteria of 6.1.2 a say which risks may be accepted
    without treatment. Retaining a risk above them breaks the organisation's own method: either
    the risk needs treatment, or the criteria are not the ones really applied.

    How to fix: choose a treatment (modify, avoid, share) and plan it, or, if top management
    decides to accept an exceptional risk, record that decision and the reason and review the
    method so that it allows it.

    Grade: one instance (one risk) is minor, part of the finding on the consistent
    application of the method led by RSK014. No effect-based major.
    """
    method = _method(ctx)
    if method is None:
        return
    population = _population(ctx)
    risks = (
        _risks(ctx)
        .filter(treatment=Risk.Treatment.RETAIN)
        .annotate(score=Coalesce("residual_score", "inherent_score"))
        .filter(score__gt=method.acceptance_threshold)
    )
    for risk in risks:
        high = " (a high risk)" if risk.score >= method.high_threshold else ""
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is retained with a score of {risk.score}{high}, but method "
            f"{method.name} allows retention only up to {method.acceptance_threshold}.",
            population=population,
            **_where(risk),
        )


@rule(
    code="RSK014",
    name="risk-score-outside-method-scale",
    reference="6.1.2 b",
    stage=1,
    grade=Grade.MINOR,
    title="Likelihood or impact outside the method's scales",
    statement="The organisation has not applied its risk assessment method consistently: "
    "risks are scored outside its scales or retained beyond its acceptance criteria.",
)
def risk_score_outside_method_scale(ctx):
    """
    What it checks: inherent and residual likelihood and impact of each risk lie within the
    scales of the risk method (1 to the number of levels).

    Why an auditor cares: 6.1.2 b asks for assessments that produce consistent, valid and
    comparable results. A likelihood of 7 on a five-level scale shows the risk was scored with
    another (older or invented) method, so its score cannot be compared with the others or with
    the acceptance threshold.

    How to fix: rescore the risk on the method's scales, or update the method if the scales
    really changed, and rescore every risk with it.

    Grade: one instance (one risk) is minor; the finding is major when it is pervasive across
    the register. No effect-based major.
    """
    method = _method(ctx)
    if method is None:
        return
    max_l, max_i = method.likelihood_levels, method.impact_levels
    risks = _risks(ctx).filter(
        Q(likelihood__gt=max_l)
        | Q(impact__gt=max_i)
        | Q(residual_likelihood__gt=max_l)
        | Q(residual_impact__gt=max_i)
        | Q(residual_likelihood=0)
        | Q(residual_impact=0)
    )
    for risk in risks:
        values = []
        for label, value, top in (
            ("likelihood", risk.likelihood, max_l),
            ("impact", risk.impact, max_i),
            ("residual likelihood", risk.residual_likelihood, max_l),
            ("residual impact", risk.residual_impact, max_i),
        ):
            if value is not None and not 1 <= value <= top:
                values.append(f"{label} {value} (scale 1-{top})")
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is scored outside the scales of method {method.name}: "
            f"{', '.join(values)}.",
            population=_population(ctx),
            **_where(risk),
        )


@rule(
    code="RSK015",
    name="risk-not-reassessed",
    reference="8.2",
    stage=2,
    grade=Grade.MINOR,
    title="Risk not reassessed within the method's interval",
    statement="The organisation has not performed risk assessments at the planned intervals "
    "set by its risk method.",
)
def risk_not_reassessed(ctx):
    """
    What it checks: every risk was assessed within the review interval of the risk method
    (12 months when no method gives one) before the audit date.

    Why an auditor cares: 8.2 asks for risk assessments at planned intervals and when
    significant changes occur. A risk last looked at long ago may have changed beyond
    recognition; its score and treatment can no longer be trusted.

    How to fix: reassess the risk with its owner, record the date, and schedule the next
    assessment within the method's interval (risk workshops, a calendar reminder).

    Grade: one instance (one risk) is minor; major when pervasive. No effect-based major.
    """
    method = _method(ctx)
    months = method.review_interval_months if method and method.review_interval_months else 12
    cutoff = ctx.months_ago(months)
    risks = _risks(ctx).filter(Q(last_assessed_on__isnull=True) | Q(last_assessed_on__lt=cutoff))
    for risk in risks:
        when = (
            f"was last assessed on {risk.last_assessed_on}"
            if risk.last_assessed_on
            else "has no assessment date"
        )
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} {when}; the method asks for reassessment every {months} months, "
            f"so one was due after {cutoff}.",
            population=_population(ctx),
            **_where(risk),
        )


@rule(
    code="RSK016",
    name="residual-score-above-inherent",
    reference="6.1.2 b",
    stage=1,
    grade=Grade.OFI,
    title="Residual risk score higher than the inherent score",
    statement="The organisation has scored some residual risks higher than the same risks "
    "before treatment, which the register does not explain.",
    version=2,
)
def residual_score_above_inherent(ctx):
    """
    What it checks: risks whose residual score (after treatment) is higher than their inherent
    score (before treatment).

    Why an auditor cares: treatment cannot make a risk worse; a higher residual score means one
    of the two scores is wrong, which undermines the consistency 6.1.2 asks for and every
    acceptance decision based on it.

    How to fix: rescore the risk with its owner: if the risk really grew, raise the inherent
    score and revisit the treatment.

    Grade: opportunity for improvement for each risk: the standard sets no rule on how residual
    and inherent scores compare (a risk can grow), so this is register hygiene for the owner to
    explain, not a breach.
    """
    for risk in _risks(ctx).filter(residual_score__gt=F("inherent_score")):
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} has a residual score of {risk.residual_score} "
            f"({risk.residual_likelihood}x{risk.residual_impact}), higher than its inherent "
            f"score of {risk.inherent_score} ({risk.likelihood}x{risk.impact}).",
            population=_population(ctx),
            **_where(risk),
        )


# -- ownership ---------------------------------------------------------------------------------


@rule(
    code="RSK017",
    name="risk-without-owner",
    reference="6.1.2 c",
    stage=1,
    grade=Grade.MINOR,
    title="Risk without a current owner",
    statement="The organisation has not identified a risk owner for every risk.",
)
def risk_without_owner(ctx):
    """
    What it checks: every risk has an owner who had not left the organisation by the audit
    date. A risk with no owner belongs to this rule's own issue; a risk still owned by a leaver
    is an instance of the leaver issue led by LDR003 (responsibilities of people who left not
    reassigned), with the leaver as a related record.

    Why an auditor cares: 6.1.2 c asks for a risk owner for each risk: the person accountable
    for treating it and accepting what is left. A risk owned by nobody, or by a leaver, has no
    one to approve its treatment or accept its residual risk.

    How to fix: assign the risk to a current manager with the authority to treat it, and have
    them confirm the treatment and the residual risk.

    Grade: one instance (one risk) is minor; major when pervasive. No effect-based major.
    """
    for risk in _risks(ctx).filter(Q(owner__isnull=True) | _left("owner", ctx)):
        if risk.owner_id is None:
            yield ctx.observe(
                Subject("Risks", risk.ref),
                f"{_label(risk)} has no owner.",
                population=_population(ctx),
                **_where(risk),
            )
            continue
        owner = risk.owner
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is owned by {owner.email}, who left on {owner.leave_date}.",
            issue=LEAVER_ISSUE,
            related=[Subject("People", owner.email)],
            population=responsibilities(ctx),
            **{**_where(risk), "owner": None},
        )


@rule(
    code="RSK018",
    name="asset-without-owner",
    reference="A.5.9",
    stage=2,
    grade=Grade.MINOR,
    title="Asset without a current owner",
    statement="The organisation has not assigned an owner to every asset in its inventory.",
)
def asset_without_owner(ctx):
    """
    What it checks: every asset in the inventory has an owner who had not left the organisation
    by the audit date. An asset with no owner belongs to this rule's own issue; an asset still
    owned by a leaver is an instance of the leaver issue led by LDR003, with the leaver as a
    related record.

    Why an auditor cares: control 5.9 asks for an inventory of information and other assets
    with their owners. Owners classify, protect and review their assets; an asset owned by
    nobody, or by someone who has left, is protected by nobody. Leavers who still own assets
    also show the leaver process does not reach the ISMS registers.

    How to fix: hand the asset to a current owner (usually the leaver's successor or line
    manager), and add "reassign owned assets and risks" to the leaver checklist.

    Grade: one instance (one asset) is minor; major when pervasive. No effect-based major.
    """
    assets = (
        ctx.q(Asset)
        .filter(Q(owner__isnull=True) | _left("owner", ctx))
        .select_related("owner", "department", "process")
    )
    for asset in assets:
        where = {
            "department": asset.department.name if asset.department_id else None,
            "process": asset.process.name if asset.process_id else None,
        }
        label = f"Asset {asset.name} ({asset.get_kind_display().lower()})"
        if not leaver(ctx, asset.owner):
            yield ctx.observe(
                Subject("Assets", asset.name),
                f"{label} has no owner.",
                population=ctx.population("assets", ctx.q(Asset)),
                **where,
            )
            continue
        owner = asset.owner
        yield ctx.observe(
            Subject("Assets", asset.name),
            f"{label} is owned by {owner.email}, who left on {owner.leave_date}.",
            issue=LEAVER_ISSUE,
            related=[Subject("People", owner.email)],
            population=responsibilities(ctx),
            **where,
        )
