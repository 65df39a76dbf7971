"""Pages of the web application. Every page needs a signed-in user; an organisation's pages
need a membership that may view it, checked with core/permissions.py like the API and the CLI:
an organisation the user is not a member of answers 404, exactly like one that does not exist.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from isms.core.models import Membership, Organisation
from isms.core.permissions import Action, can
from isms.core.services import (
    TooManyAttempts,
    check_auth_throttle,
    client_address,
    membership_for,
    record_auth_failure,
)
from isms.readiness.models import Assessment

#: Runs shown in an organisation's trend.
TREND_RUNS = 6


class SignInView(auth_views.LoginView):
    """Sign-in with a username (or email) and password; failed attempts from one address are
    throttled like failed API tokens (core.services), and a blocked address gets 429."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_address(request.META)
        try:
            check_auth_throttle("login", address)
        except TooManyAttempts as error:
            response = render(
                request, self.template_name, {"form": self.get_form(), "blocked": str(error)}
            )
            response.status_code = 429
            response["Retry-After"] = str(error.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_auth_failure("login", client_address(self.request.META))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (a link cannot sign anyone out)."""

    next_page = "web:login"


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


def organisation_for(request, slug: str, action: Action = Action.VIEW):
    """The organisation ``slug`` and the caller's membership, or 404 (not a member, suspended,
    or no such organisation: the page never tells which)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(request.user, organisation) if organisation else None
    if membership is None or not can(membership, action):
        raise Http404("no such organisation")
    return organisation, membership


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
    }
    return render(request, "web/organisation.html", context)
