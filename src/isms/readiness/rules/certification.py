"""The certification cycle with the certification body (ISO/IEC 17021-1 practice): readiness for
stage 2, timing between stage 1 and stage 2, surveillance every calendar year, recertification
before the certificate expires, and the body's findings in the nonconformity log (F23).

Two rules are findings about the ISMS: CRT001 (stage 2 before a completed internal audit and a
management review after it, which 9.2 and 9.3 require; F23) and CRT006 (the body's findings not
in the nonconformity log, 10.2). CRT002-CRT005 concern the timing of the certification process
itself, the certification body's matter: they are advisories, reported apart from findings.

Dates of external audits: an audit counts as held on ``held_on`` when that is on or before the
audit date; otherwise it is upcoming on ``held_on`` (if recorded after the audit date) or on
``planned_on``.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from isms.audits.models import ExternalAudit, ManagementReview, Nonconformity
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.internal_audit import completed_audits

STAGE_1 = ExternalAudit.Kind.STAGE_1
STAGE_2 = ExternalAudit.Kind.STAGE_2
SURVEILLANCE = ExternalAudit.Kind.SURVEILLANCE
RECERTIFICATION = ExternalAudit.Kind.RECERTIFICATION

#: A stage 2 this close is "imminent": too late to complete the missing steps.
IMMINENT_DAYS = 90

#: Minimum days between stage 1 and stage 2 to act on the stage 1 concerns.
STAGE_GAP_MIN_DAYS = 14

#: Months after which a stage 1 is usually repeated before stage 2.
STAGE_1_VALID_MONTHS = 6

#: Days before expiry by which a recertification audit should be planned.
EXPIRY_WARNING_DAYS = 90


def _date(audit) -> dt.date:
    return audit.held_on or audit.planned_on


def _held(ctx):
    return ctx.q(ExternalAudit).filter(held_on__lte=ctx.as_of)


def _upcoming(ctx, kind: str):
    """Audits of ``kind`` not held by the audit date and planned on or after it."""
    return (
        ctx.q(ExternalAudit)
        .filter(kind=kind)
        .filter(Q(held_on__gt=ctx.as_of) | Q(held_on=None, planned_on__gte=ctx.as_of))
        .order_by("planned_on", "ref")
    )


def _name(audit) -> str:
    return f"{audit.get_kind_display()} audit {audit.ref} ({audit.certification_body})"


@rule(
    code="CRT001",
    name="stage2-before-audit-and-review",
    reference="9.2",
    stage=1,
    grade=Grade.MINOR,
    title="Stage 2 planned before an internal audit and management review cycle",
    statement=(
        "The organisation has not completed an internal audit and a management review that "
        "considered it before its certification audit."
    ),
    version=2,
)
def stage2_before_audit_and_review(ctx):
    """
    What it checks: for each stage 2 audit still to come, that by the audit date at least one
    internal audit was completed and a management review was held on or after its completion.
    This is a readiness problem of the ISMS (9.2, 9.3), not a matter of scheduling, so it is a
    finding, not an advisory.

    Why an auditor cares: certification bodies require a full internal audit and management
    review cycle before stage 2; it is checked at stage 1. Without it, stage 2 is postponed or
    ends in a major nonconformity on 9.2 or 9.3, and the audit days are paid for nothing.

    How to fix: complete an internal audit, hold a management review that considers its results,
    and only then confirm the stage 2 date (move it if needed).

    Grade: major (citing 9.2) when no internal audit had been completed at all: the required
    process is absent; minor (citing 9.3) when audits were completed but no management review
    followed them. Never major by effect. The observation also concerns the internal audit
    programme or the latest management review, the records AUD001, MRV001 and MRV006 observe,
    so the same gap seen from the stage 2 date is one finding with them.
    """
    stage2s = list(_upcoming(ctx, STAGE_2))
    if not stage2s:
        return
    first_audit = completed_audits(ctx).order_by("done_on", "ref").first()
    if first_audit is None:
        gap = "no internal audit had been completed"
        grade, reference = Grade.MAJOR, "9.2"
        related = [Subject("Internal audits", "Internal audit programme")]
    else:
        reviews = ctx.q(ManagementReview).filter(
            held_on__gte=first_audit.done_on, held_on__lte=ctx.as_of
        )
        if reviews.exists():
            return
        gap = (
            "no management review had been held since the first internal audit "
            f"({first_audit.ref}, completed {first_audit.done_on})"
        )
        grade, reference = Grade.MINOR, "9.3"
        latest = ctx.q(ManagementReview).filter(held_on__lte=ctx.as_of).order_by("-held_on").first()
        related = [Subject("Management reviews", latest.ref if latest else "Management review")]
    for audit in stage2s:
        when = _date(audit)
        days = (when - ctx.as_of).days
        yield ctx.observe(
            Subject("External audits", audit.ref),
            f"{_name(audit)} is planned for {when}, {days} days after {ctx.as_of}, but by "
            f"{ctx.as_of} {gap}.",
            grade=grade,
            reference=reference,
            related=related,
        )


@rule(
    code="CRT002",
    name="stage2-too-soon-after-stage1",
    reference="9.2",
    stage=1,
    grade=Grade.OFI,
    title="Stage 2 planned too soon after stage 1",
    statement=(
        "The organisation could leave time between stage 1 and stage 2 to address the stage 1 "
        "concerns."
    ),
    advisory=True,
    version=2,
)
def stage2_too_soon_after_stage1(ctx):
    """
    What it checks: for each stage 2 audit still to come, whether the last stage 1 audit before
    it is less than 14 days earlier.

    Why an auditor cares: stage 1 names areas of concern that the organisation is expected to
    address before stage 2. With less than two weeks between them there is no time to act,
    and concerns left open at stage 1 tend to return as nonconformities at stage 2.

    How to fix: leave a few weeks between stage 1 and stage 2, or make sure that the stage 1
    concerns can be closed in the time left.

    Grade: advisory, not graded: the interval between the stages is the certification body's
    matter (back-to-back stages are allowed), reported apart from the findings.
    """
    stage1s = list(ctx.q(ExternalAudit).filter(kind=STAGE_1))
    for audit in _upcoming(ctx, STAGE_2):
        when = _date(audit)
        before = [s for s in stage1s if _date(s) <= when]
        if not before:
            continue
        stage1 = max(before, key=_date)
        gap = (when - _date(stage1)).days
        if gap < STAGE_GAP_MIN_DAYS:
            yield ctx.observe(
                Subject("External audits", audit.ref),
                f"{_name(audit)} is planned for {when}, only {gap} day(s) after stage 1 audit "
                f"{stage1.ref} ({_date(stage1)}).",
            )


@rule(
    code="CRT003",
    name="stage1-missing-or-outdated",
    reference="9.2",
    stage=1,
    grade=Grade.OFI,
    title="Stage 2 planned without a recent stage 1",
    statement=(
        "The organisation could agree with its certification body a stage 1 recent enough for "
        "stage 2."
    ),
    advisory=True,
    version=2,
)
def stage1_missing_or_outdated(ctx):
    """
    What it checks: for each stage 2 audit still to come, that a stage 1 audit is recorded
    before it and no more than six months earlier.

    Why an auditor cares: stage 1 establishes that the organisation is ready for stage 2.
    Certification bodies usually repeat stage 1 when more than about six months separate the
    two stages, because the ISMS and its documents may have changed; a stage 2 with no stage 1
    on record cannot be prepared.

    How to fix: record the stage 1 audit (or plan one), and if the gap exceeds six months agree
    with the certification body whether stage 1 must be repeated, and budget for it.

    Grade: advisory, not graded: whether stage 1 must be repeated is the certification body's
    decision, reported apart from the findings.
    """
    stage1s = list(ctx.q(ExternalAudit).filter(kind=STAGE_1))
    for audit in _upcoming(ctx, STAGE_2):
        when = _date(audit)
        before = [s for s in stage1s if _date(s) <= when]
        if not before:
            detail = f"{_name(audit)} is planned for {when}, but no stage 1 audit is recorded."
        else:
            stage1 = max(before, key=_date)
            if _date(stage1) >= when - relativedelta(months=STAGE_1_VALID_MONTHS):
                continue
            months = relativedelta(when, _date(stage1))
            detail = (
                f"{_name(audit)} is planned for {when}, {months.years * 12 + months.months} "
                f"months after stage 1 audit {stage1.ref} ({_date(stage1)})."
            )
        yield ctx.observe(Subject("External audits", audit.ref), detail)


@rule(
    code="CRT004",
    name="certificate-expiring-without-recertification",
    reference="9.2",
    stage=1,
    grade=Grade.OFI,
    title="Certificate expires without a recertification audit planned",
    statement=(
        "The organisation could book its recertification audit in time for the certificate's "
        "expiry."
    ),
    advisory=True,
    version=2,
)
def certificate_expiring_without_recertification(ctx):
    """
    What it checks: the certificate with the latest expiry date recorded on an external audit
    held by the audit date. If it expires within 90 days, a recertification audit must be
    planned or held after the audit that issued it, on or before the expiry date; if it has
    already expired, a recertification audit must have been held.

    Why an auditor cares: a certificate lapses at the end of its three years unless the
    recertification audit and decision happen before then. A lapsed certificate means customers'
    contracts and tenders requiring it are no longer met, and certification starts over.

    How to fix: book the recertification audit with the certification body well before expiry
    (usually three to six months), leaving time to close any nonconformities before the date.

    Grade: advisory, not graded: recertification timing is part of the certification process,
    not a requirement of the ISMS; reported apart from the findings (the detail says whether
    the certificate has expired or is about to).
    """
    issuing = (
        _held(ctx)
        .filter(certificate_expires_on__isnull=False)
        .order_by("-certificate_expires_on", "-held_on")
        .first()
    )
    if issuing is None:
        return
    expiry = issuing.certificate_expires_on
    if expiry > ctx.as_of + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return
    recerts = [
        a
        for a in ctx.q(ExternalAudit).filter(kind=RECERTIFICATION)
        if _date(a) > issuing.held_on and a.pk != issuing.pk
    ]
    subject = Subject("External audits", issuing.ref)
    if expiry < ctx.as_of:
        if any(a.held_on and a.held_on <= ctx.as_of for a in recerts):
            return
        yield ctx.observe(
            subject,
            f"The certificate confirmed by {issuing.ref} expired on {expiry}, and no "
            f"recertification audit had been held by {ctx.as_of}.",
        )
        return
    in_time = [a for a in recerts if _date(a) <= expiry]
    if in_time:
        return
    late = min(recerts, key=_date) if recerts else None
    planned = (
        f"the recertification audit {late.ref} is planned only for {_date(late)}"
        if late
        else "no recertification audit is planned"
    )
    days = (expiry - ctx.as_of).days
    yield ctx.observe(
        subject,
        f"The certificate confirmed by {issuing.ref} expires on {expiry}, {days} days after "
        f"{ctx.as_of}, and {planned}.",
    )


@rule(
    code="CRT005",
    name="surveillance-audit-missing",
    reference="9.2",
    stage=1,
    grade=Grade.OFI,
    title="No surveillance audit in a calendar year of the certificate",
    statement=(
        "The organisation could agree a surveillance audit for every calendar year of its "
        "certificate."
    ),
    advisory=True,
    version=2,
)
def surveillance_audit_missing(ctx):
    """
    What it checks: once certified (the first stage 2 audit held by the audit date that
    recommended certification or recorded a certificate expiry), that every later calendar year
    up to the audit date has a surveillance or recertification audit: held in that year for
    past years, held or planned in it for the current year. The year the latest recorded
    certificate expires, and later years, are left to CRT004 (recertification or lapse).

    Why an auditor cares: a certificate stays valid only with surveillance audits at least once
    a calendar year. A missed surveillance leads to suspension of the certificate.

    How to fix: agree the surveillance dates for the whole cycle with the certification body and
    record them as planned external audits; if one was missed, contact the body at once.

    Grade: advisory, not graded: surveillance timing is the certification body's matter;
    reported apart from the findings (the detail says whether a past year was missed, which puts
    the certificate at risk of suspension).
    """
    certification = (
        _held(ctx)
        .filter(kind=STAGE_2)
        .filter(Q(recommended=True) | Q(certificate_expires_on__isnull=False))
        .order_by("held_on")
        .first()
    )
    if certification is None:
        return
    expiries = _held(ctx).filter(certificate_expires_on__isnull=False)
    last_expiry = max(expiries.values_list("certificate_expires_on", flat=True), default=None)
    audits = list(
        ctx.q(ExternalAudit)
        .filter(kind__in=[SURVEILLANCE, RECERTIFICATION])
        .filter(planned_on__gt=certification.held_on)
    )
    for year in range(certification.held_on.year + 1, ctx.as_of.year + 1):
        if last_expiry is not None and last_expiry.year <= year:
            break  # the year of expiry needs recertification, which CRT004 checks
        current = year == ctx.as_of.year
        for audit in audits:
            held = audit.held_on is not None and audit.held_on <= ctx.as_of
            if held and audit.held_on.year == year:
                break
            if current and not held and _date(audit).year == year:
                break
        else:
            state = "none is held or planned" if current else "none was held"
            yield ctx.observe(
                Subject("External audits", f"Surveillance {year}"),
                f"Certified since {certification.ref} on {certification.held_on}, but {state} "
                f"in {year} (no surveillance or recertification audit).",
            )


@rule(
    code="CRT006",
    name="external-audit-findings-not-logged",
    reference="10.2",
    stage=2,
    grade=Grade.MINOR,
    title="Certification body findings missing from the nonconformity log",
    statement=(
        "The organisation has not recorded the nonconformities raised by its certification body "
        "so that they are corrected and their causes removed."
    ),
)
def external_audit_findings_not_logged(ctx):
    """
    What it checks: for each certification body audit held by the audit date that raised major
    or minor nonconformities, that at least as many nonconformities from an external audit were
    logged from its date until the next external audit (or the audit date).

    Why an auditor cares: the certification body checks at its next visit that each of its
    nonconformities was corrected, its cause analysed and the action shown effective. Findings
    that never reached the log are not being managed, and will come back as majors.

    How to fix: log each of the certification body's nonconformities (source: external audit)
    with its correction, root cause, corrective action, owner and due date.

    Grade: minor for each external audit; never major by effect.
    """
    held = list(_held(ctx).order_by("held_on", "ref"))
    if not any(a.majors or a.minors for a in held):
        return
    logged = list(
        ctx.q(Nonconformity)
        .filter(source=Nonconformity.Source.EXTERNAL_AUDIT, raised_on__lte=ctx.as_of)
        .values_list("raised_on", flat=True)
    )
    for index, audit in enumerate(held):
        found = (audit.majors or 0) + (audit.minors or 0)
        if not found:
            continue
        later = [a.held_on for a in held[index + 1 :] if a.held_on > audit.held_on]
        end = min(later) if later else None
        count = sum(1 for date in logged if date >= audit.held_on and (end is None or date < end))
        if count >= found:
            continue
        until = f"before {end}" if end else f"by {ctx.as_of}"
        yield ctx.observe(
            Subject("External audits", audit.ref),
            f"{_name(audit)}, held on {audit.held_on}, raised {audit.majors} major and "
            f"{audit.minors} minor nonconformities, but only {count} nonconformity(ies) from an "
            f"external audit were logged from that date {until}.",
        )
