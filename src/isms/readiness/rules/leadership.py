"""Leadership, roles and resources (5.1, 5.3, 7.1): the ISMS is not an IT project (F11).

A role is *held* at the audit date when it was assigned on or before that date (or has no
assignment date) and had not ended by then (no end date, or one after the audit date). A holder
*has left* when their leave date is on or before the audit date; a role held by a leaver does
not count as filled.

*Top management*, for approving resources, is defined once in
:mod:`isms.leadership.top_management` (the same definition signs management reviews and approves
the policy): at the approval date, the holder of the top-management sponsor role, a user whose
active membership is marked top management (matched to the person by email), or a head of
department (Departments.manager) whose line manager held the sponsor role: the executive team,
in each case still with the organisation on that date.
"""

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Trim

from isms.leadership.models import ResourceAllocation, RoleAssignment
from isms.leadership.top_management import top_management_exists
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import LEAVER_ISSUE, responsibilities

Role = RoleAssignment.Role


def _held_on(day: dt.date) -> Q:
    """Role assignments in effect on ``day`` (whoever holds them)."""
    return (Q(assigned_on__isnull=True) | Q(assigned_on__lte=day)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def _present(day: dt.date) -> Q:
    return Q(person__leave_date__isnull=True) | Q(person__leave_date__gt=day)


def _holders(ctx, role: str):
    """Current holders of ``role`` at the audit date, leavers excluded."""
    return ctx.q(RoleAssignment).filter(_held_on(ctx.as_of), _present(ctx.as_of), role=role)


def _former(ctx, role: str) -> str:
    """A note naming who held ``role`` last, for the finding's detail."""
    last = (
        ctx.q(RoleAssignment)
        .filter(role=role)
        .exclude(assigned_on__gt=ctx.as_of)
        .select_related("person")
        .order_by("-assigned_on", "-pk")
        .first()
    )
    if last is None:
        return "The role was never assigned."
    if last.person.leave_date and last.person.leave_date <= ctx.as_of:
        return f"The last holder, {last.person.email}, left on {last.person.leave_date}."
    return f"The last holder, {last.person.email}, stopped holding it on {last.ended_on}."


def _current_roles(ctx):
    return ctx.q(RoleAssignment).filter(_held_on(ctx.as_of), _present(ctx.as_of))


def _role_key(assignment) -> str:
    return f"{assignment.role} / {assignment.person.email}"


@rule(
    code="LDR001",
    name="no-top-management-sponsor",
    reference="5.1",
    stage=1,
    grade=Grade.OFI,
    title="No top-management sponsor for the ISMS",
    statement="The organisation has not named a member of top management as the sponsor of its "
    "ISMS.",
    version=2,
)
def no_top_management_sponsor(ctx):
    """
    What it checks: that someone who is still with the organisation holds the top-management
    sponsor role at the audit date. No clause requires such a role; it is good practice.

    Why an auditor cares: 5.1 asks top management to demonstrate leadership of the ISMS: set
    the policy and objectives, provide resources, sign the management review. An ISMS with no
    named executive owner is run as an IT project, and auditors interview top management at
    stage 2 expecting someone to answer for it.

    How to fix: appoint a member of top management (usually the CEO or managing director) as
    the ISMS sponsor, record the appointment and what they are accountable for.

    Grade: opportunity for improvement: the standard requires top management to demonstrate
    leadership (5.1), not a named sponsor role; whether it does is judged from what top
    management did (the policy, the management review, resources), which other rules check.
    No effect-based major.
    """
    if _holders(ctx, Role.TOP_MANAGEMENT_SPONSOR).exists():
        return
    yield ctx.observe(
        Subject("ISMS roles", Role.TOP_MANAGEMENT_SPONSOR.value),
        f"No current person holds the top-management sponsor role at {ctx.as_of}. "
        + _former(ctx, Role.TOP_MANAGEMENT_SPONSOR),
    )


@rule(
    code="LDR002",
    name="no-isms-manager",
    reference="5.3",
    stage=1,
    grade=Grade.MAJOR,
    title="Nobody assigned to run the ISMS",
    statement="The organisation has not assigned the responsibility and authority for ensuring "
    "that the ISMS conforms to the standard and for reporting its performance to top "
    "management.",
    version=2,
)
def no_isms_manager(ctx):
    """
    What it checks: that someone who is still with the organisation holds the ISMS manager role
    or the CISO role at the audit date. The standard names no role: a CISO may hold the 5.3
    responsibilities, so a CISO in post satisfies the rule.

    Why an auditor cares: 5.3 asks top management to assign the responsibility for making the
    ISMS conform to the standard and for reporting its performance. Without an ISMS manager
    nobody keeps the registers, runs the audit cycle or reports to management.

    How to fix: appoint an ISMS manager, record their responsibilities and authority, and make
    sure they have the time to do the job.

    Grade: major: the 5.3 responsibility for the ISMS is assigned to nobody (a required
    assignment absent altogether). No effect-based major.
    """
    if _holders(ctx, Role.ISMS_MANAGER).exists() or _holders(ctx, Role.CISO).exists():
        return
    yield ctx.observe(
        Subject("ISMS roles", Role.ISMS_MANAGER.value),
        f"No current person holds the ISMS manager role (nor the CISO role) at {ctx.as_of}. "
        f"{_former(ctx, Role.ISMS_MANAGER)}",
    )


@rule(
    code="LDR003",
    name="role-held-by-leaver",
    reference="5.3",
    stage=2,
    grade=Grade.MINOR,
    title="ISMS role still held by someone who has left",
    statement="The organisation has not reassigned the ISMS responsibilities of people who "
    "left: roles, risks, assets and objectives are still held by leavers.",
)
def role_held_by_leaver(ctx):
    """
    What it checks: ISMS role assignments that have not ended by the audit date although the
    person holding them left on or before it. This rule leads the leaver issue: risks (RSK017),
    assets (RSK018) and objectives (OBJ003) still owned by a leaver are instances of the same
    finding, each naming the leaver as a related record, drawn from the same population (the
    ISMS responsibilities: role assignments in effect, risks, assets and objectives).

    Why an auditor cares: 5.3 asks for roles to be assigned and communicated; a role held by a
    leaver is a role nobody performs. It also shows the leaver process does not reach the ISMS,
    and the leaver's assets, risks and actions are usually orphaned too.

    How to fix: end the assignment at the leave date, appoint a successor, and move the
    leaver's assets, risks and actions to them; add the ISMS roles to the leaver checklist.

    Grade: one instance (one role, risk, asset or objective held by a leaver) is minor; the
    finding is major when pervasive among the ISMS responsibilities. No effect-based major
    here: a leaver's access used after leaving is the access rules' effect.
    """
    assignments = (
        ctx.q(RoleAssignment)
        .filter(_held_on(ctx.as_of), person__leave_date__lte=ctx.as_of)
        .select_related("person__department")
    )
    for assignment in assignments:
        person = assignment.person
        yield ctx.observe(
            Subject("ISMS roles", _role_key(assignment)),
            f"{person.name} ({person.email}) left on {person.leave_date} but still holds the "
            f"{assignment.get_role_display().lower()} role (no end date before {ctx.as_of}).",
            issue=LEAVER_ISSUE,
            related=[Subject("People", person.email)],
            population=responsibilities(ctx),
            department=person.department.name if person.department_id else None,
        )


@rule(
    code="LDR004",
    name="no-resources-allocated",
    reference="7.1",
    stage=2,
    grade=Grade.OFI,
    title="No resources allocated to the ISMS recorded in the last 12 months",
    statement="The organisation has not recorded the resources it provided for the ISMS in the "
    "last 12 months.",
    version=2,
)
def no_resources_allocated(ctx):
    """
    What it checks: that at least one resource allocation (budget, people, tooling, time,
    external expertise) was approved in the 12 months before the audit date.

    Why an auditor cares: 7.1 and 5.1 c ask top management to provide the resources the ISMS
    needs. Auditors look for budget and headcount decisions, usually in the management review;
    an ISMS that lives on goodwill with nothing allocated is run as a side project.

    How to fix: record the resources top management approved for the ISMS this year (budget,
    posts, tools, auditor time, external help) with approver and date, and review them at each
    management review.

    Grade: opportunity for improvement: 7.1 requires resources to be determined and provided,
    not a register of allocations; an ISMS that runs (audits, reviews, treatment actions done)
    has resources whether or not they are recorded here. No effect-based major.
    """
    allocations = ctx.q(ResourceAllocation).filter(approved_on__lte=ctx.as_of)
    cutoff = ctx.months_ago(12)
    if allocations.filter(approved_on__gt=cutoff).exists():
        return
    last = allocations.order_by("-approved_on").first()
    if last is None:
        yield ctx.observe(
            Subject("Clause", "7.1"),
            f"No resource allocation for the ISMS has an approval date on or before {ctx.as_of}.",
        )
    else:
        yield ctx.observe(
            Subject("Clause", "7.1"),
            f"The most recent resource allocation for the ISMS ({last.description}) was approved "
            f"on {last.approved_on}; none was approved after {cutoff}.",
        )


@rule(
    code="LDR005",
    name="resources-not-approved-by-top-management",
    reference="7.1",
    stage=2,
    grade=Grade.OFI,
    title="Resources not approved by top management",
    statement="The organisation has not recorded top management's approval of some resources "
    "allocated to the ISMS.",
    version=3,
)
def resources_not_approved_by_top_management(ctx):
    """
    What it checks: every resource allocation has an approver and an approval date, and the
    approver was top management on that date: the holder of the top-management sponsor role, a
    user marked as top management, or a head of department whose line manager is the sponsor,
    still with the organisation then. Allocations approved after the audit date are ignored.

    Why an auditor cares: 5.1 c and 7.1 expect top management to provide the resources. An
    allocation approved by the ISMS manager or by nobody is a wish list, not a commitment that
    will survive the next budget round.

    How to fix: have the allocation approved by the sponsor or a member of the executive team
    (at the management review, or in the budget sign-off) and record who and when.

    Grade: opportunity for improvement for each allocation: 5.1 c asks top management to
    ensure resources are available, not to sign each allocation, so who approved it is good
    practice to show, not a requirement. No effect-based major.
    """
    approved_by_top_management = top_management_exists(
        ctx.organisation, person="approved_by_id", day="approved_on"
    )
    allocations = (
        ctx.q(ResourceAllocation)
        .exclude(approved_on__gt=ctx.as_of)
        .filter(
            Q(approved_by__isnull=True)
            | Q(approved_on__isnull=True)
            | ~Q(approved_by_top_management)
        )
        .select_related("approved_by")
        .order_by("description")
    )
    for allocation in allocations:
        approver = allocation.approved_by
        if approver is None or allocation.approved_on is None:
            why = "has no approver" if approver is None else "has no approval date"
        else:
            why = (
                f"was approved on {allocation.approved_on} by {approver.email}, who was not top "
                "management then (not the sponsor, not marked as top management, not a "
                "department head reporting to the sponsor, or no longer with the organisation)"
            )
        yield ctx.observe(
            Subject("Resources", allocation.description),
            f"Resource allocation {allocation.description!r} "
            f"({allocation.get_kind_display().lower()}) {why}.",
            population=ctx.population(
                "resource allocations", ctx.q(ResourceAllocation).exclude(approved_on__gt=ctx.as_of)
            ),
        )


@rule(
    code="LDR006",
    name="role-responsibilities-undefined",
    reference="5.3",
    stage=1,
    grade=Grade.OFI,
    title="ISMS role without described responsibilities",
    statement="The organisation has not described the responsibilities and authorities of some "
    "ISMS roles.",
)
def role_responsibilities_undefined(ctx):
    """
    What it checks: every ISMS role held at the audit date describes what its holder is
    responsible and accountable for.

    Why an auditor cares: 5.3 asks for responsibilities and authorities to be assigned and
    communicated, not just names next to titles. At stage 2 the auditor asks role holders what
    they are responsible for; a written description is what they can be checked against.

    How to fix: write a line or two per role: what the holder decides, does and reports, and to
    whom; share it with the holder.

    Grade: opportunity for improvement for each role assignment. No effect-based major.
    """
    assignments = (
        ctx.q(RoleAssignment)
        .filter(_held_on(ctx.as_of), _present(ctx.as_of))
        .annotate(text=Trim("responsibilities"))
        .filter(text="")
        .select_related("person__department")
    )
    for assignment in assignments:
        yield ctx.observe(
            Subject("ISMS roles", _role_key(assignment)),
            f"The {assignment.get_role_display().lower()} role held by "
            f"{assignment.person.email} describes no responsibilities.",
            population=ctx.population("ISMS roles held", _current_roles(ctx)),
            department=(
                assignment.person.department.name if assignment.person.department_id else None
            ),
        )
