"""Inputs d1) to d4) and e): nonconformities, monitoring and measurement, audit results,
objectives, and feedback from interested parties (complaints, incidents)."""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from isms.audits.models import ExternalAudit, InternalAudit, Nonconformity
from isms.controls.models import Measurement, Objective
from isms.core.choices import Level
from isms.loop.review_pack.shape import (
    NC,
    Fact,
    Period,
    Section,
    count_if,
    plural,
    records_table,
)
from isms.operations.models import Incident


def nonconformities(period: Period) -> Section:
    ncs = period.q(Nonconformity)
    raised, is_open = period.within("raised_on"), period.nc_open()
    n = ncs.aggregate(
        raised=count_if(raised),
        major=count_if(raised & Q(grade=Nonconformity.Grade.MAJOR)),
        minor=count_if(raised & Q(grade=Nonconformity.Grade.MINOR)),
        closed=count_if(Q(status=NC.CLOSED) & period.within("closed_on")),
        implemented=count_if(period.within("implemented_on")),
        not_effective=count_if(period.within("effectiveness_checked_on") & Q(effective=False)),
        open=count_if(is_open),
        overdue=count_if(is_open & Q(due_on__lt=period.as_of)),
        no_plan=count_if(is_open & Q(status=NC.OPEN)),
    )
    by_source = dict(ncs.filter(raised).values_list("source").annotate(n=Count("pk")))
    return Section(
        "covers_nonconformities",
        summary=(
            f"{plural(n['raised'], 'nonconformity', 'nonconformities')} raised in the period "
            f"({n['major']} major, {n['minor']} minor), {n['closed']} closed, "
            f"{n['not_effective']} corrective action(s) found not effective. On "
            f"{period.as_of}, {n['open']} open, {n['overdue']} overdue, {n['no_plan']} without a "
            "corrective action plan."
        ),
        facts=[
            Fact("raised", "Raised in the period", n["raised"]),
            Fact("raised_major", "of which major", n["major"]),
            Fact("raised_minor", "of which minor", n["minor"]),
            *(
                Fact(f"raised_from_{source}", f"from {label.lower()}", by_source[source])
                for source, label in Nonconformity.Source.choices
                if by_source.get(source)
            ),
            Fact("closed", "Closed in the period", n["closed"]),
            Fact("implemented", "Corrective actions implemented", n["implemented"]),
            Fact("not_effective", "Actions found not effective", n["not_effective"]),
            Fact("open", "Open", n["open"]),
            Fact("overdue", "Overdue", n["overdue"]),
            Fact("without_plan", "Open without a corrective action plan", n["no_plan"]),
        ],
        tables=[
            records_table(
                "raised",
                "Nonconformities raised in the period",
                ncs.filter(raised).order_by("raised_on", "ref"),
                [
                    ("ref", "NC"),
                    ("raised_on", "Raised"),
                    ("grade", "Grade", "grade", Nonconformity.Grade.choices),
                    ("source", "Source", "source", Nonconformity.Source.choices),
                    ("reference", "Ref."),
                    ("description", "What was found"),
                    ("status", "Status", "status", NC.choices),
                    ("due_on", "Due"),
                ],
                "No nonconformity was raised in the period.",
            )
        ],
    )


def _objective_rows(period: Period):
    """Objectives with their measurements and where each stands at the as-of date."""
    measured = Measurement.objects.filter(objective=OuterRef("pk"), measured_on__lte=period.as_of)
    latest = measured.order_by("-measured_on")
    in_period = measured.filter(measured_on__gte=period.start).values("objective")
    meets = Case(
        When(Q(target__isnull=True) | Q(latest_value__isnull=True), then=Value(None)),
        When(Q(higher_is_better=True, latest_value__gte=F("target")), then=Value(True)),
        When(Q(higher_is_better=False, latest_value__lte=F("target")), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(null=True),
    )
    due = Q(due_on__isnull=False, due_on__lte=period.as_of)
    status = Case(
        When(Q(target__isnull=True) | Q(metric=""), then=Value("no target")),
        When(latest_value__isnull=True, then=Value("not measured")),
        When(due & Q(meets=True), then=Value("achieved")),
        When(due, then=Value("not achieved")),
        When(meets=True, then=Value("on track")),
        default=Value("behind target"),
        output_field=CharField(),
    )
    return (
        period.q(Objective)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
            in_period=Coalesce(Subquery(in_period.annotate(n=Count("pk")).values("n")[:1]), 0),
        )
        .annotate(meets=meets)
        .annotate(status=status)
    )


