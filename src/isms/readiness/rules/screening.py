"""Screening (Annex A 6.1), terms and conditions of employment (A.6.2) and confidentiality or
non-disclosure agreements (A.6.6), for employees and contractors alike."""

from django.db.models import Q

from isms.leadership.models import RoleAssignment
from isms.operations.models import Account
from isms.people.models import SCREENING_ORDER, Person, ScreeningRequirement
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of


def _current_staff(ctx):
    """Employees and contractors employed at the audit date who had started by then."""
    return (
        ctx.q(Person)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=ctx.as_of))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=ctx.as_of))
        .select_related("department")
    )


def _population(ctx):
    return ctx.population("current staff", _current_staff(ctx))


def _who(person) -> str:
    kind = "contractor" if person.kind == Person.Kind.CONTRACTOR else "employee"
    started = f", started {person.start_date}" if person.start_date else ""
    return f"{person.name} ({person.email}, {kind}, {person.job_title or 'no job title'}{started})"


def _rank(level: str) -> int:
    return SCREENING_ORDER.index(level) if level in SCREENING_ORDER else -1


def _applies(requirement, person, roles: set, privileged: set) -> bool:
    if requirement.department_id and requirement.department_id != person.department_id:
        return False
    words = requirement.job_title_contains.strip().lower()
    if words and words not in (person.job_title or "").lower():
        return False
    if requirement.isms_role.strip() and (person.pk, requirement.isms_role.strip()) not in roles:
        return False
    return not (requirement.privileged_access and person.pk not in privileged)


@rule(
    code="HRS001",
    name="screening-missing-or-insufficient",
    reference="A.6.1",
    stage=2,
    grade=Grade.MINOR,
    title="Staff not screened, or screened below the level their role requires",
    statement=(
        "The organisation has not carried out background verification checks on all candidates "
        "and personnel to the level its own screening policy sets for their role."
    ),
)
def screening_missing_or_insufficient(ctx):
    """
    What it checks: current staff (employees and contractors alike, employed at the audit date)
    with no screening recorded on or before the audit date, or screened at a lower level than
    the screening requirements set for them. A person needs the highest level of the
    requirement lines that apply (department, words of the job title, an ISMS role held at the
    audit date, an active privileged account), or none when no line applies; a person with no
    check at all is an instance either way. Everyone employed is judged, whatever their start
    date: staff who joined before the policy need a retrospective check (or a recorded
    exception), and so do people who moved into a role that requires more. The rule judges only
    an organisation that records screening (a requirement line or a screening date): when
    neither is kept, the People register is not in use for it and the rule stays silent.

    Why an auditor cares: 6.1 asks for background checks before joining and on a continuing
    basis, proportionate to the information accessed and the risks. Auditors sample joiners and
    holders of privileged access and ask for the screening record; an administrator checked
    only at the basic level breaches the organisation's own policy.

    How to fix: complete the missing or higher-level check, record its date and level, and make
    the required level part of onboarding and of granting privileged access or a new role.

    Grade: minor for each person; never major by effect. One finding, counted among the
    current staff, so it is major only when the gaps are pervasive.
    """
    requirements = list(ctx.q(ScreeningRequirement))
    if not requirements and not ctx.q(Person).filter(screened_on__isnull=False).exists():
        return
    roles = set(
        ctx.q(RoleAssignment)
        .filter(Q(assigned_on__isnull=True) | Q(assigned_on__lte=ctx.as_of))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.as_of))
        .values_list("person_id", "role")
    )
    privileged = set(
        ctx.q(Account)
        .filter(is_active=True, is_privileged=True, person__isnull=False)
        .values_list("person_id", flat=True)
    )
    for person in _current_staff(ctx):
        needed = [r for r in requirements if _applies(r, person, roles, privileged)]
        top = max(needed, key=lambda r: _rank(r.required_level), default=None)
        screened = person.screened_on is not None and person.screened_on <= ctx.as_of
        if not screened:
            policy = (
                f"; the screening policy requires {top.required_level} ({top.name})" if top else ""
            )
            detail = f"{_who(person)} has no background check on record{policy}."
        elif top and _rank(person.screening_level) < _rank(top.required_level):
            done = person.screening_level or "an unrecorded level"
            detail = (
                f"{_who(person)} was screened on {person.screened_on} at {done}, but the "
                f"screening policy line {top.name!r} requires {top.required_level}."
            )
        else:
            continue
        yield ctx.observe(
            Subject("People", person.email),
            detail,
            population=_population(ctx),
            related=[Subject("Screening requirements", top.name)] if top else [],
            department=department_of(person),
        )


