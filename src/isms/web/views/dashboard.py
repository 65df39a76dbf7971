"""The portfolio (every organisation of the user) and an organisation's readiness at a glance:
the latest mock audit and its trend, findings by grade and requirement, what falls due, the SoA
and risk heat maps, and what the standard expects on record that is missing."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from isms.audits.models import ExternalAudit, Nonconformity
from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.core.choices import FREQUENCY_MONTHS
from isms.core.models import Membership, Organisation
from isms.core.permissions import Action, can
from isms.core.registers import all_registers
from isms.documents.models import Document, DocumentVersion
from isms.evidence.models import EvidenceLink
from isms.operations.models import AccessReview, Supplier, System
from isms.readiness.models import Assessment, AssessmentFinding
from isms.risk.models import Risk, RiskMethod
from isms.risk.registers import method_in_force
from isms.web.access import organisation_for

#: Runs shown in an organisation's trend.
TREND_RUNS = 6


def _latest_runs(organisations) -> dict[int, Assessment]:
    """The latest mock audit of each organisation, in one query."""
    latest: dict[int, Assessment] = {}
    runs = Assessment.objects.filter(organisation__in=organisations).order_by(
        "organisation_id", "-run_at", "-pk"
    )
    for run in runs.only(
        "organisation_id", "as_of", "stage", "run_at", "verdict", "majors", "minors", "ofis"
    ):
        latest.setdefault(run.organisation_id, run)
    return latest


@login_required
def home(request) -> HttpResponse:
    """The organisations the user belongs to, each with its latest mock-audit conclusion, its
    open major nonconformities and its next certification-body audit: a consultant's portfolio,
    or one line for a member of one organisation (four queries however many)."""
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    organisations = [m.organisation for m in memberships]
    latest = _latest_runs(organisations)
    open_majors = dict(
        Nonconformity.objects.filter(organisation__in=organisations, grade="major")
        .exclude(status=Nonconformity.Status.CLOSED)
        .values("organisation_id")
        .annotate(count=Count("pk"))
        .values_list("organisation_id", "count")
    )
    next_audits = dict(
        ExternalAudit.objects.filter(
            organisation__in=organisations,
            held_on__isnull=True,
            planned_on__gte=timezone.localdate(),
        )
        .values("organisation_id")
        .annotate(first=Min("planned_on"))
        .values_list("organisation_id", "first")
    )
    rows = [
        {
            "membership": m,
            "organisation": m.organisation,
            "run": latest.get(m.organisation_id),
            "open_majors": open_majors.get(m.organisation_id, 0),
            "next_audit": next_audits.get(m.organisation_id),
        }
        for m in memberships
    ]
    return render(request, "web/home.html", {"rows": rows})


#: What the standard asks an ISMS to have on record, in the order a new organisation fills it:
#: (clause, what, register). The readiness page lists those with no record yet.
ESSENTIALS = (
    ("4.1", "the issues of the organisation's context", "context_issues"),
    ("4.2", "the interested parties and their requirements", "interested_parties"),
    ("4.3", "the scope of the ISMS", "scope"),
    ("5.2", "the information security policy and other documents", "documents"),
    ("5.3", "the ISMS roles and who holds them", "isms_roles"),
    ("6.1.2", "the risk assessment method", "risk_method"),
    ("6.1.2", "the risks, assessed", "risks"),
    ("6.1.3", "the Statement of Applicability", "soa"),
    ("6.2", "the information security objectives", "objectives"),
    ("7.2", "the people in scope", "people"),
    ("9.2", "the internal audits", "internal_audits"),
    ("9.3", "the management reviews", "management_reviews"),
)


def _missing(organisation) -> list[dict]:
    """The essentials with no record yet, in one query (an EXISTS per essential)."""
    registers = {register.name: register for register in all_registers()}
    present = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            **{
                name: Exists(registers[name].model.objects.filter(organisation=OuterRef("pk")))
                for _, _, name in ESSENTIALS
            }
        )
        .values(*(name for _, _, name in ESSENTIALS))
        .get()
    )
    return [
        {"clause": clause, "what": what, "register": registers[name]}
        for clause, what, name in ESSENTIALS
        if not present[name]
    ]


#: The requirement groups findings are counted by: clauses 4 to 10, then the Annex A themes.
REQUIREMENT_GROUPS = (
    ("4", "Clause 4 Context of the organization"),
    ("5", "Clause 5 Leadership"),
    ("6", "Clause 6 Planning"),
    ("7", "Clause 7 Support"),
    ("8", "Clause 8 Operation"),
    ("9", "Clause 9 Performance evaluation"),
    ("10", "Clause 10 Improvement"),
    ("A.5", "A.5 Organizational controls"),
    ("A.6", "A.6 People controls"),
    ("A.7", "A.7 Physical controls"),
    ("A.8", "A.8 Technological controls"),
)
GRADES = (("major", "Major"), ("minor", "Minor"), ("ofi", "OFI"))
#: The Annex A themes of the catalogue, in the order of the standard.
THEMES = (
    ("A.5", Control.Theme.ORGANIZATIONAL),
    ("A.6", Control.Theme.PEOPLE),
    ("A.7", Control.Theme.PHYSICAL),
    ("A.8", Control.Theme.TECHNOLOGICAL),
)


def requirement_group(reference: str) -> str:
    """The clause (4..10) or Annex A theme (A.5..A.8) a finding's requirement belongs to."""
    head = reference.replace(" ", ".")
    if head.startswith("A."):
        return "A." + head[2:].split(".")[0]
    return head.split(".")[0]


