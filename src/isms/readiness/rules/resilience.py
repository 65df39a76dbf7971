"""Backups (8.13) and continuity (5.29 information security during disruption, 5.30 ICT
readiness for business continuity)."""

from django.db.models import Exists, Max, OuterRef, Q

from isms.controls.models import SoAEntry
from isms.documents.models import Document
from isms.operations.models import System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.resilience.models import (
    DEFAULT_RESTORE_TEST_MONTHS,
    BackupPolicy,
    ContinuityExercise,
    ContinuityPlan,
    Outcome,
    RestoreTest,
)

#: Every continuity plan is expected to be exercised at least this often.
EXERCISE_WINDOW_MONTHS = 12

_BLANK = r"^\s*$"


def _plan_reference(plan) -> str:
    return "A.5.30" if plan.ict_readiness else "A.5.29"


def _department(person) -> str | None:
    return person.department.name if person and person.department else None


@rule(
    code="BCK001",
    name="restore-test-overdue",
    reference="A.8.13",
    stage=2,
    grade=Grade.MINOR,
    title="Critical system without a recent successful restore test",
    statement=(
        "The organisation has not tested that the backups of its important systems can be "
        "restored as often as its backup policy requires."
    ),
)
def restore_test_overdue(ctx):
    """
    What it checks: systems of high or critical criticality whose last passed restore test (up
    to the audit date) is older than the restore test interval of their backup policy, or than
    twelve months when the system has no backup policy, including systems never successfully
    restored. It is judged only for an organisation that keeps the backup registers (a backup
    policy or a restore test recorded); without them the evidence may be held elsewhere.

    Why an auditor cares: 8.13 asks for backups to be tested. A backup that has never been
    restored is a hope, not a control; auditors sample the most important systems and ask for
    the last restore record.

    How to fix: restore the system's backup (to a test environment), record the date, scope,
    result and time taken, and schedule the next test within the policy's interval.

    Grade: minor for each system; never major by effect. When no important system has a recent
    successful restore, every one is an instance and the finding is major by extent.
    Counted among the high and critical systems.
    """
    if not (ctx.q(RestoreTest).exists() or ctx.q(BackupPolicy).exists()):
        return
    important = ctx.q(System).filter(criticality__in=["high", "critical"])
    systems = important.annotate(
        last_passed=Max(
            "restore_tests__tested_on",
            filter=Q(restore_tests__result=Outcome.PASSED, restore_tests__tested_on__lte=ctx.as_of),
        ),
        interval=Max("backup_policies__restore_test_months"),
    ).select_related("owner__department")
    population = None
    for system in systems:
        months = system.interval or DEFAULT_RESTORE_TEST_MONTHS
        due_after = ctx.months_ago(months)
        if system.last_passed and system.last_passed >= due_after:
            continue
        population = population or ctx.population("high and critical systems", important)
        basis = (
            f"its backup policy asks for a restore test every {months} months"
            if system.interval
            else f"it has no backup policy, so a restore test is expected every {months} months"
        )
        last = (
            f"the last passed restore test was on {system.last_passed}"
            if system.last_passed
            else "no passed restore test is recorded"
        )
        yield ctx.observe(
            Subject("Backup policies", system.name),
            f"{system.name} ({system.criticality}): {basis}, but {last} (none since {due_after}).",
            population=population,
            department=_department(system.owner),
            owner=system.owner.email if system.owner else None,
        )


@rule(
    code="BCK002",
    name="failed-restore-not-followed-up",
    reference="A.8.13",
    stage=2,
    grade=Grade.MINOR,
    title="Failed restore test with no follow-up",
    statement=(
        "The organisation has not acted on restore tests that failed: no action is recorded and "
        "no later restore has succeeded."
    ),
)
def failed_restore_not_followed_up(ctx):
    """
    What it checks: restore tests (up to the audit date) with a failed or partial result, no
    follow-up recorded (action, ticket or nonconformity), and no later passed restore test of the
    same system up to the audit date.

    Why an auditor cares: a failed restore is exactly what the test is for; 8.13 is only met when
    the failure leads to a fix. A failure with no follow-up and no successful retest means the
    backups of that system may still not be recoverable.

    How to fix: record the action taken for the failure (or raise a nonconformity), fix the
    cause and repeat the restore test.

    Grade: minor for each test; never major by effect.
    """
    later_pass = ctx.q(RestoreTest).filter(
        system=OuterRef("system"),
        result=Outcome.PASSED,
        tested_on__gt=OuterRef("tested_on"),
        tested_on__lte=ctx.as_of,
    )
    tests = (
        ctx.q(RestoreTest)
        .filter(result__in=[Outcome.FAILED, Outcome.PARTIAL], tested_on__lte=ctx.as_of)
        .filter(follow_up__regex=_BLANK)
        .exclude(Exists(later_pass))
        .select_related("system__owner__department")
    )
    for test in tests:
        owner = test.system.owner
        yield ctx.observe(
            Subject("Restore tests", f"{test.system.name} / {test.tested_on}"),
            f"The restore test of {test.system.name} on {test.tested_on} was {test.result}, but "
            "no follow-up is recorded and no later restore test passed.",
            population=ctx.population("restore tests", ctx.q(RestoreTest)),
            related=[Subject("Backup policies", test.system.name)],
            department=_department(owner),
            owner=owner.email if owner else None,
        )


