"""The nonconformity log in the browser (10.2): the log with each NC's state as the mock audit's
credit reads it, an NC's workflow steps as forms (plan, implemented, effectiveness check, which
closes it), and raising an NC by hand.

The steps call the same functions as ``isms nc`` and the API (isms.audits.nonconformities,
isms.loop.nonconformities.verify_closing); raising by hand goes through the importer like any
new record. Every form carries the NC's row version: a form opened before someone else moved
the NC saves nothing and says so, keeping the entries."""

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.audits.models import InternalAudit, Nonconformity
from isms.audits.nonconformities import mark_implemented, next_ref, plan_action
from isms.core.actor import acting_as
from isms.core.models import StaleRecord
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers
from isms.exchange.importer import import_sheets, serialise_writes
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.loop.nonconformities import verify_closing
from isms.people.models import Person
from isms.readiness.credit import load_log
from isms.web.access import organisation_for

PAGE_SIZE = 50

#: The states of an NC as the mock audit's credit reads them (isms.readiness.credit.LoggedNc).
STATE_LABELS = {
    "on_time": "On time",
    "overdue": "Overdue",
    "unplanned": "Unplanned (no root cause, action or due date)",
    "closed_effective": "Closed, verified effective",
    "closed_unverified": "Closed without an effective verification",
}


def post_only(view):
    """A view that takes only POST; any other method answers 405, but only to a member of the
    organisation in the URL (anyone else gets the 404 of every organisation page)."""

    @wraps(view)
    def checked(request, slug: str, *args, **kwargs):
        if request.method != "POST":
            organisation_for(request, slug)
            return HttpResponseNotAllowed(["POST"])
        return view(request, slug, *args, **kwargs)

    return checked


def form_date(value: str, name: str, problems: dict, *, required: bool = True):
    """A date from a form field (YYYY-MM-DD), or None with a problem recorded on ``name``."""
    value = (value or "").strip()
    if not value:
        if required:
            problems.setdefault(name, []).append("a date is needed, e.g. 2026-11-30")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.setdefault(name, []).append(f"expects a date like 2026-11-30, not {value!r}")
        return None


def person_by_email(organisation, email: str, name: str, problems: dict):
    """The organisation's person with ``email`` (any case), or None with a problem on ``name``."""
    email = (email or "").strip()
    if not email:
        problems.setdefault(name, []).append("give the person's email")
        return None
    person = Person.objects.filter(organisation=organisation, email__iexact=email).first()
    if person is None:
        problems.setdefault(name, []).append(
            f"no person with email {email!r} in the People register"
        )
    return person


def stale_version(instance, sent: str) -> int | None:
    """The instance's current row version when the form was opened at another one, else None."""
    return instance.row_version if sent != str(instance.row_version) else None


def _states(organisation) -> dict[str, str]:
    """Each NC's state today, as the credit logic reads it (one query)."""
    return {nc.ref: nc.state(timezone.localdate()) for nc in load_log(organisation, dt.date.max)}


