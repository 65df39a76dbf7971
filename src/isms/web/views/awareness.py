"""Awareness campaigns in the browser (7.3): the campaigns with their participation, creating one
(as ``isms awareness campaign create`` does), issuing the personal links (shown once, like
``isms awareness links``), and a campaign's results: answered and passed per department, and who
has not answered yet. Staff answer on the no-login check page (isms.people.views).

Writes go through isms.people.awareness (create_campaign, issue_links) and need the role that
edits registers, as in the CLI and the API."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.people.awareness import (
    MAX_EXPIRES_DAYS,
    MAX_QUESTIONS,
    campaign_results,
    create_campaign,
    issue_links,
    link_url,
    load_bank,
)
from isms.people.models import AwarenessCampaign, Department
from isms.web.access import organisation_for
from isms.web.views.nonconformities import post_only

PAGE_SIZE = 50
#: People listed as not having answered (the count is always complete).
UNANSWERED_SHOWN = 200


def _campaigns(organisation):
    """Campaigns with their invitation counts, aggregated in the database."""
    return AwarenessCampaign.objects.filter(organisation=organisation).annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__submitted_on__isnull=False)),
        links=Count("invitations", filter=Q(invitations__token_hash__isnull=False)),
    )


def _list_page(request, organisation, membership, *, posted=None, problems=(), status=200):
    page = Paginator(
        _campaigns(organisation).select_related("department").order_by("-opened_on", "name"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    bank = load_bank()
    context = {
        "organisation": organisation,
        "page": page,
        "today": timezone.localdate(),
        "may_edit": can(membership, Action.EDIT_REGISTERS),
        "audiences": AwarenessCampaign.Audience.choices,
        "departments": Department.objects.filter(organisation=organisation)
        .order_by("name")
        .values_list("name", flat=True)[:500],
        "values": [
            (name, description, (posted or {}).get(f"value_{name}", ""))
            for name, description in sorted(bank.values.items())
        ],
        "max_questions": MAX_QUESTIONS,
        "max_days": MAX_EXPIRES_DAYS,
        "posted": posted or {"questions": 5, "expires_days": 14},
        "problems": list(problems),
    }
    return render(request, "web/loop/awareness.html", context, status=status)


@login_required
def campaign_list(request, slug: str) -> HttpResponse:
    organisation, membership = organisation_for(request, slug)
    return _list_page(request, organisation, membership)


def _number(value: str, name: str, problems: list) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        problems.append(f"{name}: a whole number, not {value!r}")
        return None


@login_required
@post_only
def campaign_create(request, slug: str) -> HttpResponse:
    """Draw the questions and invite everyone in scope; every problem is listed at once."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    post = request.POST
    problems: list[str] = []
    count = _number(post.get("questions", ""), "questions", problems)
    days = _number(post.get("expires_days", ""), "expires days", problems)
    bank = load_bank()
    values = {name: post.get(f"value_{name}", "").strip() for name in bank.values}
    if not problems:
        try:
            with acting_as(request.user):
                created = create_campaign(
                    organisation,
                    name=post.get("name", ""),
                    audience=post.get("audience", ""),
                    count=count,
                    expires_days=days,
                    department=post.get("department", "").strip() or None,
                    people=post.get("people", "").replace(",", " ").split(),
                    values={name: text for name, text in values.items() if text},
                    bank=bank,
                )
        except ValidationError as error:
            problems = error.messages
        else:
            return redirect(
                "web:awareness_campaign", slug=organisation.slug, pk=created.campaign.pk
            )
    return _list_page(request, organisation, membership, posted=post, problems=problems, status=422)


def _campaign(organisation, pk: int) -> AwarenessCampaign:
    campaign = _campaigns(organisation).filter(pk=pk).select_related("department").first()
    if campaign is None:
        raise Http404("no such campaign")
    return campaign


def _campaign_page(
    request, organisation, membership, campaign, *, links=None, problems=(), status=200
):
    unanswered = campaign.invitations.filter(submitted_on__isnull=True).select_related(
        "person__department"
    )
    context = {
        "organisation": organisation,
        "campaign": campaign,
        "open": timezone.localdate() <= campaign.expires_on,
        "by_department": campaign_results(campaign, "department"),
        "by_topic": campaign_results(campaign, "topic"),
        "unanswered": unanswered.order_by("person__email")[:UNANSWERED_SHOWN],
        "unanswered_count": campaign.invited - campaign.answered,
        "may_edit": can(membership, Action.EDIT_REGISTERS),
        "links": links,
        "problems": list(problems),
    }
    return render(request, "web/loop/awareness_campaign.html", context, status=status)


@login_required
def campaign_detail(request, slug: str, pk: int) -> HttpResponse:
    """A campaign's results: participation and pass rate per department and topic."""
    organisation, membership = organisation_for(request, slug)
    return _campaign_page(request, organisation, membership, _campaign(organisation, pk))


@login_required
@post_only
def campaign_links(request, slug: str, pk: int) -> HttpResponse:
    """New personal links for everyone who has not answered, shown once on this page (only
    their hashes are kept; links issued before stop working)."""
    organisation, membership = organisation_for(request, slug)
    campaign = _campaign(organisation, pk)  # another organisation's campaign: 404 before 403
    require(membership, Action.EDIT_REGISTERS)
    try:
        with acting_as(request.user):
            issued = issue_links(campaign)
    except ValidationError as error:
        return _campaign_page(
            request, organisation, membership, campaign, problems=error.messages, status=422
        )
    base = request.build_absolute_uri("/")
    links = [(invitation.person, link_url(base, token)) for invitation, token in issued]
    response = _campaign_page(
        request, organisation, membership, _campaign(organisation, pk), links=links
    )
    response["Cache-Control"] = "no-store"  # the links are secrets
    return response


urlpatterns = [
    path("orgs/<slug:slug>/awareness/", campaign_list, name="awareness"),
    path("orgs/<slug:slug>/awareness/new/", campaign_create, name="awareness_new"),
    path("orgs/<slug:slug>/awareness/<int:pk>/", campaign_detail, name="awareness_campaign"),
    path("orgs/<slug:slug>/awareness/<int:pk>/links/", campaign_links, name="awareness_links"),
]
