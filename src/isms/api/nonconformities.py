"""The nonconformity workflow over HTTP: raise from a mock-audit run, plan, implemented, verify.

The generic register endpoints (/orgs/{org}/nonconformities/) edit an NC's description and
analysis but refuse its workflow fields (status, closure); these endpoints move it between
states with the same checks as the CLI."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.audits.models import Nonconformity
from isms.audits.nonconformities import mark_implemented, plan_action
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.nonconformities import raise_from_assessment, verify_closing
from isms.people.models import Person
from isms.readiness.models import Assessment

router = Router(tags=["Nonconformity workflow"])
BASE = "/orgs/{org}/nonconformities/{ref}/"


class NonconformityState(Schema):
    ref: str
    status: str
    grade: str
    owner: str | None
    due_on: SaneDate | None
    implemented_on: SaneDate | None
    effectiveness_checked_by: str | None
    effective: bool | None
    closed_on: SaneDate | None


class Raised(Schema):
    created: list[str]
    already_raised: int
    assessment_id: int


class RaiseIn(Schema):
    assessment_id: int | None = None


class PlanIn(Schema):
    root_cause: str
    corrective_action: str
    process_changed: str
    owner: str
    due_on: SaneDate | None = None
    correction: str | None = None


class ImplementedIn(Schema):
    on: SaneDate


class VerifyIn(Schema):
    #: Who checked: the caller. Optional; when given it must be the caller's own email.
    checked_by: str | None = None
    on: SaneDate
    effective: bool


def _state(nc: Nonconformity) -> dict:
    return {
        "ref": nc.ref,
        "status": nc.status,
        "grade": nc.grade,
        "owner": nc.owner.email if nc.owner else None,
        "due_on": nc.due_on,
        "implemented_on": nc.implemented_on,
        "effectiveness_checked_by": (
            nc.effectiveness_checked_by.email if nc.effectiveness_checked_by else None
        ),
        "effective": nc.effective,
        "closed_on": nc.closed_on,
    }


def _nc(organisation, ref: str) -> Nonconformity:
    nc = Nonconformity.objects.filter(organisation=organisation, ref=ref).first()
    if nc is None:
        raise Http404(f"no nonconformity {ref}")
    return nc


def _person(organisation, email: str) -> Person:
    person = Person.objects.filter(organisation=organisation, email=email).first()
    if person is None:
        raise ValidationError(f"no person with email {email!r}")
    return person


ERRORS = {403: Message, 404: Message, 422: Message}


@router.post(
    "/orgs/{org}/nonconformities/raise",
    response={200: Raised, **ERRORS},
    summary="Raise NCs from a stored mock-audit run (default: the latest)",
    operation_id="nonconformities_raise",
)
def raise_ncs(request, org: str, payload: RaiseIn):
    organisation = organisation_for(request, org, Action.MANAGE_NONCONFORMITIES)
    runs = Assessment.objects.filter(organisation=organisation)
    assessment = (
        runs.filter(pk=payload.assessment_id).first() if payload.assessment_id else (runs.first())
    )
    if assessment is None:
        raise Http404("no stored mock-audit run; run isms assess first")
    with acting_as(request.user):
        created, skipped = raise_from_assessment(organisation, assessment)
    return Status(
        200,
        {
            "created": [nc.ref for nc in created],
            "already_raised": skipped,
            "assessment_id": assessment.pk,
        },
    )


def _step(request, org, ref, action):
    organisation = organisation_for(request, org, Action.MANAGE_NONCONFORMITIES)
    nc = _nc(organisation, ref)
    try:
        with acting_as(request.user):
            action(organisation, nc)
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    nc.refresh_from_db()
    return Status(200, _state(nc))


@router.post(
    BASE + "plan",
    response={200: NonconformityState, **ERRORS},
    summary="Record root cause and corrective action",
    operation_id="nonconformity_plan",
)
def plan(request, org: str, ref: str, payload: PlanIn):
    return _step(
        request,
        org,
        ref,
        lambda organisation, nc: plan_action(
            nc,
            root_cause=payload.root_cause,
            corrective_action=payload.corrective_action,
            process_changed=payload.process_changed,
            owner=_person(organisation, payload.owner),
            due_on=payload.due_on,
            correction=payload.correction,
        ),
    )


@router.post(
    BASE + "implemented",
    response={200: NonconformityState, **ERRORS},
    summary="Mark the corrective action implemented",
    operation_id="nonconformity_implemented",
)
def implemented(request, org: str, ref: str, payload: ImplementedIn):
    return _step(request, org, ref, lambda organisation, nc: mark_implemented(nc, payload.on))


@router.post(
    BASE + "verify",
    response={200: NonconformityState, **ERRORS},
    summary="Record the effectiveness check (closes the NC when effective)",
    operation_id="nonconformity_verify",
)
def verify_nc(request, org: str, ref: str, payload: VerifyIn):
    """The check is recorded in the caller's name: naming someone else would let anyone, the
    action's owner included, close an NC as verified by an independent person."""
    own = (request.user.email or "").strip().lower()
    if not own:
        return Status(422, {"detail": "the effectiveness check needs a caller with an email"})
    if payload.checked_by and payload.checked_by.strip().lower() != own:
        return Status(
            422, {"detail": f"the effectiveness check is recorded in the caller's name ({own})"}
        )
    return _step(
        request,
        org,
        ref,
        lambda organisation, nc: verify_closing(
            nc,
            checked_by=_person(organisation, own),
            on=payload.on,
            effective=payload.effective,
        ),
    )
