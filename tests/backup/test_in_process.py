"""Backup and restore in-process on the suite's own database (SQLite or PostgreSQL): a source
whose evidence files were already damaged, and an archive from an older schema."""

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.models import Organisation
from isms.evidence.models import Evidence, EvidenceFileVersion
from isms.evidence.services import attach_file
from isms.exchange.backup import archived_models, write_backup
from isms.exchange.restore import Archive, check_migrations, occupied, open_archive, restore


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def wipe() -> None:
    """Empty the database but for the catalogue, as a new database is (foreign keys are
    checked at commit, so the order does not matter)."""
    chosen = [m for m in archived_models() if m._meta.app_label != "catalog"]
    throughs = [
        field.remote_field.through
        for model in chosen
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    for model in [*throughs, *chosen]:
        model._base_manager.all()._raw_delete(model._base_manager.db)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def test_files_already_damaged_are_backed_up_as_they_are_and_named(
    organisation, make_member, media, tmp_path
):
    make_member(organisation, "owner")
    evidence = Evidence.objects.create(
        organisation=organisation, ref="EV-1", title="t", kind="note", collected_on="2026-04-01"
    )
    kept = attach_file(evidence, SimpleUploadedFile("a.pdf", b"intact"))
    changed = attach_file(evidence, SimpleUploadedFile("b.pdf", b"original"))
    other = Evidence.objects.create(
        organisation=organisation, ref="EV-2", title="t", kind="note", collected_on="2026-04-01"
    )
    lost = attach_file(other, SimpleUploadedFile("c.pdf", b"gone"))
    with open(changed.file.path, "wb") as handle:
        handle.write(b"forged")
    lost_name = lost.file.name
    (media / lost_name).unlink()

    result = cli("backup", tmp_path / "b.zip")
    assert result.exit_code == 0, result.output
    assert f"file {lost_name} is missing" in result.output
    assert f"file {changed.file.name} is changed" in result.output
    assert "2 evidence file(s)" in result.output

    wipe()
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert occupied() == []
    summary = restore(open_archive(tmp_path / "b.zip"))
    assert {(p["model"], p["pk"], p["state"]) for p in summary.known_problems} == {
        ("evidence.evidencefileversion", changed.pk, "changed"),
        ("evidence.evidence", evidence.pk, "changed"),
        ("evidence.evidencefileversion", lost.pk, "missing"),
        ("evidence.evidence", other.pk, "missing"),
    }
    assert summary.files == 2 and summary.files_checked == 5
    assert Organisation.objects.get().slug == "acme"
    assert EvidenceFileVersion.objects.get(pk=kept.pk).file.read() == b"intact"
    assert (media / changed.file.name).read_bytes() == b"forged"
    verify = cli("verify")
    assert verify.exit_code == 1 and "2 of 3 evidence file(s) failed the check" in verify.output


def test_an_archive_from_an_older_schema_is_loaded_with_a_warning(settings, tmp_path):
    settings.MIGRATION_MODULES = {}  # the real migrations (the suite hides them)
    path = tmp_path / "old.zip"
    with zipfile.ZipFile(path, "w"):
        pass
    archive = Archive(
        path=path,
        zip=zipfile.ZipFile(path),
        manifest={"migrations": {"core": "0001_initial"}, "models": [], "isms_version": "0.0.9"},
    )
    check_migrations(archive)
    (warning,) = archive.warnings
    assert "(isms 0.0.9) has an older schema: core 0001_initial" in warning


def test_backup_in_a_transaction_reads_one_snapshot(db, media, tmp_path):
    """Inside an outer transaction (as here) the backup still runs; on its own it reads one
    REPEATABLE READ snapshot on PostgreSQL."""
    summary = write_backup(tmp_path / "x.zip")
    assert summary.records > 0 and summary.files == 0
