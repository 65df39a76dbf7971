"""Statement of Applicability (6.1.3 d) and the generic checks every applicable control gets."""

import re

from django.db.models import Exists, Max, OuterRef, Q

from isms.catalog.models import Control
from isms.controls.models import SoAEntry, SoAVersion
from isms.core.choices import FREQUENCY_MONTHS
from isms.evidence.models import EvidenceLink
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.risk.models import TreatmentAction

ANNEX_A_CONTROLS = 93


def soa_entries(ctx):
    """Population of the SoA issue: every SoA row, or the 93 Annex A controls when the SoA has
    fewer rows (a control the SoA leaves out is still one the auditor looks for)."""

    def compute() -> int:
        return max(ctx.q(SoAEntry).count(), ANNEX_A_CONTROLS)

    return ctx.population("SoA entries", ctx.cached("soa-entries", compute))


def _applicable(ctx):
    return ctx.population("applicable controls", ctx.q(SoAEntry).filter(applicable=True))


@rule(
    code="SOA001",
    name="soa-missing-controls",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MAJOR,
    title="Statement of Applicability does not address every Annex A control",
    statement="The organisation has not produced a Statement of Applicability that addresses "
    "every Annex A control.",
    version=3,
)
def soa_missing_controls(ctx):
    """
    What it checks: that the SoA has a row for each of the 93 Annex A controls of ISO/IEC
    27001:2022.

    Why an auditor cares: 6.1.3 d requires the SoA to list all necessary controls and to say for
    every Annex A control whether it is included or excluded. A control left out altogether was
    never considered, which auditors read as a risk treatment process that was not completed.

    How to fix: add the missing controls to the SoA, decide applicability for each from the risk
    assessment and legal or contractual requirements, and record the justification.

    Grade: major when the SoA has no row at all, or addresses fewer than half of the Annex A
    controls (the Statement of Applicability is absent or was never completed); minor when it
    misses fewer controls than that (one instance: the SoA). No effect-based major.
    """
    present = ctx.q(SoAEntry).values("control_id")
    missing = list(
        Control.objects.exclude(pk__in=present).order_by("sort_key").values_list("ref", flat=True)
    )
    if not missing:
        return
    if len(missing) == ANNEX_A_CONTROLS:
        yield ctx.observe(
            Subject("SoA", "Statement of Applicability"),
            "No Statement of Applicability is recorded: the SoA register has no row for any of "
            "the 93 Annex A controls.",
            grade=Grade.MAJOR,
        )
        return
    shown = ", ".join(missing[:15]) + (" ..." if len(missing) > 15 else "")
    addressed = ANNEX_A_CONTROLS - len(missing)
    yield ctx.observe(
        Subject("SoA", "Statement of Applicability"),
        f"The SoA addresses {addressed} of the 93 Annex A controls; "
        f"{len(missing)} are missing: {shown}.",
        grade=Grade.MAJOR if addressed * 2 < ANNEX_A_CONTROLS else Grade.MINOR,
    )


@rule(
    code="SOA002",
    name="exclusion-without-justification",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Control excluded without a documented justification",
    statement="The organisation has not justified the inclusion and exclusion of every control "
    "in its Statement of Applicability, nor stated whether each included control is "
    "implemented.",
)
def exclusion_without_justification(ctx):
    """
    What it checks: every control marked not applicable in the SoA has a justification for
    the exclusion.

    Why an auditor cares: the standard requires the justification for excluding any Annex A
    control. An unexplained exclusion is the most common SoA nonconformity: the auditor cannot
    tell whether the control was judged unnecessary or simply forgotten.

    How to fix: write why the control does not apply (no such activity in scope, risk accepted,
    handled by a supplier under contract) with a reference to the risk assessment.

    Grade: one instance (one SoA row) is minor; SOA003 and SOA004 add their rows to the same
    finding, which is major when pervasive (at least 3 rows and 20% of the SoA entries). No
    effect-based major.
    """
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=False, justification="")
        .select_related("control", "owner")
    )
    for entry in entries:
        yield ctx.observe(
            Subject("SoA", entry.control.ref),
            f"Control {entry.control.ref} ({entry.control.title}) is marked not applicable with "
            "no justification for the exclusion.",
            population=soa_entries(ctx),
            owner=_owner(entry),
        )


