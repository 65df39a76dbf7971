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


def test_an_effectiveness_check_is_recorded_in_the_acting_users_name(organisation, make_member):
    import datetime as dt

    from isms.audits.models import Nonconformity
    from isms.people.models import Person

    user, _ = make_member(organisation, Role.INTERNAL_AUDITOR, username="aud")
    user.email = "aud@x.example"
    user.save()
    for name in ("aud", "owner", "friend"):
        Person.objects.create(organisation=organisation, email=f"{name}@x.example", name=name)
    Nonconformity.objects.create(
        organisation=organisation, ref="NC-1", source="internal_audit", grade="minor",
        raised_on=dt.date(2026, 1, 5), description="x", root_cause="r", corrective_action="a",
        process_changed="p", owner=Person.objects.get(email="owner@x.example"),
        implemented_on=dt.date(2026, 2, 1), status="verifying",
    )  # fmt: skip
    args = ("nc", "verify", "NC-1", "--org", "acme", "--effective", "--on", "2026-04-01")
    forged = cli(*args, "--by", "friend@x.example", "--as", "aud")
    assert forged.exit_code == 2 and "recorded in the name of the --as user" in forged.output
    done = cli(*args, "--by", "aud@x.example", "--as", "aud")
    assert done.exit_code == 0, done.output
    assert Nonconformity.objects.get(ref="NC-1").effectiveness_checked_by.email == "aud@x.example"
