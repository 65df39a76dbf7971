"""The management review (9.3): the pack of inputs, recording the meeting and the sign-off.

``GET /orgs/{org}/reviews/pack`` returns the pack's data (the JSON form of ``isms review pack``);
``POST .../reviews/{ref}/record`` creates or updates a review; ``POST .../reviews/{ref}/sign``
signs it as the calling user (the person with the same email), who must hold the
``sign_management_review`` permission (a member marked as top management) and be top management
on the date of signature. Refusals answer 403 (who may sign) or 422 (what the review lacks),
with every reason in ``detail``.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.audits.models import ManagementReview
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.review_pack import (
    INPUT_FIELDS,
    ReviewRefused,
    build_pack,
    input_key,
    missing_inputs,
    parse_inputs,
    record_review,
    sign_review,
)
from isms.people.models import Person

router = Router(tags=["Management reviews"])


class OrganisationRef(Schema):
    slug: str
    name: str


class Period(Schema):
    start: SaneDate
    end: SaneDate


class PreviousReview(Schema):
    ref: str
    held_on: SaneDate


class Fact(Schema):
    key: str
    label: str
    value: bool | int | float | str | None


class Column(Schema):
    key: str
    label: str


class Table(Schema):
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: int
    shown: int


class Extract(Schema):
    key: str
    label: str
    text: str


class Section(Schema):
    input: str
    field: str
    letter: str
    title: str
    summary: str
    facts: list[Fact]
    tables: list[Table]
    extracts: list[Extract]
    notes: list[str]


class Pack(Schema):
    organisation: OrganisationRef
    as_of: SaneDate
    period: Period
    previous_review: PreviousReview | None
    generated_at: dt.datetime
    sections: list[Section]


class PackQuery(Schema):
    as_of: SaneDate | None = None


class RecordIn(Schema):
    held_on: SaneDate | None = None
    chair: str | None = None
    attendees: list[str] | None = None
    covered: list[str] | None = None
    decisions: str | None = None
    resources: str | None = None
    actions: str | None = None


class SignIn(Schema):
    on: SaneDate | None = None


class Review(Schema):
    ref: str
    held_on: SaneDate
    chair: str | None
    attendees: list[str]
    covered: list[str]
    missing: list[str]
    decisions: str
    resources_allocated: str
    actions: str
    signed_by: str | None
    signed_on: SaneDate | None


def _review_out(review: ManagementReview) -> dict:
    missing = missing_inputs(review)
    return {
        "ref": review.ref,
        "held_on": review.held_on,
        "chair": review.chair.email if review.chair else None,
        "attendees": sorted(review.attendees.values_list("email", flat=True)),
        "covered": [input_key(name) for name in INPUT_FIELDS if name not in missing],
        "missing": [input_key(name) for name in missing],
        "decisions": review.decisions,
        "resources_allocated": review.resources_allocated,
        "actions": review.actions,
        "signed_by": review.signed_by.email if review.signed_by else None,
        "signed_on": review.signed_on,
    }


def _refusal(error: ValidationError) -> str:
    return "; ".join(error.messages)


@router.get(
    "/orgs/{org}/reviews/pack",
    response={200: Pack, 403: Message, 404: Message},
    summary="The management review pack (9.3.2 inputs) as of a date",
    operation_id="management_review_pack",
)
def review_pack(request, org: str, query: Query[PackQuery]):
    organisation = organisation_for(request, org, Action.VIEW)
    return Status(200, build_pack(organisation, query.as_of).as_dict())


@router.post(
    "/orgs/{org}/reviews/{ref}/record",
    response={200: Review, 201: Review, 403: Message, 404: Message, 422: Message},
    summary="Create or update a management review (date, attendees, inputs, decisions...)",
    operation_id="management_review_record",
)
def review_record(request, org: str, ref: str, payload: RecordIn):
    organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
    try:
        covered = parse_inputs(payload.covered) if payload.covered is not None else None
        with acting_as(request.user):
            review, created = record_review(
                organisation,
                ref,
                held_on=payload.held_on,
                chair=payload.chair,
                attendees=payload.attendees,
                covered=covered,
                decisions=payload.decisions,
                resources=payload.resources,
                actions=payload.actions,
            )
    except ValidationError as error:
        return Status(422, {"detail": _refusal(error)})
    return Status(201 if created else 200, _review_out(review))


@router.post(
    "/orgs/{org}/reviews/{ref}/sign",
    response={200: Review, 403: Message, 404: Message, 422: Message},
    summary="Sign a management review off as the calling member of top management",
    operation_id="management_review_sign",
)
def review_sign(request, org: str, ref: str, payload: SignIn):
    organisation = organisation_for(request, org, Action.SIGN_MANAGEMENT_REVIEW)
    review = ManagementReview.objects.filter(organisation=organisation, ref=ref).first()
    if review is None:
        raise Http404(f"no management review {ref!r}")
    email = (request.user.email or "").strip()
    signer = (
        Person.objects.filter(organisation=organisation, email__iexact=email).first()
        if email
        else None
    )
    if signer is None:
        return Status(
            422,
            {
                "detail": f"your account ({request.user.get_username()}) has no email matching a "
                f"person of {organisation.slug}; the signatory must be in the People register"
            },
        )
    try:
        with acting_as(request.user):
            sign_review(review, signer, payload.on or timezone.localdate())
    except ReviewRefused as error:
        return Status(403 if error.not_top_management else 422, {"detail": _refusal(error)})
    return Status(200, _review_out(review))
