"""Retention and deletion (5.33 protection of records, 8.10 information deletion)."""

from functools import reduce
from operator import or_

from django.db.models import Exists, Max, Min, OuterRef, Q

from isms.controls.models import SoAEntry
from isms.operations.models import DataInventoryItem, DeletionRecord, RetentionRule, System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

#: Deletion runs are expected at least this often for every category with data due for deletion.
DELETION_WINDOW_MONTHS = 12


def _categories(ctx):
    """What the deletion finding (RET001, RET002) is drawn from: the categories of the
    retention schedule."""
    return ctx.population("retention schedule categories", ctx.q(RetentionRule))


@rule(
    code="RET001",
    name="data-kept-past-retention",
    reference="A.8.10",
    stage=2,
    grade=Grade.MINOR,
    title="Data held longer than its retention period",
    statement=(
        "The organisation has not deleted information when it was no longer required, as its "
        "own retention schedule sets."
    ),
)
def data_kept_past_retention(ctx):
    """
    What it checks: data inventory entries whose oldest record is older, at the audit date, than
    the retention period of its data category allows. Entries checked after the audit date are
    ignored, and so are entries with a deletion run for their category recorded after the check
    (up to the audit date): the inventory is then out of date and proves nothing either way.

    Why an auditor cares: 8.10 asks for information to be deleted when it is no longer needed,
    and 5.33 for records to be kept only as long as the retention schedule says. Data found
    years past its period shows the schedule is a document, not a practice, and for personal
    data it is also a breach of the storage-limitation principle.

    How to fix: delete (or anonymise) what is past its period and record the deletion run; then
    automate the deletion or put it in someone's calendar at a fixed frequency.

    Grade: minor for each category and system; never major by effect (old data is an exposure,
    not a security event seen in the data). This rule leads the finding on data kept past its
    retention period, with RET002 (no deletion run); each observation also concerns the
    category's schedule entry and the asset of the same name (how the risk register refers to
    that data), so findings about the same data merge. Counted among the schedule's categories.
    """
    periods = ctx.q(RetentionRule).values_list("retention_months", flat=True).distinct()
    if not periods:
        return
    too_old = reduce(
        or_,
        (
            Q(data_category__retention_months=m, oldest_record_on__lt=ctx.months_ago(m))
            for m in periods
        ),
    )
    deleted_since_check = ctx.q(DeletionRecord).filter(
        retention_rule=OuterRef("data_category"),
        deleted_on__gt=OuterRef("checked_on"),
        deleted_on__lte=ctx.as_of,
    )
    items = (
        ctx.q(DataInventoryItem)
        .filter(too_old)
        .filter(Q(checked_on__isnull=True) | Q(checked_on__lte=ctx.as_of))
        .exclude(Exists(deleted_since_check))
        .select_related("data_category", "system__owner__department")
    )
    for item in items:
        category = item.data_category
        count = f" ({item.record_count:,} records)" if item.record_count is not None else ""
        checked = f", checked on {item.checked_on}" if item.checked_on else ""
        owner = item.system.owner
        yield ctx.observe(
            Subject("Data inventory", f"{category.data_category} / {item.system.name}"),
            f"{category.data_category} in {item.system.name}{count}: the retention schedule "
            f"allows {category.retention_months} months, so nothing should predate "
            f"{ctx.months_ago(category.retention_months)}, but the oldest record is from "
            f"{item.oldest_record_on}{checked}.",
            population=_categories(ctx),
            related=[
                Subject("Retention schedule", category.data_category),
                Subject("Assets", category.data_category),
            ],
            department=owner.department.name if owner and owner.department else None,
            owner=owner.email if owner else None,
        )


