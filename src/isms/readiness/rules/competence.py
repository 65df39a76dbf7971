"""Competence (7.2): the competence each ISMS role needs and the evidence its holders have it (CMP).

A role is *held* at the audit date as the leadership rules define it (assigned on or before
that date or undated, not ended by then, holder not a leaver). Evidence is *current* when it
was obtained on or before the audit date and has not expired by then (no expiry date, or one
after the audit date).

These rules judge only organisations that record competence requirements: an empty register
says nothing about competence recorded elsewhere (training records, HR files).
"""

from collections import defaultdict

from django.db.models import Q

from isms.audits.models import InternalAudit
from isms.leadership.models import CompetenceEvidence, CompetenceRequirement, RoleAssignment
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

Role = RoleAssignment.Role


def _current_roles(ctx):
    held = (Q(assigned_on__isnull=True) | Q(assigned_on__lte=ctx.as_of)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.as_of)
    )
    present = Q(person__leave_date__isnull=True) | Q(person__leave_date__gt=ctx.as_of)
    return ctx.q(RoleAssignment).filter(held, present)


def _population(ctx):
    return ctx.population("ISMS role assignments in effect", _current_roles(ctx))


def _role_key(assignment) -> str:
    return f"{assignment.role} / {assignment.person.email}"


@rule(
    code="CMP001",
    name="competence-requirement-not-evidenced",
    reference="7.2",
    stage=2,
    grade=Grade.MINOR,
    title="ISMS role holder without evidence of the competence the role requires",
    statement="The organisation has not retained documented information as evidence that the "
    "persons doing ISMS work have the competence it determined they need.",
)
def competence_requirement_not_evidenced(ctx):
    """
    What it checks: every person holding an ISMS role at the audit date has current evidence
    for each competence requirement recorded for that role. An internal auditor who led an
    internal audit (planned on or before the audit date) without evidence of auditor
    competence is named in the detail with the audits led: that is the case auditors look for
    first, because it also puts the internal audit results (9.2) in doubt.

    Why an auditor cares: 7.2 asks the organisation to decide what competence the people doing
    ISMS work need, make sure they have it (education, training or experience), act where they
    do not, and keep evidence. A requirement without evidence for its holder is either a gap
    in competence or a gap in records; either way the organisation cannot show 7.2 works.

    How to fix: obtain and file the evidence (certificate, course record, appraisal of
    experience), or plan the training and record its completion; renew expired certificates.
    For an auditor without training, have a trained auditor review the audits they led.

    Grade: one instance (one role holder) is minor; major by extent when pervasive among the
    role assignments in effect. No effect-based major.
    """
    requirements = defaultdict(list)
    for requirement in ctx.q(CompetenceRequirement).order_by("ref"):
        requirements[requirement.role].append(requirement)
    if not requirements:
        return
    current = set(
        ctx.q(CompetenceEvidence)
        .filter(obtained_on__lte=ctx.as_of)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=ctx.as_of))
        .values_list("person_id", "requirement_id")
    )
    expired = {
        (person, requirement): expires
        for person, requirement, expires in ctx.q(CompetenceEvidence)
        .filter(obtained_on__lte=ctx.as_of, expires_on__lte=ctx.as_of)
        .order_by("expires_on")
        .values_list("person_id", "requirement_id", "expires_on")
    }
    led = defaultdict(list)
    for person, ref in (
        ctx.q(InternalAudit)
        .filter(planned_on__lte=ctx.as_of, lead_auditor__isnull=False)
        .exclude(status=InternalAudit.Status.CANCELLED)
        .order_by("planned_on", "ref")
        .values_list("lead_auditor_id", "ref")
    ):
        led[person].append(ref)
    assignments = (
        _current_roles(ctx)
        .filter(role__in=list(requirements))
        .select_related("person__department")
        .order_by("role", "person__email")
    )
    for assignment in assignments:
        person = assignment.person
        missing = [r for r in requirements[assignment.role] if (person.pk, r.pk) not in current]
        if not missing:
            continue
        gaps = []
        for requirement in missing:
            lapsed = expired.get((person.pk, requirement.pk))
            note = f" (evidence expired on {lapsed})" if lapsed else ""
            gaps.append(f"{requirement.ref} {requirement.requirement}{note}")
        detail = (
            f"{person.name} ({person.email}) holds the "
            f"{assignment.get_role_display().lower()} role but has no current evidence for: "
            f"{'; '.join(gaps)}."
        )
        # Related records are what this problem is about, for merging: not the person or the
        # audits led, which other, unrelated findings (audit criteria, training) concern.
        related = [Subject("Competence requirements", r.ref) for r in missing]
        audits = led.get(person.pk, []) if assignment.role == Role.INTERNAL_AUDITOR else []
        if audits:
            detail += (
                f" They led internal audit(s) {', '.join(audits)} without evidence of auditor "
                "competence, so the objectivity and reliability of those audits is in doubt too."
            )
        yield ctx.observe(
            Subject("ISMS roles", _role_key(assignment)),
            detail,
            population=_population(ctx),
            related=related,
            department=person.department.name if person.department_id else None,
            owner=person.email,
        )


@rule(
    code="CMP002",
    name="role-without-competence-requirement",
    reference="7.2",
    stage=1,
    grade=Grade.OFI,
    title="ISMS role with holders but no competence requirement",
    statement="The organisation could state, for every ISMS role it has assigned, the "
    "competence its holders need.",
)
def role_without_competence_requirement(ctx):
    """
    What it checks: in an organisation that records competence requirements, each ISMS role
    held at the audit date has at least one requirement. One observation per role.

    Why an auditor cares: 7.2 starts with determining the competence needed by the people doing
    work that affects information security. A role left out of the requirements is one whose
    holders nobody checks; auditors will ask how the organisation decided they are competent.

    How to fix: record what the role needs (knowledge, training, experience) and the evidence
    that counts, then check the holders against it.

    Grade: opportunity for improvement, one per role; never major (the roles that matter most
    usually have requirements, and CMP001 reports missing evidence).
    """
    defined = set(ctx.q(CompetenceRequirement).values_list("role", flat=True).distinct())
    if not defined:
        return
    held = (
        _current_roles(ctx)
        .exclude(role__in=defined)
        .values_list("role", flat=True)
        .distinct()
        .order_by("role")
    )
    for role in held:
        label = Role(role).label
        yield ctx.observe(
            Subject("ISMS roles", role),
            f"The {label.lower()} role is held at {ctx.as_of} but no competence requirement is "
            "recorded for it.",
            population=ctx.population(
                "ISMS role types held",
                _current_roles(ctx).values("role").distinct(),
            ),
        )
