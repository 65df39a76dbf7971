"""Mock audits in the browser: a run's findings."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path

from isms.readiness.models import Assessment, AssessmentFinding
from isms.web.access import organisation_for

#: The order findings are read in, as a certification report lists them.
GRADE_ORDER = ("major", "minor", "ofi")
GRADE_LABELS = {
    "major": "Major nonconformities",
    "minor": "Minor nonconformities",
    "ofi": "Opportunities for improvement",
}


@login_required
def assessment_findings(request, slug: str, run_id: int) -> HttpResponse:
    """One mock audit's findings, majors first, each with its statement, requirement, extent,
    the reason for its grade and its objective evidence (two queries whatever the size)."""
    organisation, _ = organisation_for(request, slug)
    run = Assessment.objects.filter(organisation=organisation, pk=run_id).first()
    if run is None:
        raise Http404("no such mock audit")
    findings = AssessmentFinding.objects.filter(assessment=run, grouped_in__isnull=True).defer(
        "detail", "recommendation"
    )
    by_grade: dict[str, list] = {grade: [] for grade in GRADE_ORDER}
    for finding in findings.order_by("reference", "key", "pk"):
        by_grade.setdefault(finding.grade, []).append(finding)
    sections = [
        {"grade": grade, "label": GRADE_LABELS.get(grade, grade), "findings": items}
        for grade, items in by_grade.items()
        if items
    ]
    context = {"organisation": organisation, "run": run, "sections": sections}
    return render(request, "web/findings.html", context)


urlpatterns = [
    path("orgs/<slug:slug>/audits/<int:run_id>/", assessment_findings, name="findings"),
]
