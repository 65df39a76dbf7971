"""The management review (9.3): the pack of inputs built from the registers, recording the
meeting, and the sign-off by top management.

**The pack** (:func:`build_pack`) reads the registers as they stand, judged at an as-of date by
the dates recorded in them, for the *period* since the previous management review (the latest
held before the as-of date; 12 months when there is none). It has one section per input 9.3.2
requires, in the order of ``ManagementReview.INPUT_FIELDS`` (a, b, c, d1-d4, e, f, g), each with a
one-line summary, figures (database aggregates) and tables of the records behind them (at most
``MAX_ROWS`` rows each; the figures always count everything). The number of queries does not
depend on the amount of data. :func:`render_html` and :func:`write_pdf` lay it out for print (A4),
:meth:`ReviewPack.as_dict` is its JSON form.

**Recording** (:func:`record_review`) creates or updates a review by ref: date, chair, attendees,
inputs covered, decisions, resources and actions. **Sign-off** (:func:`sign_review`) is refused,
with every reason, unless the review is complete and the signatory is top management on the day
(:mod:`isms.leadership.top_management`).

The pack reads many register apps and the latest mock audit, so it lives in loop (register apps
never import each other, and loop sits on top of readiness); the CLI (``isms review``) and the
API (``/orgs/{org}/reviews/``) both go through it.

    shape.py               sections, facts, tables; input names; the period; bounded tables
    context_inputs.py      a) previous actions, b) issues, c) interested parties
    performance_inputs.py  d1) NCs, d2) monitoring, d3) audits, d4) objectives, e) feedback
    risk_inputs.py         f) risk and treatment plan, g) improvement (latest mock audit)
    render.py              HTML (loop/review_pack.html) and PDF
    signoff.py             record_review, sign_review
"""

import datetime as dt

from django.utils import timezone

from isms.loop.review_pack.context_inputs import context_changes, party_needs, previous_actions
from isms.loop.review_pack.performance_inputs import (
    audit_results,
    nonconformities,
    objectives,
    party_feedback,
)
from isms.loop.review_pack.render import render_html, write_pdf
from isms.loop.review_pack.risk_inputs import improvement, risk
from isms.loop.review_pack.shape import (
    INPUT_FIELDS,
    MAX_ROWS,
    Period,
    ReviewPack,
    Section,
    input_key,
    input_label,
    input_letter,
    input_title,
)
from isms.loop.review_pack.signoff import (
    ReviewRefused,
    missing_inputs,
    parse_inputs,
    record_review,
    sign_review,
)

__all__ = [
    "INPUT_FIELDS",
    "MAX_ROWS",
    "ReviewPack",
    "ReviewRefused",
    "Section",
    "build_pack",
    "input_key",
    "input_label",
    "input_letter",
    "input_title",
    "missing_inputs",
    "parse_inputs",
    "record_review",
    "render_html",
    "sign_review",
    "write_pdf",
]


def build_pack(organisation, as_of: dt.date | None = None) -> ReviewPack:
    """The review pack of ``organisation`` as of ``as_of`` (default today)."""
    period = Period(organisation, as_of or timezone.localdate())
    sections = [
        previous_actions(period),
        context_changes(period),
        party_needs(period),
        nonconformities(period),
        *objectives(period),
        audit_results(period),
        party_feedback(period),
        risk(period),
        improvement(period),
    ]
    order = {name: index for index, name in enumerate(INPUT_FIELDS)}
    sections.sort(key=lambda section: order[section.field])
    return ReviewPack(
        organisation, period.as_of, period.start, period.previous, timezone.now(), sections
    )
