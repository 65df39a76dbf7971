"""Risk assessment and treatment (6.1.2, 6.1.3, 8.2, 8.3) and the asset inventory (5.9).

Shared conventions of these rules:

- The method in force is the newest one approved on or before the audit date; without an
  approved one, the newest method recorded. Rules that need its scales or thresholds stay quiet
  when there is no method at all (RSK001 reports that).
- A risk last assessed after the audit date did not exist in that form on the audit day and is
  left out. A treatment action is *open* at the audit date when it is planned or in progress, or
  marked done with a completion date after the audit date.
- A person "has left" when their leave date is on or before the audit date.
"""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Lower, Trim

from isms.controls.models import SoAEntry
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.risk.models import Asset, Risk, RiskMethod, TreatmentAction

TREATED = [Risk.Treatment.MODIFY, Risk.Treatment.AVOID, Risk.Treatment.SHARE]
CONTROLLED = [Risk.Treatment.MODIFY, Risk.Treatment.SHARE]


# -- helpers -----------------------------------------------------------------------------------


def _method(ctx):
    """The risk method in force at the audit date, or None."""

    def compute():
        methods = ctx.q(RiskMethod).exclude(approved_on__gt=ctx.as_of)
        approved = methods.filter(approved_by__isnull=False, approved_on__isnull=False)
        return approved.order_by("-approved_on", "-pk").first() or methods.order_by("-pk").first()

    return ctx.cached(f"risk-method-{ctx.as_of}", compute)


def _risks(ctx):
    """Risks that existed at the audit date, with what findings print."""
    return (
        ctx.q(Risk)
        .exclude(last_assessed_on__gt=ctx.as_of)
        .select_related("owner", "asset__department", "process__department")
    )


def _open_actions(ctx):
    """Treatment actions still open at the audit date, for risks that existed then."""
    open_q = Q(status__in=[TreatmentAction.Status.PLANNED, TreatmentAction.Status.IN_PROGRESS]) | Q(
        status=TreatmentAction.Status.DONE, completed_on__gt=ctx.as_of
    )
    return (
        ctx.q(TreatmentAction)
        .filter(open_q)
        .exclude(risk__last_assessed_on__gt=ctx.as_of)
        .select_related("owner", "risk__asset__department", "risk__process__department")
    )


def _left(prefix: str, ctx) -> Q:
    """``prefix`` person has left on or before the audit date."""
    return Q(**{f"{prefix}__leave_date__lte": ctx.as_of})


def _where(risk) -> dict:
    """Department and process of a risk, for escalation."""
    department = None
    if risk.asset_id and risk.asset.department_id:
        department = risk.asset.department.name
    elif risk.process_id and risk.process.department_id:
        department = risk.process.department.name
    return {"department": department, "process": risk.process.name if risk.process_id else None}


def _short(text: str, limit: int = 80) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "..."


def _action_label(action) -> str:
    return f"Treatment action {action.ref} (risk {action.risk.ref}: {_short(action.action)})"


def _label(risk) -> str:
    return f"Risk {risk.ref} ({risk.title})"


# -- the method and the register ---------------------------------------------------------------


@rule(
    code="RSK001",
    name="risk-method-missing",
    reference="6.1.2",
    stage=1,
    grade=Grade.MAJOR,
    title="No documented and approved risk assessment method",
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

    Grade: major when no method is recorded at all; minor when one exists but was never
    approved.
    """
    method = _method(ctx)
    if method is None:
        yield ctx.finding(
            Subject("Clause", "6.1.2"),
            "No risk assessment method is recorded: there are no scales, no acceptance criteria "
            "and no reassessment interval against which the risk register can be judged.",
        )
    elif method.approved_by_id is None or method.approved_on is None:
        yield ctx.finding(
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

    Grade: major: the requirement is absent entirely.
    """
    if not _risks(ctx).exists():
        yield ctx.finding(
            Subject("Risks", "Risk register"),
            f"The risk register holds no risk assessed on or before {ctx.as_of}.",
        )


# -- F4: risks, controls and the SoA -----------------------------------------------------------


@rule(
    code="RSK003",
    name="treated-risk-without-controls",
    reference="6.1.3 b",
    stage=1,
    grade=Grade.MINOR,
    title="Risk to be modified or shared with no Annex A control",
)
def treated_risk_without_controls(ctx):
    """
    What it checks: risks whose treatment is modify or share but that link no Annex A control,
    neither on the risk itself nor on any of its treatment-plan actions.

    Why an auditor cares: 6.1.3 b and c ask the organisation to determine the controls that
    implement the chosen treatment and to compare them with Annex A. A risk "reduced" by nothing
    in the SoA cannot be traced to a control, so the auditor cannot test that the treatment
    operates.

    How to fix: link the Annex A controls that reduce (or, for sharing, transfer) the risk,
    on the risk and on the actions that implement them, and check the SoA marks them applicable.

    Grade: minor for each risk.
    """
    risk_controls = Risk.controls.through.objects.filter(risk_id=OuterRef("pk"))
    action_controls = TreatmentAction.controls.through.objects.filter(
        treatmentaction__risk_id=OuterRef("pk")
    )
    risks = (
        _risks(ctx)
        .filter(treatment__in=CONTROLLED)
        .filter(~Exists(risk_controls), ~Exists(action_controls))
    )
    for risk in risks:
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is to be treated by {risk.treatment}, but neither the risk nor any "
            "of its treatment-plan actions links an Annex A control.",
            **_where(risk),
        )


