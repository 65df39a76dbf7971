"""A save of a stale copy of a row is refused (StaleRecord), never written over a newer change,
and the row version only ever counts up."""

import pytest
from django.db import transaction

from isms.core.models import StaleRecord
from isms.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_stale_copy_cannot_overwrite_a_newer_change(organisation):
    Person.objects.create(organisation=organisation, email="ann@acme.example", name="Ann")
    mine = Person.objects.get()
    theirs = Person.objects.get()
    theirs.job_title = "Changed by a colleague"
    theirs.save()
    mine.name = "Ann B"
    stale = pytest.raises(StaleRecord, match="changed by someone else since it was read")
    with stale, transaction.atomic():
        mine.save()
    stored = Person.objects.get()
    assert (stored.name, stored.job_title, stored.row_version) == (
        "Ann",
        "Changed by a colleague",
        2,
    )
    assert mine.row_version == 1, "the refused copy keeps the version it was read at"
    mine.refresh_from_db()
    mine.name = "Ann B"
    mine.save()
    assert Person.objects.get().row_version == 3


def test_update_fields_saves_are_version_checked_too(organisation):
    person = Person.objects.create(organisation=organisation, email="bo@acme.example", name="Bo")
    Person.objects.filter(pk=person.pk).update(row_version=7)  # someone else's writes
    person.name = "Bo B"
    with pytest.raises(StaleRecord), transaction.atomic():
        person.save(update_fields=["name"])
    assert Person.objects.get().name == "Bo"
