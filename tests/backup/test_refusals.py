"""What `isms restore` refuses, and that a refused or failed restore changes nothing: no row
written, no file left in the storage.

The archive is the SQLite source's (see conftest); the checks that come before the database
is touched run in-process against the test database, which is empty but for the catalogue."""

import hashlib
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.models import Organisation
from isms.exchange.restore import RestoreRefused, occupied, open_archive, restore
from tests.backup.conftest import ON_POSTGRES


def rewrite(source, target, replace=None, manifest=None, rehash=True, drop=(), extra=None):
    """A copy of the archive ``source`` with members replaced (and, with ``rehash``, the
    manifest updated to match them), ``drop`` left out, ``extra`` added, and
    ``manifest(data)`` applied to the manifest."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        data = json.loads(old.read("manifest.json"))
        for info in old.infolist():
            if info.filename == "manifest.json" or info.filename in drop:
                continue
            content = old.read(info.filename)
            if info.filename in replace:
                content = replace[info.filename](content)
                if rehash:
                    data["members"][info.filename] = {
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "size": len(content),
                    }
            new.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            new.writestr(name, content)
        if manifest:
            manifest(data)
        new.writestr("manifest.json", json.dumps(data))
    return target


def first_file(archive) -> str:
    with zipfile.ZipFile(archive) as handle:
        return next(n for n in handle.namelist() if n.startswith("files/"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def restore_cli(db, media, settings):
    """isms restore in-process; the real migrations are visible (the suite hides them)."""
    settings.MIGRATION_MODULES = {}

    def run(path):
        return CliRunner().invoke(app, ["restore", str(path)], catch_exceptions=False)

    return run


def assert_nothing_restored(media) -> None:
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert occupied() == []
    assert not Organisation.objects.exists() and not get_user_model().objects.exists()


def test_a_file_with_one_byte_changed_is_refused_naming_the_member(
    sqlite_source, restore_cli, media, tmp_path
):
    member = first_file(sqlite_source.archive)

    def flip(content):
        return bytes([content[0] ^ 0x01]) + content[1:]

    archive = rewrite(sqlite_source.archive, tmp_path / "t.zip", {member: flip}, rehash=False)
    result = restore_cli(archive)
    assert result.exit_code == 2
    assert "damaged or was altered; nothing was restored" in result.output
    assert f"member {member}: its SHA-256 differs from the manifest's" in result.output
    assert_nothing_restored(media)


def test_a_truncated_archive_is_refused(sqlite_source, restore_cli, media, tmp_path):
    data = sqlite_source.archive.read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    result = restore_cli(tmp_path / "cut.zip")
    assert result.exit_code == 2 and "not a zip archive, or truncated" in result.output

    member = "records/people.person.jsonl"
    short = rewrite(
        sqlite_source.archive, tmp_path / "short.zip", {member: lambda c: c[:-40]}, rehash=False
    )
    result = restore_cli(short)
    assert result.exit_code == 2
    assert f"member {member}: " in result.output and "truncated or altered" in result.output

    odd = rewrite(
        sqlite_source.archive,
        tmp_path / "odd.zip",
        drop={"records/people.department.jsonl"},
        extra={"files/evidence/1/smuggled": b"x"},
    )
    result = restore_cli(odd)
    assert result.exit_code == 2
    assert "member records/people.department.jsonl is missing from the archive" in result.output
    assert "member files/evidence/1/smuggled is not listed in the manifest" in result.output
    assert_nothing_restored(media)


def test_an_archive_from_a_newer_schema_is_refused(sqlite_source, restore_cli, media, tmp_path):
    def newer(manifest):
        manifest["migrations"]["core"] = "9999_from_the_future"
        manifest["isms_version"] = "9.0"

    result = restore_cli(rewrite(sqlite_source.archive, tmp_path / "new.zip", manifest=newer))
    assert result.exit_code == 2
    assert "was made by a newer isms (9.0)" in result.output
    assert "migration core.9999_from_the_future is unknown to this version" in result.output
    assert_nothing_restored(media)


def test_what_is_not_an_archive_is_refused(restore_cli, media, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as handle:
        handle.writestr("readme.txt", "hello")
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as handle:
        manifest = {
            "format": "isms-backup",
            "format_version": 1,
            "migrations": {},
            "models": [],
            "members": {"files/../../x": {"sha256": "0" * 64, "size": 1}},
            "files": [{"member": "files/../../x", "name": "../../x", "model": "m", "field": "f"}],
        }
        handle.writestr("manifest.json", json.dumps(manifest))
    for path, message in (
        (tmp_path / "missing.zip", "missing.zip does not exist"),
        (tmp_path, "is a folder, not a backup archive"),
        (tmp_path / "notes.txt", "not a zip archive, or truncated"),
        (tmp_path / "other.zip", "it has no manifest.json"),
        (tmp_path / "evil.zip", "files entry 1 is malformed or unsafe: '../../x'"),
    ):
        result = restore_cli(path)
        assert result.exit_code == 2 and message in result.output, (path, result.output)
    assert_nothing_restored(media)


def test_a_failure_after_the_files_were_written_rolls_everything_back(
    sqlite_source, db, media, tmp_path
):
    """The records load, the files are written, then one file fails the check: the
    transaction rolls back and the files written are removed."""
    member = "records/evidence.evidencefileversion.jsonl"

    def wrong_hash(content: bytes) -> bytes:
        lines = content.decode().splitlines()
        record = json.loads(lines[0])
        record["fields"]["sha256"] = "0" * 64
        return "\n".join([json.dumps(record), *lines[1:]]).encode() + b"\n"

    archive = open_archive(
        rewrite(sqlite_source.archive, tmp_path / "bad.zip", {member: wrong_hash})
    )
    steps = []
    with pytest.raises(RestoreRefused) as refused:
        restore(archive, on_step=steps.append)
    assert "Writing 4 stored file(s)..." in steps
    assert refused.value.message.startswith("the restored evidence files do not match")
    assert refused.value.problems[0].startswith("evidence.evidencefileversion 1 ")
    assert_nothing_restored(media)
    assert apps.get_model("catalog", "control").objects.count() == 93  # the catalogue is back


def test_a_bad_record_is_named_by_member_and_line(sqlite_source, db, media, tmp_path):
    member = "records/people.person.jsonl"

    def unknown_field(content: bytes) -> bytes:
        lines = content.decode().splitlines()
        record = json.loads(lines[2])
        record["fields"]["shoe_size"] = 44
        lines[2] = json.dumps(record)
        return "\n".join(lines).encode() + b"\n"

    archive = open_archive(
        rewrite(sqlite_source.archive, tmp_path / "bad.zip", {member: unknown_field})
    )
    with pytest.raises(RestoreRefused) as refused:
        restore(archive)
    assert refused.value.message.startswith(f"{member} line 3: ")
    assert "shoe_size" in refused.value.message
    assert_nothing_restored(media)


def test_a_database_with_only_a_user_is_refused(sqlite_source, db, media):
    get_user_model().objects.create_user("solo")
    assert occupied() == ["1 user row(s) (auth.user)"]
    with pytest.raises(RestoreRefused) as refused:
        restore(open_archive(sqlite_source.archive))
    assert refused.value.problems == ["1 user row(s) (auth.user)"]
    assert get_user_model().objects.count() == 1 and not Organisation.objects.exists()


@pytest.fixture
def native(sqlite_source, request):
    """The source of this suite run's database (PostgreSQL or SQLite)."""
    return request.getfixturevalue("postgres_source") if ON_POSTGRES else sqlite_source


def test_a_database_that_is_not_empty_is_refused_and_left_alone(native):
    """The real command, in its own process, on a database full of records."""
    before_files = native.database.files
    result = native.database.isms("restore", native.archive)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "is not empty; nothing was restored" in result.stderr
    assert "2 organisation row(s) (core.organisation)" in result.stderr
    assert "2 user row(s) (auth.user)" in result.stderr
    assert native.database.files == before_files
    assert native.database.fingerprint() == native.fingerprint