@rule(
    code="RSK004",
    name="treatment-control-not-in-soa",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Risk or treatment action relies on a control the SoA excludes",
)
def treatment_control_not_in_soa(ctx):
    """
    What it checks: every Annex A control linked to a risk, or cited by a treatment-plan action
    that is not cancelled, is marked applicable in the SoA. A control the SoA excludes, or has
    no row for, is reported on the risk or action that cites it. The rule is quiet while the SoA
    is empty (SOA001 reports that).

    Why an auditor cares: the SoA must contain the controls the risk treatment needs (6.1.3 d).
    A plan that implements a control the SoA declares not applicable shows the two documents
    were written separately, and that one of them is wrong.

    How to fix: either make the control applicable in the SoA with the risk as its reason, or
    change the risk or the action to use a control that is applicable.

    Grade: minor for each risk or action.
    """
    if not ctx.q(SoAEntry).exists():
        return
    applicable = ctx.q(SoAEntry).filter(applicable=True).values("control_id")
    excluded = set(ctx.q(SoAEntry).filter(applicable=False).values_list("control_id", flat=True))
    risk_links = (
        Risk.controls.through.objects.filter(risk__in=_risks(ctx))
        .exclude(control_id__in=applicable)
        .select_related("control", "risk__asset__department", "risk__process__department")
        .order_by("risk__ref", "control__sort_key")
    )
    action_links = (
        TreatmentAction.controls.through.objects.filter(
            treatmentaction__organisation=ctx.organisation
        )
        .exclude(treatmentaction__status=TreatmentAction.Status.CANCELLED)
        .exclude(treatmentaction__risk__last_assessed_on__gt=ctx.as_of)
        .exclude(control_id__in=applicable)
        .select_related(
            "control",
            "treatmentaction__risk__asset__department",
            "treatmentaction__risk__process__department",
        )
        .order_by("treatmentaction__ref", "control__sort_key")
    )

    def describe(links):
        parts = []
        for link in links:
            state = (
                "marked not applicable" if link.control_id in excluded else "missing from the SoA"
            )
            parts.append(f"{link.control.ref} ({link.control.title}, {state})")
        return "; ".join(parts)

    for risk, links in _group(risk_links, "risk"):
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} links controls the SoA does not include: {describe(links)}.",
            **_where(risk),
        )
    for action, links in _group(action_links, "treatmentaction"):
        yield ctx.finding(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} cites controls the SoA does not include: {describe(links)}.",
            **_where(action.risk),
        )


def _group(links, attribute):
    """Group already-ordered through-table rows by the record they belong to."""
    current, bucket = None, []
    for link in links:
        record = getattr(link, attribute)
        if current is not None and record.pk != current.pk:
            yield current, bucket
            bucket = []
        current = record
        bucket.append(link)
    if current is not None:
        yield current, bucket


# -- F5: generic, template risks ---------------------------------------------------------------