OBJECTIVE_STATUSES = (
    "achieved",
    "not achieved",
    "on track",
    "behind target",
    "not measured",
    "no target",
)


def objectives(period: Period) -> list[Section]:
    objectives = _objective_rows(period)
    n = objectives.aggregate(
        total=count_if(),
        measured=count_if(Q(in_period__gt=0)),
        measurements=Coalesce(Sum("in_period"), 0),
        meeting=count_if(Q(meets=True)),
        missing=count_if(Q(meets=False)),
    )
    by_status = dict(objectives.order_by().values_list("status").annotate(n=Count("pk")))
    rows = objectives.order_by("ref")
    monitoring = Section(
        "covers_monitoring",
        summary=(
            f"{n['measured']} of the {plural(n['total'], 'objective')} measured in the period "
            f"({plural(n['measurements'], 'measurement')}). At their latest measurement "
            f"{n['meeting']} meet their target and {n['missing']} do not."
        ),
        facts=[
            Fact("objectives", "Objectives", n["total"]),
            Fact("objectives_measured", "Measured in the period", n["measured"]),
            Fact("measurements", "Measurements in the period", n["measurements"]),
            Fact("meeting_target", "Latest value meets target", n["meeting"]),
            Fact("missing_target", "Latest value misses target", n["missing"]),
        ],
        tables=[
            records_table(
                "measurements",
                "Measurements against targets",
                rows,
                [
                    ("ref", "Objective"),
                    ("metric", "Metric"),
                    ("higher_is_better", "Higher is better"),
                    ("target", "Target"),
                    ("unit", "Unit"),
                    ("latest_value", "Latest"),
                    ("latest_on", "Measured"),
                    ("in_period", "In period"),
                    ("meets", "Meets target"),
                ],
                "No security objective is recorded.",
            )
        ],
    )
    fulfilment = Section(
        "covers_objectives",
        summary=(
            f"Of {plural(n['total'], 'objective')}: "
            + ", ".join(f"{by_status.get(s, 0)} {s}" for s in OBJECTIVE_STATUSES)
            + "."
        ),
        facts=[
            Fact("objectives", "Objectives", n["total"]),
            *(
                Fact(status.replace(" ", "_"), status.capitalize(), by_status.get(status, 0))
                for status in OBJECTIVE_STATUSES
            ),
        ],
        tables=[
            records_table(
                "objectives",
                "Fulfilment of the objectives",
                rows,
                [
                    ("ref", "Objective"),
                    ("statement", "Statement"),
                    ("owner", "Owner", "owner__email"),
                    ("due_on", "Due"),
                    ("status", "Status"),
                ],
                "No security objective is recorded.",
            )
        ],
    )
    return [monitoring, fulfilment]


