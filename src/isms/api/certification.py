"""The certification cycle over HTTP: the computed status, the decision and appeals.

The generic register endpoints (/orgs/{org}/external_audits/) record the audits themselves;
an appeal's outcome is set only here, after the checks the CLI applies."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.audits.certification import raise_appeal, record_decision, resolve_appeal, status_for
from isms.audits.models import ExternalAudit
from isms.core.actor import acting_as
from isms.core.permissions import Action

router = Router(tags=["Certification"])
AUDIT = "/orgs/{org}/certification/audits/{ref}/"
ERRORS = {403: Message, 404: Message, 422: Message}


class RequirementOut(Schema):
    name: str
    due_on: SaneDate
    status: Literal["done", "due", "overdue", "missed"]
    text: str
    audit: str | None
    done_on: SaneDate | None
    planned_on: SaneDate | None
    late: bool
    note: str


class CycleOut(Schema):
    number: int
    decided_by: str
    decision_kind: Literal["initial", "recertification"]
    decision_on: SaneDate
    expires_on: SaneDate
    expiry_recorded: bool
    ended_on: SaneDate | None
    outcome: str
    requirements: list[RequirementOut]
    audits: list[str]


class AppealOut(Schema):
    ref: str
    raised_on: SaneDate | None
    appeal: str
    outcome: str
    outcome_note: str
    resolved_on: SaneDate | None
    open: bool


class CertificationStatusOut(Schema):
    as_of: SaneDate
    state: Literal["not_certified", "certified", "at_risk", "expired"]
    summary: str
    current: CycleOut | None
    cycles: list[CycleOut]
    next_due: list[RequirementOut]
    next_due_on: SaneDate | None
    notes: list[str]
    appeals: list[AppealOut]


class DecisionIn(Schema):
    on: SaneDate
    expires_on: SaneDate | None = None


class AppealIn(Schema):
    reason: str
    on: SaneDate | None = None


class AppealOutcomeIn(Schema):
    outcome: Literal[tuple(ExternalAudit.AppealOutcome.values)]
    note: str = ""
    on: SaneDate | None = None


class ExternalAuditState(Schema):
    ref: str
    kind: str
    held_on: SaneDate | None
    recommended: bool | None
    decision_on: SaneDate | None
    certificate_expires_on: SaneDate | None
    appeal: str
    appeal_raised_on: SaneDate | None
    appeal_outcome: str
    appeal_outcome_note: str
    appeal_resolved_on: SaneDate | None


@router.get(
    "/orgs/{org}/certification/status",
    response={200: CertificationStatusOut, 403: Message, 404: Message},
    summary="The certification cycle: certificate state, surveillance and recertification due",
    operation_id="certification_status",
)
def certification_status(request, org: str, as_of: SaneDate | None = None):
    organisation = organisation_for(request, org, Action.VIEW)
    status = status_for(organisation, as_of or timezone.localdate())
    return Status(200, status.as_dict())


def _step(request, org: str, ref: str, action):
    organisation = organisation_for(request, org, Action.MANAGE_AUDITS)
    audit = ExternalAudit.objects.filter(organisation=organisation, ref=ref).first()
    if audit is None:
        raise Http404(f"no external audit {ref}")
    try:
        with acting_as(request.user):
            action(audit)
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    audit.refresh_from_db()
    return Status(200, audit)


@router.post(
    AUDIT + "decision",
    response={200: ExternalAuditState, **ERRORS},
    summary="Record the certification decision and the certificate's expiry",
    operation_id="certification_decision",
)
def decision(request, org: str, ref: str, payload: DecisionIn):
    return _step(
        request,
        org,
        ref,
        lambda audit: record_decision(audit, on=payload.on, expires_on=payload.expires_on),
    )


@router.post(
    AUDIT + "appeal",
    response={200: ExternalAuditState, **ERRORS},
    summary="Record an appeal or disagreement with the body's findings or decision",
    operation_id="certification_appeal",
)
def appeal(request, org: str, ref: str, payload: AppealIn):
    return _step(
        request,
        org,
        ref,
        lambda audit: raise_appeal(
            audit, text=payload.reason, on=payload.on or timezone.localdate()
        ),
    )


@router.post(
    AUDIT + "appeal-outcome",
    response={200: ExternalAuditState, **ERRORS},
    summary="Record how the certification body settled the appeal",
    operation_id="certification_appeal_outcome",
)
def appeal_outcome(request, org: str, ref: str, payload: AppealOutcomeIn):
    return _step(
        request,
        org,
        ref,
        lambda audit: resolve_appeal(
            audit,
            outcome=payload.outcome,
            note=payload.note,
            on=payload.on or timezone.localdate(),
        ),
    )