@rule(
    code="RSK005",
    name="risk-not-tied-to-asset-or-process",
    reference="6.1.2 c",
    stage=1,
    grade=Grade.MINOR,
    title="Risk not tied to any asset or process",
)
def risk_not_tied_to_asset_or_process(ctx):
    """
    What it checks: risks that name neither an asset nor a process.

    Why an auditor cares: 6.1.2 asks for risks associated with the loss of confidentiality,
    integrity and availability of information within the scope. A risk attached to nothing
    ("cyber attack") is the hallmark of a template risk assessment copied from a list, and
    cannot be owned, scored or treated in any concrete way.

    How to fix: tie the risk to the asset or the business process it threatens; if it applies
    to several, split it into concrete risks, or delete it if it duplicates one that exists.

    Grade: minor for each risk.
    """
    for risk in _risks(ctx).filter(asset__isnull=True, process__isnull=True):
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} names no asset and no process it applies to.",
            **_where(risk),
        )


@rule(
    code="RSK006",
    name="copy-paste-risks",
    reference="6.1.2 c",
    stage=1,
    grade=Grade.MINOR,
    title="Risks with identical threat and vulnerability text",
)
def copy_paste_risks(ctx):
    """
    What it checks: groups of two or more risks whose threat and vulnerability texts are the
    same (ignoring case and surrounding spaces). One finding is raised per duplicate set, on
    the set's first risk by reference, naming all of them, since the fix is one decision about
    the set (merge or rewrite).

    Why an auditor cares: identical wording across risks shows the assessment was produced by
    copying rows rather than by analysing each asset and process (8.2 asks for the assessment
    to be performed, not templated). Auditors sample such rows first.

    How to fix: merge risks that are really the same, or rewrite each one with the specific
    threat and the specific weakness of the asset or process it concerns.

    Grade: minor for each duplicate set.
    """
    normalised = (
        _risks(ctx)
        .annotate(t=Lower(Trim("threat")), v=Lower(Trim("vulnerability")))
        .exclude(t="", v="")
    )
    groups = normalised.values("t", "v").annotate(n=Count("id")).filter(n__gt=1).order_by("t", "v")
    for group in groups:
        members = list(normalised.filter(t=group["t"], v=group["v"]).order_by("ref"))
        first = members[0]
        refs = ", ".join(r.ref for r in members)
        yield ctx.finding(
            Subject("Risks", first.ref),
            f"Risks {refs} share the same threat ({first.threat!r}) and vulnerability "
            f"({first.vulnerability!r}).",
            **_where(first),
        )


# -- F6: paper risks and the treatment plan ----------------------------------------------------


@rule(
    code="RSK007",
    name="treated-risk-without-action",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Risk to be treated with no treatment-plan action",
)
def treated_risk_without_action(ctx):
    """
    What it checks: risks whose treatment is modify, avoid or share but that have no action in
    the risk treatment plan other than cancelled ones.

    Why an auditor cares: a "paper risk" is marked as treated, often with a comfortable residual
    score, but nothing in the plan (6.1.3 e) says who will do what by when. The claimed residual
    risk is unsupported.

    How to fix: add the actions that implement the treatment (owner, due date, budget or
    resources, controls), or, if the existing controls already achieve the residual score,
    record them as completed actions with their evidence.

    Grade: minor for each risk.
    """
    actions = TreatmentAction.objects.filter(risk_id=OuterRef("pk")).exclude(
        status=TreatmentAction.Status.CANCELLED
    )
    for risk in _risks(ctx).filter(treatment__in=TREATED).filter(~Exists(actions)):
        residual = (
            f" and claims a residual score of {risk.residual_score}" if risk.residual_score else ""
        )
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is to be treated by {risk.treatment}{residual}, but the treatment "
            "plan has no action for it.",
            **_where(risk),
        )


@rule(
    code="RSK008",
    name="treatment-action-without-owner",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Open treatment action without a current owner",
)
def treatment_action_without_owner(ctx):
    """
    What it checks: open treatment-plan actions with no owner, or whose owner left on or before
    the audit date.

    Why an auditor cares: the treatment plan must say who is responsible for each action
    (6.1.3 e, 8.3). An action nobody owns is not going to happen, and the risk stays untreated.

    How to fix: give the action an owner who is still with the organisation and has the
    authority to complete it.

    Grade: minor for each action.
    """
    actions = _open_actions(ctx).filter(Q(owner__isnull=True) | _left("owner", ctx))
    for action in actions:
        why = (
            "has no owner"
            if action.owner_id is None
            else f"is owned by {action.owner.email}, who left on {action.owner.leave_date}"
        )
        yield ctx.finding(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is "
            f"{action.get_status_display().lower()} at {ctx.as_of} but {why}.",
            **_where(action.risk),
        )


