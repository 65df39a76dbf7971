"""Risk treatment (6.1.3, 8.3): treated risks linked to controls the SoA includes, a treatment
plan whose actions have an owner, a due date and resources and are not overdue, and residual
risks accepted by their owners. The conventions shared with the assessment rules are in
:mod:`._risk`.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Trim

from isms.controls.models import SoAEntry
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._risk import _label, _left, _population, _risks, _where
from isms.risk.models import Risk, TreatmentAction

TREATED = [Risk.Treatment.MODIFY, Risk.Treatment.AVOID, Risk.Treatment.SHARE]
CONTROLLED = [Risk.Treatment.MODIFY, Risk.Treatment.SHARE]


# -- helpers -----------------------------------------------------------------------------------


def _open_actions(ctx):
    """Treatment actions still open at the audit date, for risks that existed then."""
    open_q = Q(status__in=[TreatmentAction.Status.PLANNED, TreatmentAction.Status.IN_PROGRESS]) | Q(
        status=TreatmentAction.Status.DONE, completed_on__gt=ctx.as_of
    )
    return (
        ctx.q(TreatmentAction)
        .filter(open_q)
        .exclude(risk__last_assessed_on__gt=ctx.as_of)
        .select_related(
            "owner", "risk__owner", "risk__asset__department", "risk__process__department"
        )
    )


def _treated(ctx):
    """Population: the risks to be treated (modify, avoid or share) at the audit date."""
    return ctx.population("risks to be treated", _risks(ctx).filter(treatment__in=TREATED))


def _plan(ctx):
    """Population of the treatment-plan issue: risks to be treated and open actions."""

    def compute() -> int:
        return _risks(ctx).filter(treatment__in=TREATED).count() + _open_actions(ctx).count()

    return ctx.population("risks to be treated and open actions", ctx.cached("plan", compute))


def _open_population(ctx):
    return ctx.population("open treatment actions", _open_actions(ctx))


def _short(text: str, limit: int = 80) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "..."


def _action_label(action) -> str:
    return f"Treatment action {action.ref} (risk {action.risk.ref}: {_short(action.action)})"


# -- F4: risks, controls and the SoA -----------------------------------------------------------


@rule(
    code="RSK003",
    name="treated-risk-without-controls",
    reference="6.1.3 b",
    stage=1,
    grade=Grade.MINOR,
    title="Risk to be modified or shared with no Annex A control",
    statement="The organisation has not determined the controls needed to implement its risk "
    "treatment and compared them with Annex A and the Statement of Applicability.",
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

    Grade: one instance (one risk) is minor; major when pervasive among the risks to be
    treated. No effect-based major.
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
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is to be treated by {risk.treatment}, but neither the risk nor any "
            "of its treatment-plan actions links an Annex A control.",
            population=_treated(ctx),
            **_where(risk),
        )


@rule(
    code="RSK004",
    name="treatment-control-not-in-soa",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Risk or treatment action relies on a control the SoA excludes",
    issue="RSK003",
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

    Grade: one instance (one risk or action) is minor, part of the finding on treatment and
    the SoA led by RSK003. No effect-based major.
    """
    if not ctx.q(SoAEntry).exists():
        return
    applicable = ctx.q(SoAEntry).filter(applicable=True).values("control_id")
    excluded = set(ctx.q(SoAEntry).filter(applicable=False).values_list("control_id", flat=True))
    risk_links = (
        Risk.controls.through.objects.filter(risk__in=_risks(ctx))
        .exclude(control_id__in=applicable)
        .select_related(
            "control", "risk__owner", "risk__asset__department", "risk__process__department"
        )
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
            "treatmentaction__risk__owner",
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
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} links controls the SoA does not include: {describe(links)}.",
            population=_treated(ctx),
            **_where(risk),
        )
    for action, links in _group(action_links, "treatmentaction"):
        yield ctx.observe(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} cites controls the SoA does not include: {describe(links)}.",
            related=[Subject("Risks", action.risk.ref)],
            population=_treated(ctx),
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


# -- F6: paper risks and the treatment plan ----------------------------------------------------


