"""Turning mock-audit findings into nonconformities (a finding accepted becomes an NC)."""

import datetime as dt

from django.db import transaction

from isms.audits.models import Nonconformity
from isms.audits.nonconformities import next_ref
from isms.readiness.models import Assessment


@transaction.atomic
def raise_from_assessment(organisation, assessment: Assessment, on: dt.date | None = None):
    """One NC per major or minor finding of ``assessment`` (an escalated major counts once,
    its grouped minors do not); never a second NC for the same rule and subject.

    Returns (created NCs, number of findings that already had one)."""
    on = on or assessment.as_of
    existing = set(
        Nonconformity.objects.filter(organisation=organisation)
        .exclude(finding_code="")
        .values_list("finding_code", "finding_subject")
    )
    created, skipped = [], 0
    findings = assessment.findings.filter(grouped_in__isnull=True, grade__in=["major", "minor"])
    for finding in findings.order_by("due", "code", "subject_type", "subject_key"):
        subject = f"{finding.subject_type}: {finding.subject_key}"
        if (finding.code, subject) in existing:
            skipped += 1
            continue
        nc = Nonconformity.objects.create(
            organisation=organisation,
            ref=next_ref(organisation, on.year),
            source=Nonconformity.Source.MOCK_AUDIT,
            grade=finding.grade,
            finding_code=finding.code,
            finding_subject=subject,
            reference=finding.reference[:20],
            raised_on=on,
            description=f"{finding.title}. {finding.detail}",
            due_on=finding.due,
        )
        existing.add((finding.code, subject))
        created.append(nc)
    return created, skipped
