"""Who is top management on a given day: the one definition the sign-off of a management review,
the approval of resources and the approval of the information security policy all use (5.1,
5.2, 7.1, 9.3).

A person of the organisation is *top management on day D* when they are still with the
organisation on D (no leave date, or one after D) and at least one of these holds:

1. **Sponsor**: they hold the ``top_management_sponsor`` ISMS role on D: assigned on or before
   D (or with no assignment date) and not ended by D (no end date, or one after D).
2. **Board member**: a user account whose email matches theirs (case-insensitively) has an
   active membership of the organisation with the top-management flag
   (``Membership.is_top_management``). The flag carries no dates, so it counts on any day.
3. **Executive head**: they head a department (``Department.manager``) and their line manager
   is a sponsor on D (rule 1, the sponsor still with the organisation on D).

Two forms of the same definition:

- :func:`top_management_on` (a ``Person`` queryset) and :func:`is_top_management` /
  :func:`grounds` (Python predicates, one query each) for a single decision such as a sign-off;
- :func:`top_management_exists` (an ``Exists`` expression) for rules that judge many rows in one
  query: the day and the person are fields of the outer row (e.g. a resource allocation's
  ``approved_on`` and ``approved_by_id``).

The people register lives in another register app; register apps never import each other, so
``Person`` and ``Department`` are looked up by name (``apps.get_model``).
"""

import datetime as dt

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import IsNull

from isms.core.models import Membership
from isms.leadership.models import RoleAssignment

SPONSOR = RoleAssignment.Role.TOP_MANAGEMENT_SPONSOR

#: How each ground is named in explanations and refusals.
GROUND_LABELS = {
    "sponsor": "holds the top-management sponsor role",
    "board": "is marked as top management in the organisation's memberships",
    "executive_head": "heads a department and reports to the top-management sponsor",
}
DEFINITION = (
    "top management is the holder of the top-management sponsor role, a member marked as top "
    "management, or a head of department whose line manager is the sponsor, on that date and "
    "still with the organisation"
)


def _person_model():
    return apps.get_model("people", "Person")


def _department_model():
    return apps.get_model("people", "Department")


def _present(day, prefix: str = "") -> Q:
    """Rows whose person (at ``prefix``) had not left by ``day``."""
    return Q(**{f"{prefix}leave_date__isnull": True}) | Q(**{f"{prefix}leave_date__gt": day})


def sponsor_assignments(organisation, day) -> QuerySet:
    """Sponsor role assignments in effect on ``day`` whose holder had not left by then.

    ``day`` is a date or an expression (e.g. ``OuterRef("approved_on")``)."""
    return RoleAssignment.objects.filter(
        Q(assigned_on__isnull=True) | Q(assigned_on__lte=day),
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        _present(day, "person__"),
        organisation=organisation,
        role=SPONSOR,
    )


def _board(organisation) -> QuerySet:
    """Active top-management memberships, with the user's email lower-cased as ``email``."""
    return Membership.objects.filter(
        organisation=organisation, is_top_management=True, is_active=True
    ).alias(email=Lower("user__email"))


def _grounds(organisation, inner_day) -> dict[str, Exists]:
    """Each ground as an Exists over a ``Person`` row; ``inner_day`` as seen from inside."""
    return {
        "sponsor": Exists(
            sponsor_assignments(organisation, inner_day).filter(person=OuterRef("pk"))
        ),
        "board": Exists(_board(organisation).filter(email=Lower(OuterRef("email")))),
        "executive_head": Exists(
            _department_model().objects.filter(organisation=organisation, manager=OuterRef("pk"))
        )
        & Exists(sponsor_assignments(organisation, inner_day).filter(person=OuterRef("manager"))),
    }


def _people(organisation, day, inner_day) -> QuerySet:
    grounds = _grounds(organisation, inner_day)
    return _person_model().objects.filter(
        _present(day),
        grounds["sponsor"] | grounds["board"] | grounds["executive_head"],
        organisation=organisation,
    )


def top_management_on(organisation, day: dt.date) -> QuerySet:
    """The people of ``organisation`` who are top management on ``day``."""
    return _people(organisation, day, day)


def is_top_management(person, day: dt.date) -> bool:
    """Whether ``person`` is top management on ``day`` (one query)."""
    return top_management_on(person.organisation_id, day).filter(pk=person.pk).exists()


def grounds(person, day: dt.date) -> list[str]:
    """Why ``person`` is top management on ``day``: the keys of :data:`GROUND_LABELS` that hold
    (empty when they are not). One query."""
    found = (
        _person_model()
        .objects.filter(pk=person.pk, organisation=person.organisation_id)
        .filter(_present(day))
        .annotate(**_grounds(person.organisation_id, day))
        .values(*GROUND_LABELS)
        .first()
    )
    if not found:
        return []
    return [key for key in GROUND_LABELS if found[key]]


def top_management_exists(organisation, *, person: str, day: str | dt.date) -> Exists:
    """An expression true when the outer row's person is top management on the outer row's day.

    ``person`` names the outer row's field holding a person id (``"approved_by_id"``, ``"pk"``
    for a Person queryset, or an annotation); ``day`` names its date field (or annotation), or
    is a fixed date. A row with no person or no day is not top management.

        ResourceAllocation.objects.filter(
            ~top_management_exists(org, person="approved_by_id", day="approved_on")
        )
    """
    if isinstance(day, dt.date):
        people = _people(organisation, day, day)
    else:
        people = _people(organisation, OuterRef(day), OuterRef(OuterRef(day))).filter(
            IsNull(OuterRef(day), False)
        )
    return Exists(people.filter(pk=OuterRef(person)))