@rule(
    code="RSK007",
    name="treated-risk-without-action",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Risk to be treated with no treatment-plan action",
    statement="The organisation has not formulated a complete risk treatment plan: risks to be "
    "treated lack actions, or actions lack an owner or a date.",
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

    Grade: one instance (one risk) is minor; major when pervasive among the risks to be
    treated and the open actions. No effect-based major.
    """
    actions = TreatmentAction.objects.filter(risk_id=OuterRef("pk")).exclude(
        status=TreatmentAction.Status.CANCELLED
    )
    for risk in _risks(ctx).filter(treatment__in=TREATED).filter(~Exists(actions)):
        residual = (
            f" and claims a residual score of {risk.residual_score}" if risk.residual_score else ""
        )
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is to be treated by {risk.treatment}{residual}, but the treatment "
            "plan has no action for it.",
            population=_plan(ctx),
            **_where(risk),
        )


@rule(
    code="RSK008",
    name="treatment-action-without-owner",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Open treatment action without a current owner",
    issue="RSK007",
)
def treatment_action_without_owner(ctx):
    """
    What it checks: open treatment-plan actions with no owner, or whose owner left on or before
    the audit date.

    Why an auditor cares: the treatment plan must say who is responsible for each action
    (6.1.3 e, 8.3). An action nobody owns is not going to happen, and the risk stays untreated.

    How to fix: give the action an owner who is still with the organisation and has the
    authority to complete it.

    Grade: one instance (one action) is minor, part of the treatment-plan finding led by
    RSK007. No effect-based major.
    """
    actions = _open_actions(ctx).filter(Q(owner__isnull=True) | _left("owner", ctx))
    for action in actions:
        why = (
            "has no owner"
            if action.owner_id is None
            else f"is owned by {action.owner.email}, who left on {action.owner.leave_date}"
        )
        yield ctx.observe(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is "
            f"{action.get_status_display().lower()} at {ctx.as_of} but {why}.",
            population=_plan(ctx),
            **_where(action.risk),
        )


@rule(
    code="RSK009",
    name="treatment-action-without-due-date",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.MINOR,
    title="Open treatment action without a due date",
    issue="RSK007",
)
def treatment_action_without_due_date(ctx):
    """
    What it checks: open treatment-plan actions with no due date.

    Why an auditor cares: the plan must say when each action will be completed (6.1.3 e).
    Without a date nobody can tell whether treatment is late, and the risk can stay open
    indefinitely.

    How to fix: agree a realistic target date with the action owner and record it.

    Grade: one instance (one action) is minor, part of the treatment-plan finding led by
    RSK007. No effect-based major.
    """
    for action in _open_actions(ctx).filter(due_on__isnull=True):
        yield ctx.observe(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is {action.get_status_display().lower()} with no due date.",
            population=_plan(ctx),
            **_where(action.risk),
        )


@rule(
    code="RSK010",
    name="treatment-action-without-resources",
    reference="6.1.3 e",
    stage=1,
    grade=Grade.OFI,
    title="Open treatment action with no budget or resources",
    statement="The organisation has not recorded the resources for some open actions of its "
    "risk treatment plan.",
    version=2,
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

    Grade: opportunity for improvement for each action: the standard asks the plan to be
    formulated (6.1.3 e) and resources to be provided (7.1), but an empty budget or resources
    field alone does not show that the action is unresourced.
    """
    actions = (
        _open_actions(ctx)
        .annotate(assigned=Trim("resources"))
        .filter(Q(budget__isnull=True) | Q(budget=0), assigned="")
    )
    for action in actions:
        yield ctx.observe(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} is "
            f"{action.get_status_display().lower()} with no budget and no resources assigned.",
            population=_open_population(ctx),
            **_where(action.risk),
        )


