"""Inputs a) to c): actions from previous reviews, changes in issues, interested parties' needs."""

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Trim

from isms.audits.models import Nonconformity
from isms.context.models import ContextIssue, InterestedParty, PartyRequirement
from isms.loop.review_pack.shape import (
    MAX_ROWS,
    NC,
    TA,
    Extract,
    Fact,
    Period,
    Section,
    count_if,
    plural,
    records_table,
)
from isms.risk.models import TreatmentAction


def previous_actions(period: Period) -> Section:
    previous = period.previous
    ncs = period.q(Nonconformity).filter(period.nc_open())
    nc = ncs.aggregate(open=count_if(), overdue=count_if(Q(due_on__lt=period.as_of)))
    actions = period.q(TreatmentAction).filter(period.action_open())
    ta = actions.aggregate(open=count_if(), overdue=count_if(Q(due_on__lt=period.as_of)))
    if previous is None:
        opening = "No earlier management review is recorded: this is the first. "
    else:
        agreed = (
            "agreed the actions quoted below" if previous.actions.strip() else "recorded no actions"
        )
        opening = f"The previous review, {previous.ref} ({previous.held_on}), {agreed}. "
    section = Section(
        "covers_previous_actions",
        summary=(
            f"{opening}On {period.as_of}, {nc['open']} nonconformities are open ({nc['overdue']} "
            f"overdue) and {ta['open']} risk treatment actions are open ({ta['overdue']} overdue)."
        ),
        facts=[
            Fact("previous_review", "Previous review", previous and previous.ref),
            Fact("previous_held_on", "Held on", previous and previous.held_on),
            Fact("open_nonconformities", "Nonconformities open", nc["open"]),
            Fact("overdue_nonconformities", "of which overdue", nc["overdue"]),
            Fact("open_treatment_actions", "Risk treatment actions open", ta["open"]),
            Fact("overdue_treatment_actions", "of which overdue", ta["overdue"]),
        ],
    )
    if previous is not None:
        for key, label, text in (
            ("previous_actions", f"Actions agreed at {previous.ref}", previous.actions),
            ("previous_decisions", f"Decisions of {previous.ref}", previous.decisions),
        ):
            section.extracts.append(Extract(key, label, text.strip() or "(none recorded)"))
    by_due = (F("due_on").asc(nulls_last=True), "ref")
    section.tables += [
        records_table(
            "open_nonconformities",
            "Corrective actions of open nonconformities",
            ncs.annotate(overdue=period.overdue()).order_by(*by_due),
            [
                ("ref", "NC"),
                ("grade", "Grade", "grade", Nonconformity.Grade.choices),
                ("status", "Status", "status", NC.choices),
                ("corrective_action", "Corrective action"),
                ("owner", "Owner", "owner__email"),
                ("due_on", "Due"),
                ("overdue", "Overdue"),
            ],
            "No nonconformity is open.",
        ),
        records_table(
            "open_treatment_actions",
            "Open actions of the risk treatment plan",
            actions.annotate(overdue=period.overdue()).order_by(*by_due),
            [
                ("ref", "Action"),
                ("risk", "Risk", "risk__ref"),
                ("action", "What"),
                ("owner", "Owner", "owner__email"),
                ("status", "Status", "status", TA.choices),
                ("due_on", "Due"),
                ("overdue", "Overdue"),
            ],
            "No risk treatment action is open.",
        ),
    ]
    return section


