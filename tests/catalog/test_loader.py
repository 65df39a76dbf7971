from collections import Counter

import pytest

from isms.catalog import loader
from isms.catalog.loader import CatalogError, load_catalog
from isms.catalog.models import (
    Clause,
    Control,
    ControlAttribute,
    LegacyControl,
    Soc2Criterion,
    Soc2Mapping,
    sort_key,
)

pytestmark = pytest.mark.django_db


def test_catalogue_is_loaded_with_everything():
    assert Control.objects.count() == 93
    assert Counter(Control.objects.values_list("theme", flat=True)) == {
        "Organizational": 37,
        "People": 8,
        "Physical": 14,
        "Technological": 34,
    }
    assert Clause.objects.get(ref="6.1.2").parent.ref == "6.1"
    assert LegacyControl.objects.count() == 114
    assert Soc2Criterion.objects.count() == 61
    assert Soc2Mapping.objects.filter(clause__isnull=False).exists()
    assert list(LegacyControl.objects.get(ref="A.9.2.5").controls.values_list("ref", flat=True))
    assert ControlAttribute.objects.filter(control__ref="5.15", kind="control_type").exists()


def test_loading_again_changes_nothing_and_keeps_ids():
    ids_before = dict(Control.objects.values_list("ref", "pk"))
    report = load_catalog()
    assert not report.changed
    assert dict(Control.objects.values_list("ref", "pk")) == ids_before


def test_loading_repairs_edited_rows():
    Control.objects.filter(ref="8.8").update(title="tampered")
    ControlAttribute.objects.filter(control__ref="8.8").delete()
    Soc2Mapping.objects.filter(criterion__ref="CC6.1").update(rationale="tampered")
    report = load_catalog()
    assert report.updated["controls"] == 1
    assert report.created["control attributes"] > 0
    assert report.updated["SOC 2 links"] >= 1
    assert Control.objects.get(ref="8.8").title == "Management of technical vulnerabilities"
    assert not Soc2Mapping.objects.filter(rationale="tampered").exists()


def test_inconsistent_data_writes_nothing(monkeypatch):
    real = loader.read_rows

    def broken(name):
        rows = real(name)
        if name == "legacy_mapping":
            rows.append({"iso2013_id": "A.5.1.1", "iso2022_id": "12.1"})
        return rows

    Control.objects.filter(ref="8.8").update(title="tampered")
    monkeypatch.setattr(loader, "read_rows", broken)
    with pytest.raises(CatalogError) as error:
        load_catalog()
    assert error.value.problems == ["2013 mapping: 12.1 is not a 2022 control"]
    assert Control.objects.get(ref="8.8").title == "tampered"


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [("5.2", "5.10"), ("5.37", "6.1"), ("A.9.2.5", "A.10.1.1"), ("6.1.3", "6.2"), ("9", "10")],
)
def test_sort_key_orders_ids_numerically(smaller, larger):
    assert sort_key(smaller) < sort_key(larger)


def test_controls_are_ordered_numerically():
    refs = list(Control.objects.values_list("ref", flat=True))
    assert refs[:11] == [f"5.{n}" for n in range(1, 12)]
    assert refs[-1] == "8.34"
