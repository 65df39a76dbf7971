"""Who is top management on a day: the sponsor, a member marked as top management, or a head of
department reporting to the sponsor, in each case still with the organisation. The Python
predicate and the Exists form (what the rules aggregate with) must always agree."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from isms.core.services import set_membership
from isms.leadership.models import ResourceAllocation, RoleAssignment
from isms.leadership.top_management import (
    grounds,
    is_top_management,
    top_management_exists,
    top_management_on,
)
from isms.people.models import Department, Person

pytestmark = pytest.mark.django_db
SPONSOR = RoleAssignment.Role.TOP_MANAGEMENT_SPONSOR
DAY = dt.date(2026, 6, 1)


@pytest.fixture
def people(organisation):
    def person(email, **values):
        return Person.objects.create(
            organisation=organisation, email=email, name=email.split("@")[0], **values
        )

    ceo = person("ceo@acme.example")
    cfo = person("cfo@acme.example", manager=ceo)
    analyst = person("analyst@acme.example", manager=ceo)
    isms = person("isms@acme.example", manager=cfo)
    Department.objects.create(organisation=organisation, name="Finance", manager=cfo)
    RoleAssignment.objects.create(
        organisation=organisation,
        role=SPONSOR,
        person=ceo,
        assigned_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2026, 9, 1),
    )
    return {"ceo": ceo, "cfo": cfo, "analyst": analyst, "isms": isms}


def flagged(organisation, email, *, active=True, top=True):
    username = f"{organisation.slug}-{email.lower()}"
    user = get_user_model().objects.create_user(username, email=email, password="x")
    membership, _ = set_membership(organisation, user, "viewer", top)
    if not active:
        membership.is_active = False
        membership.save()
    return membership


def test_the_sponsor_is_top_management_while_holding_the_role(people):
    ceo = people["ceo"]
    assert is_top_management(ceo, DAY)
    assert grounds(ceo, DAY) == ["sponsor"]
    assert not is_top_management(ceo, dt.date(2024, 12, 31)), "before the appointment"
    assert not is_top_management(ceo, dt.date(2026, 9, 1)), "the role ended that day"
    assert is_top_management(ceo, dt.date(2026, 8, 31))


def test_a_sponsor_assignment_without_dates_counts_from_any_day(people):
    RoleAssignment.objects.filter(role=SPONSOR).update(assigned_on=None, ended_on=None)
    assert is_top_management(people["ceo"], dt.date(2001, 1, 1))


def test_a_sponsor_who_has_left_is_not_top_management(people):
    Person.objects.filter(pk=people["ceo"].pk).update(leave_date=dt.date(2026, 5, 31))
    assert not is_top_management(people["ceo"], DAY)
    assert is_top_management(people["ceo"], dt.date(2026, 5, 30)), "still there the day before"


def test_a_head_of_department_reporting_to_the_sponsor_is_top_management(people):
    assert grounds(people["cfo"], DAY) == ["executive_head"]
    assert not is_top_management(people["analyst"], DAY), "reports to the sponsor, heads nothing"
    assert not is_top_management(people["isms"], DAY), "reports to a head, not to the sponsor"
    assert not is_top_management(people["cfo"], dt.date(2026, 10, 1)), "the sponsor's role ended"


def test_the_head_stops_counting_when_the_sponsor_leaves(people):
    Person.objects.filter(pk=people["ceo"].pk).update(leave_date=dt.date(2026, 5, 1))
    assert not is_top_management(people["cfo"], DAY)


def test_a_member_marked_top_management_counts_on_any_day_matched_by_email(organisation, people):
    flagged(organisation, "ISMS@Acme.Example")
    assert grounds(people["isms"], dt.date(2010, 1, 1)) == ["board"]
    assert [p.email for p in top_management_on(organisation, DAY)] == [
        "ceo@acme.example",
        "cfo@acme.example",
        "isms@acme.example",
    ]


def test_a_suspended_unflagged_or_foreign_membership_does_not_count(
    organisation, other_organisation, people
):
    flagged(organisation, "isms@acme.example", active=False)
    flagged(organisation, "analyst@acme.example", top=False)
    flagged(other_organisation, "isms@Acme.example")
    assert not is_top_management(people["isms"], DAY)
    assert not is_top_management(people["analyst"], DAY)


def test_a_flagged_member_who_has_left_is_not_top_management(organisation, people):
    flagged(organisation, "isms@acme.example")
    Person.objects.filter(pk=people["isms"].pk).update(leave_date=dt.date(2026, 1, 31))
    assert grounds(people["isms"], DAY) == []


def test_another_organisations_sponsor_role_does_not_count(other_organisation, people):
    stranger = Person.objects.create(
        organisation=other_organisation, email="ceo@acme.example", name="Namesake"
    )
    RoleAssignment.objects.create(organisation=other_organisation, role=SPONSOR, person=stranger)
    assert is_top_management(stranger, DAY)
    assert top_management_on(other_organisation, DAY).get() == stranger
    assert people["ceo"] not in top_management_on(other_organisation, DAY)


@pytest.mark.parametrize(
    "day",
    [dt.date(2024, 6, 1), DAY, dt.date(2026, 9, 1), dt.date(2026, 12, 1)],
)
def test_the_exists_form_agrees_with_the_predicate(organisation, people, day):
    flagged(organisation, "analyst@acme.example")
    Person.objects.filter(pk=people["isms"].pk).update(leave_date=dt.date(2026, 7, 1))
    annotated = Person.objects.filter(organisation=organisation).annotate(
        top=top_management_exists(organisation, person="pk", day=day)
    )
    in_database = {person.email: person.top for person in annotated}
    in_python = {person.email: is_top_management(person, day) for person in annotated}
    assert in_database == in_python


def test_the_exists_form_reads_the_person_and_day_of_each_row(organisation, people):
    rows = [
        ("sponsor in office", people["ceo"], DAY, True),
        ("sponsor before appointment", people["ceo"], dt.date(2024, 6, 1), False),
        ("executive head", people["cfo"], DAY, True),
        ("head after the sponsor's role ended", people["cfo"], dt.date(2026, 10, 1), False),
        ("analyst", people["analyst"], DAY, False),
        ("no date", people["ceo"], None, False),
        ("nobody", None, DAY, False),
    ]
    for description, person, day, _ in rows:
        ResourceAllocation.objects.create(
            organisation=organisation,
            description=description,
            kind="budget",
            approved_by=person,
            approved_on=day,
        )
    annotated = ResourceAllocation.objects.filter(organisation=organisation).annotate(
        top=top_management_exists(organisation, person="approved_by_id", day="approved_on"),
    )
    assert {a.description: a.top for a in annotated} == {r[0]: r[3] for r in rows}


def test_one_query_decides(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert is_top_management(people["cfo"], DAY)
    with django_assert_num_queries(1):
        assert grounds(people["ceo"], DAY) == ["sponsor"]
