"""Planned changes (6.3 planning of changes, 8.1 operational control, 8.2 risk assessment on
significant change, A.8.32 change management) and outsourced processes (8.1).

The audit period is the twelve months before the audit date.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Trim

from isms.changes.models import ChangeRecord
from isms.context.models import Scope, Site
from isms.core.choices import Level
from isms.operations.models import Supplier, System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

#: Changes seen in the other registers are looked for over this many months before the audit.
PERIOD_MONTHS = 12

HIGH_LEVELS = (Level.HIGH, Level.CRITICAL)


def _implemented(ctx):
    return ctx.q(ChangeRecord).filter(implemented_on__isnull=False, implemented_on__lte=ctx.as_of)


def _changes(ctx):
    return ctx.population("changes implemented", _implemented(ctx))


@rule(
    code="CHG001",
    name="significant-change-without-risk-reassessment",
    reference="8.2",
    stage=2,
    grade=Grade.MINOR,
    title="Significant change implemented without reassessing its risks",
    statement=(
        "The organisation has not performed an information security risk assessment when a "
        "significant change occurred, as its own change register marks it."
    ),
)
def significant_change_without_risk_reassessment(ctx):
    """
    What it checks: changes marked significant and implemented on or before the audit date with
    neither a risk reassessment date nor any risk recorded as reassessed.

    Why an auditor cares: 8.2 asks for the risk assessment to be performed when significant
    changes are proposed or occur, and 6.3 for changes to the ISMS to be planned. A change the
    organisation itself called significant, carried out without looking again at its risks,
    means the risk register no longer describes the organisation.

    How to fix: reassess the risks the change affects (new assets, new threats, changed
    controls), record the date and the risk references on the change, and make the reassessment
    a step of the change procedure before approval.

    Grade: minor for each change; never major by effect. Counted among the changes implemented.
    """
    changes = (
        _implemented(ctx)
        .filter(is_significant=True, risk_reassessed_on__isnull=True)
        .annotate(risks_trimmed=Trim("risks_reassessed"))
        .filter(risks_trimmed="")
        .select_related("approved_by")
    )
    for change in changes:
        owner = change.approved_by
        yield ctx.observe(
            Subject("Changes", change.ref),
            f"{change.ref} ({change.title}, {change.get_kind_display().lower()}) is marked "
            f"significant and was implemented on {change.implemented_on}, but no risk "
            "reassessment is recorded for it.",
            population=_changes(ctx),
            owner=owner.email if owner else None,
        )


@rule(
    code="CHG002",
    name="change-implemented-without-approval",
    reference="A.8.32",
    stage=2,
    grade=Grade.MINOR,
    title="Change implemented without approval",
    statement=(
        "The organisation implemented changes without the approval its change management requires."
    ),
)
def change_implemented_without_approval(ctx):
    """
    What it checks: changes implemented on or before the audit date with no approver, no
    approval date, or an approval dated after the change was implemented.

    Why an auditor cares: A.8.32 asks for changes to information processing facilities and
    systems to follow change management, and authorisation before implementation is its core;
    6.3 asks for changes to the ISMS to be carried out in a planned manner. An approval after
    the fact is a record, not a control.

    How to fix: approve the change (or record who did and when), and stop changes going live
    until the approval is recorded, e.g. a required approval in the change tool or the
    release pipeline.

    Grade: minor for each change; never major by effect. The reference is A.8.32 for changes
    to systems, infrastructure and software, and 6.3 for other changes (sites, suppliers,
    scope, processes, organisation). Counted among the changes implemented.
    """
    changes = _implemented(ctx).filter(
        Q(approved_by__isnull=True)
        | Q(approved_on__isnull=True)
        | Q(approved_on__gt=F("implemented_on"))
    )
    for change in changes:
        if change.approved_on and change.approved_by_id:
            why = f"was approved only on {change.approved_on}, after it was implemented"
        else:
            why = "has no recorded approval"
        technical = change.kind in ChangeRecord.TECHNICAL
        yield ctx.observe(
            Subject("Changes", change.ref),
            f"{change.ref} ({change.title}) was implemented on {change.implemented_on} but {why}.",
            reference="A.8.32" if technical else "6.3",
            population=_changes(ctx),
        )


@rule(
    code="CHG003",
    name="change-without-change-record",
    reference="6.3",
    stage=2,
    grade=Grade.MINOR,
    title="Significant change made outside the change process",
    statement=(
        "The organisation did not carry out changes to the information security management "
        "system in a planned manner: significant changes visible in its registers have no "
        "change record."
    ),
)
def change_without_change_record(ctx):
    """
    What it checks: significant changes seen in the other registers in the twelve months before
    the audit date that no change record refers to: a high or critical tier supplier whose
    contract was signed in the period, a high or critical system introduced in the period, a
    site opened in the period, and a scope version approved in the period.

    Why an auditor cares: 6.3 asks for changes to the ISMS to be planned, and 8.1 for planned
    changes to be controlled. An auditor compares the change log against what has visibly
    changed: a new critical supplier or a new site with no change record shows the change
    process is bypassed for exactly the changes that matter most.

    How to fix: raise a change record for each (purpose, consequences, risk reassessment,
    approval), retrospectively if need be, and link it to the supplier, system, site or scope
    version; make contracting, system onboarding and site openings trigger the change process.

    Grade: minor for each untracked change; never major by effect (the change itself may be
    well controlled, only not through the ISMS).
    """
    since = ctx.months_ago(PERIOD_MONTHS)
    in_period = {"__gt": since, "__lte": ctx.as_of}

    def period(field):
        return {f"{field}{k}": v for k, v in in_period.items()}

    def untracked(field):
        return ~Exists(ctx.q(ChangeRecord).filter(**{field: OuterRef("pk")}))

    suppliers = (
        ctx.q(Supplier)
        .filter(tier__in=HIGH_LEVELS, **period("contract_signed_on"))
        .filter(untracked("supplier"))
        .select_related("owner__department")
    )
    for supplier in suppliers:
        owner = supplier.owner
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"{supplier.name} ({supplier.get_tier_display().lower()} tier, {supplier.service}) "
            f"was contracted on {supplier.contract_signed_on}, but no change record refers to it.",
            department=owner.department.name if owner and owner.department else None,
            owner=owner.email if owner else None,
        )
    systems = (
        ctx.q(System)
        .filter(criticality__in=HIGH_LEVELS, **period("introduced_on"))
        .filter(untracked("system"))
        .select_related("owner__department")
    )
    for system in systems:
        owner = system.owner
        yield ctx.observe(
            Subject("Systems", system.name),
            f"{system.name} ({system.get_criticality_display().lower()} criticality) went into "
            f"use on {system.introduced_on}, but no change record refers to it.",
            department=owner.department.name if owner and owner.department else None,
            owner=owner.email if owner else None,
        )
    for site in ctx.q(Site).filter(**period("opened_on")).filter(untracked("site")):
        yield ctx.observe(
            Subject("Sites", site.name),
            f"The {site.get_kind_display().lower()} {site.name} opened on {site.opened_on}, but "
            "no change record refers to it.",
        )
    scopes = (
        ctx.q(Scope)
        .filter(approved_by__isnull=False, **period("approved_on"))
        .filter(untracked("scope"))
    )
    for scope in scopes:
        yield ctx.observe(
            Subject("Scope", scope.version),
            f"Scope {scope.version} was approved on {scope.approved_on}, but no change record "
            "refers to it.",
        )


@rule(
    code="OUT001",
    name="outsourced-process-uncontrolled",
    reference="8.1",
    stage=2,
    grade=Grade.MINOR,
    title="Outsourced process with no recorded controls",
    statement=(
        "The organisation has not ensured that externally provided processes relevant to the "
        "information security management system are controlled."
    ),
)
def outsourced_process_uncontrolled(ctx):
    """
    What it checks: suppliers that run a process for the organisation (outsourced process set)
    with nothing recorded on how that process is controlled.

    Why an auditor cares: 8.1 asks the organisation to ensure that externally provided
    processes, products or services relevant to the ISMS are controlled. Outsourcing moves the
    work, not the accountability: the auditor asks how the organisation knows the process runs
    as required (service reports, KPIs, audits, review meetings) and looks for the records.

    How to fix: decide how the outsourced process is controlled (SLA and KPI reporting, right
    to audit and audits done, periodic service reviews), record it on the supplier and keep the
    evidence it produces.

    Grade: minor for each supplier; never major by effect. Counted among the suppliers running
    outsourced processes.
    """
    outsourcing = (
        ctx.q(Supplier)
        .annotate(process_trimmed=Trim("outsourced_process"))
        .exclude(process_trimmed="")
    )
    population = ctx.population("suppliers running outsourced processes", outsourcing)
    offenders = (
        outsourcing.annotate(controls_trimmed=Trim("outsourcing_controls"))
        .filter(controls_trimmed="")
        .select_related("owner__department")
    )
    for supplier in offenders:
        owner = supplier.owner
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"{supplier.name} runs '{supplier.outsourced_process}' for the organisation, but "
            "nothing is recorded on how that process is controlled (service reports, KPIs, "
            "audits or reviews).",
            population=population,
            department=owner.department.name if owner and owner.department else None,
            owner=owner.email if owner else None,
        )