@rule(
    code="RSK009",
    name="treatment-action-without-due-date",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Open treatment action without a due date",
)
def treatment_action_without_due_date(ctx):
    """
    What it checks: open treatment-plan actions with no due date.

    Why an auditor cares: the plan must say when each action will be completed (6.1.3 e).
    Without a date nobody can tell whether treatment is late, and the risk can stay open
    indefinitely.

    How to fix: agree a realistic target date with the action owner and record it.

    Grade: minor for each action.
    """
    for action in _open_actions(ctx).filter(due_on__isnull=True):
        yield ctx.finding(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is {action.get_status_display().lower()} with no due date.",
            **_where(action.risk),
        )


@rule(
    code="RSK010",
    name="treatment-action-without-resources",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Open treatment action with no budget or resources",
)
def treatment_action_without_resources(ctx):
    """
    What it checks: open treatment-plan actions with neither a budget (above zero) nor a
    description of the people, time or tools assigned.

    Why an auditor cares: the plan must say what resources each action needs (6.1.3 e); an
    unresourced action is a wish. Auditors also read it as a sign that top management has not
    provided the resources the ISMS needs (7.1).

    How to fix: record the budget approved for the action, or the people, days or tools
    assigned to it.

    Grade: minor for each action.
    """
    actions = (
        _open_actions(ctx)
        .annotate(assigned=Trim("resources"))
        .filter(Q(budget__isnull=True) | Q(budget=0), assigned="")
    )
    for action in actions:
        yield ctx.finding(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is "
            f"{action.get_status_display().lower()} with no budget and no resources assigned.",
            **_where(action.risk),
        )


@rule(
    code="RSK011",
    name="treatment-action-overdue",
    reference="8.3",
    stage=2,
    grade=Grade.MINOR,
    title="Treatment action past its due date and not done",
)
def treatment_action_overdue(ctx):
    """
    What it checks: treatment-plan actions still open at the audit date (planned, in progress,
    or completed only after the audit date) whose due date is before the audit date.

    Why an auditor cares: 8.3 asks for the risk treatment plan to be implemented. Overdue
    actions show the plan is not being driven, and that the residual risk the register claims
    has not been reached yet.

    How to fix: complete the action, or re-plan it with a new date approved by the risk owner
    and record why it slipped; consider whether the risk needs interim measures.

    Grade: minor for each action.
    """
    for action in _open_actions(ctx).filter(due_on__lt=ctx.as_of):
        late = (ctx.as_of - action.due_on).days
        yield ctx.finding(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} was "
            f"due on {action.due_on} and is still {action.get_status_display().lower()} at "
            f"{ctx.as_of}, {late} days late.",
            **_where(action.risk),
        )


# -- F7: acceptance ----------------------------------------------------------------------------


