from isms.context.models import (
    ContextIssue,
    InterestedParty,
    Interface,
    PartyRequirement,
    Scope,
    Site,
)
from isms.core.permissions import Action
from isms.core.registers import register

register(
    Scope,
    sheet="Scope",
    key=("version",),
    columns=(
        "version",
        "statement",
        "in_scope",
        "out_of_scope",
        "boundaries",
        "approved_by",
        "approved_on",
    ),
    description="The ISMS scope statement (4.3), one row per version.",
    guarded={"approved_by": Action.APPROVE, "approved_on": Action.APPROVE},
    approvers=("approved_by",),
    example={
        "version": "2.0",
        "statement": "The design, manufacture and support of industrial sensors from Leeds",
        "in_scope": "Leeds HQ; product engineering; customer support; AWS production",
        "out_of_scope": "The retail subsidiary, which runs its own ISMS",
        "boundaries": "Shared HR service with the group: interface via the HR contract",
        "approved_by": "ceo@acme.example",
        "approved_on": "2026-01-20",
    },
)
register(
    ContextIssue,
    sheet="Context issues",
    key=("title",),
    columns=(
        "title",
        "kind",
        "category",
        "description",
        "is_relevant",
        "rationale",
        "reviewed_on",
    ),
    description="Internal and external issues (4.1), including whether climate change is relevant.",
    example={
        "title": "Climate change",
        "kind": "external",
        "category": "climate_change",
        "description": "Flooding risk at the Leeds data room; customer carbon reporting",
        "is_relevant": "yes",
        "rationale": "Data room is in a flood zone: covered by risk R-031 and control 7.5",
        "reviewed_on": "2026-03-02",
    },
)
register(
    InterestedParty,
    sheet="Interested parties",
    key=("name",),
    columns=("name", "kind", "description"),
    description="Interested parties relevant to the ISMS (4.2).",
    example={"name": "Customers", "kind": "external", "description": "Buy our sensors"},
)
register(
    PartyRequirement,
    sheet="Party requirements",
    key=("party", "requirement"),
    columns=("party", "requirement", "how_addressed", "is_climate_related"),
    description="What each interested party requires and how the ISMS addresses it (4.2).",
    example={
        "party": "Customers",
        "requirement": "Notify security incidents affecting their data within 72 hours",
        "how_addressed": "Incident procedure PRO-007 step 4; supplier contract clause 12",
        "is_climate_related": "no",
    },
)
register(
    Site,
    sheet="Sites",
    key=("name",),
    columns=("name", "address", "kind", "in_scope", "exclusion_reason", "opened_on"),
    description="Sites the organisation operates from, and whether the ISMS scope covers each "
    "(4.3).",
    example={
        "name": "Leeds HQ",
        "address": "1 Wellington Street, Leeds",
        "kind": "office",
        "in_scope": "included",
        "exclusion_reason": "",
        "opened_on": "2019-04-01",
    },
)
register(
    Interface,
    sheet="Interfaces",
    key=("name",),
    columns=("name", "description", "counterpart", "in_scope"),
    description="Interfaces between the ISMS and what lies outside it, and whether the scope "
    "covers each (4.3).",
    example={
        "name": "Group HR service",
        "description": "Joiner and leaver data sent to the group HR team monthly",
        "counterpart": "Acme Group HR",
        "in_scope": "excluded",
    },
)
