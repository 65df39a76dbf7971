"""The certification cycle in the browser: the certificate's state as of a date, each cycle's
surveillance and recertification audits (done, due, overdue, missed), what is next and when,
the certification body's audits with their findings, and any appeal; all as
isms.audits.certification computes it for ``isms certification status`` and the API. The
audits themselves are recorded in the External audits register."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from isms.audits.certification import status_for
from isms.audits.models import ExternalAudit, ExternalAuditFinding
from isms.web.access import organisation_for
from isms.web.views.internal_audits import as_of_from

#: External audits listed with their findings (newest first); the register holds every one.
AUDITS_SHOWN = 50


@login_required
def certification_page(request, slug: str) -> HttpResponse:
    """Where the certification stands as of a date (two queries whatever the history)."""
    organisation, _ = organisation_for(request, slug)
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
        "audits": [{"audit": audit, "findings": findings.get(audit.pk, [])} for audit in audits],
    }
    return render(request, "web/loop/certification.html", context)


urlpatterns = [
    path("orgs/<slug:slug>/certification/", certification_page, name="certification"),
]
