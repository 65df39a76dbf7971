from isms.core.registers import register
from isms.people.models import (
    AwarenessCampaign,
    AwarenessCheck,
    AwarenessInvitation,
    Department,
    Person,
    ScreeningRequirement,
    TrainingCompletion,
    TrainingCourse,
)

register(
    Department,
    sheet="Departments",
    key=("name",),
    columns=("name", "manager"),
    description="The organisation's departments and who heads each.",
    example={"name": "Engineering", "manager": "cto@acme.example"},
)
register(
    Person,
    sheet="People",
    key=("email",),
    columns=(
        "email",
        "name",
        "department",
        "job_title",
        "manager",
        "kind",
        "start_date",
        "leave_date",
        "screened_on",
        "screening_level",
        "terms_signed_on",
        "confidentiality_signed_on",
    ),
    description="Everyone who works for the organisation, including leavers (with a leave date).",
    example={
        "email": "jane.doe@acme.example",
        "name": "Jane Doe",
        "department": "Engineering",
        "job_title": "Site reliability engineer",
        "manager": "cto@acme.example",
        "kind": "employee",
        "start_date": "2023-04-03",
        "leave_date": "",
        "screened_on": "2023-03-20",
        "screening_level": "enhanced",
        "terms_signed_on": "2023-03-10",
        "confidentiality_signed_on": "2023-03-10",
    },
)
register(
    ScreeningRequirement,
    sheet="Screening requirements",
    key=("name",),
    columns=(
        "name",
        "department",
        "job_title_contains",
        "isms_role",
        "privileged_access",
        "required_level",
    ),
    description="The screening policy (A.6.1): which people need which level of background check.",
    example={
        "name": "Privileged IT access",
        "department": "",
        "job_title_contains": "",
        "isms_role": "",
        "privileged_access": "yes",
        "required_level": "enhanced",
    },
)
register(
    TrainingCourse,
    sheet="Training courses",
    key=("name",),
    columns=("name", "topic", "audience", "mandatory", "refresher_months"),
    description="Security training courses, who must take them and how often.",
    example={
        "name": "Security awareness essentials",
        "topic": "Phishing, incident reporting, clean desk",
        "audience": "all_staff",
        "mandatory": "yes",
        "refresher_months": "12",
    },
)
register(
    TrainingCompletion,
    sheet="Training completions",
    key=("person", "course", "completed_on"),
    columns=("person", "course", "completed_on", "score", "passed"),
    description="Who completed which course and when: the evidence of competence (7.2).",
    example={
        "person": "jane.doe@acme.example",
        "course": "Security awareness essentials",
        "completed_on": "2026-02-10",
        "score": "92",
        "passed": "yes",
    },
)
register(
    AwarenessCheck,
    sheet="Awareness checks",
    key=("person", "topic", "checked_on"),
    columns=("person", "checked_on", "topic", "passed", "score"),
    description="Interview-style checks of what staff know (7.3), e.g. how to report an incident.",
    example={
        "person": "jane.doe@acme.example",
        "checked_on": "2026-05-14",
        "topic": "incident_reporting",
        "passed": "yes",
        "score": "100",
    },
)
register(
    AwarenessCampaign,
    sheet="Awareness campaigns",
    key=("name",),
    columns=("name", "audience", "department", "opened_on", "expires_on"),
    description=(
        "Rounds of awareness checks sent as personal links (isms awareness campaign create); "
        "the questions asked are kept with the campaign, not in this sheet."
    ),
    # Set when the campaign is created (at most 90 days); extending it would revive old links.
    workflow=("opened_on", "expires_on"),
    example={
        "name": "Awareness check 2026-Q2",
        "audience": "all_staff",
        "department": "Engineering",
        "opened_on": "2026-05-04",
        "expires_on": "2026-05-18",
    },
)
register(
    AwarenessInvitation,
    sheet="Awareness invitations",
    key=("campaign", "person"),
    columns=("campaign", "person", "submitted_on", "score"),
    description=(
        "Who was invited to each awareness campaign and when they answered; the per-topic "
        "results are in Awareness checks. Links are never exported (only their hash is kept)."
    ),
    workflow=("submitted_on", "score"),
    example={
        "campaign": "Awareness check 2026-Q2",
        "person": "jane.doe@acme.example",
        "submitted_on": "2026-05-06",
        "score": "80",
    },
)
