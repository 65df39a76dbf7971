"""A record's page shows what it is connected to: the records it refers to, the records that
refer to it (counted, the first few listed), and its evidence, each linked to its own page,
in a bounded number of queries however many records refer to it."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from isms.core.permissions import Role
from isms.evidence.models import Evidence, EvidenceLink
from isms.people.models import Department, Person

pytestmark = pytest.mark.django_db


def _department_with_people(organisation, count):
    department = Department.objects.create(organisation=organisation, name="Operations")
    Person.objects.bulk_create(
        Person(
            organisation=organisation,
            email=f"p{n:05d}@acme.example",
            name=f"Person {n}",
            department=department,
        )
        for n in range(count)
    )
    return department


def test_a_record_links_what_it_refers_to_and_what_refers_to_it(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    department = _department_with_people(organisation, 12)
    person = Person.objects.get(email="p00003@acme.example")
    page = client.get(f"/orgs/acme/registers/people/{person.pk}/").content.decode()
    assert f'href="/orgs/acme/registers/departments/{department.pk}/"' in page
    assert "Operations" in page[page.index('id="linked"') :]
    page = client.get(f"/orgs/acme/registers/departments/{department.pk}/").content.decode()
    linked = page[page.index('id="linked"') : page.index('id="record-evidence"')]
    assert "People (department): 12" in linked
    assert len(re.findall(r'href="/orgs/acme/registers/people/\d+/"', linked)) == 10, "first ten"
    assert "p00000@acme.example" in linked and "The first 10 of 12" in linked


def test_a_record_lists_its_evidence(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    department = Department.objects.create(organisation=organisation, name="Finance")
    evidence = Evidence.objects.create(
        organisation=organisation,
        ref="EV-0042",
        title="Finance joiners checklist",
        kind=Evidence.Kind.NOTE,
        collected_on=dt.date(2026, 10, 1),
    )
    EvidenceLink.objects.create(
        organisation=organisation,
        evidence=evidence,
        record_type="Departments",
        record_key="Finance",
        content_type=ContentType.objects.get_for_model(Department),
        object_id=department.pk,
    )
    page = client.get(f"/orgs/acme/registers/departments/{department.pk}/").content.decode()
    shown = page[page.index('id="record-evidence"') :]
    assert f'href="/orgs/acme/evidence/{evidence.pk}/"' in shown and "EV-0042" in shown
    other = Department.objects.create(organisation=organisation, name="Legal")
    page = client.get(f"/orgs/acme/registers/departments/{other.pk}/").content.decode()
    assert "No evidence is linked" in page and "EV-0042" not in page


def test_a_record_with_thousands_of_referrers_makes_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    department = _department_with_people(organisation, 3000)
    with django_assert_max_num_queries(20):
        response = client.get(f"/orgs/acme/registers/departments/{department.pk}/")
    assert response.status_code == 200
    assert "People (department): 3000" in response.content.decode()