@rule(
    code="SOA003",
    name="inclusion-without-justification",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Applicable control without a reason for inclusion",
    issue="SOA002",
)
def inclusion_without_justification(ctx):
    """
    What it checks: every applicable control in the SoA gives a reason for inclusion (risk,
    legal, contractual or business) or a written justification.

    Why an auditor cares: the SoA must justify inclusions as well as exclusions; a control with
    no reason cannot be traced to a risk or an obligation, which suggests the SoA was copied from
    a template rather than derived from the risk treatment.

    How to fix: record why the control is needed: the risks it treats, or the law, contract or
    business need behind it.

    Grade: one instance (one SoA row) is minor, part of the SoA justification finding led by
    SOA002. No effect-based major.
    """
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=True, inclusion_reasons="", justification="")
        .select_related("control", "owner")
    )
    for entry in entries:
        yield ctx.observe(
            Subject("SoA", entry.control.ref),
            f"Control {entry.control.ref} ({entry.control.title}) is applicable but the SoA "
            "gives neither a reason for inclusion nor a justification.",
            population=soa_entries(ctx),
            owner=_owner(entry),
        )


@rule(
    code="SOA004",
    name="implementation-status-missing",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Applicable control without an implementation status",
    issue="SOA002",
)
def implementation_status_missing(ctx):
    """
    What it checks: every applicable control in the SoA states whether it is implemented,
    partly implemented, planned or not started.

    Why an auditor cares: 6.1.3 d asks whether the necessary controls are implemented. Without a
    status the auditor cannot plan the stage 2 sampling, and the organisation cannot show what is
    still to be done.

    How to fix: set the implementation status of each applicable control, and for anything not
    yet implemented link the treatment-plan action that will implement it.

    Grade: one instance (one SoA row) is minor, part of the SoA justification finding led by
    SOA002. No effect-based major.
    """
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=True, implementation_status="")
        .select_related("control", "owner")
    )
    for entry in entries:
        yield ctx.observe(
            Subject("SoA", entry.control.ref),
            f"Control {entry.control.ref} ({entry.control.title}) is applicable but has no "
            "implementation status.",
            population=soa_entries(ctx),
            owner=_owner(entry),
        )


@rule(
    code="SOA005",
    name="soa-not-approved",
    reference="7.5.2",
    stage=1,
    grade=Grade.MINOR,
    title="Statement of Applicability has no approved version",
    statement="The organisation has not reviewed and approved its Statement of Applicability as "
    "documented information.",
    version=2,
)
def soa_not_approved(ctx):
    """
    What it checks: that at least one version of the SoA has been approved (approver and date)
    on or before the audit date.

    Why an auditor cares: the SoA is documented information, and 7.5.2 asks for documented
    information to be reviewed and approved for suitability when created or updated; since the
    SoA is part of the risk treatment, its approval is also where the risk owners (6.1.3 f)
    stand behind the applicability decisions. An unapproved SoA has no owner.

    How to fix: have the SoA approved by the ISMS owner or top management and record the version,
    approver and date.

    Grade: minor (one instance: the SoA). No effect-based major.
    """
    approved = ctx.q(SoAVersion).filter(approved_by__isnull=False, approved_on__lte=ctx.as_of)
    if ctx.q(SoAEntry).exists() and not approved.exists():
        yield ctx.observe(
            Subject("SoA", "Statement of Applicability"),
            "No SoA version has an approver and an approval date on or before the audit date.",
        )


#: Implementation notes that say when: a year (an ISO date has one) or a quarter.
PLANNED_WHEN = re.compile(r"\b20\d\d\b|\bQ[1-4]\b")


@rule(
    code="SOA006",
    name="control-not-implemented",
    reference="Annex A",
    stage=2,
    grade=Grade.MINOR,
    title="Applicable control not started and not planned",
    statement="The organisation has not implemented, or planned the implementation of, every "
    "control its Statement of Applicability declares applicable.",
    version=2,
)
def control_not_implemented(ctx):
    """
    What it checks: applicable controls whose implementation status is "not started" at the
    audit date *and* for which nothing says when they will be: no open treatment-plan action
    (planned or in progress, or done only after the audit date) that implements the control,
    and no implementation notes in the SoA giving a date (a year or a quarter). 6.1.3 d
    allows a control to be applicable and not yet implemented when its implementation is
    planned, so a planned control is not reported. An applicable control with no status at all
    is SOA004's.

    Why an auditor cares: at stage 2 the auditor tests that the controls in the SoA operate. A
    control the organisation itself marks as not started, with no plan to start it, is a
    decision in the SoA that the risk treatment does not carry out.

    How to fix: implement the control, or plan it in the risk treatment plan with an owner and a
    date and show progress; if it is not needed, exclude it with a justification.

    Grade: one instance (one control) is minor; major when pervasive among the applicable
    controls. No effect-based major.
    """
    open_q = Q(status__in=[TreatmentAction.Status.PLANNED, TreatmentAction.Status.IN_PROGRESS]) | Q(
        status=TreatmentAction.Status.DONE, completed_on__gt=ctx.as_of
    )
    planned = ctx.q(TreatmentAction).filter(open_q, controls=OuterRef("control"))
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=True, implementation_status=SoAEntry.Status.NOT_STARTED)
        .exclude(Exists(planned))
        .select_related("control", "owner")
    )
    for entry in entries:
        if PLANNED_WHEN.search(entry.implementation_notes or ""):
            continue
        yield ctx.observe(
            Subject("SoA", entry.control.ref),
            f"Control {entry.control.ref} ({entry.control.title}) is applicable and its "
            "implementation has not started; no open treatment-plan action implements it and "
            "the SoA gives no date for it.",
            reference=f"A.{entry.control.ref}",
            population=_applicable(ctx),
            owner=_owner(entry),
        )


