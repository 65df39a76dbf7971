"""The register declarations are complete and consistent (the importer relies on it)."""

from django.apps import apps
from django.db import models

from isms.core.models import OrganisationScopedModel
from isms.core.registers import all_registers, for_model
from isms.exchange.columns import Kind, columns_of
from isms.exchange.keys import target_key_field

REGISTER_APPS = {
    "people",
    "leadership",
    "context",
    "risk",
    "controls",
    "documents",
    "operations",
    "monitoring",
    "changes",
    "technology",
    "evidence",
    "audits",
    "resilience",
    "development",
}


#: Scoped models that are not spreadsheet registers, and why.
NOT_REGISTERS = {
    # Uploaded files and their hashes: they come in through the API, never a spreadsheet.
    "EvidenceFileVersion",
}


def test_every_register_model_is_declared_once():
    models_in_apps = {
        model
        for model in apps.get_models()
        if model._meta.app_label in REGISTER_APPS
        and issubclass(model, OrganisationScopedModel)
        and model.__name__ not in NOT_REGISTERS
    }
    declared = [register.model for register in all_registers()]
    assert len(declared) == len(set(declared))
    assert models_in_apps == set(declared)


def test_required_references_point_to_earlier_registers():
    position = {register.model: index for index, register in enumerate(all_registers())}
    for index, register in enumerate(all_registers()):
        for column in columns_of(register):
            must_exist_first = column.required or column.name in register.key
            if column.kind is Kind.REFERENCE and column.target in position and must_exist_first:
                assert position[column.target] < index, (register.sheet, column.name)


def test_every_referenced_register_has_a_single_column_key():
    for register in all_registers():
        for column in columns_of(register):
            if column.kind in (Kind.REFERENCE, Kind.REFERENCES):
                assert target_key_field(column.target)


def test_keys_are_unique_in_the_database():
    for register in all_registers():
        constraints = [
            c for c in register.model._meta.constraints if isinstance(c, models.UniqueConstraint)
        ]
        assert any(tuple(c.fields) == ("organisation", *register.key) for c in constraints), (
            register.sheet
        )


def test_examples_use_only_declared_columns():
    for register in all_registers():
        assert set(register.example) <= set(register.columns), register.sheet
        assert for_model(register.model) is register


def test_evidence_links_are_written_after_every_register_they_can_point_at():
    assert all_registers()[-1].sheet == "Evidence links"
