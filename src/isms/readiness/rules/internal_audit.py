"""Internal audit (9.2): audits held at planned intervals, a programme that covers the whole
ISMS over the certification cycle, complete reports, and auditors who do not audit their own
work (F20, F21).

The helpers at the top are shared with the management review, nonconformity and certification
rules: what counts as a completed audit and what belongs to the audit programme.
"""

import re

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from isms.audits import programme as audit_programme
from isms.audits.models import InternalAudit
from isms.audits.programme import (
    OVERDUE_GRACE_DAYS,
    PROGRAMME_MONTHS,
    Cycle,
    clause_covered,
    requirement_clauses,
)
from isms.controls.models import SoAEntry
from isms.evidence.models import EvidenceLink
from isms.leadership.models import RoleAssignment
from isms.readiness.finding import Grade, Subject
from isms.readiness.independence import auditors, independence_conflicts
from isms.readiness.registry import rule

#: A text field that says nothing: empty, blanks, "-", "n/a" or "none".
BLANK = r"^\s*(-+|n/?a|none|tbd|todo)?\s*$"

# PROGRAMME_MONTHS, PLANNED_AHEAD_MONTHS and OVERDUE_GRACE_DAYS, the programme window and the
# clause-coverage rule are defined in isms.audits.programme (shared with `isms audit`).

COMPLETED = InternalAudit.Status.COMPLETED
CANCELLED = InternalAudit.Status.CANCELLED


def blank(field: str) -> Q:
    """Rows whose text ``field`` is empty or a placeholder."""
    return Q(**{f"{field}__iregex": BLANK})


def is_blank(text: str | None) -> bool:
    """The Python side of :func:`blank`, for rows already fetched."""
    return text is None or re.match(BLANK, text, re.IGNORECASE) is not None


def completed_audits(ctx):
    """Internal audits completed on or before the audit date, newest first.

    ``done_on`` is the report date, or the planned start when the report date is missing (so a
    completed audit is never ignored for lack of a date; AUD005 reports the missing date).
    """
    return (
        ctx.q(InternalAudit)
        .filter(status=COMPLETED)
        .annotate(done_on=Coalesce("completed_on", "planned_on"))
        .filter(done_on__lte=ctx.as_of)
        .order_by("-done_on", "-ref")
    )


def programme(ctx):
    """The audit programme at the audit date: audits not cancelled, planned in the 36 months
    before it or the 12 months after it (the definition `isms audit coverage` uses)."""
    return audit_programme.programme(ctx.organisation, ctx.as_of)


def _window(ctx) -> str:
    cycle = Cycle.ending(ctx.as_of)
    return f"planned between {cycle.start} and {cycle.planned_until}"


def _programme_population(ctx):
    return ctx.population("internal audits of the programme", programme(ctx))


def _one_department(audit) -> str | None:
    names = [d.name for d in audit.departments.all()]
    return names[0] if len(names) == 1 else None


@rule(
    code="AUD001",
    name="no-recent-internal-audit",
    reference="9.2.1",
    stage=1,
    grade=Grade.MAJOR,
    title="No internal audit completed in the last 12 months",
    statement=(
        "The organisation has not conducted internal audits at planned intervals: no internal "
        "audit was completed in the twelve months before the audit."
    ),
)
def no_recent_internal_audit(ctx):
    """
    What it checks: that at least one internal audit was completed (status completed, report
    issued) in the 12 months up to the audit date.

    Why an auditor cares: 9.2 requires internal audits at planned intervals, and a certification
    body will not hold stage 2 before the organisation has audited itself at least once. With no
    audit in a year, nobody inside the organisation has checked that the ISMS works.

    How to fix: run an internal audit now with an independent, competent auditor, issue the
    report, log its nonconformities, and put the next audits in the programme with dates.

    Grade: major, one instance: a required process is absent (no audit was ever completed) or
    has stopped (the last one is more than a year old).
    """
    last = completed_audits(ctx).first()
    if last is not None and last.done_on >= ctx.months_ago(12):
        return
    if last is None:
        planned = ctx.q(InternalAudit).exclude(status=CANCELLED).count()
        detail = f"No internal audit had been completed by {ctx.as_of}" + (
            f" ({planned} audit(s) are recorded as planned or in progress)."
            if planned
            else "; the register holds no internal audit."
        )
    else:
        days = (ctx.as_of - last.done_on).days
        detail = (
            f"The last completed internal audit is {last.ref} ({last.title}), completed on "
            f"{last.done_on}, {days} days before {ctx.as_of}; none was completed in the 12 months "
            "before the audit date."
        )
    yield ctx.observe(Subject("Internal audits", "Internal audit programme"), detail)