@rule(
    code="RSK011",
    name="treatment-action-overdue",
    reference="8.3",
    stage=2,
    grade=Grade.MINOR,
    title="Treatment action past its due date and not done",
    statement="The organisation has not implemented its risk treatment plan as planned: "
    "actions are past their due dates.",
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

    Grade: one instance (one action) is minor; major when pervasive among the open actions.
    No effect-based major. Each instance names the risk (and its asset) as related records, so
    that other findings about the same risk merge with it.
    """
    for action in _open_actions(ctx).filter(due_on__lt=ctx.as_of):
        late = (ctx.as_of - action.due_on).days
        related = [Subject("Risks", action.risk.ref)]
        if action.risk.asset_id:
            related.append(Subject("Assets", action.risk.asset.name))
        yield ctx.observe(
            Subject("Treatment plan", action.ref),
            f"{_action_label(action)} was "
            f"due on {action.due_on} and is still {action.get_status_display().lower()} at "
            f"{ctx.as_of}, {late} days late.",
            related=related,
            population=_open_population(ctx),
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
    statement="The organisation has not obtained the risk owners' approval of the risk treatment "
    "plan and their acceptance of the residual risks.",
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

    Grade: one instance (one risk) is minor; major when pervasive. No effect-based major.
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
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)}: {residual}, but {why}.",
            population=_population(ctx),
            **_where(risk),
        )


@rule(
    code="RSK019",
    name="treatment-plan-not-approved-by-owner",
    reference="6.1.3 f",
    stage=1,
    grade=Grade.MINOR,
    title="Treatment plan not approved by the risk owner",
    issue="RSK012",
)
def treatment_plan_not_approved_by_owner(ctx):
    """
    What it checks: for every risk to be treated (modify, avoid or share) that has actions in
    the treatment plan (other than cancelled ones), that the risk's owner approved the plan for
    it: the risk records who approved its treatment plan and when (``plan_approved_by``,
    ``plan_approved_on``), on or before the audit date, and the approver is the risk owner.
    The approval fields are optional, since many organisations record the approval of the
    plan elsewhere (the minutes of a risk meeting); so a risk with no approval recorded is
    reported only when the organisation records plan approvals on other risks (it uses the
    register for it, and this risk was missed). An approval by someone other than the owner,
    or dated after the audit date, is always reported. Risks without actions are RSK007's.

    Why an auditor cares: 6.1.3 f requires the risk owners to approve the risk treatment plan.
    A plan approved by the ISMS manager alone, or by nobody, means the people accountable for
    the risks never agreed to what will be done about them, by whom and when.

    How to fix: have each risk owner review the actions for their risks and record their
    approval with the date; re-approve when the plan for the risk changes.

    Grade: one instance (one risk) is minor, part of the finding on risk owners' approval and
    acceptance led by RSK012. No effect-based major.
    """
    actions = TreatmentAction.objects.filter(risk_id=OuterRef("pk")).exclude(
        status=TreatmentAction.Status.CANCELLED
    )
    planned = _risks(ctx).filter(treatment__in=TREATED).filter(Exists(actions))
    recorded = planned.filter(plan_approved_by__isnull=False, plan_approved_on__lte=ctx.as_of)
    uses_register = recorded.exists()
    risks = planned.filter(
        Q(plan_approved_by__isnull=True)
        | Q(plan_approved_on__isnull=True)
        | Q(plan_approved_on__gt=ctx.as_of)
        | (Q(owner__isnull=False) & ~Q(plan_approved_by=F("owner")))
    ).select_related("plan_approved_by")
    for risk in risks:
        approver = risk.plan_approved_by
        if approver is None or risk.plan_approved_on is None:
            if not uses_register:
                continue
            why = "no approval of its treatment plan is recorded"
        elif risk.plan_approved_on > ctx.as_of:
            why = (
                f"its treatment plan was approved only on {risk.plan_approved_on}, after "
                f"{ctx.as_of}"
            )
        else:
            owner = risk.owner.email if risk.owner_id else "nobody"
            why = (
                f"its treatment plan was approved by {approver.email} on "
                f"{risk.plan_approved_on}, not by the risk owner {owner}"
            )
        yield ctx.observe(
            Subject("Risks", risk.ref),
            f"{_label(risk)} is to be treated by {risk.treatment}, but {why}.",
            population=_population(ctx),
            **_where(risk),
        )
