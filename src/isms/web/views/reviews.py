"""Management reviews in the browser (9.3): the list, a review with its pack of inputs, the
minutes (date, chair, attendees, inputs covered, decisions, resources, actions) and the sign-off.

Recording goes through ``record_review`` and signing through ``sign_review``, like ``isms review``
and the API: the minutes need the role that edits registers, the signature
Action.SIGN_MANAGEMENT_REVIEW (a member flagged as top management) and, on the day, top
management as isms.leadership.top_management defines it. A signed review is final."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from isms.audits.models import ManagementReview
from isms.core.actor import acting_as
from isms.core.models import StaleRecord
from isms.core.permissions import Action, can, require
from isms.loop.review_pack import (
    INPUT_FIELDS,
    ReviewRefused,
    build_pack,
    input_key,
    input_label,
    missing_inputs,
    record_review,
    render_html,
    sign_review,
    write_pdf,
)
from isms.loop.review_pack.render import cell_text
from isms.people.models import Person
from isms.web.access import organisation_for
from isms.web.views.nonconformities import form_date, post_only, stale_version

PAGE_SIZE = 50


def _review(organisation, pk: int) -> ManagementReview:
    review = (
        ManagementReview.objects.filter(organisation=organisation, pk=pk)
        .select_related("chair", "signed_by")
        .first()
    )
    if review is None:
        raise Http404("no such management review")
    return review


def _why_not_sign(membership) -> str:
    """Why this member sees no sign-off control ('' when they may sign)."""
    if can(membership, Action.SIGN_MANAGEMENT_REVIEW):
        return ""
    if not membership.is_top_management:
        return (
            "Only a member marked as top management may sign the minutes; your membership is "
            "not. An owner marks board members in the organisation's memberships."
        )
    return f"The role {membership.get_role_display()!r} may not sign a management review."


@login_required
def review_list(request, slug: str) -> HttpResponse:
    """The organisation's reviews, newest first, with their inputs covered and signature."""
    organisation, membership = organisation_for(request, slug)
    reviews = (
        ManagementReview.objects.filter(organisation=organisation)
        .select_related("chair", "signed_by")
        .order_by("-held_on", "-ref")
    )
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "review": review,
            "covered": len(INPUT_FIELDS) - len(missing_inputs(review)),
        }
        for review in page.object_list
    ]
    context = {
        "organisation": organisation,
        "rows": rows,
        "page": page,
        "inputs": len(INPUT_FIELDS),
        "may_record": can(membership, Action.EDIT_REGISTERS),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "web/loop/reviews.html", context)


def _minutes_fields(review, posted=None):
    """The minutes form's values: as posted, else as recorded."""
    if posted is not None:
        return {
            "held_on": posted.get("held_on", ""),
            "chair": posted.get("chair", ""),
            "attendees": posted.get("attendees", ""),
            "decisions": posted.get("decisions", ""),
            "resources": posted.get("resources", ""),
            "actions": posted.get("actions", ""),
            "covered": set(posted.getlist("covered")),
        }
    return {
        "held_on": review.held_on.isoformat() if review and review.held_on else "",
        "chair": review.chair.email if review and review.chair else "",
        "attendees": "\n".join(sorted(review.attendees.values_list("email", flat=True)))
        if review and review.pk
        else "",
        "decisions": review.decisions if review else "",
        "resources": review.resources_allocated if review else "",
        "actions": review.actions if review else "",
        "covered": {input_key(n) for n in INPUT_FIELDS if review and getattr(review, n)},
    }


def _review_page(
    request,
    organisation,
    membership,
    review,
    *,
    posted=None,
    problems=(),
    sign_problems=(),
    stale=None,
    status=200,
):
    pack = build_pack(organisation, review.held_on)
    sections = [
        {
            "letter": section.letter,
            "title": section.title,
            "summary": section.summary,
            "facts": [(fact.label, cell_text(fact.value)) for fact in section.facts],
            "tables": [
                {
                    "title": table.title,
                    "columns": [column.label for column in table.columns],
                    "rows": [
                        [cell_text(row[c.key], c.choices) for c in table.columns]
                        for row in table.rows
                    ],
                    "total": table.total,
                    "empty": table.empty,
                }
                for table in section.tables
            ],
            "extracts": section.extracts,
            "notes": section.notes,
        }
        for section in pack.sections
    ]
    minutes = _minutes_fields(review, posted)
    context = {
        "organisation": organisation,
        "review": review,
        "pack": pack,
        "sections": sections,
        "inputs": [
            {
                "key": input_key(name),
                "label": input_label(name),
                "checked": input_key(name) in minutes["covered"],
            }
            for name in INPUT_FIELDS
        ],
        "minutes": minutes,
        "missing": [input_label(name) for name in missing_inputs(review)],
        "may_record": can(membership, Action.EDIT_REGISTERS) and not review.signed_by_id,
        "may_sign": can(membership, Action.SIGN_MANAGEMENT_REVIEW) and not review.signed_by_id,
        "why_not_sign": _why_not_sign(membership),
        "problems": list(problems),
        "sign_problems": list(sign_problems),
        "stale": stale,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "web/loop/review.html", context, status=status)


@login_required
def review_detail(request, slug: str, pk: int) -> HttpResponse:
    """One review: its pack as of the meeting, its minutes and its signature."""
    organisation, membership = organisation_for(request, slug)
    return _review_page(request, organisation, membership, _review(organisation, pk))


