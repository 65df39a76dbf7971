"""The portfolio (every organisation of the user) and an organisation's readiness at a glance."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from isms.core.models import Membership, Organisation
from isms.core.permissions import Action, can
from isms.core.registers import all_registers
from isms.readiness.models import Assessment
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
    """The organisations the user belongs to, each with its latest mock-audit conclusion: a
    consultant's portfolio, or one line for a member of one organisation."""
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    latest = _latest_runs([m.organisation for m in memberships])
    rows = [
        {"membership": m, "organisation": m.organisation, "run": latest.get(m.organisation_id)}
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


@login_required
def organisation_home(request, slug: str) -> HttpResponse:
    """Readiness at a glance: the latest mock audit's conclusion and the trend across runs."""
    organisation, membership = organisation_for(request, slug)
    runs = list(
        Assessment.objects.filter(organisation=organisation)
        .order_by("-run_at", "-pk")
        .only("as_of", "stage", "run_at", "verdict", "score", "majors", "minors", "ofis")[
            :TREND_RUNS
        ]
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "latest": runs[0] if runs else None,
        "trend": list(reversed(runs)),
        "may_run": can(membership, Action.RUN_ASSESSMENT),
        "missing": _missing(organisation),
    }
    return render(request, "web/organisation.html", context)


urlpatterns = [
    path("", home, name="home"),
    path("orgs/<slug:slug>/", organisation_home, name="organisation"),
]
