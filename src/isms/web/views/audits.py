"""Mock audits in the browser: the runs and the form that starts one in the background, a run's
progress, its findings (filtered by grade, stage, requirement or theme), one finding with the
records it concerns and the NC raised from it, two runs compared, and the reports to download.

Runs go through readiness/tasks.py (queued for ``isms worker``), NCs through the loop's
``raise_from_assessment`` and reports through the renderers ``isms assess`` uses, so the browser
does exactly what the CLI and the API do."""

import datetime as dt
import json
import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from isms.audits.models import Nonconformity
from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.exchange.keys import key_lookups, key_text, split_key
from isms.loop.nonconformities import _link as nonconformity_link
from isms.loop.nonconformities import raise_from_assessment
from isms.readiness.engine import requirement_summary
from isms.readiness.models import Assessment, AssessmentFinding, AssessmentRequest
from isms.readiness.store import diff_with_previous
from isms.readiness.stored import result_of
from isms.readiness.tasks import request_assessment, settled
from isms.web.access import organisation_for

#: The order findings are read in, as a certification report lists them.
GRADE_ORDER = ("major", "minor", "ofi")
GRADE_LABELS = {
    "major": "Major nonconformities",
    "minor": "Minor nonconformities",
    "ofi": "Opportunities for improvement",
}
#: Themes to browse by: clauses 4 to 10 and the four Annex A themes.
THEMES = {
    **{str(n): f"Clause {n}" for n in range(4, 11)},
    "A.5": "A.5 Organisational controls",
    "A.6": "A.6 People controls",
    "A.7": "A.7 Physical controls",
    "A.8": "A.8 Technological controls",
}
RUNS_PER_PAGE = 50
#: Instances shown on a page; the JSON report holds every one.
EVIDENCE_SHOWN = 50
#: The dates a run may be asked for (as the API's SaneDate).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _run(organisation, run_id: int) -> Assessment:
    run = Assessment.objects.filter(organisation=organisation, pk=run_id).first()
    if run is None:
        raise Http404("no such mock audit")
    run.organisation = organisation  # known already: not read again by the report renderers
    return run


def parse_request(data) -> tuple[dict, dict]:
    """(values, problems) of a "run a mock audit" form or body: as_of (a date, default today)
    and stage (1 or 2), each problem named by its field."""
    problems, values = {}, {}
    text = str(data.get("as_of") or "").strip()
    try:
        values["as_of"] = dt.date.fromisoformat(text) if text else timezone.localdate()
        if not EARLIEST <= values["as_of"] <= LATEST:
            problems["as_of"] = "The date must be between 1900 and 2999."
    except ValueError:
        problems["as_of"] = "Enter the audit date as YYYY-MM-DD, e.g. 2026-11-30."
    stage = str(data.get("stage") or "2").strip()
    if stage not in ("1", "2"):
        problems["stage"] = "The stage is 1 (documents) or 2 (implementation)."
    else:
        values["stage"] = int(stage)
    return values, problems