def _record(request, organisation, ref: str):
    """record_review with the form's values; raises ReviewRefused with every problem."""
    problems: dict = {}
    held_on = form_date(request.POST.get("held_on", ""), "held_on", problems)
    if problems:
        raise ReviewRefused([f"held_on: {m}" for m in problems["held_on"]])
    attendees = request.POST.get("attendees", "").replace(",", "\n").split()
    covered_keys = set(request.POST.getlist("covered"))
    with acting_as(request.user):
        return record_review(
            organisation,
            ref,
            held_on=held_on,
            chair=request.POST.get("chair", "").strip() or None,
            attendees=attendees,
            covered=[name for name in INPUT_FIELDS if input_key(name) in covered_keys],
            decisions=request.POST.get("decisions", ""),
            resources=request.POST.get("resources", ""),
            actions=request.POST.get("actions", ""),
        )


@login_required
@post_only
def review_new(request, slug: str) -> HttpResponse:
    """Record a new review (its id and the date of the meeting; the minutes follow)."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    ref = request.POST.get("ref", "").strip()
    problems = []
    if ManagementReview.objects.filter(organisation=organisation, ref=ref).exists():
        problems.append(f"ref: a review {ref} exists already; open it to edit its minutes")
    else:
        try:
            review, _ = _record(request, organisation, ref)
        except ValidationError as error:
            problems = error.messages
        else:
            return redirect("web:review", slug=organisation.slug, pk=review.pk)
    reviews = ManagementReview.objects.filter(organisation=organisation).select_related(
        "chair", "signed_by"
    )
    context = {
        "organisation": organisation,
        "rows": [
            {"review": r, "covered": len(INPUT_FIELDS) - len(missing_inputs(r))}
            for r in reviews.order_by("-held_on")[:PAGE_SIZE]
        ],
        "inputs": len(INPUT_FIELDS),
        "may_record": True,
        "problems": problems,
        "posted": request.POST,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "web/loop/reviews.html", context, status=422)


@login_required
@post_only
def review_minutes(request, slug: str, pk: int) -> HttpResponse:
    """Save the minutes; a form opened before someone else's change saves nothing."""
    organisation, membership = organisation_for(request, slug)
    review = _review(organisation, pk)  # another organisation's review: 404 before 403
    require(membership, Action.EDIT_REGISTERS)
    problems, stale = [], None
    try:
        with transaction.atomic():
            current = ManagementReview.objects.select_for_update().get(pk=review.pk)
            stale = stale_version(current, request.POST.get("row_version", ""))
            if stale is None:
                _record(request, organisation, current.ref)
    except StaleRecord:
        stale = ManagementReview.objects.get(pk=review.pk).row_version
    except ValidationError as error:
        problems = error.messages
    if not (problems or stale):
        return redirect("web:review", slug=organisation.slug, pk=pk)
    review = _review(organisation, pk)
    return _review_page(
        request,
        organisation,
        membership,
        review,
        posted=request.POST,
        problems=problems,
        stale=stale,
        status=409 if stale else 422,
    )


@login_required
@post_only
def review_sign(request, slug: str, pk: int) -> HttpResponse:
    """Sign the minutes as the signed-in member of top management (the person with the
    account's email); refusals list every reason."""
    organisation, membership = organisation_for(request, slug)
    review = _review(organisation, pk)
    require(membership, Action.SIGN_MANAGEMENT_REVIEW)
    problems: dict = {}
    on = form_date(request.POST.get("on", ""), "on", problems)
    email = (request.user.email or "").strip()
    signer = (
        Person.objects.filter(organisation=organisation, email__iexact=email).first()
        if email
        else None
    )
    refusal, status = list(problems.get("on", [])), 422
    if signer is None:
        refusal.append(
            f"your account ({request.user.get_username()}) has no email matching a person of "
            f"{organisation.name}; the signatory must be in the People register"
        )
    if not refusal:
        try:
            with transaction.atomic(), acting_as(request.user):
                current = ManagementReview.objects.select_for_update().get(pk=review.pk)
                sign_review(current, signer, on)
        except ReviewRefused as error:
            refusal = error.messages
            status = 403 if error.not_top_management else 422
    if not refusal:
        return redirect("web:review", slug=organisation.slug, pk=pk)
    review = _review(organisation, pk)
    return _review_page(
        request, organisation, membership, review, sign_problems=refusal, status=status
    )


@login_required
def review_pack_download(request, slug: str, pk: int, fmt: str) -> HttpResponse:
    """The review's pack as a printable HTML document or a PDF, as a download."""
    organisation, _ = organisation_for(request, slug, Action.EXPORT)
    review = _review(organisation, pk)
    pack = build_pack(organisation, review.held_on)
    name = f"review-pack-{organisation.slug}-{review.ref}"
    if fmt == "html":
        response = HttpResponse(render_html(pack), content_type="text/html; charset=utf-8")
    elif fmt == "pdf":
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "pack.pdf"
            write_pdf(pack, target)
            response = HttpResponse(target.read_bytes(), content_type="application/pdf")
    else:
        raise Http404("no such format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


urlpatterns = [
    path("orgs/<slug:slug>/reviews/", review_list, name="reviews"),
    path("orgs/<slug:slug>/reviews/new/", review_new, name="review_new"),
    path("orgs/<slug:slug>/reviews/<int:pk>/", review_detail, name="review"),
    path("orgs/<slug:slug>/reviews/<int:pk>/minutes/", review_minutes, name="review_minutes"),
    path("orgs/<slug:slug>/reviews/<int:pk>/sign/", review_sign, name="review_sign"),
    path(
        "orgs/<slug:slug>/reviews/<int:pk>/pack.<slug:fmt>",
        review_pack_download,
        name="review_pack",
    ),
]
