"""`isms verify` re-hashes every stored evidence file and names each missing or changed one."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from typer.testing import CliRunner

from isms.cli.app import app
from isms.evidence.models import Evidence
from isms.evidence.services import attach_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def item(organisation, ref, content):
    evidence = Evidence.objects.create(
        organisation=organisation, ref=ref, title=ref, kind="note", collected_on="2026-04-01"
    )
    return attach_file(evidence, SimpleUploadedFile(f"{ref}.pdf", content))


def test_verify_names_missing_and_changed_files(organisation):
    intact = item(organisation, "EV-1", b"one")
    changed = item(organisation, "EV-2", b"two")
    missing = item(organisation, "EV-3", b"three")
    assert cli("verify", "--org", "acme").exit_code == 0
    with open(changed.file.path, "wb") as handle:
        handle.write(b"forged")
    os.remove(missing.file.path)
    result = cli("verify")
    assert result.exit_code == 1
    assert "2 of 3 evidence file(s) failed" in result.output
    assert "EV-2" in result.output and "changed since upload" in result.output
    assert "EV-3" in result.output and "missing" in result.output
    assert "EV-1 " not in result.output, intact
