"""People: competence (7.2), awareness (7.3) and security training (Annex A 6.3)."""

from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Q

from isms.leadership.models import RoleAssignment
from isms.people.models import (
    AwarenessCheck,
    Department,
    Person,
    TrainingCompletion,
    TrainingCourse,
)
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of

#: New joiners have this long to complete mandatory training before it counts as missing.
ONBOARDING_GRACE_DAYS = 30
#: A failed awareness check should be followed up (re-check or training) within this many days.
FOLLOW_UP_DAYS = 90
#: ISMS roles that need evidence of specific competence beyond all-staff awareness.
COMPETENCE_ROLES = [
    RoleAssignment.Role.ISMS_MANAGER,
    RoleAssignment.Role.CISO,
    RoleAssignment.Role.INTERNAL_AUDITOR,
    RoleAssignment.Role.INCIDENT_MANAGER,
    RoleAssignment.Role.DATA_PROTECTION_OFFICER,
]


def _current_staff(ctx, *, grace_days: int = 0):
    """People employed at the audit date who started at least ``grace_days`` before it."""
    return (
        ctx.q(Person)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=ctx.as_of))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=ctx.days_ago(grace_days)))
        .select_related("department")
    )


def _staff_population(ctx):
    """What the training finding (PPL001, PPL002) is drawn from: the people employed at the
    audit date."""
    return ctx.population("current staff", _current_staff(ctx))


def _passed(ctx, **filters):
    """Passed completions on or before the audit date."""
    return ctx.q(TrainingCompletion).filter(passed=True, completed_on__lte=ctx.as_of, **filters)


def _last_12_months(ctx):
    return Q(checked_on__gt=ctx.months_ago(12), checked_on__lte=ctx.as_of)


@rule(
    code="PPL001",
    name="mandatory-training-never-completed",
    reference="A.6.3",
    stage=2,
    grade=Grade.MINOR,
    title="Current staff member never completed mandatory training",
    statement=(
        "The organisation has not ensured that all personnel receive, and regularly update, the "
        "information security awareness training its own programme requires."
    ),
    version=2,
)
def mandatory_training_never_completed(ctx):
    """
    What it checks: people employed at the audit date (no leave date, or one after it) who
    started more than 30 days before it and have never passed a mandatory all-staff course.
    Courses for other audiences (managers, executives, IT, specialists) are not judged here,
    because the People register does not say who belongs to those audiences.

    Why an auditor cares: 7.3 requires everyone doing work under the organisation's control to
    be aware of the policy and their part in it, and 6.3 asks for awareness training for all
    personnel. Auditors sample staff and ask for their training record; a missing record for a
    long-serving employee shows the training programme has gaps.

    How to fix: have the person complete the course now, and make completion part of onboarding
    with a reminder and an escalation to the line manager when it is overdue.

    Grade: minor for each person (one observation listing every course missed); never major by
    effect. This rule leads the training finding (with PPL002, refreshers overdue), counted
    among the current staff, so it is major only when the gaps are pervasive; a failed
    awareness check of the same person (PPL004) joins it.
    """
    courses = ctx.q(TrainingCourse).filter(
        mandatory=True, audience=TrainingCourse.Audience.ALL_STAFF
    )
    missed = defaultdict(list)
    people = {}
    for course in courses:
        done = _passed(ctx, course=course, person=OuterRef("pk"))
        for person in _current_staff(ctx, grace_days=ONBOARDING_GRACE_DAYS).exclude(Exists(done)):
            people[person.pk] = person
            missed[person.pk].append(course.name)
    for pk, names in missed.items():
        person = people[pk]
        started = f"employed since {person.start_date}" if person.start_date else "employed"
        yield ctx.observe(
            Subject("People", person.email),
            f"{person.name} ({person.email}, {started}) has never passed the mandatory "
            f"course(s): {', '.join(names)}.",
            population=_staff_population(ctx),
            department=department_of(person),
        )


@rule(
    code="PPL002",
    name="training-refresher-overdue",
    reference="A.6.3",
    stage=2,
    grade=Grade.MINOR,
    title="Mandatory training not refreshed at its interval",
    statement=(
        "The organisation has not ensured that all personnel receive, and regularly update, the "
        "information security awareness training its own programme requires."
    ),
    issue="PPL001",
)
def training_refresher_overdue(ctx):
    """
    What it checks: current staff whose last pass of a mandatory course with a refresher
    interval is older than that interval at the audit date. Only people who passed the course at
    least once are judged (those who never did are PPL001's), so role-based courses are
    covered too: having taken one shows the person belongs to its audience.

    Why an auditor cares: 6.3 asks for awareness and training to be updated regularly. Training
    done once at onboarding and never again ("one-and-done") is the classic finding: staff
    forget, threats change, and the record shows the refresher the organisation itself set
    was skipped.

    How to fix: have the person retake the course, and run refreshers as a tracked campaign
    with reminders, so that nobody's last completion drifts past the interval.

    Grade: minor for each person (one observation listing every overdue course); never major
    by effect. Part of the PPL001 finding (training not received or not updated), cited as 6.3.
    """
    courses = ctx.q(TrainingCourse).filter(mandatory=True, refresher_months__gt=0)
    current = _current_staff(ctx).values("pk")
    overdue = defaultdict(list)
    people = {}
    for course in courses:
        due_after = ctx.months_ago(course.refresher_months)
        last_pass = (
            _passed(ctx, course=course, person__in=current)
            .values("person")
            .annotate(last=Max("completed_on"))
            .filter(last__lt=due_after)
        )
        lapsed = {row["person"]: row["last"] for row in last_pass}
        if not lapsed:
            continue
        for person in _current_staff(ctx).filter(pk__in=lapsed):
            people[person.pk] = person
            overdue[person.pk].append(
                f"{course.name} (last passed {lapsed[person.pk]}, refresher every "
                f"{course.refresher_months} months)"
            )
    for pk, items in overdue.items():
        person = people[pk]
        yield ctx.observe(
            Subject("People", person.email),
            f"{person.name} ({person.email}) is overdue for mandatory training on {ctx.as_of}: "
            f"{'; '.join(items)}.",
            population=_staff_population(ctx),
            department=department_of(person),
        )


