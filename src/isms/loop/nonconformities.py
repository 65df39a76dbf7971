"""Turning mock-audit findings into nonconformities (a finding accepted becomes an NC)."""

import datetime as dt

from django.db import transaction

from isms.audits.models import Nonconformity
from isms.audits.nonconformities import TransitionRefused, next_ref, verify
from isms.readiness.models import Assessment


@transaction.atomic
def raise_from_assessment(
    organisation, assessment: Assessment, on: dt.date | None = None, only: list[int] | None = None
):
    """One NC per major or minor finding of ``assessment``, covering every instance of it (an
    ownership major counts once, the findings it groups do not); never a second NC for the same
    finding.

    The NC records the finding's lead rule in ``finding_code`` and leaves ``finding_subject``
    empty, which tells the mock audit that the NC covers the whole issue: the next run credits
    it while its corrective action is on time (docs/mock-audit.md, "Credit").

    ``only``: the ids of the findings to raise NCs for (a finding page raises one); default all.

    Returns (created NCs, number of findings that already had one)."""
    on = on or assessment.as_of
    existing = set(
        Nonconformity.objects.filter(organisation=organisation)
        .exclude(finding_code="")
        .values_list("finding_code", "finding_subject")
    )
    created, skipped = [], 0
    findings = assessment.findings.filter(grouped_in__isnull=True, grade__in=["major", "minor"])
    if only is not None:
        findings = findings.filter(pk__in=only)
    for finding in findings.order_by("due", "key"):
        link = _link(finding)
        if link in existing:
            skipped += 1
            continue
        nc = Nonconformity.objects.create(
            organisation=organisation,
            ref=next_ref(organisation, on.year),
            source=Nonconformity.Source.MOCK_AUDIT,
            grade=finding.grade,
            finding_code=link[0],
            finding_subject=link[1],
            reference=finding.reference[:20],
            raised_on=on,
            description=_description(finding),
            due_on=finding.due,
        )
        existing.add(link)
        created.append(nc)
    return created, skipped


def _link(finding) -> tuple[str, str]:
    """(finding_code, finding_subject) for the NC: the issue, or the area of an ownership major."""
    if " " in finding.key:  # "ESC001 department:Manufacturing"
        code, _, area = finding.key.partition(" ")
        dimension, _, value = area.partition(":")
        kind = "Departments" if dimension == "department" else "Processes"
        return code, f"{kind}: {value}"
    return finding.key, ""


def _description(finding) -> str:
    lines = [finding.statement or finding.title, "", f"Objective evidence ({finding.extent}):"]
    lines += [f"- {instance['detail']}" for instance in finding.evidence]
    if len(finding.references) > 1:
        lines += ["", f"Also cites: {', '.join(finding.references[1:])}."]
    return "\n".join(lines)


def verify_closing(nc: Nonconformity, *, checked_by, on: dt.date, effective: bool):
    """:func:`isms.audits.nonconformities.verify`, but an NC is not closed as effective while the
    mock audit, run as of the check, still sees the problem it was raised for (a leaver's account
    closed as fixed but still active). Only NCs linked to a rule or a record can be checked."""
    if effective and (nc.finding_code or nc.finding_subject):
        still = problems_still_present(nc, on)
        if still:
            shown = "; ".join(still[:5]) + (f" and {len(still) - 5} more" if len(still) > 5 else "")
            raise TransitionRefused(
                f"{nc.ref}: the problem it was raised for is still present on {on}: {shown}. "
                "Record the check as not effective, or correct these first"
            )
    return verify(nc, checked_by=checked_by, on=on, effective=effective)


def problems_still_present(nc: Nonconformity, on: dt.date) -> list[str]:
    """What the mock audit, as of ``on``, observes that ``nc`` covers: "record: detail" lines."""
    from isms.readiness import credit
    from isms.readiness.engine import run_assessment
    from isms.readiness.finding import Subject
    from isms.readiness.registry import all_rules

    logged = credit.LoggedNc(
        ref=nc.ref,
        code=nc.finding_code.strip(),
        subject=Subject.parse(nc.finding_subject),
        status="open",
        raised_on=nc.raised_on,
        due_on=nc.due_on,
        implemented_on=None,
        closed_on=None,
        effective=None,
        analysed=True,
    )
    select = None
    if logged.code and logged.subject is None:
        issue = next((r.issue for r in all_rules() if r.code == logged.code), logged.code)
        select = sorted({r.code for r in all_rules() if issue in (r.code, r.issue)})
    result = run_assessment(nc.organisation, on, stage=2, select=select)
    return [f"{o.subject}: {o.detail}" for o in result.observations if credit.covers(logged, o)]