def _findings_breakdown(run) -> dict | None:
    """The latest run's findings by grade and by clause or theme, counted in the database
    (one GROUP BY reference and grade; the references are folded into their groups)."""
    if run is None:
        return None
    counts = (
        AssessmentFinding.objects.filter(assessment=run, grouped_in__isnull=True)
        .values("reference", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_group: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_grade: dict[str, int] = defaultdict(int)
    for row in counts:
        by_group[requirement_group(row["reference"])][row["grade"]] += row["n"]
        by_grade[row["grade"]] += row["n"]
    rows = [
        {
            "group": group,
            "label": label,
            "cells": [(grade, by_group[group][grade]) for grade, _ in GRADES],
            "total": sum(by_group[group].values()),
        }
        for group, label in REQUIREMENT_GROUPS
        if group in by_group
    ]
    return {
        "grades": GRADES,
        "by_grade": [(grade, label, by_grade[grade]) for grade, label in GRADES],
        "rows": rows,
        "total": sum(by_grade.values()),
    }


# -- what falls due ---------------------------------------------------------------------------

#: How far ahead the readiness page looks for what falls due, and how much it lists.
DUE_DAYS = 90
DUE_PER_KIND = 50
DUE_SHOWN = 25


@dataclass(frozen=True)
class DueItem:
    """One thing that falls due: a date (None: never done, so due now), what, and its record."""

    due: dt.date | None
    kind: str
    what: str
    register: str
    pk: int
    overdue: bool

    def url(self, organisation) -> str:
        """The record's page: a nonconformity's workflow page, else the register's record."""
        if self.register == "nonconformities":
            return reverse("web:nonconformity", args=[organisation.slug, self.pk])
        return reverse("web:record", args=[organisation.slug, self.register, self.pk])


@dataclass
class DueKind:
    """One kind of thing that falls due, with its first items and how many there are."""

    label: str
    register: str
    items: list[DueItem]
    total: int
    overdue: int


def _lapsed(last: str, frequency: str, on: dt.date, lookup: str) -> Q:
    """Records whose ``last`` date is more than their ``frequency`` before ``on`` (``lookup``
    lt: due before ``on``; lte: due on or before it), or that were never done."""
    condition = Q(**{f"{last}__isnull": True})
    for value, months in FREQUENCY_MONTHS.items():
        cutoff = on - relativedelta(months=months)
        condition |= Q(**{frequency: value, f"{last}__{lookup}": cutoff})
    return condition


def _by_next_date(last: str, frequency: str):
    """An ordering by the approximate next date (``last`` plus the frequency in days) for the
    database to pick the first rows; the exact date is computed with calendar months."""
    return Case(
        *(
            When(
                **{frequency: value},
                then=ExpressionWrapper(
                    F(last) + dt.timedelta(days=round(months * 30.44)),
                    output_field=DateTimeField(),
                ),
            )
            for value, months in FREQUENCY_MONTHS.items()
        ),
        output_field=DateTimeField(),
    ).asc(nulls_first=True)


def _first_due(queryset, overdue: Q, order, fields: tuple[str, ...]):
    """The first rows of ``queryset`` in ``order`` with, on each, how many rows there are and
    how many of them are overdue (window counts): one query."""
    rows = list(
        queryset.annotate(
            due_total=Window(Count("pk")),
            due_late=Window(
                Sum(Case(When(overdue, then=1), default=0, output_field=IntegerField()))
            ),
        )
        .order_by(order, "pk")
        .values("pk", *fields, "due_total", "due_late")[:DUE_PER_KIND]
    )
    total = rows[0]["due_total"] if rows else 0
    late = rows[0]["due_late"] if rows else 0
    return rows, total, late


def _next_date(last, frequency):
    if last is None:
        return None
    return last + relativedelta(months=FREQUENCY_MONTHS[frequency])


def _corrective_actions(organisation, today, horizon) -> DueKind:
    queryset = (
        Nonconformity.objects.filter(organisation=organisation, closed_on__isnull=True)
        .exclude(status=Nonconformity.Status.CLOSED)
        .filter(due_on__lte=horizon)
    )
    rows, total, late = _first_due(
        queryset, Q(due_on__lt=today), F("due_on").asc(), ("ref", "grade", "due_on")
    )
    items = [
        DueItem(
            row["due_on"],
            "Corrective action",
            f"{row['ref']} ({row['grade']} nonconformity)",
            "nonconformities",
            row["pk"],
            row["due_on"] < today,
        )
        for row in rows
    ]
    return DueKind("Corrective actions", "nonconformities", items, total, late)


def _document_reviews(organisation, today, horizon) -> DueKind:
    """Documents whose next review date falls due, or, without one, whose latest approval plus
    the review interval does (DOC001's rule)."""
    documents = Document.objects.filter(organisation=organisation)
    intervals = set(
        documents.filter(next_review_on__isnull=True)
        .values_list("review_interval_months", flat=True)
        .distinct()
    )
    approved = DocumentVersion.objects.filter(
        document=OuterRef("pk"), approved_on__isnull=False, approved_on__lte=today
    ).order_by("-approved_on")

    def due_by(on, lookup):
        condition = Q(**{f"next_review_on__{lookup}": on})
        for months in intervals:
            condition |= Q(
                next_review_on__isnull=True,
                review_interval_months=months,
                **{f"last_approved__{lookup}": on - relativedelta(months=months)},
            )
        return condition

    queryset = documents.annotate(last_approved=Subquery(approved.values("approved_on")[:1]))
    queryset = queryset.filter(due_by(horizon, "lte"))
    rows, total, late = _first_due(
        queryset,
        due_by(today, "lt"),
        Coalesce("next_review_on", "last_approved").asc(),
        ("ref", "title", "next_review_on", "last_approved", "review_interval_months"),
    )
    items = []
    for row in rows:
        due = row["next_review_on"] or row["last_approved"] + relativedelta(
            months=row["review_interval_months"]
        )
        items.append(
            DueItem(
                due,
                "Document review",
                f"{row['ref']} {row['title']}",
                "documents",
                row["pk"],
                due < today,
            )
        )
    return DueKind("Document reviews", "documents", items, total, late)


def _access_reviews(organisation, today, horizon) -> DueKind:
    """Systems whose access review falls due at their frequency (ACC001's rule)."""
    reviews = AccessReview.objects.filter(system=OuterRef("pk"), reviewed_on__lte=today)
    queryset = (
        System.objects.filter(organisation=organisation)
        .exclude(access_review_frequency="")
        .annotate(last=Subquery(reviews.order_by("-reviewed_on").values("reviewed_on")[:1]))
        .filter(_lapsed("last", "access_review_frequency", horizon, "lte"))
    )
    rows, total, late = _first_due(
        queryset,
        _lapsed("last", "access_review_frequency", today, "lt"),
        _by_next_date("last", "access_review_frequency"),
        ("name", "last", "access_review_frequency"),
    )
    items = []
    for row in rows:
        due = _next_date(row["last"], row["access_review_frequency"])
        what = f"{row['name']}" + ("" if row["last"] else " (never reviewed)")
        items.append(
            DueItem(
                due,
                "Access review",
                what,
                "systems",
                row["pk"],
                row["last"] is None or row["last"] < today - _months(row, "access_review"),
            )
        )
    return DueKind("Access reviews", "systems", items, total, late)


def _months(row, prefix: str) -> relativedelta:
    return relativedelta(months=FREQUENCY_MONTHS[row[f"{prefix}_frequency"]])


def _supplier_assessments(organisation, today, horizon) -> DueKind:
    """Suppliers whose assessment falls due at their review frequency (SUP002's rule)."""
    queryset = (
        Supplier.objects.filter(organisation=organisation)
        .exclude(review_frequency="")
        .filter(_lapsed("last_assessed_on", "review_frequency", horizon, "lte"))
    )
    rows, total, late = _first_due(
        queryset,
        _lapsed("last_assessed_on", "review_frequency", today, "lt"),
        _by_next_date("last_assessed_on", "review_frequency"),
        ("name", "last_assessed_on", "review_frequency"),
    )
    items = []
    for row in rows:
        last = row["last_assessed_on"]
        items.append(
            DueItem(
                _next_date(last, row["review_frequency"]),
                "Supplier assessment",
                row["name"] + ("" if last else " (never assessed)"),
                "suppliers",
                row["pk"],
                last is None or last < today - _months(row, "review"),
            )
        )
    return DueKind("Supplier assessments", "suppliers", items, total, late)


def _external_audits(organisation, today, horizon) -> DueKind:
    """Certification-body audits planned and not yet held (past their date: overdue)."""
    queryset = ExternalAudit.objects.filter(
        organisation=organisation, held_on__isnull=True, planned_on__lte=horizon
    )
    rows, total, late = _first_due(
        queryset,
        Q(planned_on__lt=today),
        F("planned_on").asc(),
        ("ref", "kind", "certification_body", "planned_on"),
    )
    kinds = dict(ExternalAudit.Kind.choices)
    items = [
        DueItem(
            row["planned_on"],
            "External audit",
            f"{row['ref']} {kinds.get(row['kind'], row['kind'])} by {row['certification_body']}",
            "external_audits",
            row["pk"],
            row["planned_on"] < today,
        )
        for row in rows
    ]
    return DueKind("Certification audits", "external_audits", items, total, late)


def _stale_evidence(organisation, today, horizon) -> DueKind:
    """Applicable controls whose newest linked evidence goes out of date at the frequency the
    SoA commits to (EVD002's rule). Controls with no evidence at all are EVD001's, not here."""
    links = EvidenceLink.objects.filter(
        content_type__app_label=SoAEntry._meta.app_label,
        content_type__model=SoAEntry._meta.model_name,
        object_id=OuterRef("pk"),
        evidence__collected_on__lte=today,
    ).order_by("-evidence__collected_on")
    queryset = (
        SoAEntry.objects.filter(organisation=organisation, applicable=True)
        .exclude(evidence_frequency="")
        .annotate(newest=Subquery(links.values("evidence__collected_on")[:1]))
        .filter(newest__isnull=False)
        .filter(_lapsed("newest", "evidence_frequency", horizon, "lte"))
    )
    rows, total, late = _first_due(
        queryset,
        _lapsed("newest", "evidence_frequency", today, "lt"),
        _by_next_date("newest", "evidence_frequency"),
        ("control__ref", "control__title", "newest", "evidence_frequency"),
    )
    items = [
        DueItem(
            _next_date(row["newest"], row["evidence_frequency"]),
            "Evidence going stale",
            f"A.{row['control__ref']} {row['control__title']}",
            "soa",
            row["pk"],
            row["newest"] < today - _months(row, "evidence"),
        )
        for row in rows
    ]
    return DueKind("Evidence going stale", "soa", items, total, late)


def falls_due(organisation, today: dt.date) -> dict:
    """What falls due in the next DUE_DAYS days, overdue first, then by date: one query per
    kind (two for document reviews), each reading at most DUE_PER_KIND rows."""
    horizon = today + dt.timedelta(days=DUE_DAYS)
    kinds = [
        fetch(organisation, today, horizon)
        for fetch in (
            _corrective_actions,
            _document_reviews,
            _access_reviews,
            _supplier_assessments,
            _external_audits,
            _stale_evidence,
        )
    ]
    items = sorted(
        (item for kind in kinds for item in kind.items),
        key=lambda item: (not item.overdue, item.due or dt.date.min, item.kind, item.what),
    )
    return {
        "items": [(item, item.url(organisation)) for item in items[:DUE_SHOWN]],
        "kinds": [kind for kind in kinds if kind.total],
        "total": sum(kind.total for kind in kinds),
        "overdue": sum(kind.overdue for kind in kinds),
        "shown": min(len(items), DUE_SHOWN),
        "days": DUE_DAYS,
        "today": today,
    }


# -- heat maps --------------------------------------------------------------------------------

#: The SoA heat map's columns: (key, heading, CSS class, the SoA list's filter for it).
SOA_COLUMNS = (
    ("excluded", "Not applicable", "heat-neutral", "?applicable=no"),
    (
        SoAEntry.Status.NOT_STARTED,
        "Applicable, not started",
        "heat-high",
        "?applicable=yes&implementation_status=not_started",
    ),
    ("", "Applicable, no status", "heat-high", ""),
    (
        SoAEntry.Status.PLANNED,
        "Planned",
        "heat-medium",
        "?applicable=yes&implementation_status=planned",
    ),
    (
        SoAEntry.Status.PARTIAL,
        "Partially implemented",
        "heat-medium",
        "?applicable=yes&implementation_status=partial",
    ),
    (
        SoAEntry.Status.IMPLEMENTED,
        "Implemented",
        "heat-low",
        "?applicable=yes&implementation_status=implemented",
    ),
    ("undecided", "Not decided", "heat-high", "#not-decided"),
)


def soa_heat_map(organisation) -> dict:
    """Annex A themes by decision and implementation status, counted in the database: the
    SoA rows grouped by theme, applicability and status, and the controls per theme (the
    controls with no SoA row are "not decided")."""
    per_theme = dict(
        Control.objects.values("theme").annotate(n=Count("pk")).values_list("theme", "n")
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        SoAEntry.objects.filter(organisation=organisation)
        .values("control__theme", "applicable", "implementation_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        column = row["implementation_status"] if row["applicable"] else "excluded"
        counts[row["control__theme"]][column] += row["n"]
    table = []
    for group, theme in THEMES:
        decided = sum(counts[theme].values())
        cells = [
            {
                "count": per_theme.get(theme, 0) - decided
                if key == "undecided"
                else counts[theme][key],
                "css": css,
                "heading": heading,
            }
            for key, heading, css, _ in SOA_COLUMNS
        ]
        table.append(
            {"theme": f"{group} {theme.label}", "cells": cells, "total": per_theme.get(theme, 0)}
        )
    decided = sum(sum(theme.values()) for theme in counts.values())
    return {
        "columns": SOA_COLUMNS,
        "rows": table,
        "decided": decided,
        "total": sum(per_theme.values()),
    }


def _risk_method(organisation, today):
    methods = list(
        RiskMethod.objects.filter(organisation=organisation)
        .order_by("pk")
        .values(
            "name",
            "likelihood_levels",
            "impact_levels",
            "acceptance_threshold",
            "high_threshold",
            "approved_by",
            "approved_on",
        )
    )
    return method_in_force(methods, today)


#: The largest scale drawn as a grid; finer methods get counts by band only.
HEAT_MAP_MAX_LEVELS = 10


def _band(score: int, method) -> tuple[str, str]:
    if score <= method["acceptance_threshold"]:
        return "low", "heat-low"
    if score >= method["high_threshold"]:
        return "high", "heat-high"
    return "medium", "heat-medium"


def risk_heat_map(organisation, today: dt.date) -> dict | None:
    """Current risks (not assessed after today) by likelihood and impact on the scales of the
    method in force, for the inherent and the residual levels: GROUP BY in the database.
    Levels outside the method's scales are counted apart (RSK014 reports them)."""
    method = _risk_method(organisation, today)
    if method is None:
        return None
    risks = Risk.objects.filter(organisation=organisation).exclude(last_assessed_on__gt=today)
    likelihoods = range(method["likelihood_levels"], 0, -1)
    impacts = range(1, method["impact_levels"] + 1)
    grid = max(method["likelihood_levels"], method["impact_levels"]) <= HEAT_MAP_MAX_LEVELS
    maps = []
    for label, likelihood, impact in (
        ("Inherent", "likelihood", "impact"),
        ("Residual", "residual_likelihood", "residual_impact"),
    ):
        counts = {
            (row[likelihood], row[impact]): row["n"]
            for row in risks.filter(**{f"{likelihood}__isnull": False, f"{impact}__isnull": False})
            .values(likelihood, impact)
            .annotate(n=Count("pk"))
            .order_by()
        }
        bands = {"low": 0, "medium": 0, "high": 0}
        outside = 0
        for (level_l, level_i), n in counts.items():
            if (
                1 <= level_l <= method["likelihood_levels"]
                and 1 <= level_i <= method["impact_levels"]
            ):
                bands[_band(level_l * level_i, method)[0]] += n
            else:
                outside += n
        rows = []
        if grid:
            for level_l in likelihoods:
                cells = []
                for level_i in impacts:
                    band, css = _band(level_l * level_i, method)
                    cells.append(
                        {"count": counts.get((level_l, level_i), 0), "band": band, "css": css}
                    )
                rows.append({"likelihood": level_l, "cells": cells})
        maps.append(
            {
                "label": label,
                "rows": rows,
                "bands": bands,
                "outside": outside,
                "total": sum(counts.values()),
            }
        )
    return {"method": method, "impacts": list(impacts), "maps": maps, "grid": grid}


@login_required
def organisation_home(request, slug: str) -> HttpResponse:
    """Readiness at a glance: the latest mock audit's conclusion and the trend across runs,
    its findings by grade and requirement, what falls due, the SoA and risk heat maps, and
    what is missing. A fixed number of queries whatever the size of the registers."""
    organisation, membership = organisation_for(request, slug)
    runs = list(
        Assessment.objects.filter(organisation=organisation)
        .order_by("-run_at", "-pk")
        .only("as_of", "stage", "run_at", "verdict", "score", "majors", "minors", "ofis")[
            :TREND_RUNS
        ]
    )
    latest = runs[0] if runs else None
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "membership": membership,
        "latest": latest,
        "trend": list(reversed(runs)),
        "may_run": can(membership, Action.RUN_ASSESSMENT),
        "may_edit": can(membership, Action.EDIT_REGISTERS),
        "findings": _findings_breakdown(latest),
        "due": falls_due(organisation, today),
        "soa": soa_heat_map(organisation),
        "risk": risk_heat_map(organisation, today),
        "missing": _missing(organisation),
    }
    return render(request, "web/organisation.html", context)


urlpatterns = [
    path("", home, name="home"),
    path("orgs/<slug:slug>/", organisation_home, name="organisation"),
]
