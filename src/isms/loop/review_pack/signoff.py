"""Recording a management review and signing it off (9.3.1, 9.3.3).

A signed review is not changed. Sign-off is refused, with every reason at once, unless the
review records its decisions, covers every input, is signed on or after the meeting and not in
the future, and the signatory is top management on the day of signature
(:mod:`isms.leadership.top_management`)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isms.audits.models import ManagementReview
from isms.leadership.top_management import DEFINITION, grounds
from isms.loop.review_pack.shape import INPUT_FIELDS, input_key, input_label, input_letter
from isms.people.models import Person


class ReviewRefused(ValidationError):
    """The review cannot be recorded or signed as asked; ``messages`` says every reason."""

    def __init__(self, problems: list[str], *, not_top_management: bool = False):
        super().__init__(problems)
        self.not_top_management = not_top_management


def parse_inputs(value: str | list[str]) -> list[str]:
    """``all`` or inputs named by key (``party_needs``), letter (``c``, ``d1``) or field
    (``covers_party_needs``), separated by ``|`` or ``,`` -> the ``covers_*`` fields."""
    tokens = value if isinstance(value, list) else value.replace(",", "|").split("|")
    tokens = [token.strip().lower() for token in tokens if token.strip()]
    if tokens == ["all"]:
        return list(INPUT_FIELDS)
    names = {}
    for name in INPUT_FIELDS:
        names[name] = names[input_key(name)] = names[input_letter(name)] = name
    unknown = [token for token in tokens if token not in names]
    if unknown:
        valid = ", ".join(f"{input_key(f)} ({input_letter(f)})" for f in INPUT_FIELDS)
        raise ReviewRefused(
            [f"unknown input {token!r}; use 'all' or any of: {valid}" for token in unknown]
        )
    return list(dict.fromkeys(names[token] for token in tokens))


def missing_inputs(review: ManagementReview) -> list[str]:
    return [name for name in INPUT_FIELDS if not getattr(review, name)]


def _people(organisation, emails: list[str], where: str, problems: list[str]) -> list:
    """The people with these emails (any case), in order; a problem for each unknown email."""
    wanted = [email.strip() for email in emails if email and email.strip()]
    matches = Q(pk__in=[])
    for email in wanted:
        matches |= Q(email__iexact=email)
    found = {
        person.email.lower(): person
        for person in Person.objects.filter(matches, organisation=organisation)
    }
    people = []
    for email in wanted:
        person = found.get(email.lower())
        if person is None:
            problems.append(f"{where}: no person with email {email!r} in {organisation.slug}")
        else:
            people.append(person)
    return list(dict.fromkeys(people))


@transaction.atomic
def record_review(
    organisation,
    ref: str,
    *,
    held_on: dt.date | None = None,
    chair: str | None = None,
    attendees: list[str] | None = None,
    covered: list[str] | None = None,
    decisions: str | None = None,
    resources: str | None = None,
    actions: str | None = None,
) -> tuple[ManagementReview, bool]:
    """Create review ``ref`` or update the values given (None leaves a value as it is).

    ``chair`` and ``attendees`` are emails of people of the organisation, ``covered`` the
    ``covers_*`` fields the meeting covered (the others are set to not covered). Returns the
    review and whether it was created. Every problem is reported at once; nothing is written
    when there is one."""
    ref = (ref or "").strip()
    problems: list[str] = []
    if not ref:
        problems.append("ref: a review needs an id, e.g. MR-2026-2")
    review = (
        ManagementReview.objects.select_for_update()
        .filter(organisation=organisation, ref=ref)
        .first()
    )
    created = review is None
    if created and held_on is None:
        problems.append(f"held_on: {ref} is a new review and needs the date of the meeting")
    chair_person = _people(organisation, [chair], "chair", problems) if chair else None
    people = _people(organisation, attendees, "attendees", problems) if attendees else None
    if problems:
        raise ReviewRefused(problems)
    if created:
        review = ManagementReview(organisation=organisation, ref=ref)
    values = {
        "held_on": held_on,
        "chair": chair_person[0] if chair_person else None,
        "decisions": decisions.strip() if decisions is not None else None,
        "resources_allocated": resources.strip() if resources is not None else None,
        "actions": actions.strip() if actions is not None else None,
    }
    if covered is not None:
        values |= {name: name in covered for name in INPUT_FIELDS}
    changes = {
        name: value
        for name, value in values.items()
        if value is not None and getattr(review, name, None) != value
    }
    attendees_change = people is not None and (
        created or {p.pk for p in people} != set(review.attendees.values_list("pk", flat=True))
    )
    if not created and review.signed_by_id and (changes or attendees_change):
        raise ReviewRefused(
            [
                f"{ref} was signed on {review.signed_on} by {review.signed_by.email}; signed "
                "minutes are not changed. Record a new review, or correct the register with "
                "the reason (isms import)."
            ]
        )
    for name, value in changes.items():
        setattr(review, name, value)
    if created or changes:
        review.full_clean(validate_unique=False)
        review.save()
    if attendees_change:
        review.attendees.set(people)
    return review, created


@transaction.atomic
def sign_review(
    review: ManagementReview, signer, on: dt.date, *, today: dt.date | None = None
) -> ManagementReview:
    """Record that ``signer`` (a Person) signed the minutes on ``on``; refused with every
    reason unless the review is complete and the signer is top management on that day."""
    today = today or timezone.localdate()
    if review.signed_by_id:
        raise ReviewRefused(
            [f"{review.ref} was already signed on {review.signed_on} by {review.signed_by.email}"]
        )
    problems = []
    if signer.organisation_id != review.organisation_id:
        raise ReviewRefused([f"{signer.email} is not a person of this organisation"])
    if on < review.held_on:
        problems.append(
            f"{review.ref} was held on {review.held_on}; it cannot be signed before ({on})"
        )
    if on > today:
        problems.append(f"the date of signature {on} is in the future (today is {today})")
    if not (review.decisions or "").strip():
        problems.append(
            f"{review.ref} records no decisions (9.3.3): record them first "
            "(isms review record --decisions)"
        )
    missing = missing_inputs(review)
    if missing:
        problems.append(
            f"{review.ref} does not cover {len(missing)} of the {len(INPUT_FIELDS)} required "
            "inputs: " + "; ".join(input_label(name) for name in missing)
        )
    authority = bool(grounds(signer, on))
    if not authority:
        problems.append(f"{signer.email} was not top management on {on}: {DEFINITION}")
    if problems:
        raise ReviewRefused(problems, not_top_management=not authority)
    review.signed_by, review.signed_on = signer, on
    review.save(update_fields=["signed_by", "signed_on"])
    return review