@rule(
    code="AUD002",
    name="audit-programme-misses-clauses",
    reference="9.2.2",
    stage=1,
    grade=Grade.MINOR,
    title="Audit programme does not cover every clause 4 to 10",
    statement=(
        "The organisation has not planned an internal audit programme that covers the "
        "requirements of the ISMS over the certification cycle."
    ),
    version=2,
)
def audit_programme_misses_clauses(ctx):
    """
    What it checks: that the internal audits of the programme (completed, in progress or
    planned, from 36 months before the audit date to 12 months after it) together have every
    requirement clause 4.1 to 10.2 in scope. A clause counts as covered when it, its parent
    (e.g. 6 for 6.1) or one of its sub-clauses (e.g. 6.1.2 for 6.1) is listed on an audit.

    Why an auditor cares: internal audits must show whether the ISMS conforms to all of the
    standard's requirements. Certification bodies expect every clause to be audited within the
    three-year cycle, and check the programme for gaps such as 6.3 or 7.4 that nobody owns.

    How to fix: add the missing clauses to an audit of the programme (or plan a new one) before
    the end of the cycle, and record the clauses in the audit's scope.

    Grade: minor, one instance for the programme (its detail gives the clauses missing, k of
    N): a programme exists and has gaps, which is a lapse, not an absence; never major by
    effect. This rule leads the programme-coverage finding; AUD003 (controls) observes the same
    record and joins it. No observation when there is no programme at all, which AUD001 reports.
    """
    audits = programme(ctx)
    count = audits.count()
    if not count:
        return
    listed = {ref for ref in audits.values_list("clauses__ref", flat=True) if ref}
    requirements = requirement_clauses()
    missing = [c for c in requirements if not clause_covered(c.ref, listed)]
    if not missing:
        return
    shown = ", ".join(f"{c.ref} {c.title}" for c in missing)
    yield ctx.observe(
        Subject("Internal audits", "Internal audit programme"),
        f"The {count} internal audit(s) {_window(ctx)} leave {len(missing)} of "
        f"{len(requirements)} requirement clauses out of scope: {shown}.",
    )


@rule(
    code="AUD003",
    name="audit-programme-misses-controls",
    reference="9.2.2",
    stage=1,
    grade=Grade.OFI,
    title="Audit programme does not cover every applicable Annex A control",
    statement=(
        "The organisation could plan its audit programme so that every applicable control is "
        "audited at least once in the certification cycle."
    ),
    version=2,
)
def audit_programme_misses_controls(ctx):
    """
    What it checks: that every control marked applicable in the SoA is in the scope of at least
    one internal audit of the programme (completed, in progress or planned, from 36 months
    before the audit date to 12 months after it).

    Why an auditor cares: the organisation's own requirements include the controls it chose in
    the SoA. A control that no internal audit looks at during the cycle has never been checked
    by anyone independent, and the certification body samples such controls first.

    How to fix: list the missing controls in the scope of planned audits so that each applicable
    control is audited at least once in the three-year cycle.

    Grade: opportunity for improvement, one instance for the programme: the standard asks for
    the ISMS to be audited, not for each control in every cycle, and planned audits can still
    take the controls in. Never major. It observes the same record as AUD002 (the programme),
    so when the clauses are not covered either it joins that finding. No observation without a
    programme (AUD001) or without a SoA.
    """
    audits = programme(ctx)
    count = audits.count()
    if not count:
        return
    applicable = list(
        ctx.q(SoAEntry)
        .filter(applicable=True)
        .order_by("control__sort_key")
        .values_list("control__ref", flat=True)
    )
    covered = set(audits.values_list("controls__ref", flat=True))
    missing = [ref for ref in applicable if ref not in covered]
    if not missing:
        return
    shown = ", ".join(missing[:20]) + (" ..." if len(missing) > 20 else "")
    yield ctx.observe(
        Subject("Internal audits", "Internal audit programme"),
        f"{len(missing)} of the {len(applicable)} applicable controls "
        f"{'is' if len(missing) == 1 else 'are'} in the scope of none of the {count} internal "
        f"audit(s) {_window(ctx)}: {shown}.",
    )


