"""A backup restored into a new database holds exactly what the source held: every row of
every model with its primary key (registers, history, users with their password hashes,
memberships, assessment runs, awareness answers, external audit findings, the catalogue),
every m2m link, every generic link and every evidence file's bytes; `isms verify` passes, and
new records can be added after it (the id sequences moved on). Left out on purpose: API tokens
and the hashes of awareness links."""

import copy
import json

from tests.backup.conftest import postgres_run, sqlite_run

#: Fields a restore leaves empty on purpose (bearer secrets), per model and its history.
BLANKED = {
    "people.awarenessinvitation": "token_hash",
    "people.historicalawarenessinvitation": "token_hash",
}


def expected_after_restore(source: dict) -> dict:
    expected = copy.deepcopy(source)
    expected["counts"]["core.apitoken"] = 0
    expected["rows"]["core.apitoken"] = []
    for label, name in BLANKED.items():
        for row in expected["rows"][label]:
            row[name] = None
    return expected


def assert_restored(source, target) -> None:
    result = target.isms("restore", source.archive)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Every member matches the manifest's SHA-256." in result.stdout
    assert "Restored " in result.stdout and "all match." in result.stdout
    assert "API tokens" in result.stdout
    assert "  people.awarenessinvitation " in result.stdout  # progress per model

    restored = json.loads(target.tool("check"))  # isms verify, the rows, then new rows
    assert restored["verify"]["exit_code"] == 0, restored["verify"]["output"]
    assert "4 evidence file(s) checked: all match" in restored["verify"]["output"]
    expected = expected_after_restore(source.fingerprint)
    assert restored["counts"] == expected["counts"]
    for label, rows in expected["rows"].items():
        assert restored["rows"][label] == rows, label
    assert restored["m2m"] == expected["m2m"]
    assert restored["links"] == expected["links"]
    assert restored["files"] == expected["files"]


def test_the_source_holds_every_kind_of_record(sqlite_source):
    """The seed is rich enough for the comparisons to mean something."""
    counts, rows = sqlite_source.fingerprint["counts"], sqlite_source.fingerprint["rows"]
    for label in (
        "core.apitoken",
        "auth.group",
        "people.awarenesscampaign",
        "readiness.assessment",
        "readiness.assessmentfinding",
        "audits.externalauditfinding",
        "audits.historicalinternalaudit_clauses",
        "evidence.evidencelink",
    ):
        assert counts[label] >= 1, label
    assert counts["core.organisation"] == 2 and counts["auth.user"] == 2
    assert counts["core.membership"] == 3 and counts["evidence.evidencefileversion"] == 4
    assert "-" in {row["history_type"] for row in rows["operations.historicalincident"]}
    assert any(row["token_hash"] for row in rows["people.awarenessinvitation"])
    assert any(row["answers"] for row in rows["people.awarenessinvitation"])
    assert all(row["password"] for row in rows["auth.user"])
    # History keeps the id of a user deleted since (no foreign key constraint on history).
    user_ids = {row["id"] for row in rows["auth.user"]}
    assert {row["updated_by_id"] for row in rows["operations.historicalsupplier"]} - user_ids


@sqlite_run
def test_sqlite_to_sqlite(sqlite_source, new_database):
    assert_restored(sqlite_source, new_database("sqlite"))


@postgres_run
def test_postgres_to_postgres(postgres_source, new_database):
    assert_restored(postgres_source, new_database("postgres"))


@postgres_run
def test_sqlite_to_postgres(sqlite_source, new_database):
    assert_restored(sqlite_source, new_database("postgres"))
