"""The `--as USER` of a CLI write must hold the permission for it: the change history credits
that user (an import `--as` a viewer used to rewrite a signed review in the viewer's name)."""

import pytest
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.permissions import Role
from isms.people.models import Department

pytestmark = pytest.mark.django_db


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_an_import_as_a_viewer_is_refused_and_writes_nothing(organisation, make_member, tmp_path):
    make_member(organisation, Role.VIEWER, username="guest")
    make_member(organisation, Role.ISMS_MANAGER, username="sarah")
    sheet = tmp_path / "departments.yaml"
    sheet.write_text("Departments:\n  - {name: Quality}\n")
    refused = cli("import", sheet, "--org", "acme", "--as", "guest")
    assert refused.exit_code == 2
    assert "--as guest in acme" in refused.output and "may not import" in refused.output
    assert not Department.objects.filter(organisation=organisation).exists()
    done = cli("import", sheet, "--org", "acme", "--as", "sarah")
    assert done.exit_code == 0, done.output
    assert Department.objects.filter(organisation=organisation, name="Quality").exists()


def test_a_user_of_another_organisation_cannot_act_here(organisation, make_member):
    from isms.core.models import Organisation

    other = Organisation.objects.create(slug="globex", name="Globex")
    make_member(other, Role.OWNER, username="stranger")
    refused = cli("assess", "--org", "acme", "--as", "stranger", "--no-save")
    assert refused.exit_code == 2 and "not a member" in refused.output