@rule(
    code="AUD004",
    name="internal-audit-overdue",
    reference="9.2.2",
    stage=2,
    grade=Grade.MINOR,
    title="Planned internal audit not carried out",
    statement=("The organisation has not implemented its internal audit programme as planned."),
)
def internal_audit_overdue(ctx):
    """
    What it checks: internal audits of the programme whose planned start is more than 30 days
    before the audit date but that were not completed by then (and were not cancelled).

    Why an auditor cares: 9.2.2 asks the organisation to implement its audit programme, not just
    write it. Audits that slip without a decision show that the programme is not managed, and
    the areas they cover go unchecked.

    How to fix: hold the audit and issue the report, or re-plan it with a new date (or cancel
    it and move its scope to another audit) and record why.

    Grade: minor for each audit; never major by effect. Counted among the audits of the
    programme.
    """
    audits = (
        ctx.q(InternalAudit)
        .exclude(status=CANCELLED)
        .filter(
            planned_on__gt=ctx.months_ago(PROGRAMME_MONTHS),
            planned_on__lt=ctx.days_ago(OVERDUE_GRACE_DAYS),
        )
        .annotate(done_on=Coalesce("completed_on", "planned_on"))
        .exclude(status=COMPLETED, done_on__lte=ctx.as_of)
        .prefetch_related("departments")
        .order_by("planned_on", "ref")
    )
    for audit in audits:
        days = (ctx.as_of - audit.planned_on).days
        if audit.status == COMPLETED:
            state = f"its report was issued only on {audit.completed_on}"
        else:
            state = f"it is still {audit.get_status_display().lower()}"
        yield ctx.observe(
            Subject("Internal audits", audit.ref),
            f"Internal audit {audit.ref} ({audit.title}) was planned to start on "
            f"{audit.planned_on}, {days} days before {ctx.as_of}, but {state}.",
            population=_programme_population(ctx),
            department=_one_department(audit),
        )


@rule(
    code="AUD005",
    name="internal-audit-report-incomplete",
    reference="9.2.2",
    stage=2,
    grade=Grade.OFI,
    title="Completed internal audit with no evidence that its results were reported",
    statement=(
        "The organisation could keep, for every completed internal audit, the evidence that its "
        "results were reported to the relevant management."
    ),
    version=2,
)
def internal_audit_report_incomplete(ctx):
    """
    What it checks: internal audits completed in the 36 months before the audit date for which
    nothing shows that the results were reported: no report summary, no evidence linked to
    the audit (collected on or before the audit date), and not both a report date and a lead
    auditor. Any one of those is accepted as evidence that the report exists outside this
    tool.

    Why an auditor cares: the results of each audit must be reported to the relevant
    management and kept as documented information (9.2.2). The standard does not require the
    report's conclusions to be held in this register; but when neither a summary, a linked
    report nor a dated report with an accountable auditor is on record, a "completed" audit
    cannot be shown to have reached anyone.

    How to fix: link the audit report as evidence to the audit, or record its conclusions, the
    lead auditor and the report date.

    Grade: opportunity for improvement for each audit (the report may well exist; the register
    does not show it); never major.
    """
    from django.contrib.contenttypes.models import ContentType

    audit_type = ContentType.objects.get_for_model(InternalAudit)
    evidence = ctx.q(EvidenceLink).filter(
        content_type=audit_type,
        object_id=OuterRef("pk"),
        evidence__collected_on__lte=ctx.as_of,
    )
    audits = (
        completed_audits(ctx)
        .filter(done_on__gt=ctx.months_ago(PROGRAMME_MONTHS))
        .filter(blank("report_summary"))
        .filter(Q(lead_auditor__isnull=True) | Q(completed_on=None))
        .exclude(Exists(evidence))
        .prefetch_related("departments")
        .order_by("done_on", "ref")
    )
    population = ctx.population(
        "internal audits completed in the cycle",
        completed_audits(ctx).filter(done_on__gt=ctx.months_ago(PROGRAMME_MONTHS)),
    )
    for audit in audits:
        missing = ["no report summary", "no linked evidence"]
        if audit.lead_auditor_id is None:
            missing.append("no lead auditor")
        if audit.completed_on is None:
            missing.append("no report date")
        yield ctx.observe(
            Subject("Internal audits", audit.ref),
            f"Internal audit {audit.ref} ({audit.title}), planned {audit.planned_on}, is "
            f"recorded as completed but has {', '.join(missing)}.",
            population=population,
            department=_one_department(audit),
        )


