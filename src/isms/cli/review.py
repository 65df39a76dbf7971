"""``isms review``: the management review (9.3): build the pack of inputs, record the meeting,
have top management sign it off."""

import datetime as dt
import json
from pathlib import Path

import typer
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.audits.models import ManagementReview
from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.loop.review_pack import (
    INPUT_FIELDS,
    build_pack,
    input_key,
    input_letter,
    missing_inputs,
    parse_inputs,
    record_review,
    render_html,
    sign_review,
    write_pdf,
)
from isms.people.models import Person

app = typer.Typer(help="Management review (9.3): the pack, the minutes and the sign-off.")

ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_USER = typer.Option(None, "--as", help="Record the change in history as made by this user.")
PACK_FORMATS = (".html", ".pdf", ".json")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date like 2026-11-30, got {value!r}")


def _review(organisation, ref: str) -> ManagementReview:
    review = ManagementReview.objects.filter(organisation=organisation, ref=ref).first()
    if review is None:
        fail(f"no management review {ref!r} in {organisation.slug}; record it first")
    return review


def _refused(error: ValidationError):
    fail("refused", list(error.messages))


def _coverage(review: ManagementReview) -> str:
    missing = missing_inputs(review)
    if not missing:
        return f"covers all {len(INPUT_FIELDS)} inputs"
    return f"covers {len(INPUT_FIELDS) - len(missing)} of {len(INPUT_FIELDS)} inputs; " + (
        "missing: " + ", ".join(f"{input_letter(f)} {input_key(f)}" for f in missing)
    )


@app.command("pack")
def pack_command(
    org: str = ORG,
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date the data is read at, YYYY-MM-DD (default today)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the pack to a .html, .pdf or .json file."
    ),
) -> None:
    """Build the review pack: one section per required input (9.3.2 a-g), for the period since
    the previous review (or the last 12 months)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    day = _date(as_of, "--as-of")
    if output is not None and output.suffix.lower() not in PACK_FORMATS:
        fail(f"--output must end in {', '.join(PACK_FORMATS)}, got {output.name!r}")
    pack = build_pack(organisation, day)
    if output is None:
        console.print(
            f"Management review pack of {organisation.slug} as of {pack.as_of}, period "
            f"{pack.start} to {pack.as_of}"
            + (f" (since {pack.previous.ref})" if pack.previous else " (no earlier review)"),
            highlight=False,
        )
        for section in pack.sections:
            console.print(f"[bold]{section.letter}) {section.title}[/]", highlight=False)
            console.print(f"   {section.summary}", highlight=False, markup=False)
        return
    suffix = output.suffix.lower()
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        pages = write_pdf(pack, output)
        console.print(f"Wrote {output} ({pages} pages).", highlight=False)
        return
    if suffix == ".json":
        output.write_text(json.dumps(pack.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        output.write_text(render_html(pack), encoding="utf-8")
    console.print(f"Wrote {output}.", highlight=False)


@app.command("record")
def record_command(
    ref: str = typer.Argument(..., help="Review id, e.g. MR-2026-4."),
    org: str = ORG,
    held_on: str | None = typer.Option(
        None, "--held-on", help="Date of the meeting (required for a new review)."
    ),
    chair: str | None = typer.Option(None, "--chair", help="Email of the chair."),
    attendees: str | None = typer.Option(
        None, "--attendees", help="Emails of who attended, separated by | (replaces the list)."
    ),
    covered: str | None = typer.Option(
        None,
        "--covered",
        help="Inputs covered: 'all', or names or letters separated by | (e.g. a|b|c|d1): "
        + ", ".join(input_key(name) for name in INPUT_FIELDS)
        + ". Those not listed are recorded as not covered.",
    ),
    decisions: str | None = typer.Option(None, "--decisions", help="Decisions taken (9.3.3)."),
    resources: str | None = typer.Option(
        None, "--resources", help="Resources allocated or confirmed."
    ),
    actions: str | None = typer.Option(
        None, "--actions", help="Actions agreed, with owners and dates."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Create the review, or update what is given (other values stay as they are)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    day = _date(held_on, "--held-on")
    try:
        inputs = parse_inputs(covered) if covered is not None else None
        with acting_as(user_or_exit(as_user, organisation, Action.EDIT_REGISTERS)):
            review, created = record_review(
                organisation,
                ref,
                held_on=day,
                chair=chair,
                attendees=attendees.split("|") if attendees is not None else None,
                covered=inputs,
                decisions=decisions,
                resources=resources,
                actions=actions,
            )
    except ValidationError as error:
        _refused(error)
    console.print(
        f"{review.ref} {'recorded' if created else 'updated'}: held {review.held_on}, "
        f"{review.attendees.count()} attendee(s), {_coverage(review)}; decisions "
        + ("recorded." if review.decisions.strip() else "not recorded yet."),
        highlight=False,
    )


@app.command("sign")
def sign_command(
    ref: str = typer.Argument(..., help="Review id."),
    org: str = ORG,
    by: str = typer.Option(..., "--by", help="Email of the member of top management signing."),
    on: str | None = typer.Option(None, "--on", help="Date of signature (default today)."),
    as_user: str | None = AS_USER,
) -> None:
    """Sign the review off. Refused unless the signatory is top management on that date, the
    review records its decisions and it covers every required input."""
    ensure_database()
    organisation = organisation_or_exit(org)
    review = _review(organisation, ref)
    signer = Person.objects.filter(organisation=organisation, email__iexact=by.strip()).first()
    if signer is None:
        fail(f"--by: no person with email {by!r} in {organisation.slug}")
    day = _date(on, "--on") or timezone.localdate()
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.SIGN_MANAGEMENT_REVIEW)):
            sign_review(review, signer, day)
    except ValidationError as error:
        _refused(error)
    console.print(f"{review.ref}: signed by {signer.email} on {review.signed_on}.")


@app.command("list")
def list_command(
    org: str = ORG,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List the management reviews, newest first, with inputs missing and sign-off."""
    ensure_database()
    organisation = organisation_or_exit(org)
    reviews = (
        ManagementReview.objects.for_organisation(organisation)
        .select_related("chair", "signed_by")
        .order_by("-held_on", "-ref")
    )
    rows = [
        {
            "ref": review.ref,
            "held_on": review.held_on.isoformat(),
            "chair": review.chair.email if review.chair else None,
            "missing_inputs": [input_key(name) for name in missing_inputs(review)],
            "decisions": bool(review.decisions.strip()),
            "signed_by": review.signed_by.email if review.signed_by else None,
            "signed_on": review.signed_on.isoformat() if review.signed_on else None,
        }
        for review in reviews
    ]
    emit(
        rows,
        ["ref", "held_on", "chair", "missing_inputs", "decisions", "signed_by", "signed_on"],
        fmt,
        title=f"Management reviews of {organisation.slug}",
    )