def _unsigned(ctx, field: str):
    """Current staff with no date in ``field`` on or before the audit date, or None when the
    organisation records that date for nobody (the column is not in use)."""
    if not ctx.q(Person).filter(**{f"{field}__isnull": False}).exists():
        return None
    signed = Q(**{f"{field}__isnull": False, f"{field}__lte": ctx.as_of})
    return _current_staff(ctx).exclude(signed)


@rule(
    code="HRS002",
    name="terms-not-signed",
    reference="A.6.2",
    stage=2,
    grade=Grade.MINOR,
    title="Staff with no signed terms stating their security responsibilities",
    statement=(
        "The organisation has not ensured that the contractual agreements of all personnel state "
        "their and the organisation's responsibilities for information security."
    ),
)
def terms_not_signed(ctx):
    """
    What it checks: current staff, employees and contractors alike, with no date on which they
    signed contract terms stating their information security responsibilities (or a date after
    the audit date). Judged only when the organisation records that date for someone.

    Why an auditor cares: 6.2 asks for the employment or engagement terms to state the
    security responsibilities of the person and of the organisation. Auditors sample contracts;
    a person working with no signed terms has accepted no security obligation at all.

    How to fix: have the person sign the current contract terms (or a security addendum),
    record the date, and make signature a condition of starting work.

    Grade: minor for each person; never major by effect. One finding, counted among the
    current staff, so it is major only when the gaps are pervasive.
    """
    people = _unsigned(ctx, "terms_signed_on")
    if people is None:
        return
    for person in people:
        yield ctx.observe(
            Subject("People", person.email),
            f"{_who(person)} has no signed terms of employment or engagement stating their "
            "information security responsibilities.",
            population=_population(ctx),
            department=department_of(person),
        )


@rule(
    code="HRS003",
    name="confidentiality-agreement-missing",
    reference="A.6.6",
    stage=2,
    grade=Grade.MINOR,
    title="Staff with no signed confidentiality agreement",
    statement=(
        "The organisation has not had all personnel sign the confidentiality or non-disclosure "
        "agreements its protection of information requires."
    ),
)
def confidentiality_agreement_missing(ctx):
    """
    What it checks: current staff, employees and contractors alike, with no date on which they
    signed a confidentiality or non-disclosure agreement (or a date after the audit date).
    Judged only when the organisation records that date for someone.

    Why an auditor cares: 6.6 asks for confidentiality agreements reflecting the organisation's
    needs to be signed by personnel and other relevant parties. Contractors are the usual gap:
    engaged through an agency, they start work before anyone asks for the NDA.

    How to fix: have the person sign the agreement, record the date, and add the NDA to the
    onboarding checklist for contractors as well as employees.

    Grade: minor for each person; never major by effect. One finding, counted among the
    current staff, so it is major only when the gaps are pervasive.
    """
    people = _unsigned(ctx, "confidentiality_signed_on")
    if people is None:
        return
    for person in people:
        yield ctx.observe(
            Subject("People", person.email),
            f"{_who(person)} has not signed a confidentiality or non-disclosure agreement.",
            population=_population(ctx),
            department=department_of(person),
        )