@rule(
    code="AUD006",
    name="internal-auditor-not-independent",
    reference="9.2.2",
    stage=2,
    grade=Grade.MINOR,
    title="Internal auditor audits their own department, process, documents or ISMS processes",
    statement=(
        "The organisation has not selected internal auditors so as to ensure the objectivity "
        "and impartiality of the audit process: auditors audited their own work."
    ),
    version=3,
)
def internal_auditor_not_independent(ctx):
    """
    What it checks: for each audit of the programme, whether the lead auditor or a team member
    audits their own work: works in or heads a department in scope, owns a process in scope,
    owns, wrote or approved a document that covers a control or clause in scope, or holds the
    ISMS manager role and audits the processes the ISMS manager runs (6.1, 9.2 or 10.2 in
    scope). Owning an asset of an audited department is not a conflict. One observation per
    audit, auditor and conflicting department, process, document or role. `isms audit assign`
    refuses these same conflicts when an auditor is assigned (one definition, in
    isms.readiness.independence).

    Why an auditor cares: 9.2.2 requires auditors chosen so that the audit is objective and
    impartial. People auditing their own department, their own documents or, as ISMS manager,
    the risk, audit and corrective-action processes they run are the textbook independence
    failure, and the certification body then cannot rely on the audit's results.

    How to fix: swap the auditor for one from another department (or an external auditor) for
    that part of the scope, or take the conflicting area out of their scope; if the audit is
    done, have the conflicting part re-audited.

    Grade: minor for each conflict; never major by effect. Counted among the audits of the
    programme.
    """
    audits = list(
        programme(ctx)
        .select_related("lead_auditor")
        .prefetch_related("team", "departments__manager", "processes__department")
        .order_by("planned_on", "ref")
    )
    pairs = [(audit, person) for audit in audits for person in auditors(audit)]
    for conflict in independence_conflicts(ctx.organisation, pairs, ctx.as_of):
        audit, person = conflict.audit, conflict.person
        yield ctx.observe(
            Subject("Internal audits", f"{audit.ref} / {person.email} / {conflict.subject}"),
            f"Internal audit {audit.ref} ({audit.title}): auditor {conflict.reason}.",
            population=_programme_population(ctx),
            department=conflict.department,
            process=conflict.process,
        )


