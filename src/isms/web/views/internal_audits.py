"""The internal audit programme in the browser (9.2): the programme and its coverage matrix
(requirement clauses and applicable controls against the audits of the cycle, gaps visible), and an
audit's page: its auditors with any independence conflict, assigning an auditor (refusals list
every reason, as ``isms audit assign`` prints them), drawing a sample and recording the
checklist's results.

Everything goes through the functions ``isms audit`` and the API use: coverage_matrix,
programme_rows, assign_auditor, sample_audit, checklist_rows (isms.loop.audit_programme,
isms.audits.programme); a checklist result is written through the importer, so the register's
guarded columns (results need Action.MANAGE_AUDITS) are checked like an import."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.audits.models import AuditChecklistItem, InternalAudit
from isms.audits.programme import checklist_rows, programme_rows
from isms.core.actor import acting_as
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.exchange.importer import import_sheets, lock_for_update
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.loop.audit_programme import SAMPLERS, assign_auditor, coverage_matrix, sample_audit
from isms.people.models import Person
from isms.readiness.independence import auditors, independence_conflicts
from isms.web.access import organisation_for
from isms.web.views.nonconformities import form_date, post_only

#: Checklist lines shown on an audit's page (the CLI's checklist command prints every one).
CHECKLIST_SHOWN = 500


def as_of_from(request, problems: dict):
    """The ?as_of= date of a page (default today); a bad one is a problem on ``as_of``."""
    return form_date(request.GET.get("as_of", ""), "as_of", problems, required=False) or (
        timezone.localdate()
    )


@login_required
def programme_page(request, slug: str) -> HttpResponse:
    """The programme at a date and its coverage matrix, gaps first in the summary."""
    organisation, _ = organisation_for(request, slug)
    problems: dict = {}
    as_of = as_of_from(request, problems)
    coverage = coverage_matrix(organisation, as_of)
    programme = programme_rows(organisation, as_of)
    ids = dict(
        InternalAudit.objects.filter(
            organisation=organisation, ref__in=[row["ref"] for row in programme]
        ).values_list("ref", "pk")
    )
    for row in programme:
        row["id"] = ids[row["ref"]]
    columns = coverage.audits
    matrix = {}
    for kind in ("clause", "control"):
        groups: dict[str, list] = {}
        for row in coverage.of(kind):
            marks = {cover.audit: cover for cover in row.audits}
            groups.setdefault(row.group, []).append(
                {"row": row, "cells": [marks.get(ref) for ref in columns]}
            )
        matrix[kind] = list(groups.items())
    context = {
        "organisation": organisation,
        "as_of": as_of,
        "problems": problems.get("as_of", []),
        "programme": programme,
        "coverage": coverage,
        "summary": coverage.summary(),
        "columns": columns,
        "matrix": matrix,
    }
    return render(request, "web/loop/internal_audits.html", context)


def _audit(organisation, pk: int) -> InternalAudit:
    audit = (
        InternalAudit.objects.filter(organisation=organisation, pk=pk)
        .select_related("lead_auditor")
        .first()
    )
    if audit is None:
        raise Http404("no such internal audit")
    return audit


def _audit_page(request, organisation, membership, audit, *, status=200, **extra):
    today = timezone.localdate()
    team = auditors(audit)
    conflicts = independence_conflicts(organisation, [(audit, person) for person in team], today)
    items = AuditChecklistItem.objects.filter(audit=audit).values_list(
        "kind", "record", "pk", "row_version"
    )
    ids = {(kind, record): (pk, version) for kind, record, pk, version in items}
    rows = checklist_rows(audit)[:CHECKLIST_SHOWN]
    line_problems, stale_line = extra.pop("line_problems", {}), extra.pop("stale_line", None)
    for row in rows:
        row["id"], row["row_version"] = ids[(row["kind"], row["record"])]
        row["problems"], row["stale"] = line_problems.get(row["id"], []), row["id"] == stale_line
    context = {
        "organisation": organisation,
        "audit": audit,
        "auditors": team,
        "conflicts": conflicts,
        "checklist": rows,
        "checklist_total": len(ids),
        "results": AuditChecklistItem.Result.choices,
        "kinds": list(SAMPLERS),
        "may_manage": can(membership, Action.MANAGE_AUDITS),
        "today": today.isoformat(),
        "posted": {},
        **extra,
    }
    return render(request, "web/loop/internal_audit.html", context, status=status)


@login_required
def audit_detail(request, slug: str, pk: int) -> HttpResponse:
    organisation, membership = organisation_for(request, slug)
    return _audit_page(request, organisation, membership, _audit(organisation, pk))


@login_required
@post_only
def audit_assign(request, slug: str, pk: int) -> HttpResponse:
    """Assign an auditor; a refusal lists every reason (independence, leaver, closed audit)."""
    organisation, membership = organisation_for(request, slug)
    audit = _audit(organisation, pk)  # another organisation's audit: 404 before 403
    require(membership, Action.MANAGE_AUDITS)
    email = request.POST.get("auditor", "").strip()
    as_lead = request.POST.get("lead") == "yes"
    person = (
        Person.objects.filter(organisation=organisation, email__iexact=email).first()
        if email
        else None
    )
    if person is None:
        return _audit_page(
            request,
            organisation,
            membership,
            audit,
            status=422,
            assign_problem=f"no person with email {email!r} in the People register",
            posted=request.POST,
        )
    try:
        with acting_as(request.user):
            # Judged today, as the API does: a back-dated check could pass a leaver.
            change = assign_auditor(audit, person, as_lead, timezone.localdate())
    except ValidationError as error:
        return _audit_page(
            request,
            organisation,
            membership,
            _audit(organisation, pk),
            status=409,
            refused=f"{person.email} cannot be assigned to {audit.ref}",
            reasons=list(error.messages),
            posted=request.POST,
        )
    return _audit_page(request, organisation, membership, _audit(organisation, pk), changed=change)


@login_required
@post_only
def audit_sample(request, slug: str, pk: int) -> HttpResponse:
    """Draw a reproducible sample into the checklist (answered lines are never removed)."""
    organisation, membership = organisation_for(request, slug)
    audit = _audit(organisation, pk)  # another organisation's audit: 404 before 403
    require(membership, Action.MANAGE_AUDITS)
    problems: dict = {}
    counts = {}
    for kind in SAMPLERS:
        value = request.POST.get(kind, "").strip()
        if value:
            if not value.isdigit():
                problems.setdefault(kind, []).append("a whole number, 0 or more")
            else:
                counts[kind] = int(value)
    seed_text = request.POST.get("seed", "").strip()
    seed = int(seed_text) if seed_text.isdigit() else None
    if seed_text and seed is None:
        problems.setdefault("seed", []).append("a whole number, or empty for the default")
    since = form_date(request.POST.get("since", ""), "since", problems, required=False)
    until = form_date(request.POST.get("until", ""), "until", problems, required=False)
    if not counts and not problems:
        problems.setdefault("", []).append("say how many records of at least one kind to draw")
    sample = None
    if not problems:
        try:
            with acting_as(request.user):
                sample = sample_audit(audit, counts, seed=seed, since=since, until=until)
        except ValueError as error:
            problems.setdefault("", []).append(str(error))
    if problems:
        return _audit_page(
            request,
            organisation,
            membership,
            audit,
            status=422,
            sample_problems=problems,
            posted=request.POST,
        )
    return _audit_page(request, organisation, membership, audit, sample=sample)


def _checklist_register():
    return next(r for r in all_registers() if r.model is AuditChecklistItem)


@login_required
@post_only
def checklist_result(request, slug: str, pk: int, item: int) -> HttpResponse:
    """Record one checklist line's result, in the signed-in auditor's name, through the
    importer; a line changed since the form was opened is not overwritten."""
    organisation, membership = organisation_for(request, slug)
    audit = _audit(organisation, pk)
    line = AuditChecklistItem.objects.filter(
        organisation=organisation, audit=audit, pk=item
    ).first()
    if line is None:
        raise Http404("no such checklist line")
    require(membership, Action.MANAGE_AUDITS)
    register = _checklist_register()
    problems: list[str] = []
    email = (request.user.email or "").strip()
    checker = (
        Person.objects.filter(organisation=organisation, email__iexact=email).first()
        if email
        else None
    )
    result = request.POST.get("result", "")
    if result not in AuditChecklistItem.Result.values:
        problems.append(f"result {result!r} is not one of the listed results")
    if checker is None and result:
        problems.append(
            f"your account ({request.user.get_username()}) has no email matching a person of "
            f"{organisation.name}; a result is recorded in the auditor's name"
        )
    stale = None
    with transaction.atomic():
        current = lock_for_update(register, organisation, line.pk)
        if current is None:
            raise Http404("no such checklist line")
        if request.POST.get("row_version", "") != str(current):
            stale = current
        elif not problems:
            row = {
                "audit": audit.ref,
                "kind": line.kind,
                "record": line.record,
                # Every column, as the sheet has them: the drawn question stays as it is.
                "question": line.question,
                "reference": line.reference or None,
                "seed": str(line.seed) if line.seed is not None else None,
                "result": result or None,
                "notes": request.POST.get("notes", "").strip() or None,
                "checked_by": checker.email if result else None,
                "checked_on": timezone.localdate().isoformat() if result else None,
            }
            sheet = Sheet(register.sheet, list(row), [(1, row)], row_label="form")
            try:
                with acting_as(request.user):
                    import_sheets(organisation, [sheet], locked=True)
            except ImportRejected as rejected:
                problems += [problem.message for problem in rejected.problems]
    if not (problems or stale):
        return redirect(f"/orgs/{organisation.slug}/internal-audits/{audit.pk}/#line-{line.pk}")
    return _audit_page(
        request,
        organisation,
        membership,
        audit,
        status=409 if stale else 422,
        line_problems={line.pk: problems},
        stale_line=line.pk if stale else None,
    )


urlpatterns = [
    path("orgs/<slug:slug>/internal-audits/", programme_page, name="internal_audits"),
    path("orgs/<slug:slug>/internal-audits/<int:pk>/", audit_detail, name="internal_audit"),
    path(
        "orgs/<slug:slug>/internal-audits/<int:pk>/assign/",
        audit_assign,
        name="internal_audit_assign",
    ),
    path(
        "orgs/<slug:slug>/internal-audits/<int:pk>/sample/",
        audit_sample,
        name="internal_audit_sample",
    ),
    path(
        "orgs/<slug:slug>/internal-audits/<int:pk>/checklist/<int:item>/",
        checklist_result,
        name="internal_audit_result",
    ),
]
