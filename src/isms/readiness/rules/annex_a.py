"""Checks of particular Annex A controls that the registers can evidence and that no other area
covers: continuity, backup and operating documents (5.29, 5.30, 5.37, 8.13), exclusions the
registers contradict, and identified legal requirements (5.31). Asset owners (5.9) are checked
by RSK018 and the review of context issues by CTX006."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from isms.catalog.models import sort_key
from isms.context.models import ContextIssue
from isms.controls.models import SoAEntry
from isms.documents.models import Document
from isms.evidence.models import EvidenceLink
from isms.operations.models import (
    Account,
    DeletionRecord,
    Incident,
    RetentionRule,
    Supplier,
    System,
)
from isms.people.models import Person
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.internal_audit import is_blank
from isms.readiness.rules.soa import soa_entries
from isms.risk.models import Asset

#: Controls whose implementation is, by its nature, a documented plan, policy or procedure.
DOCUMENTED_CONTROLS = {
    "5.29": "a continuity plan saying how security is maintained during disruption",
    "5.30": "an ICT readiness (ICT continuity) plan with recovery objectives",
    "5.37": "documented operating procedures for the information processing facilities",
    "8.13": "a backup policy or procedure (what is backed up, how often, how restores are tested)",
}

#: SoA text that says where a document lives: a link, a file name, a document id (POL-003) or a
#: document of the kind these controls need.
NAMES_A_DOCUMENT = re.compile(
    r"https?://|\.(?:pdf|docx?|xlsx?|md|html?)\b|\b[A-Z]{2,6}-\d+\b"
    r"|\b(?:plan|procedure|policy|runbook|playbook|manual|register)s?\b",
    re.IGNORECASE,
)


def _soa_evidence(ctx):
    """SoA rows (by pk) with evidence collected on or before the audit date linked to them."""
    soa_type = ContentType.objects.get_for_model(SoAEntry)
    return ctx.q(EvidenceLink).filter(
        content_type=soa_type,
        object_id=OuterRef("pk"),
        evidence__collected_on__lte=ctx.as_of,
    )


def _names_a_document(entry) -> bool:
    text = f"{entry.justification or ''} {entry.implementation_notes or ''}"
    return bool(NAMES_A_DOCUMENT.search(text))


@rule(
    code="ANX001",
    name="control-plan-undocumented",
    reference="Annex A",
    stage=1,
    grade=Grade.OFI,
    title="Applicable continuity, backup or operating control with no document on record",
    statement="The organisation has not recorded where the documented plans and procedures of "
    "some applicable continuity, backup and operating controls are kept.",
    version=2,
)
def control_plan_undocumented(ctx):
    """
    What it checks: that the applicable controls whose implementation is a documented plan or
    procedure (5.29 security during disruption, 5.30 ICT readiness for business continuity,
    5.37 documented operating procedures, 8.13 information backup) show that their document
    exists: a document in the Documents register linked to the control, evidence collected on
    or before the audit date linked to the SoA row, or SoA text (justification or
    implementation notes) that says where the document is (a link, a file name, a document id
    or the plan or procedure by name). The rule fires only when none of these shows it.

    Why an auditor cares: for these controls the auditor's first request is the document: the
    continuity and ICT recovery plans, the operating procedures, the backup policy. Without one
    the control cannot be tested (a plan nobody wrote cannot have been exercised).

    How to fix: write (or register) the plan, procedure or policy, link it to the control, have
    it approved, and keep evidence that it is exercised or followed.

    Grade: opportunity for improvement for each control: that the registers do not show the
    document does not show that it is missing; the auditor will ask for it, and only its real
    absence would be a nonconformity. No effect-based major.
    """
    linked = Document.controls.through.objects.filter(
        document__organisation=ctx.organisation, control=OuterRef("control")
    )
    entries = (
        ctx.q(SoAEntry)
        .filter(applicable=True, control__ref__in=DOCUMENTED_CONTROLS)
        .exclude(Exists(linked))
        .exclude(Exists(_soa_evidence(ctx)))
        .select_related("control")
        .order_by("control__sort_key")
    )
    for entry in entries:
        if _names_a_document(entry):
            continue
        control = entry.control
        yield ctx.observe(
            Subject("SoA", control.ref),
            f"Control {control.ref} ({control.title}) is applicable, but no document in the "
            "register is linked to it, no evidence is linked to its SoA row and the SoA does "
            f"not say where {DOCUMENTED_CONTROLS[control.ref]} is kept.",
            reference=f"A.{control.ref}",
        )


@rule(
    code="ANX002",
    name="exclusion-contradicted-by-registers",
    reference="6.1.3 d",
    stage=1,
    grade=Grade.MINOR,
    title="Control excluded although the registers show the activity it protects",
    statement="The organisation has excluded Annex A controls from its Statement of "
    "Applicability although its own records show the activity those controls protect.",
)
def exclusion_contradicted_by_registers(ctx):
    """
    What it checks: controls marked not applicable in the SoA while the organisation's own
    registers show the activity the control protects: suppliers (5.19, 5.20, 5.22), cloud
    services (5.23), suppliers with personal data or personal data breaches (5.34), sites
    (7.1 to 7.4), recorded incidents (5.24 to 5.27, 6.8), systems with accounts (5.15 to 5.18)
    and privileged accounts (8.2), staff (6.1 to 6.3) and leavers (5.11, 6.5), retention rules
    or deletion runs (8.10), and relevant legal issues (5.31).

    Why an auditor cares: an exclusion must be justified by the absence of the risk or activity.
    When the registers show the activity (a site for physical monitoring, cloud suppliers for
    cloud security), the exclusion looks like a shortcut and the risk goes untreated.

    How to fix: make the control applicable and implement it, or write a justification that
    explains why the activity shown in the register does not need it (for example, a landlord
    who provides and monitors the physical perimeter under contract).

    Grade: one instance (one SoA row) is minor when the exclusion has no justification; an
    opportunity for improvement when a justification is written, for the auditor to test
    against the register evidence. The instance is about the SoA row, the record SOA002 reports
    for a missing justification, so both join one finding. No effect-based major.
    """
    excluded = {
        entry.control.ref: entry
        for entry in ctx.q(SoAEntry).filter(applicable=False).select_related("control")
    }
    if not excluded:
        return
    evidence = _register_evidence(ctx, set(excluded))
    for ref in sorted(evidence, key=sort_key):
        entry = excluded[ref]
        justified = not is_blank(entry.justification)
        yield ctx.observe(
            Subject("SoA", ref),
            f"Control {ref} ({entry.control.title}) is excluded"
            + (" (with a justification)" if justified else " with no justification")
            + f", but {evidence[ref]}.",
            grade=Grade.OFI if justified else Grade.MINOR,
            reference=f"A.{ref}",
            population=soa_entries(ctx),
        )


def _register_evidence(ctx, excluded: set[str]) -> dict[str, str]:
    """For excluded controls, what in the registers shows the activity (one query per check,
    and only for checks whose controls are excluded)."""
    as_of = ctx.as_of
    checks = [
        (
            ("5.19", "5.20", "5.22"),
            lambda: ctx.q(Supplier),
            "the Suppliers register holds {n} supplier(s), e.g. {examples}",
            "name",
        ),
        (
            ("5.23",),
            lambda: ctx.q(Supplier).filter(is_cloud_service=True),
            "the Suppliers register holds {n} cloud service(s), e.g. {examples}",
            "name",
        ),
        (
            ("5.34",),
            lambda: ctx.q(Supplier).filter(data_access=Supplier.DataAccess.PERSONAL),
            "{n} supplier(s) process personal data, e.g. {examples}",
            "name",
        ),
        (
            ("5.34",),
            lambda: ctx.q(Incident).filter(kind=Incident.Kind.DATA_BREACH, reported_on__lte=as_of),
            "{n} personal data breach(es) were recorded, e.g. {examples}",
            "ref",
        ),
        (
            ("7.1", "7.2", "7.3", "7.4"),
            lambda: ctx.q(Asset).filter(kind=Asset.Kind.SITE),
            "the Assets register holds {n} site(s), e.g. {examples}",
            "name",
        ),
        (
            ("5.24", "5.25", "5.26", "5.27", "6.8"),
            lambda: ctx.q(Incident).filter(reported_on__lte=as_of),
            "{n} security event(s) or incident(s) were recorded, e.g. {examples}",
            "ref",
        ),
        (
            ("5.15", "5.16", "5.17", "5.18"),
            lambda: ctx.q(System).filter(
                Exists(Account.objects.filter(system=OuterRef("pk"), is_active=True))
            ),
            "{n} system(s) have active user accounts, e.g. {examples}",
            "name",
        ),
        (
            ("8.2",),
            lambda: ctx.q(Account).filter(is_active=True, is_privileged=True),
            "{n} active privileged account(s) exist, e.g. {examples}",
            "username",
        ),
        (
            ("6.1", "6.2", "6.3"),
            lambda: ctx.q(Person).filter(
                Q(start_date=None) | Q(start_date__lte=as_of),
                Q(leave_date=None) | Q(leave_date__gt=as_of),
            ),
            "the People register holds {n} current member(s) of staff, e.g. {examples}",
            "email",
        ),
        (
            ("5.11", "6.5"),
            lambda: ctx.q(Person).filter(leave_date__lte=as_of),
            "the People register holds {n} leaver(s), e.g. {examples}",
            "email",
        ),
        (
            ("8.10",),
            lambda: ctx.q(RetentionRule),
            "the retention schedule has {n} rule(s), e.g. {examples}",
            "data_category",
        ),
        (
            ("8.10",),
            lambda: ctx.q(DeletionRecord).filter(deleted_on__lte=as_of),
            "{n} deletion run(s) were recorded, e.g. {examples}",
            "retention_rule__data_category",
        ),
        (
            ("5.31",),
            lambda: ctx.q(ContextIssue).filter(
                category=ContextIssue.Category.LEGAL, is_relevant=True
            ),
            "{n} legal or regulatory issue(s) are recorded as relevant, e.g. {examples}",
            "title",
        ),
    ]
    found: dict[str, str] = {}
    for refs, query, text, field in checks:
        wanted = [ref for ref in refs if ref in excluded and ref not in found]
        if not wanted:
            continue
        rows = query()
        count = rows.count()
        if not count:
            continue
        examples = list(rows.order_by(field).values_list(field, flat=True).distinct()[:3])
        sentence = text.format(n=count, examples=", ".join(str(e) for e in examples))
        for ref in wanted:
            found[ref] = sentence
    return found


@rule(
    code="ANX003",
    name="legal-requirements-not-identified",
    reference="A.5.31",
    stage=1,
    grade=Grade.OFI,
    title="Legal and regulatory requirements not shown to be identified",
    statement="The organisation has not recorded where its legal, statutory, regulatory and "
    "contractual requirements are identified.",
    version=2,
)
def legal_requirements_not_identified(ctx):
    """
    What it checks: when control 5.31 is applicable, that the organisation has identified its
    legal, statutory, regulatory and contractual requirements: at least one legal or regulatory
    issue determined relevant in the context register, a document (a legal register) linked
    to 5.31, evidence collected on or before the audit date linked to the 5.31 SoA row, or SoA
    text for 5.31 that says where the list is kept (a link, a file name, a document id, a
    register). The rule fires only when none of these shows it.

    Why an auditor cares: 5.31 asks for the requirements to be identified, documented and kept
    up to date; auditors ask for the list and how it is maintained. Without one, compliance with
    data protection, product security or sector rules cannot be shown, and the "legal" reasons
    given in the SoA have nothing behind them.

    How to fix: record the laws, regulations and contractual obligations that apply (as legal
    context issues or a legal register document linked to 5.31), with who keeps them up to date,
    and review them at least once a year (CTX006 checks the review dates).

    Grade: opportunity for improvement: that the registers do not show the list does not show
    that it is missing; the auditor will ask for it. No effect-based major.
    """
    entry = ctx.q(SoAEntry).filter(applicable=True, control__ref="5.31").first()
    if entry is None:
        return
    if _names_a_document(entry):
        return
    if ctx.q(SoAEntry).filter(pk=entry.pk).filter(Exists(_soa_evidence(ctx))).exists():
        return
    if ctx.q(Document).filter(controls__ref="5.31").exists():
        return
    issues = ctx.q(ContextIssue).filter(category=ContextIssue.Category.LEGAL, is_relevant=True)
    if issues.exists():
        return
    legal = ctx.q(SoAEntry).filter(inclusion_reasons__icontains="legal").count()
    cited = f"; yet {legal} SoA row(s) give a legal reason for inclusion" if legal else ""
    yield ctx.observe(
        Subject("SoA", "5.31"),
        "Control 5.31 is applicable, but no relevant legal or regulatory issue is recorded in "
        "the context register, no document (legal register) is linked to 5.31, no evidence is "
        f"linked to its SoA row and the SoA does not say where the list is kept{cited}.",
    )