@rule(
    code="AUD007",
    name="internal-auditor-not-appointed",
    reference="9.2.2",
    stage=2,
    grade=Grade.OFI,
    title="Internal auditor without an internal auditor role",
    statement=(
        "The organisation could record the appointment of each person who audits, with the "
        "areas they may audit."
    ),
)
def internal_auditor_not_appointed(ctx):
    """
    What it checks: that every lead auditor and team member of the audit programme holds the
    internal auditor role in the ISMS roles register, appointed by the audit date and not ended
    before the audit's planned start. One finding per person, listing their audits.

    Why an auditor cares: auditors must be competent and selected on purpose. An appointment
    record, with its responsibilities, is how the organisation shows that the person was chosen
    and is entitled to audit; without it the auditor's competence and authority are undocumented.

    How to fix: appoint the person as internal auditor in the roles register (with the date and
    the areas they may audit) and keep evidence of their audit training, or use an appointed
    auditor.

    Grade: opportunity for improvement for each person (competence is judged by other evidence
    too, such as training records); never major.
    """
    audits = list(
        programme(ctx)
        .select_related("lead_auditor__department")
        .prefetch_related("team__department")
        .order_by("planned_on", "ref")
    )
    people = {}
    for audit in audits:
        for person in auditors(audit):
            people.setdefault(person.pk, (person, []))[1].append(audit)
    if not people:
        return
    roles: dict[int, list] = {}
    assignments = (
        ctx.q(RoleAssignment)
        .filter(role=RoleAssignment.Role.INTERNAL_AUDITOR, person__in=people.keys())
        .filter(Q(assigned_on=None) | Q(assigned_on__lte=ctx.as_of))
        .values_list("person_id", "ended_on")
    )
    for person_id, ended_on in assignments:
        roles.setdefault(person_id, []).append(ended_on)
    for person, person_audits in sorted(people.values(), key=lambda item: item[0].email):
        ends = roles.get(person.pk, [])
        unappointed = [
            audit
            for audit in person_audits
            if not any(end is None or end >= audit.planned_on for end in ends)
        ]
        if not unappointed:
            continue
        listed = ", ".join(f"{a.ref} ({a.planned_on})" for a in unappointed)
        if ends:
            ended = max(end for end in ends if end is not None)
            why = f"but their internal auditor role in the ISMS roles register ended on {ended}"
        else:
            why = "but holds no internal auditor role in the ISMS roles register"
        yield ctx.observe(
            Subject("People", person.email),
            f"{person.name} ({person.email}) audits {listed} {why}.",
            population=ctx.population("auditors of the programme", len(people)),
            department=person.department.name if person.department else None,
        )


@rule(
    code="AUD008",
    name="internal-audit-scope-undefined",
    reference="9.2.2",
    stage=1,
    grade=Grade.MINOR,
    title="Internal audit without a defined scope or criteria",
    statement=(
        "The organisation has not defined the audit criteria and scope of each internal audit."
    ),
)
def internal_audit_scope_undefined(ctx):
    """
    What it checks: that each audit of the programme names its scope (at least one clause,
    control, department or process) and its audit criteria (the standard, policies or
    procedures it audits against).

    Why an auditor cares: 9.2.2 requires the criteria and scope of each audit to be defined.
    An audit without a scope cannot be shown to cover anything, so the programme's coverage
    cannot be demonstrated; without criteria it is unclear what conformity was judged against.

    How to fix: record the clauses, controls, departments or processes each audit covers, and
    the criteria (e.g. "ISO/IEC 27001:2022 clauses 7-10; POL-002 access control policy").

    Grade: minor when the scope is missing; opportunity for improvement when only the criteria
    are missing. Never major by effect. Counted among the audits of the programme.
    """
    annotations = {
        f"has_{field}": Exists(
            getattr(InternalAudit, field).through.objects.filter(internalaudit=OuterRef("pk"))
        )
        for field in ("clauses", "controls", "departments", "processes")
    }
    scoped = Q()
    for name in annotations:
        scoped |= Q(**{name: True})
    audits = (
        programme(ctx)
        .annotate(**annotations)
        .filter(~scoped | blank("criteria"))
        .order_by("planned_on", "ref")
    )
    for audit in audits:
        has_scope = any(getattr(audit, name) for name in annotations)
        if not has_scope:
            detail = (
                f"Internal audit {audit.ref} ({audit.title}), planned {audit.planned_on}, names "
                "no clause, control, department or process in its scope"
                + (" and no audit criteria" if is_blank(audit.criteria) else "")
                + "."
            )
            grade = Grade.MINOR
        else:
            detail = (
                f"Internal audit {audit.ref} ({audit.title}), planned {audit.planned_on}, "
                "records no audit criteria (the standard, policies or procedures audited "
                "against)."
            )
            grade = Grade.OFI
        yield ctx.observe(
            Subject("Internal audits", audit.ref),
            detail,
            grade=grade,
            population=_programme_population(ctx),
        )
