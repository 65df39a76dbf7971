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


def _role_key(assignment) -> str:
    return f"{assignment.role} / {assignment.person.email}"


@rule(
    code="LDR001",
    name="no-top-management-sponsor",
    reference="5.1",
    stage=1,
    grade=Grade.MAJOR,
    title="No top-management sponsor for the ISMS",
)
def no_top_management_sponsor(ctx):
    """
    What it checks: that someone who is still with the organisation holds the top-management
    sponsor role at the audit date.

    Why an auditor cares: 5.1 asks top management to demonstrate leadership of the ISMS: set
    the policy and objectives, provide resources, sign the management review. An ISMS with no
    named executive owner is run as an IT project, and auditors interview top management at
    stage 2 expecting someone to answer for it.

    How to fix: appoint a member of top management (usually the CEO or managing director) as
    the ISMS sponsor, record the appointment and what they are accountable for.

    Grade: major: leadership of the ISMS is absent.
    """
    if _holders(ctx, Role.TOP_MANAGEMENT_SPONSOR).exists():
        return
    yield ctx.finding(
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
)
def no_isms_manager(ctx):
    """
    What it checks: that someone who is still with the organisation holds the ISMS manager role
    at the audit date.

    Why an auditor cares: 5.3 asks top management to assign the responsibility for making the
    ISMS conform to the standard and for reporting its performance. Without an ISMS manager
    nobody keeps the registers, runs the audit cycle or reports to management.

    How to fix: appoint an ISMS manager, record their responsibilities and authority, and make
    sure they have the time to do the job.

    Grade: major when neither an ISMS manager nor a CISO is in post; minor when a CISO is in
    post (the work is probably done, but the 5.3 responsibility is not formally assigned).
    """
    if _holders(ctx, Role.ISMS_MANAGER).exists():
        return
    ciso = _holders(ctx, Role.CISO).select_related("person").order_by("pk").first()
    if ciso is None:
        detail = (
            f"No current person holds the ISMS manager role (nor the CISO role) at {ctx.as_of}."
        )
        grade = Grade.MAJOR
    else:
        detail = (
            f"No current person holds the ISMS manager role at {ctx.as_of}; the CISO "
            f"{ciso.person.email} may do the work, but the responsibility is not assigned."
        )
        grade = Grade.MINOR
    yield ctx.finding(
        Subject("ISMS roles", Role.ISMS_MANAGER.value),
        f"{detail} {_former(ctx, Role.ISMS_MANAGER)}",
        grade=grade,
    )


@rule(
    code="LDR003",
    name="role-held-by-leaver",
    reference="5.3",
    stage=2,
    grade=Grade.MINOR,
    title="ISMS role still held by someone who has left",
)
def role_held_by_leaver(ctx):
    """
    What it checks: ISMS role assignments that have not ended by the audit date although the
    person holding them left on or before it.

    Why an auditor cares: 5.3 asks for roles to be assigned and communicated; a role held by a
    leaver is a role nobody performs. It also shows the leaver process does not reach the ISMS,
    and the leaver's assets, risks and actions are usually orphaned too.

    How to fix: end the assignment at the leave date, appoint a successor, and move the
    leaver's assets, risks and actions to them; add the ISMS roles to the leaver checklist.

    Grade: minor for each role assignment.
    """
    assignments = (
        ctx.q(RoleAssignment)
        .filter(_held_on(ctx.as_of), person__leave_date__lte=ctx.as_of)
        .select_related("person__department")
    )
    for assignment in assignments:
        person = assignment.person
        yield ctx.finding(
            Subject("ISMS roles", _role_key(assignment)),
            f"{person.name} ({person.email}) left on {person.leave_date} but still holds the "
            f"{assignment.get_role_display().lower()} role (no end date before {ctx.as_of}).",
            department=person.department.name if person.department_id else None,
        )


@rule(
    code="LDR004",
    name="no-resources-allocated",
    reference="7.1",
    stage=2,
    grade=Grade.MINOR,
    title="No resources allocated to the ISMS in the last 12 months",
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

    Grade: major when no resource was ever allocated; minor when the last allocation is more
    than 12 months old.
    """
    allocations = ctx.q(ResourceAllocation).filter(approved_on__lte=ctx.as_of)
    cutoff = ctx.months_ago(12)
    if allocations.filter(approved_on__gt=cutoff).exists():
        return
    last = allocations.order_by("-approved_on").first()
    if last is None:
        yield ctx.finding(
            Subject("Clause", "7.1"),
            f"No resource allocation for the ISMS has an approval date on or before {ctx.as_of}.",
            grade=Grade.MAJOR,
        )
    else:
        yield ctx.finding(
            Subject("Clause", "7.1"),
            f"The most recent resource allocation for the ISMS ({last.description}) was approved "
            f"on {last.approved_on}; none was approved after {cutoff}.",
        )


@rule(
    code="LDR005",
    name="resources-not-approved-by-top-management",
    reference="7.1",
    stage=2,
    grade=Grade.MINOR,
    title="Resources not approved by top management",
    version=2,
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

    Grade: minor for each allocation.
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
        yield ctx.finding(
            Subject("Resources", allocation.description),
            f"Resource allocation {allocation.description!r} "
            f"({allocation.get_kind_display().lower()}) {why}.",
        )


@rule(
    code="LDR006",
    name="role-responsibilities-undefined",
    reference="5.3",
    stage=1,
    grade=Grade.OFI,
    title="ISMS role without described responsibilities",
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

    Grade: opportunity for improvement for each role assignment.
    """
    assignments = (
        ctx.q(RoleAssignment)
        .filter(_held_on(ctx.as_of), _present(ctx.as_of))
        .annotate(text=Trim("responsibilities"))
        .filter(text="")
        .select_related("person__department")
    )
    for assignment in assignments:
        yield ctx.finding(
            Subject("ISMS roles", _role_key(assignment)),
            f"The {assignment.get_role_display().lower()} role held by "
            f"{assignment.person.email} describes no responsibilities.",
            department=(
                assignment.person.department.name if assignment.person.department_id else None
            ),
        )
