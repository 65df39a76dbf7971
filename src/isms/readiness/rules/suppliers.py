"""Suppliers (5.19-5.23): assessments, contracts and their security clauses, cloud services."""

import re

from django.db.models import Q

from isms.core.choices import FREQUENCY_MONTHS, Level
from isms.operations.models import Supplier
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule

SENSITIVE_DATA = [Supplier.DataAccess.CONFIDENTIAL, Supplier.DataAccess.PERSONAL]
HIGH_TIERS = [Level.HIGH, Level.CRITICAL]

#: Words in a supplier's service description that announce a cloud service.
CLOUD_WORDS = re.compile(
    r"\b(saas|paas|iaas|cloud|software as a service|hosted|hosting|web-based|online platform)\b",
    re.IGNORECASE,
)


def _high_risk():
    """High or critical tier, or access to confidential or personal information."""
    return Q(tier__in=HIGH_TIERS) | Q(data_access__in=SENSITIVE_DATA)


def _assessed(ctx):
    """Suppliers with an assessment on or before the audit date."""
    return Q(last_assessed_on__isnull=False, last_assessed_on__lte=ctx.as_of)


def _monitored(ctx):
    """The population of the monitoring finding (SUP002, SUP001, SUP006) and of SUP007/SUP008:
    every supplier in the register. SUP006 judges any supplier (a failed assessment matters
    whatever the tier), so the high-risk suppliers alone would not contain every instance."""
    return ctx.population("suppliers", ctx.q(Supplier))


def _with_access(ctx):
    """The population of the agreements finding (SUP003, SUP004): suppliers that can reach the
    organisation's information."""
    return ctx.population(
        "suppliers with access to information",
        ctx.q(Supplier).exclude(data_access=Supplier.DataAccess.NONE),
    )


def _profile(supplier) -> str:
    return (
        f"{supplier.get_tier_display().lower()} tier, access to "
        f"{supplier.get_data_access_display().lower()}"
    )


@rule(
    code="SUP001",
    name="high-risk-supplier-never-assessed",
    reference="A.5.19",
    stage=2,
    grade=Grade.MINOR,
    title="High-risk supplier never assessed",
    statement=(
        "The organisation has not regularly monitored, reviewed and assessed the information "
        "security of its high-risk suppliers."
    ),
    issue="SUP002",
)
def high_risk_supplier_never_assessed(ctx):
    """
    What it checks: suppliers in the high or critical tier, or with access to confidential or
    personal information, that have never been assessed or audited (no last assessment date).
    The register keeps only the latest assessment, so a supplier whose latest one is dated after
    the audit date is not judged: its earlier history is unknown. Cloud services are left to
    SUP005, which judges them against 5.23.

    Why an auditor cares: 5.19 asks the organisation to manage the security risks each supplier
    brings. A high-risk supplier that has never been assessed means the risk was accepted
    without being looked at, which is the most common supplier finding at stage 2.

    How to fix: assess the supplier now (questionnaire, certificate review such as ISO 27001 or
    SOC 2, or an on-site audit), record the date and result, and plan the next assessment at
    the frequency its tier requires.

    Grade: minor for each supplier; never major by effect. Part of the SUP002 finding (suppliers
    not monitored and assessed as required).
    """
    suppliers = ctx.q(Supplier).filter(_high_risk(), is_cloud_service=False, last_assessed_on=None)
    for supplier in suppliers:
        frequency = (
            f", although it should be assessed {supplier.get_review_frequency_display().lower()}"
            if supplier.review_frequency
            else ""
        )
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} ({supplier.service}; {_profile(supplier)}) has never "
            f"been assessed{frequency}.",
            population=_monitored(ctx),
        )


