import json

from django.contrib.auth import get_user_model

from isms.core.models import Membership, Organisation


def test_org_user_member_flow(cli):
    assert cli("org", "create", "acme", "--name", "Acme Ltd").exit_code == 0
    result = cli("user", "create", "alice", "--email", "alice@acme.test", "--no-password")
    assert result.exit_code == 0, result.output
    result = cli("member", "add", "alice", "--org", "acme", "--role", "owner", "--top-management")
    assert result.exit_code == 0, result.output
    assert "Added alice in acme as Owner (top management)." in result.stdout
    result = cli("member", "add", "alice", "--org", "acme", "--role", "viewer")
    assert result.exit_code == 2, "the last active owner cannot be demoted"
    assert "alice is the last active owner of acme" in result.output
    assert cli("user", "create", "bob", "--no-password").exit_code == 0
    assert cli("member", "add", "bob", "--org", "acme", "--role", "owner").exit_code == 0
    result = cli("member", "add", "alice", "--org", "acme", "--role", "viewer")
    assert "Updated alice in acme as Viewer" in result.stdout
    members = json.loads(cli("member", "list", "--org", "acme", "-f", "json").stdout)
    assert members == [
        {"username": "alice", "role": "viewer", "top_management": False, "active": True},
        {"username": "bob", "role": "owner", "top_management": False, "active": True},
    ]


def test_user_password_is_prompted_and_validated(cli):
    result = cli("user", "create", "bob", input="short\nshort\n")
    assert result.exit_code == 2
    assert "password: This password is too short" in result.output
    assert not get_user_model().objects.filter(username="bob").exists()
    good = "correct horse battery staple\n"
    assert cli("user", "create", "bob", input=good * 2).exit_code == 0
    assert get_user_model().objects.get(username="bob").check_password(good.strip())


def test_bad_slug_exits_2_and_names_the_field(cli):
    result = cli("org", "create", "Not A Slug", "--name", "X")
    assert result.exit_code == 2
    assert "cannot create organisation 'Not A Slug'" in result.output
    assert "slug: a slug is 1-50 lowercase letters" in result.output
    assert not Organisation.objects.exists()


def test_duplicate_org_exits_2(cli):
    cli("org", "create", "acme", "--name", "Acme")
    result = cli("org", "create", "acme", "--name", "Other")
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert Organisation.objects.get().name == "Acme"


def test_member_add_names_unknown_org_and_user(cli):
    result = cli("member", "add", "ghost", "--org", "nowhere", "--role", "viewer")
    assert result.exit_code == 2
    assert "no organisation with slug 'nowhere'" in result.output
    cli("org", "create", "acme", "--name", "Acme")
    result = cli("member", "add", "ghost", "--org", "acme", "--role", "viewer")
    assert result.exit_code == 2
    assert "no user named 'ghost'" in result.output
    assert not Membership.objects.exists()


def test_member_add_refuses_unknown_role(cli):
    result = cli("member", "add", "alice", "--org", "acme", "--role", "king")
    assert result.exit_code == 2
    assert "king" in result.output