@rule(
    code="RSK012",
    name="residual-risk-not-accepted-by-owner",
    reference="6.1.3 f",
    stage=1,
    grade=Grade.MINOR,
    title="Residual risk not accepted by the risk owner",
)
def residual_risk_not_accepted_by_owner(ctx):
    """
    What it checks: every risk records who accepted its residual risk and when (on or before
    the audit date), and that the person who accepted it is the risk's owner.

    Why an auditor cares: 6.1.3 f requires the risk owners to approve the treatment plan and to
    accept the residual risks. Acceptance by the ISMS manager or by nobody means the person
    accountable for the risk never agreed to live with what is left of it.

    How to fix: have the risk owner review the residual score and record their acceptance with
    the date; if the owner will not accept it, treat the risk further.

    Grade: minor for each risk.
    """
    risks = (
        _risks(ctx)
        .filter(
            Q(accepted_by__isnull=True)
            | Q(accepted_on__isnull=True)
            | Q(accepted_on__gt=ctx.as_of)
            | (Q(owner__isnull=False) & ~Q(accepted_by=F("owner")))
        )
        .select_related("accepted_by")
    )
    for risk in risks:
        residual = f"residual score {risk.residual_score}" if risk.residual_score else "residual"
        if risk.accepted_by_id is None or risk.accepted_on is None:
            why = "no acceptance is recorded"
        elif risk.accepted_on > ctx.as_of:
            why = f"it was accepted only on {risk.accepted_on}, after {ctx.as_of}"
        else:
            owner = risk.owner.email if risk.owner_id else "nobody"
            why = (
                f"it was accepted by {risk.accepted_by.email} on {risk.accepted_on}, not by "
                f"the risk owner {owner}"
            )
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)}: {residual}, but {why}.",
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

    Grade: minor for each risk.
    """
    method = _method(ctx)
    if method is None:
        return
    risks = (
        _risks(ctx)
        .filter(treatment=Risk.Treatment.RETAIN)
        .annotate(score=Coalesce("residual_score", "inherent_score"))
        .filter(score__gt=method.acceptance_threshold)
    )
    for risk in risks:
        high = " (a high risk)" if risk.score >= method.high_threshold else ""
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is retained with a score of {risk.score}{high}, but method "
            f"{method.name} allows retention only up to {method.acceptance_threshold}.",
            **_where(risk),
        )


@rule(
    code="RSK014",
    name="risk-score-outside-method-scale",
    reference="6.1.2 b",
    stage=1,
    grade=Grade.MINOR,
    title="Likelihood or impact outside the method's scales",
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

    Grade: minor for each risk.
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
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is scored outside the scales of method {method.name}: "
            f"{', '.join(values)}.",
            **_where(risk),
        )


@rule(
    code="RSK015",
    name="risk-not-reassessed",
    reference="8.2",
    stage=2,
    grade=Grade.MINOR,
    title="Risk not reassessed within the method's interval",
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

    Grade: minor for each risk.
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
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} {when}; the method asks for reassessment every {months} months, "
            f"so one was due after {cutoff}.",
            **_where(risk),
        )


@rule(
    code="RSK016",
    name="residual-score-above-inherent",
    reference="6.1.2 b",
    stage=1,
    grade=Grade.MINOR,
    title="Residual risk score higher than the inherent score",
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

    Grade: minor for each risk.
    """
    for risk in _risks(ctx).filter(residual_score__gt=F("inherent_score")):
        yield ctx.finding(
            Subject("Risks", risk.ref),
            f"{_label(risk)} has a residual score of {risk.residual_score} "
            f"({risk.residual_likelihood}x{risk.residual_impact}), higher than its inherent "
            f"score of {risk.inherent_score} ({risk.likelihood}x{risk.impact}).",
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
)
def risk_without_owner(ctx):
    """
    What it checks: every risk has an owner who had not left the organisation by the audit
    date.

    Why an auditor cares: 6.1.2 c asks for a risk owner for each risk: the person accountable
    for treating it and accepting what is left. A risk owned by nobody, or by a leaver, has no
    one to approve its treatment or accept its residual risk.

    How to fix: assign the risk to a current manager with the authority to treat it, and have
    them confirm the treatment and the residual risk.

    Grade: minor for each risk.
    """
    for risk in _risks(ctx).filter(Q(owner__isnull=True) | _left("owner", ctx)):
        why = (
            "has no owner"
            if risk.owner_id is None
            else f"is owned by {risk.owner.email}, who left on {risk.owner.leave_date}"
        )
        yield ctx.finding(Subject("Risks", risk.ref), f"{_label(risk)} {why}.", **_where(risk))


@rule(
    code="RSK018",
    name="asset-without-owner",
    reference="A.5.9",
    stage=2,
    grade=Grade.MINOR,
    title="Asset without a current owner",
)
def asset_without_owner(ctx):
    """
    What it checks: every asset in the inventory has an owner who had not left the organisation
    by the audit date.

    Why an auditor cares: control 5.9 asks for an inventory of information and other assets
    with their owners. Owners classify, protect and review their assets; an asset owned by
    nobody, or by someone who has left, is protected by nobody. Leavers who still own assets
    also show the leaver process does not reach the ISMS registers.

    How to fix: hand the asset to a current owner (usually the leaver's successor or line
    manager), and add "reassign owned assets and risks" to the leaver checklist.

    Grade: minor for each asset.
    """
    assets = (
        ctx.q(Asset)
        .filter(Q(owner__isnull=True) | _left("owner", ctx))
        .select_related("owner", "department", "process")
    )
    for asset in assets:
        why = (
            "has no owner"
            if asset.owner_id is None
            else f"is owned by {asset.owner.email}, who left on {asset.owner.leave_date}"
        )
        yield ctx.finding(
            Subject("Assets", asset.name),
            f"Asset {asset.name} ({asset.get_kind_display().lower()}) {why}.",
            department=asset.department.name if asset.department_id else None,
            process=asset.process.name if asset.process_id else None,
        )