@rule(
    code="SUP002",
    name="supplier-assessment-overdue",
    reference="A.5.22",
    stage=2,
    grade=Grade.MINOR,
    title="Supplier assessment older than its review frequency",
    statement=(
        "The organisation has not regularly monitored, reviewed and assessed the information "
        "security of its high-risk suppliers."
    ),
)
def supplier_assessment_overdue(ctx):
    """
    What it checks: suppliers in the high or critical tier, or with access to confidential or
    personal information, whose last assessment (on or before the audit date) is older than the
    review frequency set for them. Suppliers never assessed are reported by SUP001 or SUP005;
    suppliers without a frequency by SUP007.

    Why an auditor cares: 5.22 asks for supplier security to be monitored and reviewed
    regularly. An assessment that has lapsed no longer tells the organisation whether the
    supplier still meets its requirements.

    How to fix: re-assess the supplier, record the date and result, and put the next assessment
    in the supplier owner's plan at the set frequency.

    Grade: minor for each supplier; never major by effect. This rule leads the finding on
    supplier monitoring (with SUP001, never assessed, and SUP006, failed and still in use); its
    extent is counted among all the suppliers in the register, so it is major only when the
    lapses are pervasive there.
    """
    suppliers = ctx.q(Supplier).filter(_high_risk(), _assessed(ctx)).exclude(review_frequency="")
    for supplier in suppliers:
        months = FREQUENCY_MONTHS[supplier.review_frequency]
        if supplier.last_assessed_on >= ctx.months_ago(months):
            continue
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} ({_profile(supplier)}) must be assessed "
            f"{supplier.get_review_frequency_display().lower()}; the last assessment was on "
            f"{supplier.last_assessed_on}, {(ctx.as_of - supplier.last_assessed_on).days} days "
            f"before {ctx.as_of}.",
            population=_monitored(ctx),
        )


@rule(
    code="SUP003",
    name="supplier-without-contract",
    reference="A.5.20",
    stage=2,
    grade=Grade.MINOR,
    title="Supplier with access to information but no contract",
    statement=(
        "The organisation has not set down its information security requirements in the "
        "agreements with suppliers that can access its information."
    ),
    issue="SUP003",
)
def supplier_without_contract(ctx):
    """
    What it checks: suppliers that can reach the organisation's information (internal,
    confidential or personal) but have no contract reference recorded.

    Why an auditor cares: 5.20 requires the security requirements agreed with each supplier to
    be set down in the agreement. With no contract there is nothing binding the supplier to
    confidentiality, breach notification or a right to audit.

    How to fix: put a signed contract (or the supplier's accepted terms plus a data processing
    agreement) in place, record its reference and the security clauses it carries.

    Grade: minor for each supplier; never major by effect. This rule leads the finding on
    supplier agreements without security requirements (with SUP004), counted among the
    suppliers with access to information.
    """
    suppliers = (
        ctx.q(Supplier).exclude(data_access=Supplier.DataAccess.NONE).filter(contract_reference="")
    )
    for supplier in suppliers:
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} ({supplier.service}) has access to "
            f"{supplier.get_data_access_display().lower()} but no contract is recorded.",
            population=_with_access(ctx),
        )


@rule(
    code="SUP004",
    name="contract-without-security-requirements",
    reference="A.5.20",
    stage=2,
    grade=Grade.MINOR,
    title="Supplier contract carries no security requirements",
    statement=(
        "The organisation has not set down its information security requirements in the "
        "agreements with suppliers that can access its information."
    ),
    issue="SUP003",
)
def contract_without_security_requirements(ctx):
    """
    What it checks: suppliers with a contract and access to the organisation's information whose
    record lists no security requirements in that contract. Cloud services are left to SUP005.

    Why an auditor cares: a contract without security clauses (confidentiality, data protection,
    breach notification, right to audit) gives the organisation no lever if the supplier
    mishandles its information; for personal data it usually breaches data protection law too.

    How to fix: add a security schedule or a data processing agreement to the contract and
    record the clauses it contains.

    Grade: minor for each supplier; never major by effect. Part of the SUP003 finding.
    """
    suppliers = (
        ctx.q(Supplier)
        .exclude(data_access=Supplier.DataAccess.NONE)
        .exclude(contract_reference="")
        .filter(security_requirements="", is_cloud_service=False)
    )
    for supplier in suppliers:
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} has access to "
            f"{supplier.get_data_access_display().lower()} under contract "
            f"{supplier.contract_reference}, but no security requirements are recorded for "
            "that contract.",
            population=_with_access(ctx),
        )


@rule(
    code="SUP005",
    name="cloud-service-unmanaged",
    reference="A.5.23",
    stage=2,
    grade=Grade.MINOR,
    title="Cloud service without security terms or assessment",
    statement=(
        "The organisation has not managed the use of its cloud services against its information "
        "security requirements."
    ),
)
def cloud_service_unmanaged(ctx):
    """
    What it checks: suppliers marked as cloud services that have no security requirements in
    their contract, or that have never been assessed (whatever their tier: a cloud service
    holds the organisation's information by design).

    Why an auditor cares: 5.23, new in 2022, asks for the acquisition, use and exit of cloud
    services to be managed against the organisation's security requirements. A cloud service
    with no agreed terms and no assessment is unmanaged shadow IT in all but name.

    How to fix: record the provider's security commitments (terms, data processing agreement,
    certifications such as ISO 27001/27017 or SOC 2), review them against your requirements,
    and record the date and result of that assessment.

    Grade: minor for each cloud service; never major by effect. Counted among the cloud
    services in the register.
    """
    suppliers = ctx.q(Supplier).filter(is_cloud_service=True)
    suppliers = suppliers.filter(Q(security_requirements="") | Q(last_assessed_on=None))
    for supplier in suppliers:
        gaps = []
        if not supplier.security_requirements:
            gaps.append("no security requirements recorded for its contract")
        if not supplier.last_assessed_on:
            gaps.append("never been assessed")
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Cloud service {supplier.name} ({supplier.service}; {_profile(supplier)}) has "
            f"{' and has '.join(gaps)}.",
            population=ctx.population(
                "cloud services", ctx.q(Supplier).filter(is_cloud_service=True)
            ),
        )


