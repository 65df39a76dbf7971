"""An import refuses to overwrite a change made after it was checked, and writes nothing."""

import pytest
from django.db import transaction

from isms.exchange.importer import Importer
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.people.models import Person

pytestmark = pytest.mark.django_db


def _people(*rows: dict) -> Sheet:
    header = sorted({name for row in rows for name in row})
    return Sheet("People", header, [(number, row) for number, row in enumerate(rows, start=2)])


def _import_with(organisation, sheet: Sheet, meanwhile) -> None:
    """import_sheets, with someone else's change between the check and the write."""
    importer = Importer(organisation, [sheet])
    importer.validate()
    assert not importer.problems
    meanwhile()
    with transaction.atomic():
        importer.check_unchanged()
        importer.write()


def test_a_row_changed_after_the_check_refuses_the_whole_import(organisation):
    ann = Person.objects.create(organisation=organisation, email="ann@acme.example", name="Ann")
    sheet = _people(
        {"email": "ann@acme.example", "name": "Ann from the file"},
        {"email": "new@acme.example", "name": "New"},
    )

    def colleague():
        ann.job_title = "Changed by a colleague"
        ann.save()

    with pytest.raises(ImportRejected) as rejected:
        _import_with(organisation, sheet, colleague)
    [problem] = rejected.value.problems
    assert (problem.sheet, problem.row) == ("People", 2)
    assert (
        "was changed by someone else" in problem.message and "version 1, now 2" in problem.message
    )
    ann.refresh_from_db()
    assert (ann.name, ann.job_title) == ("Ann", "Changed by a colleague")
    assert not Person.objects.filter(email="new@acme.example").exists()


def test_a_key_created_or_deleted_after_the_check_refuses_it(organisation):
    gone = Person.objects.create(organisation=organisation, email="gone@acme.example", name="G")
    sheet = _people(
        {"email": "gone@acme.example", "name": "Gone"},
        {"email": "twin@acme.example", "name": "Twin"},
    )

    def colleague():
        gone.delete()
        Person.objects.create(organisation=organisation, email="twin@acme.example", name="T")

    with pytest.raises(ImportRejected) as rejected:
        _import_with(organisation, sheet, colleague)
    messages = {problem.row: problem.message for problem in rejected.value.problems}
    assert "was deleted by someone else" in messages[2]
    assert "was created by someone else" in messages[3]


def test_nothing_changed_meanwhile_imports(organisation):
    Person.objects.create(organisation=organisation, email="ann@acme.example", name="Ann")
    _import_with(organisation, _people({"email": "ann@acme.example", "name": "Ann B"}), lambda: 0)
    assert Person.objects.get().name == "Ann B" and Person.objects.get().row_version == 2