@rule(
    code="PPL003",
    name="department-awareness-failures",
    reference="7.3",
    stage=2,
    grade=Grade.MINOR,
    title="Many failed awareness checks in one department",
    statement=(
        "The organisation has not ensured that the people of one department are aware of the "
        "information security policy and their contribution to the ISMS."
    ),
)
def department_awareness_failures(ctx):
    """
    What it checks: departments where more than a third of the awareness checks of the last
    twelve months failed (departments with fewer than three checks are not judged).

    Why an auditor cares: at stage 2 auditors interview staff (how do you report an incident?
    where are the policies?). A department where many cannot answer shows that awareness has
    not reached it, whatever the training records say, and the auditor will find the same.

    How to fix: run a targeted briefing for the department (on the topics that failed, in the
    format that fits the team, e.g. shift toolbox talks), then re-check the people who failed.

    Grade: minor for each department; never major by effect. Counted among the departments.
    """
    rows = (
        ctx.q(AwarenessCheck)
        .filter(_last_12_months(ctx), person__department__isnull=False)
        .values("person__department__name")
        .annotate(total=Count("id"), failed=Count("id", filter=Q(passed=False)))
        .filter(total__gte=3)
        .order_by("person__department__name")
    )
    for row in rows:
        if row["failed"] * 3 <= row["total"]:
            continue
        name = row["person__department__name"]
        topics = (
            ctx.q(AwarenessCheck)
            .filter(_last_12_months(ctx), person__department__name=name, passed=False)
            .values_list("topic", flat=True)
            .distinct()
            .order_by("topic")
        )
        labels = dict(AwarenessCheck.Topic.choices)
        yield ctx.observe(
            Subject("Departments", name),
            f"Department {name}: {row['failed']} of the {row['total']} awareness checks held "
            f"between {ctx.months_ago(12)} and {ctx.as_of} failed (topics: "
            f"{', '.join(labels.get(t, t).lower() for t in topics)}).",
            population=ctx.population("departments", ctx.q(Department)),
            department=name,
        )


@rule(
    code="PPL004",
    name="failed-awareness-not-followed-up",
    reference="7.3",
    stage=2,
    grade=Grade.OFI,
    title="Failed awareness check with no follow-up",
    statement=(
        "The organisation could follow up the gaps its awareness checks find, with training or "
        "a re-check."
    ),
)
def failed_awareness_not_followed_up(ctx):
    """
    What it checks: current staff who failed an awareness check more than 90 days before the
    audit date and have since neither passed a check on the same topic nor passed any training.

    Why an auditor cares: an awareness check that finds a gap is only useful if the gap is then
    closed. Auditors look for the follow-up: retraining or a re-check that shows the person now
    knows.

    How to fix: give the person a short briefing or course on the topic and re-check them;
    record both.

    Grade: opportunity for improvement for each person; never major. The observation is about
    the person (People: email), the record the training finding uses, so for someone who also
    missed mandatory training it joins that finding.
    """
    later_pass = ctx.q(AwarenessCheck).filter(
        person=OuterRef("person"),
        topic=OuterRef("topic"),
        passed=True,
        checked_on__gt=OuterRef("checked_on"),
        checked_on__lte=ctx.as_of,
    )
    later_training = _passed(
        ctx, person=OuterRef("person"), completed_on__gt=OuterRef("checked_on")
    )
    current = _current_staff(ctx).values("pk")
    failures = (
        ctx.q(AwarenessCheck)
        .filter(passed=False, checked_on__lte=ctx.days_ago(FOLLOW_UP_DAYS), person__in=current)
        .exclude(Exists(later_pass))
        .exclude(Exists(later_training))
        .select_related("person__department")
        .order_by("person__email", "checked_on")
    )
    grouped = defaultdict(list)
    for check in failures:
        grouped[check.person].append(f"{check.get_topic_display().lower()} on {check.checked_on}")
    for person, items in grouped.items():
        yield ctx.observe(
            Subject("People", person.email),
            f"{person.name} ({person.email}) failed the awareness check ({'; '.join(items)}) "
            f"and has had no passed re-check or training since, as of {ctx.as_of}.",
            population=_staff_population(ctx),
            department=department_of(person),
        )


