"""Loads the catalogue CSV files in ``data/`` into the database.

Idempotent: loading twice changes nothing the second time; loading after a data-file change
updates rows in place (ids stay stable, so registers that point at a control keep pointing at it).
Everything is validated before anything is written, and written in one transaction.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from isms.catalog.models import (
    Clause,
    Control,
    ControlAttribute,
    LegacyControl,
    Soc2Criterion,
    Soc2Mapping,
    sort_key,
)

DATA_FILES = {
    "clauses": "iso27001_2022_clauses.csv",
    "controls": "iso27001_2022_controls.csv",
    "legacy_controls": "iso27001_2013_controls.csv",
    "legacy_mapping": "iso27001_2013_to_2022.csv",
    "soc2": "soc2_tsc_2017.csv",
    "soc2_mapping": "soc2_to_iso27001_2022.csv",
}

ATTRIBUTE_VOCABULARY: dict[str, frozenset[str]] = {
    "control_type": frozenset({"Preventive", "Detective", "Corrective"}),
    "security_properties": frozenset({"Confidentiality", "Integrity", "Availability"}),
    "cybersecurity_concepts": frozenset({"Identify", "Protect", "Detect", "Respond", "Recover"}),
    "operational_capabilities": frozenset(
        {
            "Governance",
            "Asset_management",
            "Information_protection",
            "Human_resource_security",
            "Physical_security",
            "System_and_network_security",
            "Application_security",
            "Secure_configuration",
            "Identity_and_access_management",
            "Threat_and_vulnerability_management",
            "Continuity",
            "Supplier_relationships_security",
            "Legal_and_compliance",
            "Information_security_event_management",
            "Information_security_assurance",
        }
    ),
    "security_domains": frozenset(
        {"Governance_and_Ecosystem", "Protection", "Defence", "Resilience"}
    ),
}


class CatalogError(Exception):
    """The packaged data files are inconsistent; lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("catalogue data is inconsistent:\n  " + "\n  ".join(problems))


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of one packaged data file (``name`` is a key of DATA_FILES)."""
    text = resources.files("isms.catalog").joinpath("data", DATA_FILES[name]).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())
        )


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def validate(data: dict[str, list[dict[str, str]]]) -> list[str]:
    """Every cross-reference problem in the data files, as readable sentences."""
    problems: list[str] = []
    clause_refs = {row["id"] for row in data["clauses"]}
    control_refs = {row["id"] for row in data["controls"]}
    legacy_refs = {row["id"] for row in data["legacy_controls"]}
    soc2_refs = {row["id"] for row in data["soc2"]}
    for row in data["clauses"]:
        if row["parent"] and row["parent"] not in clause_refs:
            problems.append(f"clause {row['id']}: parent {row['parent']} is not a clause")
    for row in data["controls"]:
        for kind, vocabulary in ATTRIBUTE_VOCABULARY.items():
            values = _split(row[kind])
            if not values:
                problems.append(f"control {row['id']}: no {kind}")
            problems.extend(
                f"control {row['id']}: {kind} {value!r} is not one of {sorted(vocabulary)}"
                for value in values
                if value not in vocabulary
            )
    mapped = set()
    for row in data["legacy_mapping"]:
        if row["iso2013_id"] not in legacy_refs:
            problems.append(f"2013 mapping: {row['iso2013_id']} is not a 2013 control")
        if row["iso2022_id"] not in control_refs:
            problems.append(f"2013 mapping: {row['iso2022_id']} is not a 2022 control")
        mapped.add(row["iso2013_id"])
    problems.extend(
        f"2013 control {ref} is not mapped to any 2022 control"
        for ref in sorted(legacy_refs - mapped, key=sort_key)
    )
    for row in data["soc2_mapping"]:
        targets = {"clause": clause_refs, "control": control_refs}.get(row["target_type"])
        if row["soc2_id"] not in soc2_refs:
            problems.append(f"SOC 2 mapping: {row['soc2_id']} is not a SOC 2 criterion")
        if targets is None:
            problems.append(f"SOC 2 mapping {row['soc2_id']}: bad target_type {row['target_type']}")
        elif row["target_id"] not in targets:
            problems.append(
                f"SOC 2 mapping {row['soc2_id']}: {row['target_type']} {row['target_id']} "
                "does not exist"
            )
    return problems


def _upsert(model, rows: Iterable[dict], report: LoadReport, label: str) -> dict[str, object]:
    """Create or update ``model`` rows keyed by ``ref``; returns ref -> instance."""
    existing = {obj.ref: obj for obj in model.objects.all()}
    created = updated = 0
    result = {}
    for values in rows:
        obj = existing.get(values["ref"])
        if obj is None:
            obj = model.objects.create(**values)
            created += 1
        elif any(getattr(obj, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            updated += 1
        result[obj.ref] = obj
    stale = set(existing) - set(result)
    if stale:
        model.objects.filter(ref__in=stale).delete()
    report.created[label] = created
    report.updated[label] = updated
    report.removed[label] = len(stale)
    report.totals[label] = len(result)
    return result


def _sync_links(model, wanted: dict[tuple, dict], key_fields: tuple[str, ...], report, label):
    """Make the link table hold exactly ``wanted`` (key tuple -> extra field values)."""
    existing = {tuple(getattr(obj, f) for f in key_fields): obj for obj in model.objects.all()}
    to_create = [
        model(**dict(zip(key_fields, key, strict=True)), **extra)
        for key, extra in wanted.items()
        if key not in existing
    ]
    to_update = []
    for key, obj in existing.items():
        extra = wanted.get(key)
        if extra is not None and any(getattr(obj, k) != v for k, v in extra.items()):
            for k, v in extra.items():
                setattr(obj, k, v)
            to_update.append(obj)
    stale = [obj.pk for key, obj in existing.items() if key not in wanted]
    model.objects.bulk_create(to_create)
    extra_fields = sorted({k for extra in wanted.values() for k in extra})
    if to_update and extra_fields:
        model.objects.bulk_update(to_update, extra_fields)
    model.objects.filter(pk__in=stale).delete()
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.removed[label] = len(stale)
    report.totals[label] = len(wanted)


@transaction.atomic
def load_catalog() -> LoadReport:
    """Validate the packaged data files and bring the database catalogue in line with them."""
    data = {name: read_rows(name) for name in DATA_FILES}
    problems = validate(data)
    if problems:
        raise CatalogError(problems)
    report = LoadReport()

    clauses = _upsert(
        Clause,
        (
            {
                "ref": row["id"],
                "title": row["title"],
                "summary": row["summary"],
                "documented_information": row["documented_information"],
                "documented_information_note": row["documented_information_note"],
                "sort_key": sort_key(row["id"]),
            }
            for row in data["clauses"]
        ),
        report,
        "clauses",
    )
    for row in data["clauses"]:
        clause = clauses[row["id"]]
        parent = clauses.get(row["parent"]) if row["parent"] else None
        if clause.parent_id != (parent.pk if parent else None):
            clause.parent = parent
            clause.save(update_fields=["parent"])

    controls = _upsert(
        Control,
        (
            {
                "ref": row["id"],
                "title": row["title"],
                "theme": row["theme"],
                "new_in_2022": row["new_in_2022"] == "yes",
                "summary": row["summary"],
                "sort_key": sort_key(row["id"]),
            }
            for row in data["controls"]
        ),
        report,
        "controls",
    )
    _sync_links(
        ControlAttribute,
        {
            (controls[row["id"]].pk, kind, value): {}
            for row in data["controls"]
            for kind in ATTRIBUTE_VOCABULARY
            for value in _split(row[kind])
        },
        ("control_id", "kind", "value"),
        report,
        "control attributes",
    )

    legacy = _upsert(
        LegacyControl,
        (
            {
                "ref": row["id"],
                "title": row["title"],
                "domain_ref": row["domain_id"],
                "domain_title": row["domain_title"],
                "sort_key": sort_key(row["id"]),
            }
            for row in data["legacy_controls"]
        ),
        report,
        "2013 controls",
    )
    _sync_links(
        LegacyControl.controls.through,
        {
            (legacy[row["iso2013_id"]].pk, controls[row["iso2022_id"]].pk): {}
            for row in data["legacy_mapping"]
        },
        ("legacycontrol_id", "control_id"),
        report,
        "2013 to 2022 links",
    )

    criteria = _upsert(
        Soc2Criterion,
        (
            {
                "ref": row["id"],
                "series": row["series"],
                "series_name": row["series_name"],
                "category": row["category"],
                "title": row["title"],
                "position": position,
            }
            for position, row in enumerate(data["soc2"], start=1)
        ),
        report,
        "SOC 2 criteria",
    )
    _sync_links(
        Soc2Mapping,
        {
            (
                criteria[row["soc2_id"]].pk,
                clauses[row["target_id"]].pk if row["target_type"] == "clause" else None,
                controls[row["target_id"]].pk if row["target_type"] == "control" else None,
            ): {"rationale": row["rationale"]}
            for row in data["soc2_mapping"]
        },
        ("criterion_id", "clause_id", "control_id"),
        report,
        "SOC 2 links",
    )
    return report