@login_required
def audit_runs(request, slug: str) -> HttpResponse:
    """The organisation's mock audits, newest first, the runs still in progress, and (for roles
    that may run one) the form that starts one in the background."""
    organisation, membership = organisation_for(request, slug)
    may_run = can(membership, Action.RUN_ASSESSMENT)
    problems, entered = {}, {"as_of": timezone.localdate().isoformat(), "stage": "2"}
    if request.method == "POST":
        require(membership, Action.RUN_ASSESSMENT)
        values, problems = parse_request(request.POST)
        entered = {"as_of": request.POST.get("as_of", ""), "stage": request.POST.get("stage", "")}
        if not problems:
            run = request_assessment(organisation, values["as_of"], values["stage"], request.user)
            return redirect("web:audit_request", organisation.slug, run.pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    runs = Paginator(
        Assessment.objects.filter(organisation=organisation)
        .select_related("run_by")
        .only(
            "pk",
            "as_of",
            "stage",
            "run_at",
            "verdict",
            "majors",
            "minors",
            "ofis",
            "run_by__username",
        ),
        RUNS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    pending = AssessmentRequest.objects.filter(
        organisation=organisation,
        status__in=[AssessmentRequest.Status.QUEUED, AssessmentRequest.Status.RUNNING],
    )[:20]
    context = {
        "organisation": organisation,
        "runs": runs,
        "pending": pending,
        "may_run": may_run,
        "problems": problems,
        "entered": entered,
        "compare_choices": runs.object_list[:RUNS_PER_PAGE] if len(runs.object_list) > 1 else [],
    }
    return render(request, "web/audits/runs.html", context, status=422 if problems else 200)


@login_required
def audit_request(request, slug: str, pk: int) -> HttpResponse:
    """How far a run asked for has got. htmx polls the progress fragment every 2 seconds and is
    sent to the findings when the run is stored; without JavaScript the page has a refresh link,
    and a finished run's page goes straight to its findings."""
    organisation, _ = organisation_for(request, slug)
    run = (
        AssessmentRequest.objects.filter(organisation=organisation, pk=pk)
        .select_related("requested_by")
        .first()
    )
    if run is None:
        raise Http404("no such mock audit request")
    run = settled(run)
    done = run.status == AssessmentRequest.Status.DONE and run.assessment_id
    findings = reverse("web:findings", args=[organisation.slug, run.assessment_id]) if done else ""
    if request.headers.get("HX-Request"):
        response = render(
            request, "web/audits/progress.html", {"organisation": organisation, "run": run}
        )
        if done:
            response["HX-Redirect"] = findings
        return response
    if done:
        return redirect(findings)
    return render(request, "web/audits/request.html", {"organisation": organisation, "run": run})


def _filters(get) -> dict:
    """The findings filters from the query string, each kept only when it is a known value."""
    grade = get.get("grade", "")
    stage = get.get("stage", "")
    theme = get.get("theme", "")
    requirement = "".join(ch for ch in get.get("requirement", "").strip() if ch.isprintable())
    return {
        "grade": grade if grade in GRADE_ORDER else "",
        "stage": stage if stage in ("1", "2") else "",
        "theme": theme if theme in THEMES else "",
        "requirement": requirement[:30],
    }


def _filtered(queryset, filters: dict):
    """Findings whose lead requirement is the one asked for (or one of its parts: 9.2 finds
    9.2.1 and "6.1.3 d"), in the theme asked for, of the grade and stage asked for."""
    if filters["grade"]:
        queryset = queryset.filter(grade=filters["grade"])
    if filters["stage"]:
        queryset = queryset.filter(stage=int(filters["stage"]))
    for value in (filters["theme"], filters["requirement"]):
        if value:
            queryset = queryset.filter(
                Q(reference=value)
                | Q(reference__startswith=f"{value}.")
                | Q(reference__startswith=f"{value} ")
            )
    return queryset


@login_required
def assessment_findings(request, slug: str, run_id: int) -> HttpResponse:
    """One mock audit's findings, majors first, each with its statement, requirement, extent,
    the reason for its grade and its objective evidence; filtered by grade, stage, requirement
    or theme (three queries whatever the size)."""
    organisation, membership = organisation_for(request, slug)
    run = _run(organisation, run_id)
    filters = _filters(request.GET)
    findings = _filtered(
        AssessmentFinding.objects.filter(assessment=run, grouped_in__isnull=True), filters
    ).defer("detail", "recommendation")
    by_grade: dict[str, list] = {grade: [] for grade in GRADE_ORDER}
    for finding in findings.order_by("reference", "key", "pk"):
        by_grade.setdefault(finding.grade, []).append(finding)
    sections = [
        {"grade": grade, "label": GRADE_LABELS.get(grade, grade), "findings": items}
        for grade, items in by_grade.items()
        if items
    ]
    context = {
        "organisation": organisation,
        "run": run,
        "sections": sections,
        "filters": filters,
        "filtered": any(filters.values()),
        "grades": GRADE_LABELS,
        "themes": THEMES,
        "evidence_shown": EVIDENCE_SHOWN,
        "may_export": can(membership, Action.EXPORT),
    }
    return render(request, "web/findings.html", context)


def records_of(organisation, evidence: list[dict]) -> list[dict]:
    """The records a finding's instances concern (subject and related), each with the URL of
    its record page when it is a register row that still exists: one query per register
    concerned, never one per record."""
    registers = {register.sheet: register for register in all_registers()}
    subjects: dict[tuple[str, str], dict] = {}
    for instance in evidence:
        for subject in [instance.get("subject"), *instance.get("related", [])]:
            if subject and (subject["type"], subject["key"]) not in subjects:
                subjects[(subject["type"], subject["key"])] = {
                    "type": subject["type"],
                    "key": subject["key"],
                    "url": "",
                }
    wanted: dict[str, dict[tuple, dict]] = {}
    for (sheet, key), record in subjects.items():
        register = registers.get(sheet)
        parts = split_key(key, len(register.key)) if register else None
        if parts:
            wanted.setdefault(sheet, {})[parts] = record
    for sheet, by_key in wanted.items():
        register = registers[sheet]
        lookups = key_lookups(register)
        # Narrowed on the first part of the key (an IN list, not one OR per record: SQLite
        # refuses deep expressions); the whole key is matched below.
        first = sorted({parts[0] for parts in by_key})
        rows = register.model.objects.filter(
            organisation=organisation, **{f"{lookups[0]}__in": first}
        )
        for pk, *parts in rows.values_list("pk", *lookups):
            record = by_key.get(tuple(key_text(part) for part in parts))
            if record is not None:
                record["url"] = reverse("web:record", args=[organisation.slug, register.name, pk])
    return list(subjects.values())


def _finding(organisation, run_id: int, pk: int) -> tuple[Assessment, AssessmentFinding]:
    run = _run(organisation, run_id)
    finding = AssessmentFinding.objects.filter(assessment=run, pk=pk).first()
    if finding is None:
        raise Http404("no such finding")
    return run, finding


def nonconformity_url(organisation, nc: Nonconformity) -> str:
    """The NC's workflow page, or its register record where that page is not there."""
    try:
        return reverse("web:nonconformity", args=[organisation.slug, nc.pk])
    except NoReverseMatch:
        return reverse("web:record", args=[organisation.slug, "nonconformities", nc.pk])


def _nonconformity_for(organisation, finding) -> Nonconformity | None:
    """The NC of the log raised for this finding's issue (as the loop links them), if any."""
    code, subject = nonconformity_link(finding)
    return (
        Nonconformity.objects.filter(
            organisation=organisation, finding_code=code, finding_subject=subject
        )
        .only("pk", "ref", "status")
        .first()
    )


@login_required
def finding_detail(request, slug: str, run_id: int, pk: int) -> HttpResponse:
    """One finding: statement, requirement, grade reason, extent, objective evidence, the records
    concerned (linked), the findings an ownership major groups, and its nonconformity: a link to
    the NC raised for it, or (for roles that manage NCs) the button that raises one."""
    organisation, membership = organisation_for(request, slug)
    run, finding = _finding(organisation, run_id, pk)
    nc = _nonconformity_for(organisation, finding)
    context = {
        "organisation": organisation,
        "run": run,
        "finding": finding,
        "requirement": requirement_summary(finding.reference),
        "records": records_of(organisation, finding.evidence),
        "evidence": finding.evidence[:EVIDENCE_SHOWN],
        "evidence_hidden": max(0, len(finding.evidence) - EVIDENCE_SHOWN),
        "grouped": list(finding.grouped.order_by("reference", "key")),
        "nonconformity": nc,
        "nonconformity_url": nonconformity_url(organisation, nc) if nc else "",
        "raisable": finding.grade in ("major", "minor") and finding.grouped_in_id is None,
        "may_raise": can(membership, Action.MANAGE_NONCONFORMITIES),
        "grade_label": GRADE_LABELS.get(finding.grade, finding.grade),
    }
    return render(request, "web/audits/finding.html", context)


@login_required
def finding_raise(request, slug: str, run_id: int, pk: int) -> HttpResponse:
    """Raise the NC for one finding through the loop (never a second one for the same issue)."""
    organisation, membership = organisation_for(request, slug)
    run, finding = _finding(organisation, run_id, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(membership, Action.MANAGE_NONCONFORMITIES)
    with acting_as(request.user):
        raise_from_assessment(organisation, run, only=[finding.pk])
    return redirect("web:finding", organisation.slug, run.pk, finding.pk)


@login_required
def compare_runs(request, slug: str) -> HttpResponse:
    """Two runs compared by finding identity (the same comparison as ``isms assess --diff``):
    findings new in B, resolved since A, and those in both whose grade changed."""
    organisation, _ = organisation_for(request, slug)
    runs = list(
        Assessment.objects.filter(organisation=organisation).only(
            "pk", "as_of", "stage", "run_at", "verdict"
        )[:RUNS_PER_PAGE]
    )
    context = {"organisation": organisation, "choices": runs, "a": None, "b": None}
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    if a_id or b_id:
        if not (a_id.isdigit() and b_id.isdigit()):
            raise Http404("no such mock audit")
        a, b = _run(organisation, int(a_id)), _run(organisation, int(b_id))
        changes = diff_with_previous(result_of(b), a)
        before = {
            f.key: f.grade for f in a.findings.filter(grouped_in__isnull=True).only("key", "grade")
        }
        now = {f.key: f for f in b.findings.filter(grouped_in__isnull=True)}
        regraded = [
            {"finding": now[key], "was": before[key]}
            for key in sorted(now.keys() & before.keys())
            if now[key].grade != before[key]
        ]
        context.update(
            a=a,
            b=b,
            new=[now.get(f.key) or f for f in changes.new],
            resolved=changes.resolved,
            regraded=regraded,
            unchanged=changes.unchanged - len(regraded),
        )
    return render(request, "web/audits/compare.html", context)


@login_required
def report_download(request, slug: str, run_id: int, fmt: str) -> HttpResponse:
    """A run's report as ``isms assess`` writes it, as an attachment: JSON, HTML or PDF."""
    if fmt not in ("json", "html", "pdf"):
        raise Http404("no such report format")
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EXPORT)
    run = _run(organisation, run_id)
    result = result_of(run)
    name = f"{organisation.slug}-mock-audit-{run.as_of.isoformat()}-{run.pk}.{fmt}"
    if fmt == "json":
        from isms.readiness.reports.json import result_to_dict

        body = json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "html":
        from isms.readiness.reports.html import render_html

        response = HttpResponse(render_html(result), content_type="text/html; charset=utf-8")
    else:
        from isms.readiness.reports.pdf import write_pdf

        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / name
            write_pdf(result, target)
            response = HttpResponse(target.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("orgs/<slug:slug>/audits/", audit_runs, name="audits"),
    path("orgs/<slug:slug>/audits/compare/", compare_runs, name="audit_compare"),
    path("orgs/<slug:slug>/audits/requests/<int:pk>/", audit_request, name="audit_request"),
    path("orgs/<slug:slug>/audits/<int:run_id>/", assessment_findings, name="findings"),
    path(
        "orgs/<slug:slug>/audits/<int:run_id>/findings/<int:pk>/",
        finding_detail,
        name="finding",
    ),
    path(
        "orgs/<slug:slug>/audits/<int:run_id>/findings/<int:pk>/raise/",
        finding_raise,
        name="finding_raise",
    ),
    path(
        "orgs/<slug:slug>/audits/<int:run_id>/report.<str:fmt>",
        report_download,
        name="audit_report",
    ),
]
