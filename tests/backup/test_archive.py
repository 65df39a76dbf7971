"""The archive `isms backup` writes: private, complete by its manifest, nothing secret."""

import hashlib
import json
import stat
import zipfile

from typer.testing import CliRunner

from isms.cli.app import app


def test_the_archive_is_private_and_its_manifest_lists_every_member(sqlite_source):
    archive = sqlite_source.archive
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert sorted(p.name for p in archive.parent.iterdir()) == ["backup.zip"]  # no leftovers
    with zipfile.ZipFile(archive) as handle:
        manifest = json.loads(handle.read("manifest.json"))
        names = set(handle.namelist()) - {"manifest.json"}
        assert names == set(manifest["members"])
        for name, entry in manifest["members"].items():
            content = handle.read(name)
            assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        assert "records/core.apitoken.jsonl" not in names
        invitations = handle.read("records/people.awarenessinvitation.jsonl").decode()
        links = handle.read("records/evidence.evidencelink.jsonl").decode()
    assert manifest["format"] == "isms-backup" and manifest["format_version"] == 1
    assert manifest["isms_version"] and manifest["database"] == "sqlite"
    assert manifest["migrations"]["core"] and manifest["migrations"]["evidence"]
    counts = {entry["model"]: entry["count"] for entry in manifest["models"]}
    expected = dict(sqlite_source.fingerprint["counts"])
    del expected["core.apitoken"]
    assert counts == expected
    assert len(manifest["files"]) == 4 and manifest["file_problems"] == []
    assert any("API tokens" in reason for reason in manifest["not_included"])
    rows = [json.loads(line) for line in invitations.splitlines()]
    assert rows and all(row["fields"]["token_hash"] is None for row in rows)
    link = json.loads(links.splitlines()[0])
    assert isinstance(link["fields"]["content_type"], list)  # a natural key, not an id
    assert "API tokens" in sqlite_source.backup_output
    assert "mode 0600" in sqlite_source.backup_output


def test_backup_into_a_folder_names_the_archive_and_refuses_to_overwrite(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    folder = tmp_path / "backups"
    folder.mkdir()

    def backup(*args):
        return CliRunner().invoke(app, ["backup", *map(str, args)], catch_exceptions=False)

    result = backup(folder)
    assert result.exit_code == 0, result.output
    (written,) = folder.iterdir()
    assert written.name.startswith("isms-backup-") and written.suffix == ".zip"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    again = backup(written)
    assert again.exit_code == 2 and "already exists" in again.output and "--force" in again.output
    assert backup(written, "--force").exit_code == 0
    missing = backup(tmp_path / "nowhere" / "b.zip")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert sorted(p.name for p in folder.iterdir()) == [written.name]
