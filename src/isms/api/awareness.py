"""Awareness campaigns over HTTP: create one, issue its personal links, read its results.

The links lead to the no-login page of :mod:`isms.people.views`; the answers become Awareness
checks (read them at /orgs/{org}/awareness_checks/)."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.people.awareness import (
    MAX_QUESTIONS,
    BankError,
    campaign_results,
    campaign_summary,
    create_campaign,
    issue_links,
    link_url,
    load_bank,
    parse_bank,
)
from isms.people.models import AwarenessCampaign

router = Router(tags=["Awareness checks"])
CAMPAIGNS = "/orgs/{org}/awareness/campaigns"
ERRORS = {403: Message, 404: Message, 422: Message}


class CampaignIn(Schema):
    name: str
    audience: Literal[tuple(AwarenessCampaign.Audience.values)] = "all_staff"
    department: str | None = None
    people: list[str] = Field(default_factory=list, description="Only these people (emails).")
    questions: int = Field(5, ge=1, le=MAX_QUESTIONS)
    expires_days: int = 14
    values: dict[str, str] = Field(
        default_factory=dict, description="Organisation values for the answers, by name."
    )
    bank: dict | None = Field(
        None, description="A question bank in the YAML file's structure; default: built-in."
    )


class CampaignOut(Schema):
    id: int
    name: str
    audience: str
    department: str | None
    opened_on: SaneDate
    expires_on: SaneDate
    open: bool
    questions: int
    invited: int
    links_issued: int
    answered: int
    participation: float | None


class CampaignCreatedOut(Schema):
    campaign: CampaignOut
    left_out: dict[str, list[str]]


class LinksIn(Schema):
    base_url: str = Field(..., description="Address of the isms web server, https://...")
    people: list[str] = Field(default_factory=list, description="Only re-issue these (emails).")


class LinkOut(Schema):
    email: str
    link: str


class ResultRow(Schema):
    group: str
    invited: int | None = None
    answered: int | None = None
    participation: float | None = None
    checks: int
    passed: int
    pass_rate: float | None
    average_score: float | None


class ResultsOut(Schema):
    campaign: str
    by: Literal["department", "topic"]
    rows: list[ResultRow]


def _out(campaign: AwarenessCampaign) -> dict:
    summary = campaign_summary(campaign, timezone.localdate())
    participation = summary["participation"]
    return {
        **summary,
        "id": campaign.pk,
        "participation": float(participation) if participation is not None else None,
    }


def _campaign(organisation, campaign_id: int) -> AwarenessCampaign:
    campaign = AwarenessCampaign.objects.filter(organisation=organisation, pk=campaign_id).first()
    if campaign is None:
        raise Http404(f"no awareness campaign with id {campaign_id}")
    return campaign


@router.get(
    CAMPAIGNS,
    response={200: list[CampaignOut], 403: Message, 404: Message},
    summary="Awareness campaigns with their participation so far",
    operation_id="awareness_campaign_summaries",
)
def list_campaigns(request, org: str):
    organisation = organisation_for(request, org, Action.VIEW)
    return Status(200, [_out(c) for c in AwarenessCampaign.objects.for_organisation(organisation)])


@router.post(
    CAMPAIGNS,
    response={201: CampaignCreatedOut, **ERRORS},
    summary="Create a campaign: draw the questions and invite everyone in scope",
    operation_id="awareness_campaign_create",
)
def create(request, org: str, payload: CampaignIn):
    organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
    try:
        bank = (
            parse_bank(payload.bank, "the bank in the request")
            if payload.bank is not None
            else load_bank()
        )
    except BankError as error:
        return Status(422, {"detail": "; ".join(error.problems)})
    try:
        with acting_as(request.user):
            created = create_campaign(
                organisation,
                name=payload.name,
                audience=payload.audience,
                count=payload.questions,
                expires_days=payload.expires_days,
                department=payload.department,
                people=payload.people,
                values=payload.values,
                bank=bank,
            )
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    return Status(201, {"campaign": _out(created.campaign), "left_out": created.left_out})


@router.post(
    CAMPAIGNS + "/{int:campaign_id}/links",
    response={200: list[LinkOut], **ERRORS},
    summary="Issue new personal links (shown once; earlier links stop working)",
    operation_id="awareness_campaign_links",
)
def links(request, org: str, campaign_id: int, payload: LinksIn):
    organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
    campaign = _campaign(organisation, campaign_id)
    base = payload.base_url.strip()
    if not base.startswith(("https://", "http://")):
        return Status(422, {"detail": "base_url must start with https:// or http://"})
    try:
        link_url(base, "x" * 43)
    except NoReverseMatch:
        return Status(422, {"detail": "the awareness page is not mounted on this server"})
    try:
        with acting_as(request.user):
            issued = issue_links(campaign, people=payload.people)
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    return Status(
        200,
        [{"email": inv.person.email, "link": link_url(base, token)} for inv, token in issued],
    )


@router.get(
    CAMPAIGNS + "/{int:campaign_id}/results",
    response={200: ResultsOut, 403: Message, 404: Message},
    summary="Participation and pass rate per department (or per topic)",
    operation_id="awareness_campaign_results",
)
def results(request, org: str, campaign_id: int, by: Literal["department", "topic"] = "department"):
    organisation = organisation_for(request, org, Action.VIEW)
    campaign = _campaign(organisation, campaign_id)
    rows = []
    for row in campaign_results(campaign, by=by):
        rows.append(
            {
                "group": row[by],
                **{
                    key: float(value) if value is not None and key in _PERCENTS else value
                    for key, value in row.items()
                    if key != by
                },
            }
        )
    return Status(200, {"campaign": campaign.name, "by": by, "rows": rows})


_PERCENTS = {"participation", "pass_rate", "average_score"}