def audit_results(period: Period) -> Section:
    audits = period.q(InternalAudit)
    raised = Q(nonconformities__raised_on__lte=period.as_of)
    completed = audits.filter(period.within("completed_on"), status=InternalAudit.Status.COMPLETED)
    behind = audits.filter(
        status__in=(InternalAudit.Status.PLANNED, InternalAudit.Status.IN_PROGRESS),
        planned_on__lt=period.as_of,
    )
    external = period.q(ExternalAudit).filter(period.within("held_on"))
    n = external.aggregate(
        external=count_if(),
        majors=Coalesce(Sum("majors"), 0),
        minors=Coalesce(Sum("minors"), 0),
        ofis=Coalesce(Sum("ofis"), 0),
    ) | {"completed": completed.count(), "behind": behind.count()}
    return Section(
        "covers_audit_results",
        summary=(
            f"{plural(n['completed'], 'internal audit')} completed in the period; {n['behind']} "
            f"planned audit(s) not completed by their date. "
            f"{plural(n['external'], 'certification body audit')} held ({n['majors']} major, "
            f"{n['minors']} minor, {n['ofis']} OFI)."
        ),
        facts=[
            Fact("internal_completed", "Internal audits completed", n["completed"]),
            Fact("internal_behind", "Planned audits not completed", n["behind"]),
            Fact("external_held", "Certification body audits held", n["external"]),
            Fact("external_majors", "Their major findings", n["majors"]),
            Fact("external_minors", "Their minor findings", n["minors"]),
            Fact("external_ofis", "Their OFIs", n["ofis"]),
        ],
        tables=[
            records_table(
                "internal_audits",
                "Internal audits completed in the period",
                completed.annotate(ncs=Count("nonconformities", filter=raised)).order_by(
                    "completed_on", "ref"
                ),
                [
                    ("ref", "Audit"),
                    ("title", "Scope"),
                    ("completed_on", "Report"),
                    ("lead_auditor", "Lead auditor", "lead_auditor__email"),
                    ("nonconformities", "NCs", "ncs"),
                    ("report_summary", "Conclusions"),
                ],
                "No internal audit was completed in the period.",
            ),
            records_table(
                "audits_behind",
                "Planned internal audits not completed by their date",
                behind.order_by("planned_on", "ref"),
                [
                    ("ref", "Audit"),
                    ("title", "Scope"),
                    ("planned_on", "Planned"),
                    ("status", "Status", "status", InternalAudit.Status.choices),
                ],
                "Every audit planned before the as-of date was completed or cancelled.",
            ),
            records_table(
                "external_audits",
                "Certification body audits held in the period",
                external.order_by("held_on", "ref"),
                [
                    ("ref", "Audit"),
                    ("kind", "Kind", "kind", ExternalAudit.Kind.choices),
                    ("certification_body", "Certification body"),
                    ("held_on", "Held"),
                    ("majors", "Majors"),
                    ("minors", "Minors"),
                    ("ofis", "OFIs"),
                    ("recommended", "Recommended"),
                ],
                "No certification body audit was held in the period.",
            ),
        ],
    )


def party_feedback(period: Period) -> Section:
    complaints = period.q(Nonconformity).filter(
        period.within("raised_on"), source=Nonconformity.Source.COMPLAINT
    )
    incidents = period.q(Incident).filter(period.within("reported_on"))
    kinds = Incident.Kind
    n = incidents.aggregate(
        total=count_if(),
        **{kind.value: count_if(Q(kind=kind)) for kind in kinds},
        severe=count_if(Q(severity__in=(Level.HIGH, Level.CRITICAL))),
        open=count_if(Q(closed_on__isnull=True) | Q(closed_on__gt=period.as_of)),
    ) | {"complaints": complaints.count()}
    return Section(
        "covers_party_feedback",
        summary=(
            f"{plural(n['complaints'], 'complaint')} raised as nonconformities in the period; "
            f"{plural(n['total'], 'incident record')} reported ("
            + ", ".join(f"{n[kind.value]} {kind.label.lower()}" for kind in kinds)
            + f"), {n['severe']} of high or critical severity, {n['open']} not closed."
        ),
        facts=[
            Fact("complaints", "Complaints (nonconformities from complaints)", n["complaints"]),
            Fact("incidents", "Incident records reported", n["total"]),
            *(Fact(f"incidents_{kind.value}", kind.label, n[kind.value]) for kind in kinds),
            Fact("incidents_severe", "High or critical severity", n["severe"]),
            Fact("incidents_open", "Not closed", n["open"]),
        ],
        tables=[
            records_table(
                "complaints",
                "Complaints",
                complaints.order_by("raised_on", "ref"),
                [
                    ("ref", "NC"),
                    ("raised_on", "Raised"),
                    ("description", "Complaint"),
                    ("status", "Status", "status", NC.choices),
                ],
                "No complaint was recorded in the period.",
            ),
            records_table(
                "incidents",
                "Incidents, near misses and events reported in the period",
                incidents.order_by("reported_on", "ref"),
                [
                    ("ref", "Record"),
                    ("title", "What happened"),
                    ("kind", "Kind", "kind", kinds.choices),
                    ("severity", "Severity", "severity", Level.choices),
                    ("reported_on", "Reported"),
                    ("closed_on", "Closed"),
                    ("lessons_learned", "Lessons learned"),
                ],
                "No incident, near miss or event was reported in the period.",
            ),
        ],
    )