@login_required
def nonconformity_log(request, slug: str) -> HttpResponse:
    """The NC log, filtered by state and source, 50 a page (a fixed number of queries)."""
    organisation, membership = organisation_for(request, slug)
    state = request.GET.get("state", "")
    source = request.GET.get("source", "")
    states = _states(organisation)
    refs = sorted(states)
    if state in STATE_LABELS:
        refs = [ref for ref in refs if states[ref] == state]
    queryset = Nonconformity.objects.filter(organisation=organisation)
    if source in Nonconformity.Source.values:
        queryset = queryset.filter(source=source)
        of_source = set(queryset.values_list("ref", flat=True))
        refs = [ref for ref in refs if ref in of_source]
    page = Paginator(refs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queryset.filter(ref__in=list(page.object_list)).select_related("owner").order_by("ref")
    counts = {key: 0 for key in STATE_LABELS}
    for value in states.values():
        counts[value] += 1
    context = {
        "organisation": organisation,
        "rows": [
            {"nc": nc, "state": states[nc.ref], "label": STATE_LABELS[states[nc.ref]]}
            for nc in rows
        ],
        "page": page,
        "state": state,
        "source": source,
        "states": [(key, label, counts[key]) for key, label in STATE_LABELS.items()],
        "sources": Nonconformity.Source.choices,
        "may_manage": can(membership, Action.MANAGE_NONCONFORMITIES),
    }
    return render(request, "web/loop/nonconformity_log.html", context)


def _nonconformity(organisation, pk: int) -> Nonconformity:
    nc = (
        Nonconformity.objects.filter(organisation=organisation, pk=pk)
        .select_related("owner", "effectiveness_checked_by", "audit")
        .first()
    )
    if nc is None:
        raise Http404("no such nonconformity")
    return nc


#: The workflow in order: (step, title, the states in which its form is offered).
STEPS = (
    ("plan", "Root cause and corrective action", {"open", "action_planned"}),
    ("implemented", "Implementation", {"action_planned"}),
    ("verify", "Effectiveness check and closure", {"verifying"}),
)


def _nc_page(
    request,
    organisation,
    membership,
    nc,
    *,
    step="",
    posted=None,
    problems=None,
    refusal="",
    stale=None,
    status=200,
):
    may_manage = can(membership, Action.MANAGE_NONCONFORMITIES)
    steps = []
    for name, title, offered in STEPS:
        steps.append(
            {
                "name": name,
                "title": title,
                "open": nc.status in offered and may_manage,
                "posted": posted if step == name else None,
                "problems": (problems or {}) if step == name else {},
                "general": (problems or {}).get("", []) if step == name else [],
            }
        )
    shown = next((s for s in steps if s["name"] == step), None)
    if shown and not shown["open"] and problems:
        # The step's form is not offered in the NC's state now: say what was wrong anyway.
        refusal = "; ".join([refusal, *(m for ms in problems.values() for m in ms)]).strip("; ")
    context = {
        "organisation": organisation,
        "nc": nc,
        "state_label": STATE_LABELS.get(_states(organisation).get(nc.ref, ""), ""),
        "steps": steps,
        "may_manage": may_manage,
        "refusal": refusal,
        "refused_step": step,
        "stale": stale,
        "today": timezone.localdate().isoformat(),
        "user_email": request.user.email,
    }
    return render(request, "web/loop/nonconformity.html", context, status=status)


@login_required
def nonconformity_detail(request, slug: str, pk: int) -> HttpResponse:
    """One NC: what was found, where it stands, and its workflow steps in order."""
    organisation, membership = organisation_for(request, slug)
    return _nc_page(request, organisation, membership, _nonconformity(organisation, pk))


def _plan(organisation, nc, post, problems):
    owner = person_by_email(organisation, post.get("owner", ""), "owner", problems)
    due_on = form_date(post.get("due_on", ""), "due_on", problems, required=False)
    if problems:
        return
    plan_action(
        nc,
        root_cause=post.get("root_cause", ""),
        corrective_action=post.get("corrective_action", ""),
        process_changed=post.get("process_changed", ""),
        owner=owner,
        due_on=due_on,
        correction=post.get("correction", ""),
    )


def _implemented(organisation, nc, post, problems):
    on = form_date(post.get("on", ""), "on", problems)
    if not problems:
        mark_implemented(nc, on)


def _verify(organisation, nc, post, problems, user=None):
    """The check is recorded in the signed-in user's name, as the API does."""
    on = form_date(post.get("on", ""), "on", problems)
    effective = {"yes": True, "no": False}.get(post.get("effective", ""))
    if effective is None:
        problems.setdefault("effective", []).append("say whether the action proved effective")
    checker = None
    if user.email:
        checker = Person.objects.filter(organisation=organisation, email__iexact=user.email).first()
    if checker is None:
        problems.setdefault("", []).append(
            f"your account ({user.get_username()}) has no email matching a person of "
            f"{organisation.name}; the check is recorded in your name"
        )
    if not problems:
        verify_closing(nc, checked_by=checker, on=on, effective=effective)


STEP_ACTIONS = {"plan": _plan, "implemented": _implemented, "verify": _verify}


@login_required
@post_only
def nonconformity_step(request, slug: str, pk: int, step: str) -> HttpResponse:
    """Take one workflow step; refused steps show the service's reason, entries kept."""
    organisation, membership = organisation_for(request, slug)
    if step not in STEP_ACTIONS:
        raise Http404("no such step")
    _nonconformity(organisation, pk)  # another organisation's NC: 404 before 403
    require(membership, Action.MANAGE_NONCONFORMITIES)
    problems: dict[str, list[str]] = {}
    refusal, stale = "", None
    with transaction.atomic():
        nc = _nonconformity(organisation, pk)
        nc = Nonconformity.objects.select_for_update().get(pk=nc.pk)
        stale = stale_version(nc, request.POST.get("row_version", ""))
        if stale is None:
            try:
                with acting_as(request.user), transaction.atomic():
                    action = STEP_ACTIONS[step]
                    if step == "verify":
                        action(organisation, nc, request.POST, problems, user=request.user)
                    else:
                        action(organisation, nc, request.POST, problems)
            except StaleRecord:
                stale = Nonconformity.objects.get(pk=nc.pk).row_version
            except ValidationError as error:
                refusal = "; ".join(error.messages)
    if not (problems or refusal or stale):
        return redirect("web:nonconformity", slug=organisation.slug, pk=pk)
    nc = _nonconformity(organisation, pk)
    status = 409 if stale else 422
    return _nc_page(
        request,
        organisation,
        membership,
        nc,
        step=step,
        posted=request.POST,
        problems=problems,
        refusal=refusal,
        stale=stale,
        status=status,
    )


def _register():
    return next(r for r in all_registers() if r.model is Nonconformity)


@login_required
def nonconformity_new(request, slug: str) -> HttpResponse:
    """Raise an NC by hand (an internal audit, an incident, a complaint): the next free ref,
    written through the importer like every new record."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.MANAGE_NONCONFORMITIES)
    audits = InternalAudit.objects.filter(organisation=organisation).order_by("-planned_on")
    context = {
        "organisation": organisation,
        "sources": [c for c in Nonconformity.Source.choices if c[0] != "mock_audit"],
        "grades": Nonconformity.Grade.choices,
        "audits": audits.values_list("ref", "title")[:200],
        "posted": {"raised_on": timezone.localdate().isoformat()},
        "problems": {},
    }
    if request.method != "POST":
        return render(request, "web/loop/nonconformity_new.html", context)
    fields = ("source", "grade", "reference", "raised_on", "audit", "description", "correction")
    posted = {name: request.POST.get(name, "").strip() for name in fields}
    problems: dict[str, list[str]] = {}
    if posted["source"] == "mock_audit":
        problems["source"] = ["an NC from a mock audit is raised from its finding"]
    created = None
    register = _register()
    with transaction.atomic():
        serialise_writes(organisation)
        raised = form_date(posted["raised_on"], "raised_on", problems)
        if not problems:
            row = {name: value or None for name, value in posted.items()}
            row["ref"] = next_ref(organisation, raised.year)
            sheet = Sheet(register.sheet, list(row), [(1, row)], row_label="form")
            try:
                with acting_as(request.user):
                    import_sheets(organisation, [sheet], locked=True)
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    problems.setdefault(problem.column or "", []).append(problem.message)
            else:
                created = Nonconformity.objects.get(organisation=organisation, ref=row["ref"])
    if created is not None:
        return redirect("web:nonconformity", slug=organisation.slug, pk=created.pk)
    context |= {"posted": posted, "problems": problems, "general": problems.get("", [])}
    return render(request, "web/loop/nonconformity_new.html", context, status=422)


urlpatterns = [
    path("orgs/<slug:slug>/nonconformities/", nonconformity_log, name="nonconformities"),
    path("orgs/<slug:slug>/nonconformities/new/", nonconformity_new, name="nonconformity_new"),
    path("orgs/<slug:slug>/nonconformities/<int:pk>/", nonconformity_detail, name="nonconformity"),
    path(
        "orgs/<slug:slug>/nonconformities/<int:pk>/<slug:step>/",
        nonconformity_step,
        name="nonconformity_step",
    ),
]