def _changes(period, model, queryset):
    """``queryset`` annotated with the last change made to each record in the period
    (``changed_at``, from history) and whether the record was added in the period."""
    history = period.changed(model).filter(id=OuterRef("pk"))
    return queryset.annotate(
        changed_at=Subquery(history.order_by("-history_date").values("history_date")[:1]),
        added=Exists(history.filter(history_type="+")),
    ).annotate(
        change=Case(
            When(added=True, then=Value("added")),
            When(changed_at__isnull=False, then=Value("changed")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def _history_counts(period, *models) -> dict[str, int]:
    """Records added, changed and removed in the period (each record counted once per kind)."""
    counts = {"+": 0, "~": 0, "-": 0}
    for model in models:
        rows = period.changed(model).values("history_type").annotate(n=Count("id", distinct=True))
        for row in rows:
            counts[row["history_type"]] += row["n"]
    return {"added": counts["+"], "changed": counts["~"], "removed": counts["-"]}


def _removed_note(period, model, what: str, name: str) -> list[str]:
    rows = period.changed(model).filter(history_type="-").order_by("-history_date")
    removed = list(rows.values_list(name, flat=True)[:MAX_ROWS])
    return [f"{what} removed in the period: " + "; ".join(removed) + "."] if removed else []


def context_changes(period: Period) -> Section:
    issues = period.q(ContextIssue)
    n = issues.aggregate(
        total=count_if(),
        external=count_if(Q(kind=ContextIssue.Kind.EXTERNAL)),
        internal=count_if(Q(kind=ContextIssue.Kind.INTERNAL)),
        relevant=count_if(Q(is_relevant=True)),
        reviewed=count_if(period.within("reviewed_on")),
    )
    history = _history_counts(period, ContextIssue)
    climate = (
        issues.filter(category=ContextIssue.Category.CLIMATE_CHANGE)
        .order_by("-is_relevant")
        .values_list("is_relevant", flat=True)
        .first()
    )
    climate = {None: "not determined", True: "relevant", False: "not relevant"}[climate]
    changed = _changes(period, ContextIssue, issues).filter(
        period.within("reviewed_on") | Q(changed_at__isnull=False)
    )
    return Section(
        "covers_context_changes",
        summary=(
            f"{plural(n['total'], 'issue')} on record ({n['external']} external, {n['internal']} "
            f"internal, {n['relevant']} relevant). In the period {history['added']} added, "
            f"{history['changed']} changed, {history['removed']} removed; {n['reviewed']} "
            f"reviewed. Climate change: {climate}."
        ),
        facts=[
            Fact("issues", "Issues on record", n["total"]),
            Fact("external_issues", "External", n["external"]),
            Fact("internal_issues", "Internal", n["internal"]),
            Fact("relevant_issues", "Determined relevant", n["relevant"]),
            Fact("issues_reviewed", "Reviewed in the period", n["reviewed"]),
            Fact("issues_added", "Added in the period", history["added"]),
            Fact("issues_changed", "Changed in the period", history["changed"]),
            Fact("issues_removed", "Removed in the period", history["removed"]),
            Fact("climate_change", "Climate change (4.1, Amd 1:2024)", climate),
        ],
        tables=[
            records_table(
                "issues_changed",
                "Issues added, changed or reviewed in the period",
                changed.order_by("kind", "title"),
                [
                    ("title", "Issue"),
                    ("kind", "Kind", "kind", ContextIssue.Kind.choices),
                    ("category", "Category", "category", ContextIssue.Category.choices),
                    ("is_relevant", "Relevant"),
                    ("change", "Change"),
                    ("changed_at", "Changed"),
                    ("reviewed_on", "Reviewed"),
                ],
                "No issue was added, changed or reviewed in the period.",
            )
        ],
        notes=_removed_note(period, ContextIssue, "Issues", "title"),
    )


def party_needs(period: Period) -> Section:
    parties = period.q(InterestedParty).aggregate(
        total=count_if(), external=count_if(Q(kind=InterestedParty.Kind.EXTERNAL))
    )
    requirements = period.q(PartyRequirement).annotate(response=Trim("how_addressed"))
    n = requirements.aggregate(
        total=count_if(),
        unaddressed=count_if(Q(response="")),
        climate=count_if(Q(is_climate_related=True)),
    )
    history = _history_counts(period, InterestedParty, PartyRequirement)
    requirements = _changes(period, PartyRequirement, requirements).order_by(
        "party__name", "requirement"
    )
    columns = [
        ("party", "Party", "party__name"),
        ("requirement", "Requirement"),
        ("how_addressed", "How the ISMS addresses it"),
        ("is_climate_related", "Climate"),
        ("change", "Change"),
    ]
    return Section(
        "covers_party_needs",
        summary=(
            f"{plural(parties['total'], 'interested party', 'interested parties')} with "
            f"{plural(n['total'], 'requirement')} ({n['unaddressed']} with no recorded response, "
            f"{n['climate']} climate-related). In the period {history['added']} parties or "
            f"requirements were added, {history['changed']} changed and {history['removed']} "
            "removed."
        ),
        facts=[
            Fact("parties", "Interested parties", parties["total"]),
            Fact("external_parties", "External", parties["external"]),
            Fact("requirements", "Requirements", n["total"]),
            Fact("unaddressed_requirements", "No recorded response", n["unaddressed"]),
            Fact("climate_requirements", "Climate-related", n["climate"]),
            Fact("party_records_added", "Added in the period", history["added"]),
            Fact("party_records_changed", "Changed in the period", history["changed"]),
            Fact("party_records_removed", "Removed in the period", history["removed"]),
        ],
        tables=[
            records_table(
                "requirements_changed",
                "Requirements added or changed in the period",
                requirements.filter(changed_at__isnull=False),
                columns,
                "No requirement of an interested party was added or changed in the period.",
            ),
            records_table(
                "requirements_unaddressed",
                "Requirements with no recorded response",
                requirements.filter(response=""),
                columns,
                "Every requirement records how the ISMS addresses it.",
            ),
        ],
        notes=_removed_note(period, PartyRequirement, "Requirements", "requirement"),
    )
