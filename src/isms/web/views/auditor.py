"""External auditor access: the owner's page of grants (grant, revoke, the access log) and
the auditor's read-only pages for one grant: the SoA, the evidence index with downloads, the
sampled records and the NC log. Nothing else of the organisation opens to an auditor: a grant
is not a membership, and these pages check the grant themselves (isms.audits.auditor_access);
every page and file the auditor opens is logged."""

import datetime as dt
from functools import wraps

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.audits.auditor_access import (
    active_grant,
    audit_last_day,
    grant_access,
    grant_state,
    log_access,
    revoke,
)
from isms.audits.models import (
    AuditChecklistItem,
    AuditorGrant,
    ExternalAudit,
    Nonconformity,
)
from isms.controls.models import SoAEntry
from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.evidence.models import Evidence, EvidenceLink
from isms.web.access import TwoFactorRequired, organisation_for, two_factor_step
from isms.web.views.evidence import (
    PAGE_SIZE,
    REGISTER_CLAUSES,
    SOA_SHEET,
    clause_choices,
    download_response,
    evidence_index,
    evidence_matching,
    filters_of,
    parse_date,
)

#: Rows per page of the access log, the checklist samples and the NC log.
LOG_PAGE = 100
#: The internal audits whose samples an external auditor sees: those planned in the year up
#: to the audit's last day (one audit cycle).
SAMPLE_MONTHS = 12


def _owner(request, slug: str):
    """The organisation and membership of an owner (who manages members or the
    organisation); 404 for a non-member, 403 for any other role."""
    organisation, membership = organisation_for(request, slug)
    if not can(membership, Action.MANAGE_ORGANISATION):
        require(membership, Action.MANAGE_MEMBERS)
    return organisation, membership


def _open_audits(organisation):
    today = timezone.localdate()
    return [
        audit
        for audit in ExternalAudit.objects.filter(organisation=organisation).order_by(
            "-planned_on", "ref"
        )
        if audit_last_day(audit) >= today
    ]


@login_required
def access_page(request, slug: str) -> HttpResponse:
    """Every grant of the organisation with its state, and the form to grant access."""
    organisation, membership = _owner(request, slug)
    posted = {"username": "", "audit": "", "expires_on": ""}
    problems: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        posted = {name: request.POST.get(name, "").strip()[:150] for name in posted}
        problems = _grant_from_form(request, organisation, posted)
        if not problems:
            return redirect("web:auditor_access", slug=organisation.slug)
        status = 422
    grants = list(
        AuditorGrant.objects.filter(organisation=organisation).select_related(
            "user", "audit", "granted_by"
        )[:500]
    )
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "membership": membership,
        "rows": [{"grant": grant, "state": grant_state(grant, today)} for grant in grants],
        "audits": _open_audits(organisation),
        "posted": posted,
        "problems": problems,
    }
    return render(request, "web/auditor/access.html", context, status=status)


def _grant_from_form(request, organisation, posted) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    user = get_user_model().objects.filter(username=posted["username"]).first()
    if user is None:
        problems["username"] = [
            "no user with this username: create it first (isms user create USERNAME)"
        ]
    audit = None
    if posted["audit"].isdigit():
        audit = ExternalAudit.objects.filter(
            organisation=organisation, pk=int(posted["audit"])
        ).first()
    if audit is None:
        problems["audit"] = ["choose one of this organisation's external audits"]
    expires_on = None
    if posted["expires_on"]:
        expires_on = parse_date(posted["expires_on"])
        if expires_on is None:
            problems["expires_on"] = ["a date, e.g. 2026-12-15"]
    if problems:
        return problems
    try:
        with acting_as(request.user):
            grant_access(
                organisation,
                user=user,
                audit=audit,
                granted_by=request.user,
                expires_on=expires_on,
            )
    except ValidationError as error:
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {}


def _grant_of(organisation, pk: int) -> AuditorGrant:
    grant = (
        AuditorGrant.objects.filter(organisation=organisation, pk=pk)
        .select_related("user", "audit", "granted_by", "revoked_by")
        .first()
    )
    if grant is None:
        raise Http404("no such grant")
    return grant


@login_required
def grant_page(request, slug: str, pk: int) -> HttpResponse:
    """One grant: who, for which audit, until when, and every page and file the auditor
    opened, newest first."""
    organisation, membership = _owner(request, slug)
    grant = _grant_of(organisation, pk)
    log = Paginator(grant.log.all(), LOG_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "membership": membership,
        "grant": grant,
        "state": grant_state(grant),
        "log": log,
    }
    return render(request, "web/auditor/grant.html", context)


@login_required
def grant_revoke(request, slug: str, pk: int) -> HttpResponse:
    """End a grant now (a POST from the grant's page)."""
    organisation, _ = _owner(request, slug)
    grant = _grant_of(organisation, pk)
    if request.method != "POST":
        return redirect("web:auditor_grant", slug=organisation.slug, pk=pk)
    with acting_as(request.user):
        revoke(grant, by=request.user)
    return redirect("web:auditor_grant", slug=organisation.slug, pk=pk)


# -- the auditor's pages ----------------------------------------------------------------------


def _auditor_grant(request, slug: str, grant_id: int) -> AuditorGrant:
    """The caller's usable grant, or 404 (expired, revoked, someone else's, or none). An
    organisation that requires two-factor of its members requires it of its auditors too."""
    grant = active_grant(request.user, slug, grant_id)
    if grant is None:
        raise Http404("no such page")
    if grant.organisation.require_two_factor and not request.user.is_verified():
        raise TwoFactorRequired(two_factor_step(request))
    return grant


