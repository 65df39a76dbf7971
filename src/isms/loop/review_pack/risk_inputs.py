"""Inputs f) and g): risk assessment results and the treatment plan, opportunities for
improvement (the latest stored mock audit)."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from isms.loop.review_pack.shape import (
    TA,
    Fact,
    Period,
    Section,
    as_flag,
    count_if,
    plural,
    records_table,
)
from isms.readiness.models import Assessment, AssessmentFinding
from isms.risk.models import Risk, RiskMethod, TreatmentAction


def risk(period: Period) -> Section:
    method = (
        period.q(RiskMethod)
        .filter(Q(approved_on__isnull=True) | Q(approved_on__lte=period.as_of))
        .order_by(F("approved_on").desc(nulls_last=True), "pk")
        .first()
    )
    risks = period.q(Risk).annotate(current=Coalesce("residual_score", "inherent_score"))
    counts = {"total": count_if(), "assessed": count_if(period.within("last_assessed_on"))}
    accepted = Q(accepted_by__isnull=False) & (
        Q(accepted_on__isnull=True) | Q(accepted_on__lte=period.as_of)
    )
    if method is not None:
        limit, high = method.acceptance_threshold, method.high_threshold
        above = Q(current__gt=limit)
        counts |= {
            "high": count_if(Q(current__gte=high)),
            "medium": count_if(above & Q(current__lt=high)),
            "acceptable": count_if(Q(current__lte=limit)),
            "inherent_above": count_if(Q(inherent_score__gt=limit)),
            "above": count_if(above),
            "above_accepted": count_if(above & accepted),
        }
    n = risks.aggregate(**counts)
    actions = period.q(TreatmentAction)
    plan = actions.aggregate(
        total=count_if(~Q(status=TA.CANCELLED)),
        done=count_if(period.action_done()),
        done_in_period=count_if(Q(status=TA.DONE) & period.within("completed_on")),
        open=count_if(period.action_open()),
        overdue=count_if(period.action_open() & Q(due_on__lt=period.as_of)),
    )
    facts = [
        Fact("risk_method", "Risk method", method and method.name),
        Fact("risks", "Risks", n["total"]),
        Fact("risks_assessed", "Assessed in the period", n["assessed"]),
    ]
    tables = []
    if method is None:
        levels = "No risk method is recorded, so levels cannot be judged against acceptance. "
    else:
        facts += [
            Fact("acceptance_threshold", "Acceptable up to score", limit),
            Fact("high_threshold", "High from score", high),
            Fact("risks_high", "High now", n["high"]),
            Fact("risks_medium", "Above acceptance, below high", n["medium"]),
            Fact("risks_acceptable", "Within acceptance", n["acceptable"]),
            Fact("risks_inherent_above", "Inherently above acceptance", n["inherent_above"]),
            Fact("risks_above_appetite", "Above appetite now", n["above"]),
            Fact("risks_above_accepted", "of which accepted by the owner", n["above_accepted"]),
        ]
        levels = (
            f"{n['high']} high, {n['medium']} above acceptance, {n['acceptable']} within "
            f"acceptance (score at most {limit}, method {method.name!r}); {n['above']} above "
            f"appetite, {n['above_accepted']} of them accepted by their owner. "
        )
        open_actions = actions.filter(period.action_open(), risk=OuterRef("pk")).values("risk")
        tables.append(
            records_table(
                "risks_above_appetite",
                "Risks above appetite (residual score, or inherent when not yet treated)",
                risks.filter(above)
                .annotate(
                    open_actions=Coalesce(
                        Subquery(open_actions.annotate(n=Count("pk")).values("n")[:1]), 0
                    ),
                    accepted=as_flag(accepted),
                )
                .order_by("-current", "ref"),
                [
                    ("ref", "Risk"),
                    ("title", "Title"),
                    ("owner", "Owner", "owner__email"),
                    ("inherent_score", "Inherent"),
                    ("residual_score", "Residual"),
                    ("treatment", "Treatment", "treatment", Risk.Treatment.choices),
                    ("open_actions", "Open actions"),
                    ("accepted", "Accepted"),
                ],
                "No risk is above the acceptance threshold.",
            )
        )
    tables.append(
        records_table(
            "treatment_overdue",
            "Overdue treatment actions",
            actions.filter(period.action_open(), due_on__lt=period.as_of).order_by("due_on", "ref"),
            [
                ("ref", "Action"),
                ("risk", "Risk", "risk__ref"),
                ("action", "What"),
                ("owner", "Owner", "owner__email"),
                ("due_on", "Due"),
                ("status", "Status", "status", TA.choices),
            ],
            "No treatment action is overdue.",
        )
    )
    facts += [
        Fact("treatment_actions", "Treatment plan actions", plan["total"]),
        Fact("treatment_done", "Done", plan["done"]),
        Fact("treatment_done_in_period", "Done in the period", plan["done_in_period"]),
        Fact("treatment_open", "Open", plan["open"]),
        Fact("treatment_overdue", "Overdue", plan["overdue"]),
    ]
    return Section(
        "covers_risk",
        summary=(
            f"{plural(n['total'], 'risk')} ({n['assessed']} assessed in the period): {levels}"
            f"Treatment plan: {plan['done']} of {plan['total']} actions done "
            f"({plan['done_in_period']} in the period), {plan['open']} open, {plan['overdue']} "
            "overdue."
        ),
        facts=facts,
        tables=tables,
    )


def improvement(period: Period) -> Section:
    run = (
        Assessment.objects.filter(organisation=period.organisation, run_at__date__lte=period.as_of)
        .order_by("-run_at", "-pk")
        .first()
    )
    if run is None:
        return Section(
            "covers_improvement",
            summary=(
                "No mock audit has been run and stored yet: run `isms assess` before the review "
                "to list opportunities for improvement."
            ),
            facts=[Fact("mock_audit_as_of", "Latest mock audit as of", None)],
        )
    ofis = AssessmentFinding.objects.filter(assessment=run, grade="ofi")
    return Section(
        "covers_improvement",
        summary=(
            f"The latest mock audit (as of {run.as_of}, stage {run.stage}, run "
            f"{timezone.localtime(run.run_at).date()}) concluded: {_verdict(run)}; "
            f"{run.majors} major, {run.minors} minor and "
            f"{plural(run.ofis, 'opportunity for improvement', 'opportunities for improvement')}"
            f"; {run.score}% of clauses and applicable controls with no nonconformity."
        ),
        facts=[
            Fact("mock_audit_as_of", "Latest mock audit as of", run.as_of),
            Fact("mock_audit_stage", "Stage", run.stage),
            Fact("mock_audit_verdict", "Verdict", _verdict(run)),
            Fact("mock_audit_score", "Requirements conforming (%)", run.score),
            Fact("mock_audit_majors", "Majors", run.majors),
            Fact("mock_audit_minors", "Minors", run.minors),
            Fact("mock_audit_ofis", "Opportunities for improvement", run.ofis),
        ],
        tables=[
            records_table(
                "opportunities",
                "Opportunities for improvement from the mock audit",
                ofis.order_by("code", "pk"),
                [
                    ("code", "Rule"),
                    ("reference", "Ref."),
                    ("subject_type", "Register"),
                    ("subject_key", "Subject"),
                    ("title", "Opportunity"),
                    ("detail", "Evidence"),
                ],
                "The latest mock audit raised no opportunity for improvement.",
            )
        ],
    )


def _verdict(run) -> str:
    """The stored verdict as a sentence: stage 1 runs conclude on readiness, stage 2 on
    certification."""
    return run.verdict if run.stage == 1 else f"certification {run.verdict}"