@rule(
    code="SUP006",
    name="supplier-failed-assessment",
    reference="A.5.22",
    stage=2,
    grade=Grade.MINOR,
    title="Supplier that failed its last assessment is still in use",
    statement=(
        "The organisation has not regularly monitored, reviewed and assessed the information "
        "security of its high-risk suppliers."
    ),
    issue="SUP002",
)
def supplier_failed_assessment(ctx):
    """
    What it checks: suppliers still in the register whose last assessment, on or before the
    audit date, failed.

    Why an auditor cares: an assessment is only a control if its result is acted on. A failed
    supplier still in use means the organisation found a risk and neither treated it nor
    accepted it on record.

    How to fix: agree corrective actions with the supplier and re-assess, or record a risk
    acceptance by the risk owner, or plan the exit and remove the supplier from the register
    once it ends.

    Grade: minor for each supplier; never major by effect. Part of the SUP002 finding: an
    assessment whose result is not acted on is monitoring that does not work.
    """
    suppliers = ctx.q(Supplier).filter(
        _assessed(ctx), last_assessment_result=Supplier.AssessmentResult.FAILED
    )
    for supplier in suppliers:
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} ({supplier.service}) failed its last assessment on "
            f"{supplier.last_assessed_on} and is still recorded as a supplier.",
            population=_monitored(ctx),
        )


@rule(
    code="SUP007",
    name="supplier-review-frequency-missing",
    reference="A.5.22",
    stage=1,
    grade=Grade.OFI,
    title="High-risk supplier with no review frequency",
    statement=(
        "The organisation could tie how often each high-risk supplier is re-assessed to its risk."
    ),
)
def supplier_review_frequency_missing(ctx):
    """
    What it checks: suppliers in the high or critical tier, or with access to confidential or
    personal information, that have no review frequency.

    Why an auditor cares: without a frequency, re-assessment depends on someone remembering;
    auditors look for a documented rule that ties how often a supplier is reviewed to its risk.

    How to fix: set a review frequency per supplier tier in the supplier security policy and
    record it against each supplier.

    Grade: opportunity for improvement (no requirement sets a frequency); never major.
    """
    for supplier in ctx.q(Supplier).filter(_high_risk(), review_frequency=""):
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f"Supplier {supplier.name} ({_profile(supplier)}) has no review frequency, so no "
            "re-assessment is ever due.",
            population=_monitored(ctx),
        )


@rule(
    code="SUP008",
    name="cloud-service-not-flagged",
    reference="A.5.23",
    stage=1,
    grade=Grade.OFI,
    title="Supplier looks like a cloud service but is not marked as one",
    statement=(
        "The organisation could confirm which of its suppliers provide cloud services, so that "
        "they are managed as such."
    ),
)
def cloud_service_not_flagged(ctx):
    """
    What it checks: suppliers not marked as cloud services whose service description uses words
    such as SaaS, cloud, hosted or hosting. This is a heuristic on free text, so it only
    suggests a second look.

    Why an auditor cares: cloud services that are not recognised as such escape the cloud
    service management of 5.23 (provider terms, exit plans, shared responsibilities). Auditors
    compare the supplier list with what the services actually are.

    How to fix: confirm what the service is; if it is a cloud service, mark it so and manage it
    under the cloud service process; if not, reword the description.

    Grade: opportunity for improvement (the text is only a hint); never major.
    """
    for supplier in ctx.q(Supplier).filter(is_cloud_service=False):
        match = CLOUD_WORDS.search(supplier.service)
        if not match:
            continue
        yield ctx.observe(
            Subject("Suppliers", supplier.name),
            f'Supplier {supplier.name} provides "{supplier.service}" (the description says '
            f'"{match.group(0)}") but is not marked as a cloud service.',
            population=_monitored(ctx),
        )