def auditor_page(view):
    """An auditor's page: signed in, a usable grant (else 404), then GET or HEAD only (405:
    the pages are read-only; checked after the grant, so anyone else still gets 404). The view
    is called as ``view(request, grant, **kwargs)``."""

    @login_required
    @wraps(view)
    def page(request, slug: str, grant_id: int, **kwargs) -> HttpResponse:
        grant = _auditor_grant(request, slug, grant_id)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request, grant, **kwargs)

    return page


def _render_auditor(request, grant, template, opened: str, **context) -> HttpResponse:
    log_access(grant, request.get_full_path(), opened)
    context.update(grant=grant, audit_ends=audit_last_day(grant.audit))
    return render(request, f"web/auditor/{template}", context)


@auditor_page
def auditor_home(request, grant) -> HttpResponse:
    return _render_auditor(request, grant, "home.html", "overview")


@auditor_page
def auditor_soa(request, grant) -> HttpResponse:
    """The Statement of Applicability, every row (at most the 93 controls)."""
    entries = (
        SoAEntry.objects.filter(organisation=grant.organisation)
        .select_related("control", "owner")
        .order_by("control__sort_key")
    )
    return _render_auditor(
        request, grant, "soa.html", "Statement of Applicability", entries=entries
    )


@auditor_page
def auditor_evidence_index(request, grant) -> HttpResponse:
    index = evidence_index(grant.organisation)
    return _render_auditor(request, grant, "evidence_index.html", "evidence index", **index)


def _in_scope(organisation):
    """The evidence an auditor may open: what the index shows, i.e. items linked to an SoA row
    or to a record of a register that evidences a clause."""
    links = EvidenceLink.objects.filter(
        organisation=organisation, record_type__in=[SOA_SHEET, *REGISTER_CLAUSES]
    )
    return Evidence.objects.filter(organisation=organisation, pk__in=links.values("evidence_id"))


@auditor_page
def auditor_evidence_list(request, grant) -> HttpResponse:
    """The evidence of one clause or control (or all in scope), 50 a page."""
    filters = filters_of(request)
    items = evidence_matching(grant.organisation, **filters).filter(
        pk__in=_in_scope(grant.organisation).values("pk")
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    opened = "evidence list " + " ".join(f"{k}={v}" for k, v in filters.items() if v)
    return _render_auditor(
        request,
        grant,
        "evidence_list.html",
        opened.strip(),
        page=page,
        filters=filters,
        clauses=clause_choices(),
    )


@auditor_page
def auditor_evidence_file(request, grant, pk: int) -> HttpResponse:
    """A file of an evidence item in scope (the latest version, or ?version=N)."""
    evidence = _in_scope(grant.organisation).filter(pk=pk).first()
    if evidence is None:
        raise Http404("no such evidence")
    response = download_response(request, evidence, {"grant": grant})
    version = request.GET.get("version")
    if response.status_code == 200:
        log_access(
            grant,
            request.get_full_path(),
            f"file of {evidence.ref}" + (f" v{version}" if version else " (latest)"),
        )
    return response


def _cycle_start(grant) -> dt.date:
    return audit_last_day(grant.audit) - relativedelta(months=SAMPLE_MONTHS)


@auditor_page
def auditor_samples(request, grant) -> HttpResponse:
    """The records sampled by the internal audits of the cycle (the checklist), with the
    internal auditor's result."""
    items = (
        AuditChecklistItem.objects.filter(
            organisation=grant.organisation,
            audit__planned_on__gt=_cycle_start(grant),
            audit__planned_on__lte=audit_last_day(grant.audit),
        )
        .select_related("audit", "checked_by")
        .order_by("audit__planned_on", "audit__ref", "kind", "record")
    )
    page = Paginator(items, LOG_PAGE).get_page(request.GET.get("page"))
    return _render_auditor(
        request,
        grant,
        "samples.html",
        "sampled records",
        page=page,
        cycle_start=_cycle_start(grant),
    )


@auditor_page
def auditor_nonconformities(request, grant) -> HttpResponse:
    """The NC log up to the audit's last day, newest first."""
    ncs = Nonconformity.objects.filter(
        organisation=grant.organisation, raised_on__lte=audit_last_day(grant.audit)
    ).order_by("-raised_on", "-pk")
    page = Paginator(ncs, LOG_PAGE).get_page(request.GET.get("page"))
    return _render_auditor(request, grant, "nonconformities.html", "NC log", page=page)


_AUDITOR = "orgs/<slug:slug>/auditor/<int:grant_id>/"
urlpatterns = [
    path("orgs/<slug:slug>/auditor-access/", access_page, name="auditor_access"),
    path("orgs/<slug:slug>/auditor-access/<int:pk>/", grant_page, name="auditor_grant"),
    path(
        "orgs/<slug:slug>/auditor-access/<int:pk>/revoke/",
        grant_revoke,
        name="auditor_grant_revoke",
    ),
    path(_AUDITOR, auditor_home, name="auditor_home"),
    path(f"{_AUDITOR}soa/", auditor_soa, name="auditor_soa"),
    path(f"{_AUDITOR}evidence/", auditor_evidence_index, name="auditor_evidence"),
    path(f"{_AUDITOR}evidence/list/", auditor_evidence_list, name="auditor_evidence_list"),
    path(f"{_AUDITOR}evidence/<int:pk>/file/", auditor_evidence_file, name="auditor_file"),
    path(f"{_AUDITOR}samples/", auditor_samples, name="auditor_samples"),
    path(f"{_AUDITOR}nonconformities/", auditor_nonconformities, name="auditor_ncs"),
]