@rule(
    code="BCP001",
    name="continuity-plan-not-exercised",
    reference="A.5.29",
    stage=2,
    grade=Grade.MINOR,
    title="Continuity plan not exercised in twelve months",
    statement=(
        "The organisation has not exercised its continuity plans to confirm that they work and "
        "that information security is maintained during a disruption."
    ),
)
def continuity_plan_not_exercised(ctx):
    """
    What it checks: continuity plans in effect at the audit date with no exercise in the twelve
    months before it. A plan approved within those twelve months and not yet exercised is not
    yet due. ICT readiness plans are reported against 5.30, the others against 5.29.

    Why an auditor cares: 5.29 and 5.30 ask for continuity arrangements to be planned and
    tested; an untested plan usually fails in ways only an exercise would have shown (stale call
    trees, missing access, restore times longer than the objective).

    How to fix: run an exercise (a tabletop at least; a simulation or failover for ICT
    readiness), record its result, lessons and actions, and plan one every year.

    Grade: minor for each plan; never major by effect. Counted among the continuity plans.
    """
    window = ctx.months_ago(EXERCISE_WINDOW_MONTHS)
    plans = (
        ctx.q(ContinuityPlan)
        .filter(Q(approved_on__isnull=True) | Q(approved_on__lte=ctx.as_of))
        .annotate(
            last=Max("exercises__exercised_on", filter=Q(exercises__exercised_on__lte=ctx.as_of))
        )
        .select_related("owner__department")
    )
    population = None
    for plan in plans:
        if plan.last and plan.last > window:
            continue
        if plan.last is None and plan.approved_on and plan.approved_on > window:
            continue
        population = population or ctx.population("continuity plans", ctx.q(ContinuityPlan))
        last = (
            f"it was last exercised on {plan.last}"
            if plan.last
            else "no exercise of it has ever been recorded"
        )
        yield ctx.observe(
            Subject("Continuity plans", plan.ref),
            f"{plan.ref} {plan.title}: no exercise between {window} and {ctx.as_of}; {last}.",
            reference=_plan_reference(plan),
            population=population,
            department=_department(plan.owner),
            owner=plan.owner.email if plan.owner else None,
        )


@rule(
    code="BCP002",
    name="continuity-plan-missing",
    reference="A.5.29",
    stage=1,
    grade=Grade.MAJOR,
    title="No continuity plan although important systems exist",
    statement=(
        "The organisation has not planned how to maintain information security and recover its "
        "important systems during a disruption."
    ),
)
def continuity_plan_missing(ctx):
    """
    What it checks: an organisation that records systems of high or critical criticality but
    has no continuity plan, neither in the continuity plans register nor as a document (plan or
    procedure) linked to control 5.29 or 5.30. It stays quiet when the SoA excludes both
    controls with a justification.

    Why an auditor cares: 5.29 and 5.30 need continuity to be planned. With important systems and
    no plan at all, the required arrangement is absent altogether: nobody has decided how the
    business keeps running, and securely, when those systems fail.

    How to fix: write and approve a continuity plan (and an ICT readiness plan for the important
    systems) with recovery objectives, roles and procedures, then exercise it.

    Grade: major: the required plan is absent altogether, not lapsed.
    """
    if ctx.q(ContinuityPlan).exists():
        return
    important = ctx.q(System).filter(criticality__in=["high", "critical"])
    if not important.exists():
        return
    documented = ctx.q(Document).filter(
        kind__in=[Document.Kind.PLAN, Document.Kind.PROCEDURE],
        controls__ref__in=["5.29", "5.30"],
    )
    if documented.exists():
        return
    excluded = (
        ctx.q(SoAEntry)
        .filter(control__ref__in=["5.29", "5.30"], applicable=False)
        .exclude(justification__regex=_BLANK)
    )
    if excluded.count() == 2:
        return
    names = list(important.values_list("name", flat=True)[:5])
    yield ctx.observe(
        Subject("Continuity plans", "Continuity plans"),
        f"The organisation records high or critical systems ({', '.join(names)}) but no continuity "
        "plan: the continuity plans register is empty and no plan or procedure document covers "
        "5.29 or 5.30.",
    )


@rule(
    code="BCP003",
    name="failed-exercise-without-actions",
    reference="A.5.29",
    stage=2,
    grade=Grade.MINOR,
    title="Continuity exercise failed with no actions",
    statement=(
        "The organisation has not acted on the weaknesses its continuity exercises revealed."
    ),
)
def failed_exercise_without_actions(ctx):
    """
    What it checks: continuity exercises (up to the audit date) with a failed or partial result
    and no actions recorded. ICT readiness plans are reported against 5.30, the others against
    5.29.

    Why an auditor cares: an exercise is worth what is done with its lessons. A failed exercise
    with no actions leaves the plan as broken as the exercise showed it to be.

    How to fix: record the actions (owner, due date, ticket or nonconformity) for each weakness
    the exercise revealed, and re-exercise the plan once they are done.

    Grade: minor for each exercise; never major by effect.
    """
    exercises = (
        ctx.q(ContinuityExercise)
        .filter(result__in=[Outcome.FAILED, Outcome.PARTIAL], exercised_on__lte=ctx.as_of)
        .filter(actions__regex=_BLANK)
        .select_related("plan__owner__department")
    )
    for exercise in exercises:
        plan = exercise.plan
        yield ctx.observe(
            Subject("Continuity exercises", f"{plan.ref} / {exercise.exercised_on}"),
            f"The {exercise.get_kind_display().lower()} exercise of {plan.ref} on "
            f"{exercise.exercised_on} was {exercise.result}, but no actions are recorded.",
            reference=_plan_reference(plan),
            population=ctx.population("continuity exercises", ctx.q(ContinuityExercise)),
            related=[Subject("Continuity plans", plan.ref)],
            department=_department(plan.owner),
            owner=plan.owner.email if plan.owner else None,
        )