@rule(
    code="RET002",
    name="no-deletion-records",
    reference="A.8.10",
    stage=2,
    grade=Grade.MINOR,
    title="No deletion run recorded for a retention category in twelve months",
    statement=(
        "The organisation has not deleted information when it was no longer required, as its "
        "own retention schedule sets."
    ),
    issue="RET001",
    version=2,
)
def no_deletion_records(ctx):
    """
    What it checks: retention-schedule categories with no deletion record in the twelve months
    before the audit date. A category is not judged when its period is longer than twelve months
    and the data inventory shows that nothing in it has yet reached the end of its period.

    Why an auditor cares: the deletion records are the evidence that 8.10 operates. Without
    them the auditor cannot tell whether expired data is deleted at all, however good the
    schedule reads.

    How to fix: run the deletion for the category, record the date, the number of records
    purged and who ran it, and repeat at a set frequency (a run that finds nothing to delete
    is still worth recording).

    Grade: minor for each category; never major by effect. Part of the RET001 finding (data
    kept past its retention period); each observation also concerns the asset of the same name
    as the category. When no category has a deletion record, every category is an instance, so
    the finding is major by extent (pervasive) rather than by a rule of its own.
    """
    window = ctx.months_ago(DELETION_WINDOW_MONTHS)
    rules = ctx.q(RetentionRule).annotate(
        last_deletion=Max("deletions__deleted_on", filter=Q(deletions__deleted_on__lte=ctx.as_of)),
        oldest=Min(
            "inventory__oldest_record_on",
            filter=Q(inventory__checked_on__isnull=True) | Q(inventory__checked_on__lte=ctx.as_of),
        ),
    )
    offenders = []
    for retention in rules:
        if retention.last_deletion and retention.last_deletion > window:
            continue
        nothing_due = (
            retention.retention_months > DELETION_WINDOW_MONTHS
            and retention.oldest is not None
            and retention.oldest >= ctx.months_ago(retention.retention_months)
        )
        if not nothing_due:
            offenders.append(retention)
    if not offenders:
        return
    population = _categories(ctx)
    for retention in offenders:
        last = (
            f"the last deletion was on {retention.last_deletion}"
            if retention.last_deletion
            else "no deletion has ever been recorded"
        )
        yield ctx.observe(
            Subject("Retention schedule", retention.data_category),
            f"{retention.data_category} (kept {retention.retention_months} months): no "
            f"deletion run is recorded between {window} and {ctx.as_of}; {last}.",
            population=population,
            related=[Subject("Assets", retention.data_category)],
        )


@rule(
    code="RET003",
    name="deletion-method-missing",
    reference="A.8.10",
    stage=1,
    grade=Grade.OFI,
    title="Retention category with no deletion method",
    statement=(
        "The organisation could state, for each category of its retention schedule, how the "
        "information is deleted."
    ),
)
def deletion_method_missing(ctx):
    """
    What it checks: categories of the retention schedule that say how long data is kept but not
    how it is deleted.

    Why an auditor cares: a period without a method leaves it to whoever runs the deletion to
    decide how (delete, anonymise, overwrite, destroy media); auditors look for a method that
    makes the deletion verifiable and suited to the data's sensitivity.

    How to fix: record the deletion method for each category (the job, tool or procedure that
    removes it, and how its completion is evidenced).

    Grade: opportunity for improvement; never major.
    """
    for retention in ctx.q(RetentionRule).filter(deletion_method__regex=r"^\s*$"):
        yield ctx.observe(
            Subject("Retention schedule", retention.data_category),
            f"{retention.data_category} is kept {retention.retention_months} months, but the "
            "schedule does not say how it is deleted.",
            population=_categories(ctx),
        )


@rule(
    code="RET004",
    name="retention-schedule-missing",
    reference="A.5.33",
    stage=1,
    grade=Grade.MINOR,
    title="No retention schedule",
    statement=(
        "The organisation has not decided, for the categories of information it holds, how long "
        "each is kept and when it is deleted."
    ),
)
def retention_schedule_missing(ctx):
    """
    What it checks: that an organisation that records systems has a retention schedule with at
    least one data category. It stays quiet when the SoA excludes control 8.10 with a
    justification.

    Why an auditor cares: 5.33 and 8.10 need a decision, per category of records, on how long
    it is kept and when it is deleted. Without a schedule, neither the keeping nor the deleting
    of information can be shown to follow a rule.

    How to fix: draw up a retention schedule: the data categories you hold, the system holding
    each, the period and its legal or business basis, and the deletion method.

    Grade: minor, one instance; never major by effect.
    """
    if ctx.q(RetentionRule).exists() or not ctx.q(System).exists():
        return
    excluded = (
        ctx.q(SoAEntry)
        .filter(control__ref="8.10", applicable=False)
        .exclude(justification__regex=r"^\s*$")
    )
    if excluded.exists():
        return
    systems = ctx.q(System).count()
    yield ctx.observe(
        Subject("Retention schedule", "Retention schedule"),
        f"The organisation records {systems} system(s) but its retention schedule is empty: no "
        "data category has a retention period or deletion method.",
    )
