"""The certification cycle in the browser: the certificate's state as of a date, each cycle's
surveillance and recertification audits (done, due, overdue, missed), what is next and when,
the certification body's audits with their findings, and any appeal; all as
isms.audits.certification computes it for ``isms certification status`` and the API. The
audits themselves are recorded in the External audits register."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.audits.certification import (
    DECIDING,
    raise_appeal,
    record_decision,
    resolve_appeal,
    status_for,
)
from isms.audits.models import ExternalAudit, ExternalAuditFinding
from isms.core.actor import acting_as
from isms.core.models import StaleRecord
from isms.core.permissions import Action, can, require
from isms.web.access import organisation_for
from isms.web.views.internal_audits import as_of_from
from isms.web.views.nonconformities import form_date, post_only, stale_version

#: External audits listed with their findings (newest first); the register holds every one.
AUDITS_SHOWN = 50


def _page(request, organisation, membership, *, refused=None, http_status=200):
    problems: dict = {}
    as_of = as_of_from(request, problems)
    status = status_for(organisation, as_of)
    audits = list(
        ExternalAudit.objects.filter(organisation=organisation).order_by("-planned_on", "-ref")[
            :AUDITS_SHOWN
        ]
    )
    findings: dict[int, list] = {}
    for finding in ExternalAuditFinding.objects.filter(audit__in=audits).select_related(
        "nonconformity"
    ):
        findings.setdefault(finding.audit_id, []).append(finding)
    in_cycle = status.current.requirements if status.current else ()
    context = {
        "organisation": organisation,
        "as_of": as_of,
        "problems": problems.get("as_of", []),
        "status": status,
        "state_label": status.state.value.replace("_", " "),
        "cycles": list(reversed(status.cycles)),
        "next_steps": [r for r in status.next_due if r not in in_cycle],
        "audits": [
            {
                "audit": audit,
                "findings": findings.get(audit.pk, []),
                "may_decide": audit.kind in DECIDING and audit.held_on and not audit.decision_on,
                "may_appeal": audit.held_on and not (audit.appeal or "").strip(),
                "may_resolve": bool((audit.appeal or "").strip()) and not audit.appeal_outcome,
            }
            for audit in audits
        ],
        "may_manage": can(membership, Action.MANAGE_AUDITS),
        "outcomes": ExternalAudit.AppealOutcome.choices,
        "refused": refused,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "web/loop/certification.html", context, status=http_status)


@login_required
def certification_page(request, slug: str) -> HttpResponse:
    """Where the certification stands as of a date (a fixed number of queries)."""
    organisation, membership = organisation_for(request, slug)
    return _page(request, organisation, membership)


def _decision(audit, post, problems):
    on = form_date(post.get("on", ""), "on", problems)
    expires = form_date(post.get("expires_on", ""), "expires_on", problems, required=False)
    if not problems:
        record_decision(audit, on=on, expires_on=expires)


def _appeal(audit, post, problems):
    on = form_date(post.get("on", ""), "on", problems)
    if not problems:
        raise_appeal(audit, text=post.get("reason", ""), on=on)


def _outcome(audit, post, problems):
    on = form_date(post.get("on", ""), "on", problems)
    if not problems:
        resolve_appeal(audit, outcome=post.get("outcome", ""), note=post.get("note", ""), on=on)


STEPS = {"decision": _decision, "appeal": _appeal, "appeal-outcome": _outcome}


@login_required
@post_only
def certification_step(request, slug: str, pk: int, step: str) -> HttpResponse:
    """Record the certification decision, an appeal, or the appeal's outcome, through the
    functions ``isms certification`` uses; a refusal names its reason."""
    organisation, membership = organisation_for(request, slug)
    audit = ExternalAudit.objects.filter(organisation=organisation, pk=pk).first()
    if audit is None or step not in STEPS:
        raise Http404("no such audit or step")
    require(membership, Action.MANAGE_AUDITS)
    problems: dict = {}
    refusal = ""
    try:
        with transaction.atomic(), acting_as(request.user):
            current = ExternalAudit.objects.select_for_update().get(pk=audit.pk)
            stale = stale_version(current, request.POST.get("row_version", ""))
            if stale is not None:
                refusal = (
                    f"someone changed {audit.ref} after you opened this page (it is now version "
                    f"{stale}); nothing was saved"
                )
            else:
                STEPS[step](current, request.POST, problems)
    except StaleRecord:
        refusal = f"someone changed {audit.ref} meanwhile; nothing was saved"
    except ValidationError as error:
        refusal = "; ".join(error.messages)
    refusal = "; ".join([refusal, *(m for ms in problems.values() for m in ms)]).strip("; ")
    if not refusal:
        return redirect("web:certification", slug=organisation.slug)
    return _page(request, organisation, membership, refused=(audit.ref, refusal), http_status=422)


urlpatterns = [
    path("orgs/<slug:slug>/certification/", certification_page, name="certification"),
    path(
        "orgs/<slug:slug>/certification/audits/<int:pk>/<slug:step>/",
        certification_step,
        name="certification_step",
    ),
]
