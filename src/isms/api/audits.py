"""The internal audit programme over HTTP: the programme and its coverage, assigning auditors
(refused when not independent), drawing a sample and reading the checklist.

The generic register endpoints (/orgs/{org}/internal_audits/, /orgs/{org}/audit_checklist/)
edit the records themselves; these endpoints apply the programme's rules, like ``isms audit``.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message, SaneDate
from isms.audits.models import InternalAudit
from isms.audits.programme import checklist_rows, programme_rows
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.audit_programme import assign_auditor, coverage_matrix, sample_audit
from isms.people.models import Person

router = Router(tags=["Internal audit programme"])
BASE = "/orgs/{org}/internal_audits/"
ERRORS = {403: Message, 404: Message, 422: Message}


class AuditAsOf(Schema):
    as_of: SaneDate | None = Field(None, description="End of the three-year cycle (default today).")


class AuditCycleOut(Schema):
    start: SaneDate
    end: SaneDate
    planned_until: SaneDate


class AuditCoverOut(Schema):
    ref: str
    title: str
    state: str = Field(description="completed (by the date) or planned (planned or in progress)")
    on: SaneDate
    via: list[str]
    overdue: bool


class AuditCoverageRow(Schema):
    kind: str = Field(description="clause or control")
    ref: str
    title: str
    group: str
    status: str = Field(description="covered, planned (only by planned audits) or uncovered")
    completed: list[str]
    planned: list[str]
    audits: list[AuditCoverOut]


class AuditCoverageCounts(Schema):
    total: int
    covered: int
    planned: int
    uncovered: int
    left: list[str]


class AuditCoverageSummary(Schema):
    clauses: AuditCoverageCounts
    controls: AuditCoverageCounts


class AuditCoverage(Schema):
    as_of: SaneDate
    cycle: AuditCycleOut
    audits: list[str]
    summary: AuditCoverageSummary
    rows: list[AuditCoverageRow]


class AuditScopeSize(Schema):
    clauses: int
    controls: int
    departments: int
    processes: int


class AuditProgrammeRow(Schema):
    ref: str
    title: str
    status: str
    planned_on: SaneDate
    completed_on: SaneDate | None
    lead_auditor: str | None
    team: list[str]
    scope_size: int
    scope: AuditScopeSize
    overdue: bool


class AuditorAssignIn(Schema):
    auditor: str = Field(description="Email of the person to assign.")
    lead: bool = Field(False, description="As lead auditor; otherwise as a team member.")
    on: SaneDate | None = Field(None, description="Date of the assignment (default today).")


class AuditAuditors(Schema):
    ref: str
    lead_auditor: str | None
    team: list[str]
    change: str


class AuditorRefused(Schema):
    detail: str
    reasons: list[str]


#: Checklist kinds and the payload field that asks for each.
SIZES = {
    "access_review": "access_reviews",
    "joiner": "joiners",
    "leaver": "leavers",
    "supplier": "suppliers",
    "incident": "incidents",
}


class AuditSampleIn(Schema):
    access_reviews: int | None = Field(None, ge=0)
    joiners: int | None = Field(None, ge=0)
    leavers: int | None = Field(None, ge=0)
    suppliers: int | None = Field(None, ge=0)
    incidents: int | None = Field(None, ge=0)
    seed: int | None = Field(None, description="Default: derived from the audit's ref.")
    since: SaneDate | None = None
    until: SaneDate | None = Field(None, description="Default: the audit's planned start.")


class AuditSampleKind(Schema):
    kind: str
    requested: int
    available: int
    drawn: int
    added: int
    kept: int
    removed: int


class AuditChecklistLine(Schema):
    audit: str
    kind: str
    record: str
    question: str
    reference: str
    result: str | None
    notes: str | None
    checked_by: str | None
    checked_on: SaneDate | None
    seed: int | None


class AuditSampleOut(Schema):
    audit: str
    seed: int
    since: SaneDate
    until: SaneDate
    kinds: list[AuditSampleKind]
    checklist: list[AuditChecklistLine]


def _audit(organisation, ref: str) -> InternalAudit:
    audit = InternalAudit.objects.filter(organisation=organisation, ref=ref).first()
    if audit is None:
        raise Http404(f"no internal audit {ref}")
    return audit


@router.get(
    BASE + "coverage",
    response={200: AuditCoverage, **ERRORS},
    summary="Coverage of clauses 4.1-10.2 and applicable controls over the cycle",
    operation_id="internal_audit_coverage",
)
def coverage(request, org: str, query: Query[AuditAsOf]):
    organisation = organisation_for(request, org, Action.VIEW)
    matrix = coverage_matrix(organisation, query.as_of or timezone.localdate())
    return Status(200, matrix.as_dict())


@router.get(
    BASE + "programme",
    response={200: list[AuditProgrammeRow], **ERRORS},
    summary="The audits of the programme: status, dates, lead, scope size, overdue",
    operation_id="internal_audit_programme",
)
def programme(request, org: str, query: Query[AuditAsOf]):
    organisation = organisation_for(request, org, Action.VIEW)
    return Status(200, programme_rows(organisation, query.as_of or timezone.localdate()))


@router.post(
    BASE + "{ref}/assign",
    response={200: AuditAuditors, 409: AuditorRefused, **ERRORS},
    summary="Assign an auditor (409 with the reasons when not independent of the scope)",
    operation_id="internal_audit_assign",
)
def assign(request, org: str, ref: str, payload: AuditorAssignIn):
    organisation = organisation_for(request, org, Action.MANAGE_AUDITS)
    audit = _audit(organisation, ref)
    person = Person.objects.filter(organisation=organisation, email=payload.auditor).first()
    if person is None:
        return Status(422, {"detail": f"no person with email {payload.auditor!r}"})
    try:
        with acting_as(request.user):
            # Judged no earlier than today: a back-dated check could pass a leaver or a
            # document conflict that exists now.
            on = max(payload.on or timezone.localdate(), timezone.localdate())
            change = assign_auditor(audit, person, payload.lead, on)
    except ValidationError as error:
        reasons = list(error.messages)
        return Status(
            409,
            {
                "detail": f"{person.email} cannot be assigned to {audit.ref}: "
                + "; ".join(reasons),
                "reasons": reasons,
            },
        )
    audit.refresh_from_db()
    return Status(
        200,
        {
            "ref": audit.ref,
            "lead_auditor": audit.lead_auditor.email if audit.lead_auditor else None,
            "team": sorted(audit.team.values_list("email", flat=True)),
            "change": change,
        },
    )


@router.post(
    BASE + "{ref}/sample",
    response={200: AuditSampleOut, **ERRORS},
    summary="Draw a reproducible random sample of records into the audit's checklist",
    operation_id="internal_audit_sample",
)
def sample(request, org: str, ref: str, payload: AuditSampleIn):
    organisation = organisation_for(request, org, Action.MANAGE_AUDITS)
    audit = _audit(organisation, ref)
    sizes = payload.model_dump()
    counts = {kind: sizes[name] for kind, name in SIZES.items() if sizes[name] is not None}
    if not counts:
        return Status(422, {"detail": "say what to sample: " + ", ".join(SIZES.values())})
    try:
        with acting_as(request.user):
            drawn = sample_audit(
                audit, counts, seed=payload.seed, since=payload.since, until=payload.until
            )
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, {**drawn.as_dict(), "checklist": checklist_rows(audit)})


@router.get(
    BASE + "{ref}/checklist",
    response={200: list[AuditChecklistLine], **ERRORS},
    summary="The audit's checklist: sampled records, questions and answers",
    operation_id="internal_audit_checklist",
)
def checklist(request, org: str, ref: str):
    organisation = organisation_for(request, org, Action.VIEW)
    return Status(200, checklist_rows(_audit(organisation, ref)))