def _owner(entry) -> str | None:
    return entry.owner.email if entry.owner_id else None


@rule(
    code="EVD001",
    name="control-evidence-missing",
    reference="7.5",
    stage=2,
    grade=Grade.MINOR,
    title="No evidence recorded for an implemented control",
    statement="The organisation has not retained evidence that the controls it declares "
    "implemented operate.",
)
def control_evidence_missing(ctx):
    """
    What it checks: every applicable control marked implemented or partially implemented has at
    least one piece of evidence (file, link or note) collected on or before the audit date and
    linked to its SoA row.

    Why an auditor cares: a control that exists only on paper (a "paper tiger") is the classic
    stage 2 finding: the auditor asks for proof of operation and there is none.

    How to fix: link evidence to the SoA row: a report, a log export, a ticket, a screenshot
    with its date, covering the period the auditor will sample.

    Grade: one instance (one control) is minor; major when pervasive among the implemented
    controls. No effect-based major.
    """
    evidenced = _evidenced_controls(ctx)
    entries = (
        ctx.q(SoAEntry)
        .filter(
            applicable=True,
            implementation_status__in=[SoAEntry.Status.IMPLEMENTED, SoAEntry.Status.PARTIAL],
        )
        .select_related("control", "owner")
    )
    population = ctx.population("implemented controls", entries)
    for entry in entries:
        if entry.control.ref not in evidenced:
            yield ctx.observe(
                Subject("SoA", entry.control.ref),
                f"Control {entry.control.ref} ({entry.control.title}) is marked "
                f"{entry.get_implementation_status_display().lower()} but no evidence collected "
                f"on or before {ctx.as_of} is linked to it.",
                reference=f"A.{entry.control.ref}",
                population=population,
                owner=_owner(entry),
            )


@rule(
    code="EVD002",
    name="control-evidence-stale",
    reference="7.5",
    stage=2,
    grade=Grade.MINOR,
    title="Evidence older than the frequency the SoA committed to",
    statement="The organisation has not kept the evidence of operation of its controls current "
    "at the frequency its Statement of Applicability commits to.",
)
def control_evidence_stale(ctx):
    """
    What it checks: for every applicable control with an evidence frequency in the SoA (e.g.
    quarterly), that the newest linked evidence was collected within that period before the
    audit date.

    Why an auditor cares: if the SoA promises quarterly evidence and the newest is eight months
    old, the control has stopped operating, or the organisation cannot show that it still does.

    How to fix: collect the overdue evidence, and put the collection in someone's calendar at
    the frequency the SoA states (or change the commitment to one you can keep).

    Grade: one instance (one control) is minor; major when pervasive among the controls with
    an evidence frequency. No effect-based major.
    """
    latest = _latest_evidence(ctx)
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=True)
        .exclude(evidence_frequency="")
        .select_related("control", "owner")
    )
    population = ctx.population("controls with an evidence frequency", entries)
    for entry in entries:
        newest = latest.get(entry.control.ref)
        if newest is None:
            continue  # EVD001 reports controls with no evidence at all
        months = FREQUENCY_MONTHS[entry.evidence_frequency]
        if newest < ctx.months_ago(months):
            yield ctx.observe(
                Subject("SoA", entry.control.ref),
                f"Control {entry.control.ref} ({entry.control.title}): the SoA commits to "
                f"{entry.get_evidence_frequency_display().lower()} evidence, but the newest "
                f"linked evidence was collected on {newest}, more than {months} month(s) "
                f"before {ctx.as_of}.",
                reference=f"A.{entry.control.ref}",
                population=population,
                owner=_owner(entry),
            )


def _latest_evidence(ctx) -> dict[str, object]:
    """Newest evidence date per control ref, from links to SoA rows (one aggregate query)."""

    def compute():
        from django.contrib.contenttypes.models import ContentType

        soa_type = ContentType.objects.get_for_model(SoAEntry)
        rows = (
            ctx.q(EvidenceLink)
            .filter(content_type=soa_type, evidence__collected_on__lte=ctx.as_of)
            .values("record_key")
            .annotate(newest=Max("evidence__collected_on"))
        )
        return {row["record_key"]: row["newest"] for row in rows}

    return ctx.cached(f"latest-evidence-{ctx.as_of}", compute)


def _evidenced_controls(ctx) -> set[str]:
    return set(_latest_evidence(ctx))