@rule(
    code="PPL005",
    name="no-awareness-checks",
    reference="7.3",
    stage=2,
    grade=Grade.OFI,
    title="No awareness checks in the last twelve months",
    statement=(
        "The organisation could test what its people know of the policy and their part in the "
        "ISMS, not only whether they attended training."
    ),
    version=2,
)
def no_awareness_checks(ctx):
    """
    What it checks: that at least one awareness check (an interview-style question to a member
    of staff) was recorded in the twelve months before the audit date.

    Why an auditor cares: training records show attendance, not awareness. 7.3 is about what
    people know, and auditors test it by asking them. The standard does not require the
    organisation to run such checks itself (the auditor's interviews decide 7.3), but one that
    never checks will learn the answer from the auditor.

    How to fix: check a sample of staff in every department each year (e.g. during internal
    audits) on reporting incidents, finding policies and the objectives, and record the result.

    Grade: opportunity for improvement (no requirement makes the organisation's own checks
    mandatory); never major.
    """
    if not _current_staff(ctx).exists():
        return
    if ctx.q(AwarenessCheck).filter(_last_12_months(ctx)).exists():
        return
    last = ctx.q(AwarenessCheck).filter(checked_on__lte=ctx.as_of).order_by("-checked_on").first()
    since = f" The last one was on {last.checked_on}." if last else " None was ever recorded."
    yield ctx.observe(
        Subject("Organisation", "Awareness checks"),
        f"No awareness check was recorded between {ctx.months_ago(12)} and {ctx.as_of}.{since}",
    )


@rule(
    code="PPL006",
    name="no-mandatory-awareness-course",
    reference="A.6.3",
    stage=1,
    grade=Grade.MINOR,
    title="No mandatory security awareness course for all staff",
    statement=(
        "The organisation has not provided an information security awareness programme that "
        "reaches all personnel."
    ),
)
def no_mandatory_awareness_course(ctx):
    """
    What it checks: that the training register has at least one course that is mandatory for
    all staff.

    Why an auditor cares: 6.3 expects every member of staff to receive security awareness
    training, and 7.3 expects them to know the policy and how to report incidents. Without a
    course required of everyone, awareness depends on chance.

    How to fix: define a security awareness course (policy, incident reporting, phishing,
    handling information), make it mandatory for all staff with a refresher interval, and
    track completion.

    Grade: minor, one instance; never major by effect.
    """
    if not _current_staff(ctx).exists():
        return
    courses = ctx.q(TrainingCourse)
    if courses.filter(mandatory=True, audience=TrainingCourse.Audience.ALL_STAFF).exists():
        return
    yield ctx.observe(
        Subject("Organisation", "Training courses"),
        f"The training register holds {courses.count()} course(s), none of them mandatory for "
        "all staff.",
    )


@rule(
    code="PPL007",
    name="role-holder-without-competence-evidence",
    reference="7.2",
    stage=2,
    grade=Grade.OFI,
    title="ISMS role holder with no record of role-specific training",
    statement=(
        "The organisation could keep evidence of the specific competence of the people who hold "
        "ISMS roles."
    ),
)
def role_holder_without_competence_evidence(ctx):
    """
    What it checks: current holders of the ISMS roles that need specific competence (ISMS
    manager, CISO, internal auditor, incident manager, data protection officer) who have not
    passed, on or before the audit date, any course beyond the all-staff ones.

    Why an auditor cares: 7.2 requires the organisation to decide what competence each role
    needs and to keep evidence of it. Auditors commonly ask for the internal auditor's and ISMS
    manager's qualifications; all-staff awareness training is not evidence of that competence.

    How to fix: record the role-specific training, qualification or certification of the
    person (as a training completion), or plan it if the competence is missing.

    Grade: opportunity for improvement (competence may rest on experience or certificates
    the register does not hold); never major.
    """
    specific = _passed(ctx, person=OuterRef("person")).exclude(
        course__audience=TrainingCourse.Audience.ALL_STAFF
    )
    current = _current_staff(ctx).values("pk")
    holders = (
        ctx.q(RoleAssignment)
        .filter(role__in=COMPETENCE_ROLES, person__in=current)
        .filter(Q(assigned_on__isnull=True) | Q(assigned_on__lte=ctx.as_of))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.as_of))
    )
    population = ctx.population(
        "holders of ISMS roles", holders.values("person").distinct().count()
    )
    roles = (
        holders.exclude(Exists(specific))
        .select_related("person__department")
        .order_by("person__email", "role")
    )
    grouped = defaultdict(list)
    for assignment in roles:
        grouped[assignment.person].append(assignment.get_role_display())
    for person, names in grouped.items():
        yield ctx.observe(
            Subject("People", person.email),
            f"{person.name} ({person.email}) holds the role(s) {', '.join(names)} but has no "
            "passed training beyond the all-staff courses on record.",
            population=population,
            department=department_of(person),
        )
